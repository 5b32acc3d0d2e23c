"""What only the Google Sheet backend must do: few requests, RAW writes, retries, clear errors."""

from __future__ import annotations

import time
from urllib.parse import unquote

import pytest
import requests

from lib import schema
from lib.store import ConfigError, StoreError, UnavailableError, open_store
from lib.store.sheets import RetryPolicy, SheetAccessError, SheetNotFoundError, SheetStore
from tests.conftest import sheet_store
from tests.fake_sheets import FakeSheets


@pytest.fixture
def key(fake: FakeSheets) -> str:
    return fake.create_spreadsheet("Riverton Forward Coalition")


@pytest.fixture
def store(fake: FakeSheets, key: str) -> SheetStore:
    created = sheet_store(fake, key)
    created.ensure_schema()
    return created


def kinds(fake: FakeSheets) -> list[str]:
    return [entry.kind for entry in fake.log]


def test_read_all_is_one_batch_get_plus_one_metadata_request_the_first_time(
    fake: FakeSheets, key: str, store: SheetStore
) -> None:
    fresh = sheet_store(fake, key)
    fake.reset_log()
    fresh.read_all()
    assert kinds(fake) == ["spreadsheets.get", "values.batchGet"]
    assert fake.log[1].params["valueRenderOption"] == "FORMATTED_VALUE"
    assert len(fake.log[1].params["ranges"]) == len(schema.TABLES)
    fake.reset_log()
    fresh.clear_cache()
    fresh.read_all()
    assert kinds(fake) == ["values.batchGet"]
    fake.reset_log()
    fresh.read_all()  # cached
    assert kinds(fake) == []


def test_append_is_one_raw_insert_rows_request(fake: FakeSheets, store: SheetStore) -> None:
    store.read_all()
    fake.reset_log()
    store.append("commitments", [{"text": '=HYPERLINK("http://x")'}, {"text": "0042"}])
    assert kinds(fake) == ["values.append"]
    params = fake.log[0].params
    assert params["valueInputOption"] == "RAW"
    assert params["insertDataOption"] == "INSERT_ROWS"
    assert unquote(fake.log[0].url.split("?")[0]).endswith("/values/'commitments'!A1:append")


def test_formula_text_is_stored_as_text_not_as_a_formula(
    fake: FakeSheets, key: str, store: SheetStore
) -> None:
    store.append("commitments", [{"id": "cmt-f", "text": "=1+1"}, {"id": "cmt-z", "text": "0042"}])
    header = fake.grid(key, "commitments")[0]
    text_column = chr(ord("A") + header.index("text"))
    assert fake.cell(key, "commitments", f"{text_column}2").kind == "text"
    assert fake.cell(key, "commitments", f"{text_column}2").value == "=1+1"
    assert fake.cell(key, "commitments", f"{text_column}3").value == "0042"


def test_update_is_at_most_two_requests_and_writes_only_the_changed_cells(
    fake: FakeSheets, key: str, store: SheetStore
) -> None:
    [record_id] = store.append("commitments", [{"text": "Fund it", "owner": "Jo"}])
    stamp = store.read("commitments").iloc[0]["updated_at"]
    fake.reset_log()
    store.update("commitments", record_id, {"status": "kept"}, expected_updated_at=stamp)
    assert kinds(fake) == ["values.batchGet", "values.batchUpdate"]
    body = fake.log[1].body
    assert body["valueInputOption"] == "RAW"
    assert sorted(len(item["values"][0]) for item in body["data"]) == [1, 1]  # status, updated_at


def test_rows_are_found_by_id_after_someone_sorts_and_inserts_rows(
    fake: FakeSheets, key: str, store: SheetStore
) -> None:
    ids = store.append("commitments", [{"text": f"Commitment {n}"} for n in range(3)])
    store.read_all()
    fake.insert_rows(key, "commitments", 2, [["cmt-by-hand", "", "", "", "Typed in the sheet"], []])
    store.update("commitments", ids[1], {"owner": "Sam"})
    frame = store.read("commitments").set_index("id")
    assert frame.loc[ids[1], "owner"] == "Sam"
    assert (frame.drop(index=ids[1])["owner"] == "").all()


