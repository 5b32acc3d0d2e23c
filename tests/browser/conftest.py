"""A real app server and a real Chromium for the browser tests.

Chromium comes from Debian (/usr/bin/chromium); the tests fail rather than skip without it, so a
machine that cannot run them never passes silently.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import requests
from oidc_provider_mock import run_server_in_thread
from playwright.sync_api import Browser, Page, sync_playwright

from lib.sample import load_sample
from lib.store.sql import PROJECT_ROOT, SqlStore
from tests.pgserver import free_port

CHROMIUM = Path("/usr/bin/chromium")
OUTPUT = PROJECT_ROOT / "test-output"
# Without these, Chromium keeps trying to reach Google's services through a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class AppServer:
    url: str
    database_url: str


def start_app(
    database_url: str,
    log: Path,
    *,
    port: int | None = None,
    host: str = "127.0.0.1",
    extra: tuple[str, ...] = (),
) -> tuple[subprocess.Popen, str]:
    """`streamlit run app.py` on its own database; returns once it answers its health check."""
    port = port or free_port()
    env = {**os.environ, "TRACKER_DATABASE_URL": database_url}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--server.fileWatcherType",
            "none",
            *extra,
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://{host}:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early; see {log}")
        try:
            if requests.get(f"{url}/_stcore/health", timeout=2).text == "ok":
                return process, url
        except (requests.ConnectionError, requests.Timeout):
            pass  # not listening yet, or listening while it still loads the app
        time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"streamlit did not become healthy in 60 s; see {log}")


@contextmanager
def sample_server(directory: Path, name: str) -> Iterator[AppServer]:
    """The app on its own SQLite database in ``directory``, holding the sample coalition."""
    OUTPUT.mkdir(exist_ok=True)
    database_url = f"sqlite:///{directory / 'tracker.db'}"
    store = SqlStore(database_url)
    store.ensure_schema()
    load_sample(store, date.today())
    store.engine.dispose()
    process, url = start_app(database_url, OUTPUT / f"streamlit-{name}.log")
    try:
        yield AppServer(url, database_url)
    finally:
        process.terminate()
        process.wait(timeout=20)


@contextmanager
def signed_server(
    directory: Path, name: str, prepare: Callable[[SqlStore], None] | None = None
) -> Iterator[tuple[str, SqlStore]]:
    """The sample coalition's app with sign-in on, against a local OpenID provider; yields its
    URL and its store. ``prepare`` changes the data before the app starts."""
    OUTPUT.mkdir(exist_ok=True)
    database_url = f"sqlite:///{directory / 'tracker.db'}"
    store = SqlStore(database_url)
    store.ensure_schema()
    load_sample(store, date.today())
    if prepare is not None:
        prepare(store)
    port = free_port()
    with run_server_in_thread() as provider:
        secrets = directory / "secrets.toml"
        secrets.write_text(
            "[auth]\n"
            f'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
            'cookie_secret = "a-long-random-secret-used-only-by-this-test"\n'
            'client_id = "coalition-tracker"\n'
            'client_secret = "test-secret"\n'
            f'server_metadata_url = "http://localhost:{provider.server_port}'
            '/.well-known/openid-configuration"\n'
        )
        # The provider sends the browser back to "localhost", so the app is reached by that name.
        process, url = start_app(
            database_url,
            OUTPUT / f"streamlit-{name}.log",
            port=port,
            host="localhost",
            extra=("--secrets.files", str(secrets)),
        )
        try:
            yield url, store
        finally:
            process.terminate()
            process.wait(timeout=20)


def sign_in(page: Page, url: str, email: str) -> None:
    """Sign in through the local OpenID provider, which asks only for the account's subject."""
    page.goto(url)
    wait_for_app(page)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/oauth2/authorize**")
    page.locator("input[name=sub]").fill(email)
    page.locator("button[type=submit][value=authorize], button[type=submit]").first.click()
    page.wait_for_url(f"{url}/**")
    wait_for_app(page)


@pytest.fixture(scope="session")
def sample_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """The app with the sample coalition, shared by the journeys that only add to it."""
    with sample_server(tmp_path_factory.mktemp("browser"), "sample") as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            "Chromium is missing: install Debian's chromium package "
            "(apt-get install chromium); .ci/run does this."
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    opened = context.new_page()
    yield opened
    context.close()


# What each kind of element draws once it has loaded its data.
DRAWINGS = {
    "[data-testid='stVegaLiteChart']": "svg .role-axis-label",
    "[data-testid='stDataFrame']": "canvas",
}


def wait_for_drawing(page: Page) -> None:
    """Wait until every chart and table shown has drawn. They load after the script, and a
    table draws only once scrolled into view; those in a closed tab or expander are skipped."""
    wait_for_app(page)
    page.wait_for_function(
        "() => !document.querySelector(\"[data-testid='stSkeleton']\")", timeout=30_000
    )
    for selector, drawing in DRAWINGS.items():
        elements = page.locator(selector)
        for index in range(elements.count()):
            element = elements.nth(index)
            if element.is_visible():
                element.scroll_into_view_if_needed()
                element.locator(drawing).first.wait_for(state="attached", timeout=30_000)
    page.locator("[data-testid='stMain'] h1").first.scroll_into_view_if_needed()  # back to the top


def wait_for_app(page: Page) -> None:
    """Wait until Streamlit has finished running the page's script."""
    page.wait_for_selector("[data-testid='stMain'] h1", timeout=30_000)
    page.wait_for_function(
        "() => !document.querySelector(\"[data-testid='stStatusWidget']\")", timeout=30_000
    )
