"""The briefing on the candidates page (``/candidates?candidate=<id>&view=brief``)."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pandas as pd
import streamlit as st

from lib import access, schema, ui
from lib.briefing import content, planning
from lib.briefing import pdf as briefing_pdf
from lib.briefing.content import HEADINGS, Briefing
from lib.briefing.framing import COALITION_RULE
from lib.store import StoreError
from lib.text import Markdown, join, plural

STATE = "brief."
OPEN_DRAFT = STATE + "open_draft"


def key(candidate_id: str, name: str) -> str:
    """The plan form's state for one candidate: a plan begun for one is never another's."""
    return f"{STATE}{candidate_id}.{name}"


def _errors(candidate_id: str) -> dict[str, Markdown]:
    return st.session_state.get(key(candidate_id, "errors"), {})


def _show_error(candidate_id: str, field: str) -> None:
    message = _errors(candidate_id).get(field)
    if message:
        st.error(ui.md("{}", message), icon=":material/error:")


def _bullets(lines: list[Markdown]) -> None:
    st.markdown(join("\n", [Markdown("- " + line) for line in lines]))


def show(candidate: pd.Series, tables: dict[str, pd.DataFrame]) -> None:
    """The whole briefing on ``candidate`` for the member reading it, from ``tables`` as they
    may see them."""
    draft = st.session_state.pop(OPEN_DRAFT, None)
    if draft:  # a meeting was just planned: on to its report, filled in
        st.switch_page("pages/report.py", query_params={"draft": draft})
    reader = ui.member() or access.Member("", "", "viewer")
    today = date.today()
    day = key(candidate["id"], "day")
    st.session_state.setdefault(day, today)
    meeting_day = st.session_state.get(day) or today
    briefing = content.build(
        tables,
        candidate["id"],
        viewer_partner_id=reader.partner_id,
        meeting_day=meeting_day,
        today=today,
    )
    header(briefing)
    sections(briefing)
    plan_form(briefing, candidate, tables, reader)


def header(briefing: Briefing) -> None:
    st.page_link(
        "pages/candidates.py",
        label="Back to the profile",
        icon=":material/arrow_back:",
        query_params={"candidate": briefing.candidate_id},
    )
    st.title(ui.md("Briefing: {}", briefing.name))
    if briefing.facts:
        st.caption(ui.md("{}", " · ".join(briefing.facts)))
    if briefing.website:  # a link button takes the address as data, never as Markdown
        st.link_button("Campaign website", briefing.website, icon=":material/open_in_new:")
    if briefing.notes:
        st.markdown(ui.md("{}", briefing.notes))
    if briefing.has_restricted:
        st.caption(
            "This briefing includes restricted records: it is for staff and their authors "
            "only. Never show it on a shared screen."
        )
    day, download = st.columns([1, 1], vertical_alignment="bottom")
    day.date_input(
        "Date of your meeting",
        value=None,
        key=key(briefing.candidate_id, "day"),
        format="YYYY-MM-DD",
    )
    with day:
        _show_error(briefing.candidate_id, "date")
    with download:
        ui.download(
            "Download briefing (PDF)",
            lambda: briefing_pdf.to_pdf(briefing),
            file_name=f"briefing-{briefing.name}-{briefing.meeting_day}.pdf",
            mime="application/pdf",
            key="brief.pdf",
            icon=":material/picture_as_pdf:",
        )
    if briefing.nearby:
        st.warning(
            join(
                "\n",
                [
                    ui.md(
                        "**Another partner is meeting them within {} days of your meeting.** "
                        "Coordinate before you go, so the candidate hears one coalition.\n",
                        content.NEARBY_DAYS,
                    ),
                    *(ui.md("- {}", near.sentence()) for near in briefing.nearby),
                ],
            ),
            icon=":material/group_work:",
        )
    else:
        st.caption(
            ui.md(
                "No other partner met or plans to meet them within {} days of your meeting.",
                content.NEARBY_DAYS,
            )
        )


def sections(briefing: Briefing) -> None:
    priorities(briefing)
    stances(briefing)
    commitments(briefing)
    noted(HEADINGS["questions"], briefing.questions, "No questions noted in reports yet.")
    noted(HEADINGS["education"], briefing.education, "Nothing noted in reports yet.")
    quotes(briefing)
    contacts(briefing)
    companions(briefing)
    framing(briefing)


def priorities(briefing: Briefing) -> None:
    st.subheader(ui.md("{}", HEADINGS["priorities"]))
    listed = [priority.name for priority in briefing.priorities if priority.on_profile]
    reported = [priority for priority in briefing.priorities if not priority.on_profile]
    if not briefing.priorities:
        st.caption("No priorities recorded on their profile or in reports yet.")
    if listed:
        st.markdown(ui.md("**On their profile:** {}", ", ".join(listed)))
    if reported:
        st.markdown(
            ui.md(
                "**Also named in reports:** {}",
                ", ".join(f"{p.name} ({plural(p.reports, 'report')})" for p in reported),
            )
        )


def stances(briefing: Briefing) -> None:
    st.subheader(ui.md("{}", HEADINGS["stances"]))
    if not briefing.stances:
        st.caption("The coalition has no active issues yet.")
        return
    lines = []
    for stance in briefing.stances:
        if not stance.stance:
            lines.append(ui.md("**{}**: no record yet. Ask: {}", stance.issue, stance.ask))
            continue
        lines.append(
            ui.md(
                "**{}**: {}, as of {}. {}  \n*Source: {}*{}",
                stance.issue,
                stance.label,
                stance.as_of,
                stance.evidence or "No evidence noted.",
                stance.source,
                ui.md(" ({})", stance.source_url) if stance.source_url else ui.md(""),
            )
        )
    _bullets(lines)


def commitments(briefing: Briefing) -> None:
    st.subheader(ui.md("{}", HEADINGS["commitments"]))
    if not briefing.commitments:
        st.caption("No open commitments.")
        return
    lines = []
    for commitment in briefing.commitments:
        if commitment.overdue:
            when = ui.md("**Overdue since {}**", commitment.due)
        elif commitment.due:
            when = ui.md("Follow up by {}", commitment.due)
        else:
            when = ui.md("No follow-up date")
        lines.append(
            ui.md(
                "{} · **{}**: {} ({}; owner: {})",
                when,
                commitment.issue,
                commitment.text,
                commitment.status,
                commitment.owner or "no owner yet",
            )
        )
    _bullets(lines)
    st.page_link(
        "pages/commitments.py",
        label="Follow these up on the Commitments page",
        icon=":material/checklist:",
        query_params={"candidate": briefing.candidate_id},
    )


def noted(heading: str, items: list[content.Dated], empty: str) -> None:
    st.subheader(ui.md("{}", heading))
    if not items:
        st.caption(ui.md("{}", empty))
        return
    _bullets([ui.md("**{}** ({}): {}", item.day, item.kind.lower(), item.text) for item in items])


def quotes(briefing: Briefing) -> None:
    st.subheader(ui.md("{}", HEADINGS["quotes"]))
    if not briefing.quotes:
        st.caption("No quotes noted in reports yet.")
        return
    _bullets(
        [
            ui.md(
                "**{}** · *{}*{}: {}",
                quote.day,
                quote.marked,
                ui.md(" ({})", quote.note) if quote.note else ui.md(""),
                quote.text,
            )
            for quote in briefing.quotes
        ]
    )


def contacts(briefing: Briefing) -> None:
    st.subheader(ui.md("{}", HEADINGS["contacts"]))
    if not briefing.contacts:
        st.caption("No partner organisations yet.")
    lines = []
    for contact in briefing.contacts:
        if contact.last_day:
            line = ui.md(
                "**{}**: {}, {}{}",
                contact.partner,
                contact.last_day,
                contact.last_kind.lower(),
                ui.md(", reported by {}", contact.reported_by)
                if contact.reported_by
                else ui.md(""),
            )
            if contact.takeaways:
                line = ui.md("{}. {}", line, contact.takeaways)
        else:
            line = ui.md("**{}**: no meeting with them reported", contact.partner)
        lines.append(line)
    if lines:
        _bullets(lines)
    if briefing.planned:
        st.markdown("**Planned meetings**")
        _bullets(
            [
                ui.md(
                    "**{}** · {}{}: {}",
                    planned.day,
                    planned.partner,
                    ui.md(" (planned by {})", planned.planned_by)
                    if planned.planned_by
                    else ui.md(""),
                    planned.objectives or "no objectives given",
                )
                for planned in briefing.planned
            ]
        )


def companions(briefing: Briefing) -> None:
    st.subheader(ui.md("{}", HEADINGS["companions"]))
    if not briefing.companions:
        st.caption("No partner's strengths match their priorities yet.")
        return
    by_priority: dict[str, list[Markdown]] = {}
    for companion in briefing.companions:
        by_priority.setdefault(companion.priority, []).append(
            ui.md("{}: {}", companion.strength, ", ".join(companion.partners))
        )
    _bullets(
        [
            ui.md("**{}**: {}", priority, join("; ", found))
            for priority, found in by_priority.items()
        ]
    )
    st.caption(
        "Partners whose strengths speak to each of their priorities, by the coalition's "
        "matching rules."
    )


def framing(briefing: Briefing) -> None:
    st.subheader(ui.md("{}", HEADINGS["framing"]))
    if not briefing.framing:
        st.caption("No framing for their priorities yet.")
        return
    st.caption(
        "How to present each of our issues in the terms of their priorities: the coalition's "
        "own rules where it has written them, otherwise a suggestion."
    )
    by_priority: dict[str, list[Markdown]] = {}
    for found in briefing.framing:
        by_priority.setdefault(found.priority, []).append(
            ui.md(
                "**{}**: {} *({})*",
                found.issue,
                found.text,
                "coalition rule" if found.source == COALITION_RULE else "suggested",
            )
        )
    rules = Counter(found.priority for found in briefing.framing if found.source == COALITION_RULE)
    for number, (priority, lines) in enumerate(by_priority.items()):
        label = ui.md("If they care about {}", priority)
        if rules[priority]:
            label = ui.md("{} ({})", label, plural(rules[priority], "coalition rule"))
        with st.expander(ui.md("{}", label), expanded=number == 0):
            _bullets(lines)


def plan_form(
    briefing: Briefing,
    candidate: pd.Series,
    tables: dict[str, pd.DataFrame],
    reader: access.Member,
) -> None:
    with st.container(border=True):
        _plan_fields(briefing, candidate, tables, reader)


def _plan_fields(
    briefing: Briefing,
    candidate: pd.Series,
    tables: dict[str, pd.DataFrame],
    reader: access.Member,
) -> None:
    st.subheader("Plan this meeting")
    if not reader.may("file reports"):
        st.caption(
            ui.md(
                "Your role ({}) does not allow you to plan meetings or file reports.", reader.role
            )
        )
        return
    st.caption(
        ui.md(
            "Saves your plan to meet {} on {} (the date at the top), so other partners see it "
            "in their briefings, and opens a report form filled in with the candidate, the date "
            "and your objectives, to file after the meeting.",
            briefing.name,
            briefing.meeting_day,
        )
    )
    candidate_id = briefing.candidate_id
    if key(candidate_id, "ids") not in st.session_state:
        st.session_state[key(candidate_id, "ids")] = planning.new_ids()
    st.text_area("Objectives for the meeting", key=key(candidate_id, "objectives"))
    _show_error(candidate_id, "objectives")
    ui.visibility_choice(key(candidate_id, "visibility"), "Who may see this planned meeting.")
    _show_error(candidate_id, "visibility")
    failure = st.session_state.get(key(candidate_id, "failure"))
    if failure:
        st.error(ui.md("**The meeting was not planned.** {}", failure), icon=":material/cloud_off:")
    if _errors(candidate_id):
        st.error(
            "**The meeting was not planned yet.** See the messages above; everything you typed "
            "is still here.",
            icon=":material/error:",
        )
    partners = tables["partners"]
    active_partners = set(partners[partners["active"]]["id"])
    st.button(
        "Plan this meeting",
        type="primary",
        icon=":material/event:",
        on_click=_plan,
        args=(
            candidate["id"],
            briefing.name,
            bool(candidate["active"]),
            [reader.partner_id] if reader.partner_id in active_partners else [],
        ),
    )


def _plan(candidate_id: str, candidate_name: str, offered: bool, partner_ids: list[str]) -> None:
    """Store the planned meeting with its audit row, keep the report draft, then (on the next
    run) open it; anything refused leaves the form as typed, with why."""
    state = st.session_state
    day = state.get(key(candidate_id, "day"))
    objectives = str(state.get(key(candidate_id, "objectives")) or "")
    visibility = state.get(key(candidate_id, "visibility"))
    errors = state[key(candidate_id, "errors")] = planning.validate(day, objectives, visibility)
    state.pop(key(candidate_id, "failure"), None)
    if errors:
        return
    ids: planning.Ids = state[key(candidate_id, "ids")]
    try:
        # Asked now, not when the form was drawn: access may have been withdrawn meanwhile.
        writer = ui.authorise("file reports")
        meeting = planning.planned_meeting(
            ids,
            candidate_id,
            day,
            objectives,
            visibility,
            partner_id=writer.partner_id,
            planned_by=ui.author_name(),
            author=writer.email,
        )
        ui.store().change([], planning.writes(meeting, candidate_name, writer.email))
    except (StoreError, schema.InvalidValue) as error:
        state[key(candidate_id, "failure")] = str(error)
        return
    values = planning.report_draft(ids, candidate_id, day, objectives, visibility, partner_ids)
    if not offered:  # archived: the report form no longer offers them to choose
        values.pop(planning.REPORT_STATE + "candidate")
    ui.report_drafts().keep(ui.store().identity, ui.author(), ids.draft, values)
    for name in planning.report_state(list(state.keys())):
        del state[name]
    for name in ("ids", "errors"):
        state.pop(key(candidate_id, name), None)
    state[OPEN_DRAFT] = ids.draft
