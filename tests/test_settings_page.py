"""The Settings pages under AppTest: the coalition's lists and settings, connecting and moving to a
Google Sheet (on the Sheets fake), and backup and restore."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from openpyxl import Workbook
from streamlit.testing.v1 import AppTest

from lib import coalition, schema, transfer
from lib.store.sql import SqlStore
from tests.apptest import SERVICE_ACCOUNT, app, as_read, sheet_secrets
from tests.fake_sheets import FakeSheets

COALITION = "pages/settings.py"
LISTS = "pages/settings_lists.py"
DATA = "pages/settings_data.py"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def click(at: AppTest, label: str) -> AppTest:
    [button] = [button for button in at.button if button.label == label]
    return button.click().run()


def shown(at: AppTest, table: str) -> pd.DataFrame:
    return at.data_editor(key=f"settings.{table}.editor").value


def row_of(at: AppTest, table: str, name: str) -> int:
    names = shown(at, table)["name"].tolist()
    return names.index(name)


def edit(at: AppTest, table: str, edited: dict | None = None, added: list | None = None) -> AppTest:
    """Type into the list's table, as a person does in the browser."""
    at.session_state[f"settings.{table}.editor"] = {
        "edited_rows": edited or {},
        "added_rows": added or [],
        "deleted_rows": [],
    }
    return at.run()


def fresh(store: SqlStore, table: str) -> pd.DataFrame:
    store.clear_cache()
    return store.read(table)


def report_form(at: AppTest) -> tuple[AppTest, str]:
    """The report form with one commitment row open; returns the row's id."""
    at.switch_page("pages/report.py").run()
    click(at, "Add a commitment")
    return at, at.session_state["report.draft"]["commitments"][0]["id"]


def texts(elements) -> str:
    """What the elements say, as read on screen (Markdown escapes removed)."""
    return " ".join(as_read(element.value) for element in elements)


# --- the lists -----------------------------------------------------------------------------------


def test_issues_are_added_edited_and_archived_and_the_report_form_follows(
    sample_store: SqlStore,
) -> None:
    issues = fresh(sample_store, "issues")
    kept, archived = issues["name"].iloc[0], issues["name"].iloc[1]
    at = app(LISTS)
    edit(
        at,
        "issues",
        edited={
            row_of(at, "issues", kept): {"ask": "Fund 800 units by 2029"},
            row_of(at, "issues", archived): {"active": False},
        },
        added=[{"name": "Safe streets", "ask": "Protected bike lanes on Mill Street"}],
    )
    click(at, "Save the issues")
    assert not at.exception
    assert "Saved: added 1 issue, edited 1 issue, archived 1 issue." in texts(at.success)

    after = fresh(sample_store, "issues").set_index("name")
    assert len(after) == len(issues) + 1
    assert after.loc[kept, "ask"] == "Fund 800 units by 2029"
    assert not after.loc[archived, "active"]
    assert after.loc["Safe streets", "ask"] == "Protected bike lanes on Mill Street"
    assert after.loc["Safe streets", "id"].startswith("iss-")  # made by the store
    assert archived not in shown(at, "issues")["name"].tolist()  # archived ones are tucked away

    at, row = report_form(at)
    offered = at.selectbox(key=f"report.commitments.{row}.issue_id").options
    assert "Safe streets" in offered and kept in offered
    assert archived not in offered


