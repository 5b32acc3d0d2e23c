"""The Google Sheets fake, driven only through real gspread calls, behaves the way Google does.

Other tests trust the fake to stand in for Google: these pin down the behaviour they rely on
(trimming, RAW vs USER_ENTERED, A1 ranges, append placement, Google's error bodies, faults and
concurrency).
"""

from __future__ import annotations

import threading

import gspread
import pytest
import requests
from gspread.exceptions import APIError, SpreadsheetNotFound
from gspread.utils import InsertDataOption, ValueInputOption, ValueRenderOption

from tests.fake_sheets import FakeSheets, StoredCell


@pytest.fixture
def fake() -> FakeSheets:
    return FakeSheets()


def client_for(fake: FakeSheets) -> gspread.Client:
    return gspread.Client(auth=None, session=fake)  # type: ignore[arg-type]


def open_sheet(
    fake: FakeSheets, tabs: dict[str, list[list[object]]]
) -> tuple[str, gspread.Spreadsheet]:
    key = fake.create_spreadsheet("Coalition Tracker", tabs=tabs)
    return key, client_for(fake).open_by_key(key)


def api_error(call: object) -> APIError:
    assert callable(call)
    with pytest.raises(APIError) as caught:
        call()
    return caught.value


def append(
    sh: gspread.Spreadsheet,
    a1: str,
    rows: list[list[object]],
    *,
    insert: str = "INSERT_ROWS",
    option: str = "RAW",
) -> dict:
    """A values.append exactly as the app sends it."""
    return sh.values_append(
        a1,
        params={"valueInputOption": option, "insertDataOption": insert},
        body={"majorDimension": "ROWS", "values": rows},
    )


# --- opening and metadata ------------------------------------------------------------------------


def test_open_by_key_and_by_url_see_titles_tabs_and_grid_size(fake: FakeSheets) -> None:
    key, sh = open_sheet(fake, {"candidates": [["id", "name"]], "My Tab": []})

    assert sh.title == "Coalition Tracker"
    assert [(ws.title, ws.index, ws.row_count, ws.col_count) for ws in sh.worksheets()] == [
        ("candidates", 0, 1000, 26),
        ("My Tab", 1, 1000, 26),
    ]
    assert sh.sheet1.id == 0
    assert client_for(fake).open_by_url(fake.url(key)).id == key
    assert (
        client_for(fake).open_by_url(f"https://docs.google.com/spreadsheets/d/{key}/edit").title
        == "Coalition Tracker"
    )


def test_unknown_spreadsheet_is_spreadsheet_not_found(fake: FakeSheets) -> None:
    with pytest.raises(SpreadsheetNotFound) as caught:
        client_for(fake).open_by_key("no-such-key")

    response = caught.value.args[0]
    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}
    }


def test_unshared_spreadsheet_answers_403_to_everything(fake: FakeSheets) -> None:
    key, sh = open_sheet(fake, {"t": [["a"]]})
    fake.share(key, False)

    with pytest.raises(PermissionError) as caught:  # what gspread's open_by_key makes of a 403
        client_for(fake).open_by_key(key)
    assert isinstance(caught.value.__cause__, APIError)
    assert caught.value.__cause__.code == 403
    error = api_error(lambda: sh.sheet1.get())
    assert error.error == {
        "code": 403,
        "message": "The caller does not have permission",
        "status": "PERMISSION_DENIED",
    }

    fake.share(key, True)
    assert sh.sheet1.get() == [["a"]]


# --- reading -------------------------------------------------------------------------------------


