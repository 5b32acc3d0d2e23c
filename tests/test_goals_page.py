"""Settings → Goals and framing under AppTest, and the goals on the Overview, the Meeting screen
and the report-back."""

from __future__ import annotations

import subprocess
from datetime import date, timedelta
from pathlib import Path

from streamlit.testing.v1 import AppTest

from lib import digest, goals, schema, visibility
from lib.store.sql import SqlStore
from tests.apptest import app, as_read
from tests.shared import wrapped_in
from tests.test_roles import as_member, member_with

PAGE = "pages/settings_goals.py"
TODAY = date.today()
HOUSING = "iss-8306d03b"  # the sample's affordable housing fund


def fill_goal(at: AppTest, **values: object) -> AppTest:
    for name, value in values.items():
        widget = f"goals.goals.{name}"
        if name == "target":
            at.text_input(key=widget).input(str(value))
        elif name == "description":
            at.text_area(key=widget).input(str(value))
        elif name in ("starts_on", "due"):
            at.date_input(key=widget).set_value(value)
        else:
            at.selectbox(key=widget).set_value(value)
    return at


def save(at: AppTest, label: str) -> AppTest:
    [button] = [button for button in at.button if button.label == label]
    return button.click().run()


def progress_texts(at: AppTest) -> list[str]:
    """Each bar's sentence as read (its standing is in bold)."""
    return [as_read(element.proto.text.replace("**", "")) for element in at.get("progress")]


def errors(at: AppTest) -> list[str]:
    return [as_read(error.value) for error in at.error]


def test_an_admin_adds_a_goal_and_it_shows_on_the_overview_and_the_meeting_screen(
    sample_store: SqlStore,
) -> None:
    before = len(sample_store.read("goals"))
    at = app(PAGE)
    assert not at.exception
    fill_goal(
        at,
        issue_id=HOUSING,
        kind="commitments_kept",
        target="40",
        starts_on=TODAY - timedelta(days=50),
        due=TODAY + timedelta(days=50),
        description="=Forty promises kept",
    )
    save(at, "Save the goal")
    assert not at.exception
    assert errors(at) == []
    assert "Saved: added the goal." in [as_read(success.value) for success in at.success]
    sample_store.clear_cache()
    stored = sample_store.read("goals")
    assert len(stored) == before + 1
    [row] = stored[stored["description"] == "=Forty promises kept"].to_dict("records")
    assert (row["issue_id"], row["kind"], row["target"], row["race"]) == (
        HOUSING,
        "commitments_kept",
        "40",
        "",
    )
    assert row["due"] == (TODAY + timedelta(days=50)).isoformat() and row["active"]
    audit = sample_store.read("audit")
    assert audit[(audit["record_id"] == row["id"]) & (audit["action"] == "added")].shape[0] == 1
    # The form is ready for the next goal.
    assert at.text_input(key="goals.goals.target").value == ""

    kept = sample_store.read("commitments")
    kept = kept[(kept["issue_id"] == HOUSING) & (kept["status"] == "kept")]
    line = (
        f"Affordable housing fund: {len(kept)} of 40 commitments kept by "
        f"{TODAY + timedelta(days=50)} — behind (20 expected by now)"
    )
    assert line in progress_texts(app())
    meeting = app("pages/meeting.py")
    assert not meeting.exception
    assert "Coalition goals" in [header.value for header in meeting.header]
    on_screen = [text for text in progress_texts(meeting) if "40 commitments kept" in text]
    assert len(on_screen) == 1 and on_screen[0].endswith("— behind (20 expected by now)")


def test_a_bad_target_is_refused_beside_the_field_and_nothing_is_written(
    sample_store: SqlStore,
) -> None:
    before = sample_store.read("goals")
    at = app(PAGE)
    fill_goal(at, issue_id=HOUSING, kind="candidates_supporting", target="five")
    fill_goal(at, due=TODAY + timedelta(days=30), description="Five supporters")
    save(at, "Save the goal")
    assert not at.exception
    assert any("The target must be a whole number above zero" in text for text in errors(at))
    assert any("Not saved yet." in text for text in errors(at))
    # What was typed stays.
    assert at.text_input(key="goals.goals.target").value == "five"
    assert at.text_area(key="goals.goals.description").value == "Five supporters"
    sample_store.clear_cache()
    assert len(sample_store.read("goals")) == len(before)

    fill_goal(at, target="5", starts_on=TODAY, due=TODAY - timedelta(days=1))
    save(at, "Save the goal")
    assert any(f"must be after its start ({TODAY})" in text for text in errors(at))
    sample_store.clear_cache()
    assert len(sample_store.read("goals")) == len(before)


def test_an_admin_archives_a_goal_and_it_leaves_the_overview(sample_store: SqlStore) -> None:
    stored = sample_store.read("goals")
    target = stored[stored["kind"] == "commitments_made"].iloc[0]
    at = app(PAGE)
    at.selectbox(key="goals.goals.pick").set_value(target["id"]).run()
    assert at.text_input(key="goals.goals.target").value == target["target"]
    at.checkbox(key="goals.goals.active").uncheck()
    save(at, "Save the goal")
    assert "Saved: archived the goal." in [as_read(success.value) for success in at.success]
    sample_store.clear_cache()
    assert not sample_store.read("goals").set_index("id").loc[target["id"], "active"]
    assert not [text for text in progress_texts(app()) if "commitments made" in text]


