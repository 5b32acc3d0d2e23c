"""Streamlit glue shared by the pages: the store for this app, and its data or a clear error."""

from __future__ import annotations

import json
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from lib import access, drafts, outbox, owners, schema, visibility
from lib.my_followups import mine
from lib.store import Store, StoreError, open_store
from lib.store.sql import PROJECT_ROOT
from lib.text import Markdown, md

_LAST_READ = "ui.last_read"
T = TypeVar("T")


def page_frame() -> None:
    """Make sure this page runs inside app.py's router; every page calls this first.

    A page file in pages/ can be run on its own when it is the first page a fresh server is asked
    for (Streamlit's older pages-directory convention), which would skip app.py's navigation and
    sidebar. Turning that convention off and rerunning sends the run through app.py.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def secrets() -> dict:
    """The app's secrets, or none when no secrets.toml exists (the embedded default)."""
    try:
        return st.secrets.to_dict()
    except FileNotFoundError:
        return {}


@st.cache_resource(show_spinner="Connecting to the coalition's data…")
def _open_store(configuration: str) -> Store:
    return open_store(json.loads(configuration))


def store() -> Store:
    """The store for the current configuration; changing the secrets opens a new one."""
    configuration = {
        "connections": secrets().get("connections", {}),
        "override": os.environ.get("TRACKER_DATABASE_URL", ""),
    }
    return _open_store(json.dumps(configuration, sort_keys=True, default=str))


def outbox_path() -> Path:
    """Where writes wait while the store is unreachable; TRACKER_OUTBOX_PATH moves it (tests)."""
    return Path(os.environ.get("TRACKER_OUTBOX_PATH") or PROJECT_ROOT / "data" / "outbox.db")


@st.cache_resource
def _sync_worker(path: str, identity: str, _store: Store) -> outbox.SyncWorker:
    return outbox.SyncWorker(outbox.Outbox(Path(path), identity), _store)


def sync_worker(store: Store) -> outbox.SyncWorker:
    """The background sender of this store's waiting writes (one per process and store)."""
    return _sync_worker(str(outbox_path()), store.identity, store)


@st.cache_resource
def _drafts(path: str) -> drafts.Drafts:
    return drafts.Drafts(Path(path))


def report_drafts() -> drafts.Drafts:
    """Unsent report drafts, kept beside the outbox."""
    return _drafts(str(outbox_path()))


def store_or_stop() -> Store:
    try:
        return store()
    except StoreError as error:
        st.error(
            md("**The coalition's data cannot be opened.** {}", error), icon=":material/error:"
        )
        st.stop()


def sign_in_configured() -> bool:
    return "auth" in secrets()


def member() -> access.Member | None:
    """Who is using the app: the local admin when sign-in is off; else the signed-in member, or
    None for someone signed out or not on the members list."""
    if not sign_in_configured():
        return access.LOCAL
    if not st.user.get("is_logged_in"):
        return None
    members = _all_tables(quiet=True)[1]["members"]
    return access.member_for(str(st.user.get("email") or ""), members)


AUTH_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")


def show_sign_in() -> None:
    """The only thing someone who is not a signed-in member sees."""
    st.title("Coalition Tracker")
    settings = secrets().get("auth")
    missing = [
        key
        for key in AUTH_KEYS
        if not isinstance(settings, dict) or not str(settings.get(key, "")).strip()
    ]
    if missing:
        st.error(
            md(
                "Sign-in is set up but auth.{} is missing in .streamlit/secrets.toml{}. See "
                "*Sign-in and roles* in the README.",
                missing[0],
                f" (and {', '.join(missing[1:])})" if missing[1:] else "",
            ),
            icon=":material/error:",
        )
        return
    if not st.user.get("is_logged_in"):
        st.write(
            "This is your coalition's private tracker. Sign in with the account your "
            "coalition knows you by."
        )
        st.button("Sign in", type="primary", on_click=st.login, icon=":material/login:")
        return
    st.info(
        md(
            "You are signed in as {}, but that address is not on your coalition's members "
            "list yet. Please ask your coalition admin for access; they can add you in Settings "
            "→ Members.",
            st.user.get("email", ""),
        ),
        icon=":material/lock:",
    )
    st.button("Sign out", on_click=st.logout, icon=":material/logout:")


def require(action: str) -> access.Member:
    """The current member, or a plain explanation and a stop if their role may not do this."""
    current = member()
    if current is None or not current.may(action):
        role = current.role if current else "visitor"
        st.info(
            md(
                "Your role ({}) does not allow you to {}. Ask your coalition admin if you need to.",
                role,
                action,
            ),
            icon=":material/lock:",
        )
        st.stop()
    return current


