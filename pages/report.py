"""Report a candidate interaction: the advocate's form, made to be filled on a phone."""

import copy
from datetime import date

import streamlit as st

from lib import access, coalition, drafts, hosting_screen, outbox, report, schema, ui
from lib.store import StoreError
from lib.text import join

ui.page_frame()

state = st.session_state
PREFIX = "report."
OUTCOME_NAMES = {
    "commitments": ui.md("commitment"),
    "positions": ui.md("position"),
    "actions": ui.md("follow-up action"),
}


# The fields of each kind of outcome row, as the form names them.
FIELDS = {
    "commitments": ("text", "issue_id", "owner", "follow_up_by", "status", "visibility"),
    "positions": ("issue_id", "stance", "evidence"),
    "actions": ("title", "owner", "due"),
}


def key(*parts: str) -> str:
    return PREFIX + ".".join(parts)


def show_error(field: str) -> None:
    message = state.get(key("errors"), {}).get(field)
    if message:
        st.error(ui.md("{}", message), icon=":material/error:")


# The form's widgets outside the outcome rows, and what some of them start with.
FORM_FIELDS = (
    *report.TEXT_FIELDS,
    "date",
    "candidate",
    "kind",
    "setting",
    "partner_ids",
    "source",
    "candidate_priorities",
    "quote_kind",
    "visibility",
    "new.name",
    "new.office",
    "new.district",
    "new.stage",
    "new.different_person",
)


def starting_values() -> dict:
    return {
        key("date"): date.today(),
        key("setting"): "in_person",
        key("source"): "firsthand",
        key("visibility"): "coalition",
        key("reported_by"): ui.author_name(),
    }


def widget_keys() -> list[str]:
    """Every widget that holds something typed, outcome rows included."""
    names = [key(field) for field in FORM_FIELDS]
    for kind in report.OUTCOMES:
        rows = state[key("draft")][kind]
        names += [key(kind, row["id"], field) for row in rows for field in FIELDS[kind]]
    return names


def snapshot() -> dict:
    """The draft as it can be kept and put back: the widgets' values and the draft's ids."""
    kept = {name: state[name] for name in widget_keys() if name in state}
    # A copy: the draft's lists change in place, and the kept snapshot must not change with them.
    return copy.deepcopy({**kept, key("draft"): state[key("draft")]})


def draft_place() -> tuple[str, str]:
    """Whose drafts, on which data source."""
    return ui.store().identity, ui.author()


def draft_id() -> str:
    """This tab's report, also named in the address (``?draft=``) so that it survives a restart
    of the app: the tab then gets the same report, with the same ids, back."""
    return state[key("draft")]["id"]


def keep_draft() -> None:
    """Keep this tab's draft as typed, under its report's id; a blank form keeps nothing."""
    current = None if report.is_blank(collect()) else snapshot()
    if current != state.get(key("kept")):
        if current is None:
            ui.report_drafts().discard(*draft_place(), draft_id())
        else:
            ui.report_drafts().keep(*draft_place(), draft_id(), current)
        state[key("kept")] = current


def sent_before(report_id: str) -> drafts.Sent | None:
    """Whether this person's report left a form already (stored, or waiting to sync). When the
    data source cannot be read, only the outbox can tell; saving again is safe anyway."""
    store = ui.store()
    try:
        interactions = store.read("interactions")
    except StoreError:
        interactions = None
    return drafts.sent(report_id, ui.author(), interactions, ui.sync_worker(store).outbox)


def open_draft(wanted: str | None) -> None:
    """Start this tab's form: the report the address names if this person has it, else a new one.

    After a restart the browser still shows what was typed but the server forgot the report's
    ids; taking them from the kept draft means saving it again can never store a second copy.
    """
    state[key("draft")] = report.new_draft()
    state.update(starting_values())
    kept = ui.report_drafts().find(*draft_place(), wanted) if wanted else None
    if kept is not None:
        state.update(kept.values)
        if not state.pop(key("planned"), False):  # a briefing's plan was never typed here
            state[key("resumed")] = kept.saved_at
    sent = sent_before(wanted) if wanted else None
    if sent is None:
        return
    if kept is not None and sent.stored_at is not None:
        save()  # it landed before the page could say so, perhaps not whole: finish it, once
        if key("saved") in state:
            return
    state[key("draft")]["id"] = wanted
    ui.report_drafts().discard(*draft_place(), wanted)
    state[key("saved")] = {
        "summary": [],
        "candidate_id": sent.candidate_id,
        "queued": sent.stored_at is None,
        "already": sent.stored_at,
    }


