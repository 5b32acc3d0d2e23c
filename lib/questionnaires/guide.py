"""The voter guide, and the scorecard a coalition that may endorse can keep for itself.

The guide is nonpartisan whoever makes it, so a 501(c)(3) can publish it: every candidate in the
race, in alphabetical order, each answer as submitted (cut only at the limit every candidate was
given), silences marked plainly, and no score, rank or colour anywhere. It is a
:class:`lib.digest.Digest`, so its Markdown and PDF come from :func:`lib.digest.to_markdown` and
:func:`lib.digest.to_pdf` and always say the same thing.

Scores are another matter: ranking candidates is for a coalition that may endorse, so
:func:`scores` gives nothing unless the coalition's settings show the scorecard.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date

import pandas as pd

from lib import analytics, digest, visibility
from lib.coalition import Settings
from lib.questionnaires import compare, forms

Tables = Mapping[str, pd.DataFrame]

DEFAULT_PASS_MARK = 80.0


# --- the guide --------------------------------------------------------------------------------


def public_questionnaire(questionnaire_id: str, tables: Tables) -> pd.Series:
    """The questionnaire's row, if it may be published; a ValueError saying what to do if not.

    A copy of the row with a narrower visibility (a row copied by hand) keeps it private."""
    questionnaires = tables["questionnaires"]
    mine = questionnaires[questionnaires["id"] == questionnaire_id]
    if mine.empty:
        raise ValueError(f"There is no questionnaire {questionnaire_id!r}.")
    if (visibility.effective_visibility(mine) != "public").any():
        title = mine.iloc[0]["title"] or questionnaire_id
        raise ValueError(
            f"The questionnaire {title!r} is not public, so no voter guide can be made from it: "
            "make the questionnaire public first."
        )
    return mine.iloc[0]


def races_of(questionnaire_id: str, tables: Tables) -> list[str]:
    """The races of the candidates a questionnaire went to, for choosing a guide's race."""
    races = compare.invitees(questionnaire_id, tables)["race"]
    return sorted({race for race in races if race}, key=str.casefold)


def voter_guide(
    tables: Tables, questionnaire_id: str, race: str, settings: Settings, today: date
) -> digest.Digest:
    """A nonpartisan voter guide for one race of a public questionnaire: who was asked, then
    each question with every candidate's answer in alphabetical order. Raises ValueError if
    the questionnaire is not public or nobody in ``race`` was asked."""
    questionnaire = public_questionnaire(questionnaire_id, tables)
    people = _in_race(compare.invitees(questionnaire_id, tables), race)
    if people.empty:
        raise ValueError(f"Nobody in the race {race!r} was sent this questionnaire.")
    # Within one race a shared name is told apart by party, as a ballot does.
    labels = analytics.distinct_labels(
        people["candidate_id"].tolist(), people["name"].tolist(), people["party"].tolist()
    )
    people = people.assign(label=labels)
    questions = compare.questions_of(questionnaire_id, tables)
    limits = {row.id: (row.limit, row.limit_unit) for row in questions.itertuples()}

    def shorten(text: str, question_id: str) -> str:
        return forms.cut(text, *limits.get(question_id, ("", "")))

    given = compare.answer_cells(compare.counted_answers(questionnaire_id, tables), shorten)
    return digest.Digest(
        # The race as the candidates' records spell it, whatever the caller typed.
        title=f"{questionnaire['title'] or 'Candidate questionnaire'}: {people['race'].iloc[0]}",
        subtitle=_subtitle(settings, today),
        sections=[
            digest.Section("The candidates", _who_answered(people)),
            digest.Section(
                "Questions and answers",
                parts=[
                    digest.Section(
                        _question_heading(
                            question.number, question.text, question.limit, question.limit_unit
                        ),
                        _answer_lines(people, question.id, given),
                    )
                    for question in questions.itertuples()
                ],
                empty="The questionnaire has no questions.",
            ),
        ],
    )


def _in_race(people: pd.DataFrame, race: str) -> pd.DataFrame:
    """The candidates whose race reads as ``race``, case and spacing aside."""

    def fold(text: str) -> str:
        return " ".join(str(text).split()).casefold()

    return people[people["race"].map(fold) == fold(race)].reset_index(drop=True)


