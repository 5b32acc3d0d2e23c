"""Who may see what: the one place where records are filtered by their visibility.

Every page, chart, export, digest and calendar that must respect confidentiality takes its
tables from :func:`visible_tables` first.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from lib.frames import among

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
        return frame[among(frame["visibility"], allowed) | mine]

    shown = dict(tables)
    for name in ("interactions", "positions", "commitments"):
        shown[name] = keep(tables[name])
    commitment_ids = shown["commitments"]["id"]
    interaction_ids = shown["interactions"]["id"]
    updates = tables["updates"]
    shown["updates"] = updates[among(updates["commitment_id"], commitment_ids)]
    actions = tables["actions"]
    shown["actions"] = actions[
        ((actions["commitment_id"] == "") | among(actions["commitment_id"], commitment_ids))
        & ((actions["interaction_id"] == "") | among(actions["interaction_id"], interaction_ids))
    ]
    return shown
