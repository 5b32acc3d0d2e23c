"""The Streamlit sections of the Endorsements page: races and the decision about each, the
timeline, the fair process ledger and the research. Kept here so that pages/endorsements.py reads
as the page's outline; what they compute lives in the package's pure modules.

Every write is checked against the writer's role at the moment it is made, goes to the store as
one change with its audit rows, and carries ids chosen before the first attempt, so pressing again
after a lost answer adds nothing twice. On any refusal the form keeps what was typed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from lib import access, analytics, audit, coalition, schema, ui
from lib.endorsements import ledger, races, research, timeline, vote_screen
from lib.questionnaires import compare
from lib.store import ConflictError, Edit, StoreError

Tables = Mapping[str, pd.DataFrame]
FLASH = "end.flash"
ACTION = "run endorsements"
state = st.session_state


def may_endorse() -> bool:
    """Whether the coalition may endorse, for the navigation: read from the store's cached
    snapshot (or the last one this session read) without drawing or stopping anything, and
    false whenever it cannot be told."""
    try:
        frames = ui.store().read_all()
    except StoreError:
        try:
            frames = ui.last_tables()
        except KeyError:
            return False
    try:
        return coalition.settings_of(frames).may_endorse
    except KeyError:
        return False


# --- writing --------------------------------------------------------------------------------


def _write(
    edits: Sequence[Edit], rows: Mapping[str, list[dict[str, Any]]], done: str, failed: str
) -> bool:
    """One change, if the writer may still make it; on a refusal the reason is kept under
    ``failed`` for the form to show, and nothing typed is lost."""
    state.pop(failed, None)
    try:
        ui.authorise(ACTION)
        ui.store().change(list(edits), dict(rows))
    except ConflictError:
        state[failed] = (
            "Someone else changed this after you opened it, so your change was not saved. "
            "Their version is shown now; make your change again if it still applies."
        )
        return False
    except (access.NotAllowed, StoreError, schema.InvalidValue) as error:
        state[failed] = f"{error}" + (
            "" if isinstance(error, access.NotAllowed) else " What you typed is still here."
        )
        return False
    state[FLASH] = done
    return True


def show_failure(failed: str) -> None:
    message = state.get(failed)
    if message:
        st.error(ui.md("**Not saved.** {}", message), icon=":material/error:")


def show_flash() -> None:
    done = state.pop(FLASH, None)
    if done:
        st.success(ui.md("{}", done), icon=":material/check_circle:")


def _pending_id(name: str, table: str) -> str:
    """The id of the record a form is about to add: the same on every press until it lands."""
    return state.setdefault(name, schema.new_id(table))


def _stamped(edit: Edit, name: str) -> Edit:
    """The edit with its new ``updated_at`` chosen once for these values: pressing again after
    an answer was lost is then recognised as landed, not taken for someone else's change."""
    values = repr(sorted(edit.changes.items()))
    kept = state.get(name)
    if not kept or kept[0] != values:
        kept = state[name] = (values, schema.now_stamp())
    return Edit(
        edit.table, edit.id, {**edit.changes, "updated_at": kept[1]}, edit.expected_updated_at
    )


def _form_key(base: str) -> str:
    """The widgets' key stem of a form that adds records: a new one after each record added,
    which empties the form; the same one after a refusal, which keeps what was typed."""
    version = state.get(f"{base}.version", 0)
    return f"{base}.{version}" if version else base


def _added(base: str) -> None:
    state[f"{base}.version"] = state.get(f"{base}.version", 0) + 1


def _problems_said(problems: Mapping[str, str], labels: Mapping[str, str]) -> None:
    for field, message in problems.items():
        st.error(ui.md("**{}:** {}", labels.get(field, field), message), icon=":material/error:")


