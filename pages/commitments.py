"""Commitments: every promise a candidate made, filtered, followed up and exported by staff."""

from datetime import date

import streamlit as st

from lib import analytics, charts, export, followup, schema, ui
from lib.store import StoreError

ui.page_frame()

state = st.session_state
today = date.today()

st.title("Commitments")
tables = ui.tables()
commitments = tables["commitments"]
# The versions on screen when the user acted: an update must be checked against what they saw,
# not against data re-read since (which may already hold someone else's change).
seen_versions = state.get("cmt.seen", {})
state["cmt.seen"] = dict(
    zip(commitments["id"].tolist(), commitments["updated_at"].tolist(), strict=True)
)
candidate_names = analytics.names(tables["candidates"])
issue_names = analytics.names(tables["issues"])
partner_names = analytics.names(tables["partners"])

FILTERS = {
    "candidate": ("cmt.candidates", list(candidate_names)),
    "issue": ("cmt.issues", list(issue_names)),
    "status": ("cmt.statuses", list(schema.COMMITMENT_STATUS.values)),
    "owner": ("cmt.owners", analytics.unique_values(commitments, "owner")),
    "partner": ("cmt.partners", list(partner_names)),
    "visibility": ("cmt.visibilities", list(schema.VISIBILITY.values)),
    "due": ("cmt.due", list(analytics.DUE_WINDOWS)),
    "q": ("cmt.search", None),
}
ui.filters_from_url(FILTERS, "cmt")

with st.container(border=True):
    first, second, third, fourth = st.columns(4)
    first.multiselect(
        "Candidate",
        FILTERS["candidate"][1],
        key="cmt.candidates",
        format_func=candidate_names.get,
        placeholder="All candidates",
    )
    second.multiselect(
        "Issue",
        FILTERS["issue"][1],
        key="cmt.issues",
        format_func=issue_names.get,
        placeholder="All issues",
    )
    third.multiselect(
        "Status",
        FILTERS["status"][1],
        key="cmt.statuses",
        format_func=schema.COMMITMENT_STATUS.label,
        placeholder="Any status",
    )
    fourth.multiselect("Owner", FILTERS["owner"][1], key="cmt.owners", placeholder="Anyone")
    first.multiselect(
        "Partner organisation present",
        FILTERS["partner"][1],
        key="cmt.partners",
        format_func=partner_names.get,
        placeholder="Any partner",
    )
    second.multiselect(
        "Visibility",
        FILTERS["visibility"][1],
        key="cmt.visibilities",
        format_func=schema.VISIBILITY.label,
        placeholder="Any visibility",
    )
    third.multiselect(
        "Follow-up",
        FILTERS["due"][1],
        key="cmt.due",
        format_func=analytics.DUE_WINDOWS.get,
        placeholder="Any date",
    )
    fourth.text_input("Search", key="cmt.search", placeholder="Words in the commitment or owner")
ui.filters_to_url(FILTERS, "cmt")

chosen = analytics.CommitmentFilters(
    candidates=state["cmt.candidates"],
    issues=state["cmt.issues"],
    statuses=state["cmt.statuses"],
    owners=state["cmt.owners"],
    partners=state["cmt.partners"],
    visibilities=state["cmt.visibilities"],
    due=state["cmt.due"],
    search=state["cmt.search"],
)
shown = analytics.filter_commitments(commitments, chosen, today, tables["interactions"])
overdue = analytics.is_overdue(shown, today)

counts = st.columns(4)
counts[0].metric("Commitments shown", len(shown))
counts[1].metric("Open", int(analytics.is_open(shown).sum()))
counts[2].metric("Overdue", int(overdue.sum()))
counts[3].metric("Kept", int((shown["status"] == "kept").sum()))

if shown.empty:
    st.info(
        "No commitments match these filters."
        if len(commitments)
        else "No commitments recorded yet. They are added when an advocate files a report.",
        icon=":material/info:",
    )
    st.stop()

ui.chart(charts.status_bars(analytics.status_tally(shown, candidate_names)), key="cmt.chart")

readable = followup.readable(shown, tables)
readable.insert(4, "Overdue", overdue.map({True: "Overdue", False: ""}).to_numpy())
selection = st.dataframe(
    readable,
    hide_index=True,
    on_select="rerun",
    selection_mode="multi-row",
    key="cmt.table",
    column_config={
        "Commitment": st.column_config.TextColumn(width="large"),
        "Id": st.column_config.TextColumn(width="small"),
    },
)
download_csv, download_xlsx = st.columns(2)
download_csv.download_button(
    "Download CSV",
    lambda: export.csv_bytes(readable),  # built on click, not on every rerun
    file_name=f"commitments-{today}.csv",
    mime="text/csv",
    icon=":material/download:",
)
download_xlsx.download_button(
    "Download Excel",
    lambda: export.xlsx_bytes({"Commitments": readable}),
    file_name=f"commitments-{today}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:",
)

