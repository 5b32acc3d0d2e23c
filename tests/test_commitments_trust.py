"""Following up on commitments when people are careless, hostile or simply not alone: access
taken away while a form is open, rows that move under a selection, dates that make no sense,
notes at the size limit. Also who may save the meeting date and load the sample coalition."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib import analytics, followup, sample, schema
from lib import audit as audit_log
from lib.store import sql
from lib.store.sql import SqlStore
from tests.apptest import app
from tests.test_dashboard_pages import save_update, select_rows
from tests.test_roles import AUTH, as_member, member_with

TODAY = date.today()
PAGE = "pages/commitments.py"


def said(at: AppTest) -> str:
    """Every message on the page, as a reader sees it (escaping removed)."""
    return " ".join(
        element.value
        for kind in ("error", "warning", "success", "info")
        for element in at.get(kind)
    ).replace("\\", "")


def stale_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on the app keeps showing what it last read, as it does on a Google Sheet for
    half a minute: a change made elsewhere meanwhile is only seen by a fresh read."""
    monkeypatch.setattr(sql, "FINGERPRINT_INTERVAL", 3600.0)


def fresh(store: SqlStore, table: str) -> pd.DataFrame:
    store.clear_cache()
    return store.read(table)


def click(at: AppTest, label: str) -> AppTest:
    [button] = [button for button in at.button if button.label == label]
    return button.click().run()


# --- 9. access taken away while the form is open ----------------------------------------------


@pytest.mark.parametrize("rows", [[0], [0, 1, 2]], ids=["one", "bulk"])
@pytest.mark.parametrize(
    "revoke", [{"role": "viewer"}, {"active": False}], ids=["made-viewer", "deactivated"]
)
def test_a_member_whose_access_was_taken_away_cannot_save_an_open_form(
    sample_store: SqlStore, monkeypatch: pytest.MonkeyPatch, rows: list[int], revoke: dict
) -> None:
    staff = member_with(sample_store, "staff")["email"]
    at = select_rows(as_member(PAGE, staff), rows)
    before = fresh(sample_store, "commitments")
    updates = len(sample_store.read("updates"))
    at.selectbox(key="cmt.new_status").set_value("kept")
    at.text_area(key="cmt.new_note").input("Confirmed with her office")
    stale_reads(monkeypatch)
    sample_store.update("members", staff, revoke)
    click(at, "Save the update")
    assert not at.exception
    assert len(fresh(sample_store, "updates")) == updates
    assert fresh(sample_store, "commitments")["status"].equals(before["status"])
    message = said(at)
    assert "was not saved" in message
    assert ("Your role is now viewer" if "role" in revoke else "removed or deactivated") in message
    assert at.text_area(key="cmt.new_note").value == "Confirmed with her office"


# --- 10. a selection is a choice of commitments, not of row numbers ---------------------------


def reordering(commitments: pd.DataFrame) -> tuple[str, str, str]:
    """A status, the first commitment X with it, and a commitment W listed before X with another
    status: W moved into the status puts it above X in the filtered list."""
    for status in schema.COMMITMENT_STATUS.values:
        having = commitments.index[commitments["status"] == status]
        first = commitments.index.get_loc(having[0])
        if first > 0:
            return status, commitments.loc[having[0], "id"], commitments.iloc[0]["id"]
    raise AssertionError("every status starts the list")


def test_an_update_lands_on_the_ticked_commitment_after_the_list_reorders(
    sample_store: SqlStore,
) -> None:
    commitments = sample_store.read("commitments")
    status, ticked, mover = reordering(commitments)
    at = app(PAGE)
    at.multiselect(key="cmt.statuses").set_value([status]).run()
    assert at.dataframe[0].value.iloc[0]["Id"] == ticked
    select_rows(at, [0])
    moved = commitments.set_index("id").loc[mover]
    sample_store.update("commitments", mover, {"status": status}, moved["updated_at"])
    updates = fresh(sample_store, "updates")
    save_update(at, status, "Her staff say a draft is circulating")  # it stays in this list
    assert not at.exception
    assert "Saved the update to 1 commitment." in said(at)
    stored = fresh(sample_store, "commitments").set_index("id")
    assert stored.loc[ticked, "updated_at"] != commitments.set_index("id").loc[ticked, "updated_at"]
    assert stored.loc[mover, "status"] == status
    added = fresh(sample_store, "updates")
    added = added[~added["id"].isin(updates["id"])]
    assert added["commitment_id"].tolist() == [ticked]
    assert added["note"].tolist() == ["Her staff say a draft is circulating"]
    # the tick followed the commitment to its new row
    listed = at.dataframe[0].value["Id"].tolist()
    assert listed.index(mover) < listed.index(ticked)
    assert [listed[row] for row in at.session_state["cmt.selection"].ticked] == [ticked]


