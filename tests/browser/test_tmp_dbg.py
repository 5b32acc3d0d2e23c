import time
from playwright.sync_api import Browser, expect
from tests.browser.test_crash import server, Server, queue_report, write_lock, wait_for_row  # noqa
from tests.browser.conftest import wait_for_app

def test_dbg(browser: Browser, server: Server) -> None:
    waiting = queue_report(server, "Queued while the database was locked")
    lock = write_lock(server.database)
    server.start()
    page = browser.new_context().new_page()
    page.goto(f"{server.url}/report?draft={waiting}")
    wait_for_app(page)
    expect(page.get_by_text("Report kept on this computer.")).to_be_visible()
    t0 = time.monotonic()
    log = []
    def on_ws(ws):
        log.append((round(time.monotonic()-t0,2), "ws open", ws.url))
        ws.on("framereceived", lambda p: log.append((round(time.monotonic()-t0,2), "recv", len(p))))
        ws.on("framesent", lambda p: log.append((round(time.monotonic()-t0,2), "sent", len(p))))
    page.on("websocket", on_ws)
    server.kill()
    log.append((round(time.monotonic()-t0,2), "killed"))
    server.start()
    log.append((round(time.monotonic()-t0,2), "started"))
    for _ in range(100):
        page.wait_for_timeout(100)
    log.append((round(time.monotonic()-t0,2), "lock released"))
    lock.close()
    for _ in range(50):
        page.wait_for_timeout(100)
    print(*log, sep="\n")
    print(page.locator("[data-testid='stMain']").inner_text()[:300])
