"""Settings → Import through AppTest: a coalition's old spreadsheet mapped, previewed and brought
in once; bad files refused with a message and nothing written; and a linked Google Form on the
Sheets fake whose new responses keep coming in as reports, by a button and by themselves."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import gspread
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib import coalition, sample
from lib.imports import MAX_SOURCE_BYTES, linked_form, plan_import, read_source
from lib.imports.review import mapping_file
from lib.imports.screen import name_key
from lib.store import StoreError
from lib.store.sheets import SheetStore
from lib.store.sql import SqlStore
from tests.apptest import app, as_read, sheet_secrets
from tests.fake_sheets import FakeSheets
from tests.test_roles import AUTH

PAGE = "pages/settings_import.py"
DAY = (date.today() - timedelta(days=3)).isoformat()
HEADER = [
    "Meeting date",
    "Candidate",
    "What we heard",
    "Commitments made",
    "Status",
    "Confidential?",
]
INES = [DAY, "Inés Márquez", "Wants the fund's numbers", "Co-sponsor the fund", "in progress", "No"]
NEWCOMER = [DAY, "Priya Shah", "First meeting: cares about buses", "", "", "Yes"]
UNDATED = ["next week", "Tom Whitaker", "Lunch", "", "", "No"]
TAB = "Form Responses 1"
FORM_HEADER = ["Timestamp", "Which candidate did you meet?", "Key takeaways", "Confidential?"]


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


MEETINGS = csv_bytes([HEADER, INES, NEWCOMER, UNDATED])


def fresh(store: SqlStore | SheetStore, table: str) -> pd.DataFrame:
    store.clear_cache()
    return store.read(table)


def said(at: AppTest) -> str:
    shown = [
        as_read(element.value)
        for kind in ("error", "warning", "success", "info", "caption", "markdown", "toast")
        for element in at.get(kind)
    ]
    return " ".join(shown)


def click(at: AppTest, label: str) -> AppTest:
    [button] = [button for button in at.button if button.label == label]
    return button.click().run()


def counts(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    return at.file_uploader(key="imp.file").set_value((name, data, "text/csv")).run()


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    [frame] = [frame.value for frame in at.dataframe if column in frame.value.columns]
    return frame


def map_column(at: AppTest, row: int, field: str) -> AppTest:
    """Choose what a column is imported as, in the mapping's table, as a person does."""
    at.session_state["imp.columns"] = {
        "edited_rows": {row: {"Imported as": field}},
        "added_rows": [],
        "deleted_rows": [],
    }
    return at.run()


def stored_sizes(store: SqlStore) -> dict[str, int]:
    store.clear_cache()
    return {name: len(frame) for name, frame in store.read_all().items()}


# --- a spreadsheet from a file ------------------------------------------------------------------


