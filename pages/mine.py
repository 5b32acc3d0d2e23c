"""My follow-ups: what the signed-in member owes the coalition, overdue first, each updated here
in a click: a commitment's status, an action done, a questionnaire link still unanswered."""

from datetime import date

import pandas as pd
import streamlit as st

from lib import access, followup, outbox, owners, schema, ui
from lib.my_followups import items as followups
from lib.my_followups import mine
from lib.store import ConflictError, StoreError

ui.page_frame()
state = st.session_state
today = date.today()
RESULT = "mine.result"  # what the last click did: (record id, level, message)
SEEN = "mine.seen"  # the version of each item on screen, by kind and id


def said(record_id: str, level: str, message: ui.Markdown) -> None:
    state[RESULT] = (record_id, level, message)


def allowed(record_id: str, action: str) -> bool:
    """Whether a fresh read of the members still lets the current member do this; when the
    data source is down, the check goes with the write and is made when it is sent."""
    try:
        ui.authorise(action)
    except access.NotAllowed as error:
        said(record_id, "error", ui.md("**Not saved.** {}", error))
        return False
    except StoreError:
        pass
    return True


def done(record_id: str, saved: bool, what: ui.Markdown) -> None:
    later = ui.md(
        " It is kept on this computer: the data source is not answering, and it is sent as "
        "soon as it does."
    )
    said(record_id, "success", ui.md("{}{}", what, later if not saved else ui.md("")))


# Clicks are handled before the page is drawn again, against the version of the item on screen
# when the person clicked: a change starts from what they saw, and an item someone else closed
# meanwhile is still answered for.
def clicked(kind: str, table: str, record_id: str) -> tuple[access.Member, pd.Series, str] | None:
    """Who clicked, the record as read now and the version of it they saw; None, said why,
    when there is nothing to save."""
    version = state.get(SEEN, {}).get(f"{kind}:{record_id}")
    if version is None:  # never on this person's screen
        return None
    current = ui.member()
    if current is None:
        allowed(record_id, mine.OWN)  # says that their access was removed
        return None
    found = mine.record(ui.last_tables()[table], record_id)
    if found is None:
        said(record_id, "warning", ui.md("**Not saved: this {} no longer exists.**", kind))
        return None
    return current, found, version


def save_status(record_id: str) -> None:
    if (click := clicked("commitment", "commitments", record_id)) is None:
        return
    current, commitment, version = click
    status = state.get(f"mine.status.{record_id}")
    note = state.get(f"mine.note.{record_id}", "")
    planned = mine.plan_status(
        commitment, status, note, ui.author(), current.name, today, version=version
    )
    if planned.change is None:
        said(record_id, "error", ui.md("{}", " ".join(planned.errors.values())))
        return
    store = ui.store()
    try:
        recorded = store.read_fresh("updates")
    except StoreError:
        recorded = ui.last_tables()["updates"]
    if followup.already_recorded(planned.change, recorded) is not None:
        said(record_id, "info", ui.md("**Already saved.** This very update is not saved again."))
        return
    action = mine.permission(current)
    if not allowed(record_id, action):
        return
    checks = ui.permit(action) + mine.ownership_checks(current, "commitments", record_id)
    try:
        ops = followup.change_ops(planned.change, recorded)
        outcome = followup.apply_changes(store, ui.sync_worker(store).outbox, [ops], checks)
    except access.NotAllowed as error:
        said(record_id, "error", ui.md("**Not saved.** {}", error))
        return
    except (StoreError, schema.InvalidValue) as error:
        said(record_id, "error", ui.md("**This could not be saved.** {} Try again.", error))
        return
    if outcome.conflicts:
        state.pop(f"mine.status.{record_id}", None)  # show the status as it is now
        said(
            record_id,
            "warning",
            ui.md(
                "**Not saved: someone else changed this commitment first.** It is shown as it "
                "is now; update it again if still needed."
            ),
        )
        return
    label = schema.COMMITMENT_STATUS.label(planned.change.status)
    state.pop(f"mine.note.{record_id}", None)
    done(record_id, bool(outcome.saved), ui.md("Saved: “{}” is now {}.", commitment["text"], label))


def mark_done(record_id: str) -> None:
    if (click := clicked("action", "actions", record_id)) is None:
        return
    current, action_row, version = click
    action = mine.permission(current)
    if not allowed(record_id, action):
        return
    store = ui.store()
    checks = ui.permit(action) + mine.ownership_checks(current, "actions", record_id)
    try:
        landed = outbox.write_or_queue(
            store,
            ui.sync_worker(store).outbox,
            "Action marked done",
            checks + mine.done_ops(action_row, ui.author(), version),
        )
    except ConflictError:
        message = ui.md(
            "**Not saved: someone else changed this action first.** It is shown as it is now; "
            "mark it done again if it still needs it."
        )
        said(record_id, "warning", message)
        return
    except access.NotAllowed as error:
        said(record_id, "error", ui.md("**Not saved.** {}", error))
        return
    except (StoreError, schema.InvalidValue) as error:
        said(record_id, "error", ui.md("**This could not be saved.** {} Try again.", error))
        return
    done(record_id, landed, ui.md("Marked done: “{}”.", action_row["title"]))