def test_responses_trim_trailing_blanks_and_omit_values_when_empty(fake: FakeSheets) -> None:
    _, sh = open_sheet(fake, {"t": [["a", "", "c", "", ""], ["", "", ""], ["", "b"], [], []]})

    answer = sh.values_get("'t'!A1:E10")
    assert answer == {
        "range": "t!A1:E10",
        "majorDimension": "ROWS",
        "values": [["a", "", "c"], [], ["", "b"]],
    }
    assert sh.values_get("'t'!D5:E9") == {"range": "t!D5:E9", "majorDimension": "ROWS"}
    assert sh.values_get("t!A1:C3", params={"majorDimension": "COLUMNS"})["values"] == [
        ["a"],
        ["", "", "b"],
        ["c"],
    ]


@pytest.mark.parametrize(
    ("a1", "expected_range", "expected_values"),
    [
        (
            "'Tab Name'!A1:C3",
            "'Tab Name'!A1:C3",
            [["a1", "b1", "c1"], ["a2", "b2", "c2"], ["a3", "b3", "c3"]],
        ),
        ("'Tab Name'!A:A", "'Tab Name'!A1:A1000", [["a1"], ["a2"], ["a3"]]),
        ("'Tab Name'!1:1", "'Tab Name'!A1:Z1", [["a1", "b1", "c1"]]),
        ("'Tab Name'!B2:C", "'Tab Name'!B2:C1000", [["b2", "c2"], ["b3", "c3"]]),
        ("'Tab Name'!B3", "'Tab Name'!B3", [["b3"]]),
        ("'Tab Name'!$A$1:$A$2", "'Tab Name'!A1:A2", [["a1"], ["a2"]]),
        ("'tab name'!c3", "'Tab Name'!C3", [["c3"]]),
        (
            "'Tab Name'",
            "'Tab Name'!A1:Z1000",
            [["a1", "b1", "c1"], ["a2", "b2", "c2"], ["a3", "b3", "c3"]],
        ),
        ("Plain!A1", "Plain!A1", [["p"]]),
        ("Plain", "Plain!A1:Z1000", [["p"]]),
        ("'It''s'!A:A", "'It''s'!A1:A1000", [["it"]]),
        ("B1:C1", "'Tab Name'!B1:C1", [["b1", "c1"]]),
    ],
)
def test_a1_ranges_resolve_and_answer_the_normalised_range(
    fake: FakeSheets, a1: str, expected_range: str, expected_values: list[list[str]]
) -> None:
    grid = [[f"{column}{row}" for column in "abc"] for row in (1, 2, 3)]
    _, sh = open_sheet(fake, {"Tab Name": grid, "Plain": [["p"]], "It's": [["it"]]})

    answer = sh.values_get(a1)

    assert (answer["range"], answer["values"]) == (expected_range, expected_values)


def test_batch_get_answers_each_range_in_order(fake: FakeSheets) -> None:
    _, sh = open_sheet(fake, {"candidates": [["id", "name"], ["c-1", "Alma"]], "empty": []})

    answer = sh.values_batch_get(
        ["'candidates'", "'candidates'!B:B", "'empty'"], params={"majorDimension": "COLUMNS"}
    )

    assert answer["valueRanges"] == [
        {
            "range": "candidates!A1:Z1000",
            "majorDimension": "COLUMNS",
            "values": [["id", "c-1"], ["name", "Alma"]],
        },
        {"range": "candidates!B1:B1000", "majorDimension": "COLUMNS", "values": [["name", "Alma"]]},
        {"range": "empty!A1:Z1000", "majorDimension": "COLUMNS"},
    ]


def test_unknown_tab_is_googles_400_unable_to_parse_range(fake: FakeSheets) -> None:
    _, sh = open_sheet(fake, {"candidates": [["id"]]})

    for call in (
        lambda: sh.values_get("'Gone'!A1:B2"),
        lambda: sh.values_batch_get(["'candidates'!A1", "'Gone'"]),
    ):
        error = api_error(call)
        assert error.response.status_code == 400
        assert error.error["status"] == "INVALID_ARGUMENT"
        assert error.error["message"].startswith("Unable to parse range: 'Gone'")


# --- writing: how values are stored --------------------------------------------------------------


