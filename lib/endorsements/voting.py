"""An endorsement vote: opening it with its rules, casting and changing a ballot, closing and
counting it, and the announcement drafted from the outcome.

How a ballot stays secret in an anonymous vote:

- When the vote opens, one blank ballot is laid out for each eligible member, in the order of
  their ids. A ballot's id is an HMAC of the vote and the member's address under a key the app
  keeps in its secrets, never in the data, so nobody holding only the data can tell whose
  ballot is whose, neither from the id nor from the order the rows were added in.
- Voting fills in one's own ballot (changing one's vote fills it in again): a ballot row is
  never added at the moment someone votes, so its place in the table says nothing of when.
- A separate record of who has voted (the voters table) keeps a member from voting twice and
  gives the turnout; it and the audit row say that someone voted, never what they chose.

What it does not protect against is written in the README (Endorsements): whoever holds both the
app's secrets and the data can recompute every member's ballot id, and a backend's own history
(a Google Sheet's version history, a database's logs) dates each change of a cell.

Every write here is one ``store.change``, so a ballot, its voter record and its audit row land
together or not at all; each is decided on a fresh read of what it depends on (the member's
access, the vote's status and closing time, the coalition's tax status), made at the moment of
writing, and a doubt refuses the write.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd

from lib import access, audit, coalition, schema
from lib.endorsements.tally import METHODS, NO_ENDORSEMENT, Tally, tally
from lib.store import Edit, NotFoundError, Store, StoreError
from lib.text import escape_markdown_file

PLEDGE = "I will support the eventual nominee"
QUOTE_PLACEHOLDER = "[Quote from a member organisation]"
NO_ENDORSEMENT_LABEL = "No endorsement"
# Domain separation: the ballot key made from the sign-in cookie secret is used for nothing else.
_DERIVED_KEY_LABEL = b"coalition-tracker endorsement ballot ids"

Row = Mapping[str, Any]


class VoteRefused(StoreError):
    """A write the vote's rules do not allow now; nothing was written. Said plainly."""


@dataclass(frozen=True)
class Rules:
    """What an admin decides when opening a vote, before anyone votes."""

    method: str
    closes_at: datetime
    min_turnout: float = 0.0  # percent of the eligible members, 0 to 100
    anonymous: bool = True
    no_endorsement_option: bool = True
    pledge: bool = False  # primaries only
    #: the members who may vote; empty means every active member when the vote opens
    eligible: tuple[str, ...] = ()


@dataclass
class Writes:
    """One change to send to ``store.change``: edits and rows to add, by table."""

    edits: list[Edit] = field(default_factory=list)
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


# --- keys and ids -------------------------------------------------------------------------------


def ballot_key(secrets: Mapping[str, Any]) -> bytes | None:
    """The key ballot ids are made with: ``[endorsements] ballot_key``, else one derived from
    ``[auth] cookie_secret``; None without either (votes need sign-in anyway)."""
    own = secrets.get("endorsements")
    if isinstance(own, Mapping) and str(own.get("ballot_key") or "").strip():
        return str(own["ballot_key"]).strip().encode("utf-8")
    auth = secrets.get("auth")
    if isinstance(auth, Mapping) and str(auth.get("cookie_secret") or "").strip():
        cookie = str(auth["cookie_secret"]).strip().encode("utf-8")
        return hmac.new(cookie, _DERIVED_KEY_LABEL, hashlib.sha256).digest()
    return None


def _address(email: str) -> str:
    return str(email).strip().lower()


def ballot_id(key: bytes, vote_id: str, email: str) -> str:
    """A member's ballot in a vote: the same every time (so a second ballot replaces the
    first), and not to be worked out from the data without the key."""
    message = f"{vote_id}\0{_address(email)}".encode()
    return "blt-" + hmac.new(key, message, hashlib.sha256).hexdigest()[:16]


def voter_id(vote_id: str, email: str) -> str:
    """A member's record of having voted: the same every time, so it is added once. No secret:
    the row names the member anyway."""
    digest = hashlib.sha256(f"voter\0{vote_id}\0{_address(email)}".encode()).hexdigest()
    return "vtr-" + digest[:16]


