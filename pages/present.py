"""Present mode: a coalition meeting run from the shared screen, one agenda section at a time.

app.py draws no sidebar here. Nothing restricted is shown, whoever is signed in: the screen is
shared. Staff and admins capture the actions the room agrees on and end the meeting.
"""

from datetime import date

import streamlit as st

from lib import access, coalition, digest, schema, ui
from lib.meeting import actions, agenda, minutes, screen
from lib.store import StoreError

ui.page_frame()
state = st.session_state
today = date.today()
RUN = "run meetings"
ERRORS = "present.errors"  # what is wrong with the action as typed, by field
PENDING = "present.pending"  # the writes of the action last tried: a retry sends the same ids
RESULT = "present.result"  # (level, message) of the last save or end
CONFIRM = "present.confirm"  # End the meeting was pressed once and waits for a yes
ENDED = "present.ended"
FIELDS = {"title": "present.what", "owner": "present.owner", "due": "present.due"}
MINUTES_FORMATS = (
    ("Minutes (Markdown)", digest.to_markdown, "md", "text/markdown", ":material/description:"),
    ("Minutes (PDF)", digest.to_pdf, "pdf", "application/pdf", ":material/picture_as_pdf:"),
)

screen.style()
shared = ui.tables(shared_screen=True)
settings = coalition.settings_of(shared)
current = ui.member()
may_run = current is not None and current.may(RUN)


def from_url(name: str) -> str:
    value = st.query_params.get(name, "")
    return value if isinstance(value, str) else ""


def period_start() -> date:
    """The first day the meeting reviews, kept in the address: ending the meeting moves the
    last meeting date to today, and a reload must still show (and minute) the same period."""
    try:
        given = date.fromisoformat(from_url("since"))
    except ValueError:
        given = None
    since = given if given is not None and given <= today else settings.meeting_since(today)
    st.query_params["since"] = since.isoformat()
    return since


since = period_start()
sections = ui.derived(agenda.sections, since, today, shared_screen=True)
try:
    step = min(max(int(from_url("step") or 1), 1), len(sections))
except ValueError:
    step = 1
st.query_params["step"] = str(step)
section = sections[step - 1]


def go(to: int) -> None:
    st.query_params["step"] = str(to)


bar = st.columns([3, 4, 1.3, 1, 1.3], vertical_alignment="center")
bar[0].page_link("pages/meeting.py", label="Leave present mode", icon=":material/close:")
bar[1].caption(
    ui.md("{} meeting, reviewing since {}", settings.coalition_name or "Coalition", since)
)
bar[2].button(
    "Previous",
    key="present.previous",
    icon=":material/arrow_back:",
    on_click=go,
    args=(step - 1,),
    disabled=step == 1,
    shortcut="Left",
    width="stretch",
)
bar[3].markdown(ui.md("**{} of {}**", step, len(sections)))
bar[4].button(
    "Next",
    key="present.next",
    icon=":material/arrow_forward:",
    icon_position="right",
    on_click=go,
    args=(step + 1,),
    disabled=step == len(sections),
    shortcut="Right",
    width="stretch",
)
screen.heading(section)


def said(level: str, message: ui.Markdown) -> None:
    state[RESULT] = (level, message)


def show_result() -> None:
    if RESULT not in state:
        return
    level, message = state.pop(RESULT)
    shown = {"success": st.success, "warning": st.warning, "error": st.error}[level]
    shown(ui.md("{}", message), icon=":material/error:" if level == "error" else None)


def show_error(field: str) -> None:
    message = state.get(ERRORS, {}).get(field)
    if message:
        st.error(ui.md("{}", message), icon=":material/error:")


def allowed() -> bool:
    """Whether a fresh read of the members still lets the current member run the meeting; when
    the data source is down, the check goes with the write and is made when it is sent."""
    try:
        ui.authorise(RUN)
    except access.NotAllowed as error:
        said("error", ui.md("**Not saved.** {}", error))
        return False
    except StoreError:
        pass
    return True


