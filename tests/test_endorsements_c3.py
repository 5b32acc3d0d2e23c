"""No trace of endorsements for a coalition that may not make them: a 501(c)(3), or one that has
not said its tax status. No page, link, export or count names them, and rows typed by hand into
the endorsement tabs change nothing anywhere."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

import pytest
import sqlalchemy as sa
import streamlit as st
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from lib import coalition, schema, transfer
from lib.store.sql import PROJECT_ROOT, SqlStore
from tests.apptest import PAGES, app, as_read, sheet_secrets
from tests.conftest import sheet_store
from tests.fake_sheets import FakeSheets
from tests.test_roles import everything_shown

EVERY_PAGE = (*PAGES, "pages/questionnaires.py", "pages/mine.py")
ENDORSEMENT_TABLES = [name for name, spec in schema.TABLES.items() if spec.capability]
MARK = "Handtyped"
# What only the endorsement feature says (the sample's own notes speak of "endorsement
# interviews" and a "ballot" measure, in lower case), and the text typed into its tabs.
TRACES = re.compile(
    r"Endorse|Ballot|My ballot|Capacity note|Fair process|We are engaging|Not this cycle|" + MARK
)


def hand_type(store: SqlStore, table: str, rows: Sequence[dict[str, str]]) -> None:
    """Rows as someone types them into the sheet: straight in, unchecked."""
    target = sa.Table(table, sa.MetaData(), autoload_with=store.engine)
    with store.engine.begin() as connection:
        for row in rows:
            connection.execute(sa.insert(target).values(row))
    store.clear_cache()


def type_endorsement_rows(store: SqlStore) -> None:
    council = store.read("candidates").iloc[0]
    race = {
        "id": "race-typed",
        "office": council["office"],
        "district": council["district"],
        "election_date": council["election_date"],
        "stage": "soon",  # unreadable: a problem, for a coalition that had the feature
        "decision": "engaging",
        "capacity_note": f"{MARK} capacity",
    }
    hand_type(store, "races", [race])
    hand_type(
        store,
        "endorsement_steps",
        [
            {
                "id": "step-typed",
                "race_id": "race-typed",
                "step": "vote",
                "due": "2020-01-01",
                "title": f"{MARK} vote",
            }
        ],
    )
    hand_type(
        store,
        "offers",
        [
            {
                "id": "ofr-typed",
                "race_id": "race-typed",
                "candidate_id": council["id"],
                "offer": "qa_session",
                "offered_on": "2026-10-02",
                "notes": f"{MARK} offer",
            }
        ],
    )
    # A blank visibility would be a confidentiality problem in any other table.
    hand_type(
        store,
        "research",
        [
            {
                "id": "rsc-typed",
                "candidate_id": council["id"],
                "topic": "polling",
                "value": f"{MARK} 31%",
                "visibility": "",
            }
        ],
    )
    hand_type(
        store,
        "votes",
        [
            {
                "id": "vote-typed",
                "race_id": "race-typed",
                "candidate_ids": council["id"],
                "status": "closed",
                "outcome": "endorsed",
                "winner": council["id"],
            }
        ],
    )
    hand_type(
        store, "ballots", [{"id": "blt-typed", "vote_id": "vote-typed", "choice": council["id"]}]
    )
    hand_type(store, "voters", [{"id": "vtr-typed", "vote_id": "vote-typed", "voter": MARK}])


@pytest.fixture(params=["501(c)(3)", ""], ids=["501c3", "no tax status"])
def not_endorsing(request: pytest.FixtureRequest, sample_store: SqlStore) -> SqlStore:
    if request.param:
        coalition.save_setting(
            sample_store, "tax_status", request.param, "dana", sample_store.read("settings")
        )
    return sample_store


@pytest.fixture
def navigation(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The url paths app.py gives st.navigation on each run."""
    shown: list[list[str]] = []
    original = st.navigation

    def recorded(pages: Sequence, **options: object) -> object:
        shown.append([page.url_path for page in pages])
        return original(pages, **options)

    monkeypatch.setattr(st, "navigation", recorded)
    return shown


def all_said(at: AppTest) -> str:
    """Everything a person could read on the page, sidebar, labels and choices included."""
    parts = [everything_shown(at)]
    for kind in ("button", "download_button", "tab", "expander", "checkbox", "toggle", "radio"):
        parts += [str(element.label) for element in at.get(kind)]
    for kind in ("selectbox", "multiselect", "radio"):
        for element in at.get(kind):
            parts += [str(element.label), *map(str, element.options)]
    parts += [str(element.proto.label) for element in at.get("page_link")]
    parts += [str(element.value) for element in at.sidebar.get("caption")]
    return as_read(" ".join(parts))


