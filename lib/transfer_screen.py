"""The Streamlit parts of the Settings → Data and sheet page that have most to show: moving the
coalition to a Google Sheet or a SQL database, and backup and restore. Kept here so that
pages/settings_data.py reads as the page's outline; what they compute lives in lib/transfer.py."""

from __future__ import annotations

import os
from datetime import date

import pandas as pd
import streamlit as st

from lib import schema, transfer, ui
from lib.settings_ui import create_missing_tabs, show_flash, still_allowed
from lib.store import DEFAULT_DATABASE_URL, Store, StoreError, open_store
from lib.store.sheets import SheetStore
from lib.text import plural

state = st.session_state
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def records(number: int) -> str:
    return plural(number, "record")


def copy_section(
    source: Store, target: Store, source_name: str, target_name: str, key: str
) -> None:
    """Preview, copy with a progress bar, then check that every row arrived."""
    show_flash(f"{key}.flash")
    try:
        source_tables, target_tables = source.read_all(), target.read_all()
    except StoreError as error:
        st.error(ui.md("The data cannot be read for the copy: {}", error))
        return
    preview = transfer.preview(
        source_tables, target_tables, f"In {source_name}", f"Already in {target_name}"
    )
    skipped = preview.attrs.pop("skipped", [])
    to_copy = int(preview["To copy"].sum())
    st.dataframe(preview, hide_index=True, height="content")
    if skipped:
        st.warning(
            ui.md(
                "{} cannot be copied: {}",
                plural(len(skipped), "row"),
                "; ".join(f"{s.table} {s.key}: {s.reason}" for s in skipped[:10]),
            )
        )
    if not to_copy:
        st.info(ui.md("Everything is already in {}: there is nothing to copy.", target_name))
        return
    if not st.button(
        ui.md("Copy {} into {}", records(to_copy), target_name), key=f"{key}.copy", type="primary"
    ):
        return
    if not still_allowed():
        return
    bar = st.progress(0.0, text="Starting the copy…")

    def progress(done: int, total: int, table: str) -> None:
        bar.progress(
            done / total if total else 1.0,
            text=ui.md("Copying {}: {:,} of {:,}", table, done, total),
        )

    try:
        report = transfer.copy(source, target, progress)
    except (StoreError, schema.InvalidValue) as error:
        st.error(
            ui.md(
                "**The copy stopped.** {} What was copied stays; copy again to carry on "
                "(nothing is copied twice).",
                error,
            )
        )
        return
    missing = {name: keys for name, keys in transfer.verify(source, target).items() if keys}
    if missing:
        listed = "; ".join(
            f"{name}: {', '.join(keys[:5])}{'…' if len(keys) > 5 else ''}"
            for name, keys in missing.items()
        )
        state[f"{key}.flash"] = (
            "error",
            ui.md(
                "Copied {}, but some rows are not in {}: {}. Copy again, or check the data "
                "health of both.",
                records(report.total),
                target_name,
                listed,
            ),
        )
    else:
        state[f"{key}.flash"] = (
            "success",
            ui.md(
                "**Copied {}.** Checked: every row is in {}.", records(report.total), target_name
            ),
        )
    st.rerun()


