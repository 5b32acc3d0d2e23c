"""Coalition Tracker: routes to the pages and frames them with the data source in use.

Each visit runs this file as the page script, under the name ``__main__``. `streamlit run app.py`
also imports it once, at server start, to find ``app`` below and serve it: an ``st.App`` whose
lifespan is the only hook Streamlit offers for code that runs before anyone opens a page.
"""

import streamlit as st

from lib import access, coalition, health, hosting_screen, server, ui
from lib.endorsements import screen as endorsement_screen
from lib.imports import screen as import_screen
from lib.store import Store, StoreError

if __name__ != "__main__":
    # Imported at server start: nothing is drawn; the writes waiting to sync are sent.
    from streamlit.runtime.pages_manager import PagesManager

    # This app routes with st.navigation. Said at start, so that a tab reconnecting to a
    # restarted server is not first shown pages/ as Streamlit's older page convention would.
    PagesManager.uses_pages_directory = False
    app = st.App(__file__, lifespan=server.lifespan)
else:
    # An emoji icon is drawn in the browser; a :material/...: one is fetched from Google's
    # servers on every page load, which a coalition's privacy (and an offline laptop) forbid.
    st.set_page_config(page_title="Coalition Tracker", page_icon="🤝", layout="wide")

    PAGES = [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("pages/report.py", title="Report", icon=":material/edit_note:", url_path="report"),
        st.Page(
            "pages/candidates.py",
            title="Candidates",
            icon=":material/groups:",
            url_path="candidates",
        ),
        st.Page(
            "pages/commitments.py",
            title="Commitments",
            icon=":material/checklist:",
            url_path="commitments",
        ),
        st.Page(
            "pages/meeting.py", title="Meeting", icon=":material/co_present:", url_path="meeting"
        ),
        st.Page(
            "pages/questionnaires.py",
            title="Questionnaires",
            icon=":material/quiz:",
            url_path="questionnaires",
        ),
    ]
    # Admins only; each page says so to anyone else. One flat list with the main pages, named
    # "Settings: ...": Streamlit draws a navigation heading as a <div> inside the list, which
    # screen readers cannot make sense of (axe-core: "list", WCAG 1.3.1).
    SETTINGS_PAGES = [
        st.Page(
            "pages/settings.py",
            title="Settings: Coalition",
            icon=":material/settings:",
            url_path="settings",
        ),
        st.Page(
            "pages/settings_lists.py",
            title="Settings: Lists",
            icon=":material/list:",
            url_path="lists",
        ),
        st.Page(
            "pages/settings_members.py",
            title="Settings: Members",
            icon=":material/manage_accounts:",
            url_path="members",
        ),
        st.Page(
            "pages/settings_data.py",
            title="Settings: Data and sheet",
            icon=":material/database:",
            url_path="data",
        ),
        st.Page(
            "pages/settings_import.py",
            title="Settings: Import",
            icon=":material/upload_file:",
            url_path="import",
        ),
        st.Page(
            "pages/settings_goals.py",
            title="Settings: Goals and framing",
            icon=":material/flag:",
            url_path="goals",
        ),
    ]

    def waiting_to_sync(store: Store) -> None:
        """The sidebar's count of the changes waiting to be sent to the data source."""
        worker = ui.sync_worker(store)
        waiting = worker.outbox.waiting()
        if not waiting:
            st.rerun()  # all sent: the whole page, so whatever it said about them updates too
        st.warning(
            ui.md(
                "{} change{} waiting to sync. They are kept on this computer and sent as soon as "
                "the data source answers. {}",
                waiting,
                "s" * (waiting != 1),
                hosting_screen.outbox_note() or "",
            ),
            icon=":material/cloud_sync:",
        )
        if st.button("Sync now", icon=":material/sync:"):
            sent = worker.outbox.replay(store)
            st.toast(
                ui.md("Sent {} waiting change{}.", sent, "s" * (sent != 1))
                if sent
                else "The data source is still not answering; they stay safe here."
            )
            st.rerun()

    def data_source_line(label: str) -> None:
        st.caption(ui.md("Data source: **{}**", label))

    # A candidate's private questionnaire link: no account, no sidebar, no other page.
    RESPOND = st.Page(
        "pages/respond.py", title="Questionnaire", url_path="respond", visibility="hidden"
    )
    responding = (st.context.url or "").rstrip("/").endswith("/respond")
    # A coalition meeting on the shared screen: signed in, but no sidebar and no banner.
    PRESENT = st.Page("pages/present.py", title="Present", url_path="present", visibility="hidden")
    presenting = (st.context.url or "").rstrip("/").endswith("/present")
    current = None if responding else ui.member()
    # Added here, not above: its name counts what is due for whoever is signed in.
    PAGES.append(
        st.Page(
            "pages/mine.py",
            title=ui.follow_ups_title(current),
            icon=":material/assignment_ind:",
            url_path="mine",
        )
    )
    # Only for a coalition that may endorse (never a 501(c)(3)): for any other, these pages are
    # not registered at all, so neither a link nor an address leads to them.
    ENDORSEMENT_PAGES = [
        st.Page(
            "pages/endorsements.py",
            title="Endorsements",
            icon=":material/how_to_vote:",
            url_path="endorsements",
        ),
        st.Page(
            "pages/ballot.py",
            title="My ballot",
            icon=":material/how_to_vote:",
            url_path="ballot",
        ),
    ]
    endorsing = current is not None and endorsement_screen.may_endorse()
    page = st.navigation(
        [*PAGES, *(ENDORSEMENT_PAGES if endorsing else []), *SETTINGS_PAGES, RESPOND, PRESENT],
        position="sidebar" if current and not presenting else "hidden",
        # Past twelve pages Streamlit folds the list behind "View more": every page stays listed.
        expanded=True,
    )
    if page.url_path == RESPOND.url_path:
        page.run()
        st.stop()
    if current is None:
        ui.show_sign_in()
        st.stop()
    if page.url_path == PRESENT.url_path:
        page.run()
        st.stop()

    with st.sidebar:
        if current is access.LOCAL:
            st.info(
                "Sign-in is off: anyone who can open this app acts as its admin. Turn it on before "
                "sharing the app: see *Sign-in and roles* in the README.",
                icon=":material/lock_open:",
            )
        else:
            st.caption(ui.md("Signed in as **{}** ({})", current.name, current.role))
            st.button("Sign out", on_click=st.logout, icon=":material/logout:")
        # When something is wrong, the page itself explains it; the sidebar stays calm.
        try:
            store = ui.store()
        except StoreError:
            store = None
        try:
            # Rows typed into the tabs of a feature the coalition does not have count for nothing.
            stored = coalition.available_tables(store.read_all()) if store else {}
        except StoreError:
            stored = {}
        problems = ui.problem_count(stored)
        # Timed, so that a tab that lost its connection (the server restarted) runs its page
        # again as soon as it is back, before anyone presses anything.
        st.fragment(data_source_line, run_every=60)(store.label if store else "not connected")
        if store is not None:  # a hosted app on its embedded database would lose everything
            hosting_screen.warn_if_at_risk(store, current)
        if store is not None:
            # A linked Google Form's new responses come in as reports while anyone is here.
            import_screen.keep_form_flowing(store, stored)
        if store is not None and ui.sync_worker(store).outbox.waiting():
            ui.sync_worker(store).nudge()  # every page load is a chance to send them
            # Re-counted every few seconds, so the count goes once they are sent, with no reload.
            st.fragment(waiting_to_sync, run_every=5)(store)
        narrowed = health.access_findings(stored) if current.may("see restricted records") else []
        if narrowed:
            # Rows nobody can place are hidden from most members: a record "missing" for them.
            st.error(
                ui.md(
                    "**{} confidentiality problem{} in the data.** Rows whose visibility or "
                    "access cannot be read are treated as restricted until fixed; see Settings → "
                    "Data and sheet.",
                    len(narrowed),
                    "s" * (len(narrowed) != 1),
                ),
                icon=":material/visibility_off:",
            )
        if problems and current.may("change settings"):
            st.page_link(
                "pages/settings_data.py",
                label=ui.md("{} problem{} in the data", problems, "s" * (problems != 1)),
                icon=":material/warning:",
            )

    page.run()
