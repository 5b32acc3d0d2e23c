"""Filing a report of a candidate interaction: validation, the records it writes, and its summary.

A report is a plain dict (the draft) built by the form. Every id in it is fixed when the form or
the outcome row is created, so submitting the same draft again never duplicates anything.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd

from lib import outbox, schema
from lib.store import Store
from lib.text import Markdown, md

# The order records are written in: what others point at goes first.
WRITE_ORDER = (
    "candidates",
    "interactions",
    "commitments",
    "updates",
    "positions",
    "actions",
    "audit",
)
OUTCOMES = ("commitments", "positions", "actions")
TEXT_FIELDS = (
    "attendees",
    "reported_by",
    "objectives",
    "talking_points",
    "questions_asked",
    "education_needed",
    "quotes",
    "takeaways",
    "follow_up",
)
QUOTE_KINDS = ("verbatim", "paraphrased")
# The candidate choice that means "add a new candidate". Ids are stripped when read and when
# written (lib.schema), so no candidate id, whatever a person types into the sheet, can be this.
NEW_CANDIDATE = " add a new candidate "
DIFFERENT_PERSON = "This is a different person"


def new_draft() -> dict[str, Any]:
    """An empty report whose ids are decided now, before any attempt to save it."""
    return {
        "id": schema.new_id("interactions"),
        "new_candidate": {"id": schema.new_id("candidates")},
        "commitments": [],
        "positions": [],
        "actions": [],
    }


def new_outcome(kind: str) -> dict[str, str]:
    row = {"id": schema.new_id(kind)}
    if kind == "commitments":
        row["update_id"] = schema.new_id("updates")
    return row


def _filled(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple | set):
        return bool(value)
    return value is not None


def is_blank(draft: Mapping[str, Any]) -> bool:
    """Nothing typed yet (the date, the reporter's name and the choices the form starts with
    do not count), so there is no draft worth keeping."""
    typed = [draft.get(field, "") for field in TEXT_FIELDS if field != "reported_by"]
    typed += [draft.get("candidate_id", ""), draft.get("candidate_priorities", [])]
    return not any(_filled(value) for value in typed) and not any(
        filled_outcomes(draft, kind) for kind in OUTCOMES
    )


def filled_outcomes(draft: Mapping[str, Any], kind: str) -> list[dict[str, Any]]:
    """Outcome rows the advocate typed something into; untouched rows are ignored."""
    ignored = {"id", "update_id", "status", "visibility"}
    return [
        row
        for row in draft.get(kind, [])
        if any(_filled(value) for name, value in row.items() if name not in ignored)
    ]


def name_key(name: str) -> str:
    """A name as compared for namesakes: case, accents and spaces do not count."""
    decomposed = unicodedata.normalize("NFKD", str(name).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c) and not c.isspace())


def namesakes(name: str, candidates: pd.DataFrame, new_id: str = "") -> pd.DataFrame:
    """The candidates already in the tracker under ``name``, archived ones included; never the
    new candidate ``new_id`` itself (a save that failed halfway may have stored it)."""
    wanted = name_key(name)
    if not wanted:
        return candidates.iloc[0:0]
    return candidates[(candidates["name"].map(name_key) == wanted) & (candidates["id"] != new_id)]


def describe_candidate(name: str, office: str = "", district: str = "") -> str:
    """A candidate as the form names them: name, office and district."""
    return " · ".join(part for part in (name, f"{office} {district}".strip()) if part)


def describe_namesakes(found: pd.DataFrame) -> Markdown:
    """The namesakes of a new candidate, each with office and district, for a warning."""
    return md(
        "{}",
        "; ".join(
            describe_candidate(row["name"], row.get("office", ""), row.get("district", ""))
            + ("" if row.get("active", True) else " (archived)")
            for row in found.to_dict("records")
        ),
    )


def validate(
    draft: Mapping[str, Any], today: date, candidates: pd.DataFrame | None = None
) -> dict[str, Markdown]:
    """Messages keyed by field (``date``, ``commitments.<id>.text``...); empty when all is well.

    ``candidates`` (those the advocate can see) are checked for a new candidate's namesakes.
    What passes is always written whole: every limit applies to the cell as it will be stored.
    """
    errors: dict[str, Markdown] = {}
    meeting_day = draft.get("date")
    if meeting_day is None:
        errors["date"] = md("Give the date of the meeting.")
    elif meeting_day > today:
        errors["date"] = md("The meeting date is in the future; reports are filed after meetings.")
    if draft.get("candidate_id") == NEW_CANDIDATE:
        new = draft["new_candidate"]
        if not _filled(new.get("name")):
            errors["new_candidate.name"] = md("Give the new candidate's name.")
        elif candidates is not None and not new.get("different_person"):
            found = namesakes(new["name"], candidates, new["id"])
            if len(found):
                errors["new_candidate.name"] = md(
                    "Already in the tracker: {}. Choose them in the Candidate list if that is who "
                    "you met, or tick “{}”.",
                    describe_namesakes(found),
                    DIFFERENT_PERSON,
                )
    elif not _filled(draft.get("candidate_id")):
        errors["candidate_id"] = md("Choose the candidate you met, or add a new one.")

    for row in filled_outcomes(draft, "commitments"):
        where = f"commitments.{row['id']}"
        if not _filled(row.get("text")):
            errors[f"{where}.text"] = md("Say what the candidate committed to.")
        if not _filled(row.get("issue_id")):
            errors[f"{where}.issue_id"] = md("Choose the issue this commitment is about.")
        follow_up = row.get("follow_up_by")
        if follow_up is not None and meeting_day is not None and follow_up < meeting_day:
            errors[f"{where}.follow_up_by"] = md("The follow-up date is before the meeting.")
    for row in filled_outcomes(draft, "positions"):
        if not _filled(row.get("issue_id")):
            errors[f"positions.{row['id']}.issue_id"] = md("Choose the issue this position is on.")
        if not _filled(row.get("stance")):
            errors[f"positions.{row['id']}.stance"] = md("Choose the stance you observed.")
    for row in filled_outcomes(draft, "actions"):
        if not _filled(row.get("title")):
            errors[f"actions.{row['id']}.title"] = md("Say what needs doing.")
        due = row.get("due")
        if due is not None and meeting_day is not None and due < meeting_day:
            errors[f"actions.{row['id']}.due"] = md("The due date is before the meeting.")

    for field, text in _texts(draft):
        if len(text) > schema.MAX_CELL_CHARS:
            errors[field] = _too_long(len(text))
    # The app adds a marker to the quotes: the limit is on the cell, with room left for it.
    quotes = str(draft.get("quotes") or "")
    kind = draft.get("quote_kind")
    stored = with_quote_kind(quotes, kind)
    over = len(stored) - schema.MAX_CELL_CHARS
    if over > 0 and len(stored) > len(quotes.strip()):
        errors["quotes"] = md(
            "This is {} characters; cut at least {} so it fits in a cell with its “{}” marker.",
            f"{len(quotes):,}",
            f"{over:,}",
            kind,
        )
    # Several choices are stored in one cell, joined with separators the app adds.
    for field in ("partner_ids", "candidate_priorities"):
        joined = schema.join_list(str(item) for item in draft.get(field) or [])
        if len(joined) > schema.MAX_CELL_CHARS:
            errors[field] = md(
                "Together these are {} characters; the most a field can hold is {}. "
                "Remove or shorten some.",
                f"{len(joined):,}",
                f"{schema.MAX_CELL_CHARS:,}",
            )
    return errors


def _too_long(length: int) -> Markdown:
    return md(
        "This is {} characters; the most a field can hold is {}. Shorten it or split it.",
        f"{length:,}",
        f"{schema.MAX_CELL_CHARS:,}",
    )


def _texts(draft: Mapping[str, Any]) -> list[tuple[str, str]]:
    texts = [(field, str(draft.get(field) or "")) for field in TEXT_FIELDS]
    texts += [
        (f"new_candidate.{field}", str(draft["new_candidate"].get(field) or ""))
        for field in ("name", "office", "district")
    ]
    for kind in OUTCOMES:
        for row in draft.get(kind, []):
            texts += [
                (f"{kind}.{row['id']}.{field}", value)
                for field, value in row.items()
                if isinstance(value, str) and field not in ("id", "update_id")
            ]
    return texts


def with_quote_kind(quotes: str, kind: str | None) -> str:
    """Quotes marked as verbatim or paraphrased, as the coalition's guides ask."""
    quotes = quotes.strip()
    if not quotes or kind is None or f"({kind})" in quotes:
        return quotes
    return f"{quotes} ({kind})"


