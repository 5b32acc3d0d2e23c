"""Settings: the data source and its health, the coalition's own settings and lists, moving to the
coalition's Google Sheet, and backups."""

import os
from datetime import date

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from lib import access, analytics, audit, coalition, health, lists, schema, transfer, ui
from lib.store import DEFAULT_DATABASE_URL, ConflictError, Edit, Store, StoreError, open_store
from lib.store.sheets import SheetStore
from lib.text import join

ui.page_frame()

state = st.session_state
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LONG = schema.MAX_CELL_CHARS
PLURAL = {"issues": "issues", "partners": "partner organisations", "candidates": "candidates"}


def plural(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'s' * (number != 1)}"


def records(number: int) -> str:
    return plural(number, "record")


def still_allowed(where: DeltaGenerator | None = None) -> bool:
    """Whether the current member may still change settings, asked of the members list as stored
    now: they may have been demoted or deactivated since the page was drawn. Says why not."""
    try:
        ui.authorise("change settings")
    except access.NotAllowed as error:
        (where or st).error(ui.md("{}", error), icon=":material/lock:")
        return False
    except StoreError as error:
        (where or st).error(
            ui.md(
                "**Not saved.** Whether you may still change settings could not be checked: {}",
                error,
            ),
            icon=":material/error:",
        )
        return False
    return True


def show_flash(name: str) -> None:
    """A message kept across the rerun that follows a save: (kind, text)."""
    flash = state.pop(name, None)
    if flash:
        kind, text = flash
        {"success": st.success, "error": st.error, "info": st.info}[kind](text)


# --- data source and health -------------------------------------------------------------------


def data_source_and_health(store: Store, tables: dict[str, pd.DataFrame]) -> None:
    source_column, health_column = st.columns([2, 3], gap="large")
    with source_column:
        st.subheader("Data source")
        st.markdown(ui.md("**{}**", store.label))
        counts = transfer.record_counts(tables)
        st.caption(ui.md("{} in {} tables.", records(sum(counts.values())), len(counts)))
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
    if (
        fixable
        and st.button("Create the missing tabs and columns", type="primary")
        and still_allowed()
    ):
        try:
            store.ensure_schema()
        except StoreError as error:
            st.error(ui.md("{}", error))
        else:
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


# --- the coalition's own settings -------------------------------------------------------------

SETTING_WIDGETS = {
    "coalition_name": "settings.coalition.name",
    "tax_status": "settings.coalition.tax_status",
    "last_meeting": "settings.coalition.last_meeting",
    "scorecard": "settings.coalition.scorecard",
}


def widget_values(saved: coalition.Settings) -> dict:
    meeting = schema.parse_date(saved.last_meeting) if saved.last_meeting else None
    return {
        "coalition_name": saved.coalition_name,
        "tax_status": saved.tax_status or None,
        "last_meeting": date.fromisoformat(meeting) if meeting else None,
        "scorecard": bool(schema.parse_bool(saved.scorecard)),
    }


