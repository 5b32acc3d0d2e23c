"""What a briefing says about one candidate, built from the tables its reader may see.

Pages pass the tables as :func:`lib.ui.tables` filtered them for the reader, so a restricted
record the reader may not see never reaches a briefing, on screen or in its PDF.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from lib import analytics, insights, schema
from lib.briefing.framing import Framing, framing_for
from lib.text import safe_url

NEARBY_DAYS = 7
#: The briefing's sections, in order, as the screen and the PDF head them.
HEADINGS = {
    "priorities": "Their priorities",
    "stances": "Where they stand on our issues",
    "commitments": "Open commitments",
    "questions": "What they asked before",
    "education": "Where they need education",
    "quotes": "Notable quotes",
    "contacts": "Partners' last contact with them",
    "companions": "Who should come along",
    "framing": "Suggested framing",
}
# The marker the report form adds to quotes (lib.report.with_quote_kind), also as people write it
# by hand: "(verbatim)", "(verbatim, town hall livestream)", "(paraphrased by Tomás)".
_QUOTE_MARKER = re.compile(r"\s*\((verbatim|paraphrased)\b[,;:]?\s*([^()]*)\)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Priority:
    name: str
    on_profile: bool
    reports: int  # how many of the reports the reader may see name it


@dataclass(frozen=True)
class Stance:
    issue: str
    ask: str
    stance: str  # the stored value; "" when nobody has recorded one
    as_of: str = ""
    evidence: str = ""
    source: str = ""
    source_url: str = ""

    @property
    def label(self) -> str:
        return schema.STANCE.label(self.stance) if self.stance else "No record"


@dataclass(frozen=True)
class Commitment:
    issue: str
    text: str
    status: str
    owner: str
    due: str
    overdue: bool
    made_on: str


@dataclass(frozen=True)
class Dated:
    """Something noted in a report: a question they asked, where they need education."""

    day: str
    text: str
    kind: str  # the kind of interaction, in words


@dataclass(frozen=True)
class Quote:
    day: str
    text: str
    verbatim: bool | None  # None: the report does not say
    note: str  # what the report adds about it ("town hall livestream", "by Tomás")

    @property
    def marked(self) -> str:
        return {True: "Verbatim", False: "Paraphrased", None: "Not marked verbatim"}[self.verbatim]


@dataclass(frozen=True)
class PartnerContact:
    partner: str
    last_day: str  # "" when no report names this partner with the candidate
    last_kind: str
    reported_by: str
    takeaways: str
    next_planned: str  # the next planned meeting's date, "" when none


@dataclass(frozen=True)
class Planned:
    partner: str
    day: str
    planned_by: str
    objectives: str


@dataclass(frozen=True)
class Nearby:
    """Another partner's meeting with the candidate close to the reader's."""

    partner: str
    day: str
    planned: bool
    what: str  # the kind of interaction, or the planned objectives
    days_from_meeting: int

    def sentence(self) -> str:
        if self.days_from_meeting == 0:
            when = "the same day as your meeting"
        else:
            count = abs(self.days_from_meeting)
            side = "after" if self.days_from_meeting > 0 else "before"
            when = f"{count} day{'s' * (count != 1)} {side} your meeting"
        verb = "plans to meet them" if self.planned else "met them"
        return f"{self.partner} {verb} on {self.day} ({when}): {self.what}"


@dataclass(frozen=True)
class Companion:
    priority: str
    strength: str
    partners: tuple[str, ...]


@dataclass
class Briefing:
    candidate_id: str
    name: str
    facts: list[str]  # office, district, party, stage, status, in words
    website: str  # an address safe to link, or ""
    notes: str
    meeting_day: date
    today: date
    priorities: list[Priority] = field(default_factory=list)
    stances: list[Stance] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    questions: list[Dated] = field(default_factory=list)
    education: list[Dated] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    contacts: list[PartnerContact] = field(default_factory=list)
    planned: list[Planned] = field(default_factory=list)
    nearby: list[Nearby] = field(default_factory=list)
    companions: list[Companion] = field(default_factory=list)
    framing: list[Framing] = field(default_factory=list)
    #: whether anything shown is restricted (staff, or its author, are reading)
    has_restricted: bool = False


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _kind(kind: str) -> str:
    return schema.INTERACTION_KIND.label(kind or "other")


def priorities_of(candidate: pd.Series, interactions: pd.DataFrame) -> list[Priority]:
    """The priorities on the candidate's record, then those only their reports name, the most
    named first; the same priority typed differently counts once."""
    counts: dict[str, int] = {}
    shown: dict[str, str] = {}
    for text in interactions["candidate_priorities"]:
        for named in schema.split_list(text):
            folded = schema.fold(named)
            counts[folded] = counts.get(folded, 0) + 1
            shown.setdefault(folded, named)
    listed = []
    for named in schema.split_list(candidate["priorities"]):
        if schema.fold(named) not in {schema.fold(p.name) for p in listed}:
            listed.append(Priority(named, True, counts.get(schema.fold(named), 0)))
    on_record = {schema.fold(priority.name) for priority in listed}
    reported = sorted(
        (folded for folded in counts if folded not in on_record),
        key=lambda folded: (-counts[folded], shown[folded].lower()),
    )
    return listed + [Priority(shown[folded], False, counts[folded]) for folded in reported]


def _source(position: pd.Series, interactions: pd.DataFrame) -> str:
    report = interactions[interactions["id"] == position["interaction_id"]]
    if position["interaction_id"] and len(report):
        row = report.iloc[0]
        by = f", reported by {row['reported_by']}" if row["reported_by"].strip() else ""
        return f"{_kind(row['kind'])} on {row['date']}{by}"
    if position["source"] == "questionnaire":
        return "Questionnaire answer"
    if position["source_url"]:
        return "Public statement"
    return "Recorded observation"


def stances_of(
    positions: pd.DataFrame, issues: pd.DataFrame, interactions: pd.DataFrame
) -> list[Stance]:
    """Each active issue with the candidate's latest observed stance, or none recorded."""
    active = issues[issues["active"]].sort_values("name", kind="stable")
    labels = analytics.labels(active)
    current = analytics.current_stances(positions)
    latest = {row["issue_id"]: row for _, row in current.iterrows()}
    found = []
    for issue_id, ask in zip(active["id"], active["ask"], strict=True):
        position = latest.get(issue_id)
        if position is None:
            found.append(Stance(labels[issue_id], ask, ""))
            continue
        found.append(
            Stance(
                labels[issue_id],
                ask,
                position["stance"],
                position["as_of"],
                position["evidence"],
                _source(position, interactions),
                safe_url(position["source_url"]) or "",
            )
        )
    return found


