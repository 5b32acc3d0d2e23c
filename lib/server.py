"""What the app does once, when its server starts, before anyone opens a page.

`streamlit run app.py` finds the ``st.App`` that app.py makes when it is imported (rather than
run as the page script) and serves it; the App runs :func:`lifespan` at server start. Streamlit
has no other hook at start: without it, nothing of the app runs until a browser connects.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from lib import outbox, ui


@asynccontextmanager
async def lifespan(_app: object) -> AsyncIterator[None]:
    # Writes that waited through a restart go out as soon as the data source answers. In the
    # background: a data source that is slow to answer must not hold up the server.
    outbox.start_when_ready(ui.store, ui.sync_worker)
    yield