def test_columns_moved_by_hand_are_followed_on_update_and_append(
    fake: FakeSheets, key: str, store: SheetStore
) -> None:
    [record_id] = store.append("commitments", [{"text": "Fund it"}])
    store.read_all()
    fake.move_column(key, "commitments", "G", "A")  # status to the front
    store.update("commitments", record_id, {"status": "stalled"})
    store.append("commitments", [{"id": "cmt-new", "text": "Another", "status": "broken"}])
    frame = store.read("commitments").set_index("id")
    assert frame.loc[record_id, "status"] == "stalled"
    assert frame.loc["cmt-new", "status"] == "broken"
    assert frame.loc["cmt-new", "text"] == "Another"


def test_a_transient_failure_is_retried_and_lands_once(fake: FakeSheets, store: SheetStore) -> None:
    fake.fail(status=503, times=2, kinds="values.append")
    store.append("commitments", [{"id": "cmt-1", "text": "Fund it"}])
    assert store.read("commitments")["id"].tolist() == ["cmt-1"]


def test_a_write_that_landed_before_its_answer_was_lost_is_not_repeated(
    fake: FakeSheets, store: SheetStore
) -> None:
    store.read_all()
    fake.timeout(times=1, kinds="values.append", apply_then=True)
    store.append("commitments", [{"id": "cmt-1", "text": "Fund it"}])
    fake.fail(status=500, times=1, kinds="values.batchUpdate", apply_then=True)
    store.update("commitments", "cmt-1", {"owner": "Jo"})
    frame = store.read("commitments")
    assert frame["id"].tolist() == ["cmt-1"]
    assert frame.iloc[0]["owner"] == "Jo"


def test_an_outage_is_explained_and_try_again_lands_exactly_once(
    fake: FakeSheets, store: SheetStore
) -> None:
    fake.fail(status=503, times=None, kinds="values.append")
    rows = [{"id": "cmt-1", "text": "Fund it"}]
    with pytest.raises(UnavailableError, match="did not answer after 4 attempts") as outage:
        store.append("commitments", rows)
    assert "Your change is kept here" in str(outage.value)
    fake.heal()
    store.append("commitments", rows)  # the user's "Try again"
    assert store.read("commitments")["id"].tolist() == ["cmt-1"]


def test_a_write_that_landed_before_an_outage_counts_as_done(
    fake: FakeSheets, store: SheetStore
) -> None:
    fake.fail(status=503, times=1, kinds="values.append", apply_then=True)
    fake.fail(status=503, times=None, kinds="values.append")
    store.append("commitments", [{"id": "cmt-1", "text": "Fund it"}])  # the id check finds it
    fake.heal()
    assert store.read("commitments")["id"].tolist() == ["cmt-1"]


def test_quota_errors_back_off_with_jitter_within_a_bound(fake: FakeSheets, key: str) -> None:
    slow = sheet_store(fake, key, retry=RetryPolicy(attempts=3, base_delay=0.05, max_delay=0.1))
    fake.fail(status=429, times=None)
    started = time.monotonic()
    with pytest.raises(UnavailableError, match="429"):
        slow.read_all()
    assert time.monotonic() - started < 1.0
    assert fake.count() == 3


def test_a_request_timeout_is_set_on_gspread(fake: FakeSheets, key: str) -> None:
    store = sheet_store(fake, key, timeout=12.5)
    store.read_all()
    assert {entry.timeout for entry in fake.log} == {12.5}


def test_timeouts_are_retried(fake: FakeSheets, store: SheetStore) -> None:
    fake.timeout(times=2, kinds="values.batchGet")
    store.clear_cache()
    assert set(store.read_all()) == set(schema.TABLES)


