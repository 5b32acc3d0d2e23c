"""The sheet contract: every table, its columns, their values, and how hand-typed cells are read.

One definition drives every backend, every form and every export. Reading is forgiving because
the shared Google Sheet is edited by hand; writing is strict because what the app writes must
read back exactly.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from dateutil import parser as date_parser

MAX_CELL_CHARS = 50_000  # a Google Sheets cell holds at most 50,000 characters
LIST_SEPARATOR = "; "


class Kind(StrEnum):
    TEXT = "text"
    KEY = "key"  # ids, references to ids and emails: compared exactly, so surrounding spaces go
    DATE = "date"
    TIMESTAMP = "timestamp"
    BOOL = "bool"
    CHOICE = "choice"
    LIST = "list"


@dataclass(frozen=True)
class Choices:
    """An enumeration stored as its value (``kept``) and shown as its label (``Promise kept``)."""

    labels: Mapping[str, str]
    aliases: Mapping[str, str] = field(default_factory=dict)

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(self.labels)

    def label(self, value: str) -> str:
        return self.labels.get(value, value)

    def label_all(self, values: pd.Series) -> pd.Series:
        """Labels for a whole column at once; unknown values are shown as they are."""
        return values.map(dict(self.labels)).fillna(values)

    def lookup(self) -> dict[str, str]:
        """Every accepted spelling, folded, mapped to the stored value."""
        table = {fold(value): value for value in self.labels}
        table.update({fold(label): value for value, label in self.labels.items()})
        table.update({fold(alias): value for alias, value in self.aliases.items()})
        return table


COMMITMENT_STATUS = Choices(
    {
        "not_yet_rated": "Not yet rated",
        "in_the_works": "In the works",
        "stalled": "Stalled",
        "kept": "Promise kept",
        "compromise": "Compromise",
        "broken": "Promise broken",
    },
    aliases={
        "Kept": "kept",
        "Broken": "broken",
        "Not rated": "not_yet_rated",
        "New": "not_yet_rated",
    },
)
STANCE = Choices(
    {
        "strongly_supports": "Strongly supports",
        "supports": "Supports",
        "undecided": "Undecided",
        "opposes": "Opposes",
        "strongly_opposes": "Strongly opposes",
        "unknown": "Unknown",
        # From questionnaires: said only where nothing else is known of their stance.
        "declined": "Declined to answer",
        "no_answer": "No answer",
    },
    aliases={
        "Support": "supports",
        "Oppose": "opposes",
        "Strongly support": "strongly_supports",
        "Strongly oppose": "strongly_opposes",
        "Neutral": "undecided",
    },
)
STANCE_SCORE: Mapping[str, int] = {
    "strongly_supports": 2,
    "supports": 1,
    "undecided": 0,
    "opposes": -1,
    "strongly_opposes": -2,
}
VISIBILITY = Choices(
    {"public": "Public", "coalition": "Coalition", "restricted": "Restricted"},
    aliases={"Private": "restricted", "Confidential": "restricted", "Members": "coalition"},
)
VISIBILITY_HELP: Mapping[str, str] = {
    "public": "May be shared outside the coalition, for example in a public report-back.",
    "coalition": "Every coalition member may see it; it stays inside the coalition.",
    "restricted": "Only staff and the person who wrote it may see it; never on a shared screen.",
}
INTERACTION_KIND = Choices(
    {
        "one_on_one": "One-on-one meeting",
        "forum": "Candidate forum",
        "town_hall": "Town hall",
        "site_visit": "Site visit",
        "call": "Phone or video call",
        "email": "Email",
        "questionnaire": "Questionnaire",
        "event": "Event",
        "other": "Other",
    },
    aliases={"Meeting": "one_on_one", "1:1": "one_on_one", "Phone call": "call", "Call": "call"},
)
SETTING = Choices({"in_person": "In person", "virtual": "Virtual"}, aliases={"Online": "virtual"})
SOURCE = Choices(
    {"firsthand": "Firsthand", "secondhand": "Secondhand", "public_record": "Public record"},
    aliases={"First hand": "firsthand", "Second hand": "secondhand"},
)
STAGE = Choices({"primary": "Primary", "general": "General", "in_office": "In office"})
CANDIDATE_STATUS = Choices(
    {
        "running": "Running",
        "won": "Won",
        "lost": "Lost",
        "withdrawn": "Withdrawn",
        "in_office": "In office",
    }
)
POSITION_SOURCE = Choices(
    {"report": "Report", "questionnaire": "Questionnaire"}, aliases={"Meeting": "report"}
)
QUESTION_KIND = Choices(
    {
        "yes_no": "Yes or no",
        "yes_no_exceptions": "Yes, no, or yes with exceptions",
        "agree_scale": "Agree–disagree (5 points)",
        "one_choice": "One choice of several",
        "free_text": "Free text",
    }
)
LIMIT_UNIT = Choices({"characters": "Characters", "words": "Words"})
INVITATION_STATUS = Choices(
    {
        "not_sent": "Not sent",
        "sent": "Sent",
        "opened": "Opened",
        "started": "Started",
        "submitted": "Submitted",
        "declined": "Declined",
    }
)
ANSWER_STATE = Choices({"draft": "Draft", "original": "Submitted", "amendment": "Amendment"})
ROLE = Choices({"viewer": "Viewer", "advocate": "Advocate", "staff": "Staff", "admin": "Admin"})
RACE_DECISION = Choices(
    {"engaging": "We are engaging", "not_this_cycle": "Not this cycle"},
    aliases={"Engaging": "engaging", "Yes": "engaging", "No": "not_this_cycle"},
)
ENDORSEMENT_STEP = Choices(
    {
        "prepare": "Prepare",
        "research": "Research",
        "invite": "Questionnaires and Q&A invitations out",
        "review": "Review",
        "vote": "Vote",
        "announce": "Announce",
    }
)
OFFER = Choices(
    {
        "questionnaire": "Questionnaire",
        "qa_session": "Q&A session",
        "pledge": "Pledge",
        "other": "Other",
    },
    aliases={"Q&A": "qa_session", "Interview": "qa_session"},
)
OFFER_RESPONSE = Choices(
    {
        "no_response": "No response yet",
        "accepted": "Accepted",
        "completed": "Completed",
        "declined": "Declined",
    }
)
RESEARCH_TOPIC = Choices(
    {
        "cash_on_hand": "Cash on hand",
        "small_dollar_share": "Share of small-dollar donations",
        "rejects_corporate_pac": "Rejects corporate PAC money",
        "polling": "Polling",
        "past_vote": "Past vote",
        "endorsement": "Other endorsement",
        "note": "Note",
    }
)
VOTE_METHOD = Choices(
    {
        "two_thirds": "Two-thirds",
        "sixty_percent": "60% with a minimum turnout",
        "majority": "Simple majority",
        "plurality": "Plurality",
        "consensus": "Consensus",
    }
)
VOTE_STATUS = Choices({"open": "Open", "closed": "Closed", "cancelled": "Cancelled"})
VOTE_OUTCOME = Choices(
    {"endorsed": "Endorsed", "no_endorsement": "No endorsement", "runoff": "Runoff needed"}
)
GOAL_KIND = Choices(
    {
        "candidates_supporting": "Candidates at Supports or better",
        "commitments_made": "Commitments on the issue",
        "commitments_kept": "Commitments kept",
        "candidates_met": "Candidates met",
        "race_asked": "Every candidate in a race asked",
    },
    aliases={
        "Supporting": "candidates_supporting",
        "Commitments": "commitments_made",
        "Kept": "commitments_kept",
        "Met": "candidates_met",
        "Race asked": "race_asked",
    },
)

# Suggested vocabularies; people may add their own words.
PRIORITY_TAGS = (
    "economy",
    "jobs",
    "health care",
    "housing",
    "education",
    "public safety",
    "environment",
    "transportation",
    "taxes",
    "immigration",
    "child care",
)
SUGGESTED_STRENGTHS = (
    "business voices",
    "labor",
    "faith leaders",
    "health professionals",
    "educators",
    "parents",
    "youth organizing",
    "policy research",
    "legal expertise",
    "grassroots turnout",
    "media relations",
    "immigrant communities",
)

OPEN_STATUSES = frozenset({"not_yet_rated", "in_the_works", "stalled"})

TRUE_WORDS = frozenset({"true", "yes", "y", "1", "x", "✓", "✔", "on"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "off", "-"})


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind = Kind.TEXT
    choices: Choices | None = None
    default: Any = ""  # what a blank cell means
    #: what a cell that cannot be read means (None: the same as a blank one)
    unreadable: Any = None
    #: a blank cell here narrows access (a visibility, an active flag): worth telling an admin
    guards_access: bool = False

    @property
    def label(self) -> str:
        return self.name.replace("_", " ").capitalize()


class Rule(StrEnum):
    """How a table's rows are governed: who may see each row."""

    OWN_VISIBILITY = "own visibility"  # the row's own visibility column
    LINKED = "linked"  # as visible as every record it points at (through ``links``)
    SUBJECT = "subject"  # hidden when records point at it (``links``) and none may be seen
    EVERYONE = "everyone"  # shared lists and settings: every member sees every row
    ADMINS = "admins"  # only admins see any row
    ABOUT_RECORD = "about record"  # rows about another record (record_id) follow that record


