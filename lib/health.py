"""Sheet health: what is wrong with the shared data, in words, with a safe fix where one exists."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lib import schema
from lib.frames import among, repeated

SHEET_CELL_LIMIT = 10_000_000  # Google Sheets' limit for a whole spreadsheet
NEAR_FULL = 0.8
LONG_CELL = 45_000  # close to the 50,000-character cell limit
# (table, column, referenced table): links a person could break by hand.
LINKS = (
    ("commitments", "candidate_id", "candidates"),
    ("commitments", "issue_id", "issues"),
    ("interactions", "candidate_id", "candidates"),
    ("positions", "candidate_id", "candidates"),
    ("positions", "issue_id", "issues"),
    ("updates", "commitment_id", "commitments"),
)
ADD_COLUMNS = "add the missing tabs and columns"
# What the app does with an access cell it cannot read, said where the problem is listed.
NARROWED = {
    "visibility": "Treated as restricted until fixed: only staff and the author see these rows.",
    "active": "Treated as inactive until fixed: these members cannot sign in.",
}
GIVE_IDS = "give the rows without an id one"


@dataclass(frozen=True)
class Finding:
    table: str
    message: str
    fix: str = ""  # the safe repair the app offers, if any


def findings(tables: dict[str, pd.DataFrame], cells_used: int | None = None) -> list[Finding]:
    """Everything worth a person's attention, most serious first."""
    return (
        access_findings(tables)
        + reading_findings(tables)
        + consistency_findings(tables, cells_used)
    )


def access_findings(tables: dict[str, pd.DataFrame]) -> list[Finding]:
    """Where the app narrowed who may see a row or who may enter because the data could not be
    read: blank or unreadable visibilities and active flags, missing columns that hold them, and
    ids shared by several rows. Nothing was widened; these rows are hidden until someone fixes
    them, which people will notice as missing records."""
    found: list[Finding] = []
    for name, frame in tables.items():
        spec = schema.table(name)
        guards = {column.name for column in spec.columns if column.guards_access}
        for problem in schema.problems_of(frame):
            if problem.column in guards:
                where = f"row {problem.row}: " if problem.row else ""
                found.append(Finding(name, f"{where}{problem.message} {NARROWED[problem.column]}"))
        if spec.governance.rule is schema.Rule.OWN_VISIBILITY:
            shared = frame.loc[frame["id"].ne("") & repeated(frame["id"]), "id"]
            for record_id in sorted(set(shared)):
                found.append(
                    Finding(
                        name,
                        f"{record_id} is the id of {int((shared == record_id).sum())} rows; "
                        "every one of them is treated as restricted as the most confidential "
                        "until the copies get ids of their own or are removed.",
                    )
                )
    return found


def reading_findings(tables: dict[str, pd.DataFrame]) -> list[Finding]:
    """What could not be read as the contract says: missing tabs, columns, ids, odd values."""
    found: list[Finding] = []
    for name, frame in tables.items():
        guards = {column.name for column in schema.table(name).columns if column.guards_access}
        for problem in schema.problems_of(frame):
            if problem.column in guards:
                continue  # listed first, by access_findings
            if "tab is missing" in problem.message or problem.message.startswith("Missing columns"):
                found.append(Finding(name, problem.message, ADD_COLUMNS))
            elif problem.column == schema.table(name).key and problem.row and not problem.value:
                found.append(Finding(name, problem.message, GIVE_IDS))
            else:
                where = f"row {problem.row}: " if problem.row else ""
                found.append(Finding(name, where + problem.message))
    return found


def consistency_findings(
    tables: dict[str, pd.DataFrame], cells_used: int | None = None
) -> list[Finding]:
    """Readable data that is still wrong: broken links, cells and a sheet nearly full."""
    found: list[Finding] = []
    for table, column, target in LINKS:
        frame = tables[table]
        broken = frame[(frame[column] != "") & ~among(frame[column], tables[target]["id"])]
        for row in broken.itertuples():
            found.append(
                Finding(
                    table,
                    f"{row.id} points at {target[:-1]} "
                    f"{getattr(row, column)!r}, which does not exist.",
                )
            )
    for name, frame in tables.items():
        text = frame.select_dtypes(exclude="bool")
        long = text.apply(lambda column: column.str.len() > LONG_CELL)
        for index, column in zip(*long.to_numpy().nonzero(), strict=True):
            record = frame.iloc[index]
            key = schema.table(name).key
            who = record[key] if key else f"row {index + 2}"
            found.append(
                Finding(
                    name,
                    f"{who}: {text.columns[column]} holds "
                    f"{len(text.iat[index, column]):,} characters, close to "
                    "the 50,000 a cell can hold.",
                )
            )
    if cells_used is not None and cells_used >= NEAR_FULL * SHEET_CELL_LIMIT:
        found.append(
            Finding(
                "",
                f"The spreadsheet uses {cells_used:,} of the 10,000,000 cells "
                "Google Sheets allows. Move to PostgreSQL before it fills up.",
            )
        )
    return found
