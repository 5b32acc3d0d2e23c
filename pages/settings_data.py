"""Settings → Data and sheet: the data source and its health, with safe repairs; moving the
coalition to its Google Sheet (or from it to a database); backups."""

import pandas as pd
import streamlit as st

from lib import health, schema, transfer, transfer_screen, ui
from lib.settings_ui import create_missing_tabs, still_allowed
from lib.store import Store, StoreError
from lib.store.sheets import SheetStore
from lib.text import plural

ui.page_frame()


def data_source_and_health(store: Store, tables: dict[str, pd.DataFrame]) -> None:
    source_column, health_column = st.columns([2, 3], gap="large")
    with source_column:
        st.subheader("Data source")
        st.markdown(ui.md("**{}**", store.label))
        counts = transfer.record_counts(tables)
        st.caption(ui.md("{} in {} tables.", plural(sum(counts.values()), "record"), len(counts)))
        with st.expander("Records in each table"):
            st.dataframe(
                pd.DataFrame({"Table": list(counts), "Records": list(counts.values())}),
                hide_index=True,
            )
    with health_column:
        st.subheader("Data health")
        for finding in ui.derived(health.access_findings):  # first and loud: records seem missing
            st.error(
                ui.md("**Confidentiality, {}:** {}", finding.table, finding.message),
                icon=":material/visibility_off:",
            )
        problems = [problem for frame in tables.values() for problem in schema.problems_of(frame)]
        if problems:
            show_problems(store, tables, problems)
        else:
            st.success("Everything in the data source reads as expected.")
        try:
            cells = store.cells_used if isinstance(store, SheetStore) else None
        except StoreError:  # an outage is reported elsewhere on the page
            cells = None
        for finding in ui.derived(health.consistency_findings, cells):
            where = f"{finding.table}: " if finding.table else ""
            st.warning(ui.md("{}{}", where, finding.message), icon=":material/link_off:")


def show_problems(store: Store, tables: dict[str, pd.DataFrame], problems: list) -> None:
    missing_tabs, missing_columns = transfer.missing_structure(tables)
    fixable = bool(missing_tabs or missing_columns)
    st.warning(
        ui.md(
            "{} in the data source could not be read as expected. Nothing has been changed; fix "
            "them in the source{}.",
            plural(len(problems), "thing"),
            ", or use the button below" if fixable else "",
        )
    )
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Table": p.table,
                    "Row": p.row,
                    "Column": p.column,
                    "Value": p.value,
                    "Problem": p.message,
                }
                for p in problems
            ]
        ),
        hide_index=True,
    )
    if fixable and create_missing_tabs(store, "Create the missing tabs and columns", "{}"):
        st.rerun()
    without_ids = sorted(
        {
            finding.table
            for finding in health.reading_findings(tables)
            if finding.fix == health.GIVE_IDS
        }
    )
    if (
        without_ids
        and isinstance(store, SheetStore)
        and st.button(
            "Give the rows typed in by hand an id",
            help="Rows need an id so the app can find them again; nothing else is changed.",
        )
        and still_allowed()
    ):
        try:
            given = sum(store.give_ids(table) for table in without_ids)
        except StoreError as error:
            st.error(ui.md("{}", error))
        else:
            st.toast(ui.md("Gave {} an id.", plural(given, "row")))
            st.rerun()


st.title("Data and sheet")
ui.require("change settings")
secrets = ui.secrets()
try:
    store = ui.store()
except StoreError as error:
    st.error(ui.md("**The coalition's data cannot be opened.** {}", error), icon=":material/error:")
    transfer_screen.sheet_section(None, secrets)
    st.stop()
tables = ui.tables()

data_source_and_health(store, tables)

sheet_tab, backup_tab = st.tabs(["Google Sheet", "Backup"])
with sheet_tab:
    transfer_screen.sheet_section(store, secrets)
with backup_tab:
    transfer_screen.backup_section(store, tables)
