"""Faults injected through the Sheets fake, seen through the app: a clear message every time,
never a stack trace, and nothing an advocate typed is lost."""

from __future__ import annotations

import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.apptest import app, as_read, sheet_secrets
from tests.fake_sheets import FakeSheets
from tests.test_report_page import PAGE, click, fill_full_report, first_ids, sheet_with_sample


def everything_said(at: AppTest) -> str:
    return " ".join(
        as_read(element.value)
        for kind in ("error", "warning", "success", "info")
        for element in at.get(kind)
    )


def ids(fake: FakeSheets, key: str, tab: str) -> list[str]:
    return [row[0] for row in fake.grid(key, tab)[1:]]


def test_a_burst_of_quota_errors_is_ridden_out(fake_google: FakeSheets) -> None:
    key, at = sheet_with_sample(fake_google)
    fill_full_report(at, *first_ids(fake_google, key))
    before = len(ids(fake_google, key, "interactions"))
    fake_google.fail(status=429, times=3)
    click(at, "Save the report")
    assert not at.exception
    assert at.success[0].value.startswith("**Report saved.**")
    assert len(ids(fake_google, key, "interactions")) == before + 1


def test_server_errors_and_timeouts_keep_the_report_for_later(fake_google: FakeSheets) -> None:
    key, at = sheet_with_sample(fake_google)
    fill_full_report(at, *first_ids(fake_google, key))
    fake_google.timeout(times=None, kinds="spreadsheets.batchUpdate")
    click(at, "Save the report")
    assert not at.exception
    assert "Report kept on this computer" in everything_said(at)
    fake_google.heal()
    fake_google.fail(status=500, times=2)
    click(at, "Try sending now")
    assert "**Report saved.**" in everything_said(at)
    draft = at.session_state["report.draft"]["id"]
    assert ids(fake_google, key, "interactions").count(draft) == 1


def test_a_sheet_that_is_not_shared_says_whom_to_share_it_with(fake_google: FakeSheets) -> None:
    key = fake_google.create_spreadsheet("Coalition")
    fake_google.share(key, False)
    at = app(PAGE, sheet_secrets(key))
    assert not at.exception
    assert (
        "Share and add tracker@coalition.iam.gserviceaccount.com as an Editor"
        in everything_said(at)
    )


def test_a_wrong_sheet_url_says_so(fake_google: FakeSheets) -> None:
    at = app(PAGE, sheet_secrets("no-such-sheet"))
    assert not at.exception
    assert "No Google Sheet has the key 'no-such-sheet'" in everything_said(at)


def test_a_tab_deleted_by_hand_is_explained_and_the_report_kept(fake_google: FakeSheets) -> None:
    key, at = sheet_with_sample(fake_google)
    fill_full_report(at, *first_ids(fake_google, key))
    fake_google.delete_tab(key, "positions")
    click(at, "Save the report")
    assert not at.exception
    said = everything_said(at)
    assert "The Google Sheet has no 'positions' tab" in said
    assert "Create the missing tabs" in said
    assert (
        at.text_area(key="report.talking_points").value == "Housing trust fund costs and benefits"
    )

    settings = app("pages/settings_data.py", sheet_secrets(key))
    click(settings, "Create the missing tabs and columns")
    at.switch_page(PAGE).run()
    click(at, "Try again")
    assert "**Report saved.**" in everything_said(at)
    draft = at.session_state["report.draft"]["id"]
    assert ids(fake_google, key, "interactions").count(draft) == 1
    assert len(fake_google.grid(key, "positions")) == 2


def test_a_header_renamed_by_hand_is_reported_and_can_be_repaired(fake_google: FakeSheets) -> None:
    key, _ = sheet_with_sample(fake_google)
    header = fake_google.grid(key, "commitments")[0]
    column = chr(ord("A") + header.index("status"))
    fake_google.set_values(key, "commitments", f"{column}1", [["Follow-up state"]])
    st.cache_resource.clear()  # a later visit, after the 30 s read cache
    at = app("pages/settings_data.py", sheet_secrets(key))
    assert not at.exception
    shown = everything_said(at) + " ".join(frame.value.to_string() for frame in at.dataframe)
    assert "Missing columns: status" in shown
    at = app("pages/commitments.py", sheet_secrets(key))
    assert not at.exception  # still readable: every status reads as not yet rated meanwhile
    assert at.dataframe[0].value.shape[0] == len(fake_google.grid(key, "commitments")) - 1