def sheet_section(store: Store | None, secrets: dict) -> None:
    if isinstance(store, SheetStore):
        to_sql_section(store)
        return
    email = transfer.service_account_email(secrets)
    st.subheader("Move to the coalition's Google Sheet")
    st.caption(
        "Try the app on this local database, then move everything into the coalition's shared "
        "Google Sheet in one step. The app reads and writes the sheet as a Google service "
        "account (see the README, “Connect your coalition's Google Sheet”)."
    )
    with st.container(border=True):
        st.markdown("**1. Share the sheet with the app**")
        if email:
            st.markdown(
                "In Google Sheets, click **Share**, paste this address, choose **Editor** and "
                "untick *Notify*:"
            )
            st.code(email, language=None)
        else:
            st.markdown(
                "No service account is set up: `client_email` under `[connections.gsheets]` is "
                "missing from `.streamlit/secrets.toml`. Copy it (with `private_key` and the "
                "other fields) from the service account's JSON key file."
            )
    configured = str(transfer.gsheets_settings(secrets).get("spreadsheet", ""))
    if "settings.sheet.url" not in state:
        state["settings.sheet.url"] = configured
    with st.container(border=True):
        st.markdown("**2. Paste the sheet's address and test the connection**")
        url = st.text_input(
            "Google Sheet address (URL)",
            key="settings.sheet.url",
            placeholder="https://docs.google.com/spreadsheets/d/…/edit",
        ).strip()
        wanted = _tables_moving(store)
        if st.button("Test connection", key="settings.sheet.test"):
            state["settings.sheet.connection"] = (
                url,
                transfer.check_connection(secrets, url, wanted),
            )
        tested = state.get("settings.sheet.connection")
        connection = tested[1] if tested and tested[0] == url else None
        if connection is not None:
            if connection.ok:
                st.success(ui.md("{}", connection.message), icon=":material/check_circle:")
            else:
                st.error(ui.md("{}", connection.message), icon=":material/link_off:")
    if connection is None or not connection.ok or connection.store is None:
        return
    target = connection.store
    with st.container(border=True):
        st.markdown("**3. Create the tabs**")
        missing = [*connection.missing_tabs, *connection.missing_columns]
        if missing:
            st.markdown(
                ui.md(
                    "The app needs one tab per table, each with its header row. Missing: {}. "
                    "Creating them changes nothing else in the sheet.",
                    ", ".join(missing),
                )
            )
            if create_missing_tabs(
                target,
                "Create the tabs",
                "The tabs could not be created: {}",
                key="settings.sheet.create",
            ):
                state["settings.sheet.connection"] = (
                    url,
                    transfer.check_connection(secrets, url, wanted),
                )
                st.rerun()
        else:
            st.markdown("The sheet has every tab and column the app needs.")
    if missing:
        return
    with st.container(border=True):
        st.markdown("**4. Copy the coalition into the sheet**")
        if store is None:
            st.markdown("The app's own data source cannot be opened, so there is nothing to copy.")
        else:
            st.caption(
                "Rows already in the sheet are left as they are, so copying again adds nothing "
                "twice. Afterwards every row is checked."
            )
            copy_section(store, target, "the local database", "the sheet", "settings.sheet.move")
    with st.container(border=True):
        st.markdown("**5. Switch the app to the sheet, for everyone**")
        st.markdown(
            "The app does not change its own configuration. On the server, set `spreadsheet` "
            "under `[connections.gsheets]` in `.streamlit/secrets.toml` (keep the service-account "
            "fields already there), then reload the app:"
        )
        st.code(transfer.secrets_snippet(url), language="toml")
        if os.environ.get("TRACKER_DATABASE_URL", "").strip():
            st.caption(
                "This server also sets the TRACKER_DATABASE_URL environment variable, which "
                "overrides secrets.toml: unset it too."
            )


def _tables_moving(store: Store | None) -> tuple[str, ...]:
    """The tables the coalition would bring to a new sheet (all of them if it cannot be read)."""
    try:
        return transfer.tables_for(store.read_all()) if store else transfer.COPY_ORDER
    except StoreError:
        return transfer.COPY_ORDER


def to_sql_section(store: Store) -> None:
    st.subheader("The app is using the coalition's Google Sheet")
    st.markdown(ui.md("Data source: **{}**.", store.label))
    st.caption(
        "To move the coalition into a SQL database (the local database, or PostgreSQL when it "
        "outgrows a spreadsheet), connect the database and copy everything into it."
    )
    with st.container(border=True):
        url = st.text_input(
            "Database URL (SQLAlchemy)",
            value=DEFAULT_DATABASE_URL,
            key="settings.sql.url",
            help="The local database is the default; PostgreSQL looks like "
            "postgresql://user:password@host/dbname.",
        ).strip()
        # Connecting creates the database's tables: a write like any other.
        if st.button("Connect the database", key="settings.sql.connect") and still_allowed():
            try:
                target = open_store({"connections": {"sql": {"url": url}}})
            except StoreError as error:
                state["settings.sql.target"] = (url, None, str(error))
            else:
                state["settings.sql.target"] = (url, target, "")
        connected = state.get("settings.sql.target")
        if not connected or connected[0] != url:
            return
        if connected[1] is None:
            st.error(ui.md("{}", connected[2]))
            return
        st.success(ui.md("Connected to {}.", connected[1].label))
        copy_section(store, connected[1], "the sheet", "the database", "settings.sql.move")
        st.markdown(
            "To switch the app to the database for everyone, remove the `[connections.gsheets]` "
            "section from `.streamlit/secrets.toml` (the sheet takes precedence) and, unless it "
            "is the local database, add:"
        )
        st.code(transfer.sql_snippet(url), language="toml")