def runoff_id(vote_id: str) -> str:
    """The runoff of a vote, fixed, so counting the vote again never opens a second one."""
    return "vote-" + hashlib.sha256(f"runoff\0{vote_id}".encode()).hexdigest()[:12]


# --- reading a vote -------------------------------------------------------------------------------


def moment(text: object) -> datetime | None:
    """A stored timestamp as an aware UTC moment, or None when it cannot be read. The contract
    stores UTC, so a stamp typed without a zone is read as UTC."""
    raw = str(text or "").strip()
    if not raw:
        return None
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def stamp(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="seconds")


def min_turnout(text: object) -> float | None:
    """The stored minimum turnout ("50%", or a bare 50) as a share from 0 to 1; None when it
    cannot be read, and then the vote is not counted."""
    raw = str(text or "").strip().rstrip("%").strip()
    if not raw:
        return 0.0
    try:
        percent = float(raw)
    except ValueError:
        return None
    return percent / 100 if math.isfinite(percent) and 0 <= percent <= 100 else None


def eligible_of(vote: Row) -> list[str]:
    """The members who may vote, as snapshotted when the vote opened."""
    return sorted({_address(email) for email in schema.split_list(vote.get("eligible", ""))})


def choices_of(vote: Row) -> list[str]:
    """What a ballot may say: the vote's candidates, then "no endorsement" where offered."""
    choices = schema.split_list(vote.get("candidate_ids", ""))
    return choices + [NO_ENDORSEMENT] if vote.get("no_endorsement_option") else choices


def takes_ballots(vote: Row, now: datetime) -> bool:
    """Open, and before its closing time; a status or a closing time that cannot be read (the
    contract reads those as closed and blank) takes nothing."""
    closes = moment(vote.get("closes_at"))
    return vote.get("status") == "open" and closes is not None and now < closes


def counted(vote: Row) -> bool:
    return vote.get("status") == "closed" and bool(vote.get("outcome"))


def active_emails(members: pd.DataFrame) -> list[str]:
    active = members[members["active"]]
    return sorted({_address(email) for email in active["email"] if _address(email)})


# --- opening ------------------------------------------------------------------------------------


def open_vote(
    race: Row,
    candidates: Sequence[str],
    rules: Rules,
    author: str,
    now: datetime,
    members: pd.DataFrame,
    key: bytes,
) -> Writes:
    """The vote row, a blank ballot for each eligible member, and the audit row.

    Raises :class:`lib.schema.InvalidValue` naming the rule that is wrong."""
    chosen = list(dict.fromkeys(str(candidate).strip() for candidate in candidates if candidate))
    if not chosen:
        raise schema.InvalidValue("candidate_ids", "Choose at least one candidate to vote on.")
    standing = race.get("candidate_ids")
    if standing is not None and not set(chosen) <= set(standing):
        raise schema.InvalidValue(
            "candidate_ids", "Only candidates standing in this race can be voted on."
        )
    if rules.method not in METHODS:
        raise schema.InvalidValue("method", "Choose how the vote is decided.")
    if not 0 <= rules.min_turnout <= 100 or not math.isfinite(rules.min_turnout):
        raise schema.InvalidValue("min_turnout", "The minimum turnout is between 0% and 100%.")
    if rules.closes_at.tzinfo is None or rules.closes_at <= now:
        raise schema.InvalidValue("closes_at", "The closing time must be in the future.")
    if rules.pledge and race.get("stage") != "primary":
        raise schema.InvalidValue(
            "pledge", "The pledge to support the eventual nominee is for primaries only."
        )
    active = active_emails(members)
    if rules.eligible:
        wanted = sorted({_address(email) for email in rules.eligible if _address(email)})
        unknown = [email for email in wanted if email not in set(active)]
        if unknown:
            raise schema.InvalidValue(
                "eligible",
                "Only active members can vote; not active: " + ", ".join(unknown) + ".",
            )
        eligible = wanted
    else:
        eligible = active
    if not eligible:
        raise schema.InvalidValue("eligible", "Nobody would be eligible to vote.")
    vote_id = schema.new_id("votes")
    vote = {
        "id": vote_id,
        "race_id": race["id"],
        "round": "1",
        "candidate_ids": chosen,
        "method": rules.method,
        "min_turnout": f"{rules.min_turnout:g}%",
        "anonymous": rules.anonymous,
        "no_endorsement_option": rules.no_endorsement_option,
        "eligible": eligible,
        "closes_at": stamp(rules.closes_at),
        "pledge": rules.pledge,
        "status": "open",
        "opened_by": author,
        "created_by": author,
    }
    return _opening(vote, key, author, f"{len(eligible)} eligible, closes {vote['closes_at']}")


