"""The briefing on the candidates page under AppTest: every section on the sample, nothing
restricted for a viewer, the 7-day warning, and "Plan this meeting" filling in the report."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from lib import schema
from lib.briefing.content import HEADINGS
from lib.store import Store, UnavailableError
from lib.store.sql import PROJECT_ROOT, SqlStore
from tests.apptest import as_read
from tests.test_roles import AUTH, everything_shown, member_with

BELL = "cand-99dd251d"  # the sample's candidate the Nurses plan to meet in 3 days
NURSES = "ptn-51c9bc70"
COMMON_GROUND = "ptn-f38b2ffc"
TODAY = date.today()


def briefing(candidate_id: str = BELL, email: str | None = None) -> AppTest:
    """The briefing page as the member with ``email`` sees it (the local admin if None)."""
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    if email is not None:
        for name, value in AUTH.items():
            at.secrets[name] = value
        at.user = {"is_logged_in": True, "email": email}
    at.query_params["candidate"] = candidate_id
    at.query_params["view"] = "brief"
    at.run()
    return at.switch_page("pages/candidates.py").run()


def member_of(store: SqlStore, partner_id: str, role: str) -> str:
    members = store.read("members")
    return members[(members["partner_id"] == partner_id) & (members["role"] == role)]["email"].iloc[
        0
    ]


def read(markdown: str) -> str:
    """What a person reads: the app's own emphasis and the escapes of user text taken out."""
    return as_read(re.sub(r"(?<!\\)\*", "", markdown))


def warnings(at: AppTest) -> str:
    return read(" ".join(warning.value for warning in at.warning))


def plan_button(at: AppTest):  # AppTest's Button
    [button] = [button for button in at.button if button.label == "Plan this meeting"]
    return button


def test_the_profile_links_to_the_briefing(sample_store: SqlStore) -> None:
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    at.query_params["candidate"] = BELL
    at.run()
    at.switch_page("pages/candidates.py").run()
    [link] = [
        link for link in at.get("page_link") if link.proto.label == "Briefing before a meeting"
    ]
    assert (
        "view=brief" in link.proto.query_string and f"candidate={BELL}" in link.proto.query_string
    )


def test_the_briefing_on_the_sample_shows_every_section(sample_store: SqlStore) -> None:
    at = briefing()
    assert not at.exception and not at.error
    assert [title.value for title in at.title] == ["Briefing: Marcus Bell"]
    assert [as_read(h.value) for h in at.subheader] == [*HEADINGS.values(), "Plan this meeting"]
    shown = read(everything_shown(at))
    for expected in (
        "Mayor of Riverton · Democratic · General · Running",  # who they are
        "On their profile: jobs, public safety, housing, transportation",
        "Affordable housing fund: Supports, as of",  # a stance, its evidence and source
        "Source: Candidate forum on",
        "Overdue since",  # commitments, overdue first
        "Will put the affordable housing trust fund on the council's budget workshop agenda.",
        "Would you hold a council study session?",  # asked before
        "Thought right to counsel needs a state law",  # education
        "Verbatim (forum video):",  # quotes, marked
        "Paraphrased",
        "Lake County Nurses United, Local 214: ",  # each partner's last contact
        "Planned meetings",
        "jobs: labor: Lake County Nurses United, Local 214",  # who should come along
        "Stable tenancies mean fewer families in shelters",  # the coalition's framing rule
        "coalition rule",
        "includes restricted records",  # the local admin sees everything, and is told
    ):
        assert expected in shown, expected
    assert [as_read(b.label) for b in at.download_button] == ["Download briefing (PDF)"]
    assert "Campaign website" in [button.proto.label for button in at.get("link_button")]
    labels = [expander.label for expander in at.expander]
    assert labels[0] == "If they care about jobs"
    assert "If they care about public safety (1 coalition rule)" in [as_read(x) for x in labels]
    assert "Lake County Nurses United, Local 214 plans to meet them on" in warnings(at)


def restricted_about(store: SqlStore, candidate_id: str) -> list[str]:
    """Distinctive text of the candidate's restricted records that no open record repeats."""
    tables = store.read_all()
    secrets, open_text = [], []
    for name, fields in (
        ("interactions", ("takeaways", "quotes", "questions_asked", "education_needed")),
        ("commitments", ("text",)),
        ("positions", ("evidence",)),
        ("planned_meetings", ("objectives",)),
    ):
        rows = tables[name][tables[name]["candidate_id"] == candidate_id]
        hidden = rows["visibility"] == "restricted"
        for field in fields:
            secrets += [text.strip() for text in rows[hidden][field] if len(text.strip()) > 25]
            open_text += list(rows[~hidden][field])
    everything_open = " ".join(open_text)
    return [secret for secret in secrets if secret[:40] not in everything_open]


