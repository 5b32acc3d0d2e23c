"""Every page, run through Streamlit's AppTest on a real SQLite database and on the Sheets fake."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from lib import sample, schema
from lib.store.sql import SqlStore
from tests.apptest import PAGES, app, as_read, metrics, sheet_secrets
from tests.fake_sheets import FakeSheets


def sample_counts() -> dict[str, int]:
    return {name: len(frame) for name, frame in sample.sample_tables(date.today()).items()}


def test_an_empty_store_offers_the_sample_and_loading_it_fills_every_page(
    empty_store: SqlStore,
) -> None:
    at = app()
    assert [button.label for button in at.button] == ["Load the sample coalition", "Start empty"]
    at.button[0].click().run()
    assert not at.exception
    loaded = sample.sample_tables(date.today())
    shown = metrics(at)
    assert shown["Candidates engaged"] == str(loaded["interactions"]["candidate_id"].nunique())
    open_statuses = loaded["commitments"]["status"].isin(schema.OPEN_STATUSES)
    assert shown["Open commitments"] == str(int(open_statuses.sum()))
    assert len(empty_store.read("commitments")) == len(loaded["commitments"])


def test_start_empty_shows_the_empty_coalition(empty_store: SqlStore) -> None:
    at = app()
    at.button[1].click().run()
    assert not at.exception
    assert metrics(at)["Candidates engaged"] == "0"
    assert not [button for button in at.button if button.label == "Load the sample coalition"]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_an_empty_and_a_full_store(empty_store: SqlStore, page: str) -> None:
    assert not app(page).exception
    sample.load_sample(empty_store, date.today())
    at = app(page)
    assert not at.exception
    assert at.title[0].value
    assert any("Local database" in caption.value for caption in at.sidebar.caption)


def test_settings_lists_what_could_not_be_read(sample_store: SqlStore) -> None:
    with sample_store.engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE commitments SET status = 'maybe later' WHERE id = "
            "(SELECT id FROM commitments LIMIT 1)"
        )
    sample_store.clear_cache()
    at = app("pages/settings_data.py")
    assert not at.exception
    assert "could not be read" in at.warning[0].value
    problems = at.dataframe[1].value
    assert problems["Value"].tolist() == ["maybe later"]
    links = [element.proto.label for element in at.sidebar.get("page_link")]
    assert links == ["1 problem in the data"]
    # The other settings pages leave it to that page, where the sidebar's link leads.
    for page in ("pages/settings.py", "pages/settings_lists.py", "pages/settings_members.py"):
        other = app(page)
        assert not [warning for warning in other.warning if "could not be read" in warning.value]
        [link] = other.sidebar.get("page_link")
        assert link.proto.page == "data"


def test_a_database_url_that_cannot_work_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_DATABASE_URL", "not a url")
    at = app()
    assert not at.exception
    assert "TRACKER_DATABASE_URL" in as_read(at.error[0].value)
    assert any("not connected" in as_read(caption.value) for caption in at.sidebar.caption)


def test_the_app_runs_on_a_google_sheet_and_names_it(fake_google: FakeSheets) -> None:
    key = fake_google.create_spreadsheet("Riverton Coalition 2027")
    at = app("pages/settings_data.py", sheet_secrets(key))
    assert not at.exception
    assert any(
        "Google Sheet: Riverton Coalition 2027" in as_read(caption.value)
        for caption in at.sidebar.caption
    )
    assert "could not be read" in at.warning[0].value  # every tab is missing
    at.button[0].click().run()  # "Create the missing tabs and columns"
    assert not at.exception
    assert at.success[0].value.startswith("Everything in the data source reads as expected")
    assert set(fake_google.tabs(key)) >= set(schema.TABLES)


def test_a_sheet_that_is_not_shared_names_the_email_to_share_it_with(
    fake_google: FakeSheets,
) -> None:
    key = fake_google.create_spreadsheet("Private sheet")
    fake_google.share(key, False)
    at = app(secrets=sheet_secrets(key))
    assert not at.exception
    assert "tracker@coalition.iam.gserviceaccount.com" in as_read(at.error[0].value)


def test_missing_service_account_secret_names_the_key(fake_google: FakeSheets) -> None:
    secrets = sheet_secrets("abc")
    del secrets["connections"]["gsheets"]["private_key"]
    at = app(secrets=secrets)
    assert not at.exception
    assert "connections.gsheets.private_key" in as_read(at.error[0].value)


def test_loading_the_sample_into_a_sheet_twice_duplicates_nothing(fake_google: FakeSheets) -> None:
    key = fake_google.create_spreadsheet("Coalition")
    at = app("pages/settings_data.py", sheet_secrets(key))
    at.button[0].click().run()
    at.switch_page("pages/overview.py").run()
    at.button[0].click().run()  # Load the sample coalition
    assert not at.exception
    counts = sample_counts()
    kept = (sample.sample_tables(date.today())["commitments"]["status"] == "kept").sum()
    assert metrics(at)["Promises kept"] == str(kept)
    grid = pd.DataFrame(fake_google.grid(key, "commitments")[1:])
    assert len(grid) == counts["commitments"]
