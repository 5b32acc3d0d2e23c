"""The Streamlit parts of Settings → Import, and the look at a linked Google Form that app.py takes
on every page. Kept here so that pages/settings_import.py reads as the page's outline; what they
compute lives in the package's pure modules."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

import pandas as pd
import streamlit as st

from lib import access, coalition, schema, source_screen, text, ui
from lib.imports import linked_form, review
from lib.imports.batches import import_batches, unstored
from lib.imports.plan import ImportPlan, plan_import
from lib.imports.source import SourceError, read_source, sheet_names
from lib.settings_ui import still_allowed
from lib.store import ConflictError, Store, StoreError
from lib.store.sheets import SheetStore
from lib.text import plural

FLASH = "imp.flash"
UNREADABLE_MAPPING = (
    "The linked Form's mapping cannot be read (it may have been edited in the sheet). Link the "
    "Form again here."
)
_EDITS = ("imp.columns", "imp.values.", "imp.name.", "imp.default_visibility")


def digest(*parts: object) -> str:
    """A short, stable name for what identifies a choice, for widget keys."""
    return hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:12]


def name_key(group: str, name: str) -> str:
    """The key of the choice made for a name the tracker does not know."""
    return f"imp.name.{group}.{digest(name)}"


def forget_edits_unless(version: str) -> None:
    """A new source, kind, layout or saved mapping starts from its own suggestion: what was
    chosen for the previous one no longer applies."""
    if st.session_state.get("imp.version") == version:
        return
    for key in [key for key in st.session_state if str(key).startswith(_EDITS)]:
        del st.session_state[key]
    st.session_state["imp.version"] = version


def planned(
    frame: pd.DataFrame,
    kind: str,
    tables: Mapping[str, pd.DataFrame],
    mapping: Mapping[str, Any] | None,
    today: date,
    slot: str,
) -> ImportPlan:
    """:func:`plan_import`, kept in ``slot`` until the sheet, the mapping or the data change:
    planning a sheet of thousands of rows takes seconds, and the page reruns on every click."""
    key = (
        _snapshot(),
        _content(frame),
        kind,
        json.dumps(mapping, sort_keys=True, default=str),
        today,
        ui.author(),
    )
    kept = st.session_state.get(f"imp.plan.{slot}")
    if key[0] is not None and kept is not None and kept[0] == key:
        return kept[1]
    plan = plan_import(frame, kind, tables, mapping, author=ui.author(), today=today)
    st.session_state[f"imp.plan.{slot}"] = (key, plan)
    return plan


def _snapshot() -> int | None:
    """The number of the data as read now; None when it cannot be read (nothing is kept)."""
    try:
        return ui.store().read_snapshot()[0]
    except StoreError:
        return None


def _content(frame: pd.DataFrame) -> str:
    """What identifies the sheet's cells, so that a tab with a new row is planned again."""
    cells = pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes()
    return digest(list(frame.columns), hashlib.sha256(cells).hexdigest())


# --- the source and the mapping ----------------------------------------------------------------


def choose_source(store: Store) -> source_screen.Chosen | None:
    """The spreadsheet to bring in, read; None (with the reason, when there is one) until then."""
    tab_chosen = source_screen.from_sheet(store, "Rows from", key="imp.source")
    try:
        return source_screen.chosen_source(
            store,
            tab_chosen,
            "imp",
            file_label="Spreadsheet (CSV or XLSX)",
            read_file=read_source,
            sheet_names=sheet_names,
        )
    except (SourceError, StoreError) as error:
        what = "tab" if tab_chosen else "file"
        st.error(ui.md("**This {} cannot be imported.** {}", what, error), icon=":material/error:")
        return None


