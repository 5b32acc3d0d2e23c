"""How long each page takes to be fully drawn in a real browser, for `make bench`.

The page reruns in bench/run.py time the page script alone, through AppTest. Someone opening a
page waits for more: the websocket, the transfer of the elements, the JavaScript of each kind of
element (fetched and compiled when the first one is shown: the chart library costs a second or
more on a page load, the reason lib/charts.py draws with Vega-Lite rather than plotly) and the
drawing of the charts. This serves the app with `streamlit run` and opens each page in headless
Chromium, timing it from navigation start (``page.goto``) until it is fully drawn:

- the script has finished (``stApp`` says ``data-test-script-state="notRunning"``) and the
  running indicator is gone;
- no skeleton is left (an element whose JavaScript is still loading is shown as one);
- every chart shown has drawn its axes, and every table in view its canvas (a chart or
  table in a closed expander or another tab is not drawn until opened);
- and all of that still holds a moment later, so a chart that arrives late is waited for.

Each page gets a fresh server: its first visit, in a new browser context (an empty HTTP cache),
is what someone opening that page just after a restart waits for. The warm visits follow on the
same server, each in a new tab of that same context: the static files come from the browser's
cache, and the server has run the page before, but each tab is a new session, so the page script
runs in full every time.
"""

from __future__ import annotations

import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lib.store import Store
from lib.store.sql import SqlStore

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext

WARM_VISITS = 5
VISIT_SECONDS = 60
SETTLE_MS = 500
VIEWPORT = {"width": 1440, "height": 900}

# In the page: false until it is fully drawn, then when (ms since navigation start) and what was
# drawn; a Streamlit exception ends the wait at once. With ``settled``, the script state is not
# asked for again: a timed fragment may be running by then.
DRAWN = """settled => {
    const exception = document.querySelector("[data-testid='stException']");
    if (exception) {
        const message = exception.querySelector("[data-testid='stExceptionMessage']");
        const rows = [...exception.querySelectorAll("[data-testid='stExceptionTraceRow']")];
        const where = rows.length ? ` (${rows[rows.length - 1].innerText.trim()})` : "";
        return {exception: (message || exception).innerText.trim() + where};
    }
    const app = document.querySelector("[data-testid='stApp']");
    if (!settled) {
        if (!app || app.getAttribute("data-test-script-state") !== "notRunning") return false;
        if (document.querySelector("[data-testid='stStatusWidget']")) return false;
    }
    if (document.querySelector("[data-testid='stSkeleton']")) return false;
    const shown = selector => [...document.querySelectorAll(selector)].filter(
        element => element.checkVisibility()
    );
    const charts = shown("[data-testid='stVegaLiteChart']");
    if (charts.some(chart => !chart.querySelector("svg .role-axis-label, canvas"))) return false;
    const inView = shown("[data-testid='stDataFrame']").filter(table => {
        const box = table.getBoundingClientRect();
        return box.top < window.innerHeight && box.bottom > 0;
    });
    if (inView.some(table => !table.querySelector("canvas"))) return false;
    return {
        at: performance.now(),
        charts: charts.length,
        tables: inView.length,
        connected: window.__socket?.opened ?? null,
        lastMessage: window.__socket?.lastMessage ?? null,
    };
}"""

# Notes when the page's websocket opened (Streamlit's own JavaScript has loaded and started) and
# when its last message arrived (the script has finished and every element has been sent), so
# the time to drawn splits into loading, the script with the transfer, and drawing.
SOCKET_TIMES = """(() => {
    const Native = window.WebSocket;
    window.__socket = {opened: null, lastMessage: null};
    window.WebSocket = class extends Native {
        constructor(...args) {
            super(...args);
            this.addEventListener("open", () => {
                window.__socket.opened = window.__socket.opened ?? performance.now();
            });
            this.addEventListener("message", () => {
                window.__socket.lastMessage = performance.now();
            });
        }
    };
})();"""


def url_path(page: str) -> str:
    """The address of a page file in pages/: the overview is the app's root, and a Settings page
    after the first goes without its prefix (pages/settings_lists.py is /lists)."""
    name = Path(page).stem
    return "" if name == "overview" else name.removeprefix("settings_")