@dataclass(frozen=True)
class Governance:
    """Who may see a table's rows, declared once per table; lib.visibility derives every filter
    from these declarations, so a new table cannot be forgotten."""

    rule: Rule
    #: (column, table) pairs: the records a row points at (LINKED) or that point at it (SUBJECT)
    links: tuple[tuple[str, str], ...] = ()


OWN_VISIBILITY = Governance(Rule.OWN_VISIBILITY)
#: the capability of endorsement tables: never for a 501(c)(3) (see lib.coalition)
ENDORSEMENTS = "endorsements"
EVERYONE = Governance(Rule.EVERYONE)


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    governance: Governance
    key: str | None = "id"
    id_prefix: str = ""
    #: a feature only some coalitions have (``ENDORSEMENTS``): its rows count for nobody else
    capability: str = ""

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"The {self.name} table has no column {name!r}.")

    def has(self, name: str) -> bool:
        return name in self.column_names


def _columns(spec: str, **special: Column) -> tuple[Column, ...]:
    """Columns from a comma-separated list, plain text unless given a special definition."""
    names = [name.strip() for name in spec.split(",")]
    return tuple(special.get(name, Column(name)) for name in names)


def _key(name: str) -> Column:
    return Column(name, Kind.KEY)


def _choice(name: str, choices: Choices, default: str = "") -> Column:
    return Column(name, Kind.CHOICE, choices, default)


