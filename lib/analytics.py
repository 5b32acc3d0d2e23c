"""What the coalition wants to know, as pure functions of the store's tables.

Dates are ISO text in the tables, so comparing them as strings orders them correctly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from lib import schema

DUE_WINDOWS = {
    "overdue": "Overdue",
    "next_14_days": "Due in the next 14 days",
    "no_date": "No follow-up date",
}
SOON_DAYS = 14


def names(frame: pd.DataFrame) -> dict[str, str]:
    """id -> name for a table with both columns."""
    return dict(zip(frame["id"].tolist(), frame["name"].tolist(), strict=True))


def name_of(ids: pd.Series, lookup: dict[str, str]) -> pd.Series:
    """Names for a column of ids, all at once; an id with no name is shown as it is."""
    return ids.map(lookup).fillna(ids)


# --- commitments -------------------------------------------------------------------------------


def is_open(commitments: pd.DataFrame) -> pd.Series:
    return commitments["status"].isin(schema.OPEN_STATUSES)


def is_overdue(commitments: pd.DataFrame, today: date) -> pd.Series:
    """Open commitments whose follow-up date has passed."""
    due = commitments["follow_up_by"]
    return is_open(commitments) & (due != "") & (due < today.isoformat())


def is_due_soon(frame: pd.DataFrame, column: str, today: date, days: int = SOON_DAYS) -> pd.Series:
    due = frame[column]
    return (due >= today.isoformat()) & (due <= (today + timedelta(days=days)).isoformat())


def due_window(commitments: pd.DataFrame, window: str, today: date) -> pd.Series:
    if window == "overdue":
        return is_overdue(commitments, today)
    if window == "next_14_days":
        return is_open(commitments) & is_due_soon(commitments, "follow_up_by", today)
    if window == "no_date":
        return commitments["follow_up_by"] == ""
    raise ValueError(f"Unknown due window {window!r}; use one of {', '.join(DUE_WINDOWS)}.")


@dataclass(frozen=True)
class CommitmentFilters:
    """What staff narrow the commitments down to; an empty list means no narrowing."""

    candidates: list[str] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    owners: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    visibilities: list[str] = field(default_factory=list)
    due: list[str] = field(default_factory=list)
    search: str = ""


def filter_commitments(
    commitments: pd.DataFrame,
    filters: CommitmentFilters,
    today: date,
    interactions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The commitments matching every given filter (any of the values within one filter)."""
    keep = pd.Series(True, index=commitments.index)
    for column, wanted in (
        ("candidate_id", filters.candidates),
        ("issue_id", filters.issues),
        ("status", filters.statuses),
        ("owner", filters.owners),
        ("visibility", filters.visibilities),
    ):
        if wanted:
            keep &= commitments[column].isin(wanted)
    if filters.partners and interactions is not None:
        present = interactions.set_index("id")["partner_ids"].map(schema.split_list)
        with_partner = {
            interaction for interaction, ids in present.items() if set(ids) & set(filters.partners)
        }
        keep &= commitments["interaction_id"].isin(with_partner)
    if filters.due:
        in_window = pd.Series(False, index=commitments.index)
        for window in filters.due:
            in_window |= due_window(commitments, window, today)
        keep &= in_window
    if filters.search.strip():
        needle = filters.search.strip().lower()
        haystack = commitments["text"] + " " + commitments["owner"]
        keep &= haystack.str.lower().str.contains(needle, regex=False)
    return commitments[keep]


def status_tally(commitments: pd.DataFrame, candidate_names: dict[str, str]) -> pd.DataFrame:
    """Candidates (rows, by name) x statuses (columns, in scale order): how many commitments."""
    statuses = list(schema.COMMITMENT_STATUS.values)
    if commitments.empty:
        return pd.DataFrame(columns=statuses, dtype="int64")
    tally = pd.crosstab(
        name_of(commitments["candidate_id"], candidate_names),
        commitments["status"],
    )
    tally = tally.reindex(columns=statuses, fill_value=0)
    tally.index.name = "candidate"
    return tally.loc[tally.sum(axis=1).sort_values(ascending=True).index]


