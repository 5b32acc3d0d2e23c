"""What the coalition wants to know, as pure functions of the store's tables.

Dates are ISO text in the tables, so comparing them as strings orders them correctly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
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


def name_of(ids: pd.Series, lookup: Mapping[str, str]) -> pd.Series:
    """Names for a column of ids, all at once; an id with no name is shown as it is."""
    return ids.map(lookup).fillna(ids)


def _looks_alike(texts: list[str]) -> list[bool]:
    """Which texts a reader could not tell from another one (case and spacing aside)."""
    keys = [" ".join(text.split()).casefold() for text in texts]
    counts: dict[str, int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    return [counts[key] > 1 for key in keys]


def _short_id(record_id: str) -> str:
    """Enough of an id to tell two records apart: "cand-e255accb" -> "e255ac"."""
    return record_id.rsplit("-", 1)[-1][:6] or record_id


def distinct_labels(
    ids: list[str], names: list[str], details: list[str] | None = None
) -> list[str]:
    """A label per record that no other record's label looks like, for charts and lists where
    two records may share a name. A shared name gets the record's detail (a candidate's race) in
    brackets; if that is shared or missing too, the start of its id, and at worst the whole id."""
    plain = [str(name).strip() or "Unnamed" for name in names]
    told = [" ".join(str(detail).split()) for detail in details or [""] * len(plain)]
    shown = list(plain)
    for tell_apart in (None, _short_id, str):
        for index, clash in enumerate(_looks_alike(shown)):
            if not clash:
                continue
            parts = [told[index]] if told[index] else []
            parts += [f"id {tell_apart(ids[index])}"] if tell_apart else []
            if parts:
                shown[index] = f"{plain[index]} ({', '.join(parts)})"
    return shown


def candidate_labels(candidates: pd.DataFrame) -> dict[str, str]:
    """id -> name for these candidates, with the race (and if need be the id) added to names
    two of them share, so that neither a chart nor a reader mixes them up."""
    return dict(
        zip(
            candidates["id"].tolist(),
            distinct_labels(
                candidates["id"].tolist(), candidates["name"].tolist(), races(candidates).tolist()
            ),
            strict=True,
        )
    )


def labels(frame: pd.DataFrame, detail: str | None = None) -> dict[str, str]:
    """id -> name for a table's records (issues, partners), told apart where names are shared:
    by the ``detail`` column if given, else by id."""
    ids = frame["id"].tolist()
    details = frame[detail].tolist() if detail else None
    return dict(zip(ids, distinct_labels(ids, frame["name"].tolist(), details), strict=True))


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
    """What staff narrow the commitments down to; nothing chosen means no narrowing."""

    candidates: tuple[str, ...] = ()
    issues: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    visibilities: tuple[str, ...] = ()
    due: tuple[str, ...] = ()
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


def status_tally(
    commitments: pd.DataFrame, candidates: pd.DataFrame | Mapping[str, str]
) -> pd.DataFrame:
    """Candidates (rows) x statuses (columns, in scale order): how many commitments.

    Counted per candidate id, so two candidates with one name keep their own counts. Rows are
    labelled from ``candidates``: with the candidates table, a name two of the counted candidates
    share gets their race; with an id -> name mapping, the start of their id.
    """
    statuses = list(schema.COMMITMENT_STATUS.values)
    if commitments.empty:
        return pd.DataFrame(columns=statuses, dtype="int64")
    tally = pd.crosstab(commitments["candidate_id"], commitments["status"])
    tally = tally.reindex(columns=statuses, fill_value=0)
    ids = [str(candidate_id) for candidate_id in tally.index]
    if isinstance(candidates, pd.DataFrame):
        candidates = candidate_labels(candidates[candidates["id"].isin(ids)])
    # An id with no candidate is shown as it is.
    tally.index = pd.Index(
        distinct_labels(ids, [candidates.get(cid, cid) for cid in ids]), name="candidate"
    )
    tally = tally.sort_index(kind="stable")
    return tally.loc[tally.sum(axis=1).sort_values(ascending=True, kind="stable").index]


def history(updates: pd.DataFrame, commitment_id: str) -> pd.DataFrame:
    """A commitment's dated updates, oldest first; the last one is its latest, the one its
    status follows (lib.followup decides status changes with this same order).

    Latest means the latest date, then the one recorded last: an update dated earlier but
    entered later belongs in the past, not on top.
    """
    rows = updates[updates["commitment_id"] == commitment_id]
    return rows.sort_values(["date", "created_at"], kind="stable")


# --- positions ---------------------------------------------------------------------------------


def _ordered(positions: pd.DataFrame) -> pd.DataFrame:
    return positions.sort_values(["candidate_id", "issue_id", "as_of", "created_at"])


#: What a questionnaire says of a candidate who did not answer: shown only where nothing else
#: is known of their stance, so a skipped question never hides what they said in a meeting.
NON_ANSWERS = frozenset({"declined", "no_answer"})


def current_stances(positions: pd.DataFrame) -> pd.DataFrame:
    """The latest observation of each candidate's stance on each issue; a non-answer counts
    only where nothing else was observed."""
    if positions.empty:
        return positions
    informative = ~positions["stance"].isin(NON_ANSWERS)
    ordered = _ordered(positions.assign(_informative=informative))
    ordered = ordered.sort_values("_informative", kind="stable")
    latest = ordered.groupby(["candidate_id", "issue_id"], as_index=False).tail(1)
    return _ordered(latest.drop(columns="_informative"))


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
    """Candidates (rows) x issues (columns): the current stance, "" if never observed.

    Built by id and labelled with names told apart (see :func:`distinct_labels`), so two
    candidates or issues with one name stay two rows or columns, each with its own stances.
    """
    stances = current_stances(positions)
    matrix = (
        stances.pivot(index="candidate_id", columns="issue_id", values="stance")
        .reindex(index=list(candidates["id"]), columns=list(issues["id"]))
        # With no stances at all the pivot is numeric, and pandas will not fill that with "".
        .astype(object)
        .fillna("")
    )
    candidate_names, issue_names = candidate_labels(candidates), labels(issues)
    matrix.index = [candidate_names[cid] for cid in matrix.index]
    matrix.columns = [issue_names[iid] for iid in matrix.columns]
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
    candidate_names = candidate_labels(tables["candidates"])
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
