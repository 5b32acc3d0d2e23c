"""Research per candidate: values, policies and viability, each item with its source and date.

The guide asks for research that can be checked: fundraising (cash on hand, the share of
small-dollar donations, whether they reject corporate PAC money), polling, past votes, other
endorsements. A free note needs neither source nor date; every other item is expected to have
both, and one that lacks them is pointed out. The questionnaire score and the dealbreakers missed
come from the questionnaire feature, for a coalition that shows the scorecard.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from lib import audit, schema
from lib.coalition import Settings
from lib.questionnaires import compare, guide
from lib.text import safe_url

TOPICS = tuple(schema.RESEARCH_TOPIC.values)
#: topics that are the researcher's own words rather than a fact with a source
FREE = frozenset({"note"})
ITEM_COLUMNS = ["id", "topic", "Topic", "value", "source", "as_of", "notes", "visibility"]


def items(candidate_id: str, research: pd.DataFrame) -> pd.DataFrame:
    """The candidate's research in the order of the topics, newest first within a topic, with
    ``Topic`` in words and ``source`` a safe web address or blank."""
    theirs = research[research["candidate_id"] == candidate_id]
    order = theirs["topic"].map({topic: at for at, topic in enumerate(TOPICS)}).fillna(len(TOPICS))
    ordered = theirs.assign(_order=order, _when=theirs["as_of"]).sort_values(
        ["_order", "_when", "created_at"], ascending=[True, False, False], kind="stable"
    )
    return pd.DataFrame(
        {
            "id": ordered["id"],
            "topic": ordered["topic"],
            "Topic": schema.RESEARCH_TOPIC.label_all(ordered["topic"]),
            "value": ordered["value"],
            "source": ordered["source_url"].map(lambda url: safe_url(url) or ""),
            "as_of": ordered["as_of"],
            "notes": ordered["notes"],
            "visibility": ordered["visibility"],
        },
        columns=ITEM_COLUMNS,
    ).reset_index(drop=True)


def _short(text: str, most: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= most else text[: most - 1] + "…"


def warnings(found: pd.DataFrame, raw: pd.DataFrame | None = None) -> list[str]:
    """A sentence for each item (from :func:`items`) that cannot be checked: no source link (or
    one that is not a web address), no date. ``raw`` is the research table, to tell a missing
    link from one that is not http(s)."""
    typed = dict(zip(raw["id"], raw["source_url"], strict=True)) if raw is not None else {}
    said = []
    for item in found.to_dict("records"):
        if item["topic"] in FREE:
            continue
        lacks = []
        if not item["source"]:
            lacks.append(
                "a source that is not a web address"
                if str(typed.get(item["id"], "")).strip()
                else "no source link"
            )
        if not item["as_of"]:
            lacks.append("no date")
        if lacks:
            what = f"{item['Topic']} “{_short(item['value'])}”" if item["value"] else item["Topic"]
            said.append(f"{what} has {' and '.join(lacks)}: add them so it can be checked.")
    return said


def item_problems(values: Mapping[str, Any]) -> dict[str, str]:
    """field -> what is wrong with a new item, for the form to say beside the field."""
    problems = {}
    topic = values.get("topic")
    if topic not in TOPICS:
        problems["topic"] = "Choose a topic."
    if not str(values.get("value") or "").strip():
        problems["value"] = "Write what was found, such as $120,000 or “voted yes on SB 12”."
    url = str(values.get("source_url") or "").strip()
    if url and safe_url(url) is None:
        problems["source_url"] = (
            "The source must be a web address starting with https:// or http://."
        )
    elif not url and topic not in FREE:
        problems["source_url"] = "Give the source's web address, so anyone can check it."
    if not values.get("as_of") and topic not in FREE:
        problems["as_of"] = "Give the date of the figure or the source."
    if values.get("visibility") not in schema.VISIBILITY.values:
        problems["visibility"] = "Choose who may see it."
    for name in ("value", "notes", "source_url"):
        if len(str(values.get(name) or "")) > schema.MAX_CELL_CHARS:
            problems[name] = f"This holds at most {schema.MAX_CELL_CHARS:,} characters."
    return problems


def item_rows(
    record_id: str,
    candidate_id: str,
    values: Mapping[str, Any],
    author: str,
    candidate_name: str,
) -> dict[str, list[dict[str, Any]]]:
    """The rows that add a research item and its audit row, for ``store.change``. Raises
    ``schema.InvalidValue`` naming the first field that is wrong."""
    problems = item_problems(values)
    if problems:
        field, message = next(iter(problems.items()))
        raise schema.InvalidValue(field, message)
    url = str(values.get("source_url") or "").strip()
    row = {
        "id": record_id,
        "candidate_id": candidate_id,
        "topic": values["topic"],
        "value": str(values["value"]).strip(),
        "source_url": safe_url(url) if url else "",
        "as_of": values.get("as_of") or "",
        "notes": str(values.get("notes") or "").strip(),
        "visibility": values["visibility"],
        "created_by": author,
    }
    schema.to_cells("research", row)
    detail = f"{candidate_name}: {schema.RESEARCH_TOPIC.label(str(row['topic']))}"
    logged = audit.entry(author, "researched", "research", record_id, detail)
    return {"research": [row], "audit": [logged]}


@dataclass(frozen=True)
class QuestionnaireScore:
    title: str
    response: str  # as compare.RESPONSE_LABELS says it
    score: float | None  # percent of the possible points; None without answers or hoped ones
    dealbreakers_missed: tuple[str, ...]  # "3. Will you ...?" per dealbreaker missed
    passes: bool


def questionnaire_scores(
    candidate_id: str, tables: Mapping[str, pd.DataFrame], settings: Settings
) -> list[QuestionnaireScore] | None:
    """The candidate's score and dealbreakers missed on every questionnaire they were sent,
    newest first; None when the coalition does not show the scorecard (ranking candidates is
    for a coalition that has chosen to)."""
    if not settings.shows_scorecard:
        return None
    found = []
    for asked in compare.candidate_answers(candidate_id, tables):
        card = guide.scores(tables, asked.questionnaire_id, settings)
        people = compare.invitees(asked.questionnaire_id, tables)
        label = people.loc[people["candidate_id"] == candidate_id, "label"]
        row = card[card["Candidate"] == label.iloc[0]] if card is not None and len(label) else None
        if row is None or row.empty:
            continue
        scored = row.iloc[0]
        numbers = [n.strip() for n in str(scored["Dealbreakers missed"]).split(",") if n.strip()]
        texts = {
            q.number: q.text
            for q in compare.questions_of(asked.questionnaire_id, tables).itertuples()
        }
        submitted = asked.response == compare.SUBMITTED
        share = float(scored["Score (%)"])  # not a number when no question has a hoped answer
        found.append(
            QuestionnaireScore(
                title=asked.title,
                response=asked.response_label,
                score=share if submitted and math.isfinite(share) else None,
                dealbreakers_missed=tuple(f"{n}. {texts.get(n, '')}".strip() for n in numbers),
                passes=bool(scored["Passes"]),
            )
        )
    return found