def _subtitle(settings: Settings, today: date) -> str:
    by = f" by {settings.coalition_name.strip()}" if settings.coalition_name.strip() else ""
    return (
        f"Prepared{by} on {today.isoformat()}. Answers are printed as each candidate submitted "
        f'them, cut with "{forms.ELLIPSIS}" only where longer than the limit the question set. '
        f'Candidates who did not return the questionnaire are marked "{compare.DID_NOT_RESPOND}", '
        f'those who declined it "{compare.DECLINED}", and a question left blank '
        f'"{compare.NO_ANSWER}". Candidates are listed in alphabetical order; this guide does '
        "not rate, rank or endorse any candidate."
    )


def _who_answered(people: pd.DataFrame) -> list[str]:
    return [
        f"{person.label}: {compare.RESPONSE_LABELS[person.response]}"
        for person in people.itertuples()
    ]


def _question_heading(number: str, text: str, limit: str, unit: str) -> str:
    """The question as asked, with its limit: a reader seeing "…" knows why it is there."""
    heading = f"Question {number}: {text}" if number.strip() else text
    most = forms.parse_limit(limit)
    if most is None:
        return heading
    return f"{heading} (answers up to {most:,} {'words' if unit == 'words' else 'characters'})"


def _answer_lines(
    people: pd.DataFrame, question_id: str, given: Mapping[tuple[str, str], str]
) -> list[str]:
    return [
        f"{person.label}: "
        + compare.candidate_cells(person.candidate_id, person.response, [question_id], given)[0]
        for person in people.itertuples()
    ]


# --- scores -----------------------------------------------------------------------------------

SCORE_COLUMNS = [
    "Candidate",
    "Race",
    "Response",
    "Points",
    "Possible",
    "Score (%)",
    "Dealbreakers missed",
    "Passes",
]


def read_weight(weight: str) -> float:
    """A question's weight from a hand-typed cell; a blank, negative or unreadable one counts
    as 1, so a typo never silently drops a question from the score."""
    try:
        value = float(str(weight).strip().replace(",", ""))
    except ValueError:
        return 1.0
    return value if math.isfinite(value) and value >= 0 else 1.0


def same_answer(answer: str, hoped: str) -> bool:
    """Whether an answer is the one hoped for, case and spacing aside ("Yes " is "yes")."""
    return " ".join(answer.split()).casefold() == " ".join(hoped.split()).casefold()


def scores(
    tables: Tables,
    questionnaire_id: str,
    settings: Settings,
    pass_mark: float = DEFAULT_PASS_MARK,
) -> pd.DataFrame | None:
    """Per invited candidate: points for answers equal to the hoped answer, weighted; the
    share of the possible points; the dealbreakers missed (by question number); and whether
    they pass (at least ``pass_mark`` percent, no dealbreaker missed). Highest score first.

    None unless the coalition shows the scorecard: a 501(c)(3) may not rate candidates, and
    no other coalition does so until it has chosen to. A candidate who did not submit scores
    0 and is marked so in "Response"."""
    if not settings.shows_scorecard:
        return None
    questions = compare.questions_of(questionnaire_id, tables)
    scored = questions[questions["hoped_answer"].str.strip() != ""]
    weights = scored["weight"].map(read_weight).tolist()
    possible = sum(weights)
    answers = compare.counted_answers(questionnaire_id, tables)
    given = dict(
        zip(
            zip(answers["candidate_id"], answers["question_id"], strict=True),
            answers["text"],
            strict=True,
        )
    )
    rows = []
    for person in compare.invitees(questionnaire_id, tables).itertuples():
        responded = person.response == compare.SUBMITTED
        hits = [
            responded and same_answer(given.get((person.candidate_id, q.id), ""), q.hoped_answer)
            for q in scored.itertuples()
        ]
        points = sum(weight for weight, hit in zip(weights, hits, strict=True) if hit)
        missed = [
            q.number
            for q, hit in zip(scored.itertuples(), hits, strict=True)
            if q.dealbreaker and not hit
        ]
        share = 100 * points / possible if possible else math.nan
        rows.append(
            [
                person.label,
                person.race,
                compare.RESPONSE_LABELS[person.response],
                points,
                possible,
                round(share, 1),
                ", ".join(missed),
                responded and possible > 0 and share >= pass_mark and not missed,
            ]
        )
    card = pd.DataFrame(rows, columns=SCORE_COLUMNS)
    return card.sort_values(
        ["Score (%)", "Candidate"], ascending=[False, True], na_position="last"
    ).reset_index(drop=True)
