"""Rows of the audit log: who changed what, in a few words, beside the change itself."""

from __future__ import annotations

#: The longest detail kept; it describes a change, it is not a second copy of the record.
DETAIL_CHARS = 1_000


def entry(author: str, action: str, table: str, record_id: str, detail: str) -> dict[str, str]:
    """An audit row whose every cell fits a cell: the detail is shortened with "…" if need be
    (it is built from user text, such as a 49,999-character name). The store stamps its time."""
    if len(detail) > DETAIL_CHARS:
        detail = detail[: DETAIL_CHARS - 1] + "…"
    return {
        "by": author,
        "action": action,
        "table": table,
        "record_id": record_id,
        "detail": detail,
    }
