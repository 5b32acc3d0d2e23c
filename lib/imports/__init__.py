"""Bringing a coalition's existing spreadsheet into the tracker: meeting logs, Google Form
responses, lists of candidates and partners, and stance matrices.

Pure functions: :func:`read_source` reads an upload, :func:`suggest_mapping` proposes how its
columns and values read, and :func:`plan_import` works out the rows to add (for
``store.change([], plan.rows)``) and says which rows are left out and why. Nothing here writes.
"""

from lib.imports.fields import FIELDS, KINDS, suggest_mapping
from lib.imports.plan import ImportPlan, plan_import
from lib.imports.source import (
    MAX_SOURCE_BYTES,
    SourceError,
    frame_from_grid,
    read_source,
    sheet_names,
)

__all__ = [
    "FIELDS",
    "KINDS",
    "MAX_SOURCE_BYTES",
    "ImportPlan",
    "SourceError",
    "frame_from_grid",
    "plan_import",
    "read_source",
    "sheet_names",
    "suggest_mapping",
]