def test_a_sheet_not_shared_names_the_service_account(fake: FakeSheets, key: str) -> None:
    fake.share(key, False)
    store = sheet_store(fake, key, service_account_email="bot@proj.iam.gserviceaccount.com")
    with pytest.raises(SheetAccessError, match=r"add bot@proj\.iam\.gserviceaccount\.com"):
        store.read_all()
    assert store.label == "Google Sheet (cannot be opened)"


def test_a_wrong_key_says_no_sheet_has_it(fake: FakeSheets) -> None:
    with pytest.raises(SheetNotFoundError, match="No Google Sheet has the key 'nope'"):
        sheet_store(fake, "nope").read_all()


def test_a_url_is_accepted_in_place_of_a_key(fake: FakeSheets, key: str) -> None:
    store = sheet_store(fake, f"https://docs.google.com/spreadsheets/d/{key}/edit#gid=0")
    assert store.label == "Google Sheet: Riverton Forward Coalition"


def test_ensure_schema_adds_tabs_and_columns_and_leaves_the_rest_alone(
    fake: FakeSheets,
) -> None:
    key = fake.create_spreadsheet(
        "Hand made",
        tabs={
            "Our notes": [["anything", "at all"]],
            "Issues": [["Name", "ID", "Partner lead"], ["Housing", "iss-1", "Dana"]],
        },
    )
    store = sheet_store(fake, key)
    store.ensure_schema()
    assert set(fake.tabs(key)) == {"Our notes", "Issues", *schema.TABLES} - {"issues"}
    assert fake.grid(key, "Our notes") == [["anything", "at all"]]
    issues = fake.grid(key, "Issues")
    assert issues[0][:3] == ["Name", "ID", "Partner lead"]
    assert set(issues[0][3:]) == set(schema.table("issues").column_names) - {"name", "id"}
    assert issues[1] == ["Housing", "iss-1", "Dana"]
    assert fake.grid(key, "commitments") == [list(schema.table("commitments").column_names)]
    store.ensure_schema()
    assert fake.grid(key, "Issues")[0] == issues[0]  # a second run adds nothing
    assert store.read("issues").iloc[0]["name"] == "Housing"


def test_ensure_schema_widens_a_narrow_tab(fake: FakeSheets) -> None:
    key = fake.create_spreadsheet("Narrow")
    fake.add_tab(key, "interactions", [["id", "date"]], column_count=3)
    sheet_store(fake, key).ensure_schema()
    assert fake.grid(key, "interactions")[0] == list(schema.table("interactions").column_names)


def test_a_tab_deleted_by_hand_is_reported_not_crashed_on(
    fake: FakeSheets, key: str, store: SheetStore
) -> None:
    store.read_all()
    fake.delete_tab(key, "positions")
    store.clear_cache()
    tables = store.read_all()
    assert tables["positions"].empty
    assert [p.message for p in schema.problems_of(tables["positions"])] == [
        "The 'positions' tab is missing."
    ]
    with pytest.raises(Exception, match="no 'positions' tab"):
        store.append("positions", [{"stance": "supports"}])


def test_a_header_renamed_by_hand_is_reported(
    fake: FakeSheets, key: str, store: SheetStore
) -> None:
    header = fake.grid(key, "commitments")[0]
    column = chr(ord("A") + header.index("status"))
    fake.set_values(key, "commitments", f"{column}1", [["Follow-up state"]])
    store.clear_cache()
    problems = schema.problems_of(store.read("commitments"))
    assert any("Missing columns: status" in problem.message for problem in problems)


