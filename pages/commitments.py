"""Commitments: every promise a candidate made, filtered, followed up and exported by staff."""

from dataclasses import replace
from datetime import date

import streamlit as st

from lib import access, analytics, export, followup, schema, text, ui
from lib.store import StoreError

ui.page_frame()


def ticked_rows(value: object) -> list[int]:
    """The rows a table's selection state has ticked, whether the browser or this page set it."""
    try:
        return [int(row) for row in value["selection"]["rows"]]  # type: ignore[index]
    except (KeyError, TypeError):
        return []


state = st.session_state
today = date.today()

st.title("Commitments")
tables = ui.tables()
commitments = tables["commitments"]
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
    candidates=tuple(state["cmt.candidates"]),
    issues=tuple(state["cmt.issues"]),
    statuses=tuple(state["cmt.statuses"]),
    owners=tuple(state["cmt.owners"]),
    partners=tuple(state["cmt.partners"]),
    visibilities=tuple(state["cmt.visibilities"]),
    due=tuple(state["cmt.due"]),
    search=state["cmt.search"],
)
view = ui.derived(followup.view, chosen, today)
shown, overdue, readable = view.shown, view.overdue, view.readable

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
    state["cmt.on_screen"] = []  # no table on screen: no ticked row means anything
    st.stop()

ui.chart(view.chart, key="cmt.chart")

# The table reports ticked rows by position, and positions move (someone else's change, a
# filter): the selection is kept by id, read against the table the person ticked it on.
on_screen = list(zip(shown["id"].tolist(), shown["updated_at"].tolist(), strict=True))
ticked = ticked_rows(state.get("cmt.table"))
selection, let_go = followup.reselect(
    state.get("cmt.selection", followup.Selection()),
    ticked,
    state.get("cmt.on_screen", on_screen),
    on_screen,
    chosen,
)
if list(selection.ticked) != ticked:  # the ticks follow the chosen commitments
    state["cmt.table"] = {"selection": {"rows": list(selection.ticked), "columns": [], "cells": []}}