def saved_mapping(kind: str) -> tuple[dict[str, Any] | None, str]:
    """A mapping downloaded earlier and uploaded again to be reused, and what identifies it."""
    with st.expander("Reuse a saved mapping"):
        upload = st.file_uploader(
            "Mapping (JSON), as downloaded from this page", type=["json"], key="imp.mapping_file"
        )
    if upload is None:
        return None, ""
    data = upload.getvalue()
    try:
        mapping = review.read_mapping_file(data)
    except ValueError as error:
        st.error(ui.md("{}", error), icon=":material/error:")
        return None, ""
    if mapping["kind"] != kind:
        st.warning(
            ui.md(
                "The saved mapping is for importing {}; choose that above to use it.",
                review.KIND_LABELS[mapping["kind"]].split(" (")[0].lower(),
            )
        )
        return None, ""
    st.caption(ui.md("Using the saved mapping “{}”; change anything below.", upload.name))
    return mapping, digest(data)


def column_editor(
    frame: pd.DataFrame, kind: str, tables: Mapping[str, pd.DataFrame], suggested: Mapping
) -> dict[str, str | None]:
    """Each column of the sheet, a sample of its values, and what it is imported as."""
    choices = review.column_choices(kind, tables, suggested)
    headers = list(suggested["columns"])
    shown = pd.DataFrame(
        {
            "Column": headers,
            "Sample": [review.sample_of(frame, h) if h in frame.columns else "" for h in headers],
            "Imported as": [review.label_of(choices, suggested["columns"][h]) for h in headers],
        }
    )
    edited = st.data_editor(
        shown,
        column_config={
            "Column": st.column_config.TextColumn(disabled=True),
            "Sample": st.column_config.TextColumn("Sample of its values", disabled=True),
            "Imported as": st.column_config.SelectboxColumn(
                options=list(choices), required=True, width="medium"
            ),
        },
        hide_index=True,
        num_rows="fixed",
        key="imp.columns",
    )
    return {
        header: choices.get(str(label))
        for header, label in zip(headers, edited["Imported as"], strict=True)
    }


def value_editors(mapping: Mapping[str, Any]) -> dict[str, dict[str, str | None]]:
    """How each text of a column of choices reads, corrected by the person importing."""
    values: dict[str, dict[str, str | None]] = {}
    if any(mapping["values"].values()):
        st.markdown("**Values**")
        st.caption(
            "How the words in columns of choices read. A word left blank holds its rows back, "
            "so nothing is guessed."
        )
    for group, found in mapping["values"].items():
        if not found:
            continue
        key = f"imp.values.{group}"
        if st.session_state.get(f"{key}.texts") != list(found):
            st.session_state.pop(key, None)  # other texts: the old edits would land on them
            st.session_state[f"{key}.texts"] = list(found)
        choices = review.value_choices(group)
        undecided = sum(value is None for value in found.values())
        title = review.VALUE_LABELS.get(group, group)
        with st.expander(
            ui.md("{} ({} to decide)", title, undecided) if undecided else ui.md("{}", title),
            expanded=bool(undecided),
        ):
            edited = st.data_editor(
                pd.DataFrame(
                    {
                        "In the sheet": list(found),
                        "Read as": [_label(choices, value) for value in found.values()],
                    }
                ),
                column_config={
                    "In the sheet": st.column_config.TextColumn(disabled=True),
                    "Read as": st.column_config.SelectboxColumn(options=list(choices)),
                },
                hide_index=True,
                num_rows="fixed",
                key=key,
            )
        values[group] = {
            str(text): choices.get(str(label)) if label else None
            for text, label in zip(edited["In the sheet"], edited["Read as"], strict=True)
        }
    return values


def name_decisions(
    mapping: Mapping[str, Any], tables: Mapping[str, pd.DataFrame]
) -> dict[str, dict[str, str | None]]:
    """For each name the tracker does not know: add it as new, file its rows under one of the
    tracker's own records, or leave its rows out."""
    decided: dict[str, dict[str, str | None]] = {}
    listed = {group: names for group, names in mapping["names"].items() if names}
    if listed:
        st.markdown("**Names the tracker does not know**")
        st.caption(
            "Rows naming them wait until you say who they are: someone new, or someone already "
            "in the tracker whose name is written differently here."
        )
    for group, names in listed.items():
        choices = review.name_choices(group, tables)
        decided[group] = {}
        for name, decision in names.items():
            options = list(choices)
            decided[group][name] = st.selectbox(
                ui.md("{} “{}”", review.NAME_NOUNS[group].capitalize(), name),
                options,
                index=options.index(decision) if decision in choices else None,
                format_func=choices.get,
                placeholder="Choose what this name is",
                key=name_key(group, name),
            )
    return decided