selected = shown.iloc[selection.selection.rows] if selection.selection.rows else shown.iloc[0:0]
may_update = ui.member().may("update commitments")
st.subheader("Update a commitment" if may_update else "History")
if "cmt.saved" in state:
    st.success(state.pop("cmt.saved"), icon=":material/check_circle:")
    state["cmt.new_note"] = ""
if selected.empty:
    st.caption(
        "Select one or more rows in the table (tick the box at the left of a row) to "
        "update their status or see their history."
    )
    st.stop()

if len(selected) == 1:
    record = selected.iloc[0]
    st.markdown(
        f"**{ui.plain(candidate_names.get(record['candidate_id'], ''))}** on "
        f"**{ui.plain(issue_names.get(record['issue_id'], ''))}**: "
        f"{ui.plain(record['text'])}"
    )
    past = analytics.history(tables["updates"], record["id"])
    st.markdown("**History**")
    if past.empty:
        st.caption("No dated updates yet.")
    for update in past.itertuples():
        st.markdown(
            f"- **{update.date}**, {schema.COMMITMENT_STATUS.label(update.status)}: "
            f"{ui.plain(update.note)}"
        )
    changes = analytics.record_history(tables["audit"], [record["id"]])
    if not changes.empty:
        with st.expander("Who changed this record, and when"):
            st.dataframe(changes, hide_index=True)
else:
    st.write(f"{len(selected)} commitments selected; the update applies to each.")

if not may_update:
    st.caption("Staff record status updates; ask them if something has changed.")
    st.stop()

with st.form("cmt.update", clear_on_submit=False):
    status = st.selectbox(
        "New status",
        schema.COMMITMENT_STATUS.values,
        format_func=schema.COMMITMENT_STATUS.label,
        key="cmt.new_status",
    )
    on = st.date_input("Date", value=today, key="cmt.new_date", format="YYYY-MM-DD")
    note = st.text_area(
        "Note",
        key="cmt.new_note",
        placeholder="What happened, and how you know: who checked, what they found.",
    )
    submitted = st.form_submit_button("Save the update", type="primary")

if submitted:
    errors = followup.validate_change(status, on, note, today)
    for message in errors.values():
        st.error(message, icon=":material/error:")
    if not errors:
        # Decided once: a retry sends the very same writes, so nothing lands twice.
        state["cmt.pending"] = [
            followup.change_ops(
                followup.StatusChange(
                    row.id, seen_versions.get(row.id, row.updated_at), status, on, note, ui.author()
                )
            )
            for row in selected.itertuples()
        ]

pending = state.get("cmt.pending")
if pending:
    store = ui.store()
    try:
        outcome = followup.apply_changes(store, ui.sync_worker(store).outbox, pending)
    except (StoreError, schema.InvalidValue) as error:
        st.error(
            f"**The update could not be saved.** {error} Your note is still in the form.",
            icon=":material/cloud_off:",
        )
        st.button("Try again", type="primary", icon=":material/refresh:")
    else:
        del state["cmt.pending"]
        done = [
            f"Saved the update to {outcome.saved} commitment{'s' * (outcome.saved != 1)}."
            if outcome.saved
            else "",
            f"{outcome.queued} update{'s' * (outcome.queued != 1)} kept on this computer: "
            "the data source is not answering; they are sent as soon as it does."
            if outcome.queued
            else "",
        ]
        message = " ".join(part for part in done if part)
        if not outcome.conflicts:
            state["cmt.saved"] = message
            st.rerun()
        if message:
            st.success(message, icon=":material/check_circle:")
        conflicts = outcome.conflicts
        ui.store().clear_cache()
        latest = ui.store().read("commitments").set_index("id")
        for conflict in conflicts:
            theirs = latest.loc[conflict.record_id] if conflict.record_id in latest.index else None
            st.warning(
                "**Not saved: someone else changed this commitment first.** "
                + (
                    f"It is now *{schema.COMMITMENT_STATUS.label(theirs['status'])}*, owner "
                    f"{ui.plain(theirs['owner'] or 'none')}, changed at {theirs['updated_at']}. "
                    if theirs is not None
                    else ""
                )
                + "Review their version (it is in the table now) and update again if needed.",
                icon=":material/sync_problem:",
            )