def test_partners_are_added_with_suggested_and_own_strengths_edited_and_archived(
    sample_store: SqlStore,
) -> None:
    partners = fresh(sample_store, "partners")
    edited_name, archived = partners["name"].iloc[0], partners["name"].iloc[1]
    at = app(LISTS)
    edit(
        at,
        "partners",
        edited={
            row_of(at, "partners", edited_name): {"contact_email": "new.contact@example.org"},
            row_of(at, "partners", archived): {"active": False},
        },
        added=[
            {
                "name": "Riverton Cyclists",
                "kind": "volunteer group",
                "strengths": ["grassroots turnout", "bike couriers"],
                "tax_status": "501(c)(4)",
            }
        ],
    )
    click(at, "Save the partner organisations")
    assert not at.exception
    after = fresh(sample_store, "partners").set_index("name")
    assert after.loc[edited_name, "contact_email"] == "new.contact@example.org"
    assert not after.loc[archived, "active"]
    cyclists = after.loc["Riverton Cyclists"]
    assert cyclists["strengths"] == "grassroots turnout; bike couriers"
    assert (cyclists["tax_status"], cyclists["kind"]) == ("501(c)(4)", "volunteer group")

    at.switch_page("pages/report.py").run()
    offered = at.multiselect(key="report.partner_ids").options
    assert "Riverton Cyclists" in offered and archived not in offered


def test_candidates_are_added_and_edited_and_an_archived_one_keeps_their_commitments(
    sample_store: SqlStore,
) -> None:
    commitments = fresh(sample_store, "commitments")
    candidates = fresh(sample_store, "candidates").set_index("id")
    with_commitments = commitments["candidate_id"].value_counts().index[0]
    name = candidates.loc[with_commitments, "name"]
    theirs = commitments[commitments["candidate_id"] == with_commitments]
    other = candidates[candidates.index != with_commitments]["name"].iloc[0]

    at = app(LISTS)
    edit(
        at,
        "candidates",
        edited={
            row_of(at, "candidates", name): {"active": False},
            row_of(at, "candidates", other): {"status": "withdrawn", "party": "Independent"},
        },
        added=[
            {
                "name": "Ana Díaz",
                "office": "School Board",
                "district": "07",
                "election_date": "2027-05-04",
                "stage": "primary",
                "status": "running",
                "website": "https://example.org/diaz",
                "priorities": ["education", "school meals"],
            }
        ],
    )
    click(at, "Save the candidates")
    assert not at.exception
    after = fresh(sample_store, "candidates").set_index("name")
    assert not after.loc[name, "active"]
    assert (after.loc[other, "status"], after.loc[other, "party"]) == ("withdrawn", "Independent")
    ana = after.loc["Ana Díaz"]
    assert (ana["district"], ana["election_date"], ana["stage"]) == ("07", "2027-05-04", "primary")
    assert ana["priorities"] == "education; school meals"

    # Archived, not deleted: their commitments are all still there and still listed.
    assert set(theirs["id"]) <= set(fresh(sample_store, "commitments")["id"])
    at.switch_page("pages/commitments.py")
    at.query_params["candidate"] = with_commitments
    at.run()
    listed = at.dataframe[0].value
    assert sorted(listed["Id"]) == sorted(theirs["id"])
    assert set(listed["Candidate"]) == {name}

    at.switch_page("pages/report.py").run()
    offered = at.selectbox(key="report.candidate").options
    assert not any(option.startswith(name) for option in offered)
    assert any(option.startswith("Ana Díaz") for option in offered)


def test_a_blank_name_or_overlong_text_is_explained_and_nothing_typed_is_lost(
    sample_store: SqlStore,
) -> None:
    before = fresh(sample_store, "issues")
    first = before["name"].iloc[0]
    at = app(LISTS)
    typed = {
        "edited_rows": {row_of(at, "issues", first): {"name": ""}},
        "added_rows": [{"ask": "An ask without an issue", "description": "x" * 50_001}],
        "deleted_rows": [],
    }
    edit(at, "issues", typed["edited_rows"], typed["added_rows"])
    click(at, "Save the issues")
    assert not at.exception
    message = texts(at.error)
    assert "Not saved yet" in message
    assert f"{first}, Name: Every issue needs a name." in message
    assert "New row 1, Name: Every issue needs a name." in message
    assert "New row 1, Description: Description is 50,001 characters long" in message
    assert fresh(sample_store, "issues").equals(before)
    assert at.session_state["settings.issues.editor"]["added_rows"] == typed["added_rows"]
    assert at.session_state["settings.issues.editor"]["edited_rows"] == typed["edited_rows"]

    edit(at, "issues", {}, [{"name": "Clean air", "ask": "An ask without an issue"}])
    assert "Not saved yet" not in texts(at.error)  # the message follows the corrections
    click(at, "Save the issues")
    assert "Saved: added 1 issue." in texts(at.success)
    assert "Clean air" in set(fresh(sample_store, "issues")["name"])