# A visibility nobody can read (blank, misspelt, a missing column) is the narrowest one.
_VISIBILITY = Column("visibility", Kind.CHOICE, VISIBILITY, "restricted", guards_access=True)
# Archived lists stay readable; an "active" cell that cannot be read archives the row.
_ACTIVE = Column("active", Kind.BOOL, default=True, unreadable=False)
_STAMPS = {
    "created_at": Column("created_at", Kind.TIMESTAMP),
    "updated_at": Column("updated_at", Kind.TIMESTAMP),
    "created_by": _key("created_by"),
}

TABLES: dict[str, Table] = {
    table.name: table
    for table in (
        Table(
            "candidates",
            _columns(
                "id, name, office, district, party, election_date, stage, incumbent, website, "
                "priorities, status, notes, created_at, created_by, updated_at, active",
                id=_key("id"),
                election_date=Column("election_date", Kind.DATE),
                stage=_choice("stage", STAGE),
                incumbent=Column("incumbent", Kind.BOOL, default=False),
                priorities=Column("priorities", Kind.LIST),
                status=_choice("status", CANDIDATE_STATUS),
                active=_ACTIVE,
                **_STAMPS,
            ),
            governance=Governance(
                Rule.SUBJECT,
                (
                    ("candidate_id", "interactions"),
                    ("candidate_id", "positions"),
                    ("candidate_id", "commitments"),
                ),
            ),
            id_prefix="cand",
        ),
        Table(
            "issues",
            _columns(
                "id, name, ask, description, active, created_at, updated_at",
                id=_key("id"),
                active=_ACTIVE,
                **_STAMPS,
            ),
            governance=EVERYONE,
            id_prefix="iss",
        ),
        Table(
            "partners",
            _columns(
                "id, name, kind, strengths, tax_status, contact_name, contact_email, notes, "
                "created_at, updated_at, active",
                id=_key("id"),
                strengths=Column("strengths", Kind.LIST),
                active=_ACTIVE,
                **_STAMPS,
            ),
            governance=EVERYONE,
            id_prefix="ptn",
        ),
        Table(
            "interactions",
            _columns(
                "id, date, candidate_id, kind, setting, partner_ids, reported_by, attendees, "
                "objectives, candidate_priorities, talking_points, questions_asked, "
                "education_needed, quotes, takeaways, follow_up, visibility, source, created_at, "
                "created_by, updated_at",
                id=_key("id"),
                date=Column("date", Kind.DATE),
                candidate_id=_key("candidate_id"),
                kind=_choice("kind", INTERACTION_KIND),
                setting=_choice("setting", SETTING),
                partner_ids=Column("partner_ids", Kind.LIST),
                candidate_priorities=Column("candidate_priorities", Kind.LIST),
                visibility=_VISIBILITY,
                source=_choice("source", SOURCE),
                **_STAMPS,
            ),
            governance=OWN_VISIBILITY,
            id_prefix="int",
        ),
        Table(
            "positions",
            _columns(
                "id, candidate_id, issue_id, stance, as_of, evidence, interaction_id, source_url, "
                "visibility, source, answer_id, created_at, created_by",
                id=_key("id"),
                candidate_id=_key("candidate_id"),
                issue_id=_key("issue_id"),
                stance=_choice("stance", STANCE, "unknown"),
                as_of=Column("as_of", Kind.DATE),
                interaction_id=_key("interaction_id"),
                source=_choice("source", POSITION_SOURCE, "report"),
                answer_id=_key("answer_id"),
                visibility=_VISIBILITY,
                **_STAMPS,
            ),
            governance=OWN_VISIBILITY,
            id_prefix="pos",
        ),
        Table(
            "commitments",
            _columns(
                "id, candidate_id, issue_id, interaction_id, text, made_on, status, owner, "
                "follow_up_by, visibility, created_at, created_by, updated_at",
                id=_key("id"),
                candidate_id=_key("candidate_id"),
                issue_id=_key("issue_id"),
                interaction_id=_key("interaction_id"),
                made_on=Column("made_on", Kind.DATE),
                status=_choice("status", COMMITMENT_STATUS, "not_yet_rated"),
                follow_up_by=Column("follow_up_by", Kind.DATE),
                visibility=_VISIBILITY,
                **_STAMPS,
            ),
            governance=OWN_VISIBILITY,
            id_prefix="cmt",
        ),
        Table(
            "updates",
            _columns(
                "id, commitment_id, date, status, note, created_at, created_by",
                id=_key("id"),
                commitment_id=_key("commitment_id"),
                date=Column("date", Kind.DATE),
                status=_choice("status", COMMITMENT_STATUS),
                **_STAMPS,
            ),
            governance=Governance(Rule.LINKED, (("commitment_id", "commitments"),)),
            id_prefix="upd",
        ),
        Table(
            "actions",
            _columns(
                "id, title, owner, partner_id, due, done, candidate_id, interaction_id, "
                "commitment_id, created_at, created_by, updated_at",
                id=_key("id"),
                partner_id=_key("partner_id"),
                due=Column("due", Kind.DATE),
                done=Column("done", Kind.BOOL, default=False),
                candidate_id=_key("candidate_id"),
                interaction_id=_key("interaction_id"),
                commitment_id=_key("commitment_id"),
                **_STAMPS,
            ),
            governance=Governance(
                Rule.LINKED,
                (
                    ("commitment_id", "commitments"),
                    ("interaction_id", "interactions"),
                    ("candidate_id", "candidates"),
                ),
            ),
            id_prefix="act",
        ),
        Table(
            "questionnaires",
            _columns(
                "id, series_id, version, title, introduction, candidate_ids, deadline, "
                "visibility, created_at, created_by, updated_at",
                id=_key("id"),
                series_id=_key("series_id"),
                candidate_ids=Column("candidate_ids", Kind.LIST),
                deadline=Column("deadline", Kind.DATE),
                visibility=_VISIBILITY,
                **_STAMPS,
            ),
            governance=OWN_VISIBILITY,
            id_prefix="qnr",
        ),
        Table(
            "questions",
            _columns(
                "id, questionnaire_id, number, text, kind, options, limit, limit_unit, issue_id, "
                "hoped_answer, weight, dealbreaker, created_at, created_by",
                id=_key("id"),
                questionnaire_id=_key("questionnaire_id"),
                kind=_choice("kind", QUESTION_KIND, "free_text"),
                options=Column("options", Kind.LIST),
                limit_unit=_choice("limit_unit", LIMIT_UNIT, "characters"),
                issue_id=_key("issue_id"),
                dealbreaker=Column("dealbreaker", Kind.BOOL, default=False),
                **_STAMPS,
            ),
            governance=Governance(Rule.LINKED, (("questionnaire_id", "questionnaires"),)),
            id_prefix="qst",
        ),
        Table(
            "invitations",
            _columns(
                "id, questionnaire_id, candidate_id, contact_email, token_hash, status, sent_at, "
                "sent_by, opened_at, submitted_at, expires_on, revoked, created_at, created_by, "
                "updated_at",
                id=_key("id"),
                questionnaire_id=_key("questionnaire_id"),
                candidate_id=_key("candidate_id"),
                token_hash=_key("token_hash"),
                status=_choice("status", INVITATION_STATUS, "not_sent"),
                sent_at=Column("sent_at", Kind.TIMESTAMP),
                sent_by=_key("sent_by"),
                opened_at=Column("opened_at", Kind.TIMESTAMP),
                submitted_at=Column("submitted_at", Kind.TIMESTAMP),
                expires_on=Column("expires_on", Kind.DATE),
                # A link is only good while clearly not revoked: an unreadable cell revokes it.
                revoked=Column("revoked", Kind.BOOL, default=False, unreadable=True),
                **_STAMPS,
            ),
            governance=Governance(Rule.LINKED, (("questionnaire_id", "questionnaires"),)),
            id_prefix="inv",
        ),
        Table(
            "answers",
            _columns(
                "id, invitation_id, questionnaire_id, question_id, candidate_id, text, state, "
                "submitted_on, created_at, updated_at",
                id=_key("id"),
                invitation_id=_key("invitation_id"),
                questionnaire_id=_key("questionnaire_id"),
                question_id=_key("question_id"),
                candidate_id=_key("candidate_id"),
                state=_choice("state", ANSWER_STATE, "draft"),
                submitted_on=Column("submitted_on", Kind.DATE),
                created_at=_STAMPS["created_at"],
                updated_at=_STAMPS["updated_at"],
            ),
            governance=Governance(
                Rule.LINKED,
                (
                    ("questionnaire_id", "questionnaires"),
                    ("invitation_id", "invitations"),
                    ("question_id", "questions"),
                ),
            ),
            id_prefix="ans",
        ),
        Table(
            "goals",
            _columns(
                "id, issue_id, kind, target, race, starts_on, due, description, active, "
                "created_at, created_by, updated_at",
                id=_key("id"),
                issue_id=_key("issue_id"),
                kind=_choice("kind", GOAL_KIND),
                starts_on=Column("starts_on", Kind.DATE),
                due=Column("due", Kind.DATE),
                active=_ACTIVE,
                **_STAMPS,
            ),
            governance=EVERYONE,
            id_prefix="goal",
        ),
        Table(
            "framing",
            _columns(
                "id, priority, issue_id, text, active, created_at, created_by, updated_at",
                id=_key("id"),
                issue_id=_key("issue_id"),
                active=_ACTIVE,
                **_STAMPS,
            ),
            governance=EVERYONE,
            id_prefix="frm",
        ),
        Table(
            "planned_meetings",
            _columns(
                "id, candidate_id, date, partner_id, planned_by, objectives, visibility, "
                "created_at, created_by, updated_at",
                id=_key("id"),
                candidate_id=_key("candidate_id"),
                date=Column("date", Kind.DATE),
                partner_id=_key("partner_id"),
                visibility=_VISIBILITY,
                **_STAMPS,
            ),
            governance=OWN_VISIBILITY,
            id_prefix="plan",
        ),
        Table(
            "reminders",
            _columns(
                "id, email, day, items, sent_at",
                id=_key("id"),
                email=_key("email"),
                day=Column("day", Kind.DATE),
                items=Column("items", Kind.LIST),
                sent_at=Column("sent_at", Kind.TIMESTAMP),
            ),
            governance=Governance(Rule.ADMINS),
            id_prefix="rem",
        ),
        Table(
            "races",
            _columns(
                "id, office, district, election_date, stage, decision, capacity_note, "
                "created_at, created_by, updated_at",
                id=_key("id"),
                election_date=Column("election_date", Kind.DATE),
                stage=_choice("stage", STAGE),
                decision=_choice("decision", RACE_DECISION),
                **_STAMPS,
            ),
            governance=EVERYONE,
            id_prefix="race",
            capability=ENDORSEMENTS,
        ),
        Table(
            "endorsement_steps",
            _columns(
                "id, race_id, step, title, due, owner, done, created_at, created_by, updated_at",
                id=_key("id"),
                race_id=_key("race_id"),
                step=_choice("step", ENDORSEMENT_STEP),
                due=Column("due", Kind.DATE),
                done=Column("done", Kind.BOOL, default=False),
                **_STAMPS,
            ),
            governance=EVERYONE,
            id_prefix="step",
            capability=ENDORSEMENTS,
        ),
        Table(
            "offers",
            _columns(
                "id, race_id, candidate_id, offer, offered_on, response, responded_on, notes, "
                "created_at, created_by, updated_at",
                id=_key("id"),
                race_id=_key("race_id"),
                candidate_id=_key("candidate_id"),
                offer=_choice("offer", OFFER),
                offered_on=Column("offered_on", Kind.DATE),
                response=_choice("response", OFFER_RESPONSE, "no_response"),
                responded_on=Column("responded_on", Kind.DATE),
                **_STAMPS,
            ),
            governance=EVERYONE,
            id_prefix="ofr",
            capability=ENDORSEMENTS,
        ),
        Table(
            "research",
            _columns(
                "id, candidate_id, topic, value, source_url, as_of, notes, visibility, "
                "created_at, created_by, updated_at",
                id=_key("id"),
                candidate_id=_key("candidate_id"),
                topic=_choice("topic", RESEARCH_TOPIC, "note"),
                as_of=Column("as_of", Kind.DATE),
                visibility=_VISIBILITY,
                **_STAMPS,
            ),
            governance=OWN_VISIBILITY,
            id_prefix="rsc",
            capability=ENDORSEMENTS,
        ),
        Table(
            "votes",
            _columns(
                "id, race_id, round, candidate_ids, method, min_turnout, anonymous, "
                "no_endorsement_option, eligible, closes_at, pledge, status, outcome, winner, "
                "counts, reasons, previous_vote_id, opened_by, closed_at, created_at, "
                "created_by, updated_at",
                id=_key("id"),
                race_id=_key("race_id"),
                candidate_ids=Column("candidate_ids", Kind.LIST),
                method=_choice("method", VOTE_METHOD),
                # A ballot's secrecy is only dropped by a clear "no": unreadable means anonymous.
                anonymous=Column("anonymous", Kind.BOOL, default=True, unreadable=True),
                no_endorsement_option=Column("no_endorsement_option", Kind.BOOL, default=True),
                eligible=Column("eligible", Kind.LIST),
                closes_at=Column("closes_at", Kind.TIMESTAMP),
                pledge=Column("pledge", Kind.BOOL, default=False),
                # A vote nobody can tell is open takes no ballots.
                status=_choice("status", VOTE_STATUS, "closed"),
                outcome=_choice("outcome", VOTE_OUTCOME),
                winner=_key("winner"),
                previous_vote_id=_key("previous_vote_id"),
                opened_by=_key("opened_by"),
                closed_at=Column("closed_at", Kind.TIMESTAMP),
                **_STAMPS,
            ),
            governance=EVERYONE,
            id_prefix="vote",
            capability=ENDORSEMENTS,
        ),
        Table(
            # No voter and no time on an anonymous ballot: nothing stored links it to a member.
            "ballots",
            _columns(
                "id, vote_id, choice, voter, pledge",
                id=_key("id"),
                vote_id=_key("vote_id"),
                choice=_key("choice"),
                voter=_key("voter"),
                pledge=Column("pledge", Kind.BOOL, default=False),
            ),
            governance=Governance(Rule.ADMINS),
            id_prefix="blt",
            capability=ENDORSEMENTS,
        ),
        Table(
            # Who has voted, so nobody votes twice; it says nothing of what they chose.
            "voters",
            _columns(
                "id, vote_id, voter", id=_key("id"), vote_id=_key("vote_id"), voter=_key("voter")
            ),
            governance=Governance(Rule.ADMINS),
            id_prefix="vtr",
            capability=ENDORSEMENTS,
        ),
        Table(
            "members",
            _columns(
                "email, name, partner_id, role, active",
                email=_key("email"),
                partner_id=_key("partner_id"),
                role=_choice("role", ROLE, "viewer"),
                # Access is given by a clear yes only: blank, "revoked", "disabled" mean no.
                active=Column("active", Kind.BOOL, default=False, guards_access=True),
            ),
            governance=Governance(Rule.ADMINS),
            key="email",
        ),
        Table(
            "settings",
            _columns("key, value, updated_at, updated_by", key=_key("key"), **_STAMPS),
            governance=EVERYONE,
            key="key",
        ),
        Table(
            "audit",
            _columns(
                "at, by, action, table, record_id, detail",
                at=Column("at", Kind.TIMESTAMP),
                by=_key("by"),
                record_id=_key("record_id"),
            ),
            governance=Governance(Rule.ABOUT_RECORD, (("record_id", ""),)),
            key=None,
        ),
    )
}


