"""Moving a coalition between stores, checking it arrived, and backing it up (lib.transfer)."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from lib import sample, schema, transfer
from lib.store.sql import SqlStore
from tests.apptest import SERVICE_ACCOUNT, sheet_secrets
from tests.conftest import sheet_store
from tests.fake_sheets import FakeSheets

FORMULA = '=HYPERLINK("http://evil.example","click")'


def sql_store(tmp_path, name: str) -> SqlStore:
    store = SqlStore(f"sqlite:///{tmp_path / name}.db")
    store.ensure_schema()
    return store


@pytest.fixture
def local(tmp_path) -> SqlStore:
    """The sample coalition, plus what the app adds later: settings, audit rows, awkward text."""
    store = sql_store(tmp_path, "local")
    sample.load_sample(store, date.today())
    # A coalition that may endorse, so that every table is counted, copied and backed up.
    store.append(
        "settings",
        [
            {"key": "coalition_name", "value": "Riverton Coalition"},
            {"key": "tax_status", "value": "501(c)(4)"},
        ],
    )
    store.append(
        "audit",
        [
            {"at": "2026-11-01T10:00:00+00:00", "by": "jo", "action": "added", "record_id": "x"},
            {"at": "2026-11-02T10:00:00+00:00", "by": "jo", "action": "edited", "record_id": "x"},
        ],
    )
    store.append("issues", [{"id": "iss-zip", "name": FORMULA, "ask": "0123", "active": False}])
    store.clear_cache()
    return store


def counts(store) -> dict[str, int]:
    store.clear_cache()
    return {name: len(frame) for name, frame in store.read_all().items()}


def as_text(tables: dict[str, pd.DataFrame]) -> dict[str, list[dict[str, str]]]:
    """Every table as sorted text records: what a comparison of two stores should look at."""
    return {
        name: sorted(
            transfer.text_frame(name, tables[name]).to_dict("records"),
            key=lambda row: tuple(row.values()),
        )
        for name in transfer.COPY_ORDER
    }


def test_plan_counts_what_the_target_lacks(local: SqlStore, tmp_path) -> None:
    target = sql_store(tmp_path, "target")
    source_tables = local.read_all()
    assert transfer.plan_copy(source_tables, target.read_all()) == {
        name: len(source_tables[name]) for name in transfer.COPY_ORDER
    }
    some = source_tables["issues"].head(2)
    target.append("issues", [transfer.text_record("issues", row) for _, row in some.iterrows()])
    planned = transfer.plan_copy(source_tables, target.read_all())
    assert planned["issues"] == len(source_tables["issues"]) - len(some)


def test_copying_twice_into_a_database_gives_one_copy_of_every_row(
    local: SqlStore, tmp_path
) -> None:
    target = sql_store(tmp_path, "target")
    seen = []
    report = transfer.copy(local, target, lambda done, total, table: seen.append((done, total)))
    assert report.total == sum(counts(local).values())
    assert seen[-1] == (report.total, report.total)
    assert all(done <= total for done, total in seen)
    again = transfer.copy(local, target)
    assert again.total == 0
    assert counts(target) == counts(local)
    assert as_text(target.read_all()) == as_text(local.read_all())
    assert transfer.verify(local, target) == {name: [] for name in transfer.COPY_ORDER}


def test_copying_twice_into_a_google_sheet_gives_one_copy_of_every_row(
    local: SqlStore, fake: FakeSheets
) -> None:
    key = fake.create_spreadsheet("Coalition")
    target = sheet_store(fake, key)
    target.ensure_schema()
    transfer.copy(local, target, batch_rows=25)  # several batches per large table
    transfer.copy(local, sheet_store(fake, key), batch_rows=25)  # a new session, same sheet
    for name, frame in local.read_all().items():
        grid = fake.grid(key, name)
        assert len(grid) - 1 == len(frame), name
    assert as_text(target.read_all()) == as_text(local.read_all())
    # Text that looks like a formula or a number stayed text in the sheet.
    row = [row[0] for row in fake.grid(key, "issues")].index("iss-zip") + 1
    assert fake.cell(key, "issues", f"B{row}").kind == "text"
    assert fake.cell(key, "issues", f"C{row}").value == "0123"


def test_audit_rows_have_no_key_and_are_matched_by_time_record_and_action(
    local: SqlStore, tmp_path
) -> None:
    target = sql_store(tmp_path, "target")
    first = local.read("audit").iloc[0]
    target.append("audit", [transfer.text_record("audit", first)])
    assert transfer.plan_copy(local.read_all(), target.read_all())["audit"] == (
        len(local.read("audit")) - 1
    )
    transfer.copy(local, target)
    assert len(target.read("audit")) == len(local.read("audit"))


def test_rows_already_in_the_target_are_left_as_they_are(local: SqlStore, tmp_path) -> None:
    target = sql_store(tmp_path, "target")
    issue = local.read("issues").iloc[0]
    target.append("issues", [{"id": issue["id"], "name": "Their own name"}])
    transfer.copy(local, target)
    target.clear_cache()
    kept = target.read("issues").set_index("id")
    assert kept.loc[issue["id"], "name"] == "Their own name"


def test_verify_names_the_rows_that_did_not_arrive(local: SqlStore, tmp_path) -> None:
    target = sql_store(tmp_path, "target")
    transfer.copy(local, target)
    gone = local.read("commitments").iloc[0]["id"]
    with target.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM commitments WHERE id = ?", (gone,))
    missing = transfer.verify(local, target)
    assert missing["commitments"] == [gone]
    assert not any(keys for name, keys in missing.items() if name != "commitments")


def test_a_row_too_long_for_a_cell_is_reported_not_copied(tmp_path) -> None:
    source = sql_store(tmp_path, "source")
    with source.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO issues (id, name) VALUES ('iss-long', ?), ('iss-ok', 'Fine')",
            ("x" * (schema.MAX_CELL_CHARS + 1),),
        )
    source.clear_cache()
    target = sql_store(tmp_path, "target")
    report = transfer.copy(source, target)
    assert [(skip.table, skip.key) for skip in report.skipped] == [("issues", "iss-long")]
    assert transfer.verify(source, target)["issues"] == ["iss-long"]


# --- the Google Sheet connection ---------------------------------------------------------------


def credentials() -> dict:
    """The service account in secrets.toml, with no spreadsheet configured yet."""
    secrets = sheet_secrets("unused")
    del secrets["connections"]["gsheets"]["spreadsheet"]
    return secrets


def test_a_connection_to_a_new_sheet_says_it_has_no_tabs_yet(fake_google: FakeSheets) -> None:
    key = fake_google.create_spreadsheet("Riverton Coalition 2027")
    answer = transfer.check_connection(credentials(), fake_google.url(key))
    assert answer.ok and answer.title == "Riverton Coalition 2027"
    assert "Riverton Coalition 2027" in answer.message
    assert set(answer.missing_tabs) == set(schema.TABLES)
    answer.store.ensure_schema()
    again = transfer.check_connection(credentials(), fake_google.url(key))
    assert again.missing_tabs == () and again.missing_columns == {}


@pytest.mark.parametrize(
    ("case", "words"),
    [
        ("unshared", f"not shared with {SERVICE_ACCOUNT}"),
        ("unknown", "There is no Google Sheet at that address"),
        ("no key", "connections.gsheets.private_key"),
        ("not a url", "is not a Google Sheet URL"),
        ("blank", "Paste the Google Sheet's address"),
    ],
)
def test_a_connection_that_fails_says_why(fake_google: FakeSheets, case: str, words: str) -> None:
    key = fake_google.create_spreadsheet("Private")
    secrets, url = credentials(), fake_google.url(key)
    if case == "unshared":
        fake_google.share(key, False)
    elif case == "unknown":
        url = fake_google.url("NoSuchSheetKey123")
    elif case == "no key":
        del secrets["connections"]["gsheets"]["private_key"]
    elif case == "not a url":
        url = "https://example.org/my/sheet"
    else:
        url = "  "
    answer = transfer.check_connection(secrets, url)
    assert not answer.ok and answer.store is None
    assert words in answer.message


def test_the_secrets_snippet_sets_the_spreadsheet() -> None:
    url = "https://docs.google.com/spreadsheets/d/abc/edit"
    assert transfer.secrets_snippet(url) == f'[connections.gsheets]\nspreadsheet = "{url}"'


# --- backup and restore --------------------------------------------------------------------------


def test_a_backup_has_one_sheet_per_table_in_the_contract_layout_all_text(
    local: SqlStore,
) -> None:
    workbook = load_workbook(io.BytesIO(transfer.backup_bytes(local.read_all())))
    assert workbook.sheetnames == list(transfer.COPY_ORDER)
    for name in transfer.COPY_ORDER:
        rows = list(workbook[name].iter_rows(values_only=True))
        assert list(rows[0]) == list(schema.table(name).column_names)
        assert len(rows) - 1 == len(local.read(name))
        assert all(isinstance(cell, str) for row in rows[1:] for cell in row if cell is not None)
    issues = workbook["issues"]
    formula_cells = [row for row in issues.iter_rows() if row[0].value == "iss-zip"]
    assert formula_cells[0][1].data_type == "s"  # the formula-looking name is text
    assert formula_cells[0][2].value == "0123"


def test_backup_then_restore_round_trips_every_table(local: SqlStore, tmp_path) -> None:
    restored = sql_store(tmp_path, "restored")
    tables = transfer.read_backup(transfer.backup_bytes(local.read_all()))
    assert not any(schema.problems_of(frame) for frame in tables.values())
    transfer.copy(tables, restored)
    assert transfer.verify(local, restored) == {name: [] for name in transfer.COPY_ORDER}
    restored.clear_cache()
    assert as_text(restored.read_all()) == as_text(local.read_all())


def workbook_bytes(sheets: dict[str, list[list[object]]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_workbook_missing_tabs_or_columns_is_refused_naming_them(local: SqlStore) -> None:
    sheets = {
        name: [list(schema.table(name).column_names)]
        for name in transfer.COPY_ORDER
        if name not in ("audit", "members")
    }
    sheets["issues"] = [["id", "name", "active"]]
    with pytest.raises(transfer.BackupError) as refused:
        transfer.read_backup(workbook_bytes(sheets))
    message = str(refused.value)
    assert "audit" in message and "members" in message
    assert "issues (no ask, description, created_at, updated_at)" in message


def test_a_file_that_is_not_a_workbook_is_refused() -> None:
    with pytest.raises(transfer.BackupError, match="not an Excel workbook"):
        transfer.read_backup(b"id,name\n1,x\n")


def test_cells_typed_in_excel_are_read_as_the_text_a_person_sees() -> None:
    sheets = {name: [list(schema.table(name).column_names)] for name in transfer.COPY_ORDER}
    header = list(schema.table("candidates").column_names)
    row = dict.fromkeys(header, None) | {
        "id": "cand-1",
        "name": "Zoe",
        "district": "0123",
        "election_date": date(2027, 2, 16),
        "active": True,
        "party": 7,
    }
    sheets["candidates"].append([row[name] for name in header])
    tables = transfer.read_backup(workbook_bytes(sheets))
    zoe = tables["candidates"].iloc[0]
    assert (zoe["district"], zoe["election_date"], zoe["party"]) == ("0123", "2027-02-16", "7")
    assert bool(zoe["active"]) is True


def test_an_empty_store_is_told_apart_from_one_holding_anything(local: SqlStore, tmp_path) -> None:
    assert transfer.is_empty(sql_store(tmp_path, "empty").read_all())
    assert not transfer.is_empty(local.read_all())