def test_a_change_someone_else_made_meanwhile_is_reported_not_overwritten(
    sample_store: SqlStore,
) -> None:
    issue = fresh(sample_store, "issues").iloc[0]
    at = app(LISTS)
    edit(at, "issues", {row_of(at, "issues", issue["name"]): {"ask": "My ask"}})
    sample_store.update("issues", issue["id"], {"ask": "Their ask"})  # another advocate
    click(at, "Save the issues")
    assert not at.exception
    assert "Someone else changed this issue" in texts(at.error)
    assert fresh(sample_store, "issues").set_index("id").loc[issue["id"], "ask"] == "Their ask"
    [unsaved] = [frame.value for frame in at.dataframe if "Your value" in frame.value.columns]
    assert unsaved.to_dict("records") == [
        {"Entry": issue["name"], "Field": "Ask", "Your value": "My ask"}
    ]
    # The table now shows their version, to review and edit again.
    now = shown(at, "issues").set_index("id")
    assert now.loc[issue["id"], "ask"] == "Their ask"


def test_edits_in_progress_survive_someone_else_adding_to_the_list(
    sample_store: SqlStore,
) -> None:
    partner = fresh(sample_store, "partners").iloc[0]
    at = app(LISTS)
    edit(at, "partners", {row_of(at, "partners", partner["name"]): {"kind": "coalition hub"}})
    sample_store.append("partners", [{"name": "Newcomers", "strengths": "bike couriers"}])
    sample_store.clear_cache()
    at.run()  # the page is redrawn with the other person's partner in the store
    assert at.session_state["settings.partners.editor"]["edited_rows"]
    click(at, "Save the partner organisations")
    assert "Saved: edited 1 partner organisation." in texts(at.success)
    after = fresh(sample_store, "partners").set_index("name")
    assert after.loc[partner["name"], "kind"] == "coalition hub"
    assert "Newcomers" in shown(at, "partners")["name"].tolist()  # now shown, after the save


def test_an_archived_entry_comes_back_by_ticking_active(sample_store: SqlStore) -> None:
    partner = fresh(sample_store, "partners").iloc[0]
    sample_store.update("partners", partner["id"], {"active": False})
    at = app(LISTS)
    assert partner["name"] not in shown(at, "partners")["name"].tolist()
    at.toggle(key="settings.partners.archived").set_value(True).run()
    edit(at, "partners", {row_of(at, "partners", partner["name"]): {"active": True}})
    click(at, "Save the partner organisations")
    assert "Saved: restored 1 partner organisation." in texts(at.success)
    assert fresh(sample_store, "partners").set_index("id").loc[partner["id"], "active"]


def test_discarding_puts_the_list_back_as_stored(sample_store: SqlStore) -> None:
    before = fresh(sample_store, "candidates")
    at = app(LISTS)
    name = before["name"].iloc[0]
    edit(at, "candidates", {row_of(at, "candidates", name): {"party": "Whig"}}, [{"name": "X"}])
    assert at.toggle(key="settings.candidates.archived").disabled  # save or discard first
    click(at, "Discard my changes")
    assert not at.exception
    assert not [button for button in at.button if button.label == "Discard my changes"]
    assert fresh(sample_store, "candidates").equals(before)
    assert shown(at, "candidates")["name"].tolist().count("X") == 0