def result_for(record_id: str | None) -> None:
    """What the last click did, beside its item (or at the top, once the item has left)."""
    result = state.get(RESULT)
    if result is None or (record_id is not None and result[0] != record_id):
        return
    _, level, message = state.pop(RESULT)
    if level == "success":
        st.success(ui.md("{}", message), icon=":material/check_circle:")
    elif level == "warning":
        st.warning(ui.md("{}", message), icon=":material/sync_problem:")
    elif level == "info":
        st.info(ui.md("{}", message), icon=":material/task_alt:")
    else:
        st.error(ui.md("{}", message), icon=":material/error:")


st.title("My follow-ups")
tables = ui.tables()
current = ui.member()
everyone = ui.people()

if current is access.LOCAL:
    # Sign-in is off, so nobody is signed in to be "me": the local admin chooses whose to see.
    shared = owners.shared_names(everyone)
    person = st.selectbox(
        "Whose follow-ups?",
        everyone,
        index=None,
        format_func=lambda someone: owners.label(someone, shared),
        key="mine.person",
        placeholder="Choose a member or partner contact",
    )
    if person is None:
        st.caption("Choose a person to see every open follow-up they own.")
        st.stop()
else:
    person = mine.person_of(current, everyone)

found = ui.derived(followups.items_for, person, everyone, today)
seen_now = zip(found["kind"], found["id"], found["updated_at"], strict=True)
state[SEEN] = {f"{kind}:{record_id}": version for kind, record_id, version in seen_now}
may_update = current.may(mine.OWN)
if state.get(RESULT) and state[RESULT][0] not in set(found["id"]):
    result_for(None)

soon = followups.due_soon(found, today)
counts = st.columns(3)
counts[0].metric("Overdue", int(found["overdue"].sum()))
counts[1].metric("Due within a week", len(soon) - int(soon["overdue"].sum()))
counts[2].metric("Open follow-ups", len(found))

if found.empty:
    st.info(
        "Nothing is waiting on you."
        if current is not access.LOCAL
        else ui.md("Nothing is waiting on {}.", person.name),
        icon=":material/task_alt:",
    )
    st.stop()
if not may_update:
    st.caption(
        ui.md(
            "Your role ({}) lets you see these. Staff record status updates and mark actions "
            "done; tell them what has changed.",
            current.role,
        )
    )


def when(item: pd.Series) -> ui.Markdown:
    if item["overdue"]:
        return ui.md("**Overdue** since {}", item["due"])
    return ui.md("Due {}", item["due"]) if item["due"] else ui.md("No date set")


def commitment_controls(item: pd.Series) -> None:
    values = list(schema.COMMITMENT_STATUS.values)
    with st.form(f"mine.form.{item['id']}", border=False):
        left, right = st.columns([1, 2])
        left.selectbox(
            "Status",
            values,
            index=values.index(item["status"]) if item["status"] in values else 0,
            format_func=schema.COMMITMENT_STATUS.label,
            key=f"mine.status.{item['id']}",
        )
        right.text_input(
            "Note (optional)",
            key=f"mine.note.{item['id']}",
            placeholder="What happened, and how you know",
        )
        st.form_submit_button(
            "Save the status", icon=":material/save:", on_click=save_status, args=(item["id"],)
        )


def show(item: pd.Series) -> None:
    with st.container(border=True):
        st.markdown(
            ui.md(
                "**{}**{}: {}",
                followups.KINDS[item["kind"]],
                ui.md(" · {}", item["candidate"]) if item["candidate"] else ui.md(""),
                item["what"],
            )
        )
        if item["kind"] == "commitment":
            status = schema.COMMITMENT_STATUS.label(item["status"])
            st.caption(ui.md("{} · Status: {}", when(item), status))
            if may_update:
                commitment_controls(item)
        elif item["kind"] == "action":
            st.caption(ui.md("{}", when(item)))
            if may_update:
                st.button(
                    "Mark done",
                    key=f"mine.done.{item['id']}",
                    icon=":material/done:",
                    on_click=mark_done,
                    args=(item["id"],),
                )
        else:
            status = schema.INVITATION_STATUS.label(item["status"])
            st.caption(ui.md("{} · {}", when(item), status))
            st.page_link(
                "pages/questionnaires.py",
                label="Send a reminder from Questionnaires",
                icon=":material/quiz:",
            )
        result_for(item["id"])


SECTIONS = {
    "Overdue": found["overdue"],
    "Coming up": ~found["overdue"] & (found["due"] != ""),
    "No date set": found["due"] == "",
}
for heading, among in SECTIONS.items():
    if among.any():
        st.subheader(ui.md("{} ({:,})", heading, int(among.sum())))
        for _, item in found[among].iterrows():
            show(item)