def test_a_ticked_commitment_changed_away_by_someone_else_is_refused_not_saved_elsewhere(
    sample_store: SqlStore,
) -> None:
    commitments = sample_store.read("commitments")
    waiting = commitments[commitments["status"] == "not_yet_rated"]
    assert len(waiting) >= 2
    at = app(PAGE)
    at.multiselect(key="cmt.statuses").set_value(["not_yet_rated"]).run()
    ticked, next_one = at.dataframe[0].value["Id"].iloc[:2]
    select_rows(at, [0])
    theirs = waiting.set_index("id").loc[ticked]
    sample_store.update(
        "commitments", ticked, {"status": "stalled", "owner": "Someone Else"}, theirs["updated_at"]
    )
    updates = len(sample_store.read("updates"))
    save_update(at, "kept", "I think she kept it")
    assert not at.exception
    assert "someone else changed this commitment first" in said(at)
    assert "Someone Else" in said(at)
    stored = fresh(sample_store, "commitments").set_index("id")
    assert stored.loc[ticked, "status"] == "stalled"
    assert stored.loc[next_one, "status"] == "not_yet_rated"
    assert len(fresh(sample_store, "updates")) == updates


def test_a_late_row_ticked_then_a_narrowing_search_is_let_go_with_a_word(
    sample_store: SqlStore,
) -> None:
    at = app(PAGE)
    listed = at.dataframe[0].value
    select_rows(at, [9])
    ticked = listed.iloc[9]["Id"]
    haystack = (listed["Commitment"] + " " + listed["Owner"]).str.lower()
    word = next(
        word
        for word in listed.iloc[0]["Commitment"].lower().split()
        if word not in haystack.iloc[9] and haystack.str.contains(word, regex=False).sum() < 10
    )
    at.text_input(key="cmt.search").input(word).run()
    assert not at.exception
    shown = at.dataframe[0].value
    assert 0 < len(shown) < 10 and ticked not in set(shown["Id"])
    assert "you selected is not in the list with these filters" in said(at)
    assert at.session_state["cmt.selection"].ids == []
    assert not [button for button in at.button if button.label == "Save the update"]


def test_a_selection_follows_its_commitments_by_id() -> None:
    seen = [("a", "1"), ("b", "1"), ("c", "1")]
    chosen, _ = followup.reselect(followup.Selection(), [2], seen, seen, "f")
    assert chosen.versions == {"c": "1"} and chosen.ticked == (2,)
    moved = [("c", "2"), ("a", "1")]  # c changed and moved up; b went away
    kept, let_go = followup.reselect(chosen, [2], seen, moved, "f")
    assert kept.ids == ["c"] and kept.versions["c"] == "1" and kept.ticked == (0,) and not let_go
    # the person's own filter hides it: let go, and said
    hidden, let_go = followup.reselect(kept, [0], moved, [("a", "1")], "g")
    assert hidden.ids == [] and let_go == ["c"] and hidden.ticked == ()
    # a position beyond the table as it was seen picks nothing
    assert followup.reselect(followup.Selection(), [7], seen, seen, "f")[0].ids == []


# --- 12. dates: not before the commitment; status and history agree on the latest -------------


def updates_frame(rows: list[dict[str, str]]) -> pd.DataFrame:
    columns = schema.table("updates").column_names
    return pd.DataFrame([{name: row.get(name, "") for name in columns} for row in rows])