def _opening(vote: dict[str, Any], key: bytes, author: str, detail: str) -> Writes:
    # Laid out sorted by id: the order says nothing of whose ballot is where.
    ballots = sorted(
        (
            {"id": ballot_id(key, vote["id"], email), "vote_id": vote["id"]}
            for email in vote["eligible"]
        ),
        key=lambda ballot: ballot["id"],
    )
    logged = audit.entry(author, "opened a vote", "votes", vote["id"], detail)
    return Writes(rows={"votes": [vote], "ballots": ballots, "audit": [logged]})


# --- casting ------------------------------------------------------------------------------------


def cast(
    vote: Row,
    voter_email: str,
    choice: str,
    pledge: bool,
    now: datetime,
    key: bytes,
    *,
    ballot_stored: bool,
    voted_before: bool,
) -> Writes:
    """The member's ballot (filled in again if they voted before), their record of having voted
    (the first time only) and an audit row; raises :class:`VoteRefused` when the vote does not
    take this ballot now. ``ballot_stored``: the member's ballot was laid out when the vote
    opened; ``voted_before``: their voter record is stored (read afresh)."""
    email = _address(voter_email)
    if not takes_ballots(vote, now):
        if vote.get("status") == "open" and moment(vote.get("closes_at")) is None:
            raise VoteRefused(
                "This vote's closing time cannot be read, so it takes no ballots. "
                "Ask an admin to check the vote."
            )
        raise VoteRefused("This vote is closed, so your ballot was not saved.")
    if email not in eligible_of(vote):
        raise VoteRefused(
            "You are not on this vote's list of eligible voters, so your ballot was not saved."
        )
    if choice not in choices_of(vote):
        raise VoteRefused("That is not one of this vote's choices; choose again.")
    if vote.get("pledge") and not pledge:
        raise VoteRefused(f"This vote asks every voter to pledge: “{PLEDGE}”. Tick it to vote.")
    if voted_before and not ballot_stored:
        # Its id would differ from the first: the key changed, or the row was deleted by hand.
        raise VoteRefused(
            "Your earlier ballot in this vote cannot be found, so a second one was not added. "
            "Ask an admin: the app's ballot key may have changed since the vote opened."
        )
    anonymous = bool(vote.get("anonymous"))
    ballot = {
        "choice": choice,
        "pledge": bool(pledge),
        # An anonymous ballot names nobody, whatever was typed into it by hand.
        "voter": "" if anonymous else email,
    }
    the_id = ballot_id(key, str(vote["id"]), email)
    writes = Writes()
    if ballot_stored:
        writes.edits.append(Edit("ballots", the_id, ballot))
    else:  # a vote whose ballots were not laid out (typed in by hand)
        writes.rows["ballots"] = [{"id": the_id, "vote_id": vote["id"], **ballot}]
    if not voted_before:
        writes.rows["voters"] = [
            {"id": voter_id(str(vote["id"]), email), "vote_id": vote["id"], "voter": email}
        ]
    # About the voter record (which admins alone see), and never about the choice.
    writes.rows["audit"] = [
        audit.entry(
            email,
            "changed their vote" if voted_before else "voted",
            "voters",
            voter_id(str(vote["id"]), email),
            f"Vote {vote['id']}",
        )
    ]
    return writes