def other_drafts() -> list[drafts.Draft]:
    """This person's other unsent drafts (from other tabs, open or closed), to offer. A draft
    whose report was stored or queued since is dropped instead: it is never offered again."""
    offered = []
    for kept in ui.report_drafts().unsent(*draft_place()):
        if kept.id == draft_id():
            continue
        if sent_before(kept.id) is not None:
            ui.report_drafts().discard(*draft_place(), kept.id)
            continue
        offered.append(kept)
    return offered


def restore_draft(chosen: str) -> None:
    kept = ui.report_drafts().find(*draft_place(), chosen)
    if kept is None:  # discarded or sent from another tab meanwhile
        return
    for name in [*widget_keys(), key("kept"), key("errors"), key("resumed")]:
        state.pop(name, None)
    state.update(kept.values)


def discard_draft(chosen: str) -> None:
    ui.report_drafts().discard(*draft_place(), chosen)


def collect() -> dict:
    """The draft as typed so far, from the widgets' state."""
    draft = dict(state[key("draft")])
    draft.update({field: state.get(key(field), "") for field in report.TEXT_FIELDS})
    draft.update(
        date=state.get(key("date")),
        candidate_id=state.get(key("candidate")) or "",
        kind=state.get(key("kind")),
        setting=state.get(key("setting")),
        source=state.get(key("source")),
        partner_ids=state.get(key("partner_ids"), []),
        candidate_priorities=state.get(key("candidate_priorities"), []),
        quote_kind=state.get(key("quote_kind")),
        visibility=state.get(key("visibility")) or "coalition",
        new_candidate={
            **draft["new_candidate"],
            **{field: state.get(key("new", field), "") for field in ("name", "office", "district")},
            "stage": state.get(key("new", "stage")),
            "different_person": bool(state.get(key("new", "different_person"))),
        },
    )
    for kind in report.OUTCOMES:
        draft[kind] = [
            {**row, **{field: state.get(key(kind, row["id"], field)) for field in FIELDS[kind]}}
            for row in draft[kind]
        ]
    return draft


def save() -> None:
    """Validate, then write the report; the typed draft stays on screen whatever happens."""
    draft = collect()
    errors = report.validate(draft, date.today(), ui.tables()["candidates"])
    state[key("errors")] = errors
    state.pop(key("failure"), None)
    state.pop(key("refused"), None)
    if errors:
        return
    try:
        # Asked now, not when the form was drawn: access may have been withdrawn meanwhile.
        ui.authorise("file reports")
    except access.NotAllowed as error:
        state[key("failure")] = str(error)
        state[key("refused")] = True
        return
    except StoreError:
        pass  # the data source is down: the check goes with the report, made when it is sent
    keep_draft()  # first: if the app stops from here on, this tab gets the same report back
    sent = sent_before(draft["id"])  # written again all the same: it may have landed in part
    records = report.records(draft, ui.author(), schema.now_stamp())
    store = ui.store()
    label = f"Report {draft['date']}"
    try:
        landed = outbox.write_or_queue(
            store,
            ui.sync_worker(store).outbox,
            label,
            ui.permit("file reports") + report.operations(records),
        )
    except (StoreError, schema.InvalidValue) as error:
        state[key("failure")] = str(error)
        return
    ui.report_drafts().discard(*draft_place(), draft_id())  # sent: never offered again
    tables = ui.last_tables()  # names for the summary, as the form showed them
    state[key("saved")] = {
        "summary": report.summary(records, tables["candidates"], tables["issues"]),
        "candidate_id": records["interactions"][0]["candidate_id"],
        "queued": not landed,
        "already": sent.stored_at if sent else None,
    }


