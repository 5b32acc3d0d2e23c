"""Running the app under Streamlit's AppTest, on a SQLite database or on the Sheets fake."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from lib.store.sql import PROJECT_ROOT
from lib.text import WORD_JOINER

SERVICE_ACCOUNT = "tracker@coalition.iam.gserviceaccount.com"
SETTINGS_PAGES = (
    "pages/settings.py",
    "pages/settings_lists.py",
    "pages/settings_members.py",
    "pages/settings_data.py",
    "pages/settings_import.py",
    "pages/settings_goals.py",
)
PAGES = (
    "pages/overview.py",
    "pages/report.py",
    "pages/candidates.py",
    "pages/commitments.py",
    "pages/meeting.py",
    "pages/mine.py",
    *SETTINGS_PAGES,
)


@contextmanager
def router_always_runs() -> Iterator[None]:
    """Run every AppTest run through app.py, as a running server does after its first run.

    AppTest forgets between runs that app.py uses st.navigation, and would run a page file from
    pages/ on its own; ui.page_frame() then reruns through app.py, which drops a clicked button.
    The browser tests cover a fresh server's first request.
    """
    original = PagesManager.__init__

    def init(self: PagesManager, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init  # type: ignore[method-assign]
    try:
        yield
    finally:
        PagesManager.__init__ = original  # type: ignore[method-assign]


def app(page: str | None = None, secrets: dict | None = None, user: dict | None = None) -> AppTest:
    """The app after its first run, switched to ``page`` if given, as ``user`` if given."""
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    for name, value in (secrets or {}).items():
        at.secrets[name] = value
    if user is not None:
        at.user = user
    at.run()
    if page is not None:
        at.switch_page(page)
        at.run()
    return at


def sheet_secrets(key: str) -> dict:
    """secrets.toml for a Google Sheet, as a coalition would write it."""
    return {
        "connections": {
            "gsheets": {
                "spreadsheet": f"https://docs.google.com/spreadsheets/d/{key}/edit#gid=0",
                "type": "service_account",
                "client_email": SERVICE_ACCOUNT,
                "private_key": "-----BEGIN PRIVATE KEY-----\nfake\n-----END PRIVATE KEY-----\n",
                "token_uri": "https://oauth2.googleapis.com/token",
            }
        }
    }


def as_read(markdown: str) -> str:
    """What a person reads in an element's Markdown: the escapes that keep user text from being
    read as Markdown, and the invisible joiners that keep addresses from becoming links
    (lib/text.py), taken out."""
    return re.sub(r"\\(.)", r"\1", markdown).replace(WORD_JOINER, "")


def metrics(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def chart_texts(at: AppTest) -> list[str]:
    """What each chart on the page says: its specification and every value it draws (Streamlit
    sends a specification's inline data apart from it, as Arrow)."""
    texts = []
    for chart in at.get("vega_lite_chart"):
        texts.append(chart.proto.spec)
        if chart.proto.data.data:
            rows = convert_arrow_bytes_to_pandas_df(chart.proto.data.data)
            texts += [str(value) for value in rows.to_numpy().ravel()]
    return texts