def test_a_meeting_log_is_mapped_previewed_and_imported_once(sample_store: SqlStore) -> None:
    before = stored_sizes(sample_store)
    at = upload(app(PAGE), "Meetings 2026.csv", MEETINGS)
    assert not at.exception
    mapping = table_with(at, "Imported as")
    assert mapping.set_index("Column")["Imported as"].to_dict() == {
        "Meeting date": "Date",
        "Candidate": "Candidate",
        "What we heard": "Not imported",
        "Commitments made": "Commitments (one per line or ';')",
        "Status": "Commitment status",
        "Confidential?": "Visibility (confidential?)",
    }
    assert mapping.set_index("Column").loc["Candidate", "Sample"] == (
        "Inés Márquez · Priya Shah · Tom Whitaker"
    )
    assert counts(at) == {"New rows": "1", "Already imported": "0", "Left out": "2"}
    left_out = table_with(at, "Why it is left out").set_index("Row")["Why it is left out"]
    assert "no candidate called “Priya Shah” in the tracker" in left_out[3]
    assert "“Meeting date” holds “next week”, which is not a date" in left_out[4]

    at = map_column(at, 2, "Notes and takeaways")
    preview = table_with(at, "Takeaways")
    assert preview.to_dict("records") == [
        {
            "Date": DAY,
            "Candidate": "Inés Márquez",
            "Takeaways": "Wants the fund's numbers",
            "Visibility": "Coalition",
        }
    ]
    assert "1 report, 1 commitment, 1 first status" in said(at)
    assert stored_sizes(sample_store) == before, "nothing is written before Import is pressed"

    at = click(at, "Import 1 row")
    assert not at.exception
    assert "Imported 1 row" in said(at) and "every record is now in the tracker" in said(at)
    interactions = fresh(sample_store, "interactions")
    [report] = interactions[interactions["takeaways"] == "Wants the fund's numbers"].to_dict(
        "records"
    )
    candidates = fresh(sample_store, "candidates").set_index("id")
    assert candidates.loc[report["candidate_id"], "name"] == "Inés Márquez"
    assert (report["date"], report["visibility"]) == (DAY, "coalition")
    commitments = fresh(sample_store, "commitments")
    [promise] = commitments[commitments["interaction_id"] == report["id"]].to_dict("records")
    assert (promise["text"], promise["status"]) == ("Co-sponsor the fund", "in_the_works")
    audit = fresh(sample_store, "audit")
    assert "Imported 1 rows from “Meetings 2026.csv”" in audit["detail"].iloc[-1]

    # The same file again: nothing new, and the page says so.
    after = stored_sizes(sample_store)
    at = upload(at, "Meetings 2026.csv", MEETINGS)
    assert counts(at)["New rows"] == "0" and counts(at)["Already imported"] == "1"
    assert "Nothing new to import: 1 row from this sheet is in the tracker already." in said(at)
    assert not [button for button in at.button if button.label.startswith("Import ")]
    assert stored_sizes(sample_store) == after


def test_an_unknown_candidate_is_added_as_new_through_the_page(sample_store: SqlStore) -> None:
    at = upload(app(PAGE), "Meetings 2026.csv", MEETINGS)
    newcomer = at.selectbox(key=name_key("candidates", "Priya Shah"))
    assert newcomer.value is None, "nobody is added until someone says so"
    assert "Add as a new candidate" in newcomer.options
    assert "Same as Priya Raman (Riverton City Council)" in newcomer.options
    at = newcomer.set_value("create").run()
    assert counts(at) == {"New rows": "2", "Already imported": "0", "Left out": "1"}
    assert "1 new candidate" in said(at)
    at = click(at, "Import 2 rows")
    assert not at.exception and "Imported 2 rows" in said(at)
    candidates = fresh(sample_store, "candidates")
    [added] = candidates[candidates["name"] == "Priya Shah"].to_dict("records")
    interactions = fresh(sample_store, "interactions")
    [report] = interactions[interactions["candidate_id"] == added["id"]].to_dict("records")
    assert report["takeaways"] == "", "the notes column was left unmapped"
    assert report["visibility"] == "restricted"  # Confidential? Yes


def test_a_mapping_saved_as_json_is_used_again(sample_store: SqlStore) -> None:
    frame = read_source("Meetings 2026.csv", MEETINGS)
    suggested = plan_import(frame, "reports", sample_store.read_all(), today=date.today())
    saved = json.loads(mapping_file(suggested.mapping))
    saved["columns"]["What we heard"] = "takeaways"
    saved["names"]["candidates"]["Priya Shah"] = "create"
    saved["defaults"]["visibility"] = "coalition"
    at = upload(app(PAGE), "Meetings 2026 (2).csv", MEETINGS)
    at.file_uploader(key="imp.mapping_file").set_value(
        ("meetings mapping.json", mapping_file(saved), "application/json")
    ).run()
    assert not at.exception
    assert "Using the saved mapping “meetings mapping.json”" in said(at)
    mapping = table_with(at, "Imported as").set_index("Column")["Imported as"]
    assert mapping["What we heard"] == "Notes and takeaways"
    assert at.selectbox(key=name_key("candidates", "Priya Shah")).value == "create"
    assert at.radio(key="imp.default_visibility").value == "coalition"
    assert counts(at)["New rows"] == "2"
    assert "First meeting: cares about buses" in set(table_with(at, "Takeaways")["Takeaways"])

    at.file_uploader(key="imp.mapping_file").set_value(("notes.json", b"[1, 2]", "x")).run()
    assert "This file is not a saved import mapping" in said(at)


