"""Who may see what: the one place where records are filtered by their visibility.

Every page, chart, export, digest and calendar that must respect confidentiality takes its
tables from :func:`visible_tables` first.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

#: what each audience may see
COALITION = frozenset({"public", "coalition"})
PUBLIC = frozenset({"public"})
EVERYTHING = frozenset({"public", "coalition", "restricted"})


def visible_tables(
    tables: dict[str, pd.DataFrame], allowed: Iterable[str], author: str | None = None
) -> dict[str, pd.DataFrame]:
    """The tables with only the records this audience may see.

    Interactions, positions and commitments carry their own visibility; ``author`` also sees
    the restricted records they wrote. A commitment's history and follow-up actions are only as
    visible as the records they belong to.
    """
    allowed = frozenset(allowed)

    def keep(frame: pd.DataFrame) -> pd.DataFrame:
        mine = frame["created_by"] == author if author else False
        return frame[frame["visibility"].isin(allowed) | mine]

    shown = dict(tables)
    for name in ("interactions", "positions", "commitments"):
        shown[name] = keep(tables[name])
    commitment_ids = set(shown["commitments"]["id"])
    interaction_ids = set(shown["interactions"]["id"])
    shown["updates"] = tables["updates"][tables["updates"]["commitment_id"].isin(commitment_ids)]
    actions = tables["actions"]
    shown["actions"] = actions[
        ((actions["commitment_id"] == "") | actions["commitment_id"].isin(commitment_ids))
        & ((actions["interaction_id"] == "") | actions["interaction_id"].isin(interaction_ids))
    ]
    return shown