def test_raw_stores_strings_as_text_exactly(fake: FakeSheets) -> None:
    key, sh = open_sheet(fake, {"t": [["a", "b", "c", "d"]]})
    ws = sh.sheet1

    ws.append_row(["=1+1", "0123", "TRUE", "2024-01-05"], table_range="A1")

    assert ws.get("A2:D2") == [["=1+1", "0123", "TRUE", "2024-01-05"]]
    assert ws.get("A2:D2", value_render_option=ValueRenderOption.unformatted) == [
        ["=1+1", "0123", "TRUE", "2024-01-05"]
    ]
    assert [fake.cell(key, "t", a1) for a1 in ("A2", "B2", "C2")] == [
        StoredCell("text", "=1+1"),
        StoredCell("text", "0123"),
        StoredCell("text", "TRUE"),
    ]


def test_user_entered_parses_like_typing_in_the_sheet(fake: FakeSheets) -> None:
    key, sh = open_sheet(fake, {"t": [["header"]]})
    ws = sh.sheet1
    typed = ["=1+1", "0123", "true", "'=1+1", "=A1", "2024-01-05", "=1/0", "a text"]

    ws.append_row(typed, value_input_option=ValueInputOption.user_entered, table_range="A1")

    assert ws.get("A2:H2") == [
        ["2", "123", "TRUE", "=1+1", "#NAME?", "2024-01-05", "#DIV/0!", "a text"]
    ]
    assert ws.get("A2:H2", value_render_option=ValueRenderOption.unformatted) == [
        [2, 123, True, "=1+1", "#NAME?", 45296, "#DIV/0!", "a text"]
    ]
    assert ws.get("A2:B2", value_render_option=ValueRenderOption.formula) == [["=1+1", 123]]
    assert fake.cell(key, "t", "A2") == StoredCell("formula", "=1+1")
    assert fake.cell(key, "t", "D2") == StoredCell("text", "=1+1")


def test_json_numbers_and_bools_keep_their_type(fake: FakeSheets) -> None:
    key, sh = open_sheet(fake, {"t": []})
    ws = sh.sheet1

    ws.update([[5, 1.5, True, 2.0, None, ""]], "A1")

    assert ws.get() == [["5", "1.5", "TRUE", "2"]]
    assert ws.get(value_render_option=ValueRenderOption.unformatted) == [[5, 1.5, True, 2]]
    assert fake.cell(key, "t", "C1") == StoredCell("bool", True)
    assert fake.cell(key, "t", "E1") is None


def test_update_writes_quoted_tabs_and_reports_like_google(fake: FakeSheets) -> None:
    key, sh = open_sheet(fake, {"Sheet1": [], "My Tab": [], "It's": []})

    answer = sh.worksheet("My Tab").update([["a", "b"], ["c"]], "B2")
    sh.worksheet("It's").update([["x"]], "A1")

    assert answer == {
        "spreadsheetId": key,
        "updatedRange": "'My Tab'!B2:C3",
        "updatedRows": 2,
        "updatedColumns": 2,
        "updatedCells": 3,
    }
    assert fake.grid(key, "My Tab") == [[], ["", "a", "b"], ["", "c"]]
    assert fake.grid(key, "It's") == [["x"]]


def test_update_can_return_the_written_values(fake: FakeSheets) -> None:
    _, sh = open_sheet(fake, {"t": []})

    answer = sh.sheet1.update([["=2*3"]], "C3", raw=False, include_values_in_response=True)

    assert answer["updatedData"] == {"range": "t!C3", "majorDimension": "ROWS", "values": [["6"]]}


