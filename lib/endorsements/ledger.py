"""The fair process ledger: what each candidate in a race was offered (the questionnaire, a Q&A
session, the pledge) and when, and what they did with it.

The guide asks that every candidate be treated the same. Questionnaire links made on the
Questionnaires page count as questionnaire offers without being typed again; an offer made to
one candidate and not to another is said in a sentence, naming both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from lib import audit, schema

KINDS = tuple(schema.OFFER.values)  # questionnaire, qa_session, pledge, other
#: each kind as the object of "was offered ..."
OFFERED = {
    "questionnaire": "the questionnaire",
    "qa_session": "a Q&A session",
    "pledge": "the pledge",
    "other": "another offer",
}
NOT_OFFERED = "Not offered"
FROM_QUESTIONNAIRES = "Questionnaires page"
#: a questionnaire link's status, as a response to the offer
INVITATION_RESPONSE = {
    "submitted": "completed",
    "declined": "declined",
    "started": "accepted",
    "opened": "no_response",
    "sent": "no_response",
}
LEDGER_COLUMNS = [
    "id",
    "candidate_id",
    "offer",
    "offered_on",
    "response",
    "responded_on",
    "notes",
    "source",
]


def offers_in(
    race_id: str,
    candidate_ids: Sequence[str],
    offers: pd.DataFrame,
    invitations: pd.DataFrame,
    questionnaire_titles: Mapping[str, str],
) -> pd.DataFrame:
    """Every offer to the race's candidates, oldest first: the race's own rows, and each
    questionnaire link sent to one of them (``source`` says which)."""
    own = offers[offers["race_id"] == race_id]
    rows = [
        {name: row[name] for name in LEDGER_COLUMNS[:-1]} | {"source": "Recorded here"}
        for row in own.to_dict("records")
    ]
    sent = invitations[invitations["candidate_id"].isin(list(candidate_ids))]
    for link in sent.to_dict("records"):
        offered_on = str(link["sent_at"])[:10]
        if link["status"] == "not_sent" and not offered_on:
            continue  # a link made but never sent offers nothing yet
        title = questionnaire_titles.get(link["questionnaire_id"], link["questionnaire_id"])
        rows.append(
            {
                "id": link["id"],
                "candidate_id": link["candidate_id"],
                "offer": "questionnaire",
                "offered_on": offered_on or str(link["created_at"])[:10],
                "response": INVITATION_RESPONSE.get(link["status"], "no_response"),
                "responded_on": str(link["submitted_at"])[:10],
                "notes": f"“{title}”" + (" (link revoked)" if link["revoked"] else ""),
                "source": FROM_QUESTIONNAIRES,
            }
        )
    frame = pd.DataFrame(rows, columns=LEDGER_COLUMNS)
    return frame.sort_values(["offered_on", "candidate_id", "offer"], kind="stable").reset_index(
        drop=True
    )


def _cell(offer: Mapping[str, Any]) -> str:
    offered = f"Offered {offer['offered_on']}" if offer["offered_on"] else "Offered (no date)"
    response = schema.OFFER_RESPONSE.label(offer["response"] or "no_response")
    when = f" {offer['responded_on']}" if offer["responded_on"] else ""
    return f"{offered}: {response}{when}"


def matrix(people: pd.DataFrame, ledger: pd.DataFrame) -> pd.DataFrame:
    """Candidate × kind of offer: the latest offer of each kind and its response, or "Not
    offered". ``people`` are the race's candidates with a ``label`` (see races.candidates_in)."""
    rows = []
    for person in people.to_dict("records"):
        theirs = ledger[ledger["candidate_id"] == person["id"]]
        row = {"Candidate": person["label"]}
        for kind in KINDS:
            made = theirs[theirs["offer"] == kind].to_dict("records")
            row[schema.OFFER.label(kind)] = _cell(made[-1]) if made else NOT_OFFERED
        rows.append(row)
    return pd.DataFrame(rows, columns=["Candidate", *(schema.OFFER.label(k) for k in KINDS)])


