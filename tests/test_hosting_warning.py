"""A hosted app on its embedded SQLite database says, on every page, that what is recorded will be
lost, and leads to Settings → Data and sheet; on a person's own machine, or with a real data
source, nothing is said (AppTest, with the host simulated as tests/hosts.py does)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import lib.store as store_module
from lib import hosting, sample
from lib.store.sql import SqlStore
from tests.apptest import PAGES, app, as_read, sheet_secrets
from tests.fake_sheets import FakeSheets
from tests.hosts import CONTAINER_MOUNTS, simulate, volume_at
from tests.test_report_page import click, fill_full_report, first_ids, sheet_with_sample
from tests.test_roles import as_member, member_with

LOST = "Data kept here will be lost"


def loss_warnings(block: object) -> list[str]:
    return [as_read(w.value) for w in block.warning if LOST in as_read(w.value)]  # type: ignore[attr-defined]


def links_to_settings_data(block: object) -> list[str]:
    return [link.proto.label for link in block.get("page_link") if link.proto.page == "data"]  # type: ignore[attr-defined]


def assert_warned(at: AppTest, where: str) -> None:
    assert not at.exception
    [sidebar] = loss_warnings(at.sidebar)
    assert where in sidebar
    assert links_to_settings_data(at.sidebar) == [
        "Settings → Data and sheet: connect a Google Sheet or PostgreSQL"
    ]
    [main] = loss_warnings(at.main)
    assert main == sidebar
    assert links_to_settings_data(at.main)


def assert_quiet(at: AppTest) -> None:
    assert not at.exception
    assert not loss_warnings(at.sidebar)
    assert not loss_warnings(at.main)
    assert not links_to_settings_data(at.main)


@pytest.fixture
def embedded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing configured: the app opens its embedded SQLite database (this test's own file)."""
    monkeypatch.delenv("TRACKER_DATABASE_URL", raising=False)


def test_on_community_cloud_every_page_warns_and_the_overview_too(
    embedded: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    simulate(monkeypatch, hostname="streamlit")
    at = app()
    assert_warned(at, "**Data kept here will be lost at the next restart.**")
    # The welcome screen still offers the sample: the warning comes before it.
    assert "Load the sample coalition" in [button.label for button in at.button]
    for page in PAGES[1:]:
        other = app(page)
        assert not other.exception
        assert len(loss_warnings(other.sidebar)) == 1, page


def test_community_cloud_is_also_recognised_by_where_the_app_is(
    embedded: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    simulate(monkeypatch, app_root="/mount/src/coalition-tracker")
    assert_warned(app(), "**Data kept here will be lost at the next restart.**")


def test_in_a_container_without_a_volume_the_app_warns(
    embedded: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    simulate(
        monkeypatch, hostname="3f2a9c1b7d0e", markers=["/.dockerenv"], mountinfo=CONTAINER_MOUNTS
    )
    assert_warned(app(), "**Data kept here will be lost when this container is replaced.**")


def test_in_a_container_with_a_volume_on_the_data_folder_nothing_is_said(
    embedded: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    simulate(
        monkeypatch,
        hostname="3f2a9c1b7d0e",
        markers=["/.dockerenv"],
        mountinfo=CONTAINER_MOUNTS + volume_at(tmp_path),
    )
    assert_quiet(app())


def test_on_a_developers_machine_nothing_is_said(embedded: None) -> None:
    assert hosting.detected().kind is hosting.Kind.OWN_MACHINE
    assert_quiet(app())


def test_with_a_google_sheet_nothing_is_said_on_community_cloud(
    fake_google: FakeSheets, monkeypatch: pytest.MonkeyPatch
) -> None:
    simulate(monkeypatch, hostname="streamlit")
    key = fake_google.create_spreadsheet("Riverton Coalition")
    at = app("pages/settings_data.py", sheet_secrets(key))
    click(at, "Create the missing tabs and columns")
    assert_quiet(at.switch_page("pages/overview.py").run())


@pytest.mark.postgres
def test_with_postgresql_nothing_is_said_on_community_cloud(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    simulate(monkeypatch, hostname="streamlit")
    monkeypatch.setenv("TRACKER_DATABASE_URL", postgres_url)
    at = app()
    assert "PostgreSQL" in " ".join(as_read(caption.value) for caption in at.sidebar.caption)
    assert_quiet(at)


def test_changes_waiting_to_sync_on_community_cloud_say_they_would_not_survive_a_restart(
    fake_google: FakeSheets, monkeypatch: pytest.MonkeyPatch
) -> None:
    key, at = sheet_with_sample(fake_google)
    simulate(monkeypatch, hostname="streamlit")
    fill_full_report(at, *first_ids(fake_google, key))
    fake_google.fail(status=503, times=None)
    click(at, "Save the report")
    assert not at.exception
    [waiting] = [as_read(w.value) for w in at.sidebar.warning if "waiting to sync" in w.value]
    assert "lost if the app restarts before it is sent" in waiting
    assert any("lost if the app restarts" in as_read(c.value) for c in at.main.caption)
    # The sheet itself is kept by Google: no warning about the data.
    assert not loss_warnings(at.sidebar)


def test_a_member_who_may_not_change_settings_is_warned_and_told_whom_to_ask(
    embedded: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = SqlStore(store_module.DEFAULT_DATABASE_URL)  # the embedded default, this test's own
    own.ensure_schema()
    sample.load_sample(own, date.today())
    simulate(monkeypatch, hostname="streamlit")
    at = as_member(None, member_with(own, "viewer")["email"])
    assert not at.exception
    assert len(loss_warnings(at.sidebar)) == 1
    assert not links_to_settings_data(at.sidebar)
    assert "Tell your coalition's admin" in " ".join(c.value for c in at.sidebar.caption)