def test_the_latest_update_is_decided_the_way_the_history_shows_it() -> None:
    updates = updates_frame(
        [
            {"id": "upd-2", "commitment_id": "cmt-1", "date": "2026-05-01", "status": "broken",
             "created_at": "2026-05-01T10:00:00+00:00"},
            {"id": "upd-1", "commitment_id": "cmt-1", "date": "2026-03-01", "status": "kept",
             "created_at": "2026-06-01T10:00:00+00:00"},
        ]
    )  # fmt: skip
    assert analytics.history(updates, "cmt-1")["id"].tolist() == ["upd-1", "upd-2"]
    earlier = followup.StatusChange("cmt-1", "v1", "kept", date(2026, 4, 1), "Late note", "jo")
    ops = followup.change_ops(earlier, updates)
    assert not followup.changes_status(ops)
    assert ops[0]["changes"].keys() == {"updated_at"}  # touched, so others see it changed
    assert ops[2]["rows"][0]["action"] == "added an earlier update"
    history = pd.concat([updates, pd.DataFrame(ops[1]["rows"])], ignore_index=True)
    assert analytics.history(history, "cmt-1").iloc[-1]["status"] == "broken"
    later = followup.StatusChange("cmt-1", "v1", "kept", date(2026, 5, 1), "Same day", "jo")
    ops = followup.change_ops(later, updates)
    assert ops[0]["changes"]["status"] == "kept"  # same date, recorded later: the latest
    assert followup.change_ops(later)[0]["changes"]["status"] == "kept"  # no history yet


def test_an_update_may_not_predate_its_commitment() -> None:
    made = pd.DataFrame(
        {"made_on": ["2026-03-02", ""], "created_at": ["2026-03-05T00:00:00+00:00"] * 2}
    )
    assert followup.made_on(made.iloc[[0]]) == date(2026, 3, 2)
    assert followup.made_on(made.iloc[[1]]) == date(2026, 3, 5)  # no made_on: when recorded
    errors = followup.validate_change("kept", date(2017, 1, 1), "Note", TODAY, date(2026, 3, 2))
    assert errors.keys() == {"date"} and "2026-03-02" in errors["date"]
    assert not followup.validate_change("kept", date(2026, 3, 2), "Note", TODAY, date(2026, 3, 2))


def test_an_update_dated_before_its_commitment_is_refused_next_to_the_date(
    sample_store: SqlStore,
) -> None:
    at = select_rows(app(PAGE), [0])
    target = at.dataframe[0].value.iloc[0]["Id"]
    made = sample_store.read("commitments").set_index("id").loc[target, "made_on"]
    updates = len(sample_store.read("updates"))
    at.date_input(key="cmt.new_date").set_value(date(2017, 1, 1))
    save_update(at, "broken", "Found an old article")
    assert not at.exception
    assert f"The date is before {made}" in said(at)
    assert len(fresh(sample_store, "updates")) == updates
    assert at.text_area(key="cmt.new_note").value == "Found an old article"


def test_a_backdated_update_joins_the_history_and_leaves_the_status(
    sample_store: SqlStore,
) -> None:
    tables = sample_store.read_all()
    latest = tables["updates"].groupby("commitment_id")["date"].max()
    commitments = tables["commitments"].set_index("id")
    gap = pd.to_datetime(latest) - pd.to_datetime(commitments.loc[latest.index, "made_on"])
    target = gap[gap > pd.Timedelta(days=2)].index[0]
    status = commitments.loc[target, "status"]
    between = date.fromisoformat(commitments.loc[target, "made_on"]) + timedelta(days=1)
    other = next(s for s in schema.COMMITMENT_STATUS.values if s != status)
    at = app(PAGE)
    row = at.dataframe[0].value["Id"].tolist().index(target)
    select_rows(at, [row])
    at.date_input(key="cmt.new_date").set_value(between)
    save_update(at, other, "An earlier call we forgot to log")
    assert not at.exception
    assert "dated before the latest update of this commitment" in said(at)
    assert fresh(sample_store, "commitments").set_index("id").loc[target, "status"] == status
    history = analytics.history(fresh(sample_store, "updates"), target)
    assert "An earlier call we forgot to log" in set(history["note"])
    assert history.iloc[-1]["note"] != "An earlier call we forgot to log"
    shown = " ".join(element.value for element in at.markdown).replace("\\", "")
    assert "An earlier call we forgot to log" in shown


# --- 15. a note at the size limit -----------------------------------------------------------


