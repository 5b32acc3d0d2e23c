"""The meeting's agenda, its agreed actions and its minutes, as pure functions of the tables."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from lib import digest, outbox, sample, schema, visibility
from lib.meeting import actions, agenda, minutes
from lib.store.sql import SqlStore
from tests.test_meeting import restricted_texts

TODAY = date.today()
SINCE = TODAY - timedelta(days=14)
YEAR_AGO = TODAY - timedelta(days=365)


@pytest.fixture(scope="module")
def sample_tables() -> dict[str, pd.DataFrame]:
    """The sample coalition's tables as a store reads them, with no settings or audit yet."""
    tables = {
        **sample.sample_tables(TODAY),
        "settings": pd.DataFrame(columns=schema.table("settings").column_names),
        "audit": pd.DataFrame(columns=schema.table("audit").column_names),
    }
    return {name: schema.normalise(name, frame) for name, frame in tables.items()}


def section_text(section: agenda.AgendaSection) -> str:
    return " ".join(
        [
            section.heading,
            section.note,
            section.subtitle,
            *section.lines,
            *(line for part in section.parts for line in (part.heading, *part.lines)),
            *(item.sentence for item in section.progress),
        ]
    )


def with_agreed(tables: dict[str, pd.DataFrame], ops: list[dict]) -> dict[str, pd.DataFrame]:
    """The tables with the rows of these writes added, as a store would hold them."""
    added = dict(tables)
    for op in ops:
        rows = pd.DataFrame(op["rows"])
        added[op["table"]] = schema.normalise(
            op["table"], pd.concat([tables[op["table"]], rows], ignore_index=True)
        )
    return added


def test_the_agenda_runs_from_the_news_through_each_candidate_to_the_agreed_actions(
    sample_tables,
) -> None:
    sections = agenda.sections(sample_tables, SINCE, TODAY)
    kinds = [section.kind for section in sections]
    news = digest.new_since(
        visibility.visible_tables(sample_tables, visibility.COALITION), SINCE, TODAY
    )
    assert news
    assert kinds == [
        agenda.NEWS,
        *[agenda.CANDIDATE] * len(news),
        agenda.FOLLOW_UPS,
        agenda.EDUCATION,
        agenda.INSIGHTS,
        agenda.GOALS,  # the sample coalition has goals
        agenda.ACTIONS,
    ]
    assert [section.heading for section in sections[1 : 1 + len(news)]] == [
        part.heading for part in news
    ]
    first = sections[0]
    assert first.heading == f"New since {SINCE}"
    assert len(first.lines) == len(news)
    assert all(": " in line and ("report" in line or "commitment" in line) for line in first.lines)
    assert sections[-1].lines == () and "No actions agreed yet" in sections[-1].empty


def test_a_candidates_screen_has_their_news_and_their_stance_on_every_active_issue(
    sample_tables,
) -> None:
    sections = agenda.sections(sample_tables, SINCE, TODAY)
    candidate = next(section for section in sections if section.kind == agenda.CANDIDATE)
    news, stances = candidate.parts
    assert news.heading == f"New since {SINCE}" and news.lines
    active = sample_tables["issues"][sample_tables["issues"]["active"]]
    assert [line.split(": ")[0] for line in stances.lines] == list(active["name"])
    labels = set(schema.STANCE.labels.values()) | {"no record yet"}
    assert all(line.split(": ", 1)[1] in labels for line in stances.lines)
    row = sample_tables["candidates"].set_index("id").loc[candidate.candidate_id]
    assert row["name"] in candidate.heading and row["office"] in candidate.subtitle


def test_no_section_holds_anything_restricted(sample_tables) -> None:
    secrets = restricted_texts(sample_tables)
    assert secrets
    for since in (SINCE, YEAR_AGO):
        text = " ".join(section_text(s) for s in agenda.sections(sample_tables, since, TODAY))
        assert [secret for secret in secrets if secret in text] == []


