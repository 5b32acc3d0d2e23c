"""A Google Form that keeps running: its responses tab linked once, its new responses brought in
as reports from then on.

The link (the tab, the saved mapping and the admin who made it) is one coalition setting, so
every session of every server sees it. Bringing responses in is :func:`plan_import` with that
mapping, written in one :meth:`Store.change`: rows get ids derived from the Form and the
response, so a response is added once however many sessions notice it. A response that cannot be
read stays in the plan's problems, for a person to fix in the sheet; nothing is dropped silently.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from lib import coalition
from lib.imports.plan import ImportPlan, plan_import
from lib.store import Store

SETTING = "linked_form"
#: how often one server looks at the linked tab at most: the Google Sheet's own cache time
CHECK_SECONDS = 30.0


class LinkUnreadable(ValueError):
    """The stored link was edited by hand into something that cannot be read."""


@dataclass(frozen=True)
class LinkedForm:
    tab: str
    mapping: dict[str, Any]
    linked_by: str
    linked_at: str = ""


@dataclass(frozen=True)
class Outcome:
    """What one look at the linked tab did."""

    added: int = 0
    problems: list[str] = field(default_factory=list)
    error: str = ""


def link_value(tab: str, mapping: Mapping[str, Any], linked_by: str, linked_at: str) -> str:
    """The setting's value: the link as JSON, readable in the sheet."""
    return json.dumps(
        {"tab": tab, "mapping": dict(mapping), "linked_by": linked_by, "linked_at": linked_at},
        ensure_ascii=False,
    )


def read_link(settings: coalition.Settings) -> LinkedForm | None:
    """The linked Form, or None when none is linked. A value that cannot be read raises
    :class:`LinkUnreadable`: the page says so rather than guessing what was meant."""
    text = settings.linked_form.strip()
    if not text:
        return None
    try:
        stored = json.loads(text)
        link = LinkedForm(
            tab=str(stored["tab"]),
            mapping=dict(stored["mapping"]),
            linked_by=str(stored["linked_by"]),
            linked_at=str(stored.get("linked_at", "")),
        )
    except (ValueError, KeyError, TypeError) as error:
        raise LinkUnreadable(
            "The linked Form's setting cannot be read (it may have been edited in the sheet). "
            "Link the Form again in Settings → Import."
        ) from error
    if not link.tab or link.mapping.get("kind") != "reports":
        raise LinkUnreadable("The linked Form's setting names no tab or no report mapping.")
    return link


def plan_new_responses(
    frame: pd.DataFrame, link: LinkedForm, tables: Mapping[str, pd.DataFrame], today: date
) -> ImportPlan:
    """The reports the linked tab's responses would add now: only those not yet stored."""
    return plan_import(frame, "reports", tables, link.mapping, author=link.linked_by, today=today)


def bring_in(
    store: Store,
    read_tab: Callable[[str], pd.DataFrame],
    authorise: Callable[[str], object],
    today: date,
) -> Outcome:
    """Look at the linked tab once and add its new responses in one write.

    ``authorise(linked_by)`` is asked at the moment of writing whether the admin who linked the
    Form may still change settings (it raises otherwise): a link made by someone since removed
    brings nothing in."""
    tables = store.read_all()
    try:
        link = read_link(coalition.settings_of(tables))
    except LinkUnreadable as error:
        return Outcome(error=str(error))
    if link is None:
        return Outcome()
    plan = plan_new_responses(read_tab(link.tab), link, tables, today)
    if not plan.new:
        return Outcome(problems=plan.problems)
    authorise(link.linked_by)
    store.change([], plan.rows)  # with the plan's audit row naming the tab
    return Outcome(added=plan.new, problems=plan.problems)


_LAST_LOOK: dict[str, float] = {}
_LOOKING = threading.Lock()


def due(identity: str, now: float | None = None) -> bool:
    """Whether this server should look at the linked tab of the store ``identity`` now: at most
    once per :data:`CHECK_SECONDS`. The first session to ask takes the turn; the others skip."""
    now = time.monotonic() if now is None else now
    with _LOOKING:
        if now - _LAST_LOOK.get(identity, float("-inf")) < CHECK_SECONDS:
            return False
        _LAST_LOOK[identity] = now
        return True