def test_a_note_at_the_size_limit_is_saved_once_with_a_short_audit(sample_store: SqlStore) -> None:
    at = select_rows(app(PAGE), [0])
    target = at.dataframe[0].value.iloc[0]["Id"]
    note = "Long minutes. " * 3570  # 49,980 characters
    note += "x" * (49_990 - len(note))
    save_update(at, "kept", note)
    assert not at.exception
    assert "Saved the update to 1 commitment." in said(at)
    updates = fresh(sample_store, "updates")
    assert (updates["note"] == note).sum() == 1
    audit = fresh(sample_store, "audit")
    logged = audit[(audit["record_id"] == target) & (audit["action"] == "updated status")]
    [detail] = logged["detail"].tolist()
    assert len(detail) <= audit_log.DETAIL_CHARS and detail.endswith("…")
    assert detail.startswith("Promise kept: Long minutes.")


def test_a_write_too_long_for_a_cell_is_a_message_and_nothing_is_written(
    sample_store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit_log, "DETAIL_CHARS", 10 * schema.MAX_CELL_CHARS)
    at = select_rows(app(PAGE), [0])
    before = {name: len(frame) for name, frame in sample_store.read_all().items()}
    save_update(at, "kept", "x" * 49_990)
    assert not at.exception
    assert "The update was not saved" in said(at) and "a cell holds at most" in said(at)
    assert {name: len(frame) for name, frame in fresh_all(sample_store).items()} == before


def fresh_all(store: SqlStore) -> dict[str, pd.DataFrame]:
    store.clear_cache()
    return store.read_all()


# --- 7. the meeting date is a setting: admins only, checked when written ------------------------


@pytest.mark.parametrize("role", ["viewer", "advocate", "staff"])
def test_only_admins_are_offered_to_save_the_meeting_date(
    sample_store: SqlStore, role: str
) -> None:
    at = as_member("pages/meeting.py", member_with(sample_store, role)["email"])
    assert not at.exception
    assert not [button for button in at.button if button.label.startswith("Save today")]
    admin = as_member("pages/meeting.py", member_with(sample_store, "admin")["email"])
    click(admin, "Save today as the last meeting date")
    assert "Saved: the next meeting will start from" in said(admin)
    assert fresh(sample_store, "settings").set_index("key").loc["last_meeting", "value"] == (
        TODAY.isoformat()
    )