#: Every table, those others point at first, so a half-finished copy or load never leaves rows
#: pointing at nothing.
DEPENDENCY_ORDER = (
    "settings",
    "partners",
    "issues",
    "candidates",
    "goals",
    "framing",
    "members",
    "questionnaires",
    "questions",
    "invitations",
    "answers",
    "interactions",
    "positions",
    "commitments",
    "updates",
    "actions",
    "planned_meetings",
    "races",
    "endorsement_steps",
    "offers",
    "research",
    "votes",
    "ballots",
    "voters",
    "reminders",
    "audit",
)


def table(name: str) -> Table:
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"There is no {name!r} table; the tables are {', '.join(TABLES)}.") from None


# --- identities and time ---------------------------------------------------------------------


def new_id(table_name: str) -> str:
    """A short id such as ``cmt-3f9a1c2b4d5e``; 48 random bits keep collisions negligible."""
    return f"{table(table_name).id_prefix}-{uuid.uuid4().hex[:12]}"


_stamp_lock = threading.Lock()
_last_stamp = datetime.min.replace(tzinfo=UTC)


def now_stamp() -> str:
    """The current UTC time to the microsecond, strictly increasing within this process.

    ``updated_at`` doubles as a version for conflict checks, so two edits must never share it.
    """
    global _last_stamp
    with _stamp_lock:
        moment = datetime.now(UTC)
        if moment <= _last_stamp:
            moment = _last_stamp + timedelta(microseconds=1)
        _last_stamp = moment
    return moment.isoformat(timespec="microseconds")


