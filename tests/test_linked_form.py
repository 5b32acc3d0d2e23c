"""A linked Google Form keeps its responses coming in as reports: the link as stored, how often a
server looks, and each response brought in once, on the Sheets fake that real gspread talks to."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pandas as pd
import pytest

from lib import access, coalition, sample
from lib.imports import linked_form, plan_import
from lib.store import Store
from lib.store.sheets import SheetStore
from tests.conftest import sheet_store
from tests.fake_sheets import FakeSheets

TAB = "Form Responses 1"
ADMIN = "dana.okafor@example.org"
DAY = (date.today() - timedelta(days=2)).strftime("%m/%d/%Y")
HEADER = ["Timestamp", "Which candidate did you meet?", "Key takeaways", "Confidential?"]


def response(candidate: str, takeaways: str) -> list[str]:
    return [f"{DAY} 10:04:55", candidate, takeaways, "No"]


def settings_with(value: str) -> coalition.Settings:
    return coalition.Settings(linked_form=value)


@pytest.fixture
def fake() -> FakeSheets:
    return FakeSheets()


@pytest.fixture
def store(fake: FakeSheets) -> SheetStore:
    """The sample coalition in a Google Sheet, with a Form's responses tab beside it."""
    key = fake.create_spreadsheet("Coalition")
    opened = sheet_store(fake, key)
    opened.ensure_schema()
    sample.load_sample(opened, date.today())
    fake.add_tab(key, TAB, [HEADER, response("Inés Márquez", "Wants the housing numbers")])
    opened.clear_cache()
    return opened


def link(store: SheetStore, linked_by: str = ADMIN) -> linked_form.LinkedForm:
    """Link the tab with the mapping suggested for it, as the Import page does."""
    tables = store.read_all()
    plan = plan_import(store.read_source_tab(TAB), "reports", tables, author=linked_by)
    mapping = {**plan.mapping, "source": TAB}
    value = linked_form.link_value(TAB, mapping, linked_by, "2026-12-01T10:00:00+00:00")
    coalition.save_setting(store, linked_form.SETTING, value, linked_by, tables["settings"])
    store.clear_cache()
    read = linked_form.read_link(coalition.settings_of(store.read_all()))
    assert read is not None
    return read


def add_responses(fake: FakeSheets, store: SheetStore, *rows: list[str]) -> None:
    grid = fake.grid(store.key, TAB)
    fake.set_values(store.key, TAB, f"A{len(grid) + 1}", [list(row) for row in rows])


def takeaways(store: Store) -> list[str]:
    store.clear_cache()
    return store.read("interactions")["takeaways"].tolist()