def browser_lines(label: str, fill: Callable[[Store], object]) -> list[str]:
    """Time to fully drawn of each page in Chromium, on a SQLite database ``fill`` has filled:
    the first visit after a server start, and the median of the warm visits that follow."""
    from playwright.sync_api import sync_playwright

    from tests.apptest import PAGES
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, OUTPUT

    if not CHROMIUM.exists():
        raise RuntimeError(f"Chromium is missing at {CHROMIUM}: apt-get install chromium")
    OUTPUT.mkdir(exist_ok=True)
    lines = []
    with tempfile.TemporaryDirectory() as directory:
        database_url = f"sqlite:///{Path(directory) / 'browser.db'}"
        store = SqlStore(database_url)
        store.ensure_schema()
        fill(store)
        store.engine.dispose()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            try:
                for page in PAGES:
                    path = url_path(page)
                    log = (
                        OUTPUT / f"streamlit-bench-{label.replace(' ', '-')}-{Path(page).stem}.log"
                    )
                    first, warm = page_visits(browser, database_url, path, log)
                    lines.append(
                        f"| `/{path}` time to drawn in Chromium, {label} "
                        f"(median of {WARM_VISITS} warm; first visit {first.drawn:.0f} ms) | "
                        f"{median_of(warm, 'drawn')} ms (socket open at "
                        f"{median_of(warm, 'connected')}, last element at "
                        f"{median_of(warm, 'last_message')}) |"
                    )
            finally:
                browser.close()
    return lines


@dataclass(frozen=True)
class Visit:
    """Milliseconds from navigation start until the page's websocket opened, its last message
    arrived, and it was fully drawn."""

    connected: float
    last_message: float
    drawn: float


def median_of(visits: list[Visit], moment: str) -> str:
    return f"{statistics.median(getattr(visit, moment) for visit in visits):,.0f}"


def page_visits(
    browser: Browser, database_url: str, path: str, log: Path
) -> tuple[Visit, list[Visit]]:
    """The first visit to ``path`` on a fresh server, and the warm ones that follow."""
    from tests.browser.conftest import start_app

    process, url = start_app(database_url, log)
    try:
        context = browser.new_context(viewport=VIEWPORT)
        context.add_init_script(SOCKET_TIMES)
        try:
            first = time_to_drawn(context, f"{url}/{path}", log)
            warm = [time_to_drawn(context, f"{url}/{path}", log) for _ in range(WARM_VISITS)]
        finally:
            context.close()
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return first, warm


def time_to_drawn(context: BrowserContext, url: str, log: Path) -> Visit:
    """How long the page at ``url`` took to be fully drawn, in a new tab."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    deadline = time.monotonic() + VISIT_SECONDS
    page = context.new_page()
    try:
        try:
            page.goto(url, wait_until="commit", timeout=VISIT_SECONDS * 1000)
            while True:
                remaining_ms = (deadline - time.monotonic()) * 1000
                if remaining_ms <= 0:
                    raise PlaywrightTimeout("deadline passed")
                drawn = page.wait_for_function(
                    DRAWN, arg=False, polling="raf", timeout=remaining_ms
                ).json_value()
                check_no_exception(drawn, url, log)
                page.wait_for_timeout(SETTLE_MS)
                settled = page.evaluate(DRAWN, True)
                check_no_exception(settled, url, log)
                if settled and (settled["charts"], settled["tables"]) == (
                    drawn["charts"],
                    drawn["tables"],
                ):
                    return Visit(drawn["connected"], drawn["lastMessage"], drawn["at"])
        except PlaywrightTimeout:
            raise RuntimeError(
                f"{url} was not fully drawn within {VISIT_SECONDS} s; see {log}"
            ) from None
    finally:
        page.close()


def check_no_exception(drawn: object, url: str, log: Path) -> None:
    if isinstance(drawn, dict) and "exception" in drawn:
        raise RuntimeError(f"{url} shows a Streamlit exception: {drawn['exception']}; see {log}")
