"""What the questionnaires page edits and shows: questions as a table, and the invitation email."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from lib import schema

#: The table staff write questions in; the scoring columns only for a coalition that may endorse.
EDITOR_COLUMNS = ("text", "kind", "options", "limit", "limit_unit", "issue")
SCORING_COLUMNS = ("hoped_answer", "weight", "dealbreaker")


def question_table(
    questions: pd.DataFrame, issue_names: Mapping[str, str], scoring: bool
) -> pd.DataFrame:
    """A questionnaire's questions as the editable table: kinds and units in words, issues by
    name. An empty questionnaire starts with one blank yes-or-no question."""
    columns = [*EDITOR_COLUMNS, *(SCORING_COLUMNS if scoring else ())]
    if questions.empty:
        blank: dict[str, Any] = {column: "" for column in columns}
        blank |= {"kind": schema.QUESTION_KIND.label("yes_no"), "limit_unit": "Words"}
        if scoring:
            blank["dealbreaker"] = False
        return pd.DataFrame([blank], columns=columns)
    shown = pd.DataFrame(
        {
            "text": questions["text"],
            "kind": schema.QUESTION_KIND.label_all(questions["kind"]),
            "options": questions["options"],
            "limit": questions["limit"],
            "limit_unit": schema.LIMIT_UNIT.label_all(questions["limit_unit"]),
            "issue": questions["issue_id"].map(dict(issue_names)).fillna(""),
            "hoped_answer": questions["hoped_answer"],
            "weight": questions["weight"],
            "dealbreaker": questions["dealbreaker"].astype(bool),
        }
    )
    return shown[columns].reset_index(drop=True)


def questions_from_table(edited: pd.DataFrame, issue_ids: Mapping[str, str]) -> list[dict]:
    """The questions a staffer typed, in order, blank rows left out. Issues are given by name
    (``issue_ids`` maps names to ids); kinds and units by their labels."""
    kinds = schema.QUESTION_KIND.lookup()
    units = schema.LIMIT_UNIT.lookup()
    questions = []
    for row in edited.fillna("").to_dict("records"):
        if not str(row.get("text", "")).strip():
            continue
        question = {
            "text": str(row["text"]).strip(),
            "kind": kinds.get(schema.fold(str(row.get("kind", ""))), "free_text"),
            "options": str(row.get("options", "")),
            "limit": str(row.get("limit", "")).strip(),
            "limit_unit": units.get(schema.fold(str(row.get("limit_unit", ""))), "words"),
            "issue_id": issue_ids.get(str(row.get("issue", "")), ""),
        }
        for column in SCORING_COLUMNS:
            if column in row:
                question[column] = row[column] if column == "dealbreaker" else str(row[column])
        questions.append(question)
    return questions


def invitation_email(
    coalition_name: str, title: str, candidate_name: str, link: str, deadline: str
) -> str:
    """A ready-to-paste invitation. Plain text: it goes into an email, never onto a page."""
    by = f" by {deadline}" if deadline else ""
    sender = coalition_name or "our coalition"
    return (
        f"Dear {candidate_name},\n\n"
        f"{sender} invites you to answer our questionnaire “{title}”. Every candidate in your "
        f"race receives the same questions.\n\n"
        f"Your private link (please do not share it):\n{link}\n\n"
        f"You can save your answers and come back with the same link. Please answer{by}.\n\n"
        f"Thank you,\n{sender}\n"
    )


def received_table(received: pd.DataFrame, candidate_names: Mapping[str, str]) -> pd.DataFrame:
    """Who received which version, for people: names and words, not ids."""
    return pd.DataFrame(
        {
            "Candidate": received["candidate_id"].map(dict(candidate_names)).fillna(""),
            "Version": received["version"],
            "Status": received["status_label"],
            "Sent": received["sent_at"].str[:10],
        }
    )


def links_table(progress: pd.DataFrame, candidate_names: Mapping[str, str]) -> pd.DataFrame:
    """Each link's progress, for people: names and words, not ids."""
    return pd.DataFrame(
        {
            "Candidate": progress["candidate_id"].map(dict(candidate_names)).fillna(""),
            "Email": progress["contact_email"],
            "Status": progress["status_words"],
            "Deadline": progress["deadline"],
            "Sent": progress["sent_at"].str[:10],
            "Questions answered": progress["answered"],
            "Drafted": progress["drafted"],
        }
    )


def contacts_table(
    candidate_ids: Iterable[str], candidate_names: Mapping[str, str]
) -> pd.DataFrame:
    """The candidates about to get a link, with a blank contact email to fill in."""
    ids = list(dict.fromkeys(candidate_ids))
    return pd.DataFrame(
        {
            "candidate_id": ids,
            "Candidate": [candidate_names.get(candidate_id, candidate_id) for candidate_id in ids],
            "Contact email": [""] * len(ids),
        }
    )


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def contact_emails(edited: pd.DataFrame) -> tuple[dict[str, str], list[str]]:
    """Each candidate's contact email as typed (trimmed; blank is allowed), and a message per
    address that cannot be one, naming the candidate."""
    emails: dict[str, str] = {}
    problems = []
    for row in edited.to_dict("records"):
        email = str(row.get("Contact email") or "").strip()
        if email and not _EMAIL.fullmatch(email):
            problems.append(f"{row['Candidate']}: {email!r} is not an email address.")
        emails[str(row["candidate_id"])] = email
    return emails, problems
