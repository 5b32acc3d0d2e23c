"""A meeting's minutes: the coalition report-back for the period the meeting reviewed, and the
actions it agreed. Rendered by lib.digest, as Markdown and as PDF, like the report-back itself."""

from __future__ import annotations

from datetime import date

import pandas as pd

from lib import digest, visibility
from lib.meeting import actions

AGREED_HEADING = "Agreed actions"


def minutes(
    tables: dict[str, pd.DataFrame],
    since: date,
    meeting_day: date,
    coalition_name: str,
    today: date,
) -> digest.Digest:
    """The minutes of the meeting of ``meeting_day``, which reviewed ``since``..``meeting_day``.
    For the coalition's members: nothing restricted, whatever tables are given."""
    report_back = digest.build(tables, since, meeting_day, "coalition", coalition_name, today)
    shown = visibility.visible_tables(tables, visibility.COALITION)
    agreed = actions.lines(actions.agreed_at(shown, meeting_day))
    return digest.Digest(
        title=f"{coalition_name or 'Coalition'} meeting of {meeting_day}: minutes",
        subtitle=(
            f"The report-back for {since} to {meeting_day} and the actions agreed. "
            f"For: coalition members. Prepared {today}."
        ),
        sections=[
            *report_back.sections,
            digest.Section(AGREED_HEADING, agreed, empty="No actions were agreed."),
        ],
    )


def file_name(meeting_day: date, extension: str) -> str:
    return f"minutes-{meeting_day.isoformat()}.{extension}"