# --- reading hand-typed values ---------------------------------------------------------------

_FOLD_PATTERN = re.compile(r"[\s_\-]+")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_STAMP = r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
_STR = pd.StringDtype("pyarrow", na_value=float("nan"))
# Surrounding space as str.strip() sees it, which RE2's \s alone does not cover.
_SPACE = r"[\s\p{Z}\x{1c}-\x{1f}\x{85}]*"
_BLANK_OR_STAMP = f"^{_SPACE}(?:{_STAMP})?{_SPACE}$"


def fold(text: str) -> str:
    """Fold a header or a value for forgiving matching: ``" Promise Kept "`` -> ``promise_kept``."""
    return _FOLD_PATTERN.sub("_", str(text).strip().lower()).strip("_")


def parse_date(text: str) -> str | None:
    """``YYYY-MM-DD`` from the ways people type dates (11/23/2026, Nov 23 2026, ...), else None.

    Slashed dates are read month first, as US spreadsheets show them.
    """
    text = str(text).strip()
    if not text:
        return None
    if _ISO_DATE.match(text):
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            return None
    try:
        parsed = date_parser.parse(text, dayfirst=False, yearfirst=False, fuzzy=False)
    except (ValueError, OverflowError):
        return None
    return parsed.date().isoformat()


def parse_bool(text: str) -> bool | None:
    word = str(text).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def split_list(text: str) -> list[str]:
    """Items of a ``; `` list; people also type new lines between items."""
    return [item.strip() for item in re.split(r"[;\n]", str(text)) if item.strip()]