def page_text(page: str, query: dict[str, str] | None = None) -> str:
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    for name, value in (query or {}).items():
        at.query_params[name] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, page
    return all_said(at)


def test_every_page_is_free_of_endorsements_and_hand_typed_rows_change_nothing(
    not_endorsing: SqlStore, navigation: list[list[str]]
) -> None:
    candidate = not_endorsing.read("candidates").iloc[0]["id"]
    visits = [(page, None) for page in EVERY_PAGE]
    visits.append(("pages/candidates.py", {"candidate": candidate}))
    before = {(page, str(query)): page_text(page, query) for page, query in visits}
    type_endorsement_rows(not_endorsing)
    for page, query in visits:
        shown = page_text(page, query)
        assert not TRACES.findall(shown), (page, TRACES.findall(shown))
        # Times said on a page (a sync, a last read) aside, nothing differs.
        assert _steady(shown) == _steady(before[(page, str(query))]), page
    assert navigation and not {"endorsements", "ballot"} & {p for run in navigation for p in run}


def _steady(text: str) -> str:
    return re.sub(r"\d{1,2}:\d{2}", "HH:MM", text)


def test_the_endorsement_pages_are_not_registered(not_endorsing: SqlStore) -> None:
    type_endorsement_rows(not_endorsing)
    at = app()
    for page in ("pages/endorsements.py", "pages/ballot.py"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)


def test_the_data_page_counts_and_reports_nothing_of_them(not_endorsing: SqlStore) -> None:
    type_endorsement_rows(not_endorsing)
    at = app("pages/settings_data.py")
    assert not at.exception
    counted = at.dataframe[0].value
    assert not set(ENDORSEMENT_TABLES) & set(counted["Table"])
    assert "Everything in the data source reads as expected." in [s.value for s in at.success]
    assert not at.sidebar.get("page_link")  # no "problems in the data"
    assert not [e for e in at.sidebar.error if "confidentiality" in e.value]
    assert not TRACES.findall(all_said(at))


def test_backups_and_copies_leave_them_out(not_endorsing: SqlStore, tmp_path) -> None:
    type_endorsement_rows(not_endorsing)
    tables = not_endorsing.read_all()
    workbook = load_workbook(io.BytesIO(transfer.backup_bytes(tables)))
    assert workbook.sheetnames == [
        name for name in transfer.COPY_ORDER if name not in ENDORSEMENT_TABLES
    ]
    assert not set(ENDORSEMENT_TABLES) & set(transfer.record_counts(tables))
    assert not set(ENDORSEMENT_TABLES) & set(transfer.preview(tables, tables)["Table"])
    # The backup restores, into a store that then holds none of the hand-typed rows.
    restored = SqlStore(f"sqlite:///{tmp_path / 'restored.db'}")
    restored.ensure_schema()
    transfer.copy(transfer.read_backup(transfer.backup_bytes(tables)), restored)
    assert all(restored.read(name).empty for name in ENDORSEMENT_TABLES)
    copied = SqlStore(f"sqlite:///{tmp_path / 'copied.db'}")
    copied.ensure_schema()
    report = transfer.copy(not_endorsing, copied)
    assert not set(ENDORSEMENT_TABLES) & {name for name, n in report.copied.items() if n}
    assert all(copied.read(name).empty for name in ENDORSEMENT_TABLES)
    assert transfer.verify(not_endorsing, copied) == {
        name: [] for name in transfer.tables_for(tables)
    }


def test_a_501c4_coalition_has_the_endorsements_page(
    sample_store: SqlStore, navigation: list[list[str]]
) -> None:
    coalition.save_setting(
        sample_store, "tax_status", "501(c)(4)", "dana", sample_store.read("settings")
    )
    at = app("pages/endorsements.py")
    assert not at.exception
    assert "endorsements" in navigation[-1]
    assert at.title[0].value == "Endorsements"
    sheets = load_workbook(io.BytesIO(transfer.backup_bytes(sample_store.read_all()))).sheetnames
    assert sheets == list(transfer.COPY_ORDER)


def test_a_sheet_without_the_endorsement_tabs_is_healthy_for_them(
    fake_google: FakeSheets,
) -> None:
    key = fake_google.create_spreadsheet("Riverton Coalition")
    store = sheet_store(fake_google, key)
    store.ensure_schema()
    coalition.save_setting(store, "tax_status", "501(c)(3)", "dana", store.read("settings"))
    for name in ENDORSEMENT_TABLES:
        fake_google.delete_tab(key, name)
    at = app("pages/settings_data.py", sheet_secrets(key))
    assert not at.exception
    assert "Everything in the data source reads as expected." in [s.value for s in at.success]
    assert not at.sidebar.get("page_link")
    assert not TRACES.findall(all_said(at))
    assert not set(ENDORSEMENT_TABLES) & set(at.dataframe[0].value["Table"])