def open_commitments(
    commitments: pd.DataFrame, issue_names: dict[str, str], today: date
) -> list[Commitment]:
    """Open commitments: overdue first (the longest overdue on top), then by follow-up date,
    those with no date last."""
    rows = commitments[analytics.is_open(commitments)]
    ordered = rows.assign(
        overdue=analytics.is_overdue(rows, today), undated=rows["follow_up_by"] == ""
    ).sort_values(
        ["overdue", "undated", "follow_up_by", "made_on"],
        ascending=[False, True, True, True],
        kind="stable",
    )
    return [
        Commitment(
            issue_names.get(issue_id, "No issue named"),
            text,
            schema.COMMITMENT_STATUS.label(status),
            owner.strip(),
            due,
            bool(overdue),
            made_on,
        )
        for issue_id, text, status, owner, due, overdue, made_on in zip(
            ordered["issue_id"],
            ordered["text"],
            ordered["status"],
            ordered["owner"],
            ordered["follow_up_by"],
            ordered["overdue"],
            ordered["made_on"],
            strict=True,
        )
    ]


def noted(interactions: pd.DataFrame, column: str) -> list[Dated]:
    """What the candidate's reports note in ``column``, the newest first."""
    rows = interactions[interactions[column].str.strip() != ""]
    rows = rows.sort_values(["date", "created_at"], ascending=False, kind="stable")
    return [
        Dated(day, text.strip(), _kind(kind))
        for day, text, kind in zip(rows["date"], rows[column], rows["kind"], strict=True)
    ]