def test_a_coalition_without_goals_has_no_goals_screen(sample_tables) -> None:
    tables = {**sample_tables, "goals": sample_tables["goals"].iloc[0:0]}
    assert agenda.GOALS not in [s.kind for s in agenda.sections(tables, SINCE, TODAY)]


# --- agreed actions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "owner", "due", "field", "says"),
    [
        ("", "Jo", TODAY, "title", "Say what was agreed"),
        ("   ", "Jo", TODAY, "title", "Say what was agreed"),
        ("x" * (schema.MAX_CELL_CHARS + 1), "Jo", TODAY, "title", "50,000"),
        ("Call the clerk", None, TODAY, "owner", "Choose who will do it"),
        ("Call the clerk", "  ", TODAY, "owner", "Choose who will do it"),
        ("Call the clerk", "J" * (schema.MAX_CELL_CHARS + 1), TODAY, "owner", "50,000"),
        ("Call the clerk", "Jo", None, "due", "Give the date"),
        ("Call the clerk", "Jo", TODAY - timedelta(days=1), "due", "in the past"),
    ],
)
def test_an_action_is_refused_with_a_reason_by_field(
    title: str, owner: str | None, due: date | None, field: str, says: str
) -> None:
    planned = actions.plan(title, owner, due, "rafael@example.org", TODAY)
    assert planned.ops == []
    assert list(planned.errors) == [field]
    assert says in planned.errors[field]


def test_an_agreed_action_is_a_plain_action_with_an_audit_row_naming_the_meeting() -> None:
    title = '=HYPERLINK("http://x") send the brief'
    planned = actions.plan(f"  {title} ", " Tomás Herrera ", TODAY, "rafael@example.org", TODAY)
    assert planned.errors == {}
    [appended, logged] = planned.ops
    [row] = appended["rows"]
    assert appended["table"] == "actions" and row["id"] == actions.action_id(planned.ops)
    assert (row["title"], row["owner"], row["due"], row["done"]) == (
        title,
        "Tomás Herrera",
        TODAY.isoformat(),
        "FALSE",
    )
    # Linked to nothing: every member sees it, and it reveals nothing restricted.
    assert all(row[name] == "" for name in ("candidate_id", "interaction_id", "commitment_id"))
    assert row["partner_id"] == "" and row["created_by"] == "rafael@example.org"
    [mark] = logged["rows"]
    assert (mark["action"], mark["table"], mark["record_id"]) == (
        actions.AGREED,
        "actions",
        row["id"],
    )
    assert mark["detail"] == f"Agreed at the meeting of {TODAY}: {title}"


def test_the_actions_of_a_meeting_are_those_agreed_on_its_day(sample_tables) -> None:
    today = actions.plan("Book the room", "Jo", TODAY, "a@example.org", TODAY)
    earlier = actions.plan("Old business", "Jo", TODAY, "a@example.org", TODAY - timedelta(7))
    tables = with_agreed(with_agreed(sample_tables, today.ops), earlier.ops)
    found = actions.agreed_at(tables, TODAY)
    assert list(found["id"]) == [actions.action_id(today.ops)]
    assert list(actions.agreed_at(tables, TODAY - timedelta(7))["title"]) == ["Old business"]
    # Actions filed with reports are not the meeting's.
    assert len(actions.agreed_at(sample_tables, TODAY)) == 0
    assert actions.lines(found) == [f"Book the room (owner: Jo; due {TODAY})"]
    last = agenda.sections(tables, SINCE, TODAY)[-1]
    assert last.lines == (f"Book the room (owner: Jo; due {TODAY})",)