# --- closing and counting -----------------------------------------------------------------------


def counted_choices(vote: Row, ballots: pd.DataFrame, key: bytes | None) -> list[str]:
    """The choices of the ballots filled in for this vote, each ballot once however often its
    row was copied. Raises :class:`VoteRefused` when a ballot cannot be trusted: two copies that
    disagree, a choice the vote did not offer, or (with ``key``) a ballot that belongs to no
    eligible member."""
    mine = ballots[(ballots["vote_id"] == vote["id"]) & (ballots["choice"] != "")]
    by_id: dict[str, str] = {}
    for ballot_key_, choice in zip(mine["id"], mine["choice"], strict=True):
        if by_id.setdefault(ballot_key_, choice) != choice:
            raise VoteRefused(
                f"Ballot {ballot_key_} appears twice with different choices, so the vote cannot "
                "be counted. Remove the copy that was added by hand in the ballots tab."
            )
    offered = set(choices_of(vote))
    strange = sorted(ballot for ballot, choice in by_id.items() if choice not in offered)
    if strange:
        raise VoteRefused(
            f"{len(strange)} ballot(s) name a choice this vote did not offer ({strange[0]}), "
            "so the vote cannot be counted. Check the ballots tab."
        )
    if key is not None:
        expected = {ballot_id(key, str(vote["id"]), email) for email in eligible_of(vote)}
        foreign = sorted(set(by_id) - expected)
        if foreign:
            raise VoteRefused(
                f"{len(foreign)} ballot(s) belong to no eligible member ({foreign[0]}), so the "
                "vote cannot be counted. Either rows were added by hand, or the app's ballot "
                "key changed while the vote was open; restore the key or remove those rows."
            )
    return list(by_id.values())


def count(vote: Row, choices: Sequence[str]) -> Tally:
    """The tally of a vote's ballots by its own rules; raises :class:`VoteRefused` for rules
    that cannot be read."""
    turnout = min_turnout(vote.get("min_turnout"))
    if turnout is None:
        raise VoteRefused("This vote's minimum turnout cannot be read, so it cannot be counted.")
    if vote.get("method") not in METHODS:
        raise VoteRefused("This vote's method cannot be read, so it cannot be counted.")
    eligible = len(eligible_of(vote))
    if eligible < 1 or len(choices) > eligible:
        raise VoteRefused(
            f"{len(choices)} ballot(s) for {eligible} eligible member(s): the vote cannot be "
            "counted. Check the votes and ballots tabs."
        )
    return tally(list(choices), str(vote["method"]), eligible=eligible, min_turnout=turnout)


def counts_text(result: Tally, vote: Row) -> str:
    """The counts as stored: "cand-a: 6; cand-b: 0; no_endorsement: 3"."""
    every = {choice: result.counts.get(choice, 0) for choice in choices_of(vote)}
    every.update(result.counts)
    ordered = sorted(every.items(), key=lambda item: (-item[1], item[0] == NO_ENDORSEMENT))
    return schema.join_list(f"{choice}: {n}" for choice, n in ordered)


def parse_counts(text: object) -> dict[str, int] | None:
    """Stored counts read back; None when any part cannot be read."""
    counts: dict[str, int] = {}
    for part in schema.split_list(str(text or "")):
        choice, _, number = part.rpartition(":")
        if not choice.strip() or not number.strip().isdigit():
            return None
        counts[choice.strip()] = int(number)
    return counts


def stop(vote: Row, now: datetime, author: str) -> Writes:
    """Take no more ballots: the first step of closing, so nothing arrives while counting."""
    edit = Edit(
        "votes",
        str(vote["id"]),
        {"status": "closed", "closed_at": stamp(now)},
        expected_updated_at=str(vote.get("updated_at") or ""),
    )
    logged = audit.entry(author, "closed a vote", "votes", str(vote["id"]), "Ballots closed")
    return Writes([edit], {"audit": [logged]})