class Allowed:
    """Asks the members list whether the linking admin may still change settings, and keeps
    whom it was asked about."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.asked: list[str] = []

    def __call__(self, linked_by: str) -> access.Member:
        self.asked.append(linked_by)
        return access.authorise(self.store, linked_by, "change settings")


# --- the stored link ----------------------------------------------------------------------------


def test_a_blank_setting_means_no_form_is_linked() -> None:
    assert linked_form.read_link(settings_with("")) is None
    assert linked_form.read_link(settings_with("   \n")) is None


def test_a_link_reads_back_as_it_was_saved() -> None:
    mapping = {"kind": "reports", "source": TAB, "columns": {"Key takeaways": "takeaways"}}
    value = linked_form.link_value(TAB, mapping, ADMIN, "2026-12-01T10:00:00+00:00")
    assert json.loads(value)["tab"] == TAB, "readable JSON, for someone looking at the sheet"
    assert linked_form.read_link(settings_with(value)) == linked_form.LinkedForm(
        TAB, mapping, ADMIN, "2026-12-01T10:00:00+00:00"
    )


@pytest.mark.parametrize(
    "mangled",
    [
        "Form Responses 1",  # someone typed the tab's name over the JSON
        '{"tab": "Form Responses 1", "mapping": {"kind": "reports"}',  # cut short
        '{"tab": "Form Responses 1", "linked_by": "dana@example.org"}',  # no mapping
        '["Form Responses 1"]',
        '{"tab": "Form Responses 1", "mapping": "reports", "linked_by": "dana@example.org"}',
        '{"tab": "", "mapping": {"kind": "reports"}, "linked_by": "dana@example.org"}',
        '{"tab": "Form Responses 1", "mapping": {"kind": "candidates"}, "linked_by": "x"}',
    ],
)
def test_a_link_edited_by_hand_into_nonsense_is_said_not_guessed(mangled: str) -> None:
    with pytest.raises(linked_form.LinkUnreadable, match="Form"):
        linked_form.read_link(settings_with(mangled))


# --- how often a server looks -------------------------------------------------------------------


def test_a_server_looks_at_most_once_per_check_interval_per_store(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(linked_form, "_LAST_LOOK", {})
    wait = linked_form.CHECK_SECONDS
    assert linked_form.due("google-sheet:a", now=1000.0)
    assert not linked_form.due("google-sheet:a", now=1000.0), "a second session skips its turn"
    assert not linked_form.due("google-sheet:a", now=1000.0 + wait - 0.1)
    assert linked_form.due("google-sheet:b", now=1000.5), "another sheet has its own turn"
    assert linked_form.due("google-sheet:a", now=1000.0 + wait)
    assert not linked_form.due("google-sheet:a", now=1000.0 + wait + 1)


# --- bringing responses in ----------------------------------------------------------------------


def test_new_responses_come_in_once_however_often_the_tab_is_looked_at(
    fake: FakeSheets, store: SheetStore
) -> None:
    link(store)
    authorise = Allowed(store)
    first = linked_form.bring_in(store, store.read_source_tab, authorise, date.today())
    assert (first.added, first.problems, first.error) == (1, [], "")
    assert takeaways(store).count("Wants the housing numbers") == 1

    again = linked_form.bring_in(store, store.read_source_tab, authorise, date.today())
    assert again.added == 0 and takeaways(store).count("Wants the housing numbers") == 1

    add_responses(
        fake,
        store,
        response("Tom Whitaker", "Asked about small-business rents"),
        response("Marcus Bell", "Will tour the clinic"),
    )
    grown = linked_form.bring_in(store, store.read_source_tab, authorise, date.today())
    assert grown.added == 2
    stored = takeaways(store)
    assert stored.count("Asked about small-business rents") == 1
    assert stored.count("Will tour the clinic") == 1
    assert authorise.asked == [ADMIN, ADMIN], "asked only when there is something to write"
    interactions = store.read("interactions").set_index("takeaways")
    assert interactions.loc["Will tour the clinic", "visibility"] == "coalition"
    assert interactions.loc["Will tour the clinic", "created_by"] == ADMIN

    assert linked_form.bring_in(store, store.read_source_tab, authorise, date.today()).added == 0
    assert len(takeaways(store)) == len(stored)
    assert fake.grid(store.key, TAB)[1:] == [
        response("Inés Márquez", "Wants the housing numbers"),
        response("Tom Whitaker", "Asked about small-business rents"),
        response("Marcus Bell", "Will tour the clinic"),
    ], "the Form's tab is only read"


def test_a_response_that_cannot_be_read_is_listed_and_the_others_come_in(
    fake: FakeSheets, store: SheetStore
) -> None:
    link(store)
    add_responses(fake, store, response("Nobody We Know", "Who is this?"))
    outcome = linked_form.bring_in(store, store.read_source_tab, Allowed(store), date.today())
    assert outcome.added == 1
    assert outcome.problems == [
        "Row 3 left out: no candidate called “Nobody We Know” in the tracker; say in the "
        "mapping whether to add it or which one it is."
    ]
    assert "Who is this?" not in takeaways(store)


def test_a_link_whose_admin_may_no_longer_change_settings_brings_nothing_in(
    store: SheetStore,
) -> None:
    link(store)
    store.update("members", ADMIN, {"role": "viewer"})
    store.clear_cache()
    before = takeaways(store)
    with pytest.raises(access.NotAllowed):
        linked_form.bring_in(store, store.read_source_tab, Allowed(store), date.today())
    assert takeaways(store) == before


def test_without_a_link_nothing_is_read_and_an_unreadable_one_is_said(
    store: SheetStore,
) -> None:
    def no_tab(title: str) -> pd.DataFrame:
        raise AssertionError("no tab is read without a link")

    assert (
        linked_form.bring_in(store, no_tab, Allowed(store), date.today()) == linked_form.Outcome()
    )
    tables = store.read_all()
    coalition.save_setting(
        store, linked_form.SETTING, "Form Responses 1", ADMIN, tables["settings"]
    )
    store.clear_cache()
    outcome = linked_form.bring_in(store, no_tab, Allowed(store), date.today())
    assert outcome.added == 0 and "Link the Form again in Settings → Import" in outcome.error