def test_a_google_outage_keeps_the_edits_and_saving_again_stores_them_once(
    fake_google: FakeSheets,
) -> None:
    key = fake_google.create_spreadsheet("Coalition")
    at = app(DATA, sheet_secrets(key))
    click(at, "Create the missing tabs and columns")
    at.switch_page("pages/overview.py").run()
    click(at, "Load the sample coalition")
    at.switch_page(LISTS).run()
    first = shown(at, "issues")["name"].iloc[0]
    typed = {row_of(at, "issues", first): {"ask": "A bolder ask"}}
    edit(at, "issues", typed, [{"name": "Transit"}])
    fake_google.fail(status=503, times=None)
    click(at, "Save the issues")
    assert not at.exception
    assert "Nothing was saved" in texts(at.error)
    assert at.session_state["settings.issues.editor"]["edited_rows"] == typed
    fake_google.heal()
    click(at, "Save the issues")
    assert "Saved: added 1 issue, edited 1 issue." in texts(at.success)
    rows = fake_google.grid(key, "issues")
    assert [row[1] for row in rows].count("Transit") == 1
    assert [row[2] for row in rows if row[1] == first] == ["A bolder ask"]


# --- the coalition's own settings ----------------------------------------------------------------


def test_the_coalitions_settings_are_saved_and_a_501c3_is_told_it_stays_nonpartisan(
    empty_store: SqlStore,
) -> None:
    at = app(COALITION)
    assert "switched off" not in texts(at.info)
    at.text_input(key="settings.coalition.name").input("Riverton Housing Coalition")
    at.selectbox(key="settings.coalition.tax_status").set_value("501(c)(3)")
    at.date_input(key="settings.coalition.last_meeting").set_value(date(2026, 11, 9))
    at.run()
    assert "keeps features that rank or endorse candidates switched off" in texts(at.info)
    click(at, "Save the coalition's settings")
    assert not at.exception
    assert "Saved the coalition's settings." in texts(at.success)
    empty_store.clear_cache()
    assert coalition.settings_of(empty_store.read_all()) == coalition.Settings(
        "Riverton Housing Coalition", "501(c)(3)", "2026-11-09"
    )
    # A new visit shows what is stored.
    st.cache_resource.clear()
    again = app(COALITION)
    assert again.text_input(key="settings.coalition.name").value == "Riverton Housing Coalition"
    assert again.selectbox(key="settings.coalition.tax_status").value == "501(c)(3)"


def test_a_setting_changed_meanwhile_is_reported_and_the_form_keeps_mine(
    empty_store: SqlStore,
) -> None:
    coalition.save_setting(
        empty_store, "coalition_name", "Old name", "x", empty_store.read("settings")
    )
    at = app(COALITION)
    at.text_input(key="settings.coalition.name").input("My name").run()
    empty_store.clear_cache()
    coalition.save_setting(  # someone else, meanwhile
        empty_store, "coalition_name", "Their name", "y", empty_store.read("settings")
    )
    click(at, "Save the coalition's settings")
    assert "Someone else changed" in texts(at.error) and "Their name" in texts(at.error)
    assert at.text_input(key="settings.coalition.name").value == "My name"
    empty_store.clear_cache()
    assert coalition.settings_of(empty_store.read_all()).coalition_name == "Their name"
    click(at, "Save the coalition's settings")  # after review, mine on purpose
    empty_store.clear_cache()
    assert coalition.settings_of(empty_store.read_all()).coalition_name == "My name"


def scorecard_on_candidates_page() -> pd.DataFrame | None:
    at = app("pages/candidates.py")
    assert not at.exception
    if "Scorecard" not in [header.value for header in at.subheader]:
        return None
    return at.dataframe[0].value