def send_waiting() -> None:
    store = ui.store()
    ui.sync_worker(store).outbox.replay(store)


def queued_status() -> None:
    """The report kept on this computer, looked at again every few seconds until it is sent
    (by the background sender, even when nobody presses anything)."""
    waiting = ui.sync_worker(ui.store()).outbox.holding("interactions", draft_id())
    if waiting is None:
        state[key("saved")]["queued"] = False
        st.rerun()  # the whole page: the confirmation, and the sidebar's count of waiting changes
    if waiting.state == outbox.STUCK:
        st.error(
            ui.md(
                "**The data source refused this report:** {} It stays kept on this computer "
                "until someone sorts it out; nothing is lost.",
                waiting.last_error,
            ),
            icon=":material/error:",
        )
        return
    st.warning(
        "**Report kept on this computer.** The data source is not answering right now, so "
        "your report waits here and is sent automatically as soon as it answers. Nothing is "
        "lost, and it will not be sent twice.",
        icon=":material/cloud_sync:",
    )
    if note := hosting_screen.outbox_note():
        st.caption(ui.md("{}", note))
    st.button("Try sending now", on_click=send_waiting, icon=":material/sync:")


def kept_note() -> None:
    """When this tab's draft was last kept on this computer, looked at every half minute.

    A page with a timer like this one is rerun by the browser as soon as it reconnects, so after
    a restart of the app the form comes back (with a note by the Save button) before anyone
    presses Save; without one, the first press would only reconnect, and seem to do nothing.
    """
    kept = ui.report_drafts().find(*draft_place(), draft_id())
    if kept is not None:
        st.caption(ui.md("Draft kept on this computer at {:%H:%M}.", kept.saved_at))


def start_over() -> None:
    for name in [name for name in state if str(name).startswith(PREFIX)]:
        del state[name]
    st.query_params.pop("draft", None)  # names the report just sent; the next gets its own


def owner_choice(label: ui.Markdown, widget: str, choices: list[str]) -> None:
    """Who follows up: one of the coalition's members, or a name typed for someone without an
    account. A name typed before (a kept draft, a name not on the list) stays on offer, so a
    restored draft shows it."""
    typed = state.get(widget)
    if typed == "":  # a draft kept before owners were chosen from a list: nobody yet
        state[widget] = typed = None
    st.selectbox(
        ui.md("{}", label),
        choices if typed is None or typed in choices else [*choices, typed],
        index=None,
        key=widget,
        accept_new_options=True,
        placeholder="Choose a member or type a name",
    )


def add_outcome(kind: str) -> None:
    state[key("draft")][kind].append(report.new_outcome(kind))


def remove_outcome(kind: str, row_id: str) -> None:
    rows = state[key("draft")][kind]
    state[key("draft")][kind] = [row for row in rows if row["id"] != row_id]


st.title("Report a candidate interaction")
if key("refused") not in state:
    ui.require("file reports")
# else a save was just refused: the form stays, with why, so what was typed can be copied out;
# every save asks again whether this person may file reports.
tables = ui.tables()
if key("draft") not in state:
    # A new session: a new tab, a reload, or this tab back after the app restarted.
    open_draft(st.query_params.get("draft"))
elif key("saved") not in state and key("date") not in state:
    # Back from another page, which cleared the widgets: put this draft back as it was kept.
    state.update(starting_values())
    kept = ui.report_drafts().find(*draft_place(), draft_id())
    if kept is not None:
        state.update(kept.values)
if st.query_params.get("draft") != draft_id():
    st.query_params["draft"] = draft_id()
if key("saved") not in state:
    # Kept first thing (and again once the form is drawn): should the app stop during this run,
    # a restart brings back the change that started it.
    keep_draft()

saved = state.get(key("saved"))
if saved and saved["queued"]:
    # Sent in the background: the message changes by itself once the report has gone.
    st.fragment(queued_status, run_every=2)()
elif saved and saved.get("already") is not None:
    st.success(
        ui.md(
            "**This report was already saved** at {}. It was not stored a second time.",
            drafts.moment(saved["already"]),
        ),
        icon=":material/check_circle:",
    )