def authorise(action: str) -> access.Member:
    """The current member, if a fresh read of the members list still lets them ``action``.

    Called at the moment of writing, not when the form was drawn: a member made viewer or
    deactivated while their form was open must not be able to save it. Raises
    :class:`lib.access.NotAllowed` (a StoreError, so forms keep what was typed).
    """
    current = member()
    if current is None:
        raise access.NotAllowed(
            "Your access was removed or deactivated, so this was not saved. Ask your coalition "
            "admin if you need access; what you typed is still here."
            if st.user.get("is_logged_in")
            else "You are not signed in any more. Sign in again to save."
        )
    if current is access.LOCAL:  # sign-in is off: the one local user is the admin
        return current
    return access.authorise(store(), current.email, action)


def permit(action: str) -> list[dict]:
    """The permission check to send with a write (see lib.outbox.check_op): the writer's role
    is read afresh when the write is made, now or, if the data source is down, when the
    outbox sends it. Nothing to check with sign-in off (the one local user is the admin)."""
    current = member()
    if current is access.LOCAL:
        return []
    return [outbox.check_op(current.email if current else "", action)]


def tables(*, shared_screen: bool = False) -> dict[str, pd.DataFrame]:
    """Every table as the current member may see it (see lib.access.visible_for); with
    ``shared_screen``, only what the whole coalition may see, whoever is signed in. When the
    store cannot be read, the last copy this session read, said to be such, so pages keep working
    and forms keep what was typed."""
    number, frames = _all_tables()
    return _visible(number, frames, shared_screen)


def derived(compute: Callable[..., T], *args: Hashable, shared_screen: bool = False) -> T:
    """``compute(tables(shared_screen=...), *args)``, kept until the data or the viewer changes:
    a page reruns on every click, and on a large coalition the computing is what takes time.
    The value is shared between sessions, so callers never change it. The page says when the
    data cannot be read (it calls :func:`tables` first)."""
    number, frames = _all_tables(quiet=True)
    if number is None:
        return compute(_visible(number, frames, shared_screen), *args)
    # By file and name: a page's own functions are new objects on every run of its script, and
    # every page script runs as the module __main__.
    if "<" in compute.__qualname__:
        raise ValueError("derived() needs a named function, not a lambda or a nested one.")
    what = (compute.__code__.co_filename, compute.__qualname__)
    key = (store().identity, number, _viewer(), shared_screen, what, args)
    return _keep(key, lambda: compute(_visible(number, frames, shared_screen), *args))


def people() -> tuple[owners.Person, ...]:
    """Everyone an owner cell can name (active members, partners' contacts), from the whole
    snapshot: members are listed to admins only, so these names and addresses are for matching
    owners and never to be shown."""
    number, frames = _all_tables(quiet=True)

    def build() -> tuple[owners.Person, ...]:
        return tuple(owners.people(frames["members"], frames["partners"]))

    return build() if number is None else _keep((store().identity, number, "people"), build)


def owner_choices() -> list[str]:
    """The owners a form offers: the coalition's active members, by name."""
    number, frames = _all_tables(quiet=True)

    def build() -> list[str]:
        return owners.choices(frames["members"])

    if number is None:
        return build()
    return list(_keep((store().identity, number, "owner choices"), build))


def follow_ups_title(current: access.Member | None) -> str:
    """My follow-ups' name in the navigation, with how many of the signed-in member's items are
    overdue or due within a week. Nobody's with sign-in off: the local admin is no owner."""
    if current is None or current is access.LOCAL:
        return mine.page_name(None)
    # Before every page: one read of the snapshot, and the count kept until the data changes.
    number, frames = _all_tables(quiet=True)
    today = date.today()

    def count() -> int:
        return mine.member_due_count(frames, current, today)

    if number is None:
        return mine.page_name(count())
    key = (store().identity, number, current, "follow-ups due", today)
    return mine.page_name(_keep(key, count))


def _viewer() -> access.Member:
    return member() or access.Member("", "", "viewer")


def _visible(
    number: int | None, frames: dict[str, pd.DataFrame], shared_screen: bool
) -> dict[str, pd.DataFrame]:
    current = _viewer()

    def visible() -> dict[str, pd.DataFrame]:
        shown = access.visible_for(frames, current)
        return visibility.visible_tables(shown, visibility.COALITION) if shared_screen else shown

    if number is None:
        return visible()
    kept = _keep((store().identity, number, current, shared_screen), visible)
    return {name: frame.copy(deep=False) for name, frame in kept.items()}


_KEPT: OrderedDict[Hashable, Any] = OrderedDict()
_KEPT_LOCK = threading.Lock()
_KEPT_MOST = 32  # values of older snapshots are dropped first


def _keep(key: Hashable, compute: Callable[[], T]) -> T:
    with _KEPT_LOCK:
        if key in _KEPT:
            _KEPT.move_to_end(key)
            return _KEPT[key]
    value = compute()
    with _KEPT_LOCK:
        _KEPT[key] = value
        while len(_KEPT) > _KEPT_MOST:
            _KEPT.popitem(last=False)
    return value