def test_writing_an_agreed_action_twice_adds_it_once(sample_store: SqlStore) -> None:
    planned = actions.plan("Send the brief", "Tomás Herrera", TODAY, "a@example.org", TODAY)
    before = {name: len(sample_store.read(name)) for name in ("actions", "audit")}
    assert actions.save(sample_store, None, planned.ops) is True
    # A retry after an answer that never came sends the very same writes.
    actions.save(sample_store, None, planned.ops)
    sample_store.clear_cache()
    after = {name: len(sample_store.read(name)) for name in ("actions", "audit")}
    assert after == {name: count + 1 for name, count in before.items()}
    stored = sample_store.read("actions").set_index("id").loc[actions.action_id(planned.ops)]
    assert (stored["owner"], stored["due"]) == ("Tomás Herrera", TODAY.isoformat())


def test_a_refused_check_writes_nothing(sample_store: SqlStore) -> None:
    planned = actions.plan("Send the brief", "Jo", TODAY, "gus.petrakis@example.org", TODAY)
    check = outbox.check_op("gus.petrakis@example.org", "run meetings")  # the sample's viewer
    before = len(sample_store.read("actions"))
    with pytest.raises(Exception, match="does not allow you to run meetings"):
        actions.save(sample_store, None, planned.ops, [check])
    sample_store.clear_cache()
    assert len(sample_store.read("actions")) == before


# --- minutes -------------------------------------------------------------------------------------


def test_the_minutes_are_the_report_back_and_the_agreed_actions(sample_tables) -> None:
    planned = actions.plan("Send the brief", "Tomás Herrera", TODAY, "a@example.org", TODAY)
    tables = with_agreed(sample_tables, planned.ops)
    built = minutes.minutes(tables, SINCE, TODAY, "Riverton Forward", TODAY)
    report_back = digest.build(tables, SINCE, TODAY, "coalition", "Riverton Forward", TODAY)
    assert [s.heading for s in built.sections] == [
        *[s.heading for s in report_back.sections],
        minutes.AGREED_HEADING,
    ]
    assert built.sections[:-1] == report_back.sections
    assert built.sections[-1].lines == [f"Send the brief (owner: Tomás Herrera; due {TODAY})"]
    assert f"meeting of {TODAY}" in built.title and f"{SINCE} to {TODAY}" in built.subtitle
    text = digest.to_markdown(built)
    assert "## Agreed actions" in text and "Send the brief" in text
    assert [secret for secret in restricted_texts(sample_tables) if secret in text] == []
    assert digest.to_pdf(built).startswith(b"%PDF")


def test_minutes_with_no_agreed_action_say_so(sample_tables) -> None:
    built = minutes.minutes(sample_tables, SINCE, TODAY, "", TODAY)
    assert built.title.startswith("Coalition meeting of")
    assert "No actions were agreed." in digest.to_markdown(built)


# --- fitting a screen ----------------------------------------------------------------------------


def test_long_lines_are_clipped_at_a_word() -> None:
    assert agenda.clip("short line") == "short line"
    clipped = agenda.clip("word " * 100, 40)
    assert len(clipped) <= 40 and clipped.endswith("word…")
    assert agenda.clip("x" * 300, 50) == "x" * 49 + "…"
    # A word far from the cut is no place to cut: the start of the run of text is kept.
    assert (
        agenda.clip("2026-11-27, email: " + "A" * 300, 60) == "2026-11-27, email: " + "A" * 40 + "…"
    )


def test_a_screen_shows_a_few_lines_and_counts_the_rest() -> None:
    lines = [f"line {n}" for n in range(20)]
    shown, more = agenda.screenful(lines, 8)
    assert shown == lines[:8] and more == 12
    # One left over is shown rather than announced.
    assert agenda.screenful(lines[:9], 8) == (lines[:9], 0)
    parts = [
        agenda.Part("A", ("a1", "a2", "a3")),
        agenda.Part("B", ("b1", "b2")),
        agenda.Part("C", ("c1",)),
    ]
    fitted, left_out = agenda.fit_parts(parts, 6)
    assert fitted == [agenda.Part("A", ("a1", "a2", "a3")), agenda.Part("B", ("b1",))]
    assert left_out == 2