def test_an_admin_demoted_meanwhile_cannot_save_the_meeting_date(
    sample_store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = member_with(sample_store, "admin")["email"]
    at = as_member("pages/meeting.py", admin)
    stale_reads(monkeypatch)
    sample_store.update("members", admin, {"role": "staff"})
    click(at, "Save today as the last meeting date")
    assert not at.exception
    assert "Your role is now staff" in said(at) and "not saved" in said(at)
    assert "last_meeting" not in set(fresh(sample_store, "settings")["key"])


def test_the_coalition_name_in_the_meeting_title_is_text(sample_store: SqlStore) -> None:
    sample_store.append("settings", [{"key": "coalition_name", "value": "**Loud** :red[Riverton]"}])
    at = app("pages/meeting.py")
    assert at.title[0].value == r"\*\*Loud\*\* \:red\[Riverton\] meeting"


# --- 8. the sample coalition: admins only, and only into an empty tracker ---------------------


def with_members(store: SqlStore) -> list[str]:
    """A real coalition's first members, before it has recorded anything."""
    people = [("ana@riverton.org", "admin"), ("ben@riverton.org", "viewer")]
    store.append(
        "members",
        [
            {"email": email, "name": email[:3], "role": role, "active": True}
            for email, role in people
        ],
    )
    return [email for email, _ in people]


@pytest.mark.parametrize("who", ["admin", "viewer"])
def test_a_coalition_with_members_is_never_offered_the_sample(
    empty_store: SqlStore, who: str
) -> None:
    admin, viewer = with_members(empty_store)
    at = app(None, AUTH, {"is_logged_in": True, "email": admin if who == "admin" else viewer})
    assert not at.exception
    labels = [button.label for button in at.button]
    assert "Load the sample coalition" not in labels
    assert ("Start empty" in labels) == (who == "admin")
    assert sample.is_empty(fresh_all(empty_store))


def test_the_sample_is_refused_by_a_store_with_members_or_records(tmp_path) -> None:
    for name, rows in (
        ("members", [{"email": "ana@riverton.org", "name": "Ana", "role": "admin"}]),
        ("issues", [{"name": "Transit"}]),
    ):
        store = SqlStore(f"sqlite:///{tmp_path / name}.db")
        store.ensure_schema()
        store.append(name, rows)
        with pytest.raises(sample.SampleRefused, match=f"already has {name} of its own"):
            sample.load_sample(store, TODAY)
        assert {n: len(f) for n, f in fresh_all(store).items() if len(f)} == {name: 1}


def test_a_sample_load_cut_short_can_be_finished(tmp_path) -> None:
    store = SqlStore(f"sqlite:///{tmp_path / 'part.db'}")
    store.ensure_schema()
    part = sample.sample_tables(TODAY)
    store.append("partners", part["partners"].to_dict("records"))
    store.append("members", part["members"].to_dict("records"))
    added = sample.load_sample(store, TODAY)
    assert added["partners"] == added["members"] == 0 and added["commitments"] == 60
    assert sample.load_sample(store, TODAY)["commitments"] == 0  # twice adds nothing


def test_the_sample_is_checked_again_when_loaded(
    empty_store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = app()  # sign-in off: the local admin, on an empty store
    assert "Load the sample coalition" in [button.label for button in at.button]
    stale_reads(monkeypatch)
    with_members(empty_store)
    click(at, "Load the sample coalition")
    assert not at.exception
    assert "The sample was not loaded" in said(at) and "nothing was added" in said(at)
    tables = fresh_all(empty_store)
    assert sample.is_empty(tables) and len(tables["members"]) == 2


def test_without_sign_in_an_empty_store_still_loads_the_sample(empty_store: SqlStore) -> None:
    at = click(app(), "Load the sample coalition")
    assert not at.exception
    assert len(fresh(empty_store, "commitments")) == 60


# --- 20. the same update pressed again in a new session (after a restart) ------------------


def test_the_same_update_saved_again_from_a_new_session_is_not_stored_twice(
    sample_store: SqlStore,
) -> None:
    first = select_rows(app(PAGE), [0])
    target = first.dataframe[0].value.iloc[0]["Id"]
    save_update(first, "stalled", "Called the office; no answer yet.")
    assert "Saved the update to 1 commitment." in said(first)
    before = len(fresh(sample_store, "updates"))
    # The server restarted: a new session, the same form pressed again on the same commitment.
    again = select_rows(app(PAGE), [0])
    assert again.dataframe[0].value.iloc[0]["Id"] == target
    save_update(again, "stalled", "Called the office; no answer yet.")
    assert not again.exception
    assert "Already saved." in said(again)
    assert len(fresh(sample_store, "updates")) == before
    save_update(again, "stalled", "Called again; still no answer.")  # a new note is new
    assert len(fresh(sample_store, "updates")) == before + 1


# --- a bulk update is one write ------------------------------------------------------------------


def test_a_bulk_update_lands_whole_or_not_at_all_and_a_retry_adds_nothing(
    sample_store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lib.store import UnavailableError

    commitments = fresh(sample_store, "commitments").head(3)
    pending = [
        followup.change_ops(
            followup.StatusChange(row.id, row.updated_at, "kept", date.today(), "Voted yes", "me")
        )
        for row in commitments.itertuples()
    ]
    before = {name: len(frame) for name, frame in fresh_all(sample_store).items()}
    real = sample_store._write
    monkeypatch.setattr(
        sample_store, "_write", lambda *a: (_ for _ in ()).throw(UnavailableError("down"))
    )
    with pytest.raises(UnavailableError):
        followup.apply_changes(sample_store, None, pending)
    assert {name: len(frame) for name, frame in fresh_all(sample_store).items()} == before
    writes = []
    monkeypatch.setattr(sample_store, "_write", lambda *a: writes.append(a) or real(*a))
    assert followup.apply_changes(sample_store, None, pending).saved == 3
    assert len(writes) == 1
    again = followup.apply_changes(sample_store, None, pending)  # the answer was lost: resent
    assert not again.conflicts
    after = fresh_all(sample_store)
    assert len(after["updates"]) == before["updates"] + 3
    assert len(after["audit"]) == before["audit"] + 3
    statuses = after["commitments"].set_index("id").loc[commitments["id"], "status"]
    assert set(statuses) == {"kept"}
