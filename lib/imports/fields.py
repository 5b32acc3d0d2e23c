"""What a spreadsheet's columns can be imported as, and the mapping suggested from its headers.

A mapping is a plain dict (so a page can show it, edit it and save it as JSON to reuse)::

    {
        "kind": "reports",
        "source": "Meetings 2026.xlsx",        # part of every imported row's id
        "layout": "rows",                       # or "matrix" (positions: candidates × issues)
        "columns": {"Date of meeting": "date", "Timestamp": None, "Housing?": "position:Housing"},
        "values": {"status": {"✔": "kept", "no": None}, "visibility": {...}, ...},
        "defaults": {"visibility": "restricted", "status": "not_yet_rated", "date": "", "kind": ""},
        "names": {"candidates": {"Rep. José Núñez": None}, "partners": {}, "issues": {}},
    }

``columns`` holds every source column, mapped to a field of :data:`FIELDS` or to nothing;
``position:<issue>`` (an issue id or name) reads stance words in a column per issue. ``values``
maps each text found in a column of choices to the contract's value, ``None`` where nothing
could be suggested (those rows are left out until it is filled in). ``names`` says, for each name
that matches nothing in the tracker, ``"create"``, ``"ignore"``, an existing id, or ``None``
(undecided: the rows naming it are left out).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from lib.imports.values import mostly, stance_words_beyond_yes_no, suggest_values
from lib.names import cell_text, fold_name

KINDS = ("reports", "commitments", "candidates", "partners", "positions")
POSITION = "position:"
CREATE, IGNORE = "create", "ignore"
DEFAULT_VISIBILITY = "restricted"


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    #: how cells read: text, name (of ``names``), names (several), date, choice (of ``values``),
    #: list, bool, items (several, one per line or ";")
    reads: str = "text"
    values: str = ""  # the value map a choice uses
    names: str = ""  # the table a name is looked up in
    many: bool = False  # several columns may feed it, joined under their headers


def _text(name: str, label: str, many: bool = False) -> Field:
    return Field(name, label, many=many)


_CANDIDATE = Field("candidate", "Candidate", "name", names="candidates")
_DATE = Field("date", "Date", "date")
_VISIBILITY = Field("visibility", "Visibility (confidential?)", "choice", values="visibility")
_STATUS = Field("status", "Commitment status", "choice", values="status")
_ISSUE = Field("issue", "Issue", "name", names="issues")
_OWNER = _text("owner", "Owner (who follows up)")
_FOLLOW_UP_BY = Field("follow_up_by", "Follow up by", "date")
_STANCE = Field("stance", "Stance", "choice", values="stance")
_EVIDENCE = _text("evidence", "Evidence")

FIELDS: dict[str, tuple[Field, ...]] = {
    "reports": (
        _DATE,
        _CANDIDATE,
        _text("reported_by", "Reported by"),
        _text("attendees", "Who went", many=True),
        Field("partner", "Partner organisations", "names", names="partners"),
        Field("kind", "Kind of meeting", "choice", values="kind"),
        Field("setting", "In person or virtual", "choice", values="setting"),
        _text("objectives", "Objectives", many=True),
        Field("candidate_priorities", "Candidate's priorities", "list"),
        _text("talking_points", "Talking points", many=True),
        _text("questions_asked", "Questions asked", many=True),
        _text("education_needed", "Education needed", many=True),
        _text("quotes", "Quotes", many=True),
        _text("takeaways", "Notes and takeaways", many=True),
        _text("follow_up", "Follow-up (as text)", many=True),
        _VISIBILITY,
        Field("commitment", "Commitments (one per line or ';')", "items"),
        _STATUS,
        _ISSUE,
        _OWNER,
        _FOLLOW_UP_BY,
        _STANCE,
        _EVIDENCE,
        Field("action", "Follow-up actions (one per line or ';')", "items"),
        Field("due", "Actions due", "date"),
    ),
    "commitments": (
        _CANDIDATE,
        Field("commitment", "Commitment"),
        _STATUS,
        _ISSUE,
        _OWNER,
        _FOLLOW_UP_BY,
        Field("date", "Made on", "date"),
        _VISIBILITY,
    ),
    "positions": (
        _CANDIDATE,
        _ISSUE,
        _STANCE,
        _EVIDENCE,
        Field("date", "As of", "date"),
        _VISIBILITY,
        _text("source_url", "Source link"),
    ),
    "candidates": (
        _text("name", "Name"),
        _text("office", "Office"),
        _text("district", "District"),
        _text("party", "Party"),
        Field("election_date", "Election date", "date"),
        Field("stage", "Stage", "choice", values="stage"),
        Field("incumbent", "Incumbent", "bool"),
        _text("website", "Website"),
        Field("priorities", "Priorities", "list"),
        Field("status", "Status", "choice", values="candidate_status"),
        _text("notes", "Notes", many=True),
    ),
    "partners": (
        _text("name", "Name"),
        _text("kind", "Kind of organisation"),
        Field("strengths", "Strengths", "list"),
        _text("tax_status", "Tax status"),
        _text("contact_name", "Contact name"),
        _text("contact_email", "Contact email"),
        _text("notes", "Notes", many=True),
    ),
}


def field_of(kind: str, target: str | None) -> Field | None:
    """The field a column is mapped to; position columns read as stances."""
    if not target:
        return None
    if target.startswith(POSITION):
        return Field(target, "Stance on " + target.removeprefix(POSITION), "choice", "stance")
    return next((f for f in FIELDS[kind] if f.name == target), None)


# --- headers ----------------------------------------------------------------------------------

# In order, the field a folded header names: the first field whose pattern matches (and not its
# pattern in _UNLESS) and that is still free takes the column. Phrases come before their words.
_Rules = tuple[tuple[str, str], ...]
_TIMESTAMP = r"^timestamp$|submitted at|submission (date|time)|completion time|^start time$"
_VISIBILITY_WORDS = r"confidential|visibility|\bprivate\b|restricted|\bpublic\b|\bshar|sensitive"
_OWNER_WORDS = r"\bowner\b|\bresponsible\b|\bassigned\b|who (will|should) follow|point person"
_CANDIDATE_WORDS = r"candidate|^name$|officeholder|elected official|legislator"
_ISSUE_WORDS = r"\bissues?\b|\btopic\b|\bpolicy\b"
_NOTES_WORDS = r"notes?\b|comments?|details"
_UNLESS = {
    "date": r"birth|election",
    "candidate": r"stand|stance|position|support|think|feel|view|commit|priorit|say|said",
    "evidence": r"link|url",
    "status": r"confidential|private|public|visib|shar",  # "Should this be kept confidential?"
}
_RULES: dict[str, _Rules] = {
    "reports": (
        ("status", r"\bstatus\b|did (they|he|she) commit|promise kept|\bkept\b|\bprogress\b"),
        ("commitment", r"\bcommit|\bpromise|\bpledge"),
        ("follow_up_by", r"follow ?up (by|date|on|due|deadline|before)|\bby when\b|check back"),
        ("due", r"\bdue\b|\bdeadline\b"),
        ("owner", _OWNER_WORDS),
        ("action", r"next steps?|follow ?ups?\b|action items?|\bactions?\b|\bto ?do\b"),
        ("visibility", _VISIBILITY_WORDS),
        ("partner", r"\bpartners?\b|organi[sz]ations?|\borgs?\b|\bgroups?\b|on behalf of"),
        ("attendees", r"who went|attend|\badvocates?\b|who was there|our team|participants"),
        ("reported_by", r"\be ?mail\b|reported by|\breporter\b|submitted by|filed by|your name"),
        ("kind", r"\bkind\b|\btype\b|\bformat\b"),
        ("setting", r"\bsetting\b|in person|virtual|\bonline\b"),
        ("candidate_priorities", r"priorit|cares? about|top issues"),
        ("quotes", r"\bquotes?\b|verbatim|what did (they|the candidate|he|she) say"),
        ("talking_points", r"talking points|what we said|\bour asks?\b|\basks?\b"),
        ("questions_asked", r"\bquestions?\b"),
        ("education_needed", r"educat|confus|misunderst|needs? to learn"),
        ("objectives", r"objective|\bgoals?\b|purpose"),
        ("stance", r"^(their )?(stance|position)$"),
        ("evidence", r"evidence|\bsource\b"),
        ("issue", _ISSUE_WORDS),
        ("date", r"\bdate\b|\bwhen\b|\bday\b|\bas of\b"),
        ("candidate", _CANDIDATE_WORDS + r"|who did you meet|\bmet with\b"),
        ("takeaways", _NOTES_WORDS + r"|takeaways?|summary|what happened|outcome|debrief|report"),
    ),
    "commitments": (
        ("status", r"\bstatus\b|promise kept|\bkept\b|\bprogress\b|did (they|he|she) keep"),
        ("commitment", r"\bcommit|\bpromise|\bpledge|what (they|he|she) (said|agreed)"),
        ("follow_up_by", r"follow ?up|\bdue\b|\bdeadline\b|\bby when\b|check back"),
        ("owner", _OWNER_WORDS),
        ("visibility", _VISIBILITY_WORDS),
        ("issue", _ISSUE_WORDS),
        ("date", r"\bdate\b|\bwhen\b|made on|\bday\b"),
        ("candidate", _CANDIDATE_WORDS),
    ),
    "positions": (
        ("stance", r"^(their )?(stance|position|support|supports)$|where (do|does) .* stand$"),
        ("evidence", r"evidence|\bsource\b|\bquote|" + _NOTES_WORDS),
        ("source_url", r"\blink\b|\burl\b|\bwebsite\b"),
        ("visibility", _VISIBILITY_WORDS),
        ("issue", _ISSUE_WORDS + r"|\bask\b"),
        ("date", r"\bdate\b|\bwhen\b|\bas of\b|\bday\b"),
        ("candidate", _CANDIDATE_WORDS),
    ),
    "candidates": (
        ("election_date", r"election|\bvote\b"),
        ("website", r"website|\burl\b|\blink\b|\bweb\b|\bsite\b"),
        ("incumbent", r"incumbent"),
        ("stage", r"\bstage\b|\brace type\b|\bphase\b"),
        ("status", r"\bstatus\b"),
        ("priorities", r"priorit|\bissues\b|cares? about"),
        ("office", r"\boffice\b|\bseat\b|\brace\b|running for|\bposition\b"),
        ("district", r"district|\bward\b|\bprecinct\b"),
        ("party", r"\bparty\b|affiliation"),
        ("name", r"\bname\b|candidate|\bofficial\b"),
        ("notes", _NOTES_WORDS),
    ),
    "partners": (
        ("contact_email", r"e ?mail"),
        ("contact_name", r"contact|point person|\bperson\b"),
        ("tax_status", r"tax|501|\bc3\b|\bc4\b|exempt"),
        ("strengths", r"strength|expertise|brings|skills|\bcapacity\b"),
        ("kind", r"\bkind\b|\btype\b|sector|category"),
        ("name", r"\bname\b|partner|organi[sz]ation|\borg\b|\bgroup\b"),
        ("notes", _NOTES_WORDS),
    ),
}

# Headers that ask where a candidate stands on an issue: the issue is what is left.
_STANCE_HEADER = re.compile(
    r"^\s*(?:where\s+(?:do|does)\s+(?:the\s+candidate|they|he|she)\s+stand\s+on"
    r"|(?:stance|position|view|views)\s+on"
    r"|(?:do|does|will|would)\s+(?:the\s+candidate|they|he|she|you)\s+support"
    r"|supports?|support\s+for)\s+(?:the\s+)?(?P<issue>.+?)\s*\??\s*$"
    r"|^\s*(?P<issue2>.+?)\s*(?:[-–:(]\s*(?:stance|position)\s*\)?|\s+stance)\s*$",
    re.IGNORECASE,
)


def stance_issue(header: str) -> str | None:
    """The issue a header asks a stance on ("Stance on housing" → "housing"), if it asks one."""
    found = _STANCE_HEADER.match(header)
    if found is None:
        return None
    return (found.group("issue") or found.group("issue2")).strip(" ?:")


def suggest_mapping(
    frame: pd.DataFrame,
    kind: str,
    tables: Mapping[str, pd.DataFrame] | None = None,
    layout: str | None = None,
) -> dict[str, Any]:
    """The mapping suggested for ``frame`` from its headers and values (see the module's
    notes). With ``tables``, a column headed with an issue's name reads as stances on it.
    Stances come in rows (candidate, issue, stance) or as a ``"matrix"`` of candidates ×
    issues; ``layout`` says which, else it is told from the headers."""
    if kind not in KINDS:
        raise ValueError(f"There is no {kind!r} import; the kinds are {', '.join(KINDS)}.")
    issues = _issue_names(tables)
    columns: dict[str, str | None] = {}
    taken: set[str] = set()
    many = {field.name for field in FIELDS[kind] if field.many}
    timestamps = []
    for header in frame.columns:
        header = str(header)
        target = _suggest_column(kind, header, _column_values(frame, header), issues, taken)
        if target is None and re.search(_TIMESTAMP, fold_name(header)):
            timestamps.append(header)
        columns[header] = target
        if target and target not in many and not target.startswith(POSITION):
            taken.add(target)
    date_field = "date" if kind != "candidates" else None
    if date_field and timestamps and date_field not in taken:
        columns[timestamps[0]] = date_field  # a Form's only date is when it was sent
        taken.add(date_field)
    if layout not in ("rows", "matrix"):
        layout = "matrix" if kind == "positions" and "stance" not in taken else "rows"
    if kind == "positions" and layout == "matrix":
        columns = _matrix_columns(frame, columns)
    mapping: dict[str, Any] = {
        "kind": kind,
        "source": str(frame.attrs.get("source", "")),
        "layout": layout,
        "columns": columns,
        "values": {},
        "defaults": {
            "visibility": DEFAULT_VISIBILITY,
            "status": "not_yet_rated",
            "date": "",
            "kind": "",
        },
        "names": {"candidates": {}, "partners": {}, "issues": {}},
    }
    mapping["values"] = suggest_values(choice_columns(frame, mapping))
    return mapping


def choice_columns(
    frame: pd.DataFrame, mapping: Mapping[str, Any]
) -> list[tuple[str, str, list[str]]]:
    """(header, value map, cells) of each column the mapping reads as choices."""
    found = []
    for header, target in mapping["columns"].items():
        field = field_of(mapping["kind"], target)
        if field is not None and field.values and header in frame.columns:
            found.append((header, field.values, _column_values(frame, header)))
    return found


def _suggest_column(
    kind: str, header: str, values: list[str], issues: dict[str, str], taken: set[str]
) -> str | None:
    folded = fold_name(header)
    if kind in ("reports", "positions"):
        if folded in issues:
            return POSITION + issues[folded]
        asked = stance_issue(header)
        if asked and (kind == "reports" or fold_name(asked) in issues):
            return POSITION + issues.get(fold_name(asked), asked)
    for field, wanted in _RULES[kind]:
        if field in taken or not re.search(wanted, folded):
            continue
        if field in _UNLESS and re.search(_UNLESS[field], folded):
            continue
        return field
    if kind == "reports" and mostly(values, stance_words_beyond_yes_no()):
        return POSITION + header.strip(" ?")
    return None


def _matrix_columns(frame: pd.DataFrame, columns: dict[str, str | None]) -> dict[str, str | None]:
    """Candidates × issues: the candidate column (the first, unless another is headed so), and
    every other column not recognised as something else is an issue."""
    if "candidate" not in columns.values() and len(frame.columns):
        columns[str(frame.columns[0])] = "candidate"
    for header, target in columns.items():
        unnamed = header.startswith("Column ")  # a blank header: not an issue anyone named
        if (target is None and not unnamed) or target in ("issue", "stance"):
            columns[header] = POSITION + (stance_issue(header) or header.strip(" ?"))
    return columns


def _issue_names(tables: Mapping[str, pd.DataFrame] | None) -> dict[str, str]:
    if tables is None or "issues" not in tables:
        return {}
    issues = tables["issues"]
    return {
        fold_name(name): str(issue_id)
        for issue_id, name in zip(issues["id"], issues["name"], strict=True)
        if fold_name(name)
    }


def _column_values(frame: pd.DataFrame, header: str) -> list[str]:
    column = frame.loc[:, header]
    if isinstance(column, pd.DataFrame):  # a repeated header: its first column
        column = column.iloc[:, 0]
    return [cell_text(cell).strip() for cell in column]
