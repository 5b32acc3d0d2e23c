"""Questionnaires on a real SQLite store: writing them, private links, a candidate's answers.

What must hold: a sent questionnaire never changes under a candidate; a link opens only its own
invitation and says nothing about why it does not; only a token's hash is stored; every
candidate write is one write, checked at the moment it is made, and a retry adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from lib import analytics, schema
from lib.questionnaires import compare, forms, links, responses, versions
from lib.store import UnavailableError
from lib.store.sql import SqlStore

TODAY = date.today()
DEADLINE = TODAY + timedelta(days=14)
STAFF = "dana.okafor@example.org"
FORMULA = '=HYPERLINK("http://evil.example","click")'
MARKUP = "<script>alert(1)</script> **bold**"


def question(text: str, kind: str, **fields: object) -> dict[str, object]:
    return {"text": text, "kind": kind, **fields}


@dataclass
class Setup:
    store: SqlStore
    questionnaire: pd.Series
    questions: pd.DataFrame  # in order: housing (yes/no), counsel (agree), plan (free), pick
    candidates: list[str]
    issues: list[str]
    tokens: dict[str, str]

    def invitation(self, candidate_id: str) -> pd.Series:
        invitations = self.store.read_fresh("invitations")
        return invitations[invitations["candidate_id"] == candidate_id].iloc[0]

    @property
    def q(self) -> list[str]:
        return self.questions["id"].tolist()


def counts(store: SqlStore) -> dict[str, int]:
    return {name: len(store.read_fresh(name)) for name in schema.TABLES}


def make_questionnaire(store: SqlStore) -> Setup:
    tables = store.read_all()
    candidates = tables["candidates"]["id"].tolist()[:3]
    issues = tables["issues"]["id"].tolist()[:2]
    rows = versions.new_questionnaire(
        "Housing questionnaire",
        "Please answer by the deadline.",
        candidates,
        DEADLINE,
        "coalition",
        [
            question("Will you vote for the housing fund?", "yes_no", issue_id=issues[0]),
            question("Tenants deserve counsel.", "agree_scale", issue_id=issues[1]),
            question("Describe your plan.", "free_text", limit="10", limit_unit="words"),
            question("Pick one.", "one_choice", options=["Bonds", "Levy", "Neither"]),
        ],
        STAFF,
    )
    store.change([], rows)
    questionnaire = store.read_fresh("questionnaires").iloc[0]
    invitation_rows, tokens = links.invite_rows(
        questionnaire, candidates[:2], {candidates[0]: "ines@example.org"}, STAFF
    )
    store.change([], invitation_rows)
    asked = {"questions": store.read_fresh("questions")}
    questions = compare.questions_of(questionnaire["id"], asked)
    return Setup(store, questionnaire, questions, candidates, issues, tokens)


@pytest.fixture
def setup(sample_store: SqlStore) -> Setup:
    return make_questionnaire(sample_store)


def count_writes(store: SqlStore, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    writes: list[object] = []
    real = store._write
    monkeypatch.setattr(store, "_write", lambda *a: writes.append(a) or real(*a))
    return writes


# --- forms: pure rules ----------------------------------------------------------------------------


def test_each_kind_offers_its_answers() -> None:
    assert forms.answer_choices({"kind": "yes_no"}) == ["Yes", "No"]
    assert forms.answer_choices({"kind": "yes_no_exceptions"})[-1] == "Yes, with exceptions"
    assert len(forms.answer_choices({"kind": "agree_scale"})) == 5
    assert forms.answer_choices({"kind": "one_choice", "options": "A; B\nC"}) == ["A", "B", "C"]
    assert forms.answer_choices({"kind": "free_text"}) == []


def test_limits_count_words_or_characters_and_say_how_much_to_cut() -> None:
    words = {"kind": "free_text", "limit": "500", "limit_unit": "words"}
    assert forms.measure("one  two\nthree ", "words") == 3
    assert forms.measure("one two", "characters") == 7
    assert forms.limit_problem(words, "word " * 512) == (
        "This answer is 512 words; the limit is 500. Shorten it; nothing you typed is lost."
    )
    assert forms.limit_problem(words, "word " * 500) is None
    for unreadable in ("", "lots", "-3", "0"):
        assert forms.limit_problem({"limit": unreadable}, "x" * 100_000) is None
    assert forms.limit_problem({"limit": "1,000"}, "x" * 1001).startswith(
        "This answer is 1,001 characters; the limit is 1,000."
    )


def test_a_closed_answer_must_be_an_offered_choice() -> None:
    yes_no = {"kind": "yes_no"}
    assert forms.answer_problem(yes_no, "Yes") is None
    assert forms.answer_problem(yes_no, " yes ") is None
    assert forms.answer_problem(yes_no, "Maybe") == "Choose one of the answers offered: Yes, No."
    assert forms.answer_problem(yes_no, "") is None
    assert forms.normal_answer(yes_no, " yes ") == "Yes"
    assert forms.normal_answer({"kind": "free_text"}, "  as typed ") == "  as typed "


def test_only_linked_closed_questions_take_a_stance() -> None:
    linked = {"issue_id": "iss-1"}
    expected = {
        ("yes_no", "Yes"): "supports",
        ("yes_no", "No"): "opposes",
        ("yes_no_exceptions", "Yes, with exceptions"): "undecided",
        ("agree_scale", "Strongly agree"): "strongly_supports",
        ("agree_scale", "Agree"): "supports",
        ("agree_scale", "Neither agree nor disagree"): "undecided",
        ("agree_scale", "Disagree"): "opposes",
        ("agree_scale", "Strongly disagree"): "strongly_opposes",
    }
    for (kind, answer), stance in expected.items():
        assert forms.stance_of({**linked, "kind": kind}, answer) == stance
    assert forms.stance_of({"kind": "yes_no", "issue_id": ""}, "Yes") is None
    assert forms.stance_of({**linked, "kind": "free_text"}, "Yes") is None
    assert forms.stance_of({**linked, "kind": "one_choice", "options": "Yes; No"}, "Yes") is None


def test_the_voter_guide_cuts_at_the_limit_with_an_ellipsis() -> None:
    assert forms.cut("one two  three four", 2, "words") == "one two…"
    assert forms.cut("one two", 2, "words") == "one two"
    assert forms.cut("abcdef", "4", "characters") == "abcd…"
    assert forms.cut("abcdef", "", "characters") == "abcdef"


# --- writing questionnaires and versions ---------------------------------------------------------


def test_a_new_questionnaire_is_version_1_of_its_own_series(setup: Setup) -> None:
    questionnaire = setup.questionnaire
    assert questionnaire["series_id"] == questionnaire["id"]
    assert questionnaire["version"] == "1"
    assert setup.questions["number"].tolist() == ["1", "2", "3", "4"]
    assert setup.questions["options"].iloc[3] == "Bonds; Levy; Neither"
    audit = setup.store.read_fresh("audit")
    assert "made questionnaire" in audit["action"].tolist()


def test_an_incomplete_questionnaire_is_refused_with_every_problem() -> None:
    with pytest.raises(versions.QuestionnaireInvalid) as refused:
        versions.new_questionnaire(
            " ", "", [], None, "coalition", [question("", "one_choice", options="A")], STAFF
        )
    assert set(refused.value.problems) == {"title", "questions.0.text", "questions.0.options"}


def test_the_first_sent_link_locks_it_and_a_new_version_leaves_the_old_alone(
    setup: Setup,
) -> None:
    store, first = setup.store, setup.questionnaire
    assert not versions.is_locked(first["id"], store.read_fresh("invitations"))
    edit, entry = versions.edit(
        first, {"introduction": "Thanks!"}, store.read_fresh("invitations"), STAFF
    )
    store.change([edit], {"audit": [entry]})

    sent, entry = links.mark_sent(setup.invitation(setup.candidates[0]), STAFF, datetime.now(UTC))
    store.change([sent], {"audit": [entry]})
    invitations = store.read_fresh("invitations")
    assert versions.is_locked(first["id"], invitations)
    with pytest.raises(versions.Locked):
        versions.edit(
            store.read_fresh("questionnaires").iloc[0], {"title": "X"}, invitations, STAFF
        )

    before = {name: store.read_fresh(name) for name in ("questionnaires", "questions")}
    old_questions = setup.questions.to_dict("records")
    new_questions = [*old_questions[:2], question("What would you cut?", "free_text")]
    rows = versions.new_version(
        store.read_fresh("questionnaires").iloc[0],
        new_questions,
        STAFF,
        questionnaires=store.read_fresh("questionnaires"),
        deadline=DEADLINE + timedelta(days=7),
    )
    store.change([], rows)
    after = store.read_fresh("questionnaires")
    assert len(after) == 2
    assert after.iloc[0].equals(before["questionnaires"].iloc[0])  # untouched
    second = after.iloc[1]
    assert (second["series_id"], second["version"]) == (first["id"], "2")
    assert second["introduction"] == "Thanks!"
    assert second["deadline"] == (DEADLINE + timedelta(days=7)).isoformat()
    questions = store.read_fresh("questions")
    assert questions[questions["questionnaire_id"] == first["id"]].equals(
        before["questions"][before["questions"]["questionnaire_id"] == first["id"]]
    )
    mine = compare.questions_of(second["id"], {"questions": questions})
    assert mine["number"].tolist() == ["1", "2", "3"]
    assert not set(mine["id"]) & set(setup.q)

    more, _ = links.invite_rows(second, [setup.candidates[2]], {}, STAFF)
    store.change([], more)
    received = versions.who_received(first["id"], after, store.read_fresh("invitations"))
    assert received[["candidate_id", "version", "status"]].values.tolist() == sorted(
        [
            [setup.candidates[0], 1, "sent"],
            [setup.candidates[1], 1, "not_sent"],
            [setup.candidates[2], 2, "not_sent"],
        ]
    )


# --- private links --------------------------------------------------------------------------------


def test_a_token_opens_its_own_invitation_and_every_bad_one_gets_the_same_none(
    setup: Setup,
) -> None:
    store = setup.store
    first, second = setup.candidates[:2]
    token = setup.tokens[first]
    assert len(token) >= 43  # 256 bits, URL-safe base64

    def opens(token: object, today: date = TODAY) -> pd.Series | None:
        return links.invitation_for(
            token, store.read_fresh("invitations"), store.read_fresh("questionnaires"), today
        )

    assert opens(token)["candidate_id"] == first
    assert opens(f"  {token} ")["candidate_id"] == first
    assert opens(DEADLINE) is None
    for garbage in ("", " ", None, 42, "x" * 10_000, token[:-1], token.upper(), "\ud800", "💥"):
        assert opens(garbage) is None
    assert opens(token, DEADLINE)["candidate_id"] == first  # the deadline day still counts
    assert opens(token, DEADLINE + timedelta(days=1)) is None

    edit, entry = links.extend(setup.invitation(first), DEADLINE + timedelta(days=3), STAFF)
    store.change([edit], {"audit": [entry]})
    assert opens(token, DEADLINE + timedelta(days=3)) is not None

    edit, entry = links.revoke(setup.invitation(second), STAFF)
    store.change([edit], {"audit": [entry]})
    assert opens(setup.tokens[second]) is None

    edit, renewed, entry = links.renew_link(setup.invitation(first), STAFF)
    store.change([edit], {"audit": [entry]})
    assert opens(token) is None
    assert opens(renewed)["candidate_id"] == first

    questionnaires = store.read_fresh("questionnaires").iloc[0:0]
    assert (
        links.invitation_for(renewed, store.read_fresh("invitations"), questionnaires, TODAY)
        is None
    )


def test_only_the_hash_is_stored_and_no_token_appears_anywhere(setup: Setup) -> None:
    store = setup.store
    edit, renewed, entry = links.renew_link(setup.invitation(setup.candidates[0]), STAFF)
    store.change([edit], {"audit": [entry]})
    tokens = [*setup.tokens.values(), renewed]
    responses.submit(store, renewed, {setup.q[0]: "Yes"}, TODAY)

    invitations = store.read_fresh("invitations")
    assert links.token_hash(renewed) in invitations["token_hash"].tolist()
    assert links.token_hash(setup.tokens[setup.candidates[1]]) in invitations["token_hash"].tolist()
    for name in schema.TABLES:
        cells = store.read_fresh(name).astype(str).to_numpy().ravel()
        assert not any(token in cell for cell in cells for token in tokens), name
    database = Path(store.url.database).read_bytes()
    assert not any(token.encode() in database for token in tokens)


def test_progress_says_who_answered_and_reminders_list_the_links_still_out(setup: Setup) -> None:
    store = setup.store
    first, second = setup.candidates[:2]
    for candidate_id in (first, second):
        edit, entry = links.mark_sent(setup.invitation(candidate_id), STAFF, datetime.now(UTC))
        store.change([edit], {"audit": [entry]})
    responses.save_draft(store, setup.tokens[first], {setup.q[2]: "A plan"}, TODAY)
    tables = store.read_all()
    shown = links.progress(
        tables["invitations"], tables["answers"], TODAY, tables["questionnaires"]
    ).set_index("candidate_id")
    assert shown.loc[first, "status_words"] == "Started"
    assert shown.loc[first, "drafted"] == 1
    assert shown.loc[second, "status_words"] == "Sent"
    late = links.progress(
        tables["invitations"],
        tables["answers"],
        DEADLINE + timedelta(days=1),
        tables["questionnaires"],
    )
    assert set(late["status_words"]) == {"No answer by the deadline"}
    due = links.reminders(tables["invitations"], tables["answers"], TODAY, tables["questionnaires"])
    assert set(due["candidate_id"]) == {first, second}

    responses.submit(store, setup.tokens[first], {setup.q[2]: "A plan"}, TODAY)
    tables = store.read_all()
    due = links.reminders(tables["invitations"], tables["answers"], TODAY, tables["questionnaires"])
    assert due["candidate_id"].tolist() == [second]
    late = links.progress(
        tables["invitations"],
        tables["answers"],
        DEADLINE + timedelta(days=1),
        tables["questionnaires"],
    )
    assert late.set_index("candidate_id").loc[first, "status_words"] == "Submitted"


# --- a candidate's answers ------------------------------------------------------------------------


def test_a_saved_draft_is_there_on_a_fresh_read(setup: Setup) -> None:
    token = setup.tokens[setup.candidates[0]]
    responses.mark_opened(setup.store, token, datetime.now(UTC))
    assert setup.invitation(setup.candidates[0])["status"] == "opened"
    responses.save_draft(setup.store, token, {setup.q[0]: "yes", setup.q[2]: "Half a plan"}, TODAY)
    responses.save_draft(setup.store, token, {setup.q[2]: "A whole plan"}, TODAY)

    elsewhere = SqlStore(str(setup.store.url))  # another server process, say
    answers = elsewhere.read_fresh("answers")
    assert set(answers["state"]) == {"draft"}
    assert len(answers) == 2
    invitation_id = setup.invitation(setup.candidates[0])["id"]
    assert responses.form_answers(answers, invitation_id) == {
        setup.q[0]: "Yes",
        setup.q[2]: "A whole plan",
    }
    assert setup.invitation(setup.candidates[0])["status"] == "started"
    assert elsewhere.read_fresh("positions").equals(setup.store.read_fresh("positions"))
    assert responses.history(answers, invitation_id).empty  # nothing was said yet


def test_an_over_limit_answer_is_refused_and_nothing_is_written(setup: Setup) -> None:
    token = setup.tokens[setup.candidates[0]]
    before = counts(setup.store)
    long = "word " * 11
    for write in (responses.save_draft, responses.submit):
        with pytest.raises(responses.AnswerRefused) as refused:
            write(setup.store, token, {setup.q[0]: "Yes", setup.q[2]: long}, TODAY)
        assert refused.value.question_id == setup.q[2]
        assert refused.value.message == (
            "This answer is 11 words; the limit is 10. Shorten it; nothing you typed is lost."
        )
        assert counts(setup.store) == before
    with pytest.raises(responses.AnswerRefused):
        responses.submit(setup.store, token, {setup.q[0]: "Perhaps"}, TODAY)
    with pytest.raises(responses.AnswerRefused):
        responses.submit(setup.store, token, {"qst-elsewhere": "Yes"}, TODAY)
    assert counts(setup.store) == before
    assert setup.invitation(setup.candidates[0])["status"] == "not_sent"


def test_submitting_is_one_write_and_its_positions_are_current_stances(
    setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, candidate = setup.store, setup.candidates[0]
    token = setup.tokens[candidate]
    responses.save_draft(store, token, {setup.q[0]: "Yes", setup.q[3]: "Levy"}, TODAY)
    before = counts(store)
    writes = count_writes(store, monkeypatch)

    done = responses.submit(
        store, token, {setup.q[0]: "Yes", setup.q[2]: "Build. More. Homes.", setup.q[3]: ""}, TODAY
    )
    assert len(writes) == 1
    assert done.action == "submitted"
    after = counts(store)
    assert after["answers"] == before["answers"] + 1  # the draft became the submitted answer
    assert after["positions"] == before["positions"] + 2  # a stance, and a "no answer"
    assert after["audit"] == before["audit"] + 1

    answers = store.read_fresh("answers")
    states = dict(zip(answers["question_id"], answers["state"], strict=True))
    assert states == {setup.q[0]: "original", setup.q[2]: "original", setup.q[3]: "draft"}
    assert set(answers.loc[answers["state"] == "original", "submitted_on"]) == {TODAY.isoformat()}
    invitation = setup.invitation(candidate)
    assert invitation["status"] == "submitted"
    assert invitation["submitted_at"]

    positions = store.read_fresh("positions")
    mine = positions[positions["source"] == "questionnaire"]
    housing = mine[mine["issue_id"] == setup.issues[0]].iloc[0]
    assert (housing["stance"], housing["evidence"]) == ("supports", "Yes")
    assert housing["answer_id"] == answers.loc[answers["question_id"] == setup.q[0], "id"].iloc[0]
    assert (housing["visibility"], housing["created_by"]) == ("coalition", "questionnaire")
    assert housing["as_of"] == TODAY.isoformat()
    counsel = mine[mine["issue_id"] == setup.issues[1]].iloc[0]
    assert (counsel["stance"], counsel["answer_id"]) == ("no_answer", "")

    current = analytics.current_stances(positions).set_index(["candidate_id", "issue_id"])
    assert current.loc[(candidate, setup.issues[0]), "stance"] == "supports"
    assert current.loc[(candidate, setup.issues[0]), "id"] == housing["id"]


def test_submitting_again_adds_nothing(setup: Setup, monkeypatch: pytest.MonkeyPatch) -> None:
    store, token = setup.store, setup.tokens[setup.candidates[0]]
    answers = {setup.q[0]: "No", setup.q[1]: "Agree"}
    # The very same write sent twice (a lost answer): the second adds nothing.
    plan = responses._response_plan(responses.open_link(store, token, TODAY), answers, TODAY)
    store.change(plan.edits, plan.rows)
    landed = counts(store)
    store.change(plan.edits, plan.rows)
    assert counts(store) == landed
    # Pressing Submit again, from a new look at the link: nothing to write at all.
    writes = count_writes(store, monkeypatch)
    again = responses.submit(store, token, {**answers, setup.q[0]: " no "}, TODAY)
    assert again.action == "unchanged"
    assert writes == []
    assert counts(store) == landed


def test_amending_keeps_the_original_and_adds_a_dated_amendment(setup: Setup) -> None:
    store, candidate = setup.store, setup.candidates[0]
    token = setup.tokens[candidate]
    responses.submit(store, token, {setup.q[0]: "No", setup.q[2]: "First plan"}, TODAY)
    later = TODAY + timedelta(days=2)
    done = responses.amend(store, token, {setup.q[0]: "Yes", setup.q[2]: "First plan"}, later)
    assert (done.action, done.questions) == ("amended", [setup.q[0]])
    # Submit with a changed answer amends too.
    responses.submit(store, token, {setup.q[2]: "Second plan"}, later)

    answers = store.read_fresh("answers")
    invitation_id = setup.invitation(candidate)["id"]
    shown = responses.history(answers, invitation_id, store.read_fresh("questions"))
    assert shown[["number", "text", "state", "submitted_on", "latest"]].values.tolist() == [
        ["1", "Yes", "amendment", later.isoformat(), True],
        ["1", "No", "original", TODAY.isoformat(), False],
        ["3", "Second plan", "amendment", later.isoformat(), True],
        ["3", "First plan", "original", TODAY.isoformat(), False],
    ]
    positions = store.read_fresh("positions")
    housing = positions[
        (positions["candidate_id"] == candidate) & (positions["issue_id"] == setup.issues[0])
    ]
    assert housing.sort_values("as_of")["stance"].tolist()[-2:] == ["opposes", "supports"]
    current = analytics.current_stances(positions).set_index(["candidate_id", "issue_id"])
    assert current.loc[(candidate, setup.issues[0]), "stance"] == "supports"
    assert responses.form_answers(answers, invitation_id)[setup.q[2]] == "Second plan"
    with pytest.raises(responses.AlreadySubmitted):
        responses.save_draft(store, token, {setup.q[2]: "draft"}, later)
    with pytest.raises(responses.AlreadySubmitted):
        responses.decline(store, token, later)


def test_formulas_and_markup_are_stored_exactly_as_text(setup: Setup) -> None:
    store, token = setup.store, setup.tokens[setup.candidates[0]]
    responses.save_draft(store, token, {setup.q[2]: FORMULA}, TODAY)
    responses.submit(store, token, {setup.q[2]: FORMULA, setup.q[3]: "Bonds"}, TODAY)
    responses.amend(store, token, {setup.q[2]: MARKUP}, TODAY)
    answers = store.read_fresh("answers")
    assert answers.loc[answers["state"] == "original", "text"].tolist() == [FORMULA, "Bonds"]
    assert answers.loc[answers["state"] == "amendment", "text"].tolist() == [MARKUP]


def test_a_failed_write_stores_nothing_and_a_retry_stores_everything_once(
    setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, token = setup.store, setup.tokens[setup.candidates[0]]
    before = counts(store)
    real = store._write
    failures = [UnavailableError("The database did not answer.")]

    def flaky(*args: object) -> None:
        if failures:
            raise failures.pop()
        real(*args)

    monkeypatch.setattr(store, "_write", flaky)
    answers = {setup.q[0]: "Yes", setup.q[1]: "Strongly disagree", setup.q[2]: "Plan"}
    with pytest.raises(UnavailableError):
        responses.submit(store, token, answers, TODAY)
    assert counts(store) == before
    responses.submit(store, token, answers, TODAY)
    responses.submit(store, token, answers, TODAY)
    after = counts(store)
    assert after["answers"] == before["answers"] + 3
    assert after["positions"] == before["positions"] + 2
    assert after["audit"] == before["audit"] + 1


def test_a_link_revoked_after_loading_refuses_the_answers_and_writes_nothing(
    setup: Setup,
) -> None:
    store, candidate = setup.store, setup.candidates[0]
    token = setup.tokens[candidate]
    tables = store.read_all()  # the page loads the form
    opened = links.invitation_for(token, tables["invitations"], tables["questionnaires"], TODAY)
    assert opened is not None
    edit, entry = links.revoke(setup.invitation(candidate), STAFF)
    store.change([edit], {"audit": [entry]})
    before = counts(store)
    for write in (responses.submit, responses.save_draft):
        with pytest.raises(responses.LinkClosed):
            write(store, token, {setup.q[0]: "Yes"}, TODAY)
    with pytest.raises(responses.LinkClosed):
        responses.decline(store, token, TODAY)
    assert counts(store) == before


def test_a_link_revoked_between_the_look_and_the_write_writes_nothing(
    setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, candidate = setup.store, setup.candidates[0]
    token = setup.tokens[candidate]
    before = counts(store)
    real = store.read_fresh
    looks: list[str] = []

    def read_then_revoke(table: str) -> pd.DataFrame:
        frame = real(table)
        looks.append(table)
        if looks.count("invitations") == 1 and table == "questions":  # after the link's look
            edit, entry = links.revoke(setup.invitation(candidate), STAFF)
            store.change([edit], {"audit": [entry]})
        return frame

    monkeypatch.setattr(store, "read_fresh", read_then_revoke)
    with pytest.raises(responses.LinkClosed):
        responses.submit(store, token, {setup.q[0]: "Yes"}, TODAY)
    assert looks.count("invitations") == 3  # the look, the revoke, the second look
    monkeypatch.setattr(store, "read_fresh", real)
    assert counts(store) == {**before, "audit": before["audit"] + 1}  # only the revoke landed
    assert setup.invitation(candidate)["revoked"]
    assert store.read_fresh("answers").empty


def test_declining_records_a_declined_position_per_linked_issue(setup: Setup) -> None:
    store, candidate = setup.store, setup.candidates[1]
    token = setup.tokens[candidate]
    first = responses.decline(store, token, TODAY)
    again = responses.decline(store, token, TODAY)
    assert (first.action, again.action) == ("declined", "unchanged")
    assert setup.invitation(candidate)["status"] == "declined"
    positions = store.read_fresh("positions")
    mine = positions[
        (positions["candidate_id"] == candidate) & positions["source"].eq("questionnaire")
    ]
    assert sorted(mine["issue_id"]) == sorted(setup.issues)
    assert set(mine["stance"]) == {"declined"}
    # A declined stance never hides what was said elsewhere.
    current = analytics.current_stances(positions)
    said = positions[positions["candidate_id"] == candidate]
    known = said[~said["stance"].isin(analytics.NON_ANSWERS)]
    for issue_id in set(known["issue_id"]) & set(setup.issues):
        row = current[(current["candidate_id"] == candidate) & (current["issue_id"] == issue_id)]
        assert row["stance"].iloc[0] not in analytics.NON_ANSWERS


def test_an_expiry_date_typed_so_it_cannot_be_read_closes_the_link(setup: Setup) -> None:
    store = setup.store
    first = setup.candidates[0]
    invitation_id = setup.invitation(first)["id"]
    with store.engine.begin() as connection:  # as a staffer typing into the sheet by hand
        connection.execute(
            sa.text("UPDATE invitations SET expires_on = 'end of the month' WHERE id = :id"),
            {"id": invitation_id},
        )
    invitations = store.read_fresh("invitations")
    assert invitations.set_index("id").loc[invitation_id, "expires_on"] == ""  # read as blank
    opened = links.invitation_for(
        setup.tokens[first], invitations, store.read_fresh("questionnaires"), TODAY
    )
    assert opened is None


def test_a_race_brings_every_active_candidate_and_leaving_one_out_is_said() -> None:
    candidates = pd.DataFrame(
        {
            "id": ["c1", "c2", "c3", "c4", "c5"],
            "name": ["Ana Núñez", "Bo Li", "Cy Park", "Di Ross", "Ed Wu"],
            "office": ["Mayor", "Mayor", "Mayor", "Council", "Council"],
            "district": ["", "", "", "3", "3"],
            "active": [True, True, False, True, True],
        }
    )
    assert versions.race_choices(candidates) == ["Council 3", "Mayor"]
    assert versions.audience(["c4"], ["Mayor"], candidates) == ["c4", "c1", "c2"]
    # Cy Park withdrew (inactive): not asked, and not missed.
    assert versions.left_out(["c1", "c2"], candidates) == []
    assert versions.left_out(["c1", "c4"], candidates) == [
        "Ed Wu also runs for Council 3 and is not on the list.",
        "Bo Li also runs for Mayor and is not on the list.",
    ]