def close_vote(
    vote: Row,
    ballots: pd.DataFrame,
    now: datetime,
    reasons: str,
    author: str,
    *,
    key: bytes | None = None,
    runoff_closes_at: datetime | None = None,
) -> Writes:
    """The count, the outcome and the winner written into the vote, with the group's reasons;
    for a runoff, also a new vote between the top two on the same rules, open until
    ``runoff_closes_at``."""
    result = count(vote, counted_choices(vote, ballots, key))
    changes = {
        "status": "closed",
        "closed_at": str(vote.get("closed_at") or "") or stamp(now),
        "counts": counts_text(result, vote),
        "outcome": result.outcome,
        "winner": result.winner or "",
        "reasons": reasons.strip(),
    }
    schema.to_cells("votes", changes)  # a reason too long for a cell is refused before writing
    edit = Edit("votes", str(vote["id"]), changes, str(vote.get("updated_at") or ""))
    detail = f"{schema.VOTE_OUTCOME.label(result.outcome)}: {changes['counts']}"
    writes = Writes(
        [edit], {"audit": [audit.entry(author, "counted a vote", "votes", str(vote["id"]), detail)]}
    )
    if result.outcome == "runoff":
        if runoff_closes_at is None or runoff_closes_at <= now:
            raise schema.InvalidValue(
                "runoff_closes_at", "A runoff is needed: give it a closing time in the future."
            )
        if key is None:
            raise VoteRefused("A runoff needs the app's ballot key, and there is none.")
        runoff = {
            "id": runoff_id(str(vote["id"])),
            "race_id": vote["race_id"],
            "round": str(_round(vote) + 1),
            "candidate_ids": list(result.runoff),
            "method": vote["method"],
            "min_turnout": vote.get("min_turnout") or "0%",
            "anonymous": bool(vote.get("anonymous")),
            "no_endorsement_option": bool(vote.get("no_endorsement_option")),
            "eligible": eligible_of(vote),
            "closes_at": stamp(runoff_closes_at),
            "pledge": bool(vote.get("pledge")),
            "status": "open",
            "previous_vote_id": vote["id"],
            "opened_by": author,
            "created_by": author,
        }
        opened = _opening(
            runoff, key, author, f"Runoff of {vote['id']}: {', '.join(result.runoff)}"
        )
        for table, rows in opened.rows.items():
            writes.rows.setdefault(table, []).extend(rows)
    return writes


def _round(vote: Row) -> int:
    text = str(vote.get("round") or "").strip()
    return int(text) if text.isdigit() else 1


def result_of(vote: Row) -> Tally | None:
    """A counted vote's tally again, from its stored counts (turnout, whether the threshold was
    met, the reason); None when those cannot be read."""
    counts = parse_counts(vote.get("counts"))
    if counts is None or not counted(vote):
        return None
    try:
        return count(vote, [choice for choice, n in counts.items() for _ in range(n)])
    except (VoteRefused, ValueError):
        return None


def share(votes_for: int, cast: int) -> str:
    """ "7 of 9 votes, 78%" """
    percent = f"{votes_for / cast:.0%}" if cast else "0%"
    return f"{votes_for} of {cast} vote{'s' * (cast != 1)}, {percent}"


# --- what an endorsement says --------------------------------------------------------------------


@dataclass(frozen=True)
class Endorsement:
    vote_id: str
    candidate_id: str
    on: str  # the day the vote was counted, YYYY-MM-DD
    votes_for: int
    cast: int

    @property
    def percent(self) -> str:
        return f"{self.votes_for / self.cast:.0%}" if self.cast else "0%"


def endorsements_of(candidate_id: str, votes: pd.DataFrame) -> list[Endorsement]:
    """The counted votes that endorsed this candidate, latest first."""
    found = []
    for vote in votes[votes["winner"] == candidate_id].to_dict("records"):
        if not counted(vote) or vote["outcome"] != "endorsed":
            continue
        counts = parse_counts(vote["counts"]) or {}
        closed = moment(vote["closed_at"])
        found.append(
            Endorsement(
                str(vote["id"]),
                candidate_id,
                closed.date().isoformat() if closed else "",
                counts.get(candidate_id, 0),
                sum(counts.values()),
            )
        )
    return sorted(found, key=lambda endorsement: endorsement.on, reverse=True)