def setting_text(name: str, value: object) -> str:
    if value is None or value is False:
        return ""
    if value is True:
        return "yes"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def coalition_section(store: Store, tables: dict[str, pd.DataFrame]) -> None:
    shown_key = "settings.coalition.shown"
    typed = {name: state.get(widget) for name, widget in SETTING_WIDGETS.items()}
    shown = state.get(shown_key)
    pending = (
        shown is not None
        and all(w in state for w in SETTING_WIDGETS.values())
        and any(
            setting_text(name, typed[name]) != setting_text(name, shown[1][name]) for name in typed
        )
    )
    if not pending:
        # Nothing typed since the last look: show what is stored now.
        shown = (tables["settings"], widget_values(coalition.settings_of(tables)))
        state[shown_key] = shown
        for name, widget in SETTING_WIDGETS.items():
            state[widget] = shown[1][name]
    frame, values = shown

    st.subheader("The coalition")
    st.caption(
        "Other pages use these: the name heads the meeting page and its report-back, which "
        "reviews what happened since the last meeting."
    )
    left, right = st.columns(2, gap="large")
    with left:
        st.text_input("Coalition name", key=SETTING_WIDGETS["coalition_name"], max_chars=LONG)
        statuses = list(coalition.TAX_STATUSES)
        if values["tax_status"] and values["tax_status"] not in statuses:
            statuses.append(values["tax_status"])
        st.selectbox(
            "Tax status",
            statuses,
            index=None,
            key=SETTING_WIDGETS["tax_status"],
            placeholder="Choose the coalition's tax status",
            help="501(c)(3) organisations may not support or oppose candidates.",
        )
        st.date_input(
            "Date of the last coalition meeting",
            value=None,
            key=SETTING_WIDGETS["last_meeting"],
            format="YYYY-MM-DD",
            help="The meeting page reviews what happened since this date.",
        )
        chosen_status = state.get(SETTING_WIDGETS["tax_status"])
        st.checkbox(
            "Show a candidate scorecard",
            key=SETTING_WIDGETS["scorecard"],
            disabled=chosen_status in (None, "501(c)(3)"),
            help="Ranks candidates on the Candidates page by how often they agree with our "
            "asks. For groups that may endorse candidates: choose a tax status other than "
            "501(c)(3) first.",
        )
    with right:
        if chosen_status == "501(c)(3)":
            st.info(
                "**Nonpartisan.** As a 501(c)(3), the coalition may not support or oppose "
                "candidates, so the app keeps features that rank or endorse candidates switched "
                "off. It records candidates' positions on the coalition's policies and their "
                "commitments, for policy advocacy.",
                icon=":material/balance:",
            )
    show_flash("settings.coalition.flash")
    if not st.button("Save the coalition's settings", key="settings.coalition.save"):
        return
    changed = {
        name: setting_text(name, state.get(widget))
        for name, widget in SETTING_WIDGETS.items()
        if setting_text(name, state.get(widget)) != setting_text(name, values[name])
    }
    if not changed:
        st.info("Nothing to save: the settings are as stored.")
        return
    if not still_allowed():
        return
    try:
        for name, text in changed.items():
            coalition.save_setting(store, name, text, ui.author(), frame)
    except schema.InvalidValue as error:
        st.error(ui.md("**Not saved.** {}", error.message))
        return
    except ConflictError as error:
        store.clear_cache()
        fresh = store.read_all()
        theirs = widget_values(coalition.settings_of(fresh))
        state[shown_key] = (fresh["settings"], theirs)
        their_text = "; ".join(
            f"{schema.Column(name).label}: {setting_text(name, theirs[name]) or '(blank)'}"
            for name in changed
        )
        state["settings.coalition.flash"] = (
            "error",
            ui.md(
                "{} Their version: {}. Your values are still in the form; save again to replace "
                "theirs.",
                error,
                their_text,
            ),
        )
        st.rerun()
    except StoreError as error:
        st.error(ui.md("**Not saved.** {} Your values are still in the form; try again.", error))
        return
    state.pop(shown_key, None)
    state["settings.coalition.flash"] = ("success", "Saved the coalition's settings.")
    st.rerun()


# --- the coalition's lists --------------------------------------------------------------------


def column_config(table: str, frame: pd.DataFrame) -> dict:
    active = st.column_config.CheckboxColumn(
        "Active",
        default=True,
        help="Untick to archive: it stays in past reports but is no longer offered in new ones.",
    )
    if table == "issues":
        return {
            "name": st.column_config.TextColumn("Issue", required=True, max_chars=LONG),
            "ask": st.column_config.TextColumn(
                "The coalition's ask",
                max_chars=LONG,
                width="large",
                help="What the coalition asks candidates to do about it.",
            ),
            "description": st.column_config.TextColumn(
                "Description", max_chars=LONG, width="large"
            ),
            "active": active,
        }
    if table == "partners":
        return {
            "name": st.column_config.TextColumn("Organisation", required=True, max_chars=LONG),
            "kind": st.column_config.TextColumn(
                "Kind", max_chars=LONG, help="union, nonprofit, faith group, parent group…"
            ),
            "strengths": st.column_config.MultiselectColumn(
                "Strengths",
                options=lists.options(table, "strengths", frame, schema.SUGGESTED_STRENGTHS),
                accept_new_options=True,
                width="medium",
                help="Pick from the suggestions or type your own.",
            ),
            "tax_status": st.column_config.SelectboxColumn(
                "Tax status",
                options=lists.options(table, "tax_status", frame, coalition.TAX_STATUSES),
            ),
            "contact_name": st.column_config.TextColumn("Contact", max_chars=LONG),
            "contact_email": st.column_config.TextColumn(
                "Contact email", max_chars=LONG, validate=r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$"
            ),
            "notes": st.column_config.TextColumn("Notes", max_chars=LONG, width="medium"),
            "active": active,
        }
    return {
        "name": st.column_config.TextColumn("Candidate", required=True, max_chars=LONG),
        "office": st.column_config.TextColumn("Office", max_chars=LONG),
        "district": st.column_config.TextColumn("District", max_chars=LONG, width="small"),
        "party": st.column_config.TextColumn("Party", max_chars=LONG),
        "election_date": st.column_config.DateColumn("Election date", format="YYYY-MM-DD"),
        "stage": st.column_config.SelectboxColumn(
            "Stage", options=schema.STAGE.values, format_func=schema.STAGE.label
        ),
        "status": st.column_config.SelectboxColumn(
            "Status",
            options=schema.CANDIDATE_STATUS.values,
            format_func=schema.CANDIDATE_STATUS.label,
        ),
        "website": st.column_config.LinkColumn("Website", max_chars=LONG),
        "priorities": st.column_config.MultiselectColumn(
            "Priorities",
            options=lists.options(table, "priorities", frame, schema.PRIORITY_TAGS),
            accept_new_options=True,
            width="large",
            help="The candidate's own priorities: pick or type your own.",
        ),
        "active": active,
    }


