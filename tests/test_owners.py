"""Owners matched to people: by name however it was typed, by email, never by a name two people
share; and the checks that keep a member's one-click updates to what they own."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from lib import access, outbox, owners, schema
from lib.my_followups import mine
from lib.my_followups.items import items_for
from lib.store.sql import SqlStore

TODAY = date(2026, 11, 23)


def members(*rows: tuple[str, str, str]) -> pd.DataFrame:
    """Members from (email, name, role) rows, all active."""
    return schema.normalise(
        "members",
        pd.DataFrame(
            [{"email": e, "name": n, "role": r, "active": "TRUE"} for e, n, r in rows],
            dtype=object,
        ),
    )


def partners(*rows: tuple[str, str, str]) -> pd.DataFrame:
    """Partners from (name, contact_name, contact_email) rows."""
    return schema.normalise(
        "partners",
        pd.DataFrame(
            [
                {"id": f"ptn-{n}", "name": o, "contact_name": c, "contact_email": e, "active": "x"}
                for n, (o, c, e) in enumerate(rows)
            ],
            dtype=object,
        ),
    )


COALITION = members(
    ("tomas.herrera@example.org", "Tomás Herrera", "advocate"),
    ("sam.lee@example.org", "Sam Lee", "advocate"),
    ("sam.lee2@example.net", "Sam Lee", "staff"),
    ("dana@example.org", "Dana Okafor", "admin"),
)
CONTACTS = partners(
    ("Common Ground", "Rev. Lucinda Ferreira", "lucinda@example.org"),
    ("Nurses United", "Dana Okafor", "dana@example.org"),  # a member too: listed once
)
EVERYONE = owners.people(COALITION, CONTACTS)


def person(email: str) -> owners.Person:
    found = owners.with_email(email, EVERYONE)
    assert found is not None
    return found


def owned(cells: list[str], email: str) -> list[bool]:
    return owners.owned_by(pd.Series(cells, dtype=str), person(email), EVERYONE).tolist()


def test_everyone_is_the_active_members_then_partners_contacts_each_once() -> None:
    assert [someone.email for someone in EVERYONE] == [
        "tomas.herrera@example.org",
        "sam.lee@example.org",
        "sam.lee2@example.net",
        "dana@example.org",
        "lucinda@example.org",
    ]
    inactive = COALITION.assign(active=[True, True, True, False])
    assert "dana@example.org" in {p.email for p in owners.people(inactive, CONTACTS)}  # a contact
    assert "dana@example.org" not in {p.email for p in owners.people(inactive)}


@pytest.mark.parametrize(
    "typed",
    ["Tomás Herrera", "tomas herrera", "TOMAS  HERRERA", " Tomás Herrera ", "Tomas Herrera"],
)
def test_a_name_is_matched_whatever_its_accents_case_and_spacing(typed: str) -> None:
    assert owned([typed], "tomas.herrera@example.org") == [True]
    assert owners.person_for(typed, EVERYONE) == person("tomas.herrera@example.org")


def test_a_name_two_people_share_names_nobody_until_the_email_says_who() -> None:
    assert owned(["Sam Lee", "sam lee"], "sam.lee@example.org") == [False, False]
    assert owned(["Sam Lee"], "sam.lee2@example.net") == [False]
    assert owners.person_for("Sam Lee", EVERYONE) is None
    # The form offers each with the email beside it; either spelling of that names one person.
    offered = owners.choices(COALITION)
    assert "Sam Lee (sam.lee@example.org)" in offered
    assert "Sam Lee (sam.lee2@example.net)" in offered
    assert "Tomás Herrera" in offered and "Sam Lee" not in offered
    assert owned(["Sam Lee (sam.lee@example.org)"], "sam.lee@example.org") == [True]
    assert owned(["Sam Lee (sam.lee@example.org)"], "sam.lee2@example.net") == [False]
    assert owned(["Sam Lee <SAM.LEE2@example.net>"], "sam.lee2@example.net") == [True]


def test_an_email_typed_as_the_owner_names_that_person() -> None:
    assert owned(
        ["Tomas.Herrera@Example.org", " tomas.herrera@example.org"], "tomas.herrera@example.org"
    ) == [
        True,
        True,
    ]
    assert owned(["sam.lee@example.org"], "sam.lee@example.org") == [True]
    outsider = owners.person_for("volunteer@example.net", EVERYONE)
    assert outsider == owners.Person("volunteer@example.net", "volunteer@example.net")
    assert owners.person_for("Someone Without An Account", EVERYONE) is None
    assert owners.person_for("", EVERYONE) is None


def test_a_partner_contact_owns_follow_ups_by_name_or_email() -> None:
    assert owned(["Lucinda Ferreira"], "lucinda@example.org") == [False]  # not the same name
    assert owned(["rev. lucinda ferreira", "LUCINDA@example.org"], "lucinda@example.org") == [
        True,
        True,
    ]
    # A contact named like a member is someone else: that name alone is nobody's for sure.
    namesake = owners.people(
        COALITION, partners(("Parents", "Tomás Herrera", "t.herrera@parents.example"))
    )
    tomas = owners.with_email("tomas.herrera@example.org", namesake)
    assert tomas is not None
    assert not owners.owned_by(pd.Series(["Tomás Herrera"]), tomas, namesake).any()
    assert owners.owned_by(pd.Series(["tomas.herrera@example.org"]), tomas, namesake).all()


def test_a_repeated_id_is_owed_once() -> None:
    commitment = {
        "id": "cmt-1",
        "candidate_id": "cand-1",
        "text": "Hold a hearing",
        "status": "in_the_works",
        "owner": "Tomás Herrera",
        "follow_up_by": "2026-11-30",
        "visibility": "coalition",
    }
    tables = {
        name: schema.normalise(name, pd.DataFrame(columns=schema.table(name).column_names))
        for name in ("candidates", "actions", "invitations", "questionnaires", "answers")
    }
    tables["commitments"] = schema.normalise(
        "commitments", pd.DataFrame([commitment, commitment], dtype=object)
    )
    found = items_for(tables, person("tomas.herrera@example.org"), EVERYONE, TODAY)
    assert list(found["id"]) == ["cmt-1"]


def test_a_status_set_without_a_note_says_who_set_it_and_where() -> None:
    commitment = pd.Series(
        {
            "id": "cmt-1",
            "status": "stalled",
            "made_on": "2026-10-01",
            "created_at": "",
            "updated_at": "v1",
        }
    )
    planned = mine.plan_status(commitment, "kept", "  ", "tomas@x.org", "Tomás Herrera", TODAY)
    assert planned.errors == {}
    assert planned.change is not None
    assert planned.change.note == "Status set to Promise kept from My follow-ups by Tomás Herrera."
    assert (planned.change.expected_updated_at, planned.change.on) == ("v1", TODAY)
    kept = mine.plan_status(commitment, "stalled", "", "tomas@x.org", "Tomás", TODAY)
    assert kept.change is None and "status" in kept.errors
    noted = mine.plan_status(commitment, "stalled", "Still waiting", "t@x.org", "T", TODAY)
    assert noted.change is not None and noted.change.note == "Still waiting"
    early = commitment.copy()
    early["made_on"] = "2026-12-25"  # a date typed wrong in the sheet: the update would be older
    assert "date" in mine.plan_status(early, "kept", "", "t@x.org", "T", TODAY).errors


def test_the_ownership_check_reads_the_record_as_stored_when_writing(tmp_path: Path) -> None:
    store = SqlStore(f"sqlite:///{tmp_path / 'owners.db'}")
    store.ensure_schema()
    store.append(
        "members",
        [
            {
                "email": "tomas@example.org",
                "name": "Tomás Herrera",
                "role": "advocate",
                "active": True,
            }
        ],
    )
    [mine_id, other_id] = store.append(
        "commitments",
        [
            {
                "text": "Mine",
                "owner": "tomas herrera",
                "status": "stalled",
                "visibility": "coalition",
            },
            {
                "text": "Dana's",
                "owner": "Dana Okafor",
                "status": "stalled",
                "visibility": "coalition",
            },
        ],
    )
    owners.verify_owner(store, "tomas@example.org", "commitments", mine_id)
    with pytest.raises(access.NotAllowed, match="no longer yours"):
        owners.verify_owner(store, "tomas@example.org", "commitments", other_id)
    owners.verify_owner(store, "tomas@example.org", "commitments", "cmt-gone")  # the write says

    write = [
        outbox.check_op("tomas@example.org", mine.OWN),
        outbox.owner_op("tomas@example.org", "commitments", mine_id),
        outbox.update_op("commitments", mine_id, {"status": "kept"}, None),
    ]
    outbox.apply_ops(store, write)
    assert store.read("commitments").set_index("id").loc[mine_id, "status"] == "kept"
    store.update("commitments", mine_id, {"owner": "Dana Okafor"})
    with pytest.raises(access.NotAllowed):
        outbox.apply_ops(store, write)
