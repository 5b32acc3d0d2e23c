"""The Settings pages: six of them at the end of the sidebar's one list, each for admins only and
each showing only its own part of the settings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from lib.store.sql import SqlStore
from tests.apptest import SETTINGS_PAGES
from tests.test_roles import as_member, member_with

COALITION, LISTS, MEMBERS, DATA, IMPORT, GOALS = SETTINGS_PAGES
TITLES = {
    COALITION: "Coalition",
    LISTS: "Lists",
    MEMBERS: "Members",
    DATA: "Data and sheet",
    IMPORT: "Import",
    GOALS: "Goals and framing",
}
# What tells each part of the settings apart on screen: its buttons and headings.
OWN_PARTS = {
    COALITION: {"Save the coalition's settings"},
    LISTS: {"Save the issues", "Save the partner organisations", "Save the candidates"},
    MEMBERS: {"Save members"},
    DATA: {"Data source", "Data health", "Test connection", "Download the backup"},
    IMPORT: {"Linked Google Form", "Bring in a spreadsheet"},
    GOALS: {"Save the goal", "Save the framing rule"},
}
EVERY_PART = set().union(*OWN_PARTS.values())


@pytest.fixture
def sidebar(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Sequence, str]]:
    """What app.py asks st.navigation to show on each run: the pages, and where."""
    shown: list[tuple[Sequence, str]] = []
    navigation = st.navigation

    def recorded(pages: Sequence, **options: object) -> object:
        shown.append((pages, str(options.get("position", "sidebar"))))
        return navigation(pages, **options)

    monkeypatch.setattr(st, "navigation", recorded)
    return shown


def parts_shown(at: AppTest) -> set[str]:
    labels = [button.label for button in (*at.button, *at.download_button)]
    labels += [heading.value for heading in at.subheader]
    return EVERY_PART & set(labels)


def test_an_admin_finds_the_six_settings_pages_at_the_end_of_the_sidebar(
    sample_store: SqlStore, sidebar: list
) -> None:
    as_member(None, member_with(sample_store, "admin")["email"])
    pages, position = sidebar[-1]
    assert position == "sidebar"
    # One flat list: Streamlit draws a section heading inside the list, which screen readers
    # cannot make sense of.
    assert not isinstance(pages, Mapping)
    visible = [(page.title, page.url_path) for page in pages if page.visibility == "visible"]
    assert visible[-6:] == [
        ("Settings: Coalition", "settings"),
        ("Settings: Lists", "lists"),
        ("Settings: Members", "members"),
        ("Settings: Data and sheet", "data"),
        ("Settings: Import", "import"),
        ("Settings: Goals and framing", "goals"),
    ]
    assert not [title for title, _ in visible[:-6] if title.startswith("Settings")]


@pytest.mark.parametrize("page", SETTINGS_PAGES)
def test_each_settings_page_opens_for_an_admin_with_only_its_own_part(
    sample_store: SqlStore, page: str
) -> None:
    at = as_member(page, member_with(sample_store, "admin")["email"])
    assert not at.exception
    assert at.title[0].value == TITLES[page]
    assert not [info for info in at.info if "does not allow you" in info.value]
    assert parts_shown(at) == OWN_PARTS[page]


@pytest.mark.parametrize("page", SETTINGS_PAGES)
def test_each_settings_page_refuses_a_viewer(sample_store: SqlStore, page: str) -> None:
    at = as_member(page, member_with(sample_store, "viewer")["email"])
    assert not at.exception
    assert [info.value for info in at.info if "does not allow you" in info.value] == [
        "Your role (viewer) does not allow you to change settings. Ask your coalition admin if "
        "you need to."
    ]
    assert parts_shown(at) == set()
    assert not at.data_editor and not at.dataframe
    assert [button.label for button in at.button] == ["Sign out"]
