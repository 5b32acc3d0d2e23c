"""Races: the candidates running for the same office, in the same district, on the same election
date and at the same stage, and whether the coalition takes part in each this cycle.

A race has no row of its own until someone decides about it, so its id is made from those four
values: two admins deciding at the same moment write the same id, and the store keeps one row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import pandas as pd

from lib import analytics, audit, schema
from lib.store import Edit

UNDECIDED = "undecided"
DECISION_LABELS = {**schema.RACE_DECISION.labels, UNDECIDED: "Undecided"}
KEY_COLUMNS = ("office", "district", "election_date", "stage")
#: who is still running: a candidate who withdrew is no longer offered anything
LEFT_THE_RACE = frozenset({"withdrawn"})
RACE_COLUMNS = [
    "id",
    "office",
    "district",
    "election_date",
    "stage",
    "title",
    "candidate_ids",
    "decision",
    "capacity_note",
    "updated_at",
    "stored",
]


def _fold(text: object) -> str:
    return " ".join(str(text).split()).casefold()


def race_id(office: str, district: str, election_date: str, stage: str) -> str:
    """The same id for the same race however its office or district is spaced or capitalised."""
    key = "\x1f".join(_fold(part) for part in (office, district, election_date, stage))
    return "race-" + hashlib.sha256(key.encode()).hexdigest()[:12]


def title(office: str, district: str, election_date: str, stage: str) -> str:
    """A race in words: "Riverton City Council 03, primary on 2027-02-16"."""
    where = " ".join(f"{office} {district}".split()) or "No office given"
    when = f" on {election_date}" if election_date else ", no election date"
    return f"{where}, {schema.STAGE.label(stage).lower() if stage else 'no stage'}{when}"


def running(candidates: pd.DataFrame) -> pd.DataFrame:
    """The candidates who count in a race: active rows of people who have not withdrawn."""
    return candidates[candidates["active"] & ~candidates["status"].isin(LEFT_THE_RACE)]


def race_ids(candidates: pd.DataFrame) -> pd.Series:
    """Each candidate's race id, aligned with ``candidates``."""
    return pd.Series(
        [
            race_id(*values)
            for values in zip(*(candidates[name] for name in KEY_COLUMNS), strict=True)
        ],
        index=candidates.index,
        dtype=object,
    )


def races(candidates: pd.DataFrame, stored: pd.DataFrame) -> pd.DataFrame:
    """One row per race of the running candidates, soonest election first, with the decision
    and capacity note from the ``races`` table ("undecided" for a race nobody decided about).

    A hand-typed row whose id is not the one the app makes is still matched by its office,
    district, election date and stage."""
    people = running(candidates)
    people = people.assign(_race=race_ids(people))
    decided = _stored_by_race(stored)
    rows = []
    for identity, group in people.groupby("_race", sort=False):
        first = group.iloc[0]
        found = decided.get(str(identity), {})
        rows.append(
            {
                "id": identity,
                **{name: first[name] for name in KEY_COLUMNS},
                "title": title(*(first[name] for name in KEY_COLUMNS)),
                "candidate_ids": _alphabetical(group)["id"].tolist(),
                "decision": found.get("decision") or UNDECIDED,
                "capacity_note": found.get("capacity_note", ""),
                "updated_at": found.get("updated_at", ""),
                "stored_id": found.get("id", ""),
                "stored": bool(found),
            }
        )
    frame = pd.DataFrame(rows, columns=[*RACE_COLUMNS, "stored_id"])
    if frame.empty:
        return frame
    # A race without a date sorts last: it cannot be planned yet.
    frame["_when"] = frame["election_date"].replace("", "9999-99-99")
    ordered = frame.sort_values(["_when", "title"], key=_sort_key, kind="stable")
    return ordered.drop(columns="_when").reset_index(drop=True)


def _sort_key(values: pd.Series) -> pd.Series:
    return values.map(_fold)


def _stored_by_race(stored: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """race id -> its stored row: the row under that id, else the latest by key."""
    found: dict[str, dict[str, Any]] = {}
    by_key: dict[str, dict[str, Any]] = {}
    for row in stored.sort_values("updated_at", kind="stable").to_dict("records"):
        identity = race_id(*(row[name] for name in KEY_COLUMNS))
        if row["id"] == identity:
            found[identity] = row
        else:
            by_key[identity] = row
    return {**by_key, **found}


def _alphabetical(people: pd.DataFrame) -> pd.DataFrame:
    folded = people["name"].map(_fold)
    return people.assign(_name=folded).sort_values(["_name", "id"], kind="stable")


def candidates_in(race: Mapping[str, Any], candidates: pd.DataFrame) -> pd.DataFrame:
    """The race's candidates, alphabetically, with a ``label`` told apart from a namesake."""
    wanted = list(race["candidate_ids"])
    people = candidates.drop_duplicates("id").set_index("id").reindex(wanted).fillna("")
    people = people.reset_index()
    labels = analytics.distinct_labels(wanted, people["name"].tolist(), people["party"].tolist())
    return people.assign(label=labels)


def decision_change(
    race: Mapping[str, Any], decision: str, capacity_note: str, author: str
) -> tuple[list[Edit], dict[str, list[dict[str, Any]]]]:
    """The write that records a decision: (edits, rows to add) for ``store.change``.

    A race seen without a row gets one under its own id; one with a row is edited, checked
    against the version seen. Raises ``schema.InvalidValue`` for a decision or a note the
    contract refuses."""
    decision = "" if decision == UNDECIDED else decision
    values = {"decision": decision, "capacity_note": capacity_note.strip()}
    schema.to_cells("races", values)  # refuses an unknown decision or an over-long note
    label = DECISION_LABELS[decision or UNDECIDED]
    note = values["capacity_note"]
    detail = f"{race['title']}: {label}" + (f". {note}" if note else "")
    if race["stored"]:
        record_id = str(race["stored_id"])
        logged = audit.entry(author, "decided", "races", record_id, detail)
        edit = Edit("races", record_id, values, expected_updated_at=race["updated_at"] or None)
        return [edit], {"audit": [logged]}
    record_id = str(race["id"])
    row = {
        "id": record_id,
        **{name: race[name] for name in KEY_COLUMNS},
        **values,
        "created_by": author,
    }
    logged = audit.entry(author, "decided", "races", record_id, detail)
    return [], {"races": [row], "audit": [logged]}
