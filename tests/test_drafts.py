"""Unsent report drafts on this machine: kept whole, one per tab, under the id of the report each
becomes, so that neither a reload, a second tab nor a restart of the app stores a report twice."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from lib import outbox, report
from lib.drafts import Drafts, Sent, encode, sent
from lib.store.sql import PROJECT_ROOT, SqlStore
from tests.apptest import app

TYPED = {
    "report.date": date(2026, 11, 20),
    "report.takeaways": "Said yes to the trust fund; =1+1 stays text",
    "report.partner_ids": ["prt-1", "prt-2"],
    "report.candidate": None,
    "report.draft": {"id": "int-1", "commitments": [{"id": "cmt-1"}]},
}


def test_a_draft_comes_back_as_typed_with_its_dates(tmp_path: Path) -> None:
    drafts = Drafts(tmp_path / "local.db")
    drafts.keep("sheet-a", "ana@example.org", "int-1", TYPED)
    kept = drafts.find("sheet-a", "ana@example.org", "int-1")
    assert kept is not None and kept.values == TYPED and kept.id == "int-1"
    drafts.keep("sheet-a", "ana@example.org", "int-1", {**TYPED, "report.takeaways": "Changed"})
    changed = drafts.find("sheet-a", "ana@example.org", "int-1")
    assert changed.values["report.takeaways"] == "Changed"
    assert [draft.id for draft in drafts.unsent("sheet-a", "ana@example.org")] == ["int-1"]


def test_drafts_are_kept_apart_by_person_and_data_source(tmp_path: Path) -> None:
    drafts = Drafts(tmp_path / "local.db")
    drafts.keep("sheet-a", "ana@example.org", "int-1", TYPED)
    assert drafts.find("sheet-a", "ben@example.org", "int-1") is None
    assert drafts.find("sheet-b", "ana@example.org", "int-1") is None
    assert drafts.unsent("sheet-a", "ben@example.org") == []
    drafts.discard("sheet-a", "ana@example.org", "int-1")
    assert drafts.find("sheet-a", "ana@example.org", "int-1") is None


def test_each_tab_keeps_its_own_draft_and_all_are_offered_newest_first(tmp_path: Path) -> None:
    """One person (with sign-in off, everyone is the local admin) typing in two tabs."""
    drafts = Drafts(tmp_path / "local.db")
    drafts.keep("db", "local admin", "int-first", {**TYPED, "report.takeaways": "First tab"})
    with sqlite3.connect(tmp_path / "local.db") as connection:  # typed a minute earlier
        connection.execute("UPDATE tab_drafts SET saved_at = '2026-11-20T09:00:00'")
    drafts.keep("db", "local admin", "int-second", {**TYPED, "report.takeaways": "Second tab"})

    unsent = drafts.unsent("db", "local admin")
    assert [draft.id for draft in unsent] == ["int-second", "int-first"]
    assert [draft.values["report.takeaways"] for draft in unsent] == ["Second tab", "First tab"]
    drafts.discard("db", "local admin", "int-second")
    assert drafts.find("db", "local admin", "int-first").values["report.takeaways"] == "First tab"


def test_a_damaged_draft_is_dropped_instead_of_breaking_the_form(tmp_path: Path) -> None:
    drafts = Drafts(tmp_path / "local.db")
    drafts.keep("sheet-a", "ana@example.org", "int-1", TYPED)
    drafts.keep("sheet-a", "ana@example.org", "int-2", TYPED)
    with sqlite3.connect(tmp_path / "local.db") as connection:
        connection.execute("UPDATE tab_drafts SET body = '{not json' WHERE id = 'int-1'")
    assert drafts.find("sheet-a", "ana@example.org", "int-1") is None
    assert [draft.id for draft in drafts.unsent("sheet-a", "ana@example.org")] == ["int-2"]


def test_a_draft_kept_by_the_earlier_one_per_person_version_is_still_offered(
    tmp_path: Path,
) -> None:
    path = tmp_path / "local.db"
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE drafts (target TEXT NOT NULL, owner TEXT NOT NULL, "
            "saved_at TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (target, owner))"
        )
        connection.execute(
            "INSERT INTO drafts VALUES ('db', 'local admin', '2026-11-20T09:00:00', ?)",
            (encode(TYPED),),
        )
    [kept] = Drafts(path).unsent("db", "local admin")
    assert kept.id == "int-1" and kept.values == TYPED  # named by its report, as drafts are now
    assert Drafts(path).unsent("db", "local admin") == [kept]  # moved once, not copied again


def a_report(author: str) -> tuple[str, list[dict]]:
    """A report's id and the writes that file it."""
    draft = report.new_draft()
    draft.update(date=date(2026, 11, 20), candidate_id="cand-1", kind="call", takeaways="Yes")
    records = report.records(draft, author, "2026-11-20T10:00:00+00:00")
    return draft["id"], report.operations(records)


