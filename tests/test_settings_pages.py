"""The Settings section: four pages under one heading in the sidebar, each for admins only and each
showing only its own part of the settings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from lib.store.sql import SqlStore
from tests.apptest import SETTINGS_PAGES
from tests.test_roles import as_member, member_with

COALITION, LISTS, MEMBERS, DATA = SETTINGS_PAGES
TITLES = {COALITION: "Coalition", LISTS: "Lists", MEMBERS: "Members", DATA: "Data and sheet"}
# What tells each part of the settings apart on screen: its buttons and headings.
OWN_PARTS = {
    COALITION: {"Save the coalition's settings"},
    LISTS: {"Save the issues", "Save the partner organisations", "Save the candidates"},
    MEMBERS: {"Save members"},
    DATA: {"Data source", "Data health", "Test connection", "Download the backup"},
}
EVERY_PART = set().union(*OWN_PARTS.values())


@pytest.fixture
def sidebar(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Mapping[str, Sequence], str]]:
    """What app.py asks st.navigation to show on each run: the sections, and where."""
    shown: list[tuple[Mapping[str, Sequence], str]] = []
    navigation = st.navigation

    def recorded(pages: Mapping[str, Sequence], **options: object) -> object:
        shown.append((pages, str(options.get("position", "sidebar"))))
        return navigation(pages, **options)

    monkeypatch.setattr(st, "navigation", recorded)
    return shown


def parts_shown(at: AppTest) -> set[str]:
    labels = [button.label for button in (*at.button, *at.download_button)]
    labels += [heading.value for heading in at.subheader]
    return EVERY_PART & set(labels)


def test_an_admin_finds_the_four_settings_pages_under_a_settings_heading(
    sample_store: SqlStore, sidebar: list
) -> None:
    as_member(None, member_with(sample_store, "admin")["email"])
    sections, position = sidebar[-1]
    assert position == "sidebar"
    visible = {
        heading: [(page.title, page.url_path) for page in pages if page.visibility == "visible"]
        for heading, pages in sections.items()
    }
    assert list(visible) == ["", "Settings"]  # the main pages first, with no heading
    assert visible["Settings"] == [
        ("Coalition", "settings"),
        ("Lists", "lists"),
        ("Members", "members"),
        ("Data and sheet", "data"),
    ]
    assert not {"Settings", *TITLES.values()} & {title for title, _ in visible[""]}


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