def test_batch_update_reports_totals_and_each_range(fake: FakeSheets) -> None:
    key, sh = open_sheet(fake, {"a": [], "b": []})

    answer = sh.values_batch_update(
        {
            "valueInputOption": "RAW",
            "data": [
                {"range": "'a'!A1", "values": [["1", "2"]]},
                {"range": "'b'!B2:B3", "values": [["x"], ["y"]]},
            ],
        }
    )

    assert answer["totalUpdatedCells"] == 4
    assert answer["totalUpdatedSheets"] == 2
    assert [r["updatedRange"] for r in answer["responses"]] == ["a!A1:B1", "b!B2:B3"]
    assert fake.grid(key, "b") == [[], ["", "x"], ["", "y"]]


def test_writes_without_value_input_option_are_400(fake: FakeSheets) -> None:
    key, sh = open_sheet(fake, {"t": []})

    for call in (
        lambda: sh.values_update("'t'!A1", params={}, body={"values": [["x"]]}),
        lambda: sh.values_append("'t'!A1", params={}, body={"values": [["x"]]}),
        lambda: sh.values_batch_update({"data": [{"range": "A1", "values": [["x"]]}]}),
    ):
        assert api_error(call).code == 400
    assert fake.grid(key, "t") == []


def test_writing_beyond_the_grid_is_googles_400_and_writes_nothing(fake: FakeSheets) -> None:
    key, sh = open_sheet(fake, {"Tab": [["keep"]]})
    ws = sh.sheet1

    error = api_error(lambda: ws.update([["x"]], "AA1"))
    assert error.error == {
        "code": 400,
        "status": "INVALID_ARGUMENT",
        "message": "Range ('Tab'!AA1) exceeds grid limits. Max rows: 1000, max columns: 26",
    }
    error = api_error(
        lambda: ws.batch_update(
            [{"range": "A1", "values": [["changed"]]}, {"range": "A1000", "values": [["x"], ["y"]]}]
        )
    )
    assert error.error["message"] == (
        "Range ('Tab'!A1000:A1001) exceeds grid limits. Max rows: 1000, max columns: 26"
    )
    assert fake.grid(key, "Tab") == [["keep"]]  # a failed batch changes nothing


def test_values_larger_than_the_range_are_400(fake: FakeSheets) -> None:
    _, sh = open_sheet(fake, {"t": []})

    error = api_error(lambda: sh.sheet1.update([["a", "b", "c"]], "A1:B1"))

    assert error.error["message"] == (
        "Requested writing within range ['t'!A1:B1], but tried writing to column [C]"
    )


def test_clear_and_batch_clear_empty_cells(fake: FakeSheets) -> None:
    key, sh = open_sheet(fake, {"t": [["a", "b"], ["c", "d"], ["e", "f"]]})
    ws = sh.sheet1

    assert ws.batch_clear(["A1", "B2:B3"])["clearedRanges"] == ["t!A1", "t!B2:B3"]
    assert fake.grid(key, "t") == [["", "b"], ["c"], ["e"]]
    assert ws.clear()["clearedRange"] == "t!A1:Z1000"
    assert fake.grid(key, "t") == []


# --- values.append -------------------------------------------------------------------------------


def test_append_insert_rows_lands_below_the_table_and_grows_the_grid(fake: FakeSheets) -> None:
    key, sh = open_sheet(fake, {"t": [["id", "name"], ["c-1", "Alma"]]})

    answer = append(sh, "'t'!A1", [["c-2", "Bo"], ["c-3", "Cy"]])

    assert answer == {
        "spreadsheetId": key,
        "tableRange": "t!A1:B2",
        "updates": {
            "spreadsheetId": key,
            "updatedRange": "t!A3:B4",
            "updatedRows": 2,
            "updatedColumns": 2,
            "updatedCells": 4,
        },
    }
    assert fake.grid(key, "t") == [["id", "name"], ["c-1", "Alma"], ["c-2", "Bo"], ["c-3", "Cy"]]
    assert sh.sheet1.row_count == 1002  # INSERT_ROWS adds rows even with empty ones below


