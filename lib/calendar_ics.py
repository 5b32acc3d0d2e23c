"""Follow-up dates as a calendar file (.ics) that Google Calendar, Outlook and Apple import."""

from __future__ import annotations

from datetime import date, datetime

import icalendar
import pandas as pd

from lib import analytics, visibility
from lib.export import one_line

PRODUCT = "-//Coalition Tracker//Follow-ups//EN"


def owners(tables: dict[str, pd.DataFrame]) -> list[str]:
    """Everyone who owns a follow-up the calendar can show, for choosing whose to export."""
    return owners_in(visibility.visible_tables(tables, visibility.COALITION))


def owners_in(shown: dict[str, pd.DataFrame]) -> list[str]:
    """:func:`owners` of tables already narrowed to what the whole coalition may see (a shared
    screen's): narrowing a large coalition's tables twice costs a tenth of a second."""
    names = set(shown["commitments"]["owner"].unique()) | set(shown["actions"]["owner"].unique())
    return sorted(name for name in names if name.strip())


def follow_up_calendar(
    tables: dict[str, pd.DataFrame], owner: str | None, stamp: datetime
) -> bytes:
    """All-day events for open commitments' follow-up dates and undone actions' due dates.

    Restricted records never appear. ``owner`` narrows it to one person's follow-ups. Event ids
    are the records' ids, so importing a newer file updates events instead of duplicating them.
    """
    shown = visibility.visible_tables(tables, visibility.COALITION)
    names = analytics.names(shown["candidates"])
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    # Every text value is one line: icalendar refuses a raw line break in a property it does not
    # know (X-WR-CALNAME), and RFC 5545 allows no control characters in any text.
    calendar.add("x-wr-calname", one_line("Coalition follow-ups" + (f": {owner}" if owner else "")))
    commitments = shown["commitments"]
    commitments = commitments[analytics.is_open(commitments) & (commitments["follow_up_by"] != "")]
    actions = shown["actions"]
    actions = actions[~actions["done"] & (actions["due"] != "")]
    if owner:
        commitments = commitments[commitments["owner"] == owner]
        actions = actions[actions["owner"] == owner]
    events = [
        (
            row.id,
            row.follow_up_by,
            f"Follow up: {names.get(row.candidate_id, '')}: {row.text}",
            row.owner,
        )
        for row in commitments.itertuples()
    ] + [(row.id, row.due, f"Action: {row.title}", row.owner) for row in actions.itertuples()]
    for record_id, day, summary, who in sorted(events, key=lambda event: event[1]):
        start = _day(day)
        if start is None:  # a date typed by hand that the sheet check already reports
            continue
        event = icalendar.Event()
        event.add("uid", one_line(f"{record_id}@coalition-tracker"))
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("summary", one_line(summary))
        event.add("description", one_line(f"Owner: {who or 'no owner yet'}"))
        calendar.add_component(event)
    return calendar.to_ical()


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
