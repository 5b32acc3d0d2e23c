"""axe-core's WCAG 2.0 and 2.1 A and AA checks, run inside the page by axe-playwright-python.

One helper for every browser test, with no exemptions: a violation fails the test and says which
rule, on which element, and what axe suggests doing about it.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from tests.browser.conftest import OUTPUT

WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_A_AA}, "resultTypes": ["violations"]}


def violations(page: Page) -> list[dict[str, Any]]:
    """What axe-core finds broken on the page as it is now."""
    return Axe().run(page, options=OPTIONS).response["violations"]


def describe(found: list[dict[str, Any]]) -> str:
    """Each rule broken, each element breaking it, and axe's suggested fix, for a person."""
    lines = []
    for violation in found:
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']}\n"
            f"  see {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            lines.append(f"  - element: {' '.join(map(str, node['target']))}")
            lines.append(f"    html: {' '.join(node['html'].split())[:300]}")
            fix = node.get("failureSummary") or ""
            lines += [f"    {line.strip()}" for line in fix.splitlines() if line.strip()]
    return "\n".join(lines)


def expect_accessible(page: Page, where: str = "") -> None:
    """Fail, saying what is wrong and how to fix it, unless axe-core finds nothing broken."""
    found = violations(page)
    if found:
        count = sum(len(violation["nodes"]) for violation in found)
        width = page.viewport_size["width"]
        # What the page looked like, beside the test's other screenshots.
        name = re.sub(r"[^\w-]+", "-", where or page.url).strip("-")
        shot = OUTPUT / f"axe-{name}-{width}.png"
        page.screenshot(path=shot)
        pytest.fail(
            f"axe-core: {len(found)} WCAG rule(s) broken on {count} element(s) at "
            f"{where or page.url} ({width} px wide; see {shot.name}):\n{describe(found)}",
            pytrace=False,
        )