def history(updates: pd.DataFrame, commitment_id: str) -> pd.DataFrame:
    """A commitment's dated updates, oldest first."""
    rows = updates[updates["commitment_id"] == commitment_id]
    return rows.sort_values(["date", "created_at"])


# --- positions ---------------------------------------------------------------------------------


def _ordered(positions: pd.DataFrame) -> pd.DataFrame:
    return positions.sort_values(["candidate_id", "issue_id", "as_of", "created_at"])


def current_stances(positions: pd.DataFrame) -> pd.DataFrame:
    """The latest observation of each candidate's stance on each issue."""
    if positions.empty:
        return positions
    return _ordered(positions).groupby(["candidate_id", "issue_id"], as_index=False).tail(1)


@dataclass(frozen=True)
class Shift:
    candidate_id: str
    issue_id: str
    before: str
    after: str
    on: str
    source: str  # where it was observed, in words

    def sentence(self) -> str:
        return (
            f"moved from {schema.STANCE.label(self.before).lower()} to "
            f"{schema.STANCE.label(self.after).lower()} on {self.on}, per {self.source}"
        )


def stance_shifts(positions: pd.DataFrame, interactions: pd.DataFrame) -> list[Shift]:
    """Every change of stance between consecutive observations, oldest first."""
    kinds = dict(zip(interactions["id"].tolist(), interactions["kind"].tolist(), strict=True))
    ordered = _ordered(positions)
    previous = ordered.groupby(["candidate_id", "issue_id"], sort=False)["stance"].shift()
    changed = previous.notna() & (ordered["stance"] != previous)
    shifts = [
        Shift(row.candidate_id, row.issue_id, before, row.stance, row.as_of, _source_of(row, kinds))
        for row, before in zip(ordered[changed].itertuples(), previous[changed], strict=True)
    ]
    return sorted(shifts, key=lambda shift: shift.on)


def _source_of(row: object, kinds: dict[str, str]) -> str:
    kind = kinds.get(getattr(row, "interaction_id", ""))
    if kind:
        return f"a {schema.INTERACTION_KIND.label(kind).lower()} report"
    if getattr(row, "source_url", ""):
        return f"a public statement ({row.source_url})"
    return "a recorded observation"


def positions_matrix(
    candidates: pd.DataFrame, issues: pd.DataFrame, positions: pd.DataFrame
) -> pd.DataFrame:
    """Candidate names (rows) x issue names (columns): the current stance, "" if never observed."""
    stances = current_stances(positions)
    matrix = (
        stances.pivot(index="candidate_id", columns="issue_id", values="stance")
        .reindex(index=list(candidates["id"]), columns=list(issues["id"]))
        .fillna("")
    )
    matrix.index = [names(candidates)[cid] for cid in matrix.index]
    matrix.columns = [names(issues)[iid] for iid in matrix.columns]
    return matrix


AGREEING = frozenset({"strongly_supports", "supports"})
OPPOSING = frozenset({"opposes", "strongly_opposes"})


def scorecard(matrix: pd.DataFrame) -> pd.DataFrame:
    """How often each candidate of a positions matrix agrees with the coalition's asks, most
    agreeing first. Only observed stances count: an issue nobody asked about, or where the
    candidate's stance is unknown, neither helps nor hurts."""
    agrees = matrix.isin(AGREEING).sum(axis=1)
    undecided = (matrix == "undecided").sum(axis=1)
    opposes = matrix.isin(OPPOSING).sum(axis=1)
    known = agrees + undecided + opposes
    card = pd.DataFrame(
        {
            "Candidate": matrix.index,
            "Agrees": agrees.to_numpy(),
            "Undecided": undecided.to_numpy(),
            "Opposes": opposes.to_numpy(),
            "Not known": (matrix.shape[1] - known).to_numpy(),
            "Agreement": (100 * agrees / known.where(known > 0)).round().to_numpy(),
        }
    )
    return card.sort_values(
        ["Agreement", "Agrees", "Candidate"], ascending=[False, False, True], na_position="last"
    ).reset_index(drop=True)


# --- the overview ------------------------------------------------------------------------------