def test_append_overwrite_fills_empty_rows_without_growing(fake: FakeSheets) -> None:
    key, sh = open_sheet(fake, {"t": [["id"], ["c-1"]]})

    append(sh, "'t'!A1", [["c-2"]], insert="OVERWRITE")

    assert fake.grid(key, "t") == [["id"], ["c-1"], ["c-2"]]
    assert sh.sheet1.row_count == 1000


def test_append_after_blank_rows_inserts_into_the_gap_like_google(fake: FakeSheets) -> None:
    key, sh = open_sheet(fake, {"t": [["id"], ["c-1"], [], ["c-9"]]})

    append(sh, "'t'!A1", [["c-2"]])  # a blank row ends Google's "table"
    assert fake.grid(key, "t") == [["id"], ["c-1"], ["c-2"], [], ["c-9"]]

    sh.sheet1.append_row(["c-10"])  # a bare tab name: after the last non-empty row
    assert fake.grid(key, "t") == [["id"], ["c-1"], ["c-2"], [], ["c-9"], ["c-10"]]


def test_append_to_a_full_grid_adds_rows_and_columns(fake: FakeSheets) -> None:
    key, sh = open_sheet(fake, {"t": []})
    fake.set_values(key, "t", "A1", [["id"], ["c-1"]])
    sh.sheet1.resize(rows=2, cols=1)

    append(sh, "'t'!A1", [["c-2", "wide"]], insert="OVERWRITE")

    ws = sh.worksheet("t")
    assert (ws.row_count, ws.col_count) == (3, 2)
    assert fake.grid(key, "t") == [["id"], ["c-1"], ["c-2", "wide"]]


def test_gspread_insert_row_and_insert_cols_land_where_asked(fake: FakeSheets) -> None:
    key, sh = open_sheet(fake, {"t": [["id", "name"], ["c-1", "Alma"]]})
    ws = sh.sheet1

    ws.insert_row(["c-0", "Zed"], 2)
    ws.insert_cols([["note", "n0", "n1"]], 2)

    assert fake.grid(key, "t") == [
        ["id", "note", "name"],
        ["c-0", "n0", "Zed"],
        ["c-1", "n1", "Alma"],
    ]


def test_append_user_entered_and_insert_option_enums_from_gspread(fake: FakeSheets) -> None:
    key, sh = open_sheet(fake, {"t": [["n"]]})

    sh.sheet1.append_rows(
        [["0123"]],
        value_input_option=ValueInputOption.user_entered,
        insert_data_option=InsertDataOption.insert_rows,
        table_range="A1",
    )

    assert fake.cell(key, "t", "A2") == StoredCell("number", 123)


# --- tabs ----------------------------------------------------------------------------------------


def test_tabs_are_added_renamed_resized_and_deleted_through_gspread(fake: FakeSheets) -> None:
    key, sh = open_sheet(fake, {"first": []})

    added = sh.add_worksheet("second", rows=10, cols=3)
    assert (added.title, added.index, added.row_count, added.col_count) == ("second", 1, 10, 3)
    added.update_title("renamed")
    added.add_cols(2)
    assert [(w.title, w.col_count) for w in sh.worksheets()] == [("first", 26), ("renamed", 5)]

    error = api_error(lambda: sh.add_worksheet("FIRST", rows=1, cols=1))
    assert error.error["message"] == (
        "Invalid requests[0].addSheet: A sheet with the name "
        '"FIRST" already exists. Please enter another name.'
    )
    sh.del_worksheet(added)
    assert fake.tabs(key) == ["first"]


def test_batch_update_is_all_or_nothing(fake: FakeSheets) -> None:
    key, sh = open_sheet(fake, {"first": []})

    error = api_error(
        lambda: sh.batch_update(
            {
                "requests": [
                    {"addSheet": {"properties": {"title": "new"}}},
                    {"deleteSheet": {"sheetId": 999}},
                ]
            }
        )
    )

    assert error.error["message"] == "Invalid requests[1].deleteSheet: No grid with id: 999"
    assert fake.tabs(key) == ["first"]


