"""Candidates: where each stands on the coalition's issues, and one candidate's full record."""

import pandas as pd
import streamlit as st

from lib import analytics, charts, coalition, followup, schema, text, ui
from lib.briefing import screen as briefing
from lib.endorsements import vote_screen
from lib.questionnaires import compare

ui.page_frame()

tables = ui.tables()
candidates = tables["candidates"]
issue_names = analytics.names(tables["issues"])
chosen = st.query_params.get("candidate")


def show_profile(candidate: pd.Series) -> None:
    st.title(ui.md("{}", candidate["name"]))
    facts = [
        candidate["office"],
        candidate["district"],
        candidate["party"],
        schema.STAGE.label(candidate["stage"]) if candidate["stage"] else "",
        schema.CANDIDATE_STATUS.label(candidate["status"]) if candidate["status"] else "",
        "incumbent" if candidate["incumbent"] else "",
    ]
    st.caption(ui.md("{}", " · ".join(fact for fact in facts if fact)))
    vote_screen.endorsement_note(candidate["id"], tables)
    website = text.safe_url(candidate["website"])
    if website:  # a link button takes the address as data, never as Markdown
        st.link_button("Campaign website", website, icon=":material/open_in_new:")
    if candidate["priorities"]:
        st.markdown(ui.md("**Their priorities:** {}", candidate["priorities"]))
    if candidate["notes"]:
        st.markdown(ui.md("{}", candidate["notes"]))
    st.page_link(
        "pages/candidates.py",
        label="Briefing before a meeting",
        icon=":material/assignment:",
        query_params={"candidate": candidate["id"], "view": "brief"},
    )
    st.page_link(
        "pages/report.py",
        label="File a report about this candidate",
        icon=":material/edit_note:",
        query_params={"candidate": candidate["id"]},
    )

    mine = {
        name: tables[name][tables[name]["candidate_id"] == candidate["id"]]
        for name in ("positions", "interactions", "commitments")
    }
    st.subheader("Where they stand")
    current = analytics.current_stances(mine["positions"])
    if current.empty:
        st.caption("No positions recorded yet.")
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    "Issue": analytics.name_of(current["issue_id"], issue_names),
                    "Stance": schema.STANCE.label_all(current["stance"]),
                    "As of": current["as_of"],
                    "Evidence": current["evidence"],
                }
            ),
            hide_index=True,
        )
    shifts = analytics.stance_shifts(mine["positions"], tables["interactions"])
    st.markdown("**Shifts over time**")
    if not shifts:
        st.caption("No change of stance recorded.")
    for shift in shifts:
        st.markdown(
            ui.md(
                "- On **{}**, {} {}.",
                issue_names.get(shift.issue_id, shift.issue_id),
                candidate["name"],
                shift.sentence(),
            )
        )

    st.subheader("Commitments")
    if mine["commitments"].empty:
        st.caption("No commitments recorded yet.")
    else:
        st.dataframe(
            followup.readable(mine["commitments"], tables).drop(columns="Candidate"),
            hide_index=True,
        )
        st.page_link(
            "pages/commitments.py",
            label="Follow these up on the Commitments page",
            icon=":material/checklist:",
            query_params={"candidate": candidate["id"]},
        )

    st.subheader("Questionnaires")
    answered = compare.candidate_answers(candidate["id"], tables)
    if not answered:
        st.caption("Not invited to a questionnaire yet.")
    for questionnaire in answered:
        with st.expander(ui.md("{} · {}", questionnaire.title, questionnaire.response_label)):
            for question in questionnaire.questions:
                st.markdown(ui.md("**{}. {}**", question.number, question.text))
                if not question.versions:
                    st.caption("No answer.")
                for version in question.versions:
                    st.markdown(ui.md("- {}: {}", version.heading, version.text))

    st.subheader("What they need education on")
    needs = analytics.education_needs(tables["interactions"], candidate["id"])
    if not needs:
        st.caption("Nothing noted yet.")
    for day, need in needs:
        st.markdown(ui.md("- **{}**: {}", day, need))

    st.subheader("Record history")
    history = analytics.record_history(
        tables["audit"], [candidate["id"], *mine["interactions"]["id"]]
    )
    if history.empty:
        st.caption("No changes recorded through the app yet.")
    else:
        st.dataframe(history, hide_index=True)

    st.subheader("Interactions")
    timeline = mine["interactions"].sort_values(["date", "created_at"], ascending=False)
    if timeline.empty:
        st.caption("Nobody has reported meeting this candidate yet.")
    for report in timeline.itertuples():
        with st.expander(
            ui.md(
                "{} · {} · {}",
                report.date,
                schema.INTERACTION_KIND.label(report.kind or "other"),
                schema.VISIBILITY.label(report.visibility),
            )
        ):
            for field, label in (
                ("takeaways", "Takeaways"),
                ("talking_points", "Talking points"),
                ("questions_asked", "Questions they asked"),
                ("education_needed", "Education needed"),
                ("quotes", "Quotes"),
                ("follow_up", "Follow-up"),
                ("reported_by", "Reported by"),
            ):
                value = getattr(report, field)
                if value:
                    st.markdown(ui.md("**{}:** {}", label, value))