def long_date(text: str) -> str:
    """ "2027-11-02" as "November 2, 2027"; as it is when it is not a date."""
    parsed = schema.parse_date(text) if text else None
    if not parsed:
        return text
    day = date.fromisoformat(parsed)
    return f"{day:%B} {day.day}, {day.year}"


def race_title(race: Row) -> str:
    office = str(race.get("office") or "").strip() or "the race"
    district = str(race.get("district") or "").strip()
    return f"{office}, District {district}" if district else office


def election_phrase(race: Row) -> str:
    """ "primary election on February 16, 2027" """
    stage = str(race.get("stage") or "")
    kind = "primary election" if stage == "primary" else "general election"
    kind = kind if stage in ("primary", "general") else "election"
    day = str(race.get("election_date") or "").strip()
    return f"{kind} on {escape_markdown_file(long_date(day))}" if day else kind


def announcement(
    coalition_name: str, vote: Row, candidate: Row, race: Row, today: date | None = None
) -> str:
    """A press-release draft in Markdown for an endorsement: who, for what, by what share of
    the vote, the group's reasons, and a place for a member organisation's quote. Every value
    typed by someone is escaped, so the file shows it as typed."""
    if vote.get("outcome") != "endorsed" or not vote.get("winner"):
        raise ValueError("Only an endorsement is announced.")
    counts = parse_counts(vote.get("counts")) or {}
    votes_for = counts.get(str(vote["winner"]), 0)
    cast = sum(counts.values())
    group = escape_markdown_file(coalition_name.strip() or "[Coalition name]")
    name = escape_markdown_file(str(candidate.get("name") or vote["winner"]))
    title = escape_markdown_file(race_title(race))
    election = election_phrase(race)
    closed = moment(vote.get("closed_at"))
    dated = long_date((closed.date() if closed else today or date.today()).isoformat())
    reasons = (
        escape_markdown_file(str(vote.get("reasons") or "").strip())
        or "[The reasons for the endorsement]"
    )
    return "\n".join(
        [
            f"# {group} endorses {name} for {title}",
            "",
            f"**For immediate release**, {dated}",
            "",
            f"{group} has voted to endorse {name} for {title} in the {election}, with "
            f"{share(votes_for, cast)}.",
            "",
            f"## Why {group} endorses {name}",
            "",
            reasons,
            "",
            f"> “{QUOTE_PLACEHOLDER}”",
            "",
            f"## About {group}",
            "",
            "[One or two sentences about the coalition and its member organisations.]",
            "",
            "**Press contact:** [Name, email, phone]",
            "",
        ]
    )


# --- the writes, checked at the moment of writing ------------------------------------------------


def _endorsing(store: Store) -> None:
    settings = coalition.settings_of({"settings": store.read_fresh("settings")})
    if not settings.may_endorse:
        raise VoteRefused(
            "Endorsements are off for this coalition (its tax status is 501(c)(3) or not set), "
            "so nothing was saved."
        )


def fresh_vote(store: Store, vote_id: str) -> dict[str, Any]:
    """The vote as stored now; refuses one that is missing or copied with differences."""
    votes = store.read_fresh("votes")
    rows = votes[votes["id"] == vote_id].drop_duplicates()
    if rows.empty:
        raise VoteRefused("This vote cannot be found any more; it may have been removed.")
    if len(rows) > 1:
        raise VoteRefused(
            f"Vote {vote_id} appears more than once in the votes tab with different values, "
            "so it takes no ballots. Ask an admin to remove the copy."
        )
    return rows.iloc[0].to_dict()