def default_visibility(mapping: Mapping[str, Any]) -> str:
    """Who may see a row that does not say whether it is confidential."""
    options = list(schema.VISIBILITY.values)
    given = mapping["defaults"].get("visibility", "restricted")
    if "visibility" not in mapping["columns"].values():
        st.caption("No column says whether a row is confidential, so this applies to every row.")
    return st.radio(
        "Who may see rows that do not say whether they are confidential",
        options,
        index=options.index(given) if given in options else options.index("restricted"),
        format_func=lambda value: (
            f"{schema.VISIBILITY.label(value)}: {schema.VISIBILITY_HELP[value]}"
        ),
        key="imp.default_visibility",
        help="Restricted is suggested: a report shared by mistake cannot be unshared.",
    )


def _label(choices: Mapping[str, str], value: str | None) -> str | None:
    return next((label for label, chosen in choices.items() if chosen == value), None)


# --- the preview and the import ------------------------------------------------------------------


def preview(plan: ImportPlan, tables: Mapping[str, pd.DataFrame]) -> None:
    """What importing would do, before anything is written."""
    new, already, left_out = st.columns(3)
    new.metric("New rows", plan.new)
    already.metric("Already imported", plan.already_imported)
    left_out.metric("Left out", len(plan.skipped))
    for notice in plan.notices:
        st.info(ui.md("{}", notice), icon=":material/info:")
    rows = review.readable_rows(plan, tables)
    if not rows.empty:
        st.caption(
            ui.md(
                "How the {} will be stored. In all, the import adds {}.",
                plural(len(rows), "new row"),
                review.made_said(plan),
            )
        )
        st.dataframe(rows, hide_index=True)
    if plan.skipped:
        st.warning(
            ui.md(
                "**{} left out**, each with the reason. Fix them in the sheet or in the "
                "choices above; once fixed, importing again brings in only them.",
                plural(len(plan.skipped), "row"),
            )
        )
        st.dataframe(
            pd.DataFrame(
                {
                    "Row": [row for row, _ in plan.skipped],
                    "Why it is left out": [why for _, why in plan.skipped],
                }
            ),
            hide_index=True,
        )
    skipped = {row for row, _ in plan.skipped}
    notes = [
        note for note in plan.problems if not any(note.startswith(f"Row {n} ") for n in skipped)
    ]
    if notes:
        with st.expander(ui.md("Worth knowing: {}", plural(len(notes), "note")), expanded=True):
            listed(notes)


def listed(lines: list[str], most: int = 200) -> None:
    """Messages as one bulleted list, the first ``most`` of them and how many more there are."""
    shown = [ui.md("- {}", line) for line in lines[:most]]
    if len(lines) > most:
        shown.append(ui.md("- … and {:,} more.", len(lines) - most))
    st.markdown(text.join("\n", shown))


def write_import(store: Store, plan: ImportPlan) -> None:
    """The plan's rows, written in parts of whole spreadsheet rows with a progress bar; then a
    fresh read checks that every planned record is stored. Reruns the page with the outcome."""
    batches = import_batches(plan.rows)
    total = sum(batch.source_rows for batch in batches)
    bar = st.progress(0.0, text="Starting the import…")
    landed = 0
    for number, batch in enumerate(batches, 1):
        try:
            ui.authorise("change settings")  # asked again for every part: access may change
            store.change([], batch.rows)
        except (StoreError, schema.InvalidValue) as error:
            st.error(
                ui.md(
                    "**The import stopped.** {} {:,} of {} landed. Importing the same sheet "
                    "again adds only the rest: rows already imported are recognised.",
                    error,
                    landed,
                    plural(total, "row"),
                ),
                icon=":material/error:",
            )
            return
        landed += batch.source_rows
        bar.progress(number / len(batches), text=ui.md("Imported {:,} of {:,} rows", landed, total))
    store.clear_cache()
    try:
        missing = unstored(plan.rows, store.read_all())
    except StoreError as error:
        missing = {}
        checked = ui.md("It could not be checked afterwards: {}", error)
    else:
        checked = ui.md("Checked: every record is now in the tracker.")
    made = review.made_said(plan)
    if missing:
        lacking = sum(len(ids) for ids in missing.values())
        st.session_state[FLASH] = (
            "error",
            ui.md(
                "Imported {} ({}), but {} did not arrive ({}). Import again: only what is "
                "missing is added.",
                plural(plan.new, "row"),
                made,
                plural(lacking, "record"),
                ", ".join(missing),
            ),
        )
    else:
        st.session_state[FLASH] = (
            "success",
            ui.md("**Imported {}** ({}). {}", plural(plan.new, "row"), made, checked),
        )
    st.rerun()


