"""The vote on a race's endorsement, on the Endorsements page (opening, closing, the results and
the announcement), and a member's own ballots, on My ballot. What they compute and every write
live in lib/endorsements/voting.py; this draws them.

Candidates on a ballot are named from the stored candidates table: a vote names its candidates
to the whole coalition (the votes table is everyone's), so a candidate whose every report is
restricted is still named on the ballot they stand on.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd
import streamlit as st

from lib import access, analytics, coalition, schema, ui
from lib.endorsements import races, voting
from lib.endorsements.races import title as race_title
from lib.endorsements.tally import METHOD_LABELS, METHODS, NO_ENDORSEMENT
from lib.store import ConflictError, StoreError

FLASH = "vote.flash"
state = st.session_state
Tables = Mapping[str, pd.DataFrame]

NEEDS_SIGN_IN = (
    "Votes need sign-in: each member votes once, under the account the coalition knows them "
    "by. Turn sign-in on to hold a vote (see *Sign-in and roles* in the README)."
)


def ballot_key() -> bytes | None:
    """The server's key for ballot ids; none without sign-in, since then nobody can vote."""
    return voting.ballot_key(ui.secrets()) if ui.sign_in_configured() else None


def show_flash() -> None:
    done = state.pop(FLASH, None)
    if done:
        st.success(ui.md("{}", done), icon=":material/check_circle:")


