"""Sign-in and roles under AppTest: what each role can and cannot see and do, on every page."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib import access, coalition, schema
from lib.store.sql import PROJECT_ROOT, SqlStore
from tests.apptest import PAGES, SETTINGS_PAGES, app, as_read, chart_texts

AUTH = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "a-long-random-secret-for-the-tests",
        "client_id": "coalition-tracker",
        "client_secret": "not-a-real-secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    }
}


def member_with(store: SqlStore, role: str) -> pd.Series:
    members = store.read("members")
    return members[(members["role"] == role) & members["active"]].iloc[0]


def as_member(page: str | None, email: str) -> AppTest:
    return app(page, AUTH, {"is_logged_in": True, "email": email})


def everything_shown(at: AppTest) -> str:
    parts = [
        element.value
        for kind in (
            "markdown",
            "caption",
            "info",
            "warning",
            "error",
            "success",
            "title",
            "header",
            "subheader",
        )
        for element in at.get(kind)
    ]
    parts += [frame.value.to_string() for frame in at.dataframe]
    parts += chart_texts(at)
    return " ".join(str(part) for part in parts)


def restricted_secrets(store: SqlStore, except_author: str = "") -> list[str]:
    tables = store.read_all()
    secrets = []
    for name, field in (("interactions", "takeaways"), ("commitments", "text")):
        rows = tables[name][
            (tables[name]["visibility"] == "restricted")
            & (tables[name]["created_by"] != except_author)
        ]
        secrets += [text for text in rows[field] if len(text) > 25]
    return secrets


def test_without_sign_in_the_app_says_it_runs_as_a_local_admin(sample_store: SqlStore) -> None:
    at = app()
    assert not at.exception
    banner = " ".join(info.value for info in at.sidebar.info)
    assert "Sign-in is off" in banner and "Sign-in and roles" in banner


def test_a_signed_out_visitor_sees_only_the_sign_in(sample_store: SqlStore) -> None:
    at = app("pages/commitments.py", AUTH, {"is_logged_in": False})
    assert not at.exception
    assert [button.label for button in at.button] == ["Sign in"]
    assert not at.dataframe and not at.metric


def test_an_unknown_email_is_asked_to_request_access(sample_store: SqlStore) -> None:
    at = as_member("pages/candidates.py", "stranger@example.net")
    assert not at.exception
    assert "ask your coalition admin for access" in at.info[0].value
    assert [button.label for button in at.button] == ["Sign out"]
    assert not at.dataframe and not at.get("vega_lite_chart")


def test_an_inactive_member_is_treated_as_unknown(sample_store: SqlStore) -> None:
    viewer = member_with(sample_store, "viewer")
    sample_store.update("members", viewer["email"], {"active": False})
    at = as_member(None, viewer["email"])
    assert "ask your coalition admin for access" in at.info[0].value


@pytest.mark.parametrize("role", access.ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_every_role_on_every_page(sample_store: SqlStore, role: str, page: str) -> None:
    who = member_with(sample_store, role)
    at = as_member(page, who["email"])
    assert not at.exception
    shown = everything_shown(at)
    assert f"({role})" in " ".join(caption.value for caption in at.sidebar.caption)
    if not access.Member(who["email"], "", role).may("see restricted records"):
        leaked = [
            secret
            for secret in restricted_secrets(sample_store, who["email"])
            if secret[:40] in shown
        ]
        assert leaked == []
    refused = [info.value for info in at.info if "does not allow you" in info.value]
    if page == "pages/report.py":
        assert bool(refused) == (role == "viewer")
    if page in SETTINGS_PAGES:
        assert bool(refused) == (role != "admin")


def test_an_advocate_sees_their_own_restricted_reports_and_no_one_elses(
    sample_store: SqlStore,
) -> None:
    interactions = sample_store.read("interactions")
    restricted = interactions[interactions["visibility"] == "restricted"]
    author = restricted["created_by"].iloc[0]
    mine = restricted[restricted["created_by"] == author]
    members = sample_store.read("members")
    if members.set_index("email").loc[author, "role"] != "advocate":
        sample_store.update("members", author, {"role": "advocate"})
    candidate = mine.iloc[0]["candidate_id"]
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    for name, value in AUTH.items():
        at.secrets[name] = value
    at.user = {"is_logged_in": True, "email": author}
    at.query_params["candidate"] = candidate
    at.run()
    at.switch_page("pages/candidates.py").run()
    expanders = [expander.label for expander in at.expander]
    assert any("Restricted" in label for label in expanders)
    others = restricted[
        (restricted["created_by"] != author) & (restricted["candidate_id"] == candidate)
    ]
    shown = everything_shown(at)
    assert not [text for text in others["takeaways"] if len(text) > 25 and text[:40] in shown]


def test_a_viewer_cannot_update_commitments_and_staff_can(sample_store: SqlStore) -> None:
    viewer = as_member("pages/commitments.py", member_with(sample_store, "viewer")["email"])
    viewer.session_state["cmt.table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    viewer.run()
    assert "Save the update" not in [button.label for button in viewer.button]
    staff = as_member("pages/commitments.py", member_with(sample_store, "staff")["email"])
    staff.session_state["cmt.table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    staff.run()
    assert "Save the update" in [button.label for button in staff.button]
    commitments = sample_store.read("commitments")
    restricted = commitments[commitments["visibility"] == "restricted"]
    assert set(restricted["id"]) <= set(staff.dataframe[0].value["Id"])
    assert not set(restricted["id"]) & set(viewer.dataframe[0].value["Id"])


def test_a_report_filed_by_an_advocate_is_theirs(sample_store: SqlStore) -> None:
    advocate = member_with(sample_store, "advocate")
    at = as_member("pages/report.py", advocate["email"])
    at.selectbox(key="report.candidate").set_value(sample_store.read("candidates").iloc[0]["id"])
    at.text_area(key="report.takeaways").input("Filed by an advocate")
    at.run()
    [save] = [button for button in at.button if button.label == "Save the report"]
    save.click().run()
    sample_store.clear_cache()
    filed = sample_store.read("interactions")
    filed = filed[filed["takeaways"] == "Filed by an advocate"]
    assert list(filed["created_by"]) == [advocate["email"]]
    assert schema.problems_of(filed) == []


def test_a_501c3_coalition_sees_the_nonpartisan_reminder_when_reporting(
    sample_store: SqlStore,
) -> None:
    assert not [
        info for info in app("pages/report.py").info if "Nonpartisan reminder" in info.value
    ]
    coalition.save_setting(
        sample_store, "tax_status", "501(c)(3)", "dana", sample_store.read("settings")
    )
    reminders = [
        info.value for info in app("pages/report.py").info if "Nonpartisan reminder" in info.value
    ]
    assert reminders and "never supports or opposes a candidate" in reminders[0]


def members_frame(rows: list[dict]) -> pd.DataFrame:
    return schema.normalise("members", pd.DataFrame(rows, dtype=object).fillna(""))


def test_member_changes_are_planned_and_checked() -> None:
    before = members_frame(
        [
            {"email": "dana@example.org", "name": "Dana", "role": "admin", "active": "TRUE"},
            {"email": "jo@example.org", "name": "Jo", "role": "viewer", "active": "TRUE"},
        ]
    )
    edited = before.copy()
    edited.loc[1, "role"] = "staff"
    edited = pd.concat(
        [
            edited,
            pd.DataFrame(
                [{"email": " Sam@Example.org ", "name": "Sam", "role": "advocate", "active": True}]
            ),
        ],
        ignore_index=True,
    )
    changes = access.plan_member_changes(before, edited)
    assert changes.errors == []
    assert changes.added == [
        {
            "email": "sam@example.org",
            "name": "Sam",
            "partner_id": "",
            "role": "advocate",
            "active": True,
        }
    ]
    assert changes.updated == [("jo@example.org", {"role": "staff"})]

    no_admin = before.copy()
    no_admin.loc[0, "active"] = False
    assert "At least one active admin" in access.plan_member_changes(before, no_admin).errors[0]
    removed = before.iloc[[0]]
    assert "never removed" in access.plan_member_changes(before, removed).errors[0]
    bad = pd.concat(
        [before, pd.DataFrame([{"email": "not-an-email", "role": "viewer"}])], ignore_index=True
    )
    assert "is not an email address" in access.plan_member_changes(before, bad).errors[0]


def test_an_admin_adds_a_member_who_can_then_sign_in(sample_store: SqlStore) -> None:
    admin = member_with(sample_store, "admin")
    at = as_member("pages/settings_members.py", admin["email"])
    at.session_state["settings.members.editor"] = {
        "edited_rows": {},
        "deleted_rows": [],
        "added_rows": [
            {
                "email": "new.person@example.org",
                "name": "New Person",
                "role": "advocate",
                "active": True,
            }
        ],
    }
    at.run()
    [save] = [button for button in at.button if button.label == "Save members"]
    save.click().run()
    assert not at.exception
    sample_store.clear_cache()
    members = sample_store.read("members").set_index("email")
    assert members.loc["new.person@example.org", "role"] == "advocate"
    newcomer = as_member("pages/report.py", "new.person@example.org")
    assert "(advocate)" in " ".join(caption.value for caption in newcomer.sidebar.caption)


def test_a_missing_sign_in_secret_is_named(sample_store: SqlStore) -> None:
    incomplete = {
        "auth": {key: value for key, value in AUTH["auth"].items() if key != "client_secret"}
    }
    at = app(None, incomplete, {"is_logged_in": False})
    assert not at.exception
    assert "auth.client_secret is missing in .streamlit/secrets.toml" in as_read(at.error[0].value)
    assert not at.button


def test_a_viewer_following_a_profile_link_sees_no_restricted_report(
    sample_store: SqlStore,
) -> None:
    interactions = sample_store.read("interactions")
    restricted = interactions[interactions["visibility"] == "restricted"].iloc[0]
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    for name, value in AUTH.items():
        at.secrets[name] = value
    at.user = {"is_logged_in": True, "email": member_with(sample_store, "viewer")["email"]}
    at.query_params["candidate"] = restricted["candidate_id"]
    at.run()
    at.switch_page("pages/candidates.py").run()
    assert not at.exception
    assert restricted["takeaways"][:40] not in everything_shown(at)
    assert not [e for e in at.expander if "Restricted" in e.label]


def test_what_a_page_keeps_between_runs_is_kept_per_viewer(sample_store: SqlStore) -> None:
    """Pages keep their tables and figures until the data changes (lib.ui.derived), shared by
    every session of the server: a viewer after staff, on the same data, still sees only theirs."""
    restricted = sample_store.read("commitments").query("visibility == 'restricted'")
    assert not restricted.empty
    staff = as_member("pages/commitments.py", member_with(sample_store, "staff")["email"])
    viewer = as_member("pages/commitments.py", member_with(sample_store, "viewer")["email"])
    again = as_member("pages/commitments.py", member_with(sample_store, "staff")["email"])
    shown = {
        name: set(at.dataframe[0].value["Id"])
        for name, at in (("staff", staff), ("viewer", viewer), ("again", again))
    }
    assert set(restricted["id"]) <= shown["staff"] == shown["again"]
    assert not set(restricted["id"]) & shown["viewer"]
    assert shown["viewer"] < shown["staff"]