def join_list(items: Iterable[str]) -> str:
    return LIST_SEPARATOR.join(str(item).strip() for item in items if str(item).strip())


@dataclass(frozen=True)
class Problem:
    """Something in the store that could not be read as the contract says."""

    table: str
    message: str
    row: int | None = None  # the sheet's row number, where rows have one
    column: str | None = None
    value: str | None = None
    record_id: str | None = None


def header_lookup(spec: Table) -> dict[str, str]:
    """Folded header spellings (names and labels) to column names."""
    lookup = {fold(column.label): column.name for column in spec.columns}
    lookup.update({fold(column.name): column.name for column in spec.columns})
    return lookup


def problems_of(frame: pd.DataFrame) -> list[Problem]:
    return list(frame.attrs.get("problems", []))


def normalise(
    table_name: str,
    raw: pd.DataFrame,
    row_numbers: Iterable[int] | None = None,
    *,
    missing_table: bool = False,
) -> pd.DataFrame:
    """:func:`normalise_rows` for a table already in a DataFrame (one column per header cell)."""
    columns = [raw.iloc[:, position].tolist() for position in range(raw.shape[1])]
    rows = list(zip(*columns, strict=True)) if columns else []
    return normalise_rows(
        table_name, list(raw.columns), rows, row_numbers, missing_table=missing_table
    )


