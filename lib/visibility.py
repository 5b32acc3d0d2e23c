"""Who may see what: the one place where records are filtered by their visibility.

Every page, chart, export, digest and calendar that must respect confidentiality takes its
tables from :func:`visible_tables` first. Nothing here names a table: each table declares in
:mod:`lib.schema` how its rows are governed, and the filter follows those declarations.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from lib import schema
from lib.frames import among, repeated
from lib.schema import Rule

#: what each audience may see
COALITION = frozenset({"public", "coalition"})
PUBLIC = frozenset({"public"})
EVERYTHING = frozenset({"public", "coalition", "restricted"})

# From the widest to the narrowest; anything else reads as the narrowest.
_NARROWNESS = {"public": 0, "coalition": 1, "restricted": 2}
_BY_NARROWNESS = {rank: value for value, rank in _NARROWNESS.items()}
# Tables are filtered after those their rules depend on.
_ORDER = {
    Rule.OWN_VISIBILITY: 0,
    Rule.EVERYONE: 0,
    Rule.ADMINS: 0,
    Rule.SUBJECT: 1,
    Rule.LINKED: 2,
    Rule.ABOUT_RECORD: 3,
}


def effective_visibility(frame: pd.DataFrame, key: str | None = "id") -> pd.Series:
    """Each row's visibility, where rows sharing an id (a row copied by hand) all take the
    narrowest of theirs, so a copy set to "coalition" never reveals what the original keeps."""
    visibility = frame["visibility"]
    known = among(visibility, _NARROWNESS)
    if not known.all():
        visibility = visibility.where(known, _BY_NARROWNESS[2])
    if key:
        shared = frame[key].ne("") & repeated(frame[key])
        if shared.any():
            rank = visibility.map(_NARROWNESS).astype("int64")
            rank = rank.where(~shared, rank.groupby(frame[key]).transform("max"))
            visibility = rank.map(_BY_NARROWNESS)
    return visibility


def visible_tables(
    tables: Mapping[str, pd.DataFrame],
    allowed: Iterable[str],
    author: str | None = None,
    *,
    admin: bool = False,
) -> dict[str, pd.DataFrame]:
    """The tables with only the rows this audience may see.

    ``allowed`` are the visibilities the audience may see; ``author`` also sees the restricted
    records they wrote; ``admin`` also sees tables for admins only (the members). How each
    table's rows are governed comes from its declaration in :mod:`lib.schema`.
    """
    allowed = frozenset(allowed)
    if admin and allowed >= EVERYTHING:
        return dict(tables)
    shown: dict[str, pd.DataFrame] = {}
    visible_keys: dict[str, pd.Series] = {}
    names = sorted(
        (name for name in tables if name in schema.TABLES),
        # Within a rule, tables pointed at come first: answers follow invitations and questions.
        key=lambda name: (
            _ORDER[schema.table(name).governance.rule],
            schema.DEPENDENCY_ORDER.index(name),
        ),
    )
    for name in names:
        spec = schema.table(name)
        frame = tables[name]
        keep = _rows_to_keep(spec, frame, tables, shown, visible_keys, allowed, author, admin)
        # Filtering copies every column: skipped when nothing is hidden (a table seen before).
        shown[name] = frame if keep is None or keep.all() else frame[keep]
        if spec.key:
            visible_keys[name] = shown[name][spec.key]
    return shown


def _rows_to_keep(
    spec: schema.Table,
    frame: pd.DataFrame,
    tables: Mapping[str, pd.DataFrame],
    shown: Mapping[str, pd.DataFrame],
    visible_keys: Mapping[str, pd.Series],
    allowed: frozenset[str],
    author: str | None,
    admin: bool,
) -> pd.Series | None:
    """A mask of the rows this audience may see, or None for all of them."""
    rule, links = spec.governance.rule, spec.governance.links
    if rule is Rule.EVERYONE or frame.empty:  # an empty table has nothing to hide, and is common
        return None
    if rule is Rule.ADMINS:
        return pd.Series(admin, index=frame.index, dtype=bool)
    if rule is Rule.OWN_VISIBILITY:
        keep = among(effective_visibility(frame, spec.key), allowed)
        if author:
            keep |= frame["created_by"] == author
        return keep
    if rule is Rule.SUBJECT:
        pointed = [tables[table][column] for column, table in links if table in tables]
        seen = [shown[table][column] for column, table in links if table in shown]
        ids = frame[spec.key]
        pointed_at = among(ids, pd.concat(pointed)) if pointed else False
        seen_at = among(ids, pd.concat(seen)) if seen else False
        return ~pointed_at | seen_at
    if rule is Rule.LINKED:
        keep = pd.Series(True, index=frame.index)
        for column, table in links:
            if table in visible_keys:
                keep &= (frame[column] == "") | among(frame[column], visible_keys[table])
        return keep
    if rule is Rule.ABOUT_RECORD:
        ((column, _),) = links
        keys = [keys for table, keys in visible_keys.items() if table != spec.name]
        return among(frame[column], pd.concat(keys)) if keys else frame[column] == ""
    raise ValueError(f"The {spec.name} table's rows are governed by an unknown rule {rule!r}.")