def test_a_scorecard_is_shown_only_to_a_coalition_that_may_endorse_and_turns_it_on(
    sample_store: SqlStore,
) -> None:
    assert scorecard_on_candidates_page() is None  # off until someone turns it on
    at = app(COALITION)
    assert at.checkbox(key="settings.coalition.scorecard").disabled  # no tax status yet
    at.selectbox(key="settings.coalition.tax_status").set_value("501(c)(4)").run()
    at.checkbox(key="settings.coalition.scorecard").check()
    click(at, "Save the coalition's settings")
    assert "Saved the coalition's settings." in texts(at.success)

    card = scorecard_on_candidates_page()
    assert card is not None
    assert set(card["Candidate"]) == set(sample_store.read("candidates")["name"])
    ranked = card["Agreement"].dropna().tolist()
    assert ranked == sorted(ranked, reverse=True)

    # A 501(c)(3) may not rank candidates, even when the sheet still says "yes".
    sample_store.clear_cache()
    coalition.save_setting(
        sample_store, "tax_status", "501(c)(3)", "dana", sample_store.read("settings")
    )
    sample_store.clear_cache()
    assert coalition.settings_of(sample_store.read_all()).scorecard == "yes"
    assert scorecard_on_candidates_page() is None
    assert app(COALITION).checkbox(key="settings.coalition.scorecard").disabled


# --- connecting the Google Sheet -----------------------------------------------------------------


def credentials_only() -> dict:
    """secrets.toml with the service account but no spreadsheet yet (the app runs locally)."""
    secrets = sheet_secrets("unused")
    del secrets["connections"]["gsheets"]["spreadsheet"]
    return secrets


def connect(at: AppTest, url: str) -> AppTest:
    """Paste the sheet's address and click Test connection."""
    at.text_input(key="settings.sheet.url").input(url)
    return click(at, "Test connection")


def test_the_page_names_the_email_to_share_the_sheet_with(
    fake_google: FakeSheets, empty_store: SqlStore
) -> None:
    at = app(DATA, credentials_only())
    assert SERVICE_ACCOUNT in [code.value for code in at.code]


def test_a_new_sheet_connects_and_gets_its_tabs(
    fake_google: FakeSheets, empty_store: SqlStore
) -> None:
    key = fake_google.create_spreadsheet("Riverton Coalition 2027")
    at = connect(app(DATA, credentials_only()), fake_google.url(key))
    assert not at.exception
    assert "Connected to the Google Sheet “Riverton Coalition 2027”" in texts(at.success)
    assert "none of the app's tabs yet" in texts(at.success)
    click(at, "Create the tabs")
    assert set(fake_google.tabs(key)) >= set(schema.TABLES)
    assert "every tab and column the app needs" in texts(at.success)
    assert not [button for button in at.button if button.label == "Create the tabs"]
    snippet = [code.value for code in at.code if "[connections.gsheets]" in code.value]
    assert snippet == [f'[connections.gsheets]\nspreadsheet = "{fake_google.url(key)}"']


@pytest.mark.parametrize("case", ["not shared", "no such sheet", "credentials missing"])
def test_a_failed_connection_says_why_in_plain_words(
    fake_google: FakeSheets, empty_store: SqlStore, case: str
) -> None:
    key = fake_google.create_spreadsheet("Private")
    secrets, url = credentials_only(), fake_google.url(key)
    if case == "not shared":
        fake_google.share(key, False)
        expected = f"The sheet is not shared with {SERVICE_ACCOUNT}"
    elif case == "no such sheet":
        url = fake_google.url("AKeyNobodyMade")
        expected = "There is no Google Sheet at that address"
    else:
        del secrets["connections"]["gsheets"]["private_key"]
        expected = "connections.gsheets.private_key is missing"
    at = connect(app(DATA, secrets), url)
    assert not at.exception
    assert expected in texts(at.error)
    assert not at.success or "Connected" not in texts(at.success)
    assert not [button for button in at.button if button.label == "Create the tabs"]


def test_with_only_the_service_account_configured_the_page_still_connects_a_sheet(
    fake_google: FakeSheets,
) -> None:
    key = fake_google.create_spreadsheet("Riverton Coalition 2027")
    at = app(DATA, credentials_only())
    assert not at.exception
    assert not at.error  # the app stays on its own database until the sheet is named
    assert SERVICE_ACCOUNT in [code.value for code in at.code]
    connect(at, fake_google.url(key))
    assert "Connected to the Google Sheet “Riverton Coalition 2027”" in texts(at.success)
    click(at, "Create the tabs")
    assert set(fake_google.tabs(key)) >= set(schema.TABLES)
    snippet = [code.value for code in at.code if "[connections.gsheets]" in code.value]
    assert snippet == [f'[connections.gsheets]\nspreadsheet = "{fake_google.url(key)}"']