def normalise_rows(
    table_name: str,
    header: Sequence[object],
    rows: Sequence[Sequence[object]],
    row_numbers: Iterable[int] | None = None,
    *,
    missing_table: bool = False,
) -> pd.DataFrame:
    """Read a raw table (any header spelling, cells of any type) into the contract's columns and
    values. ``row_numbers`` are the rows' numbers in the sheet (2 onwards, by default).

    Unknown columns are left out, blank rows are skipped, and each cell that cannot be read is
    blanked to the column's default and listed in ``frame.attrs["problems"]``.

    The work is done cell by cell in Python, remembering each distinct text a column holds:
    a column repeats few values, and this reads a large table several times faster than the same
    steps as pandas string operations.
    """
    spec = table(table_name)
    problems: list[Problem] = []
    if missing_table:
        problems.append(Problem(table_name, f"The {table_name!r} tab is missing."))

    by_fold = header_lookup(spec)
    source_of: dict[str, int] = {}  # by position, so duplicate or blank headers cannot confuse
    for position, heading in enumerate(header):
        name = by_fold.get(fold(heading))
        if name is None:
            continue
        if name in source_of:
            problems.append(
                Problem(
                    table_name, f"Column {name!r} appears twice; the first is used.", column=name
                )
            )
            continue
        source_of[name] = position
    missing = [name for name in spec.column_names if name not in source_of]
    if missing and not missing_table and len(header):
        problems.append(
            Problem(
                table_name, "Missing columns: " + ", ".join(missing) + ".", value=", ".join(missing)
            )
        )

    numbers = list(row_numbers) if row_numbers is not None else list(range(2, len(rows) + 2))
    if len(numbers) != len(rows):
        raise ValueError(f"{len(numbers)} row numbers for {len(rows)} rows")
    used = sorted(source_of.values())
    texts = _columns_as_text(rows, used)
    if spec.key in source_of:
        maybe_blank = [at for at, cell in enumerate(texts[source_of[spec.key]]) if not cell.strip()]
    else:
        maybe_blank = list(range(len(rows)))
    # A blank row is spacing left in a hand-edited sheet.
    blank = {at for at in maybe_blank if not any(texts[p][at].strip() for p in used)}
    if blank:
        kept = [at for at in range(len(rows)) if at not in blank]
        texts = {position: [cells[at] for at in kept] for position, cells in texts.items()}
        numbers = [numbers[at] for at in kept]
    count = len(numbers)

    def cells_of(column: Column) -> list[str]:
        position = source_of.get(column.name)
        return texts[position] if position is not None else [""] * count

    ids = [cell.strip() for cell in cells_of(spec.column(spec.key))] if spec.key else [""] * count
    values: dict[str, list[Any]] = {}
    for column in spec.columns:
        cells = cells_of(column)
        if column.guards_access:
            blanks = [numbers[at] for at, cell in enumerate(cells) if not cell.strip()]
            if blanks:
                problems.append(_access_narrowed(table_name, column, blanks))
        values[column.name], bad = _parse_cells(column, cells)
        for at in bad:
            problems.append(
                Problem(
                    table_name,
                    f"{column.label}: {cells[at]!r} is not " + _expected(column) + ".",
                    row=numbers[at],
                    column=column.name,
                    value=cells[at],
                    record_id=ids[at] or None,
                )
            )
    if spec.key:
        for at, record_id in enumerate(ids):
            if not record_id:
                problems.append(
                    Problem(
                        table_name,
                        f"Row {numbers[at]} has no {spec.key}.",
                        row=numbers[at],
                        column=spec.key,
                    )
                )
        seen: set[str] = set()
        repeated = {record_id for record_id in ids if record_id in seen or seen.add(record_id)}
        for record_id in sorted(repeated - {""}):
            problems.append(
                Problem(
                    table_name,
                    f"{spec.key} {record_id!r} is used by more than one row.",
                    column=spec.key,
                    record_id=record_id,
                )
            )
    frame = pd.DataFrame(
        {
            column.name: pd.Series(values[column.name], dtype=bool)
            if column.kind is Kind.BOOL
            else _text_series(values[column.name])
            for column in spec.columns
        },
        index=pd.RangeIndex(count),
    )
    frame.attrs["problems"] = problems
    return frame


def _columns_as_text(
    rows: Sequence[Sequence[object]], positions: list[int]
) -> dict[int, list[str]]:
    """The cells at ``positions`` of every row, column by column, as text."""
    if not rows or not positions:
        return {position: [""] * len(rows) for position in positions}
    width = positions[-1] + 1
    if min(map(len, rows)) < width:  # a hand-edited sheet ends rows early
        rows = [list(row) + [""] * (width - len(row)) for row in rows]
    columns = list(zip(*rows, strict=False))  # longer rows hold cells of unknown columns
    texts = {}
    for position in positions:
        cells = columns[position]
        if set(map(type, cells)) == {str}:
            texts[position] = list(cells)
        else:
            texts[position] = [_cell_text(cell) for cell in cells]
    return texts


def _cell_text(value: object) -> str:
    """A cell as text; empty for the ways a missing value arrives (None, NaN, pandas' NA)."""
    if isinstance(value, str):
        return value
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and value != value:  # NaN
        return ""
    return str(value)


def _access_narrowed(table_name: str, column: Column, rows: list[int]) -> Problem:
    """A blank access column, said plainly: what the app does with it and how to fix it."""
    where = ", ".join(map(str, rows[:10])) + (f" and {len(rows) - 10:,} more" * (len(rows) > 10))
    return Problem(
        table_name,
        f"{column.label} is blank in {len(rows):,} row{'s' * (len(rows) != 1)} (row {where}).",
        column=column.name,
        value="",
    )


def _expected(column: Column) -> str:
    if column.kind is Kind.DATE:
        return "a date (use YYYY-MM-DD)"
    if column.kind is Kind.BOOL:
        return "TRUE or FALSE"
    if column.kind is Kind.TIMESTAMP:
        return "a timestamp (ISO 8601)"
    assert column.choices is not None
    return "one of: " + ", ".join(column.choices.labels.values())


