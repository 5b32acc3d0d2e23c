"""One agenda section drawn for a room: large type, and no more than fits on one screen."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from lib import text, ui
from lib.goals import screen as goals_screen
from lib.meeting import agenda

# Type that scales with the screen, as slides do: at least 24 px at 1920x1080 (about 28 px,
# and 25 px with a browser's bars taking 120 px of the height), and a section still fits at
# 1280x720 (about 18.5 px). Never below 16 px, however small the window.
STYLE = """<style>
[data-testid="stMain"] { --present-text: max(16px, min(2.6vh, 1.45vw)); }
[data-testid="stMainBlockContainer"] { padding: 1.25rem 2.5rem 1rem; max-width: none; }
[data-testid="stHeader"] { display: none; }
[data-testid="stMain"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMain"] [data-testid="stMarkdownContainer"] li,
[data-testid="stMain"] [data-testid="stWidgetLabel"] p,
[data-testid="stMain"] input,
[data-testid="stMain"] [data-testid="stDateInput"] [role="spinbutton"],
[data-testid="stMain"] [data-baseweb="select"] div,
[data-testid="stMain"] button p,
[data-testid="stMain"] [data-testid="stPageLink"] p {
  font-size: var(--present-text); line-height: 1.35;
}
[data-testid="stMain"] li { margin-bottom: 0.2em; }
[data-testid="stMain"] h1 { font-size: calc(var(--present-text) * 1.8); padding: 0.2em 0; }
[data-testid="stMain"] h3 { font-size: calc(var(--present-text) * 1.15); padding: 0.4em 0 0.2em; }
[data-testid="stMain"] [data-testid="stCaptionContainer"] p {
  font-size: calc(var(--present-text) * 0.9);
}
[data-testid="stMain"] [data-testid="stMarkdownContainer"] { overflow-wrap: anywhere; }
</style>"""


def style() -> None:
    st.html(STYLE)


def bullets(lines: Sequence[str], more: int = 0) -> None:
    if lines:
        st.markdown(text.join("\n", [ui.md("- {}", line) for line in lines]))
    if more:
        st.caption(ui.md("…and {} more (in the report-back and the minutes).", f"{more:,}"))


def lines_of(section: agenda.AgendaSection, most: int = agenda.SCREEN_LINES) -> None:
    """A section's own lines, or what it says when it has none."""
    if not section.lines:
        st.markdown(ui.md("{}", section.empty))
        return
    shown, more = agenda.screenful(section.lines, most)
    bullets(shown, more)


def parts_of(section: agenda.AgendaSection, most: int = agenda.SCREEN_LINES) -> None:
    """Groups one under another (the education needs of each issue)."""
    if not any(part.lines for part in section.parts):
        st.markdown(ui.md("{}", section.empty))
        return
    shown, more = agenda.fit_parts([part for part in section.parts if part.lines], most)
    for part in shown:
        st.subheader(ui.md("{}", agenda.clip(part.heading, agenda.HEADING_CHARS)))
        bullets(part.lines)
    if more:
        bullets([], more)


def candidate(section: agenda.AgendaSection) -> None:
    """What is new with a candidate, beside where they stand."""
    columns = st.columns([3, 2], gap="large")
    for column, part, most in zip(
        columns, section.parts, (agenda.NARROW_LINES, agenda.SCREEN_LINES), strict=False
    ):
        with column:
            st.subheader(ui.md("{}", agenda.clip(part.heading, agenda.HEADING_CHARS)))
            if not part.lines:
                st.markdown("No issues to show yet.")
            shown, more = agenda.screenful(part.lines, most)
            bullets(shown, more)


def goals(section: agenda.AgendaSection) -> None:
    if not section.progress:
        st.markdown(ui.md("{}", section.empty))
        return
    # The room reads the bars; the way to correct a goal is on the Meeting page.
    goals_screen.show(list(section.progress[: agenda.SCREEN_GOALS]), admin=False)
    if len(section.progress) > agenda.SCREEN_GOALS:
        bullets([], len(section.progress) - agenda.SCREEN_GOALS)


def heading(section: agenda.AgendaSection) -> None:
    """The section's heading, its start only when a name typed into the sheet runs long."""
    st.title(ui.md("{}", agenda.clip(section.heading, agenda.HEADING_CHARS)))


def show(section: agenda.AgendaSection) -> None:
    """Any section but the agreed actions, which the page draws with its form."""
    if section.subtitle:
        st.caption(ui.md("{}", agenda.clip(section.subtitle)))
    if section.kind == agenda.CANDIDATE:
        candidate(section)
    elif section.kind == agenda.GOALS:
        goals(section)
    elif section.parts:
        parts_of(section)
    else:
        lines_of(section)
    if section.note:
        st.caption(ui.md("{}", section.note))