def test_copying_the_local_database_into_the_sheet_twice_gives_one_copy_of_every_row(
    fake_google: FakeSheets, sample_store: SqlStore
) -> None:
    sample_store.append(
        "audit", [{"at": "2026-11-20T10:00:00+00:00", "by": "jo", "action": "edited"}]
    )
    # The sample has no tax status, so no endorsement tables: those are neither listed nor copied.
    local = transfer.record_counts(sample_store.read_all())
    key = fake_google.create_spreadsheet("Coalition")
    at = connect(app(DATA, credentials_only()), fake_google.url(key))
    click(at, "Create the tabs")
    preview = [frame.value for frame in at.dataframe if "To copy" in frame.value.columns][0]
    assert dict(zip(preview["Table"], preview["To copy"], strict=True)) == local
    click(at, f"Copy {sum(local.values()):,} records into the sheet")
    assert not at.exception
    assert f"Copied {sum(local.values()):,} records." in texts(at.success)
    assert "Checked: every row is in the sheet" in texts(at.success)
    assert "there is nothing to copy" in texts(at.info)

    # Another session copies again, after one more issue was added locally.
    sample_store.append("issues", [{"name": "Late addition"}])
    local["issues"] += 1
    st.cache_resource.clear()
    again = connect(app(DATA, credentials_only()), fake_google.url(key))
    click(again, "Copy 1 record into the sheet")
    assert "Copied 1 record." in texts(again.success)
    for name, count in local.items():
        grid = fake_google.grid(key, name)
        assert len(grid) - 1 == count, name
        if schema.table(name).key == "id":
            ids = [row[0] for row in grid[1:]]
            assert len(set(ids)) == len(ids), name


def test_a_coalition_on_a_google_sheet_moves_into_a_sql_database(
    fake_google: FakeSheets, tmp_path: Path
) -> None:
    key = fake_google.create_spreadsheet("Coalition")
    at = app(DATA, sheet_secrets(key))
    click(at, "Create the missing tabs and columns")
    at.switch_page("pages/overview.py").run()
    click(at, "Load the sample coalition")
    at.switch_page(DATA).run()
    on_sheet = {name: len(fake_google.grid(key, name)) - 1 for name in schema.TABLES}
    url = f"sqlite:///{tmp_path / 'moved.db'}"
    at.text_input(key="settings.sql.url").input(url)
    click(at, "Connect the database")
    assert "Connected to Local database" in texts(at.success)
    click(at, f"Copy {sum(on_sheet.values()):,} records into the database")
    assert not at.exception
    assert "Checked: every row is in the database" in texts(at.success)
    moved = SqlStore(url)
    assert {name: len(frame) for name, frame in moved.read_all().items()} == on_sheet
    assert [code.value for code in at.code if "[connections.sql]" in code.value] == [
        f'[connections.sql]\nurl = "{url}"'
    ]


# --- backup and restore --------------------------------------------------------------------------


def as_text(store: SqlStore) -> dict[str, list[dict[str, str]]]:
    store.clear_cache()
    tables = store.read_all()
    return {
        name: sorted(
            transfer.text_frame(name, tables[name]).to_dict("records"),
            key=lambda row: tuple(row.values()),
        )
        for name in transfer.COPY_ORDER
    }


def another_empty_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SqlStore:
    url = f"sqlite:///{tmp_path / 'restored.db'}"
    monkeypatch.setenv("TRACKER_DATABASE_URL", url)
    st.cache_resource.clear()
    store = SqlStore(url)
    store.ensure_schema()
    return store


def upload(at: AppTest, data: bytes) -> AppTest:
    at.file_uploader[0].set_value(("coalition-backup.xlsx", data, XLSX))
    return at.run()