def agree() -> None:
    typed = tuple(state.get(widget) for widget in FIELDS.values())
    planned = actions.plan(str(typed[0] or ""), typed[1], typed[2], ui.author(), today)
    state[ERRORS] = planned.errors
    if planned.errors or not allowed():
        return
    pending = state.get(PENDING)
    # Pressed again with the same words after an error: the same ids, so nothing lands twice.
    ops = pending[1] if pending and pending[0] == typed else planned.ops
    state[PENDING] = (typed, ops)
    store = ui.store()
    try:
        landed = actions.save(store, ui.sync_worker(store).outbox, ops, ui.permit(RUN))
    except access.NotAllowed as error:
        said("error", ui.md("**Not saved.** {}", error))
        return
    except (StoreError, schema.InvalidValue) as error:
        said("error", ui.md("**Not saved.** {} What you typed is still here: try again.", error))
        return
    del state[PENDING]
    for widget in FIELDS.values():
        state[widget] = "" if widget == FIELDS["title"] else None
    agreed = ui.md("Agreed: {} (owner: {}; due {}).", str(typed[0]).strip(), typed[1], typed[2])
    later = ui.md(" It is kept on this computer and sent as soon as the data source answers.")
    said("success", ui.md("{}{}", agreed, ui.md("") if landed else later))


def end() -> None:
    state.pop(CONFIRM, None)
    try:
        ui.authorise(RUN)  # asked now: the role may have changed since the button was drawn
        store = ui.store()
        coalition.save_setting(
            store, "last_meeting", today.isoformat(), ui.author(), store.read_fresh("settings")
        )
    except access.NotAllowed as error:
        said("error", ui.md("**The meeting was not ended.** {}", error))
    except StoreError as error:
        said("error", ui.md("**The meeting was not ended.** {} Try again.", error))
    else:
        state[ENDED] = True


def action_form() -> None:
    with st.form("present.agree", border=True):
        st.text_input("What was agreed", key=FIELDS["title"])
        show_error("title")
        owner, due = st.columns(2)
        with owner:
            typed = state.get(FIELDS["owner"])
            choices = ui.owner_choices()
            st.selectbox(
                "Owner",
                choices if not typed or typed in choices else [*choices, typed],
                index=None,
                key=FIELDS["owner"],
                accept_new_options=True,
                placeholder="Choose or type a name",
            )
            show_error("owner")
        with due:
            st.date_input(
                "Due", value=None, min_value=today, format="YYYY-MM-DD", key="present.due"
            )
            show_error("due")
        st.form_submit_button("Add the action", on_click=agree, icon=":material/add_task:")


def ending() -> None:
    """End the meeting (asked twice), then the minutes: the period's report-back and the
    actions agreed today."""
    ended = state.get(ENDED) or settings.last_meeting == today.isoformat()
    if ended:
        agreed = len(section.lines)
        st.success(
            ui.md(
                "**The meeting of {} has ended.** {} action{} agreed; the next meeting reviews "
                "from {}.",
                today,
                agreed,
                "s" * (agreed != 1),
                today,
            ),
            icon=":material/task_alt:",
        )
        with st.container(horizontal=True):
            for label, render, extension, mime, icon in MINUTES_FORMATS:
                ui.download(
                    label,
                    lambda render=render: render(
                        minutes.minutes(shared, since, today, settings.coalition_name, today)
                    ),
                    file_name=minutes.file_name(today, extension),
                    mime=mime,
                    icon=icon,
                    key=f"present.minutes.{extension}",
                )
    if not may_run:
        return
    if state.get(CONFIRM):
        st.warning(
            ui.md(
                "End the meeting of {}? Today becomes the last meeting date, so the next "
                "meeting reviews from today; the minutes are then ready to download.",
                today,
            )
        )
        with st.container(horizontal=True):
            st.button("Yes, end the meeting", key="present.end.yes", on_click=end, type="primary")
            st.button("Not yet", key="present.end.no", on_click=lambda: state.pop(CONFIRM, None))
    elif not ended:
        st.button(
            "End the meeting",
            key="present.end",
            icon=":material/stop_circle:",
            on_click=lambda: state.update({CONFIRM: True}),
        )


if section.kind == agenda.ACTIONS:
    show_result()
    if may_run:
        left, right = st.columns([1, 1], gap="large")
        with left:
            action_form()
        with right:
            st.subheader("Agreed so far")
            screen.lines_of(section)
    else:
        screen.lines_of(section)
    ending()
else:
    screen.show(section)