def test_with_no_goals_the_overview_says_so_and_points_admins_to_settings(
    sample_store: SqlStore,
) -> None:
    for record_id in sample_store.read("goals")["id"]:
        sample_store.update("goals", record_id, {"active": False})
    at = app()
    assert "No goals set yet." in [caption.value for caption in at.caption]
    assert [link.proto.page for link in at.get("page_link") if "goals" in link.proto.page]
    assert progress_texts(at) == []


def test_a_goal_that_cannot_be_read_is_said_so_not_crashed_on(sample_store: SqlStore) -> None:
    stored = sample_store.read("goals")
    sample_store.update("goals", stored["id"].iloc[0], {"target": "lots"})
    at = app()
    assert not at.exception
    warnings = [as_read(warning.value) for warning in at.warning]
    assert any("its target 'lots' is not a whole number above zero" in text for text in warnings)


def test_someone_who_is_not_an_admin_cannot_open_the_page(sample_store: SqlStore) -> None:
    for role in ("viewer", "advocate", "staff"):
        at = as_member(PAGE, member_with(sample_store, role)["email"])
        assert not at.exception
        assert any("does not allow you to change settings" in info.value for info in at.info)
        assert not [button for button in at.button if button.label.startswith("Save the")]


def test_an_admin_demoted_while_the_form_is_open_cannot_save(sample_store: SqlStore) -> None:
    admin = member_with(sample_store, "admin")["email"]
    before = len(sample_store.read("goals"))
    at = as_member(PAGE, admin)
    fill_goal(at, kind="candidates_met", target="3", due=TODAY + timedelta(days=9))
    sample_store.update("members", admin, {"role": "staff"})
    save(at, "Save the goal")
    assert any("Your role is now staff" in text for text in errors(at))
    assert at.text_input(key="goals.goals.target").value == "3"
    sample_store.clear_cache()
    assert len(sample_store.read("goals")) == before


def test_a_framing_rule_is_saved_with_a_new_priority_and_its_text_as_typed(
    sample_store: SqlStore,
) -> None:
    at = app(PAGE)
    # A priority of the coalition's own words, typed into the list as a browser sends it.
    priority = at.selectbox(key="goals.framing.priority")
    priority.options.append("faith and family")
    priority.set_value("faith and family")
    at.text_area(key="goals.framing.text").input("=Housing is how families stay together.")
    save(at, "Save the framing rule")
    assert not at.exception
    assert errors(at) == []
    sample_store.clear_cache()
    framing = sample_store.read("framing")
    [row] = framing[framing["priority"] == "faith and family"].to_dict("records")
    assert row["text"] == "=Housing is how families stay together."
    assert row["issue_id"] == "" and row["active"]
    audit = sample_store.read("audit")
    assert (audit["record_id"] == row["id"]).sum() == 1


def test_a_framing_rule_over_the_cell_limit_is_refused(sample_store: SqlStore) -> None:
    before = len(sample_store.read("framing"))
    at = app(PAGE)
    at.selectbox(key="goals.framing.priority").set_value("economy")
    # Past what the browser lets anyone type: the server refuses it all the same.
    at.text_area(key="goals.framing.text").set_value("x" * (schema.MAX_CELL_CHARS + 1))
    save(at, "Save the framing rule")
    assert any("a cell holds at most 50,000" in text for text in errors(at))
    sample_store.clear_cache()
    assert len(sample_store.read("framing")) == before


def test_the_report_back_has_a_line_per_goal(sample_store: SqlStore, tmp_path: Path) -> None:
    tables = sample_store.read_all()
    start = TODAY - timedelta(days=14)
    built = digest.build(tables, start, TODAY, "coalition", "Riverton", TODAY)
    [section] = [section for section in built.sections if section.heading == "Coalition goals"]
    counted = goals.progress_in(visibility.visible_tables(tables, visibility.COALITION), TODAY)
    assert section.lines == [item.sentence for item in counted]
    assert len(section.lines) == 4
    markdown = digest.to_markdown(built)
    assert "## Coalition goals" in markdown
    for line in section.lines:
        assert f"- {digest.escape(line)}" in markdown
    pdf = tmp_path / "digest.pdf"
    pdf.write_bytes(digest.to_pdf(built))
    printed = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert all(wrapped_in(line, printed) for line in section.lines)
    # The coalition's own plans never go into the report-back that may leave it.
    public = digest.build(tables, start, TODAY, "public", "Riverton", TODAY)
    assert "Coalition goals" not in [section.heading for section in public.sections]


def test_the_meeting_screen_counts_only_what_the_whole_coalition_may_see(
    sample_store: SqlStore,
) -> None:
    tables = sample_store.read_all()
    everything = [item.sentence for item in goals.progress_in(tables, TODAY)]
    shared = visibility.visible_tables(tables, visibility.COALITION)
    coalition = [item.sentence for item in goals.progress_in(shared, TODAY)]
    assert everything != coalition  # the sample's restricted reports count for staff only
    assert sorted(progress_texts(app())) == sorted(everything)
    assert sorted(progress_texts(app("pages/meeting.py"))) == sorted(coalition)


def test_names_in_a_bar_show_as_typed(sample_store: SqlStore) -> None:
    sample_store.update("issues", HOUSING, {"name": "**Rent** :red[cap] $x$"})
    [bar] = [text for text in progress_texts(app()) if "Supports or better" in text]
    assert bar.startswith("**Rent** :red[cap] $x$: ")
    [raw] = [
        element.proto.text
        for element in app().get("progress")
        if "Supports or better" in element.proto.text
    ]
    assert raw.startswith(r"\*\*Rent\*\* \:red\[cap\] \$x\$")