def test_backup_then_restore_into_an_empty_store_round_trips_every_table(
    sample_store: SqlStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = app(COALITION)
    at.text_input(key="settings.coalition.name").input("=1+1 Coalition")
    click(at, "Save the coalition's settings")
    at.switch_page(LISTS).run()
    edit(at, "issues", added=[{"name": "Zip codes", "ask": "0123"}])
    click(at, "Save the issues")  # adds an audit row too
    at.switch_page(DATA).run()
    assert [button.label for button in at.download_button] == ["Download the backup"]
    backup = transfer.backup_bytes(sample_store.read_all())  # what the button downloads

    restored = another_empty_store(tmp_path, monkeypatch)
    at = upload(app(DATA), backup)
    total = sum(len(frame) for frame in sample_store.read_all().values())
    click(at, f"Restore {total:,} records")
    assert not at.exception
    assert f"Restored {total:,} records." in texts(at.success)
    assert "every row of the backup is here" in texts(at.success)
    assert as_text(restored) == as_text(sample_store)
    assert coalition.settings_of(restored.read_all()).coalition_name == "=1+1 Coalition"


def test_restoring_into_a_store_that_holds_data_is_refused(sample_store: SqlStore) -> None:
    before = as_text(sample_store)
    at = upload(app(DATA), transfer.backup_bytes(sample_store.read_all()))
    assert "This data source is not empty" in texts(at.error)
    assert not [button for button in at.button if button.label.startswith("Restore")]
    assert as_text(sample_store) == before


def test_a_workbook_missing_tabs_and_columns_is_refused_naming_them(
    empty_store: SqlStore,
) -> None:
    workbook = Workbook()
    workbook.active.title = "candidates"
    workbook.active.append(["id", "name"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    at = upload(app(DATA), buffer.getvalue())
    message = texts(at.error)
    assert "cannot be restored" in message
    assert "no sheet for settings, partners, issues" in message
    assert "candidates (no office, district" in message
    assert all(frame.empty for frame in empty_store.read_all().values())


def test_edits_left_on_another_page_are_offered_back_and_saved_once(
    sample_store: SqlStore,
) -> None:
    issues = fresh(sample_store, "issues")
    kept = issues["name"].iloc[0]
    at = app(LISTS)
    edit(
        at,
        "issues",
        edited={row_of(at, "issues", kept): {"ask": "Fund 900 units"}},
        added=[{"name": "Safe streets", "ask": "Bike lanes"}],
    )
    at.switch_page("pages/overview.py").run()
    at.run()  # a second run there: Streamlit has forgotten the list's unsaved edits by now
    at.switch_page(LISTS).run()
    assert not at.exception
    assert "You left unsaved changes to the issues" in texts(at.warning)
    left = [frame.value for frame in at.dataframe if "Your value" in frame.value.columns]
    assert {"Fund 900 units", "Safe streets", "Bike lanes"} <= set(left[0]["Your value"])
    assert at.data_editor(key="settings.issues.editor").proto.disabled  # nothing typed over them
    click(at, "Save them now")
    assert not at.exception
    assert "added 1 issue, edited 1 issue" in texts(at.success)
    after = fresh(sample_store, "issues").set_index("name")
    assert after.loc[kept, "ask"] == "Fund 900 units"
    assert after.loc["Safe streets", "ask"] == "Bike lanes"
    at.run()
    assert "You left unsaved changes" not in texts(at.warning)
    assert len(fresh(sample_store, "issues")) == len(issues) + 1  # saved once


def test_edits_left_on_another_page_can_be_discarded(sample_store: SqlStore) -> None:
    issues = fresh(sample_store, "issues")
    at = app(LISTS)
    edit(at, "issues", added=[{"name": "Safe streets", "ask": "Bike lanes"}])
    at.switch_page("pages/overview.py").run()
    at.run()
    at.switch_page(LISTS).run()
    click(at, "Discard them")
    assert "You left unsaved changes" not in texts(at.warning)
    assert not at.data_editor(key="settings.issues.editor").proto.disabled
    assert len(fresh(sample_store, "issues")) == len(issues)