def test_a_viewers_briefing_shows_no_restricted_record(sample_store: SqlStore) -> None:
    sample_store.append(
        "planned_meetings",
        [
            {
                "candidate_id": BELL,
                "date": TODAY + timedelta(days=2),
                "partner_id": NURSES,
                "planned_by": "Rafael Quintero",
                "objectives": "Quietly sound him out on the confidential hospital budget numbers.",
                "visibility": "restricted",
                "created_by": "rafael.quintero@example.org",
            }
        ],
    )
    viewer = member_with(sample_store, "viewer")["email"]
    interactions = sample_store.read("interactions")
    with_secrets = sorted(
        set(interactions[interactions["visibility"] == "restricted"]["candidate_id"])
    )
    assert BELL in with_secrets
    for candidate_id in with_secrets:
        secrets = restricted_about(sample_store, candidate_id)
        assert secrets, candidate_id
        at = briefing(candidate_id, viewer)
        assert not at.exception
        shown = read(everything_shown(at) + " ".join(e.label for e in at.expander))
        assert [secret for secret in secrets if secret[:40] in shown] == []
        assert "includes restricted records" not in shown
        assert "Your role (viewer) does not allow you to plan meetings" in shown
        assert not [button for button in at.button if button.label == "Plan this meeting"]
    staff = briefing(BELL, member_with(sample_store, "staff")["email"])
    assert restricted_about(sample_store, BELL)[0][:40] in read(everything_shown(staff))


def test_the_7_day_warning_names_other_partners_meetings_only(sample_store: SqlStore) -> None:
    nurse = member_of(sample_store, NURSES, "staff")
    assert not briefing(BELL, nurse).warning  # the planned meeting is their own partner's
    housing = member_of(sample_store, COMMON_GROUND, "admin")
    at = briefing(BELL, housing)
    assert f"plans to meet them on {TODAY + timedelta(days=3)} (3 days after your meeting)" in (
        warnings(at)
    )
    assert "co-sponsor the safe staffing resolution" in warnings(at)
    at.date_input(key=f"brief.{BELL}.day").set_value(TODAY + timedelta(days=20)).run()
    assert not at.warning
    assert "No other partner met or plans to meet them within 7 days" in " ".join(
        caption.value for caption in at.caption
    )
    # Nine days ago the Parents group met him with Common Ground: a week from then, it shows.
    at.date_input(key=f"brief.{BELL}.day").set_value(TODAY - timedelta(days=9)).run()
    assert "Riverton Parents for Public Schools met them on" in warnings(at)
    assert "Lake County Nurses" not in warnings(at)


def plan(at: AppTest, day: date | None, objectives: str, visibility: str = "coalition") -> AppTest:
    at.date_input(key=f"brief.{BELL}.day").set_value(day)
    at.text_area(key=f"brief.{BELL}.objectives").input(objectives)
    at.selectbox(key=f"brief.{BELL}.visibility").set_value(visibility)
    at.run()
    return plan_button(at).click().run()


def test_plan_this_meeting_stores_it_and_fills_in_the_report(sample_store: SqlStore) -> None:
    tomas = member_of(sample_store, COMMON_GROUND, "advocate")
    day = TODAY + timedelta(days=2)
    objectives = "Ask for the $12 million *in public*; bring the pilot data."
    at = plan(briefing(BELL, tomas), day, objectives)
    assert not at.exception
    assert [title.value for title in at.title] == ["Report a candidate interaction"]
    assert at.selectbox(key="report.candidate").value == BELL
    assert at.date_input(key="report.date").value == day
    assert at.text_area(key="report.objectives").value == objectives
    assert at.multiselect(key="report.partner_ids").value == [COMMON_GROUND]
    assert at.text_input(key="report.reported_by").value == "Tomás Herrera"
    assert not at.error  # a meeting still to come: the form opens, to be filed afterwards
    assert not [info for info in at.info if "Your report is back" in info.value]
    assert "report.planned" not in at.session_state

    sample_store.clear_cache()
    stored = sample_store.read("planned_meetings")
    [row] = stored[stored["objectives"] == objectives].to_dict("records")
    assert (row["candidate_id"], row["date"], row["partner_id"]) == (
        BELL,
        day.isoformat(),
        COMMON_GROUND,
    )
    assert (row["planned_by"], row["created_by"], row["visibility"]) == (
        "Tomás Herrera",
        tomas,
        "coalition",
    )
    audit = sample_store.read("audit")
    assert list(audit[audit["record_id"] == row["id"]]["action"]) == ["planned meeting"]
    assert at.query_params["draft"] == at.session_state["report.draft"]["id"]

    # The Nurses, meeting him in three days, now see that Common Ground goes first.
    nurse = briefing(BELL, member_of(sample_store, NURSES, "staff"))
    assert f"Common Ground Housing Collaborative plans to meet them on {day}" in warnings(nurse)