def test_a_report_that_left_its_form_is_recognised_by_its_id(tmp_path: Path) -> None:
    queue = outbox.Outbox(tmp_path / "outbox.db", "db")
    stamp = "2026-11-20T10:00:00+00:00"
    interactions = pd.DataFrame(
        [{"id": "int-1", "candidate_id": "cand-1", "created_by": "ana", "created_at": stamp}]
    )
    assert sent("int-1", "ana", interactions, queue) == Sent("cand-1", stamp)
    assert sent("int-1", "ben", interactions, queue) is None  # a copied link: not Ben's report
    assert sent("int-2", "ana", interactions, queue) is None

    waiting, ops = a_report("ana")
    queue.put("Report", ops)
    assert sent(waiting, "ana", None, queue) == Sent("cand-1", None)  # the store cannot answer
    assert sent(waiting, "ben", interactions, queue) is None
    with sqlite3.connect(tmp_path / "outbox.db") as connection:
        connection.execute("UPDATE entries SET state = ?", (outbox.STUCK,))
    assert sent(waiting, "ana", interactions, queue) is None  # refused: saving again may help


# --- the report page: each tab's report keeps its identity ----------------------------------

PAGE = "pages/report.py"


def click(at: AppTest, label: str) -> AppTest:
    [button] = [button for button in at.button if button.label == label]
    return button.click().run()


def reopened(draft_id: str) -> AppTest:
    """The tab whose address names ``draft_id``, as the browser brings it back after a restart
    of the app (or a reload): a new session, which knows only the address."""
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    at.query_params["draft"] = draft_id
    at.run()
    return at.switch_page(PAGE).run()


def typed(store: SqlStore, takeaways: str) -> AppTest:
    """A tab with a report typed into it: a candidate, takeaways and a commitment."""
    candidates = store.read("candidates")
    at = app(PAGE)
    at.selectbox(key="report.candidate").set_value(candidates.iloc[0]["id"])
    at.text_area(key="report.takeaways").input(takeaways)
    at.run()
    click(at, "Add a commitment")
    [row] = at.session_state["report.draft"]["commitments"]
    at.text_area(key=f"report.commitments.{row['id']}.text").input("Fund the trust")
    at.selectbox(key=f"report.commitments.{row['id']}.issue_id").set_value(
        store.read("issues").iloc[0]["id"]
    )
    return at.run()


def stored(store: SqlStore, table: str, column: str, value: str) -> int:
    store.clear_cache()
    return int((store.read(table)[column] == value).sum())


def offers(at: AppTest) -> list[str]:
    return [element.value for element in at.markdown if "did not send" in element.value]


def test_a_tab_back_after_a_restart_gets_its_report_and_saves_it_once(
    sample_store: SqlStore,
) -> None:
    tab = typed(sample_store, "Said yes to the trust fund")
    report_id = tab.session_state["report.draft"]["id"]
    assert tab.query_params["draft"] == report_id  # the address names the tab's report

    back = reopened(report_id)
    assert back.session_state["report.draft"] == tab.session_state["report.draft"]  # same ids
    assert back.text_area(key="report.takeaways").value == "Said yes to the trust fund"
    note = [info.value for info in back.info if "Your report is back" in info.value]
    assert note and "press **Save the report**" in note[0]  # said by the Save button
    assert offers(back) == []  # its own draft, not an offer

    click(back, "Save the report")
    assert back.success[0].value.startswith("**Report saved.**")
    click(tab, "Save the report")  # the old tab, pressed again: the same report
    assert tab.success[0].value.startswith("**This report was already saved** at ")
    assert stored(sample_store, "interactions", "id", report_id) == 1
    assert stored(sample_store, "commitments", "text", "Fund the trust") == 1


