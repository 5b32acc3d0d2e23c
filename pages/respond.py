"""A candidate answers the coalition's questionnaire through a private link.

Reached without signing in, by the link's token alone; app.py shows no sidebar and no other page
here. Only the coalition's name, the questionnaire and this candidate's own answers are shown.
"""

import contextlib
from datetime import date, datetime

import streamlit as st

from lib import coalition, ui
from lib.questionnaires import forms, responses
from lib.store import StoreError

ui.page_frame()
state = st.session_state
today = date.today()
token = st.query_params.get("token", "")


def closed(message: str) -> None:
    st.title("Questionnaire")
    st.info(ui.md("{}", message), icon=":material/link_off:")
    st.stop()


try:
    store = ui.store()
    opened = responses.open_link(store, token, today)
    settings = coalition.settings_of({"settings": store.read_fresh("settings")})
except responses.LinkClosed as error:
    closed(str(error))
except StoreError:
    closed(
        "The questionnaire cannot be opened right now. Your link still works: try again in a "
        "few minutes."
    )

invitation, questionnaire, questions = opened.invitation, opened.questionnaire, opened.questions
prefix = f"respond.{invitation['id']}"
if not state.get(f"{prefix}.seen"):
    # Only a note for the coalition that the link was opened: never in the candidate's way.
    with contextlib.suppress(StoreError, responses.LinkClosed):
        responses.mark_opened(store, token, datetime.now())
    state[f"{prefix}.seen"] = True

sent = invitation["status"] == "submitted"
st.caption(ui.md("{}", settings.coalition_name or "Questionnaire"))
st.title(ui.md("{}", questionnaire["title"]))
if questionnaire["introduction"]:
    st.markdown(ui.md("{}", questionnaire["introduction"]))
deadline = questionnaire["deadline"] or ""
if sent:
    st.success(
        ui.md(
            "Your answers were sent on {}. You may still change an answer: the change is shown "
            "beside the original, with its date.",
            invitation["submitted_at"][:10],
        ),
        icon=":material/check_circle:",
    )
elif deadline:
    st.caption(ui.md("Please answer by {}. You can save and come back with this link.", deadline))

if flash := state.pop(f"{prefix}.flash", None):
    st.success(ui.md("{}", flash), icon=":material/check_circle:")

shown = responses.form_answers(opened.answers, invitation["id"])
refused = state.pop(f"{prefix}.refused", {})
given: dict[str, str | None] = {}
for question in questions.to_dict("records"):
    key = f"{prefix}.{question['id']}"
    if key not in state:
        state[key] = shown.get(question["id"]) or (None if forms.is_closed(question) else "")
    if forms.is_closed(question):
        given[question["id"]] = st.radio(
            ui.md("{}. {}", question["number"], question["text"]),
            forms.answer_choices(question),
            key=key,
            format_func=lambda option: ui.md("{}", option),
        )
    else:
        given[question["id"]] = st.text_area(
            ui.md("{}. {}", question["number"], question["text"]), key=key, height=160
        )
        limit = forms.limit_of(question)
        if limit:
            unit = forms.limit_unit(question)
            used = forms.measure(state[key] or "", unit)
            if used > limit:
                st.error(
                    ui.md(
                        "{:,} of {:,} {}. Shorten it; nothing you typed is lost.", used, limit, unit
                    )
                )
            else:
                st.caption(ui.md("{:,} of {:,} {}", used, limit, unit))
    if question["id"] in refused:
        st.error(ui.md("{}", refused[question["id"]]), icon=":material/error:")


def act(action: str) -> None:
    """Save, send or decline; a refused answer is said beside its question, and kept."""
    try:
        if action == "draft":
            responses.save_draft(store, token, given, today)
            state[f"{prefix}.flash"] = "Saved. Come back with the same link to finish."
        elif action == "send":
            (responses.amend if sent else responses.submit)(store, token, given, today)
            state[f"{prefix}.flash"] = "Thank you: your answers were sent to the coalition."
        else:
            responses.decline(store, token, today)
            state[f"{prefix}.flash"] = "You declined this questionnaire. Thank you for saying so."
    except responses.AnswerRefused as refusal:
        state[f"{prefix}.refused"] = refusal.problems
    except (responses.LinkClosed, responses.AlreadySubmitted) as error:
        state[f"{prefix}.flash"] = str(error)
    except StoreError:
        st.error(
            "Not saved: the coalition's data cannot be reached right now. Your answers are "
            "still on this page; try again in a minute.",
            icon=":material/cloud_off:",
        )
        return
    st.rerun()


st.divider()
if sent:
    if st.button("Send my changes", type="primary", key=f"{prefix}.amend"):
        act("send")
else:
    confirm = st.checkbox("These are my answers, ready to send.", key=f"{prefix}.confirm")
    left, right = st.columns(2)
    if left.button("Send my answers", type="primary", disabled=not confirm, key=f"{prefix}.send"):
        act("send")
    if right.button("Save and finish later", key=f"{prefix}.save"):
        act("draft")
    with st.expander("Decline to answer"):
        st.caption("The coalition will record that you declined; you cannot answer afterwards.")
        if st.button("Decline this questionnaire", key=f"{prefix}.decline"):
            act("decline")

past = responses.history(opened.answers, invitation["id"], questions)
if not past.empty:
    st.subheader("Your answers as sent")
    for row in past.itertuples():
        st.markdown(
            ui.md(
                "**{}. {}** {} ({}): {}",
                row.number,
                row.question,
                row.state_label,
                row.submitted_on,
                row.text,
            )
        )
