"""Settings → Import: a coalition's old spreadsheet brought into the tracker (reports, commitments,
candidates, partners, positions), checked in a preview before anything is written; and a Google
Form whose responses tab stays linked, so new responses keep coming in as reports."""

from datetime import date

import streamlit as st

from lib import ui
from lib.imports import KINDS, SourceError, screen, suggest_mapping
from lib.imports.review import KIND_LABELS, LAYOUT_LABELS, mapping_file
from lib.settings_ui import show_flash, still_allowed
from lib.text import plural

ui.page_frame()

st.title("Import")
ui.require("change settings")
store = ui.store_or_stop()
tables = ui.tables()
today = date.today()
show_flash(screen.FLASH)

screen.linked_form_section(store, tables, today)

st.subheader("Bring in a spreadsheet")
st.caption(
    "A meeting log, a Google Form's responses, a list of candidates or partners, or a grid of "
    "stances. Nothing is written until you press Import; the sheet itself is only read."
)
chosen = screen.choose_source(store)
if chosen is None:
    st.stop()
frame = chosen.frame

kind = st.radio("What the rows are", KINDS, format_func=KIND_LABELS.get, key="imp.kind")
saved, saved_digest = screen.saved_mapping(kind)
layout = None
if kind == "positions":
    suggested_layout = (saved or {}).get("layout") or suggest_mapping(
        frame, kind, tables, layout=None
    )["layout"]
    layouts = list(LAYOUT_LABELS)
    layout = st.radio(
        "How the stances are laid out",
        layouts,
        index=layouts.index(suggested_layout) if suggested_layout in layouts else 0,
        format_func=LAYOUT_LABELS.get,
        key=f"imp.layout.{screen.digest(chosen.fingerprint, saved_digest)}",
    )
screen.forget_edits_unless(screen.digest(chosen.fingerprint, kind, layout, saved_digest))
given = {**(saved or {}), **({"layout": layout} if layout else {})}

try:
    # The suggestion (or the saved mapping) as the plan completes it: the starting point.
    start = screen.planned(frame, kind, tables, given or None, today, "start").mapping
    st.markdown("**Columns**")
    st.caption("What each column of the sheet is imported as; a column not imported is ignored.")
    columns = screen.column_editor(frame, kind, tables, start)
    # With the columns as chosen: the values and names found in them, to decide.
    chosen_columns = {**given, "columns": columns}
    found = screen.planned(frame, kind, tables, chosen_columns, today, "found").mapping
    values = screen.value_editors(found)
    names = screen.name_decisions(found, tables)
    visibility = screen.default_visibility(found)
    mapping = {
        **found,
        "values": values,
        "names": {**found["names"], **names},
        "defaults": {**found["defaults"], "visibility": visibility},
    }
    plan = screen.planned(frame, kind, tables, mapping, today, "final")
except (SourceError, ValueError) as error:
    st.error(
        ui.md("**This sheet cannot be imported this way.** {}", error), icon=":material/error:"
    )
    st.stop()

ui.download(
    "Download this mapping (JSON)",
    lambda: mapping_file(plan.mapping),
    f"{plan.source or 'import'} mapping.json",
    "application/json",
    key="imp.mapping_download",
)

st.subheader("Preview")
screen.preview(plan, tables)
if plan.new and st.button(
    ui.md("Import {}", plural(plan.new, "row")), type="primary", key="imp.go"
):
    if still_allowed():
        screen.write_import(store, plan)
elif not plan.new and plan.already_imported:
    st.info(
        ui.md(
            "Nothing new to import: {} from this sheet {} in the tracker already.",
            plural(plan.already_imported, "row"),
            "is" if plan.already_imported == 1 else "are",
        ),
        icon=":material/task_alt:",
    )
elif plan.skipped:
    st.info("Nothing can be imported yet: each row is left out, for the reason given above.")
elif not plan.new:
    st.info("Nothing to import: the sheet has no rows under its header.")

if chosen.tab and kind == "reports":
    st.subheader("Keep the Form's responses coming in")
    screen.offer_to_link(store, chosen.tab, plan, tables)