def quote_of(day: str, text: str) -> Quote:
    """A report's quotes, with whether they are word for word as the report marks it."""
    found = _QUOTE_MARKER.search(text)
    if found is None:
        return Quote(day, text.strip(), None, "")
    kind, note = found.group(1).lower(), found.group(2).strip()
    return Quote(day, text[: found.start()].strip(), kind == "verbatim", note)


def quotes_of(interactions: pd.DataFrame) -> list[Quote]:
    return [quote_of(row.day, row.text) for row in noted(interactions, "quotes")]


def _partner_ids(text: str) -> list[str]:
    return list(dict.fromkeys(schema.split_list(text)))


def contacts_of(
    interactions: pd.DataFrame,
    planned: pd.DataFrame,
    partners: pd.DataFrame,
    partner_labels: dict[str, str],
    today: date,
) -> list[PartnerContact]:
    """Every active partner (and any other a report names) with their last reported meeting with
    the candidate and their next planned one; the most recent contact first."""
    latest: dict[str, pd.Series] = {}
    ordered = interactions.sort_values(["date", "created_at"], kind="stable")
    for _, row in ordered.iterrows():
        for partner in _partner_ids(row["partner_ids"]):
            latest[partner] = row
    upcoming: dict[str, str] = {}
    for partner, day in zip(planned["partner_id"], planned["date"], strict=True):
        if (
            partner
            and day >= today.isoformat()
            and (partner not in upcoming or day < upcoming[partner])
        ):
            upcoming[partner] = day
    everyone = list(dict.fromkeys([*partners[partners["active"]]["id"], *latest, *upcoming]))
    contacts = []
    for partner in everyone:
        row = latest.get(partner)
        contacts.append(
            PartnerContact(
                partner_labels.get(partner, partner),
                row["date"] if row is not None else "",
                _kind(row["kind"]) if row is not None else "",
                row["reported_by"].strip() if row is not None else "",
                row["takeaways"].strip() if row is not None else "",
                upcoming.get(partner, ""),
            )
        )
    met = sorted((c for c in contacts if c.last_day), key=lambda c: c.last_day, reverse=True)
    not_met = sorted((c for c in contacts if not c.last_day), key=lambda c: c.partner)
    return met + not_met


def planned_of(planned: pd.DataFrame, partner_labels: dict[str, str], today: date) -> list[Planned]:
    """Meetings planned from today on, the soonest first."""
    rows = planned[planned["date"] >= today.isoformat()].sort_values("date", kind="stable")
    return [
        Planned(
            partner_labels.get(row.partner_id, row.partner_id)
            if row.partner_id
            else "No partner named",
            row.date,
            row.planned_by.strip(),
            row.objectives.strip(),
        )
        for row in rows.itertuples()
    ]


def nearby_meetings(
    interactions: pd.DataFrame,
    planned: pd.DataFrame,
    partner_labels: dict[str, str],
    own_partner: str,
    meeting_day: date,
    days: int = NEARBY_DAYS,
) -> list[Nearby]:
    """Other partners' meetings with the candidate within ``days`` of the reader's, reported
    or planned, in date order. A record that names no partner is nobody's to coordinate with."""

    def close(day_text: str) -> int | None:
        day = _day(day_text)
        if day is None:
            return None
        apart = (day - meeting_day).days
        return apart if abs(apart) <= days else None

    found: dict[tuple[str, str, bool, str], Nearby] = {}
    for row in interactions.itertuples():
        apart = close(row.date)
        if apart is None:
            continue
        for partner in _partner_ids(row.partner_ids):
            if partner == own_partner:
                continue
            what = f"a {_kind(row.kind).lower()}"
            name = partner_labels.get(partner, partner)
            found[(name, row.date, False, what)] = Nearby(name, row.date, False, what, apart)
    for row in planned.itertuples():
        apart = close(row.date)
        if apart is None or not row.partner_id or row.partner_id == own_partner:
            continue
        what = row.objectives.strip() or "no objectives given"
        name = partner_labels.get(row.partner_id, row.partner_id)
        found[(name, row.date, True, what)] = Nearby(name, row.date, True, what, apart)
    return sorted(found.values(), key=lambda near: (near.day, near.partner))