INTROS = {
    "issues": "The policies the coalition works on. The report form offers the active ones.",
    "partners": "The organisations in the coalition. Strengths suggest who to bring to a meeting: "
    "if a candidate cares about the economy, the partners whose strength is business voices.",
    "candidates": "The candidates and officeholders in the coalition's races.",
}


def discard(table: str) -> None:
    for name in ("editor", "shown", "tried"):
        state.pop(f"settings.{table}.{name}", None)


def list_section(store: Store, table: str, frame: pd.DataFrame) -> None:
    base = f"settings.{table}"
    editor_key, shown_key = f"{base}.editor", f"{base}.shown"
    st.caption(
        ui.md(
            "{} Edit a cell to change it, add a row at the bottom, untick Active to archive. "
            "Nothing is deleted: archived entries stay in past reports.",
            INTROS[table],
        )
    )
    show_flash(f"{base}.flash")
    unsaved = state.pop(f"{base}.unsaved", None)
    if unsaved is not None:
        st.markdown("Your changes that were not saved (retype them after reviewing):")
        st.dataframe(unsaved, hide_index=True)

    pending = lists.has_edits(state.get(editor_key))
    archived = int((~frame["active"].astype(bool)).sum())
    show_archived = st.toggle(
        ui.md("Show archived ({})", archived),
        key=f"{base}.archived",
        disabled=pending,
        help="Save or discard your changes first." if pending else None,
    )
    if not pending or shown_key not in state:
        # Nothing being edited: show the list as stored now. While editing, the version shown
        # (and its drop-down choices) stays put, and saving checks each record against it.
        state[shown_key] = (
            lists.editor_frame(table, frame, include_archived=show_archived),
            column_config(table, frame),
        )
    shown, config = state[shown_key]
    edited = st.data_editor(
        shown,
        key=editor_key,
        num_rows="add",
        hide_index=True,
        column_order=lists.FIELDS[table],
        column_config=config,
        width="stretch",
        placeholder="",
    )
    messages = st.container()
    buttons = st.container(horizontal=True)
    clicked = buttons.button(
        ui.md("Save the {}", PLURAL[table]), key=f"{base}.save", type="primary"
    )
    if pending:
        buttons.button("Discard my changes", key=f"{base}.discard", on_click=discard, args=(table,))
    if not (clicked or (pending and state.get(f"{base}.tried"))):
        return
    changes = lists.plan_changes(table, shown, edited, stored=frame)
    if changes.errors:
        state[f"{base}.tried"] = True
        with messages:
            st.error(
                ui.md(
                    "**Not saved yet.** Correct these and save again; everything you typed is "
                    "kept:\n{}",
                    join("\n", [ui.md("- {}", error) for error in changes.errors]),
                ),
                icon=":material/error:",
            )
        return
    if not clicked:
        return
    if changes.empty:
        with messages:
            st.info("Nothing to save: no changes.")
        return
    if not still_allowed(messages):
        return
    result = lists.save(store, table, changes, ui.author())
    if result.error:
        with messages:
            st.error(
                ui.md("**Nothing was saved.** {} Your changes are kept; try again.", result.error)
            )
        return
    discard(table)
    text = lists.summary(table, result)
    if result.failed:
        conflict = result.failed[0][1]
        state[f"{base}.flash"] = (
            "error",
            ui.md(
                "**Nothing was saved.** {} Your changes are listed below; make them again on "
                "the current list.",
                conflict,
            ),
        )
        state[f"{base}.unsaved"] = lists.unsaved_rows(table, result.failed, result.not_added)
    else:
        state[f"{base}.flash"] = ("success", ui.md("{}", text))
    st.rerun()