# --- backup and restore -----------------------------------------------------------------------


def backup_section(store: Store, tables: dict[str, pd.DataFrame]) -> None:
    backup, restore = st.columns(2, gap="large")
    with backup:
        st.subheader("Back up")
        st.markdown(
            "Download the whole coalition as one Excel workbook: one sheet per table, the "
            "columns as the sheet contract lists them, every value as text."
        )
        ui.download(
            "Download the backup",
            lambda: transfer.backup_bytes(store.read_all()),  # built on click
            file_name=f"coalition-backup-{date.today()}.xlsx",
            mime=XLSX,
            key="settings.backup.download",
        )
    with restore:
        st.subheader("Restore")
        st.markdown(
            "Restore a backup into an **empty** data source, for example a new Google Sheet "
            "or database. Rows are checked afterwards."
        )
        show_flash("settings.restore.flash")
        version = state.get("settings.restore.version", 0)
        upload = st.file_uploader(
            "Backup workbook (.xlsx)", type=["xlsx"], key=f"settings.restore.file.{version}"
        )
        if upload is None:
            return
        cached = state.get("settings.restore.read")
        if cached is None or cached[0] != upload.file_id:
            try:
                with st.spinner("Reading the workbook…"):
                    cached = (upload.file_id, transfer.read_backup(upload.getvalue()), "")
            except transfer.BackupError as error:
                cached = (upload.file_id, None, str(error))
            state["settings.restore.read"] = cached
        _, backup_tables, problem = cached
        if backup_tables is None:
            st.error(ui.md("{}", problem))
            return
        if not transfer.is_empty(tables):
            held = ", ".join(
                f"{count:,} {name}"
                for name, count in transfer.record_counts(tables).items()
                if count
            )
            st.error(
                ui.md(
                    "**Not restored.** This data source is not empty: it holds {}. Restore only "
                    "into an empty data source, so nothing is mixed up or overwritten; back this "
                    "one up first if you need it.",
                    held,
                )
            )
            return
        problems = sum(len(schema.problems_of(frame)) for frame in backup_tables.values())
        if problems:
            st.warning(
                ui.md(
                    "{} in the workbook could not be read as expected; they are restored blank "
                    "or as their default.",
                    plural(problems, "value"),
                )
            )
        preview = transfer.preview(backup_tables, tables)
        preview.attrs.clear()
        total = int(preview["To copy"].sum())
        st.dataframe(
            preview[["Table", "In the source"]].rename(columns={"In the source": "Records"}),
            hide_index=True,
        )
        if not st.button(
            ui.md("Restore {}", records(total)), key="settings.restore.go", type="primary"
        ):
            return
        if not still_allowed():
            return
        bar = st.progress(0.0, text="Restoring…")
        try:
            store.ensure_schema()
            report = transfer.copy(
                backup_tables,
                store,
                lambda done, all_, table: bar.progress(
                    done / all_ if all_ else 1.0,
                    text=ui.md("Restoring {}: {:,} of {:,}", table, done, all_),
                ),
            )
        except (StoreError, schema.InvalidValue) as error:
            st.error(ui.md("**The restore stopped.** {}", error))
            return
        missing = {
            name: keys for name, keys in transfer.verify(backup_tables, store).items() if keys
        }
        if missing:
            state["settings.restore.flash"] = (
                "error",
                ui.md(
                    "Restored {}, but some rows are missing: {}",
                    records(report.total),
                    "; ".join(f"{name}: {len(keys)}" for name, keys in missing.items()),
                ),
            )
        else:
            state["settings.restore.flash"] = (
                "success",
                ui.md(
                    "**Restored {}.** Checked: every row of the backup is here.",
                    records(report.total),
                ),
            )
            state["settings.restore.version"] = version + 1
            state.pop("settings.restore.read", None)
        st.rerun()