def _if_unreadable(column: Column) -> Any:
    return column.default if column.unreadable is None else column.unreadable


def _parse_cells(column: Column, cells: list[str]) -> tuple[list[Any], list[int]]:
    """One column's values, and the positions of the cells that could not be read.

    Each distinct text is read once: a column of choices or dates holds few of them."""
    if column.kind is Kind.TEXT:
        return cells, []
    if column.kind is Kind.KEY:
        return list(map(str.strip, cells)), []
    if column.kind is Kind.TIMESTAMP:
        # Kept exactly as stored: updated_at is compared verbatim in conflict checks.
        return cells, _unreadable_stamps(cells)
    read = _reader(column)
    found = {cell: read(cell.strip()) for cell in set(cells)}
    value_of = {cell: value for cell, (value, _) in found.items()}
    failed = {cell for cell, (_, readable) in found.items() if not readable}
    bad = [at for at, cell in enumerate(cells) if cell in failed] if failed else []
    return list(map(value_of.__getitem__, cells)), bad


def _text_series(values: list[str]) -> pd.Series:
    """``pd.Series(values, dtype=str)``, built by Arrow in a tenth of the time."""
    return pd.Series(pd.arrays.ArrowStringArray(pa.array(values, pa.large_string()), dtype=_STR))


def _unreadable_stamps(cells: list[str]) -> list[int]:
    # Matched by Arrow in one pass: a column of timestamps is nearly all distinct values.
    readable = pc.match_substring_regex(pa.array(cells, pa.large_string()), _BLANK_OR_STAMP)
    if pc.all(readable).as_py() is not False:
        return []
    return [at for at, ok in enumerate(readable.to_pylist()) if not ok]


def _reader(column: Column) -> Callable[[str], tuple[Any, bool]]:
    """How one stripped cell of the column reads: (value, whether it could be read)."""
    unreadable = _if_unreadable(column)
    if column.kind is Kind.CHOICE:
        assert column.choices is not None
        lookup = column.choices.lookup()

        def read_choice(text: str) -> tuple[Any, bool]:
            if not text:
                return column.default, True
            found = lookup.get(fold(text))
            return (found, True) if found is not None else (unreadable, False)

        return read_choice
    if column.kind is Kind.DATE:

        def read_date(text: str) -> tuple[Any, bool]:
            parsed = parse_date(text) if text else ""
            return (parsed, True) if parsed is not None else ("", False)

        return read_date
    if column.kind is Kind.BOOL:

        def read_bool(text: str) -> tuple[Any, bool]:
            if not text:
                return bool(column.default), True
            parsed = parse_bool(text)
            return (parsed, True) if parsed is not None else (bool(unreadable), False)

        return read_bool
    assert column.kind is Kind.LIST

    def read_list(text: str) -> tuple[Any, bool]:
        if ";" in text or "\n" in text:
            return join_list(split_list(text)), True
        return text, True

    return read_list


# --- writing ---------------------------------------------------------------------------------


class InvalidValue(ValueError):
    """A value the contract does not allow; ``column`` names the field for the form."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


def to_cell(column: Column, value: Any) -> str:
    """The text to store for ``value``: what reads back through :func:`normalise` unchanged."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        text = ""
    elif column.kind is Kind.BOOL:
        parsed = value if isinstance(value, bool) else parse_bool(str(value))
        if parsed is None:
            raise InvalidValue(column.name, f"{column.label} must be yes or no.")
        text = "TRUE" if parsed else "FALSE"
    elif column.kind is Kind.DATE:
        if isinstance(value, datetime):
            text = value.date().isoformat()
        elif isinstance(value, date):
            text = value.isoformat()
        elif str(value).strip() == "":
            text = ""
        else:
            parsed_date = parse_date(str(value))
            if parsed_date is None:
                raise InvalidValue(column.name, f"{column.label}: {value!r} is not a date.")
            text = parsed_date
    elif column.kind is Kind.CHOICE:
        assert column.choices is not None
        if str(value).strip() == "":
            text = ""
        else:
            found = column.choices.lookup().get(fold(str(value)))
            if found is None:
                raise InvalidValue(
                    column.name, f"{column.label}: {value!r} is not " + _expected(column) + "."
                )
            text = found
    elif column.kind is Kind.LIST:
        items = split_list(value) if isinstance(value, str) else list(value)
        text = join_list(items)
    elif column.kind is Kind.KEY:
        text = str(value).strip()
    else:
        text = str(value)
    text = text.replace("\x00", "")  # no backend can store it (PostgreSQL refuses it outright)
    if len(text) > MAX_CELL_CHARS:
        raise InvalidValue(
            column.name,
            f"{column.label} is {len(text):,} characters long; "
            f"a cell holds at most {MAX_CELL_CHARS:,}. Shorten it.",
        )
    return text


def to_cells(table_name: str, record: Mapping[str, Any]) -> dict[str, str]:
    """Every given field of ``record`` as stored text; unknown fields are refused."""
    spec = table(table_name)
    unknown = [name for name in record if not spec.has(name)]
    if unknown:
        raise InvalidValue(
            unknown[0], f"The {table_name} table has no column {', '.join(map(repr, unknown))}."
        )
    return {name: to_cell(spec.column(name), value) for name, value in record.items()}