def normal_priority(priority: str) -> str:
    """A priority as the insights' rules name it: "Health  Care" -> "health care"."""
    return " ".join(priority.lower().split())


def companions_for(priorities: Iterable[str], partners: pd.DataFrame) -> list[Companion]:
    """For each priority, the strengths that speak to it (the insights' rules) and the partners
    who have them."""
    found = []
    for priority in priorities:
        for strength, names in insights.partners_for(normal_priority(priority), partners).items():
            found.append(Companion(priority, strength, tuple(names)))
    return found


def _any_restricted(frames: Iterable[pd.DataFrame]) -> bool:
    return any(bool((frame["visibility"] == "restricted").any()) for frame in frames)


def build(
    tables: dict[str, pd.DataFrame],
    candidate_id: str,
    *,
    viewer_partner_id: str,
    meeting_day: date,
    today: date,
) -> Briefing:
    """The briefing on ``candidate_id`` for a reader from ``viewer_partner_id`` ("" for none)
    meeting them on ``meeting_day``, from the tables that reader may see."""
    candidates = tables["candidates"]
    found = candidates[candidates["id"] == candidate_id]
    if found.empty:
        raise KeyError(f"No candidate {candidate_id!r} among those this reader may see.")
    candidate = found.iloc[0]
    mine = {
        name: tables[name][tables[name]["candidate_id"] == candidate_id]
        for name in ("interactions", "positions", "commitments", "planned_meetings")
    }
    interactions, planned = mine["interactions"], mine["planned_meetings"]
    partner_labels = analytics.labels(tables["partners"], detail="kind")
    issue_names = analytics.labels(tables["issues"])
    facts = [
        f"{candidate['office']} {candidate['district']}".strip(),
        candidate["party"],
        schema.STAGE.label(candidate["stage"]) if candidate["stage"] else "",
        schema.CANDIDATE_STATUS.label(candidate["status"]) if candidate["status"] else "",
        "incumbent" if candidate["incumbent"] else "",
    ]
    priorities = priorities_of(candidate, interactions)
    names = [priority.name for priority in priorities]
    stances = stances_of(mine["positions"], tables["issues"], tables["interactions"])
    current = analytics.current_stances(mine["positions"])
    commitments = mine["commitments"]
    return Briefing(
        candidate_id=candidate_id,
        name=candidate["name"],
        facts=[fact for fact in facts if fact],
        website=safe_url(candidate["website"]) or "",
        notes=candidate["notes"].strip(),
        meeting_day=meeting_day,
        today=today,
        priorities=priorities,
        stances=stances,
        commitments=open_commitments(commitments, issue_names, today),
        questions=noted(interactions, "questions_asked"),
        education=noted(interactions, "education_needed"),
        quotes=quotes_of(interactions),
        contacts=contacts_of(interactions, planned, tables["partners"], partner_labels, today),
        planned=planned_of(planned, partner_labels, today),
        nearby=nearby_meetings(
            interactions, planned, partner_labels, viewer_partner_id, meeting_day
        ),
        companions=companions_for(names, tables["partners"]),
        framing=framing_for(names, tables["issues"], tables["framing"]),
        has_restricted=_any_restricted(
            [interactions, current, commitments[analytics.is_open(commitments)], planned]
        ),
    )