def _names(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def unequal_offers(people: pd.DataFrame, ledger: pd.DataFrame) -> list[str]:
    """A sentence for each kind of offer some candidates of the race had and others did not:
    "Inés Márquez was offered a Q&A session on 2026-10-02; Tom Whitaker was not." """
    found = []
    for kind in KINDS:
        made = ledger[ledger["offer"] == kind]
        offered, left_out = [], []
        for person in people.to_dict("records"):
            theirs = made.loc[made["candidate_id"] == person["id"], "offered_on"]
            if theirs.empty:
                left_out.append(person["label"])
                continue
            dates = sorted(day for day in theirs if day)
            offered.append((person["label"], dates[0] if dates else ""))
        if not offered or not left_out:
            continue
        if len(offered) == 1:
            name, day = offered[0]
            given = f"{name} was offered {OFFERED[kind]}" + (f" on {day}" if day else "")
        else:
            listed = [f"{name} (on {day})" if day else name for name, day in offered]
            given = f"{_names(listed)} were offered {OFFERED[kind]}"
        missing = f"{_names(left_out)} {'was' if len(left_out) == 1 else 'were'} not"
        found.append(f"{given}; {missing}.")
    return found


def offer_row(
    record_id: str,
    race: Mapping[str, Any],
    candidate_id: str,
    values: Mapping[str, Any],
    author: str,
    candidate_name: str,
) -> dict[str, list[dict[str, Any]]]:
    """The rows that record an offer (``offer``, ``offered_on``, ``response``, ``responded_on``,
    ``notes``) with its audit row, for ``store.change``. Raises ``schema.InvalidValue`` naming
    the field the contract refuses."""
    problems = offer_problems(values)
    if problems:
        field, message = next(iter(problems.items()))
        raise schema.InvalidValue(field, message)
    row = {
        "id": record_id,
        "race_id": race["id"],
        "candidate_id": candidate_id,
        **{name: values.get(name) or "" for name in ("offer", "offered_on", "response")},
        "responded_on": values.get("responded_on") or "",
        "notes": str(values.get("notes") or "").strip(),
        "created_by": author,
    }
    schema.to_cells("offers", row)
    kind = schema.OFFER.label(str(row["offer"]))
    detail = f"{race['title']}: {candidate_name} offered {kind} on {row['offered_on']}"
    logged = audit.entry(author, "offered", "offers", record_id, detail)
    return {"offers": [row], "audit": [logged]}


def offer_problems(values: Mapping[str, Any]) -> dict[str, str]:
    """field -> what is wrong with it, for the form to say beside the field."""
    problems = {}
    if values.get("offer") not in KINDS:
        problems["offer"] = "Choose what was offered."
    if not values.get("offered_on"):
        problems["offered_on"] = "Say when it was offered: the ledger compares dates."
    response = values.get("response") or "no_response"
    if response not in schema.OFFER_RESPONSE.values:
        problems["response"] = "Choose what the candidate did with it."
    offered, responded = values.get("offered_on"), values.get("responded_on")
    if responded and response == "no_response":
        problems["responded_on"] = "A response date needs a response: choose what they did."
    if offered and responded and str(responded) < str(offered):
        problems["responded_on"] = "The response cannot come before the offer."
    if len(str(values.get("notes") or "")) > schema.MAX_CELL_CHARS:
        problems["notes"] = f"Notes hold at most {schema.MAX_CELL_CHARS:,} characters."
    return problems


def response_change(
    offer: Mapping[str, Any], response: str, responded_on: str, author: str, title: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(changes, audit row) recording what a candidate did with an offer recorded here."""
    changes = {"response": response, "responded_on": responded_on}
    if responded_on and str(responded_on) < str(offer["offered_on"]):
        raise schema.InvalidValue("responded_on", "The response cannot come before the offer.")
    schema.to_cells("offers", changes)
    detail = f"{title}: {schema.OFFER_RESPONSE.label(response)} {responded_on}".strip()
    return changes, audit.entry(author, "responded", "offers", str(offer["id"]), detail)