def headline(tables: dict[str, pd.DataFrame], today: date) -> dict[str, int]:
    interactions, commitments = tables["interactions"], tables["commitments"]
    actions = tables["actions"]
    month_ago = (today - timedelta(days=30)).isoformat()
    overdue_actions = (
        (~actions["done"]) & (actions["due"] != "") & (actions["due"] < today.isoformat())
    )
    return {
        "candidates_engaged": int(interactions["candidate_id"].nunique()),
        "interactions_30_days": int((interactions["date"] >= month_ago).sum()),
        "open_commitments": int(is_open(commitments).sum()),
        "overdue_follow_ups": int(is_overdue(commitments, today).sum() + overdue_actions.sum()),
        "kept": int((commitments["status"] == "kept").sum()),
        "broken": int((commitments["status"] == "broken").sum()),
    }


def latest_reports(
    interactions: pd.DataFrame, candidate_names: dict[str, str], count: int = 8
) -> pd.DataFrame:
    latest = interactions.sort_values(["date", "created_at"], ascending=False).head(count)
    return pd.DataFrame(
        {
            "Date": latest["date"],
            "Candidate": name_of(latest["candidate_id"], candidate_names),
            "Kind": schema.INTERACTION_KIND.label_all(latest["kind"]),
            "Takeaways": latest["takeaways"],
            "Reported by": latest["reported_by"],
        }
    )


def follow_ups_due(
    tables: dict[str, pd.DataFrame], today: date, days: int = SOON_DAYS
) -> pd.DataFrame:
    """Open commitments and undone actions due within ``days``, soonest first, with owners."""
    candidate_names = names(tables["candidates"])
    commitments = tables["commitments"]
    soon = commitments[is_open(commitments) & is_due_soon(commitments, "follow_up_by", today, days)]
    actions = tables["actions"]
    actions = actions[~actions["done"] & is_due_soon(actions, "due", today, days)]
    rows = [
        pd.DataFrame(
            {
                "Due": soon["follow_up_by"],
                "What": soon["text"],
                "Kind": "Commitment",
                "Candidate": soon["candidate_id"].map(candidate_names),
                "Owner": soon["owner"],
            }
        ),
        pd.DataFrame(
            {
                "Due": actions["due"],
                "What": actions["title"],
                "Kind": "Action",
                "Candidate": actions["candidate_id"].map(candidate_names),
                "Owner": actions["owner"],
            }
        ),
    ]
    due = pd.concat(rows, ignore_index=True).fillna("")
    due["Owner"] = due["Owner"].replace("", "No owner yet")
    due = due[["Due", "Owner", "Candidate", "Kind", "What"]]
    return due.sort_values("Due", kind="stable").reset_index(drop=True)


def education_needs(interactions: pd.DataFrame, candidate_id: str) -> list[tuple[str, str]]:
    """(date, what they need education on) from a candidate's reports, newest first."""
    rows = interactions[
        (interactions["candidate_id"] == candidate_id)
        & (interactions["education_needed"].str.strip() != "")
    ]
    rows = rows.sort_values("date", ascending=False)
    return list(zip(rows["date"], rows["education_needed"], strict=True))


def unique_values(frame: pd.DataFrame, column: str) -> list[str]:
    return sorted(value for value in frame[column].unique() if value)


def races(candidates: pd.DataFrame) -> pd.Series:
    """The race of each candidate, in words: office and district."""
    return (candidates["office"] + " " + candidates["district"]).str.strip()


def keep_ids(values: Iterable[str], allowed: Iterable[str]) -> list[str]:
    """Values from a URL that name something real, in their given order."""
    allowed = set(allowed)
    return [value for value in values if value in allowed]


def record_history(audit: pd.DataFrame, record_ids: Iterable[str]) -> pd.DataFrame:
    """Who did what to these records and when, newest first, from the audit table."""
    rows = audit[audit["record_id"].isin(set(record_ids))].sort_values("at", ascending=False)
    return pd.DataFrame(
        {
            "When": rows["at"].str.slice(0, 16).str.replace("T", " "),
            "Who": rows["by"],
            "What": rows["action"],
            "Details": rows["detail"],
        }
    )