def records(draft: Mapping[str, Any], author: str, stamp: str) -> dict[str, list[dict[str, Any]]]:
    """Every row the report writes, by table. Pure: the same draft gives the same rows."""
    candidate_id = draft["candidate_id"]
    written: dict[str, list[dict[str, Any]]] = {name: [] for name in WRITE_ORDER}
    if candidate_id == NEW_CANDIDATE:
        new = draft["new_candidate"]
        candidate_id = new["id"]
        written["candidates"].append(
            {
                "id": candidate_id,
                "name": new["name"].strip(),
                "office": new.get("office", ""),
                "district": new.get("district", ""),
                "stage": new.get("stage") or "",
                "status": "running",
                "created_by": author,
            }
        )
    meeting_day = draft["date"]
    interaction = {field: draft.get(field) for field in TEXT_FIELDS}
    interaction.update(
        id=draft["id"],
        date=meeting_day,
        candidate_id=candidate_id,
        kind=draft.get("kind"),
        setting=draft.get("setting"),
        partner_ids=list(draft.get("partner_ids") or []),
        candidate_priorities=list(draft.get("candidate_priorities") or []),
        quotes=with_quote_kind(str(draft.get("quotes") or ""), draft.get("quote_kind")),
        visibility=draft.get("visibility") or "coalition",
        source=draft.get("source"),
        created_by=author,
    )
    written["interactions"].append(interaction)
    for row in filled_outcomes(draft, "commitments"):
        status = row.get("status") or "not_yet_rated"
        written["commitments"].append(
            {
                "id": row["id"],
                "candidate_id": candidate_id,
                "issue_id": row["issue_id"],
                "interaction_id": draft["id"],
                "text": row["text"],
                "made_on": meeting_day,
                "status": status,
                "owner": row.get("owner", ""),
                "follow_up_by": row.get("follow_up_by"),
                "visibility": row.get("visibility") or interaction["visibility"],
                "created_by": author,
            }
        )
        written["updates"].append(
            {
                "id": row["update_id"],
                "commitment_id": row["id"],
                "date": meeting_day,
                "status": status,
                "note": f"Recorded in the report of {meeting_day}.",
                "created_by": author,
            }
        )
    for row in filled_outcomes(draft, "positions"):
        written["positions"].append(
            {
                "id": row["id"],
                "candidate_id": candidate_id,
                "issue_id": row["issue_id"],
                "stance": row.get("stance") or "unknown",
                "as_of": meeting_day,
                "evidence": row.get("evidence", ""),
                "interaction_id": draft["id"],
                "visibility": interaction["visibility"],
                "created_by": author,
            }
        )
    for row in filled_outcomes(draft, "actions"):
        written["actions"].append(
            {
                "id": row["id"],
                "title": row["title"],
                "owner": row.get("owner", ""),
                "due": row.get("due"),
                "done": False,
                "candidate_id": candidate_id,
                "interaction_id": draft["id"],
                "created_by": author,
            }
        )
    written["audit"].append(
        {
            "at": stamp,
            "by": author,
            "action": "filed report",
            "table": "interactions",
            "record_id": draft["id"],
            "detail": ", ".join(
                f"{len(written[name])} {name}"
                for name in ("candidates", *OUTCOMES)
                if written[name]
            )
            or "no outcomes",
        }
    )
    return {name: rows for name, rows in written.items() if rows}