def test_hand_edits_are_seen_through_gspread(fake: FakeSheets) -> None:
    key, sh = open_sheet(fake, {"t": [["id", "name", "email"], ["c-1", "Alma", "a@x"]]})

    fake.insert_rows(key, "t", 2, [["c-0", "Zed", "z@x"], []])
    fake.set_row(key, "t", 3, ["c-5", "=1+1"], value_input_option="USER_ENTERED")
    fake.move_column(key, "t", "C", "A")
    assert sh.sheet1.get() == [
        ["email", "id", "name"],
        ["z@x", "c-0", "Zed"],
        ["", "c-5", "2"],
        ["a@x", "c-1", "Alma"],
    ]

    fake.delete_rows(key, "t", 3)
    fake.rename_tab(key, "t", "people")
    assert api_error(lambda: sh.values_get("'t'!A1")).code == 400
    assert sh.values_get("'people'!A1:C3")["values"] == [
        ["email", "id", "name"],
        ["z@x", "c-0", "Zed"],
        ["a@x", "c-1", "Alma"],
    ]

    fake.add_tab(key, "extra", [["x"]])
    fake.delete_tab(key, "people")
    assert [ws.title for ws in sh.worksheets()] == ["extra"]


# --- errors, faults and the request log ----------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "kind", "message", "google_status"),
    [
        (403, "values.get", "The caller does not have permission", "PERMISSION_DENIED"),
        (404, "values.get", "Requested entity was not found.", "NOT_FOUND"),
        (
            429,
            "values.get",
            "Quota exceeded for quota metric 'Read requests' and limit 'Read requests "
            "per minute per user' of service 'sheets.googleapis.com' for consumer "
            "'project_number:000000000000'.",
            "RESOURCE_EXHAUSTED",
        ),
        (
            429,
            "values.append",
            "Quota exceeded for quota metric 'Write requests' and limit 'Write "
            "requests per minute per user' of service 'sheets.googleapis.com' for consumer "
            "'project_number:000000000000'.",
            "RESOURCE_EXHAUSTED",
        ),
        (500, "values.get", "Internal error encountered.", "INTERNAL"),
        (503, "values.append", "The service is currently unavailable.", "UNAVAILABLE"),
    ],
)
def test_injected_errors_carry_googles_bodies(
    fake: FakeSheets, status: int, kind: str, message: str, google_status: str
) -> None:
    _, sh = open_sheet(fake, {"t": [["id"]]})
    fake.fail(status, kinds=kind)
    call = (
        (lambda: sh.sheet1.get())
        if kind == "values.get"
        else (lambda: append(sh, "'t'!A1", [["x"]]))
    )

    error = api_error(call)

    assert error.code == status
    assert error.response.status_code == status
    assert error.error == {"code": status, "message": message, "status": google_status}
    assert str(error) == f"APIError: [{status}]: {message}"


def test_a_502_is_an_html_page_so_only_the_status_code_tells(fake: FakeSheets) -> None:
    _, sh = open_sheet(fake, {"t": []})
    fake.fail(502)

    error = api_error(lambda: sh.sheet1.get())

    assert error.code == -1  # gspread could not read JSON
    assert error.response.status_code == 502
    assert error.response.headers["Content-Type"].startswith("text/html")


def test_faults_fail_n_matching_requests_then_recover(fake: FakeSheets) -> None:
    key, sh = open_sheet(fake, {"t": [["id"]]})
    ws = sh.sheet1
    fake.reset_log()
    fake.fail(503, times=2, kinds="values.append")

    assert ws.get() == [["id"]]  # other kinds are untouched
    for _ in range(2):
        assert api_error(lambda: append(sh, "'t'!A1", [["x"]])).code == 503
    append(sh, "'t'!A1", [["c-1"]])

    assert fake.grid(key, "t") == [["id"], ["c-1"]]
    assert [(entry.kind, entry.status, entry.failed, entry.injected) for entry in fake.log] == [
        ("values.get", 200, False, False),
        ("values.append", 503, True, True),
        ("values.append", 503, True, True),
        ("values.append", 200, False, False),
    ]


