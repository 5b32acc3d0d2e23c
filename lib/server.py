"""What the app does once, when its server starts, before anyone opens a page.

`streamlit run app.py` finds the ``st.App`` that app.py makes when it is imported (rather than
run as the page script) and serves it; the App runs :func:`lifespan` at server start. Streamlit
has no other hook at start: without it, nothing of the app runs until a browser connects.
"""

from __future__ import annotations

import gc
import importlib
import logging
import pkgutil
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import lib
from lib import outbox, ui
from lib.store import StoreError

_LOG = logging.getLogger(__name__)


@asynccontextmanager
async def lifespan(_app: object) -> AsyncIterator[None]:
    # Writes that waited through a restart go out as soon as the data source answers. In the
    # background: a data source that is slow to answer must not hold up the server.
    outbox.start_when_ready(ui.store, ui.sync_worker)
    threading.Thread(target=warm_up, name="warm-up", daemon=True).start()
    yield


def warm_up() -> None:
    """Do now what the first visitor would otherwise wait for: import every module the pages
    use (the PDF and spreadsheet writers alone take about a second) and read the data once."""
    for module in pkgutil.walk_packages(lib.__path__, "lib."):
        importlib.import_module(module.name)
    try:
        ui.store().read_all()
    except StoreError as error:  # the page will say it; the outbox keeps trying to connect
        _LOG.warning("The data source could not be read at start (%s).", error)
    # What start-up made lives as long as the server: the collector need not look at it again.
    gc.freeze()
