"""Everything one person owes the coalition: their open commitments, their unfinished actions and
the questionnaire links they sent that are still unanswered, overdue first.

The same list drives the My follow-ups page, the sidebar's count and the reminder emails.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import pandas as pd

from lib import analytics, owners, schema
from lib.questionnaires import links

KINDS = {"commitment": "Commitment", "action": "Action", "invitation": "Questionnaire link"}
COLUMNS = (
    "kind",
    "id",
    "what",
    "candidate",
    "candidate_id",
    "due",
    "overdue",
    "status",
    "updated_at",
    "visibility",
)
SOON_DAYS = 7


def items_for(
    tables: dict[str, pd.DataFrame],
    person: owners.Person,
    everyone: Sequence[owners.Person],
    today: date,
) -> pd.DataFrame:
    """One row per item ``person`` owes (see :data:`COLUMNS`), from the tables they may see:
    overdue first, then by due date (undated last), then by what it is."""
    names = analytics.candidate_labels(tables["candidates"])
    commitments = tables["commitments"]
    commitments = commitments[
        analytics.is_open(commitments) & owners.owned_by(commitments["owner"], person, everyone)
    ]
    actions = tables["actions"]
    actions = actions[~actions["done"] & owners.owned_by(actions["owner"], person, everyone)]
    invitations = _unanswered_invitations(tables, person, today)
    frames = [
        pd.DataFrame(
            {
                "kind": "commitment",
                "id": commitments["id"],
                "what": commitments["text"],
                "candidate_id": commitments["candidate_id"],
                "due": commitments["follow_up_by"],
                "status": commitments["status"],
                "updated_at": commitments["updated_at"],
                "visibility": commitments["visibility"],
            }
        ),
        pd.DataFrame(
            {
                "kind": "action",
                "id": actions["id"],
                "what": actions["title"],
                "candidate_id": actions["candidate_id"],
                "due": actions["due"],
                "status": "",
                "updated_at": actions["updated_at"],
                "visibility": "coalition",
            }
        ),
        invitations,
    ]
    frames = [frame for frame in frames if not frame.empty]
    if not frames:
        return pd.DataFrame({name: pd.Series(dtype=object) for name in COLUMNS})
    # A hand-edited sheet may repeat an id: the record is owed once.
    found = pd.concat(frames, ignore_index=True).drop_duplicates(["kind", "id"])
    found["candidate"] = found["candidate_id"].map(lambda key: names.get(key, ""))
    found["overdue"] = (found["due"] != "") & (found["due"] < today.isoformat())
    found = found.assign(_undated=found["due"] == "").sort_values(
        ["overdue", "_undated", "due", "what"], ascending=[False, True, True, True]
    )
    return found[list(COLUMNS)].reset_index(drop=True)


def _unanswered_invitations(
    tables: dict[str, pd.DataFrame], person: owners.Person, today: date
) -> pd.DataFrame:
    invitations = tables["invitations"]
    sent = invitations[invitations["sent_by"].str.lower() == person.email.strip().lower()]
    if sent.empty:
        return pd.DataFrame()
    questionnaires = tables["questionnaires"]
    progress = links.progress(sent, tables["answers"], today, questionnaires)
    out = progress[progress["open"].astype(bool)]
    titles = dict(zip(questionnaires["id"], questionnaires["title"], strict=True))
    return pd.DataFrame(
        {
            "kind": "invitation",
            "id": out["id"],
            "what": "Not yet answered: "
            + out["questionnaire_id"].map(titles).fillna("a questionnaire"),
            "candidate_id": out["candidate_id"],
            "due": out["deadline"],
            "status": out["status"],
            "updated_at": "",
            "visibility": "coalition",
        }
    )


def due_soon(items: pd.DataFrame, today: date, days: int = SOON_DAYS) -> pd.DataFrame:
    """The items overdue or due within ``days``: what a reminder lists."""
    horizon = (today + timedelta(days=days)).isoformat()
    return items[items["overdue"] | ((items["due"] != "") & (items["due"] <= horizon))]


def describe(item: pd.Series) -> str:
    """One line for a person: what, for whom, by when."""
    parts = [f"{KINDS[item['kind']]}: {item['what']}"]
    if item["candidate"]:
        parts.append(f"({item['candidate']})")
    if item["due"]:
        parts.append(f"overdue since {item['due']}" if item["overdue"] else f"due {item['due']}")
    if item["kind"] == "commitment":
        parts.append(f"[{schema.COMMITMENT_STATUS.label(item['status'])}]")
    return " ".join(parts)