def test_the_plan_form_refuses_bad_input_and_keeps_what_was_typed(sample_store: SqlStore) -> None:
    long_text = "x" * (schema.MAX_CELL_CHARS + 1)
    at = plan(briefing(), None, long_text)
    assert not at.exception
    errors = " ".join(as_read(error.value) for error in at.error)
    assert "Give the date of the meeting." in errors
    assert "the most a field can hold is 50,000" in errors
    assert at.text_area(key=f"brief.{BELL}.objectives").value == long_text
    assert [title.value for title in at.title] == ["Briefing: Marcus Bell"]
    sample_store.clear_cache()
    assert len(sample_store.read("planned_meetings")) == 1  # the sample's own


def test_planning_is_refused_if_access_was_withdrawn_meanwhile(sample_store: SqlStore) -> None:
    tomas = member_of(sample_store, COMMON_GROUND, "advocate")
    at = briefing(BELL, tomas)
    sample_store.update("members", tomas, {"role": "viewer"})
    at = plan(at, TODAY, "Ask about the fund")
    assert not at.exception
    assert "Your role is now viewer" in " ".join(error.value for error in at.error)
    assert at.text_area(key=f"brief.{BELL}.objectives").value == "Ask about the fund"
    sample_store.clear_cache()
    assert len(sample_store.read("planned_meetings")) == 1


def test_planning_again_after_a_lost_answer_stores_the_plan_once(
    sample_store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = Store.change
    answers_lost: list[int] = []

    def lands_but_answer_is_lost(self: Store, edits, append=None):
        written = original(self, edits, append)
        if not answers_lost:
            answers_lost.append(1)
            raise UnavailableError("The data source did not answer in time.")
        return written

    monkeypatch.setattr(Store, "change", lands_but_answer_is_lost)
    at = plan(briefing(), TODAY + timedelta(days=1), "Ask about the fund")
    assert "did not answer in time" in " ".join(error.value for error in at.error)
    at = plan_button(at).click().run()
    assert [title.value for title in at.title] == ["Report a candidate interaction"]
    sample_store.clear_cache()
    stored = sample_store.read("planned_meetings")
    assert len(stored[stored["objectives"] == "Ask about the fund"]) == 1
    audit = sample_store.read("audit")
    assert len(audit[audit["action"] == "planned meeting"]) == 1


def test_a_link_to_an_unknown_candidates_briefing_says_so(sample_store: SqlStore) -> None:
    at = briefing("cand-gone")
    assert not at.exception
    assert "names no candidate we know of" in at.warning[0].value


def test_the_briefing_of_a_candidate_with_no_records_still_shows_every_section(
    empty_store: SqlStore,
) -> None:
    empty_store.append("candidates", [{"id": "cand-new", "name": "New Person"}])
    at = briefing("cand-new")
    assert not at.exception
    assert [as_read(h.value) for h in at.subheader] == [*HEADINGS.values(), "Plan this meeting"]
    captions = " ".join(caption.value for caption in at.caption)
    for empty in (
        "No priorities recorded",
        "The coalition has no active issues yet.",
        "No open commitments.",
        "No quotes noted in reports yet.",
        "No partner's strengths match their priorities yet.",
    ):
        assert empty in captions
    assert not at.warning


def test_a_plan_begun_for_one_candidate_is_not_carried_to_another(sample_store: SqlStore) -> None:
    at = briefing()
    at.text_area(key=f"brief.{BELL}.objectives").input("Only for Marcus Bell").run()
    other = sample_store.read("candidates").query("id != @BELL")["id"].iloc[0]
    at.query_params["candidate"] = other
    at.run()
    assert not at.exception
    assert at.text_area(key=f"brief.{other}.objectives").value == ""
    assert f"brief.{BELL}.ids" in at.session_state
    assert at.session_state[f"brief.{other}.ids"] != at.session_state[f"brief.{BELL}.ids"]