def test_fault_without_limit_lasts_until_heal(fake: FakeSheets) -> None:
    _, sh = open_sheet(fake, {"t": [["id"]]})
    fake.fail(429, times=None)

    for _ in range(5):
        assert api_error(lambda: sh.sheet1.get()).code == 429
    fake.heal()

    assert sh.sheet1.get() == [["id"]]


def test_apply_then_fail_lands_the_write_but_reports_an_error(fake: FakeSheets) -> None:
    key, sh = open_sheet(fake, {"t": [["id"]]})
    fake.fail(500, kinds="values.append", apply_then=True)

    assert api_error(lambda: append(sh, "'t'!A1", [["c-1"]])).code == 500

    assert fake.grid(key, "t") == [["id"], ["c-1"]]
    assert fake.log[-1].failed and fake.log[-1].injected


def test_timeouts_raise_read_timeout_with_or_without_the_write(fake: FakeSheets) -> None:
    key, sh = open_sheet(fake, {"t": [["id"]]})
    fake.timeout(kinds=["values.append"])
    fake.timeout(kinds="values.append", apply_then=True)

    with pytest.raises(requests.exceptions.ReadTimeout):
        append(sh, "'t'!A1", [["lost"]])
    with pytest.raises(requests.exceptions.ReadTimeout):
        append(sh, "'t'!A1", [["landed"]])

    assert fake.grid(key, "t") == [["id"], ["landed"]]
    assert [(entry.status, entry.failed) for entry in fake.log[-2:]] == [(None, True)] * 2


def test_fault_arguments_are_checked(fake: FakeSheets) -> None:
    with pytest.raises(ValueError):
        fake.fail(418)
    with pytest.raises(ValueError):
        fake.fail(503, kinds="values.appendd")
    with pytest.raises(ValueError):
        fake.timeout(times=0)


def test_log_records_kind_params_and_body_and_counts(fake: FakeSheets) -> None:
    key, sh = open_sheet(fake, {"t": [["id"]]})
    assert fake.count("spreadsheets.get") == 1
    fake.reset_log()

    sh.values_batch_get(["'t'!A:A", "'t'!1:1"])
    append(sh, "'t'!A1", [["c-1"]])

    assert fake.count() == 2
    assert (fake.count("values.batchGet"), fake.count("values.append")) == (1, 1)
    batch_get, appended = fake.log
    assert batch_get.params["ranges"] == ["'t'!A:A", "'t'!1:1"]
    assert batch_get.spreadsheet_id == key
    assert (appended.method, appended.kind) == ("POST", "values.append")
    assert appended.params == {"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"}
    assert appended.body == {"majorDimension": "ROWS", "values": [["c-1"]]}
    assert appended.url.startswith(
        f"https://sheets.googleapis.com/v4/spreadsheets/{key}/values/%27t%27%21A1:append?"
    )


# --- concurrency ---------------------------------------------------------------------------------


def test_concurrent_appends_from_many_clients_all_land_once(fake: FakeSheets) -> None:
    key = fake.create_spreadsheet("Coalition Tracker", tabs={"t": [["id", "thread"]]})
    failures: list[BaseException] = []

    def worker(number: int) -> None:
        try:
            sh = client_for(fake).open_by_key(key)
            for row in range(25):
                append(sh, "'t'!A1", [[f"t{number}-r{row}", str(number)]])
        except BaseException as error:  # reported below, so a thread cannot fail silently
            failures.append(error)

    threads = [threading.Thread(target=worker, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    rows = fake.grid(key, "t")[1:]
    assert len(rows) == 200
    assert len({row[0] for row in rows}) == 200
    assert fake.count("values.append") == 200