elif saved:
    st.success(
        "**Report saved.** Thank you: your coalition partners can see it now.",
        icon=":material/check_circle:",
    )
if saved:
    for line in saved["summary"]:
        st.markdown(ui.md("- {}", line))
    st.page_link(
        "pages/candidates.py",
        label="Open the candidate's page",
        icon=":material/person:",
        query_params={"candidate": saved["candidate_id"]},
    )
    st.button("File another report", type="primary", on_click=start_over)
    st.stop()

# Archived candidates and partners stay in the records but are no longer offered.
candidates = tables["candidates"][tables["candidates"]["active"]].sort_values("name")
issues = tables["issues"][tables["issues"]["active"]].sort_values("name")
partners = tables["partners"][tables["partners"]["active"]].sort_values("name")
candidate_names = dict(zip(candidates["id"], candidates["name"], strict=True))
candidate_labels = {
    row.id: report.describe_candidate(row.name, row.office, row.district)
    for row in candidates.itertuples()
}
issue_names = dict(zip(issues["id"], issues["name"], strict=True))
partner_names = dict(zip(partners["id"], partners["name"], strict=True))
owner_names = ui.owner_choices()
linked = st.query_params.get("candidate")
if linked in candidate_names and key("candidate") not in state:
    state[key("candidate")] = linked

offers = other_drafts()
if offers:
    with st.container(border=True):
        for offer in offers:
            chosen = offer.values.get(key("candidate"))
            about = candidate_names.get(chosen) or offer.values.get(key("new.name")) or ""
            st.markdown(
                ui.md(
                    "**You have a report you did not send**{}, last changed {}.",
                    ui.md(" about {}", about) if about else ui.md(""),
                    f"{offer.saved_at:%A %d %B at %H:%M}",
                )
            )
            restore, discard = st.columns(2)
            restore.button(
                "Restore it",
                key=key("restore", offer.id),
                type="primary",
                on_click=restore_draft,
                args=(offer.id,),
                icon=":material/restore:",
            )
            discard.button(
                "Discard it",
                key=key("discard", offer.id),
                on_click=discard_draft,
                args=(offer.id,),
                icon=":material/delete:",
            )

form, guide = st.columns([3, 1], gap="large")
with guide:
    if coalition.settings_of(tables).nonpartisan:
        st.info(
            "**Nonpartisan reminder.** As a 501(c)(3), the coalition records candidates' "
            "positions on its policies and their commitments, and never supports or opposes a "
            "candidate. Report what was said, not who deserves a vote.",
            icon=":material/balance:",
        )
    st.markdown(
        "**Reporting well**\n\n"
        "- **Be accurate and nonpartisan.** Record what the candidate said and did about our "
        "issues, not whether they are good or bad.\n"
        "- **State the source and the context** of every claim: who said it, where, and "
        "whether you heard it yourself.\n"
        "- **Quotes**: say whether they are word for word.\n"
        "- **Don't record meetings** unless everyone agreed beforehand.\n"
        "- **Confidential details**: mark them *restricted*; they never appear on a shared "
        "screen."
    )