def _day(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else ""


# --- races ----------------------------------------------------------------------------------


def race_list(tables: Tables) -> pd.DataFrame:
    return races.races(tables["candidates"], tables["races"])


def races_overview(all_races: pd.DataFrame, tables: Tables) -> None:
    names = analytics.candidate_labels(tables["candidates"])
    steps = tables["endorsement_steps"]
    st.dataframe(
        pd.DataFrame(
            {
                "Race": all_races["title"],
                "Candidates": all_races["candidate_ids"].map(
                    lambda ids: ", ".join(names.get(i, i) for i in ids)
                ),
                "Decision": all_races["decision"].map(races.DECISION_LABELS),
                "Capacity note": all_races["capacity_note"],
                "Next step": all_races["id"].map(lambda race_id: _next_step(race_id, steps)),
                "Open": "endorsements?race=" + all_races["id"],
            }
        ),
        hide_index=True,
        column_config={"Open": st.column_config.LinkColumn(display_text="Open the race")},
    )


def _next_step(race_id: str, steps: pd.DataFrame) -> str:
    mine = timeline.steps_of(race_id, steps)
    waiting = mine[~mine["done"]]
    if mine.empty:
        return "No timeline yet"
    if waiting.empty:
        return "Every step done"
    first = waiting.iloc[0]
    return f"{schema.ENDORSEMENT_STEP.label(first['step'])} by {first['due'] or 'no date'}"


def pick_race(all_races: pd.DataFrame) -> dict[str, Any] | None:
    """The race the page is about, chosen here or by ``?race=<id>`` in a shared link."""
    titles = dict(zip(all_races["id"], all_races["title"], strict=True))
    linked = st.query_params.get("race")
    if linked != state.get("end.race.url"):  # the address changed from outside: a shared link
        state["end.race.url"] = linked
        state["end.race"] = linked if linked in titles else None
    chosen = st.selectbox(
        "Race",
        list(titles),
        index=None,
        format_func=titles.get,
        key="end.race",
        placeholder="Choose a race to plan, research and follow",
    )
    if chosen != linked:
        if chosen is None:
            del st.query_params["race"]
        else:
            st.query_params["race"] = chosen
        state["end.race.url"] = chosen
    if chosen is None:
        return None
    return all_races[all_races["id"] == chosen].iloc[0].to_dict()


def decision_section(race: Mapping[str, Any], staff: bool) -> None:
    st.markdown(
        ui.md(
            "**{}**{}",
            races.DECISION_LABELS[race["decision"]],
            f" · {race['capacity_note']}" if race["capacity_note"] else "",
        )
    )
    if not staff:
        return
    key = f"end.{race['id']}.decision"
    with st.expander("Decide about this race", expanded=race["decision"] == races.UNDECIDED):
        choices = [races.UNDECIDED, *schema.RACE_DECISION.values]
        st.radio(
            "This cycle",
            choices,
            index=choices.index(race["decision"]),
            format_func=races.DECISION_LABELS.get,
            horizontal=True,
            key=f"{key}.choice",
        )
        st.text_area(
            "Capacity note",
            race["capacity_note"],
            key=f"{key}.note",
            placeholder="Who has time for it, what it takes, why not this cycle",
        )
        if st.button("Save the decision", key=f"{key}.save", type="primary"):
            _save_decision(race, key)
        show_failure(f"{key}.failed")


def _save_decision(race: Mapping[str, Any], key: str) -> None:
    decision, note = state[f"{key}.choice"], state[f"{key}.note"] or ""
    try:
        edits, rows = races.decision_change(race, decision, note, ui.author())
    except schema.InvalidValue as error:
        state[f"{key}.failed"] = f"{error.message} What you typed is still here."
        return
    edits = [_stamped(edit, f"{key}.stamp") for edit in edits]
    if not _write(edits, rows, "Decision saved.", f"{key}.failed"):
        return
    state.pop(f"{key}.stamp", None)
    if not race["stored"]:
        # Two people deciding at the same moment write the same row; the first one is kept.
        stored = ui.store().read_fresh("races")
        kept = stored[stored["id"] == race["id"]]
        wanted = "" if decision == races.UNDECIDED else decision
        if not kept.empty and (kept.iloc[0]["decision"], kept.iloc[0]["capacity_note"]) != (
            wanted,
            note.strip(),
        ):
            state.pop(FLASH, None)
            state[f"{key}.failed"] = (
                "Someone else decided about this race at the same moment, and theirs was saved "
                "first; it is shown now. Save again to replace it."
            )
            return
    st.rerun()


# --- timeline -------------------------------------------------------------------------------


def _election(race: Mapping[str, Any]) -> date | None:
    return date.fromisoformat(race["election_date"]) if race["election_date"] else None


def timeline_section(race: Mapping[str, Any], tables: Tables, today: date, staff: bool) -> None:
    steps = timeline.steps_of(race["id"], tables["endorsement_steps"])
    election = _election(race)
    if steps.empty:
        _proposal(race, election, today, staff)
        return
    for said in timeline.warnings(steps.to_dict("records"), today, election, race["stage"]):
        st.warning(ui.md("{}", said), icon=":material/schedule:")
    st.dataframe(
        pd.DataFrame(
            {
                "Step": steps["title"].where(
                    steps["title"] != "", schema.ENDORSEMENT_STEP.label_all(steps["step"])
                ),
                "Due": steps["due"],
                "Owner": steps["owner"],
                "Done": steps["done"],
            }
        ),
        hide_index=True,
    )
    if staff:
        _step_editor(race, steps)


def _proposal(race: Mapping[str, Any], election: date | None, today: date, staff: bool) -> None:
    try:
        proposed = timeline.propose(election, race["stage"])
    except timeline.NoTimeline as reason:
        st.info(ui.md("{}", reason), icon=":material/event_busy:")
        return
    st.caption(
        ui.md(
            "No timeline yet. Following the guide, the final endorsement for this race would be "
            "on {}: {} before the election.",
            proposed[-1]["due"],
            timeline.WINDOW_WORDS[race["stage"]],
        )
    )
    for said in timeline.warnings(proposed, today, election, race["stage"]):
        st.warning(ui.md("{}", said), icon=":material/schedule:")
    st.dataframe(
        pd.DataFrame({"Step": [s["title"] for s in proposed], "Due": [s["due"] for s in proposed]}),
        hide_index=True,
    )
    if not staff:
        return
    key = f"end.{race['id']}.propose"
    if st.button("Use this timeline", key=key, type="primary"):
        rows = timeline.proposal_rows(race["id"], race["title"], proposed, ui.author())
        if _write([], rows, "Timeline saved: each step is now a dated follow-up.", f"{key}.failed"):
            st.rerun()
    show_failure(f"{key}.failed")


def _step_editor(race: Mapping[str, Any], steps: pd.DataFrame) -> None:
    labels = {
        row["id"]: f"{row['title'] or schema.ENDORSEMENT_STEP.label(row['step'])} ({row['due']})"
        for row in steps.to_dict("records")
    }
    with st.expander("Change a step"):
        chosen = st.selectbox(
            "Step", list(labels), format_func=labels.get, key=f"end.{race['id']}.step"
        )
        row = steps[steps["id"] == chosen].iloc[0].to_dict()
        key = f"end.{chosen}"
        owners = ui.owner_choices()
        options = [*owners, row["owner"]] if row["owner"] and row["owner"] not in owners else owners
        due = st.date_input(
            "Due",
            date.fromisoformat(row["due"]) if row["due"] else None,
            key=f"{key}.due",
            format="YYYY-MM-DD",
        )
        owner = st.selectbox(
            "Owner",
            options,
            index=options.index(row["owner"]) if row["owner"] else None,
            key=f"{key}.owner",
            accept_new_options=True,
            placeholder="A member, or type anyone's name or email",
        )
        done = st.checkbox("Done", bool(row["done"]), key=f"{key}.done")
        if st.button("Save the step", key=f"{key}.save"):
            changes = {"due": _day(due), "owner": (owner or "").strip(), "done": done}
            changed = {
                name: value
                for name, value in changes.items()
                if value != (bool(row[name]) if name == "done" else row[name])
            }
            if not changed:
                state[FLASH] = "Nothing to save: the step is as stored."
                st.rerun()
            detail = f"{race['title']}: {labels[chosen]}: " + ", ".join(
                f"{name} {value}" for name, value in changed.items()
            )
            edit = _stamped(
                Edit("endorsement_steps", chosen, changed, row["updated_at"] or None),
                f"{key}.stamp",
            )
            logged = audit.entry(ui.author(), "edited", "endorsement_steps", chosen, detail)
            if _write([edit], {"audit": [logged]}, "Step saved.", f"{key}.failed"):
                state.pop(f"{key}.stamp", None)
                st.rerun()
        show_failure(f"{key}.failed")


# --- the fair process ledger ----------------------------------------------------------------

OFFER_LABELS = {
    "offer": "What was offered",
    "offered_on": "Offered on",
    "response": "Response",
    "responded_on": "Responded on",
    "notes": "Notes",
    "candidates": "Offered to",
}


def ledger_section(race: Mapping[str, Any], tables: Tables, staff: bool) -> None:
    people = races.candidates_in(race, tables["candidates"])
    titles = compare.questionnaire_labels(tables["questionnaires"].drop_duplicates("id"))
    offers = ledger.offers_in(
        race["id"], people["id"].tolist(), tables["offers"], tables["invitations"], titles
    )
    for said in ledger.unequal_offers(people, offers):
        st.warning(ui.md("**Not the same for everyone.** {}", said), icon=":material/balance:")
    st.dataframe(ledger.matrix(people, offers), hide_index=True)
    if not offers.empty:
        names = dict(zip(people["id"], people["label"], strict=True))
        with st.expander(ui.md("Every offer ({})", len(offers))):
            st.dataframe(
                pd.DataFrame(
                    {
                        "Candidate": analytics.name_of(offers["candidate_id"], names),
                        "Offer": schema.OFFER.label_all(offers["offer"]),
                        "Offered on": offers["offered_on"],
                        "Response": schema.OFFER_RESPONSE.label_all(offers["response"]),
                        "Responded on": offers["responded_on"],
                        "Notes": offers["notes"],
                        "From": offers["source"],
                    }
                ),
                hide_index=True,
            )
    if staff and not people.empty:
        _offer_form(race, people)
        own = offers[offers["source"] != ledger.FROM_QUESTIONNAIRES]
        if not own.empty:
            _response_form(race, own, dict(zip(people["id"], people["label"], strict=True)))


def _offer_form(race: Mapping[str, Any], people: pd.DataFrame) -> None:
    base = f"end.{race['id']}.offer"
    key = _form_key(base)
    names = dict(zip(people["id"], people["label"], strict=True))
    with st.expander("Record an offer"), st.form(key):
        st.caption(
            "Offer every candidate the same: the same questionnaire, the same Q&A invitation, "
            "the same pledge. Questionnaire links sent from the Questionnaires page are counted "
            "here already."
        )
        chosen = st.multiselect(
            "Offered to", list(names), list(names), format_func=names.get, key=f"{key}.who"
        )
        values = {
            "offer": st.selectbox(
                "What was offered",
                ledger.KINDS,
                format_func=schema.OFFER.label,
                key=f"{key}.kind",
            ),
            "offered_on": _day(st.date_input("Offered on", "today", key=f"{key}.on")),
            "response": st.selectbox(
                "Response",
                schema.OFFER_RESPONSE.values,
                format_func=schema.OFFER_RESPONSE.label,
                key=f"{key}.response",
            ),
            "responded_on": _day(st.date_input("Responded on", None, key=f"{key}.answered")),
            "notes": st.text_area("Notes", key=f"{key}.notes"),
        }
        pressed = st.form_submit_button("Record the offer", type="primary")
    if pressed:
        problems = ledger.offer_problems(values)
        if not chosen:
            problems["candidates"] = "Choose who it was offered to."
        if problems:
            _problems_said(problems, OFFER_LABELS)
            return
        ids = state.setdefault(f"{base}.ids", {})
        rows: dict[str, list[dict[str, Any]]] = {"offers": [], "audit": []}
        try:
            for candidate_id in chosen:
                record_id = ids.setdefault(candidate_id, schema.new_id("offers"))
                made = ledger.offer_row(
                    record_id, race, candidate_id, values, ui.author(), names[candidate_id]
                )
                rows["offers"] += made["offers"]
                rows["audit"] += made["audit"]
        except schema.InvalidValue as error:
            _problems_said({error.column: error.message}, OFFER_LABELS)
            return
        if _write([], rows, "Offer recorded.", f"{base}.failed"):
            state.pop(f"{base}.ids", None)
            _added(base)
            st.rerun()
    show_failure(f"{base}.failed")


def _response_form(race: Mapping[str, Any], own: pd.DataFrame, names: Mapping[str, str]) -> None:
    key = f"end.{race['id']}.response"
    stored = own.set_index("id")
    labels = {
        offer_id: f"{names.get(row['candidate_id'], row['candidate_id'])}: "
        f"{schema.OFFER.label(row['offer'])}, {row['offered_on']}"
        for offer_id, row in stored.iterrows()
    }
    with st.expander("Record a response"), st.form(key):
        chosen = st.selectbox("Offer", list(labels), format_func=labels.get, key=f"{key}.which")
        response = st.selectbox(
            "Response",
            schema.OFFER_RESPONSE.values,
            format_func=schema.OFFER_RESPONSE.label,
            key=f"{key}.response",
        )
        answered = _day(st.date_input("Responded on", "today", key=f"{key}.on"))
        pressed = st.form_submit_button("Save the response")
    if pressed:
        offers = ui.tables()["offers"]
        row = offers[offers["id"] == chosen].iloc[0].to_dict()
        try:
            changes, logged = ledger.response_change(
                row, response, answered, ui.author(), labels[chosen]
            )
        except schema.InvalidValue as error:
            _problems_said({error.column: error.message}, OFFER_LABELS)
            return
        edit = Edit("offers", chosen, changes, row["updated_at"] or None)
        edit = _stamped(edit, f"{key}.stamp")
        if _write([edit], {"audit": [logged]}, "Response saved.", f"{key}.failed"):
            state.pop(f"{key}.stamp", None)
            st.rerun()
    show_failure(f"{key}.failed")


# --- research -------------------------------------------------------------------------------

RESEARCH_LABELS = {
    "topic": "Topic",
    "value": "What was found",
    "source_url": "Source link",
    "as_of": "Date",
    "notes": "Notes",
    "visibility": "Visibility",
}


def research_section(race: Mapping[str, Any], tables: Tables, staff: bool) -> None:
    people = races.candidates_in(race, tables["candidates"])
    if people.empty:
        st.caption("Nobody is running in this race.")
        return
    names = dict(zip(people["id"], people["label"], strict=True))
    chosen = st.selectbox(
        "Candidate", list(names), format_func=names.get, key=f"end.{race['id']}.researched"
    )
    found = research.items(chosen, tables["research"])
    for said in research.warnings(found, tables["research"]):
        st.warning(ui.md("{}", said), icon=":material/link_off:")
    if found.empty:
        st.caption("No research on this candidate yet.")
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    "Topic": found["Topic"],
                    "Finding": found["value"],
                    "As of": found["as_of"],
                    "Source": found["source"].replace("", None),
                    "Notes": found["notes"],
                    "Visibility": schema.VISIBILITY.label_all(found["visibility"]),
                }
            ),
            hide_index=True,
            column_config={"Source": st.column_config.LinkColumn(display_text="Open the source")},
        )
    _scores(chosen, tables)
    if staff:
        _research_form(chosen, names[chosen])