def test_a_grid_of_stances_is_offered_as_a_grid_and_imported_as_positions(
    sample_store: SqlStore,
) -> None:
    grid = csv_bytes(
        [
            ["Candidate", "Affordable housing fund", "Tenant right to counsel"],
            ["Inés Márquez", "Strongly support", "Oppose"],
            ["Tom Whitaker", "No", ""],
        ]
    )
    at = upload(app(PAGE), "stances.csv", grid)
    at = at.radio(key="imp.kind").set_value("positions").run()
    [layout] = [radio for radio in at.radio if radio.label == "How the stances are laid out"]
    assert layout.value == "matrix" and set(layout.options) == {
        "One row per stance: a candidate, an issue and a stance in each row",
        "A grid: one row per candidate, one column per issue",
    }
    assert counts(at)["New rows"] == "2"
    preview = table_with(at, "Stance")
    assert preview[["Candidate", "Issue", "Stance"]].values.tolist() == [
        ["Inés Márquez", "Affordable housing fund", "Strongly supports"],
        ["Inés Márquez", "Tenant right to counsel", "Opposes"],
        ["Tom Whitaker", "Affordable housing fund", "Opposes"],
    ]
    positions_before = len(fresh(sample_store, "positions"))
    at = click(at, "Import 2 rows")
    assert not at.exception and "Imported 2 rows" in said(at)
    assert len(fresh(sample_store, "positions")) == positions_before + 3


def test_an_import_that_stops_half_way_says_what_landed_and_finishes_when_run_again(
    sample_store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = ["Inés Márquez", "Tom Whitaker", "Marcus Bell", "Linda Kowalczyk"]
    rows = [
        [DAY, names[n % 4], f"Meeting number {n}", f"Promise {n}", "", "No"] for n in range(250)
    ]
    at = upload(app(PAGE), "big log.csv", csv_bytes([HEADER, *rows]))
    at = map_column(at, 2, "Notes and takeaways")
    assert counts(at)["New rows"] == "250"
    before = len(fresh(sample_store, "interactions"))
    written = SqlStore.change
    parts: list[int] = []

    def down_after_the_first_part(self: SqlStore, edits: list, append: dict | None = None) -> dict:
        parts.append(len((append or {}).get("interactions", [])))
        if len(parts) > 1:
            raise StoreError("The database stopped answering.")
        return written(self, edits, append)

    monkeypatch.setattr(SqlStore, "change", down_after_the_first_part)
    at = click(at, "Import 250 rows")
    assert not at.exception and parts == [200, 50]
    stopped = "**The import stopped.** The database stopped answering. 200 of 250 rows landed."
    assert stopped in said(at)
    assert "Importing the same sheet again adds only the rest" in said(at)
    assert len(fresh(sample_store, "interactions")) == before + 200

    monkeypatch.setattr(SqlStore, "change", written)
    at.run()
    assert counts(at) == {"New rows": "50", "Already imported": "200", "Left out": "0"}
    at = click(at, "Import 50 rows")
    assert "Imported 50 rows" in said(at)
    interactions = fresh(sample_store, "interactions")
    assert len(interactions) == before + 250
    assert interactions["takeaways"].str.startswith("Meeting number ").sum() == 250


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("meetings.csv", b"", "“meetings.csv” is empty: there is nothing to import."),
        (
            "report.csv",
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
            "is a PDF document, not a spreadsheet",
        ),
        (
            "everything.csv",
            b"Date,Candidate\n" + b"2026-11-02,Ines Marquez\n" * (MAX_SOURCE_BYTES // 24 + 1),
            "files up to 20 MB can be imported",
        ),
    ],
    ids=["empty", "not a spreadsheet", "over the limit"],
)
def test_a_file_that_cannot_be_imported_is_refused_with_its_reason(
    sample_store: SqlStore, name: str, data: bytes, message: str
) -> None:
    before = stored_sizes(sample_store)
    at = upload(app(PAGE), name, data)
    assert not at.exception
    [error] = [as_read(error.value) for error in at.error]
    assert error.startswith("**This file cannot be imported.**") and message in error
    assert not at.metric and not [b for b in at.button if b.label.startswith("Import ")]
    assert stored_sizes(sample_store) == before