state["cmt.on_screen"] = on_screen
st.dataframe(
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
with download_csv:
    ui.download(
        "Download CSV",
        lambda: export.csv_bytes(readable),  # built on click, not on every rerun
        file_name=f"commitments-{today}.csv",
        mime="text/csv",
        key="cmt.download.csv",
    )
with download_xlsx:
    ui.download(
        "Download Excel",
        lambda: export.xlsx_bytes({"Commitments": readable}),
        file_name=f"commitments-{today}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="cmt.download.xlsx",
    )

by_id = commitments.drop_duplicates("id").set_index("id")
gone = [record_id for record_id in selection.ids if record_id not in by_id.index]
if gone:
    selection = replace(
        selection, versions={i: v for i, v in selection.versions.items() if i not in gone}
    )
state["cmt.selection"] = selection
selected = by_id.loc[selection.ids].reset_index()
away = len(set(selection.ids) - set(shown["id"]))

may_update = ui.member().may("update commitments")
st.subheader("Update a commitment" if may_update else "History")
if "cmt.saved" in state:
    st.success(ui.md("{}", state.pop("cmt.saved")), icon=":material/check_circle:")
    state["cmt.new_note"] = ""
if let_go:
    st.info(
        ui.md(
            "{} you selected {} not in the list with these filters, so {} no longer selected.",
            "The commitment" if len(let_go) == 1 else text.plural(len(let_go), "commitment"),
            "is" if len(let_go) == 1 else "are",
            "it is" if len(let_go) == 1 else "they are",
        ),
        icon=":material/filter_alt:",
    )
if gone:
    st.warning(
        ui.md(
            "{} you selected no longer {} (deleted from the sheet by hand?), so {} no longer "
            "selected.",
            "A commitment" if len(gone) == 1 else text.plural(len(gone), "commitment"),
            "exists" if len(gone) == 1 else "exist",
            "it is" if len(gone) == 1 else "they are",
        ),
        icon=":material/sync_problem:",
    )
if away:
    st.info(
        ui.md(
            "{} you selected changed and no longer {} these filters; {} still selected, below.",
            "The commitment" if away == 1 else text.plural(away, "commitment"),
            "matches" if away == 1 else "match",
            "it is" if away == 1 else "they are",
        ),
        icon=":material/filter_alt:",
    )
if selected.empty:
    st.caption(
        "Select one or more rows in the table (tick the box at the left of a row) to "
        "update their status or see their history."
    )
    st.stop()

if len(selected) == 1:
    record = selected.iloc[0]
    st.markdown(
        ui.md(
            "**{}** on **{}**: {}",
            candidate_names.get(record["candidate_id"], ""),
            issue_names.get(record["issue_id"], ""),
            record["text"],
        )
    )
    past = analytics.history(tables["updates"], record["id"])
    st.markdown("**History**")
    if past.empty:
        st.caption("No dated updates yet.")
    for update in past.itertuples():
        st.markdown(
            ui.md(
                "- **{}**, {}: {}",
                update.date,
                schema.COMMITMENT_STATUS.label(update.status),
                update.note,
            )
        )
    changes = analytics.record_history(tables["audit"], [record["id"]])
    if not changes.empty:
        with st.expander("Who changed this record, and when"):
            st.dataframe(changes, hide_index=True)
else:
    st.write(ui.md("{} commitments selected; the update applies to each.", len(selected)))

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
    problems = {"status": st.empty()}
    on = st.date_input("Date", value=today, key="cmt.new_date", format="YYYY-MM-DD")
    problems["date"] = st.empty()
    note = st.text_area(
        "Note",
        key="cmt.new_note",
        placeholder="What happened, and how you know: who checked, what they found.",
    )
    problems["note"] = st.empty()
    submitted = st.form_submit_button("Save the update", type="primary")

if submitted:
    errors = followup.validate_change(
        status, on, note, today, followup.made_on(selected), several=len(selected) > 1
    )
    for field, message in errors.items():
        problems[field].error(ui.md("{}", message), icon=":material/error:")
    if not errors:
        changes = [
            followup.StatusChange(record_id, version, status, on, note, ui.author())
            for record_id, version in selection.versions.items()
        ]
        try:
            recorded = ui.store().read_fresh("updates")
        except StoreError:  # the store is down: the updates this page last read will do
            recorded = tables["updates"]
        repeated = [c for c in changes if followup.already_recorded(c, recorded) is not None]
        if repeated:
            first = followup.already_recorded(repeated[0], recorded)
            st.info(
                ui.md(
                    "**Already saved.** This very update (same status, date and note) was saved "
                    "at {} for {}; it is not saved again.",
                    first["created_at"][:16].replace("T", " "),
                    text.plural(len(repeated), "commitment"),
                ),
                icon=":material/task_alt:",
            )
        try:
            # Decided once: a retry sends the very same writes, so nothing lands twice.
            state["cmt.pending"] = [
                followup.change_ops(change, tables["updates"])
                for change in changes
                if change not in repeated
            ] or None
        except schema.InvalidValue as invalid:
            st.error(
                ui.md("**The update was not saved.** {} Your note is still in the form.", invalid),
                icon=":material/error:",
            )

pending = state.get("cmt.pending")
if pending:
    store = ui.store()
    try:
        # Asked now, not when the form was drawn: access may have been taken away meanwhile.
        ui.authorise("update commitments")
    except access.NotAllowed as refused:
        del state["cmt.pending"]
        st.error(ui.md("**The update was not saved.** {}", refused), icon=":material/lock:")
        st.stop()
    except StoreError:
        pass  # the data source is down: each update carries the check, made when it is sent
    permit = ui.permit("update commitments")
    try:
        outcome = followup.apply_changes(store, ui.sync_worker(store).outbox, pending, permit)
    except (StoreError, schema.InvalidValue) as error:
        st.error(
            ui.md("**The update could not be saved.** {} Your note is still in the form.", error),
            icon=":material/cloud_off:",
        )
        st.button("Try again", type="primary", icon=":material/refresh:")
    else:
        del state["cmt.pending"]
        done = [
            ui.md("Saved the update to {}.", text.plural(outcome.saved, "commitment"))
            if outcome.saved
            else ui.md(""),
            ui.md(
                "{} kept on this computer: the data source is not answering; they are sent as "
                "soon as it does.",
                text.plural(outcome.queued, "update"),
            )
            if outcome.queued
            else ui.md(""),
            ui.md(
                "The update is dated before the latest update of {}, so it was added to the "
                "history and the status stayed as it was.",
                "this commitment" if len(pending) == 1 else f"{outcome.earlier:,} of them",
            )
            if outcome.earlier
            else ui.md(""),
        ]
        message = text.join(" ", [part for part in done if part])
        if not outcome.conflicts:
            # The new versions are this person's own: saving again must not look like a conflict.
            written = {ops[0]["id"]: ops[0]["changes"]["updated_at"] for ops in pending}
            state["cmt.selection"] = replace(
                selection, versions={i: written.get(i, v) for i, v in selection.versions.items()}
            )
            state["cmt.saved"] = message
            st.rerun()
        if message:
            st.success(ui.md("{}", message), icon=":material/check_circle:")
        store.clear_cache()
        latest = store.read("commitments").drop_duplicates("id").set_index("id")
        for conflict in outcome.conflicts:
            theirs = latest.loc[conflict.record_id] if conflict.record_id in latest.index else None
            st.warning(
                ui.md(
                    "**Not saved: someone else changed this commitment first.** It is now "
                    "*{}*, owner {}, changed at {}. Review their version (it is in the table "
                    "now) and update again if needed.",
                    schema.COMMITMENT_STATUS.label(theirs["status"]),
                    theirs["owner"] or "none",
                    theirs["updated_at"],
                )
                if theirs is not None
                else ui.md(
                    "**Not saved: a selected commitment no longer exists** (it may have been "
                    "deleted from the sheet by hand). Nothing was saved; select again."
                ),
                icon=":material/sync_problem:",
            )
        # They have now been shown the latest version: saving again is a choice made knowingly.
        state["cmt.selection"] = replace(
            selection,
            versions={
                i: latest.loc[i, "updated_at"] if i in latest.index else v
                for i, v in selection.versions.items()
            },
        )