def start(
    store: Store,
    race: Row,
    candidates: Sequence[str],
    rules: Rules,
    author: str,
    now: datetime,
    key: bytes | None,
) -> str:
    """Open a vote (admins only, checked now); returns its id."""
    if key is None:
        raise VoteRefused("Votes need sign-in, so no vote was opened.")
    access.authorise(store, author, "change settings")
    _endorsing(store)
    votes = store.read_fresh("votes")
    same_race = votes[votes["race_id"] == race["id"]].to_dict("records")
    if any(takes_ballots(vote, now) for vote in same_race):
        raise VoteRefused("A vote on this race is open already; close it before opening another.")
    writes = open_vote(race, candidates, rules, author, now, store.read_fresh("members"), key)
    store.change(writes.edits, writes.rows)
    return str(writes.rows["votes"][0]["id"])


def submit(
    store: Store,
    vote_id: str,
    voter_email: str,
    choice: str,
    pledge: bool,
    now: datetime,
    key: bytes | None,
) -> bool:
    """Save a member's ballot; True when it replaced one they cast before."""
    if key is None:
        raise VoteRefused("Votes need sign-in, so your ballot was not saved.")
    if access.member_for(voter_email, store.read_fresh("members")) is None:
        raise VoteRefused(
            "Your access was removed or deactivated, so your ballot was not saved. Ask your "
            "coalition admin if you need access."
        )
    _endorsing(store)
    vote = fresh_vote(store, vote_id)
    voters = store.read_fresh("voters")
    before = bool((voters["id"] == voter_id(vote_id, voter_email)).any())
    writes = cast(
        vote, voter_email, choice, pledge, now, key, ballot_stored=True, voted_before=before
    )
    try:
        store.change(writes.edits, writes.rows)
    except NotFoundError:
        # No ballot laid out for this member (a vote typed in by hand): nothing was written.
        writes = cast(
            vote, voter_email, choice, pledge, now, key, ballot_stored=False, voted_before=before
        )
        store.change(writes.edits, writes.rows)
    return before


def finish(
    store: Store,
    vote_id: str,
    reasons: str,
    author: str,
    now: datetime,
    key: bytes | None,
    runoff_closes_at: datetime | None = None,
) -> dict[str, Any]:
    """Close a vote and count it (admins only, checked now); returns the vote as stored after.

    Two writes: the vote first stops taking ballots, then the ballots are read and counted, so
    a ballot cannot land between the count and the close. If counting is refused, the vote
    stays closed and can be counted once the problem is fixed."""
    access.authorise(store, author, "change settings")
    _endorsing(store)
    vote = fresh_vote(store, vote_id)
    if counted(vote):
        raise VoteRefused("This vote was closed and counted already.")
    if vote["status"] == "cancelled":
        raise VoteRefused("This vote was cancelled, so it is not counted.")
    if runoff_closes_at is not None and runoff_closes_at <= now:
        raise schema.InvalidValue(
            "runoff_closes_at", "The runoff's closing time must be in the future."
        )
    if vote["status"] == "open":
        stopped = stop(vote, now, author)
        store.change(stopped.edits, stopped.rows)
        vote = fresh_vote(store, vote_id)
    writes = close_vote(
        vote,
        store.read_fresh("ballots"),
        now,
        reasons,
        author,
        key=key,
        runoff_closes_at=runoff_closes_at,
    )
    store.change(writes.edits, writes.rows)
    return fresh_vote(store, vote_id)


def cancel(store: Store, vote_id: str, author: str, now: datetime) -> None:
    """Call off a vote that is not counted yet (opened by mistake, with the wrong rules): it
    takes no more ballots and is never counted. Admins only, checked now."""
    access.authorise(store, author, "change settings")
    _endorsing(store)
    vote = fresh_vote(store, vote_id)
    if counted(vote) or vote["status"] == "cancelled":
        raise VoteRefused("This vote was counted or cancelled already.")
    edit = Edit(
        "votes",
        vote_id,
        {"status": "cancelled", "closed_at": stamp(now)},
        expected_updated_at=str(vote.get("updated_at") or ""),
    )
    store.change([edit], {"audit": [audit.entry(author, "cancelled a vote", "votes", vote_id, "")]})