def test_open_store_builds_a_sheet_store_from_streamlit_secrets(
    fake: FakeSheets, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gspread

    monkeypatch.delenv("TRACKER_DATABASE_URL", raising=False)
    seen = {}

    def client(info: dict, scopes: list[str]) -> gspread.Client:
        seen.update(info=info, scopes=scopes)
        return gspread.Client(auth=None, session=fake)  # type: ignore[arg-type]

    monkeypatch.setattr(gspread, "service_account_from_dict", client)
    settings = {
        "spreadsheet": key,
        "type": "service_account",
        "client_email": "bot@proj.iam.gserviceaccount.com",
        "private_key": "k",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    store = open_store({"connections": {"gsheets": settings}})
    assert store.label == "Google Sheet: Riverton Forward Coalition"
    assert seen["scopes"] == ["https://www.googleapis.com/auth/spreadsheets"]
    assert "spreadsheet" not in seen["info"]


@pytest.mark.parametrize("missing", ["client_email", "private_key", "token_uri"])
def test_open_store_names_a_missing_secret(missing: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRACKER_DATABASE_URL", raising=False)
    settings = {
        "spreadsheet": "abc",
        "client_email": "e",
        "private_key": "k",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    del settings[missing]
    with pytest.raises(ConfigError, match=f"connections.gsheets.{missing} is missing"):
        open_store({"connections": {"gsheets": settings}})


def test_open_store_explains_a_malformed_private_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRACKER_DATABASE_URL", raising=False)
    settings = {
        "spreadsheet": "abc",
        "client_email": "bot@proj.iam.gserviceaccount.com",
        "private_key": "not a key",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    with pytest.raises(ConfigError, match="private_key .* is not a valid service-account key"):
        open_store({"connections": {"gsheets": settings}})


def test_a_connection_error_is_treated_like_a_timeout(fake: FakeSheets, key: str) -> None:
    class Unreachable(FakeSheets):
        def request(self, *args: object, **kwargs: object) -> requests.Response:
            raise requests.exceptions.ConnectionError("no route to host")

    with pytest.raises(UnavailableError, match="ConnectionError"):
        sheet_store(Unreachable(), key).read_all()


def test_credentials_without_a_spreadsheet_keep_the_app_on_its_database(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import lib.store as store_module

    monkeypatch.delenv("TRACKER_DATABASE_URL", raising=False)
    monkeypatch.setattr(store_module, "DEFAULT_DATABASE_URL", f"sqlite:///{tmp_path / 'd.db'}")
    credentials = {
        "client_email": "bot@proj.iam.gserviceaccount.com",
        "private_key": "k",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    store = open_store({"connections": {"gsheets": credentials}})
    assert store.label.startswith("Local database") and store.label.endswith("d.db")


def test_a_form_responses_tab_is_offered_and_read_as_written_without_a_write(
    fake: FakeSheets, key: str, store: SheetStore
) -> None:
    responses = [
        ["Timestamp", "Candidate", "Do you support universal child care?", "Why?"],
        ["11/2/2026 10:04:55", "Rep. Ana Núñez", "Yes", '=HYPERLINK("x")'],
        ["11/3/2026 09:00:00", "Bo Li"],  # a Form leaves a row short when the end is blank
    ]
    fake.add_tab(key, "Form Responses 1", responses)
    fake.add_tab(key, "O'Brien's notes", [["Name"], ["Anything"]])
    assert store.source_tabs() == ["Sheet1", "Form Responses 1", "O'Brien's notes"]
    fake.reset_log()
    frame = store.read_source_tab("Form Responses 1")
    assert list(frame.columns) == responses[0]
    assert frame.iloc[0].tolist() == responses[1]
    assert frame.iloc[1].tolist() == ["11/3/2026 09:00:00", "Bo Li", "", ""]
    assert store.read_source_tab("O'Brien's notes")["Name"].tolist() == ["Anything"]
    assert not [
        entry for entry in fake.log if entry.kind not in {"values.batchGet", "spreadsheets.get"}
    ]
    with pytest.raises(StoreError, match="no tab called 'interactions'"):
        store.read_source_tab("interactions")  # the tracker's own tabs are not a source