with form:
    st.subheader("The meeting")
    st.date_input("Date of the meeting", key=key("date"), format="YYYY-MM-DD")
    show_error("date")
    st.selectbox(
        "Candidate",
        [*candidate_labels, report.NEW_CANDIDATE],
        index=None,
        key=key("candidate"),
        format_func=lambda option: (
            "＋ Add a new candidate"
            if option == report.NEW_CANDIDATE
            else candidate_labels.get(option, option)
        ),
        placeholder="Type a name to search",
    )
    show_error("candidate_id")
    if state.get(key("candidate")) == report.NEW_CANDIDATE:
        with st.container(border=True):
            st.text_input("New candidate's name", key=key("new", "name"))
            show_error("new_candidate.name")
            namesakes = report.namesakes(
                state.get(key("new", "name"), ""),
                tables["candidates"],
                state[key("draft")]["new_candidate"]["id"],
            )
            if len(namesakes):
                st.warning(
                    ui.md(
                        "**Already in the tracker:** {}. If that is who you met, choose them in "
                        "the Candidate list above instead.",
                        report.describe_namesakes(namesakes),
                    ),
                    icon=":material/person_search:",
                )
                st.checkbox(
                    ui.md("{}", report.DIFFERENT_PERSON), key=key("new", "different_person")
                )
            st.text_input("Office", key=key("new", "office"), placeholder="City Council")
            st.text_input("District", key=key("new", "district"), placeholder="03")
            st.selectbox(
                "Stage",
                schema.STAGE.values,
                index=None,
                key=key("new", "stage"),
                format_func=schema.STAGE.label,
            )
    st.selectbox(
        "Kind of interaction",
        schema.INTERACTION_KIND.values,
        key=key("kind"),
        format_func=schema.INTERACTION_KIND.label,
    )
    st.segmented_control(
        "Setting",
        schema.SETTING.values,
        key=key("setting"),
        format_func=schema.SETTING.label,
    )
    st.multiselect(
        "Partner organisations present",
        list(partner_names),
        key=key("partner_ids"),
        format_func=partner_names.get,
        placeholder="Choose partners",
    )
    show_error("partner_ids")
    st.text_input("Who attended", key=key("attendees"), placeholder="Names, roles")
    show_error("attendees")
    st.text_input("Reported by", key=key("reported_by"))
    show_error("reported_by")
    st.segmented_control(
        "Source",
        schema.SOURCE.values,
        key=key("source"),
        format_func=schema.SOURCE.label,
        help="Firsthand: you were there. Secondhand: someone told you. "
        "Public record: a statement, a vote, an article.",
    )

    st.subheader("What was said")
    st.text_area("Our objectives for the meeting", key=key("objectives"))
    show_error("objectives")
    known_tags = sorted(
        {
            *schema.PRIORITY_TAGS,
            *(
                tag
                for text in tables["interactions"]["candidate_priorities"]
                for tag in schema.split_list(text)
            ),
        }
    )
    st.multiselect(
        "The candidate's own priorities",
        known_tags,
        key=key("candidate_priorities"),
        accept_new_options=True,
        placeholder="economy, health care… or type your own",
    )
    show_error("candidate_priorities")
    for field, label in (
        ("talking_points", ui.md("Talking points we used")),
        ("questions_asked", ui.md("Questions they asked")),
        ("education_needed", ui.md("Where they need education (areas of confusion)")),
    ):
        st.text_area(ui.md("{}", label), key=key(field))
        show_error(field)
    st.text_area("Notable quotes", key=key("quotes"))
    show_error("quotes")
    st.segmented_control(
        "The quotes are", report.QUOTE_KINDS, key=key("quote_kind"), format_func=str.capitalize
    )
    for field, label in (
        ("takeaways", ui.md("Key takeaways")),
        ("follow_up", ui.md("Follow-up needed")),
    ):
        st.text_area(ui.md("{}", label), key=key(field))
        show_error(field)

    st.subheader("Outcomes")
    draft = state[key("draft")]
    for kind, noun in OUTCOME_NAMES.items():
        for number, row in enumerate(draft[kind], start=1):
            row_id = row["id"]
            with st.container(border=True):
                st.markdown(ui.md("**{} {}**", noun.capitalize(), number))
                if kind == "commitments":
                    st.text_area("What they committed to", key=key(kind, row_id, "text"), height=80)
                    show_error(f"{kind}.{row_id}.text")
                if kind != "actions":
                    st.selectbox(
                        "Issue",
                        list(issue_names),
                        index=None,
                        key=key(kind, row_id, "issue_id"),
                        format_func=issue_names.get,
                        placeholder="Choose an issue",
                    )
                    show_error(f"{kind}.{row_id}.issue_id")
                if kind == "commitments":
                    owner_choice(
                        ui.md("Owner (who follows up)"), key(kind, row_id, "owner"), owner_names
                    )
                    st.date_input(
                        "Follow up by",
                        value=None,
                        key=key(kind, row_id, "follow_up_by"),
                        format="YYYY-MM-DD",
                    )
                    show_error(f"{kind}.{row_id}.follow_up_by")
                    st.selectbox(
                        "Status",
                        schema.COMMITMENT_STATUS.values,
                        key=key(kind, row_id, "status"),
                        format_func=schema.COMMITMENT_STATUS.label,
                    )
                    st.selectbox(
                        "Who may see this commitment",
                        schema.VISIBILITY.values,
                        index=None,
                        key=key(kind, row_id, "visibility"),
                        format_func=schema.VISIBILITY.label,
                        placeholder="Same as the report",
                        help=join(
                            "\n\n",
                            [
                                ui.md("**{}**: {}", schema.VISIBILITY.label(v), text)
                                for v, text in schema.VISIBILITY_HELP.items()
                            ],
                        ),
                    )
                if kind == "positions":
                    st.selectbox(
                        "Stance",
                        schema.STANCE.values,
                        index=None,
                        key=key(kind, row_id, "stance"),
                        format_func=schema.STANCE.label,
                        placeholder="Choose the stance you observed",
                    )
                    show_error(f"{kind}.{row_id}.stance")
                    st.text_area(
                        "Evidence (what they said or did)",
                        height=80,
                        key=key(kind, row_id, "evidence"),
                    )
                if kind == "actions":
                    st.text_input("What needs doing", key=key(kind, row_id, "title"))
                    show_error(f"{kind}.{row_id}.title")
                    owner_choice(ui.md("Owner"), key(kind, row_id, "owner"), owner_names)
                    st.date_input(
                        "Due", value=None, key=key(kind, row_id, "due"), format="YYYY-MM-DD"
                    )
                    show_error(f"{kind}.{row_id}.due")
                st.button(
                    ui.md("Remove this {}", noun),
                    key=key(kind, row_id, "remove"),
                    on_click=remove_outcome,
                    args=(kind, row_id),
                    icon=":material/delete:",
                )
        st.button(
            ui.md("Add a {}", noun),
            key=key("add", kind),
            on_click=add_outcome,
            args=(kind,),
            icon=":material/add:",
        )

    st.subheader("Who may see this report")
    st.radio(
        "Visibility",
        schema.VISIBILITY.values,
        key=key("visibility"),
        label_visibility="collapsed",
        format_func=schema.VISIBILITY.label,
        captions=[schema.VISIBILITY_HELP[value] for value in schema.VISIBILITY.values],
    )

    # Kept on every change, so a reload, a closed tab, a visit to another page or a restart of
    # the app loses nothing; each tab keeps its own draft.
    keep_draft()
    st.fragment(kept_note, run_every=30)()
    resumed = state.get(key("resumed"))
    if resumed is not None:
        st.info(
            ui.md(
                "**Your report is back.** This page lost its connection to the app (or was "
                "opened again), so the form was filled in from the copy kept on this computer "
                "at {:%H:%M}. Check it, then press **Save the report**: if it had already been "
                "saved, you will be told, and it is never stored twice.",
                resumed,
            ),
            icon=":material/restore:",
        )

    errors = state.get(key("errors"), {})
    failure = state.get(key("failure"))
    if errors:
        st.error(
            ui.md(
                "**The report was not saved yet.** {} {} attention: see the messages above. "
                "Everything you typed is still here.",
                len(errors),
                "fields need" if len(errors) != 1 else "field needs",
            ),
            icon=":material/error:",
        )
    if failure and key("refused") in state:  # the message says what was kept
        st.error(ui.md("**The report was not saved.** {}", failure), icon=":material/lock:")
    elif failure:
        st.error(
            ui.md(
                "**The report could not be saved.** {} Everything you typed is still here; "
                "nothing is lost.",
                failure,
            ),
            icon=":material/cloud_off:",
        )
    if failure:
        st.button(
            "Try again", type="primary", on_click=save, icon=":material/refresh:", width="stretch"
        )
    else:
        st.button(
            "Save the report",
            type="primary",
            on_click=save,
            width="stretch",
            icon=":material/send:",
        )