# --- the linked Google Form ----------------------------------------------------------------------

_LAST_LOOK: dict[str, tuple[datetime, linked_form.Outcome]] = {}
_LAST_LOOK_LOCK = threading.Lock()


def linking_admin_check(store: Store) -> Callable[[str], access.Member]:
    """Whether the admin who linked the Form may still change settings, asked of the members
    list at the moment of writing. A Form linked while sign-in was off (by the local admin)
    brings responses in only while sign-in is still off."""

    def authorise(linked_by: str) -> access.Member:
        if linked_by == access.LOCAL_ADMIN:
            if ui.member() is access.LOCAL:
                return access.LOCAL
            raise access.NotAllowed(
                "The Form was linked while sign-in was off; an admin must link it again."
            )
        try:
            return access.authorise(store, linked_by, "change settings")
        except access.NotAllowed as error:
            raise access.NotAllowed(
                f"The Form was linked by {linked_by}, who may no longer change settings; an "
                "admin must link it again."
            ) from error

    return authorise


def look_at_linked_form(store: Store, today: date) -> linked_form.Outcome:
    """One look at the linked tab, bringing in its new responses; remembered for the page."""
    try:
        outcome = linked_form.bring_in(
            store, store.read_source_tab, linking_admin_check(store), today
        )
    except (StoreError, ValueError) as error:  # a tab deleted, access withdrawn, an outage
        outcome = linked_form.Outcome(error=str(error))
    except (KeyError, TypeError, AttributeError):  # a mapping edited by hand into another shape
        outcome = linked_form.Outcome(error=UNREADABLE_MAPPING)
    with _LAST_LOOK_LOCK:
        _LAST_LOOK[store.identity] = (datetime.now(), outcome)
    return outcome


def last_look(store: Store) -> tuple[datetime, linked_form.Outcome] | None:
    with _LAST_LOOK_LOCK:
        return _LAST_LOOK.get(store.identity)


def keep_form_flowing(store: Store, stored: Mapping[str, pd.DataFrame]) -> None:
    """For app.py: while a Form is linked and the data source is its Google Sheet, look at its
    tab now and then (at most every 30 seconds per server) and bring new responses in."""
    if not isinstance(store, SheetStore) or "settings" not in stored:
        return
    if not coalition.settings_of(stored).linked_form.strip():
        return
    st.fragment(_now_and_then, run_every=30)(store)


def _now_and_then(store: Store) -> None:
    if linked_form.due(store.identity):
        outcome = look_at_linked_form(store, date.today())
        if outcome.added:
            st.toast(
                ui.md(
                    "{} from the linked Google Form came in as reports.",
                    plural(outcome.added, "new response"),
                ),
                icon=":material/move_to_inbox:",
            )
    current = ui.member()
    looked = last_look(store)
    if looked is None or current is None or not current.may("change settings"):
        return
    outcome = looked[1]
    if outcome.error or outcome.problems:
        st.page_link(
            "pages/settings_import.py",
            label=ui.md("The linked Form: {} to fix", plural(len(outcome.problems), "response"))
            if outcome.problems
            else ui.md("The linked Form could not be read"),
            icon=":material/warning:",
        )