def _all_tables(*, quiet: bool = False) -> tuple[int | None, dict[str, pd.DataFrame]]:
    """The store's snapshot number and tables; no number when it cannot be read and this is
    the last copy the session read."""
    store = store_or_stop()
    try:
        number, frames = store.read_snapshot()
    except StoreError as error:
        last = st.session_state.get(_LAST_READ)
        if last is None or last[0] is not store:
            st.error(
                md("**The coalition's data cannot be read.** {}", error), icon=":material/error:"
            )
            st.stop()
        if quiet:  # the page says it, once
            return None, last[2]
        st.warning(
            md(
                "**The data source cannot be read right now**, so this page shows the data as "
                "it was at {:%H:%M}. {}",
                last[1],
                error,
            ),
            icon=":material/cloud_off:",
        )
        return None, last[2]
    st.session_state[_LAST_READ] = (store, datetime.now(), frames)
    return number, frames


def filters_from_url(fields: dict[str, tuple[str, list[str] | None]], page: str) -> None:
    """Fill filter widgets from the URL when it changed from outside (a shared link).

    ``fields`` maps URL key -> (widget key, allowed values, or None for free text). Values that
    name nothing real are dropped, so a stale link never breaks the page.
    """
    url = {name: st.query_params.get_all(name) for name in fields}
    if url == st.session_state.get(f"{page}.url"):
        return
    for name, (widget, allowed) in fields.items():
        values = url[name]
        if allowed is None:
            st.session_state[widget] = values[0] if values else ""
        else:
            st.session_state[widget] = [value for value in values if value in set(allowed)]
    st.session_state[f"{page}.url"] = url


def filters_to_url(fields: dict[str, tuple[str, list[str] | None]], page: str) -> None:
    """Write the filter widgets' values into the URL, so the address reproduces the view."""
    url = {}
    for name, (widget, _) in fields.items():
        value = st.session_state.get(widget)
        url[name] = [value] if isinstance(value, str) and value else list(value or [])
    if url != st.session_state.get(f"{page}.url"):
        st.query_params.from_dict({name: values for name, values in url.items() if values})
        st.session_state[f"{page}.url"] = url


def chart(spec: dict[str, Any], key: str) -> None:
    """A chart as lib.charts styled it (Streamlit's theme would grey out the labels)."""
    st.vega_lite_chart(spec=spec, width="stretch", theme=None, key=key)


def last_tables() -> dict[str, pd.DataFrame]:
    """The tables this session last read (the data on screen), even if the store is down now."""
    return st.session_state[_LAST_READ][2]


def visibility_choice(key: str, help_text: str | None = None) -> str:
    """Who may see what is being made: a drop-down of the visibilities, coalition first chosen."""
    return st.selectbox(
        "Visibility",
        schema.VISIBILITY.values,
        index=1,
        format_func=schema.VISIBILITY.label,
        key=key,
        help=md("{}", help_text) if help_text else None,
    )


def author() -> str:
    """Who is making a change, for created_by and the audit."""
    current = member()
    return current.email if current else "unknown"


def author_name() -> str:
    current = member()
    return current.name if current and current is not access.LOCAL else ""


__all__ = ["Markdown", "md"]  # every text with user values reaches Streamlit through md()


def problem_count(frames: dict[str, pd.DataFrame]) -> int:
    return sum(len(schema.problems_of(frame)) for frame in frames.values())


_DOWNLOADS = "ui.downloads"


class DownloadBuild:
    """One download button's file, built when clicked on a thread of Streamlit's own.

    Streamlit calls the builder outside the page script, where nothing can be shown, and on an
    error only shows a generic note under the button for a few seconds. This remembers the
    failure so the page can say so when it next runs.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.failure: Exception | None = None

    def run(self, build: Callable[[], bytes], name: str) -> bytes:
        try:
            return build()
        except Exception as error:
            logging.getLogger(__name__).exception("Building the download %s failed", name)
            with self._lock:
                self.failure = error
            raise  # Streamlit then sends no file rather than a broken one

    def take_failure(self) -> Exception | None:
        with self._lock:
            failure, self.failure = self.failure, None
            return failure


def download(
    label: str,
    build: Callable[[], bytes],
    file_name: str,
    mime: str,
    *,
    key: str | None = None,
    icon: str = ":material/download:",
) -> None:
    """A download button whose file is built only when clicked; if building it fails, the
    failure is logged and the page says so in plain words instead of downloading nothing."""
    from lib.export import safe_file_name

    key = key or f"download.{label}"
    builds = st.session_state.setdefault(_DOWNLOADS, {})
    state = builds.setdefault(key, DownloadBuild())
    st.download_button(
        md("{}", label),  # a plain label shows as typed; one built by md() goes in as it is
        lambda: state.run(build, file_name),
        file_name=safe_file_name(file_name),
        mime=mime,
        icon=icon,
        key=key,
        # No rerun on click: a rerun would replace the button (on the meeting screen, inside a
        # refreshing fragment) while the browser is still asking for its file.
        on_click="ignore",
    )
    if state.take_failure() is not None:
        st.error(
            "The file could not be made, so nothing was downloaded. Try again; if it fails "
            "again, tell whoever runs this app (the details are in its log).",
            icon=":material/error:",
        )
