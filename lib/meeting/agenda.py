"""A coalition meeting's agenda, one section per screen, from what the whole coalition may see.

The order is the one a coalition table works through: what is new since the last meeting, then
each candidate with news (what is new, and where they stand on the issues), the follow-ups due,
where candidates need education, the insights, the coalition's goals (when it has any), and at
the end the actions the table agrees on. Every section is built from the tables with nothing
restricted left in them, whatever tables it is given: the screen is shared.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from lib import analytics, digest, goals, insights, schema, visibility
from lib.goals import GoalProgress
from lib.meeting import actions
from lib.text import plural

NEWS = "news"
CANDIDATE = "candidate"
FOLLOW_UPS = "follow-ups"
EDUCATION = "education"
INSIGHTS = "insights"
GOALS = "goals"
ACTIONS = "actions"

# What one screen shows of a list, read from across a room: at 1280x720 a line of LINE_CHARS
# wraps onto two rows of the full width (three in a column), and a section of SCREEN_LINES such
# lines still fits. The rest are in the report-back and the minutes.
SCREEN_LINES = 7
NARROW_LINES = 5  # in a column beside another (a candidate's news beside their stances)
SCREEN_GOALS = 4
LINE_CHARS = 200
HEADING_CHARS = 80


@dataclass(frozen=True)
class Part:
    heading: str
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class AgendaSection:
    """One screen of the agenda. ``parts`` are its groups (a candidate's news and stances, the
    education needs of each issue); ``note`` is said under the lines in smaller type."""

    kind: str
    heading: str
    lines: tuple[str, ...] = ()
    parts: tuple[Part, ...] = ()
    empty: str = "Nothing to discuss."
    note: str = ""
    progress: tuple[GoalProgress, ...] = ()
    subtitle: str = ""  # said under the heading: a candidate's race
    candidate_id: str = ""


def sections(tables: dict[str, pd.DataFrame], since: date, today: date) -> list[AgendaSection]:
    """The agenda of a meeting held ``today`` that reviews ``since``..``today``."""
    shown = visibility.visible_tables(tables, visibility.COALITION)
    news = digest.new_since(shown, since, today)
    agenda = [overview(shown, news, since, today)]
    # Built once for every candidate, not once per screen: a large coalition has a hundred.
    stances = analytics.positions_matrix(
        shown["candidates"], shown["issues"][shown["issues"]["active"]], shown["positions"]
    )
    agenda += [candidate(shown, section, since, stances) for section in news]
    agenda.append(
        AgendaSection(
            FOLLOW_UPS,
            "Follow-ups due and overdue",
            tuple(digest.follow_ups(shown, today)),
            empty="Nothing overdue or due in the next 14 days.",
        )
    )
    agenda.append(
        AgendaSection(
            EDUCATION,
            "What candidates need education on",
            parts=tuple(
                Part(part.heading, tuple(part.lines))
                for part in digest.education_by_issue(shown, since, today)
            ),
            empty=f"No education needs noted since {since}.",
        )
    )
    agenda.append(
        AgendaSection(
            INSIGHTS,
            "Actionable insights",
            tuple(insights.insights(shown, today)),
            empty="No suggestions right now.",
        )
    )
    counted = goals.progress_in(shown, today)
    if counted:
        # A goal that cannot be counted is for an admin to correct, not for the room to read.
        readable = tuple(item for item in counted if item.state != goals.UNREADABLE)
        agenda.append(
            AgendaSection(
                GOALS, "Coalition goals", progress=readable, empty="No goal can be counted yet."
            )
        )
    agreed = actions.agreed_at(shown, today)
    agenda.append(
        AgendaSection(
            ACTIONS,
            "Agreed actions",
            tuple(actions.lines(agreed)),
            empty="No actions agreed yet at this meeting.",
        )
    )
    return agenda


def overview(
    tables: dict[str, pd.DataFrame], news: list[digest.Section], since: date, today: date
) -> AgendaSection:
    """The first screen: who has news, and of what kind, before going through them one by one."""
    reports = tables["interactions"]
    reports = reports[digest.in_period(reports["date"], since, today)]
    made = tables["commitments"]
    made = made[digest.in_period(made["made_on"], since, today)]
    report_counts = reports["candidate_id"].value_counts().to_dict()
    commitment_counts = made["candidate_id"].value_counts().to_dict()
    candidates = tables["candidates"]
    ids = _ids_by_label(candidates)
    lines = []
    for section in news:
        key = ids.get(section.heading, "")
        counts = (report_counts.get(key, 0), commitment_counts.get(key, 0))
        shifts = len(section.lines) - sum(counts)
        said = [
            plural(count, noun, many)
            for count, (noun, many) in zip(
                (*counts, shifts),
                (("report", ""), ("commitment", ""), ("change of position", "changes of position")),
                strict=True,
            )
            if count > 0
        ]
        lines.append(f"{clip(section.heading, HEADING_CHARS)}: {', '.join(said)}")
    quiet = len(
        set(candidates.loc[candidates["active"], "id"]) - {ids.get(n.heading) for n in news}
    )
    note = f"Nothing new from {plural(quiet, 'other active candidate')}." if quiet else ""
    return AgendaSection(
        NEWS,
        f"New since {since}",
        tuple(lines),
        empty="No reports, commitments or changes of position since then.",
        note=note if lines else "",
    )


def _ids_by_label(candidates: pd.DataFrame) -> dict[str, str]:
    """Candidate ids by the label digest.new_since heads their news with (labels are told
    apart, so each names one candidate)."""
    return {label: key for key, label in analytics.candidate_labels(candidates).items()}


def candidate(
    tables: dict[str, pd.DataFrame], news: digest.Section, since: date, stances: pd.DataFrame
) -> AgendaSection:
    """One candidate's screen: what is new since the last meeting, and their current stance on
    each active issue (their row of ``stances``, the positions matrix of every candidate)."""
    candidates = tables["candidates"]
    candidate_id = _ids_by_label(candidates).get(news.heading, "")
    one = candidates[candidates["id"] == candidate_id].head(1)
    race = analytics.races(one).iloc[0] if not one.empty else ""
    status = schema.CANDIDATE_STATUS.label(one["status"].iloc[0]) if not one.empty else ""
    row = stances[stances.index == news.heading].head(1)
    said = tuple(
        f"{issue}: {schema.STANCE.label(stance) if stance else 'no record yet'}"
        for issue, stance in (row.iloc[0].items() if not row.empty else ())
    )
    return AgendaSection(
        CANDIDATE,
        news.heading,
        parts=(Part(f"New since {since}", tuple(news.lines)), Part("Where they stand", said)),
        subtitle=", ".join(part for part in (race, status) if part),
        candidate_id=candidate_id,
    )


# --- fitting a section on one screen -------------------------------------------------------------


def clip(text: str, chars: int = LINE_CHARS) -> str:
    """The start of a long line with "…" where it was cut: at a word when one ends near the
    cut, so that a run of text with no spaces still shows its start."""
    text = " ".join(text.split())
    if len(text) <= chars:
        return text
    cut = text[: chars - 1]
    at_word = cut.rsplit(" ", 1)[0]
    if len(at_word) >= chars * 3 // 4:
        cut = at_word
    return cut.rstrip(" ,;:") + "…"


def screenful(lines: Sequence[str], most: int = SCREEN_LINES) -> tuple[list[str], int]:
    """The lines one screen shows (each clipped), and how many more there are. When only one
    would be left over, it is shown instead of "…and 1 more"."""
    if len(lines) <= most + 1:
        return [clip(line) for line in lines], 0
    return [clip(line) for line in lines[:most]], len(lines) - most


def fit_parts(parts: Sequence[Part], most: int = SCREEN_LINES) -> tuple[list[Part], int]:
    """Groups of lines cut to ``most`` lines in all (each group's heading counts as one), every
    line clipped, and how many lines were left out."""
    shown: list[Part] = []
    room, left_out = most, 0
    for part in parts:
        if room < 2:  # no room for a heading and a line under it
            left_out += len(part.lines)
            continue
        kept = part.lines[: room - 1]
        shown.append(Part(part.heading, tuple(clip(line) for line in kept)))
        left_out += len(part.lines) - len(kept)
        room -= 1 + len(kept)
    return shown, left_out
