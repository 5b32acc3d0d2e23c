"""Questionnaire answers compared and published: every invited candidate shown, silences marked,
answers printed as submitted, and scores only for a coalition that may rank candidates."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from lib import digest, schema
from lib.coalition import Settings
from lib.export import one_line
from lib.questionnaires import compare, forms, guide
from lib.store.sql import SqlStore
from tests.shared import tables_of, wrapped_in

TODAY = date(2026, 10, 20)
NONPARTISAN = Settings(coalition_name="Riverton Forward", tax_status="501(c)(3)", scorecard="yes")
ENDORSING = Settings(coalition_name="Riverton Action", tax_status="501(c)(4)", scorecard="yes")
HOSTILE = "**bold** <b>x</b> =SUM(1) [link](http://x)"
LONG_ANSWER = " ".join(f"w{number:04d}" for number in range(500)) + "."
TWELVE_WORDS = "one two three four five six seven eight nine ten eleven twelve"


def candidate(record_id: str, name: str, office: str, district: str = "", party: str = "") -> dict:
    return {
        "id": record_id,
        "name": name,
        "office": office,
        "district": district,
        "party": party,
        "active": "TRUE",
    }


def invitation(candidate_id: str, status: str, questionnaire_id: str = "qnr-1") -> dict:
    return {
        "id": f"inv-{candidate_id}",
        "questionnaire_id": questionnaire_id,
        "candidate_id": candidate_id,
        "status": status,
    }


def answer(
    candidate_id: str,
    question_id: str,
    text: str,
    state: str = "original",
    on: str = "2026-10-01",
    created_at: str = "2026-10-01T12:00:00+00:00",
    questionnaire_id: str = "qnr-1",
) -> dict:
    return {
        "id": f"ans-{candidate_id}-{question_id}-{state}-{on}-{created_at[11:19]}",
        "invitation_id": f"inv-{candidate_id}",
        "questionnaire_id": questionnaire_id,
        "question_id": question_id,
        "candidate_id": candidate_id,
        "text": text,
        "state": state,
        "submitted_on": "" if state == "draft" else on,
        "created_at": created_at,
    }


def questionnaire(candidate_ids: list[str], visibility: str = "public") -> dict:
    return {
        "id": "qnr-1",
        "series_id": "ser-1",
        "version": "1",
        "title": "2026 Housing Questionnaire",
        "candidate_ids": "; ".join(candidate_ids),
        "visibility": visibility,
    }


def question(record_id: str, number: str, text: str, **more: str) -> dict:
    return {"id": record_id, "questionnaire_id": "qnr-1", "number": number, "text": text, **more}


# --- the world the comparison tests share -----------------------------------------------------

COMPARED = [
    candidate("cand-zoe", "Zoe Adams", "Mayor"),
    candidate("cand-ben", "ben Carter", "Mayor"),
    candidate("cand-dan", "Dan Diaz", "Mayor"),
    candidate("cand-ana1", "Ana Ruiz", "Mayor", party="Green"),
    candidate("cand-ana2", "Ana Ruiz", "City Council", "District 2"),
    candidate("cand-eve", "Eve Stone", "City Council", "District 2"),
    candidate("cand-other", "Not Asked", "Mayor"),
]
QUESTIONS = [
    question("qst-rent", "1", "What will you do about rents?"),
    question("qst-more", "10", "Anything else?"),
    question("qst-fund", "2", "Will you fund the housing trust?"),
]


def compared_rows() -> dict[str, list[dict]]:
    return {
        "candidates": COMPARED,
        "questionnaires": [
            questionnaire(["cand-zoe", "cand-ben", "cand-dan", "cand-ana1", "cand-ana2"])
        ],
        "questions": QUESTIONS,
        "invitations": [
            invitation("cand-zoe", "submitted"),
            invitation("cand-ben", "submitted"),
            invitation("cand-dan", "declined"),
            invitation("cand-ana1", "submitted"),
            invitation("cand-ana2", "submitted"),
            # Invited by an invitation alone (not listed on the questionnaire), never answered.
            invitation("cand-eve", "opened"),
        ],
        "answers": [
            answer("cand-zoe", "qst-rent", "Build homes."),
            answer("cand-zoe", "qst-rent", "Build more homes.", "amendment", on="2026-10-05"),
            answer("cand-zoe", "qst-fund", "Yes"),
            answer("cand-zoe", "qst-more", "A thought I never sent", state="draft"),
            answer("cand-ben", "qst-rent", "Rent stabilisation."),
            answer("cand-ben", "qst-fund", "No"),
            answer("cand-ben", "qst-more", "   "),
            answer("cand-ana1", "qst-rent", "Council Ana? No, mayoral Ana."),
            answer("cand-ana2", "qst-rent", "Council Ana speaking."),
            # Typed in before Eve's invitation was submitted: it does not count.
            answer("cand-eve", "qst-rent", "Half an answer", state="original"),
        ],
    }


def compared() -> dict[str, pd.DataFrame]:
    return tables_of(**compared_rows())


# --- which answer counts ----------------------------------------------------------------------


def test_the_newest_amendment_counts_and_drafts_never_do() -> None:
    answers = tables_of(
        answers=[
            answer("cand-a", "qst-1", "First"),
            answer("cand-a", "qst-1", "Second", "amendment", on="2026-10-03"),
            answer(
                "cand-a",
                "qst-1",
                "Third",
                "amendment",
                on="2026-10-03",
                created_at="2026-10-03T18:00:00+00:00",
            ),
            answer("cand-a", "qst-1", "Unsent", "draft", created_at="2026-10-09T00:00:00+00:00"),
            answer("cand-a", "qst-2", "Only a draft", "draft"),
            # An original dated later than an amendment (typed by hand) still yields to it.
            answer("cand-b", "qst-1", "Amended", "amendment", on="2026-10-02"),
            answer("cand-b", "qst-1", "Original", on="2026-10-04"),
        ]
    )["answers"]
    latest = compare.latest_answers(answers)
    keys = zip(latest["invitation_id"], latest["question_id"], strict=True)
    found = dict(zip(keys, latest["text"], strict=True))
    assert found == {("inv-cand-a", "qst-1"): "Third", ("inv-cand-b", "qst-1"): "Amended"}


# --- side by side -----------------------------------------------------------------------------


def test_side_by_side_shows_every_invited_candidate_and_every_silence() -> None:
    table = compare.side_by_side("qnr-1", compared())
    assert table.columns.tolist() == [
        "Question",
        "Ana Ruiz (City Council District 2)",
        "Ana Ruiz (Mayor)",
        "ben Carter",
        "Dan Diaz",
        "Eve Stone",
        "Zoe Adams",
    ]
    assert table.index.tolist() == ["1", "2", "10"]
    assert table["Question"].tolist() == [
        "What will you do about rents?",
        "Will you fund the housing trust?",
        "Anything else?",
    ]
    assert table["Zoe Adams"].tolist() == [
        "Build more homes. (amended 2026-10-05)",
        "Yes",
        "No answer",  # only a draft: never shown
    ]
    assert table["ben Carter"].tolist() == ["Rent stabilisation.", "No", "No answer"]
    assert table["Dan Diaz"].tolist() == ["Declined to answer"] * 3
    assert table["Eve Stone"].tolist() == ["Did not respond"] * 3
    assert "Not Asked" not in table.columns


def test_two_candidates_with_one_name_keep_their_own_answers() -> None:
    table = compare.side_by_side("qnr-1", compared())
    assert table.loc["1", "Ana Ruiz (Mayor)"] == "Council Ana? No, mayoral Ana."
    assert table.loc["1", "Ana Ruiz (City Council District 2)"] == "Council Ana speaking."


def test_side_by_side_from_a_real_store(empty_store: SqlStore) -> None:
    rows = compared_rows()
    for name in schema.DEPENDENCY_ORDER:
        if rows.get(name):
            empty_store.append(name, rows[name])
    table = compare.side_by_side("qnr-1", empty_store.read_all())
    assert table.loc["1", "Zoe Adams"] == "Build more homes. (amended 2026-10-05)"
    assert table.loc["2", "Dan Diaz"] == "Declined to answer"
    assert table.loc["10", "ben Carter"] == "No answer"


def test_an_unknown_questionnaire_has_nothing_side_by_side() -> None:
    table = compare.side_by_side("qnr-missing", compared())
    assert table.empty and table.columns.tolist() == ["Question"]


def test_response_rates_per_questionnaire_and_race() -> None:
    rates = compare.response_rates(compared())
    assert rates.to_dict("records") == [
        {
            "Questionnaire": "2026 Housing Questionnaire",
            "Race": "City Council District 2",
            "Invited": 2,
            "Submitted": 1,
            "Declined": 0,
            "Response rate (%)": 50.0,
        },
        {
            "Questionnaire": "2026 Housing Questionnaire",
            "Race": "Mayor",
            "Invited": 4,
            "Submitted": 3,
            "Declined": 1,
            "Response rate (%)": 75.0,
        },
    ]


def test_a_candidates_profile_lists_originals_and_amendments_newest_first() -> None:
    (zoe,) = compare.candidate_answers("cand-zoe", compared())
    assert (zoe.title, zoe.response_label) == ("2026 Housing Questionnaire", "Responded")
    assert [q.number for q in zoe.questions] == ["1", "2", "10"]
    rent = zoe.questions[0]
    assert [(v.text, v.heading) for v in rent.versions] == [
        ("Build more homes.", "Amended 2026-10-05"),
        ("Build homes.", "Submitted 2026-10-01"),
    ]
    assert zoe.questions[2].versions == ()  # a draft is not an answer
    (dan,) = compare.candidate_answers("cand-dan", compared())
    assert dan.response_label == "Declined to answer"
    assert all(q.versions == () for q in dan.questions)
    (eve,) = compare.candidate_answers("cand-eve", compared())
    assert eve.response_label == "Did not respond"
    assert all(q.versions == () for q in eve.questions)
    assert compare.candidate_answers("cand-other", compared()) == []


# --- the voter guide --------------------------------------------------------------------------


def guide_tables(visibility: str = "public") -> dict[str, pd.DataFrame]:
    people = [
        candidate("cand-z", "Zoe Adams", "Mayor"),
        candidate("cand-b", "ben Carter", "Mayor"),
        candidate("cand-a", "Ana Ruiz", "Mayor"),
        candidate("cand-q", "Quiet Quinn", "Mayor"),
        candidate("cand-c", "Council Cole", "City Council"),
    ]
    return tables_of(
        candidates=people,
        questionnaires=[questionnaire([p["id"] for p in people], visibility)],
        questions=[
            question("qst-short", "1", "In ten words: why run?", limit="10", limit_unit="words"),
            question("qst-long", "2", "Your housing plan, in full."),
            question("qst-odd", "3", f"Hostile question {HOSTILE}", limit="500"),
        ],
        invitations=[
            invitation("cand-z", "submitted"),
            invitation("cand-b", "submitted"),
            invitation("cand-a", "submitted"),
            invitation("cand-q", "sent"),
            invitation("cand-c", "submitted"),
        ],
        answers=[
            answer("cand-z", "qst-short", TWELVE_WORDS),
            answer("cand-z", "qst-long", LONG_ANSWER),
            answer("cand-z", "qst-odd", HOSTILE),
            answer("cand-b", "qst-short", "To serve."),
            answer("cand-b", "qst-long", "Build.", "amendment", on="2026-10-07"),
            answer("cand-a", "qst-short", "Because\nthe city needs it."),
            answer("cand-c", "qst-short", "Council answers stay out of the mayor's guide."),
        ],
    )


def mayor_guide() -> digest.Digest:
    return guide.voter_guide(guide_tables(), "qnr-1", "Mayor", NONPARTISAN, TODAY)


def parts_of(built: digest.Digest) -> dict[str, list[str]]:
    (answers,) = [s for s in built.sections if s.heading == "Questions and answers"]
    return {part.heading: part.lines for part in answers.parts}


def test_the_guide_lists_every_candidate_in_the_race_alphabetically() -> None:
    built = mayor_guide()
    assert built.title == "2026 Housing Questionnaire: Mayor"
    (who,) = [s for s in built.sections if s.heading == "The candidates"]
    assert who.lines == [
        "Ana Ruiz: Responded",
        "ben Carter: Responded",
        "Quiet Quinn: Did not respond",
        "Zoe Adams: Responded",
    ]
    for lines in parts_of(built).values():
        assert [line.split(":")[0] for line in lines] == [
            "Ana Ruiz",
            "ben Carter",
            "Quiet Quinn",
            "Zoe Adams",
        ]
        assert "Quiet Quinn: Did not respond" in lines
    assert "Council Cole" not in "\n".join(digest.plain_lines(built))


def test_the_guide_says_when_and_how_it_prints_answers() -> None:
    subtitle = mayor_guide().subtitle
    assert "Riverton Forward" in subtitle and "2026-10-20" in subtitle
    assert "as each candidate submitted them" in subtitle
    assert '"Did not respond"' in subtitle
    assert "does not rate, rank or endorse" in subtitle


def test_answers_are_cut_at_the_limit_and_otherwise_whole() -> None:
    parts = parts_of(mayor_guide())
    short = parts["Question 1: In ten words: why run? (answers up to 10 words)"]
    assert "Zoe Adams: one two three four five six seven eight nine ten…" in short
    assert "ben Carter: To serve." in short
    assert "Ana Ruiz: Because\nthe city needs it." in short  # within the limit: untouched
    assert len(LONG_ANSWER) == 3000
    long = parts["Question 2: Your housing plan, in full."]
    assert f"Zoe Adams: {LONG_ANSWER}" in long
    assert "ben Carter: Build. (amended 2026-10-07)" in long
    assert "Ana Ruiz: No answer" in long


def test_cutting_counts_characters_or_words() -> None:
    assert forms.cut("abcdefghij", "5", "characters") == "abcde…"
    assert forms.cut("abcde", "5", "characters") == "abcde"
    assert forms.cut("abc de fgh", "5", "characters") == "abc d…"
    assert forms.cut("one  two\nthree four", "3", "words") == "one  two\nthree…"
    assert forms.cut("one two", "3", "words") == "one two"
    assert forms.cut("x" * 3000, "", "characters") == "x" * 3000
    assert forms.cut("x" * 3000, "none", "characters") == "x" * 3000
    assert forms.cut("x" * 1500, "1,000", "characters") == "x" * 1000 + "…"


def test_a_questionnaire_that_is_not_public_makes_no_guide() -> None:
    for visibility in ("coalition", "restricted", ""):
        with pytest.raises(ValueError, match="make the questionnaire public first"):
            guide.voter_guide(guide_tables(visibility), "qnr-1", "Mayor", NONPARTISAN, TODAY)


def test_a_copied_row_with_a_narrower_visibility_keeps_it_private() -> None:
    tables = guide_tables()
    copy = tables["questionnaires"].assign(visibility="coalition")
    tables["questionnaires"] = pd.concat([tables["questionnaires"], copy], ignore_index=True)
    with pytest.raises(ValueError, match="make the questionnaire public first"):
        guide.voter_guide(tables, "qnr-1", "Mayor", NONPARTISAN, TODAY)


def test_a_race_nobody_was_asked_about_makes_no_guide() -> None:
    with pytest.raises(ValueError, match="Governor"):
        guide.voter_guide(guide_tables(), "qnr-1", "Governor", NONPARTISAN, TODAY)
    assert guide.races_of("qnr-1", guide_tables()) == ["City Council", "Mayor"]


def test_namesakes_in_one_race_are_told_apart_by_party() -> None:
    tables = guide_tables()
    extra = schema.normalise(
        "candidates",
        pd.DataFrame(
            [
                candidate("cand-r1", "Sam Lee", "Mayor", party="Green"),
                candidate("cand-r2", "Sam Lee", "Mayor", party="Libertarian"),
            ]
        ),
    )
    tables["candidates"] = pd.concat([tables["candidates"], extra], ignore_index=True)
    tables["questionnaires"].loc[0, "candidate_ids"] += "; cand-r1; cand-r2"
    (who,) = [s for s in mayor_guide_from(tables).sections if s.heading == "The candidates"]
    assert "Sam Lee (Green): Did not respond" in who.lines
    assert "Sam Lee (Libertarian): Did not respond" in who.lines


def mayor_guide_from(tables: dict[str, pd.DataFrame]) -> digest.Digest:
    return guide.voter_guide(tables, "qnr-1", "Mayor", NONPARTISAN, TODAY)


def unescape(markdown: str) -> str:
    """The Markdown as a reader sees it once rendered: escapes gone."""
    return re.sub(r"\\(.)", r"\1", markdown)


def test_hostile_text_is_printed_literally_in_the_markdown() -> None:
    built = mayor_guide()
    markdown = digest.to_markdown(built)
    assert f"- Zoe Adams: {digest.escape(HOSTILE)}" in markdown.splitlines()
    assert "\\*\\*bold\\*\\* \\<b\\>x\\</b\\> =SUM(1) \\[link\\](http://x)" in markdown
    assert f"### {digest.escape('Question 3: Hostile question ' + HOSTILE)}" in markdown
    assert "<b>" not in markdown and "**bold" not in markdown
    assert not re.search(r"(?<!\\)\]\(http", markdown)  # no bracket left to make a link
    shown = unescape(markdown)
    for line in digest.plain_lines(built):
        assert one_line(line) in shown, line


def words(text: str) -> str:
    return " ".join(text.replace("•", " ").split())


def test_the_guide_pdf_renders_and_says_what_the_markdown_says(tmp_path: Path) -> None:
    built = mayor_guide()
    pdf = tmp_path / "guide.pdf"
    pdf.write_bytes(digest.to_pdf(built))
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True)
    assert sorted(tmp_path.glob("page-*.png"))
    printed = subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    flat = words(printed)
    shown = unescape(digest.to_markdown(built))
    for line in digest.plain_lines(built):
        assert words(line) in flat or wrapped_in(line, printed), line
        assert one_line(line) in shown, line
    for hostile in ("**bold**", "<b>x</b>", "=SUM(1)", "[link](http://x)"):
        assert printed.count(hostile) == 2  # in the answer and in the question
    assert "one two three four five six seven eight nine ten…" in flat
    assert "eleven" not in flat
    assert wrapped_in(LONG_ANSWER, printed) and "w0499." in flat


# --- scores -----------------------------------------------------------------------------------


def scored_tables() -> dict[str, pd.DataFrame]:
    people = {
        "cand-all": ["  YES ", "yes", "Support"],  # 5 of 5
        "cand-miss": ["No", "Yes", "support"],  # 2 of 5, dealbreaker missed
        "cand-edge": ["yes", "yes", "Oppose"],  # 4 of 5: exactly 80%
        "cand-low": ["Yes", "No", "Oppose"],  # 3 of 5
    }
    names = {
        "cand-all": "Avery All",
        "cand-miss": "Morgan Miss",
        "cand-edge": "Eden Edge",
        "cand-low": "Lou Low",
        "cand-none": "Nat None",
        "cand-no": "Noel No",
    }
    questions = [
        question("qst-1", "1", "Fund the trust?", hoped_answer="Yes", weight="3", dealbreaker="x"),
        question("qst-2", "2", "Meet tenants?", hoped_answer="yes", weight=""),
        question("qst-3", "3", "Rent board?", hoped_answer="support", weight="lots"),
        question("qst-4", "4", "Why run?"),  # nothing hoped for: not scored
    ]
    answers = [
        answer(candidate_id, f"qst-{number}", text)
        for candidate_id, texts in people.items()
        for number, text in enumerate(texts, start=1)
    ]
    return tables_of(
        candidates=[candidate(cid, name, "Mayor") for cid, name in names.items()],
        questionnaires=[questionnaire(list(names))],
        questions=questions,
        invitations=[invitation(cid, "submitted") for cid in people]
        + [invitation("cand-none", "sent"), invitation("cand-no", "declined")],
        answers=answers + [answer("cand-none", "qst-1", "Yes", state="draft")],
    )


def test_no_scores_for_a_501c3_or_with_the_scorecard_off() -> None:
    assert guide.scores(scored_tables(), "qnr-1", NONPARTISAN) is None
    off = Settings(tax_status="501(c)(4)", scorecard="")
    assert guide.scores(scored_tables(), "qnr-1", off) is None
    assert guide.scores(scored_tables(), "qnr-1", Settings(scorecard="yes")) is None


def test_scores_weigh_answers_and_dealbreakers_against_the_pass_mark() -> None:
    card = guide.scores(scored_tables(), "qnr-1", ENDORSING)
    assert card is not None
    by_name = card.set_index("Candidate")
    assert card["Candidate"].tolist()[:4] == ["Avery All", "Eden Edge", "Lou Low", "Morgan Miss"]
    assert by_name["Possible"].unique().tolist() == [5.0]
    assert by_name["Points"].to_dict() == {
        "Avery All": 5.0,
        "Eden Edge": 4.0,
        "Lou Low": 3.0,
        "Morgan Miss": 2.0,
        "Nat None": 0.0,
        "Noel No": 0.0,
    }
    assert by_name.loc["Eden Edge", "Score (%)"] == 80.0
    assert by_name["Passes"].to_dict() == {
        "Avery All": True,
        "Eden Edge": True,  # at the pass mark exactly
        "Lou Low": False,
        "Morgan Miss": False,
        "Nat None": False,
        "Noel No": False,
    }
    assert by_name.loc["Morgan Miss", "Dealbreakers missed"] == "1"
    assert by_name.loc["Avery All", "Dealbreakers missed"] == ""
    assert by_name.loc["Nat None", "Response"] == "Did not respond"  # a draft scores nothing
    assert by_name.loc["Noel No", "Response"] == "Declined to answer"


def test_the_pass_mark_is_a_parameter_and_a_dealbreaker_still_fails() -> None:
    card = guide.scores(scored_tables(), "qnr-1", ENDORSING, pass_mark=40)
    assert card is not None
    passes = card.set_index("Candidate")["Passes"]
    assert passes["Lou Low"] and not passes["Morgan Miss"]  # 40% but a dealbreaker missed