def operations(report_records: Mapping[str, Sequence[Mapping[str, Any]]]) -> list[dict]:
    """The writes of a report: one append per table, every id and stamp decided now, so the
    same operations can be sent again (now or from the outbox) without duplicating anything."""
    return [
        outbox.append_op(name, list(report_records[name]))
        for name in WRITE_ORDER
        if report_records.get(name)
    ]


def submit(store: Store, report_records: Mapping[str, Sequence[Mapping[str, Any]]]) -> None:
    """Write a report now: one call per table. Safe to repeat after a failure."""
    outbox.apply_ops(store, operations(report_records))


def summary(
    report_records: Mapping[str, Sequence[Mapping[str, Any]]],
    candidates: pd.DataFrame,
    issues: pd.DataFrame,
) -> list[str]:
    """What was saved, in words, for the confirmation."""
    interaction = report_records["interactions"][0]
    names = dict(zip(candidates["id"], candidates["name"], strict=True))
    names.update({row["id"]: row["name"] for row in report_records.get("candidates", [])})
    issue_names = dict(zip(issues["id"], issues["name"], strict=True))
    kind = schema.INTERACTION_KIND.label(interaction.get("kind") or "other").lower()
    lines = [
        f"Report of a {kind} with {names.get(interaction['candidate_id'], 'the candidate')} "
        f"on {interaction['date']}, visible to: "
        f"{schema.VISIBILITY.label(interaction['visibility']).lower()}."
    ]
    if report_records.get("candidates"):
        lines.append(f"New candidate added: {report_records['candidates'][0]['name']}.")
    for row in report_records.get("commitments", []):
        due = f", follow up by {row['follow_up_by']}" if row.get("follow_up_by") else ""
        lines.append(
            f"Commitment on {issue_names.get(row['issue_id'], 'an issue')}: "
            f"{row['text']} ({row.get('owner') or 'no owner yet'}{due})."
        )
    for row in report_records.get("positions", []):
        lines.append(
            f"Position on {issue_names.get(row['issue_id'], 'an issue')}: "
            f"{schema.STANCE.label(row['stance']).lower()}."
        )
    for row in report_records.get("actions", []):
        due = f", due {row['due']}" if row.get("due") else ""
        owner = row.get("owner") or "no owner yet"
        lines.append(f"Follow-up action: {row['title']} ({owner}{due}).")
    return lines