def linked_form_section(store: Store, tables: Mapping[str, pd.DataFrame], today: date) -> None:
    """The linked Form: which tab, who linked it and when; import now, what cannot be read, and
    unlinking."""
    st.subheader("Linked Google Form")
    try:
        link = linked_form.read_link(coalition.settings_of(tables))
    except linked_form.LinkUnreadable as error:
        st.error(ui.md("{}", error), icon=":material/error:")
        unlink_button(store, tables)
        return
    if link is None and not isinstance(store, SheetStore):
        st.caption(
            "No Form is linked. A Google Form's responses tab can be linked once the "
            "coalition's Google Sheet is the data source (see Settings → Data and sheet)."
        )
        return
    if link is None:
        st.caption(
            "No Form is linked. To keep a Google Form's responses coming in as reports: choose "
            "*A tab of the connected Google Sheet* below, its responses tab and *Reports*, "
            "check the preview, then press *Keep bringing in new responses from this tab*."
        )
        return
    st.markdown(
        ui.md(
            "New responses in the tab **{}** come in as reports by themselves, about every 30 "
            "seconds while the app is open. Linked by {} on {}.",
            link.tab,
            link.linked_by,
            link.linked_at[:16].replace("T", " ") + " UTC" if link.linked_at else "an unknown date",
        )
    )
    if not isinstance(store, SheetStore):
        st.warning(
            "The data source is not a Google Sheet now, so the Form's tab cannot be read: "
            "nothing comes in until its Google Sheet is the data source again."
        )
    now, unlink = st.columns(2)
    if (
        isinstance(store, SheetStore)
        and now.button("Import new responses now", key="imp.form.now")
        and still_allowed()
    ):
        outcome = look_at_linked_form(store, today)
        if outcome.added:
            st.success(
                ui.md("Brought in {} as reports.", plural(outcome.added, "new response")),
                icon=":material/check_circle:",
            )
        elif not outcome.error:
            st.info("No new responses: every readable response is in the tracker already.")
    with unlink:
        unlink_button(store, tables)
    looked = last_look(store)
    if looked is None:
        return
    moment, outcome = looked
    if outcome.error:
        st.error(
            ui.md("**New responses were not brought in ({:%H:%M}).** {}", moment, outcome.error),
            icon=":material/error:",
        )
    if outcome.problems:
        st.warning(
            ui.md(
                "**{} in the Form's tab cannot be brought in yet** (last look {:%H:%M}). Fix "
                "them in the tab; they come in on the next look.",
                plural(len(outcome.problems), "response"),
                moment,
            )
        )
        listed(outcome.problems)


def offer_to_link(
    store: Store, tab: str, plan: ImportPlan, tables: Mapping[str, pd.DataFrame]
) -> None:
    """Link the tab, with the mapping as chosen, so its new responses keep coming in."""
    st.caption(
        ui.md(
            "Linking keeps this mapping for the tab **{}**: every response added to it later "
            "comes in as a report by itself, and so do rows not imported yet once they can be "
            "read.",
            tab,
        )
    )
    if st.button("Keep bringing in new responses from this tab", key="imp.form.link"):
        value = linked_form.link_value(tab, plan.mapping, ui.author(), schema.now_stamp())
        _save_link(store, value, tables, ui.md("Linked: new responses in “{}” come in.", tab))


def unlink_button(store: Store, tables: Mapping[str, pd.DataFrame]) -> None:
    if st.button("Unlink", key="imp.form.unlink"):
        _save_link(store, "", tables, ui.md("Unlinked: the Form's responses no longer come in."))


def _save_link(
    store: Store, value: str, tables: Mapping[str, pd.DataFrame], done: ui.Markdown
) -> None:
    if not still_allowed():
        return
    try:
        coalition.save_setting(store, linked_form.SETTING, value, ui.author(), tables["settings"])
    except ConflictError:
        st.error("Someone changed the link meanwhile; look at it above and try again.")
        return
    except (StoreError, schema.InvalidValue) as error:
        st.error(ui.md("**Not saved.** {}", error), icon=":material/error:")
        return
    st.session_state[FLASH] = ("success", done)
    st.rerun()