def _scores(candidate_id: str, tables: Tables) -> None:
    settings = coalition.settings_of(tables)
    scores = research.questionnaire_scores(candidate_id, tables, settings)
    if scores is None:
        st.caption(
            "Questionnaire scores show here once the scorecard is turned on in Settings → "
            "Coalition."
        )
        return
    if not scores:
        st.caption("No questionnaire was sent to this candidate.")
    for score in scores:
        shown = "no score (no answer)" if score.score is None else f"{score.score:g}%"
        missed = "; ".join(score.dealbreakers_missed) or "none"
        st.markdown(
            ui.md(
                "**Questionnaire “{}”:** {}, score {}. Dealbreakers missed: {}.",
                score.title,
                score.response,
                shown,
                missed,
            )
        )


def _research_form(candidate_id: str, name: str) -> None:
    base = f"end.{candidate_id}.research"
    key = _form_key(base)
    with st.expander(ui.md("Add research on {}", name)), st.form(key):
        values = {
            "topic": st.selectbox(
                "Topic", research.TOPICS, format_func=schema.RESEARCH_TOPIC.label, key=f"{key}.t"
            ),
            "value": st.text_input(
                "What was found", key=f"{key}.value", placeholder="$120,000; 64%; voted yes"
            ),
            "source_url": st.text_input("Source link", key=f"{key}.url", placeholder="https://…"),
            "as_of": _day(st.date_input("Date", "today", key=f"{key}.as_of")),
            "notes": st.text_area("Notes", key=f"{key}.notes"),
            "visibility": ui.visibility_choice(f"{key}.visibility"),
        }
        pressed = st.form_submit_button("Add the item", type="primary")
    if pressed:
        problems = research.item_problems(values)
        if problems:
            _problems_said(problems, RESEARCH_LABELS)
            return
        record_id = _pending_id(f"{base}.id", "research")
        try:
            rows = research.item_rows(record_id, candidate_id, values, ui.author(), name)
        except schema.InvalidValue as error:
            _problems_said({error.column: error.message}, RESEARCH_LABELS)
            return
        if _write([], rows, "Research added.", f"{base}.failed"):
            state.pop(f"{base}.id", None)
            _added(base)
            st.rerun()
    show_failure(f"{base}.failed")


# --- the vote -------------------------------------------------------------------------------


def vote_section(race: Mapping[str, Any]) -> None:
    """The vote on the race's endorsement: lib/endorsements/vote_screen.py draws it."""
    vote_screen.vote_section(str(race["id"]))