# --- moving the data --------------------------------------------------------------------------


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
        if st.button("Test connection", key="settings.sheet.test"):
            state["settings.sheet.connection"] = (url, transfer.check_connection(secrets, url))
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
            if (
                st.button("Create the tabs", key="settings.sheet.create", type="primary")
                and still_allowed()
            ):
                try:
                    target.ensure_schema()
                except StoreError as error:
                    st.error(ui.md("The tabs could not be created: {}", error))
                else:
                    state["settings.sheet.connection"] = (
                        url,
                        transfer.check_connection(secrets, url),
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


# --- members ------------------------------------------------------------------------------------


def members_section(store: Store, tables: dict[str, pd.DataFrame]) -> None:
    st.caption(
        "Who may sign in, and their role. Viewers read public and coalition records; advocates "
        "also file reports; staff see everything and update commitments; admins also change "
        "settings. Members are never removed: untick Active."
    )
    if not ui.sign_in_configured():
        st.info(
            "Sign-in is off, so this list has no effect yet: see *Sign-in and roles* in the "
            "README.",
            icon=":material/lock_open:",
        )
    members = tables["members"].sort_values("email").reset_index(drop=True)
    partners = analytics.names(tables["partners"])
    edited = st.data_editor(
        members[["email", "name", "partner_id", "role", "active"]],
        hide_index=True,
        num_rows="add",
        key="settings.members.editor",
        column_config={
            "email": st.column_config.TextColumn("Email", required=True),
            "name": st.column_config.TextColumn("Name"),
            "partner_id": st.column_config.SelectboxColumn(
                "Partner organisation",
                options=list(partners),
                format_func=lambda pid: partners.get(pid, pid),
            ),
            "role": st.column_config.SelectboxColumn(
                "Role", options=list(access.ROLES), required=True, default="viewer"
            ),
            # New rows start ticked here, in the editor: the save gives access only to a ticked
            # box, never to a blank one.
            "active": st.column_config.CheckboxColumn(
                "Active", default=True, help="Only a ticked box lets them sign in."
            ),
        },
    )
    changes = access.plan_member_changes(members, edited)
    for error in changes.errors:
        st.error(ui.md("{}", error), icon=":material/error:")
    pending = len(changes.added) + len(changes.updated)
    if not st.button(
        "Save members", disabled=bool(changes.errors) or not pending, key="settings.members.save"
    ):
        return
    if not still_allowed():
        return
    author = ui.author()
    audit_rows = [
        audit.entry(
            author,
            "changed member",
            "members",
            email,
            ", ".join(f"{name}: {value}" for name, value in fields.items()),
        )
        for email, fields in [*((row["email"], row) for row in changes.added), *changes.updated]
    ]
    edits = [Edit("members", email, fields) for email, fields in changes.updated]
    try:
        store.change(edits, {"members": changes.added, "audit": audit_rows})
    except (StoreError, schema.InvalidValue) as error:
        st.error(ui.md("**Not saved.** {} Your changes are still in the table.", error))
        return
    state.pop("settings.members.editor", None)
    st.toast(ui.md("Saved {}.", plural(pending, "member change")))
    st.rerun()


# --- the page ---------------------------------------------------------------------------------

st.title("Settings")
ui.require("change settings")  # the coalition's settings, lists and data source: admins only
secrets = ui.secrets()
try:
    store = ui.store()
except StoreError as error:
    st.error(ui.md("**The coalition's data cannot be opened.** {}", error), icon=":material/error:")
    sheet_section(None, secrets)
    st.stop()
tables = ui.tables()

data_source_and_health(store, tables)

tabs = st.tabs(
    ["Coalition", "Issues", "Partners", "Candidates", "Members", "Google Sheet", "Backup"]
)
with tabs[0]:
    coalition_section(store, tables)
for tab, table in zip(tabs[1:4], ("issues", "partners", "candidates"), strict=True):
    with tab:
        list_section(store, table, tables[table])
with tabs[4]:
    members_section(store, tables)
with tabs[5]:
    sheet_section(store, secrets)
with tabs[6]:
    backup_section(store, tables)