def _zone() -> tzinfo:
    """The reader's time zone, as their browser gives it; UTC when it cannot be told."""
    try:
        return ZoneInfo(st.context.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def when(stamp: object) -> str:
    """A stored moment in the reader's time zone: "Tuesday, November 3, 2026 at 18:00 (UTC)"."""
    moment = voting.moment(stamp)
    if moment is None:
        return "an unreadable time"
    zone = _zone()
    local = moment.astimezone(zone)
    return f"{local:%A, %B} {local.day}, {local.year} at {local:%H:%M} ({zone})"


def day(stamp: object) -> str:
    """The day of a stored moment, short, in the reader's time zone: "Dec 3, 2026"."""
    moment = voting.moment(stamp)
    if moment is None:
        return "–"
    local = moment.astimezone(_zone())
    return f"{local:%b} {local.day}, {local.year}"


def _labels(ids: list[str]) -> dict[str, str]:
    """What each choice is called on a ballot."""
    candidates = ui.last_tables()["candidates"].drop_duplicates("id")
    named = analytics.candidate_labels(candidates[candidates["id"].isin(ids)])
    return {**{i: named.get(i, i) for i in ids}, NO_ENDORSEMENT: voting.NO_ENDORSEMENT_LABEL}


def _race_title(vote: Mapping[str, Any]) -> str:
    """The race a vote is about, in words, from its candidates' office, district and date."""
    candidates = ui.last_tables()["candidates"]
    ids = schema.split_list(vote["candidate_ids"])
    standing = candidates[candidates["id"].isin(ids)]
    if standing.empty:
        return "A race whose candidates are no longer listed"
    first = standing.iloc[0]
    return race_title(*(first[name] for name in races.KEY_COLUMNS))


def _rules(vote: Mapping[str, Any]) -> str:
    parts = [
        METHOD_LABELS.get(vote["method"], "an unreadable method"),
        "anonymous" if vote["anonymous"] else "named (ballots carry the voter's name)",
    ]
    turnout = voting.min_turnout(vote["min_turnout"])
    if turnout:
        parts.append(f"at least {turnout:.0%} of the eligible members must vote")
    if vote["pledge"]:
        parts.append(f"voters pledge: “{voting.PLEDGE}”")
    return "; ".join(parts)


def _write(action: Any, done: str, failed: str) -> bool:
    """Run one of voting's writes; a refusal is kept under ``failed`` for the form to show."""
    state.pop(failed, None)
    try:
        action()
    except ConflictError:
        state[failed] = (
            "Someone else changed this vote at the same moment, so your change was not saved. "
            "Look at the vote as it is now and try again if it still applies."
        )
        return False
    except (StoreError, schema.InvalidValue) as error:
        state[failed] = str(error)
        return False
    state[FLASH] = done
    return True


def _failure(failed: str) -> None:
    message = state.get(failed)
    if message:
        st.error(ui.md("**Not saved.** {}", message), icon=":material/error:")


# --- results ------------------------------------------------------------------------------------


def results(vote: Mapping[str, Any]) -> None:
    """A counted vote: the counts, the turnout, whether the threshold was met, the outcome."""
    labels = _labels(schema.split_list(vote["candidate_ids"]))
    outcome = schema.VOTE_OUTCOME.label(vote["outcome"])
    winner = labels.get(vote["winner"], vote["winner"])
    st.markdown(
        ui.md("**Outcome: {}**{}", outcome, ui.md(": {}", winner) if vote["winner"] else "")
    )
    result = voting.result_of(vote)
    counts = voting.parse_counts(vote["counts"])
    if result is None or counts is None:
        st.warning(
            "This vote's stored count cannot be read, so only its outcome is shown. An admin "
            "can check the counts column of the votes tab.",
            icon=":material/warning:",
        )
        return
    cast = sum(counts.values())
    st.dataframe(
        pd.DataFrame(
            {
                "Choice": [labels.get(choice, choice) for choice in counts],
                "Votes": list(counts.values()),
                "Share of votes cast": [
                    f"{n / cast:.0%}" if cast else "–" for n in counts.values()
                ],
            }
        ),
        hide_index=True,
    )
    turnout, threshold, when_closed = st.columns(3)
    turnout.metric("Turnout", f"{result.cast} of {result.eligible} ({result.turnout:.0%})")
    threshold.metric("Threshold met", "Yes" if result.threshold_met else "No")
    when_closed.metric("Closed", day(vote["closed_at"]))
    st.caption(ui.md("{}", result.reason))
    if result.outcome != vote["outcome"] or (result.winner or "") != vote["winner"]:
        st.warning(
            "The outcome stored with this vote differs from its counts: the votes tab was "
            "edited by hand. An admin should check it.",
            icon=":material/warning:",
        )
    if vote["reasons"]:
        st.markdown(ui.md("**The group's reasons:** {}", vote["reasons"]))


def announcement_section(vote: Mapping[str, Any], race: Mapping[str, Any], group: str) -> None:
    """The press-release draft of an endorsement, shown and to download."""
    candidates = ui.last_tables()["candidates"]
    found = candidates[candidates["id"] == vote["winner"]]
    candidate = found.iloc[0].to_dict() if not found.empty else {"name": vote["winner"]}
    draft = voting.announcement(group, vote, candidate, race)
    st.markdown("**Announcement draft**")
    st.caption("Edit it before it goes out: add a member organisation's quote and the contact.")
    st.code(draft, language="markdown", wrap_lines=True)
    ui.download(
        "Download the announcement (Markdown)",
        lambda: draft.encode("utf-8"),
        f"endorsement-{vote['id']}.md",
        "text/markdown",
        key=f"vote.{vote['id']}.announcement",
    )


# --- the race's votes (Endorsements page) -------------------------------------------------------


def vote_section(race_id: str) -> None:
    """Every vote on this race, latest first; for admins, opening one and closing it."""
    tables = ui.tables()
    current = ui.member()
    admin = current is not None and current.may("change settings")
    show_flash()
    found = races.races(tables["candidates"], tables["races"])
    found = found[found["id"] == race_id]
    race = found.iloc[0].to_dict() if not found.empty else {"id": race_id}
    key = ballot_key()
    if key is None:
        st.info(ui.md(NEEDS_SIGN_IN), icon=":material/lock:")
    votes = tables["votes"][tables["votes"]["race_id"] == race_id]
    votes = votes.sort_values(["created_at", "round"], ascending=False, kind="stable")
    if votes.empty:
        st.caption("No vote yet.")
    now = datetime.now(UTC)
    group = coalition.settings_of(tables).coalition_name
    for vote in votes.to_dict("records"):
        with st.container(border=True):
            one_vote(vote, race, now, current, group, key)
    open_now = votes["status"].eq("open").any()
    if admin and key is not None and "candidate_ids" in race and not open_now:
        open_form(race, tables, now, key)


def one_vote(
    vote: dict[str, Any],
    race: Mapping[str, Any],
    now: datetime,
    current: access.Member | None,
    group: str,
    key: bytes | None,
) -> None:
    st.markdown(
        ui.md(
            "**{}** · {}",
            f"Runoff, round {vote['round']}" if vote["previous_vote_id"] else "Vote",
            _rules(vote),
        )
    )
    admin = current is not None and current.may("change settings")
    eligible = voting.eligible_of(vote)
    if voting.counted(vote):
        results(vote)
        if vote["outcome"] == "endorsed":
            announcement_section(vote, race, group)
        return
    if vote["status"] == "cancelled":
        st.caption("Cancelled.")
        return
    if voting.takes_ballots(vote, now):
        st.caption(
            ui.md("Open until {}; {} members may vote.", when(vote["closes_at"]), len(eligible))
        )
        if admin:
            voters = ui.last_tables()["voters"]
            voted = voters[voters["vote_id"] == vote["id"]]["voter"].nunique()
            st.caption(ui.md("{} of {} have voted so far.", voted, len(eligible)))
        if current is not None and current.email in eligible:
            st.page_link(
                "pages/ballot.py", label="Vote on My ballot", icon=":material/how_to_vote:"
            )
    elif vote["status"] == "open":
        st.caption(
            ui.md("Voting ended {}; an admin counts it by closing it.", when(vote["closes_at"]))
        )
    else:
        st.caption("Closed, not counted yet.")
    if admin and key is not None:
        close_form(vote, now, key)


def close_form(vote: Mapping[str, Any], now: datetime, key: bytes) -> None:
    """Close the vote and count it; the reasons go into the announcement."""
    name = f"vote.{vote['id']}.close"
    with st.expander("Close the vote and count it"):
        st.caption(
            "Once closed, nobody can vote or change their vote. If nobody reaches the threshold "
            "and more than two candidates received votes, a runoff between the top two opens at "
            "once, for the same members, until the time below."
        )
        reasons = st.text_area(
            "The reasons the group gives (for the announcement)",
            key=f"{name}.reasons",
            max_chars=schema.MAX_CELL_CHARS,
        )
        day, hour = st.columns(2)
        runoff_day = day.date_input(
            "A runoff would close on",
            value=date.today() + timedelta(days=7),
            min_value=date.today(),
            key=f"{name}.day",
        )
        runoff_time = hour.time_input("at", value=time(18, 0), key=f"{name}.time")
        if st.button("Close the vote now and count it", type="primary", key=f"{name}.go"):
            runoff = datetime.combine(runoff_day, runoff_time, tzinfo=_zone())
            if _write(
                lambda: voting.finish(
                    ui.store(), str(vote["id"]), reasons, ui.author(), now, key, runoff
                ),
                "The vote is closed and counted.",
                f"{name}.failed",
            ):
                st.rerun()
        st.caption("Opened by mistake, or with the wrong rules? Cancel it: it is never counted.")
        if st.button("Cancel this vote", key=f"{name}.cancel") and _write(
            lambda: voting.cancel(ui.store(), str(vote["id"]), ui.author(), now),
            "The vote is cancelled.",
            f"{name}.failed",
        ):
            st.rerun()
        _failure(f"{name}.failed")


def open_form(race: Mapping[str, Any], tables: Tables, now: datetime, key: bytes) -> None:
    """The rules of a new vote, all decided before anyone votes."""
    name = f"vote.{race['id']}.open"
    st.subheader("Open a vote")
    standing = races.candidates_in(race, tables["candidates"])
    labels = dict(zip(standing["id"], standing["label"], strict=True))
    chosen = st.multiselect(
        "Candidates on the ballot",
        list(labels),
        default=list(labels),
        format_func=lambda cid: labels.get(cid, cid),
        key=f"{name}.candidates",
    )
    method = st.selectbox(
        "How the vote is decided",
        METHODS,
        format_func=lambda value: METHOD_LABELS[value],
        key=f"{name}.method",
    )
    turnout = st.number_input(
        "Minimum turnout (% of the eligible members who must vote)",
        min_value=0,
        max_value=100,
        value=0,
        step=5,
        key=f"{name}.turnout",
    )
    anonymous = st.checkbox("Anonymous: ballots carry no name", value=True, key=f"{name}.anonymous")
    refusal = st.checkbox(
        "Offer “No endorsement” as a choice", value=True, key=f"{name}.no_endorsement"
    )
    members = tables["members"][tables["members"]["active"]]
    everyone = voting.active_emails(members)
    names = dict(zip(members["email"].str.strip().str.lower(), members["name"], strict=True))
    who = st.radio(
        "Who may vote",
        ["everyone", "chosen"],
        format_func=lambda value: (
            f"Every active member ({len(everyone)})" if value == "everyone" else "A chosen list"
        ),
        key=f"{name}.who",
        horizontal=True,
    )
    eligible: list[str] = []
    if who == "chosen":
        eligible = st.multiselect(
            "Members who may vote",
            everyone,
            format_func=lambda email: f"{names.get(email) or email} ({email})",
            key=f"{name}.eligible",
        )
    pledge = False
    if race.get("stage") == "primary":
        pledge = st.checkbox(
            ui.md("Voters pledge: “{}”", voting.PLEDGE), value=False, key=f"{name}.pledge"
        )
    day, hour = st.columns(2)
    closes_day = day.date_input(
        "Voting closes on",
        value=date.today() + timedelta(days=7),
        min_value=date.today(),
        key=f"{name}.day",
    )
    closes_time = hour.time_input("at", value=time(18, 0), key=f"{name}.time")
    st.caption(
        "The members who may vote are fixed when the vote opens. If nobody reaches the "
        "threshold, a runoff between the top two follows."
    )
    if st.button("Open the vote", type="primary", key=f"{name}.go"):
        if who == "chosen" and not eligible:
            state[f"{name}.failed"] = "Choose the members who may vote."
        else:
            rules = voting.Rules(
                method=method,
                closes_at=datetime.combine(closes_day, closes_time, tzinfo=_zone()),
                min_turnout=float(turnout),
                anonymous=anonymous,
                no_endorsement_option=refusal,
                pledge=pledge,
                eligible=tuple(eligible),
            )
            if _write(
                lambda: voting.start(ui.store(), race, chosen, rules, ui.author(), now, key),
                "The vote is open. Members find it on My ballot.",
                f"{name}.failed",
            ):
                st.rerun()
    _failure(f"{name}.failed")


# --- My ballot ----------------------------------------------------------------------------------


def my_ballots(current: access.Member, tables: Tables, key: bytes) -> None:
    """The open votes this member may vote in, one ballot each, then the results of the votes
    they could vote in."""
    now = datetime.now(UTC)
    mine = [
        vote
        for vote in tables["votes"].sort_values("closes_at", kind="stable").to_dict("records")
        if current.email in voting.eligible_of(vote)
    ]
    open_now = [vote for vote in mine if voting.takes_ballots(vote, now)]
    if not open_now:
        st.info("No vote is open for you right now.", icon=":material/how_to_vote:")
    for vote in open_now:
        with st.container(border=True):
            ballot(vote, current, key)
    done = [vote for vote in reversed(mine) if not voting.takes_ballots(vote, now)]
    if done:
        st.subheader("Results")
    for vote in done:
        with st.container(border=True):
            st.markdown(ui.md("**{}**", _race_title(vote)))
            if voting.counted(vote):
                results(vote)
            elif vote["status"] == "cancelled":
                st.caption("Cancelled.")
            else:
                st.caption("Voting has ended; the result is shown once an admin counts it.")


def ballot(vote: Mapping[str, Any], current: access.Member, key: bytes) -> None:
    """One member's ballot in one vote."""
    vote_id = str(vote["id"])
    name = f"ballot.{vote_id}"
    st.subheader(ui.md("{}", _race_title(vote)))
    st.caption(ui.md("{}. Closes {}.", _rules(vote).capitalize(), when(vote["closes_at"])))
    stored = ui.last_tables()
    voters = stored["voters"]
    voted = bool((voters["id"] == voting.voter_id(vote_id, current.email)).any())
    if voted:
        st.success(
            ui.md("You have voted; you can change your vote until {}.", when(vote["closes_at"])),
            icon=":material/check_circle:",
        )
        if vote["anonymous"]:
            st.caption(
                "This vote is anonymous: your ballot carries no name, so this page cannot show "
                "which choice you made. Voting again replaces your ballot."
            )
        else:
            ballots = stored["ballots"]
            own = ballots[ballots["id"] == voting.ballot_id(key, vote_id, current.email)]
            if not own.empty:
                labels = _labels(schema.split_list(vote["candidate_ids"]))
                choice = own.iloc[0]["choice"]
                st.caption(
                    ui.md("Your vote: {}. Voting again replaces it.", labels.get(choice, choice))
                )
    labels = _labels(schema.split_list(vote["candidate_ids"]))
    # New widgets after each saved vote, so the choice made is not left showing on the screen.
    fresh = state.get(f"{name}.saved", 0)
    choice = st.radio(
        "Your choice",
        voting.choices_of(vote),
        index=None,
        format_func=lambda value: ui.md("{}", labels.get(value, value)),
        key=f"{name}.choice.{fresh}",
    )
    pledge = False
    if vote["pledge"]:
        pledge = st.checkbox(ui.md("{}", voting.PLEDGE), key=f"{name}.pledge.{fresh}")
    if st.button("Change my vote" if voted else "Cast my vote", type="primary", key=f"{name}.go"):
        if choice is None:
            state[f"{name}.failed"] = "Choose one of the choices first."
        elif _write(
            lambda: voting.submit(
                ui.store(), vote_id, current.email, choice, pledge, datetime.now(UTC), key
            ),
            "Your vote was saved.",
            f"{name}.failed",
        ):
            state[f"{name}.saved"] = fresh + 1
            st.rerun()
    _failure(f"{name}.failed")


# --- a candidate's profile ----------------------------------------------------------------------


def endorsement_note(candidate_id: str, tables: Tables) -> None:
    """ "Endorsed by <coalition> on <date> (<share> of votes)" on an endorsed candidate's
    profile: for signed-in members only, and only where the coalition may endorse."""
    current = ui.member()
    settings = coalition.settings_of(tables)
    if current is None or current is access.LOCAL or not settings.may_endorse:
        return
    group = settings.coalition_name.strip() or "the coalition"
    for endorsement in voting.endorsements_of(candidate_id, tables["votes"]):
        st.success(
            ui.md(
                "Endorsed by {} on {} ({} of votes)",
                group,
                voting.long_date(endorsement.on),
                endorsement.percent,
            ),
            icon=":material/verified:",
        )