def test_a_report_stored_just_before_a_restart_is_finished_not_stored_again(
    sample_store: SqlStore, own_outbox: Path
) -> None:
    tab = typed(sample_store, "Said yes to the trust fund")
    report_id = tab.session_state["report.draft"]["id"]
    kept = Drafts(own_outbox).find(sample_store.identity, "local admin", report_id)
    click(tab, "Save the report")
    # Killed after the interaction was written, before the commitment and the confirmation:
    # the draft was still kept and the last write never happened.
    Drafts(own_outbox).keep(sample_store.identity, "local admin", report_id, kept.values)
    with sample_store.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM commitments WHERE text = 'Fund the trust'")

    back = reopened(report_id)
    assert back.success[0].value.startswith("**This report was already saved** at ")
    assert not [button for button in back.button if button.label == "Save the report"]
    assert stored(sample_store, "interactions", "id", report_id) == 1
    assert stored(sample_store, "commitments", "text", "Fund the trust") == 1  # finished
    assert Drafts(own_outbox).unsent(sample_store.identity, "local admin") == []


def test_two_tabs_each_keep_their_own_draft(sample_store: SqlStore) -> None:
    first = typed(sample_store, "From the first tab")
    second = app(PAGE)
    assert len(offers(second)) == 1  # the first tab's, which may be open still or closed
    second.text_area(key="report.takeaways").input("From the second tab").run()

    third = app(PAGE)
    shown = offers(third)
    assert len(shown) == 2
    candidate = sample_store.read("candidates").iloc[0]["name"]
    assert sum(f"about {candidate}" in offer for offer in shown) == 1  # candidate and time
    assert all(", last changed " in offer for offer in shown)

    # The first tab's restart brings back the first tab's report, not the last one typed.
    back = reopened(first.session_state["report.draft"]["id"])
    assert back.text_area(key="report.takeaways").value == "From the first tab"
    back = reopened(second.session_state["report.draft"]["id"])
    assert back.text_area(key="report.takeaways").value == "From the second tab"


def test_a_restored_draft_once_saved_is_never_offered_or_stored_again(
    sample_store: SqlStore, own_outbox: Path
) -> None:
    old_tab = typed(sample_store, "Typed on the phone")
    report_id = old_tab.session_state["report.draft"]["id"]
    kept = Drafts(own_outbox).find(sample_store.identity, "local admin", report_id)
    reopened_tab = app(PAGE)
    click(reopened_tab, "Restore it")
    click(reopened_tab, "Save the report")
    assert reopened_tab.success[0].value.startswith("**Report saved.**")
    click(reopened_tab, "File another report")
    assert offers(reopened_tab) == []
    assert reopened_tab.session_state["report.draft"]["id"] != report_id
    assert offers(app(PAGE)) == []

    # Even a copy kept back somehow (a crash before it was dropped) is not offered again,
    Drafts(own_outbox).keep(sample_store.identity, "local admin", report_id, kept.values)
    assert offers(app(PAGE)) == []
    assert Drafts(own_outbox).unsent(sample_store.identity, "local admin") == []
    # and the old tab, pressed again, stores nothing new.
    click(old_tab, "Save the report")
    assert old_tab.success[0].value.startswith("**This report was already saved** at ")
    assert stored(sample_store, "interactions", "id", report_id) == 1
    assert stored(sample_store, "commitments", "text", "Fund the trust") == 1


def test_a_copied_link_to_someone_elses_draft_starts_a_report_of_ones_own(
    sample_store: SqlStore, own_outbox: Path
) -> None:
    Drafts(own_outbox).keep(sample_store.identity, "ana@example.org", "int-theirs", TYPED)
    at = reopened("int-theirs")
    assert at.session_state["report.draft"]["id"] != "int-theirs"
    assert at.query_params["draft"] == at.session_state["report.draft"]["id"]
    assert at.text_area(key="report.takeaways").value == ""