if chosen:
    match = candidates[candidates["id"] == chosen]
    if match.empty:
        st.title("Candidates")
        st.warning(
            "That link names no candidate we know of; it may have been removed.",
            icon=":material/person_off:",
        )
        st.page_link("pages/candidates.py", label="See all candidates")
        st.stop()
    briefing_view = st.query_params.get("view") == "brief"
    # A link to the page already open changes the view but not the address bar: said here, so
    # that a reload or a copied address opens what is on screen.
    st.query_params.from_dict({"candidate": chosen, **({"view": "brief"} if briefing_view else {})})
    if briefing_view:
        briefing.show(match.iloc[0], tables)
    else:
        show_profile(match.iloc[0])
    st.stop()

st.title("Candidates")
if candidates.empty:
    st.info(
        "No candidates yet. Add them in Settings, or file a report and add one there.",
        icon=":material/info:",
    )
    st.stop()

race_of = analytics.races(candidates)
left, middle, right = st.columns(3)
wanted_races = left.multiselect(
    "Race", sorted(set(race_of)), placeholder="All races", key="cand.races"
)
wanted_stages = middle.multiselect(
    "Stage",
    schema.STAGE.values,
    format_func=schema.STAGE.label,
    placeholder="Any stage",
    key="cand.stages",
)
wanted_statuses = right.multiselect(
    "Status",
    schema.CANDIDATE_STATUS.values,
    format_func=schema.CANDIDATE_STATUS.label,
    placeholder="Any status",
    key="cand.statuses",
)
keep = pd.Series(True, index=candidates.index)
if wanted_races:
    keep &= race_of.isin(wanted_races)
if wanted_stages:
    keep &= candidates["stage"].isin(wanted_stages)
if wanted_statuses:
    keep &= candidates["status"].isin(wanted_statuses)
shown = candidates[keep].sort_values(["office", "district", "name"])

st.subheader("Where candidates stand on our issues")
if shown.empty:
    st.info("No candidates match these filters.", icon=":material/info:")
    st.stop()
active_issues = tables["issues"][tables["issues"]["active"]]
matrix = analytics.positions_matrix(shown, active_issues, tables["positions"])
ui.chart(charts.positions_heatmap(matrix), key="cand.matrix")
st.caption(
    "Each cell is the latest stance observed. *Unknown* means someone asked and could not "
    "tell; *No record* means nobody has asked yet."
)

if coalition.settings_of(tables).shows_scorecard:
    st.subheader("Scorecard")
    st.caption(
        "Candidates ranked by the share of observed stances that agree with our asks "
        "(*Supports* or *Strongly supports*). Issues where nobody knows their stance do not "
        "count. Turned on in Settings; a 501(c)(3) coalition cannot show it."
    )
    st.dataframe(
        analytics.scorecard(matrix),
        hide_index=True,
        column_config={
            "Agreement": st.column_config.ProgressColumn(
                "Agreement",
                min_value=0,
                max_value=100,
                format="%d%%",
                color=charts.STANCE_COLOURS["strongly_supports"],
            )
        },
    )

st.subheader("Profiles")
st.dataframe(
    pd.DataFrame(
        {
            "Candidate": shown["name"],
            "Race": race_of[shown.index],
            "Party": shown["party"],
            "Stage": shown["stage"].map(lambda stage: schema.STAGE.label(stage) if stage else ""),
            "Status": shown["status"].map(
                lambda status: schema.CANDIDATE_STATUS.label(status) if status else ""
            ),
            "Profile": "candidates?candidate=" + shown["id"],
        }
    ),
    hide_index=True,
    column_config={"Profile": st.column_config.LinkColumn(display_text="Open profile")},
)
