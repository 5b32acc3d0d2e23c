import time
from playwright.sync_api import Browser, expect
from tests.browser.test_crash import server, Server, report_tab  # noqa
from tests.browser.test_journeys import choose, press, type_into
from tests.browser.conftest import wait_for_app

def test_timing(browser: Browser, server: Server) -> None:
    server.start()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    first, second = context.new_page(), context.new_page()
    for page, cand in ((first, "Tom Whitaker"), (second, "Ray Dunmore")):
        t = time.monotonic()
        def m(x): print(f"{cand[:3]} {x}: {time.monotonic()-t:.2f}", flush=True)
        page.goto(f"{server.url}/report"); wait_for_app(page); m("goto")
        choose(page, "Candidate", cand); m("cand")
        type_into(page.get_by_label("Key takeaways"), "x " + cand); m("take")
        press(page, "Add a commitment"); m("add")
        type_into(page.get_by_label("What they committed to"), "c " + cand); m("commit")
        choose(page, "Issue", "Tenant right to counsel"); m("issue")