def test_the_page_is_for_admins_only(sample_store: SqlStore) -> None:
    members = fresh(sample_store, "members").set_index("role")
    at = app(PAGE, AUTH, {"is_logged_in": True, "email": members.loc["staff", "email"].iloc[0]})
    assert not at.exception
    assert "does not allow you to change settings" in said(at)
    assert not at.get("file_uploader")


# --- a linked Google Form -----------------------------------------------------------------------


def response(candidate: str, takeaways: str, confidential: str = "No") -> list[str]:
    day = (date.today() - timedelta(days=1)).strftime("%m/%d/%Y")
    return [f"{day} 09:15:00", candidate, takeaways, confidential]


@pytest.fixture
def form_sheet(fake_google: FakeSheets) -> tuple[FakeSheets, SheetStore]:
    """The sample coalition in a Google Sheet, with a Form's responses tab holding one response."""
    key = fake_google.create_spreadsheet("Coalition")
    store = SheetStore(gspread.Client(auth=None, session=fake_google), key)  # type: ignore[arg-type]
    store.ensure_schema()
    sample.load_sample(store, date.today())
    fake_google.add_tab(key, TAB, [FORM_HEADER, response("Marcus Bell", "Asked for the study")])
    return fake_google, store


@pytest.fixture
def no_automatic_look(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the buttons bring responses in (the look app.py takes by itself is tested apart)."""
    monkeypatch.setattr(linked_form, "due", lambda identity, now=None: False)


def add_responses(fake: FakeSheets, store: SheetStore, *rows: list[str]) -> None:
    fake.set_values(store.key, TAB, f"A{len(fake.grid(store.key, TAB)) + 1}", list(rows))


def linked(store: SheetStore) -> str:
    store.clear_cache()
    return coalition.settings_of(store.read_all()).linked_form


def takeaways(store: SheetStore) -> list[str]:
    return fresh(store, "interactions")["takeaways"].tolist()


def link_form_through_the_page(at: AppTest) -> AppTest:
    at.radio(key="imp.source").set_value("A tab of the connected Google Sheet").run()
    at.selectbox(key="imp.tab").set_value(TAB).run()
    assert not at.exception
    assert at.radio(key="imp.kind").value == "reports"
    at = click(at, "Import 1 row")
    assert "Imported 1 row" in said(at)
    at = click(at, "Keep bringing in new responses from this tab")
    assert not at.exception and "Linked: new responses in “Form Responses 1” come in." in said(at)
    return at


def test_a_linked_form_brings_new_responses_in_once(
    form_sheet: tuple[FakeSheets, SheetStore], no_automatic_look: None
) -> None:
    fake, store = form_sheet
    at = app(PAGE, sheet_secrets(store.key))
    assert "No Form is linked" in said(at)
    at = link_form_through_the_page(at)
    assert "New responses in the tab **Form Responses 1** come in as reports by themselves" in said(
        at
    )
    assert "Linked by local admin on" in said(at)
    link = linked_form.read_link(coalition.Settings(linked_form=linked(store)))
    assert link is not None and link.tab == TAB and link.mapping["source"] == TAB

    add_responses(
        fake,
        store,
        response("Linda Kowalczyk", "Will co-sponsor right to counsel"),
        response("Tom Whitaker", "Wants a storefront fund"),
    )
    tab_before = fake.grid(store.key, TAB)
    at = click(at, "Import new responses now")
    assert not at.exception and "Brought in 2 new responses as reports." in said(at)
    stored = takeaways(store)
    for text in (
        "Asked for the study",
        "Will co-sponsor right to counsel",
        "Wants a storefront fund",
    ):
        assert stored.count(text) == 1
    at = click(at, "Import new responses now")
    assert "No new responses" in said(at)
    assert takeaways(store) == stored
    assert fake.grid(store.key, TAB) == tab_before, "the Form's tab is only read"

    add_responses(fake, store, response("Someone Unheard Of", "Who?"))
    at = click(at, "Import new responses now")
    assert "1 response in the Form's tab cannot be brought in yet" in said(at)
    assert "Row 5 left out: no candidate called “Someone Unheard Of” in the tracker" in said(at)
    assert "Who?" not in takeaways(store)

    at = click(at, "Unlink")
    assert "Unlinked" in said(at) and "No Form is linked" in said(at)
    assert linked(store) == ""


def test_a_form_linked_by_an_admin_since_made_a_viewer_brings_nothing_in(
    form_sheet: tuple[FakeSheets, SheetStore], no_automatic_look: None
) -> None:
    fake, store = form_sheet
    store.append(
        "members",
        [{"email": "second.admin@example.org", "name": "Sam", "role": "admin", "active": True}],
    )
    members = fresh(store, "members")
    linker = members[members["role"] == "admin"].iloc[0]["email"]
    as_linker = {"is_logged_in": True, "email": linker}
    at = link_form_through_the_page(app(PAGE, {**sheet_secrets(store.key), **AUTH}, as_linker))
    assert f"Linked by {linker}" in said(at)

    store.update("members", linker, {"role": "viewer"})
    add_responses(fake, store, response("Linda Kowalczyk", "Said yes to nurse staffing"))
    as_other = {"is_logged_in": True, "email": "second.admin@example.org"}
    at = click(
        app(PAGE, {**sheet_secrets(store.key), **AUTH}, as_other), "Import new responses now"
    )
    assert not at.exception
    assert f"The Form was linked by {linker}, who may no longer change settings" in said(at)
    assert "Said yes to nurse staffing" not in takeaways(store)


def test_new_responses_come_in_by_themselves_on_any_page(
    form_sheet: tuple[FakeSheets, SheetStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, store = form_sheet
    tables = store.read_all()
    plan = plan_import(store.read_source_tab(TAB), "reports", tables)
    value = linked_form.link_value(TAB, {**plan.mapping, "source": TAB}, "local admin", "")
    coalition.save_setting(store, linked_form.SETTING, value, "local admin", tables["settings"])
    monkeypatch.setattr(linked_form, "_LAST_LOOK", {})
    monkeypatch.setattr(linked_form, "CHECK_SECONDS", 0.0)

    at = app("pages/commitments.py", sheet_secrets(store.key))  # someone opens the app
    assert not at.exception
    assert takeaways(store).count("Asked for the study") == 1

    add_responses(
        fake, store, response("Tom Whitaker", "Tour on Friday"), response("Nobody", "?", "Yes")
    )
    at.switch_page("pages/overview.py").run()
    assert not at.exception
    assert "1 new response from the linked Google Form came in as reports." in said(at)
    [warning_link] = [link for link in at.sidebar.get("page_link") if link.proto.page == "import"]
    assert warning_link.proto.label == "The linked Form: 1 response to fix"
    at.run()
    stored = takeaways(store)
    assert stored.count("Tour on Friday") == 1 and stored.count("Asked for the study") == 1
    assert "?" not in stored


@pytest.mark.parametrize(
    "value",
    [
        "Form Responses 1",  # the JSON typed over in the sheet
        linked_form.link_value(TAB, {"kind": "reports", "columns": "Candidate"}, "local admin", ""),
    ],
    ids=["not JSON", "a mapping of another shape"],
)
def test_a_link_edited_by_hand_into_nonsense_never_breaks_a_page(
    form_sheet: tuple[FakeSheets, SheetStore], monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    _, store = form_sheet
    coalition.save_setting(store, linked_form.SETTING, value, "someone", store.read("settings"))
    monkeypatch.setattr(linked_form, "_LAST_LOOK", {})
    monkeypatch.setattr(linked_form, "CHECK_SECONDS", 0.0)
    before = takeaways(store)
    at = app("pages/overview.py", sheet_secrets(store.key))
    assert not at.exception
    [warning_link] = [link for link in at.sidebar.get("page_link") if link.proto.page == "import"]
    assert warning_link.proto.label == "The linked Form could not be read"
    at.switch_page(PAGE).run()
    assert not at.exception
    assert "Link the Form again" in said(at)
    at = click(at, "Unlink")
    assert linked(store) == "" and takeaways(store) == before
