"""Meeting mode: the coalition reviews candidates together on a shared screen.

Nothing restricted is ever shown here, whoever is signed in: the screen is shared.
"""

from datetime import date, datetime

import pandas as pd
import streamlit as st

from lib import analytics, calendar_ics, charts, coalition, digest, goals, insights, text, ui
from lib.goals import screen as goals_screen
from lib.store import StoreError

ui.page_frame()

REFRESH_SECONDS = 30
# Large type for a projector or a screen share.
st.html("""<style>
[data-testid="stMain"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMain"] [data-testid="stMarkdownContainer"] li { font-size: 1.35rem; }
[data-testid="stMain"] h2 { font-size: 2.2rem; }
[data-testid="stMain"] h3 { font-size: 1.7rem; }
</style>""")

today = date.today()
settings = coalition.settings_of(ui.tables())
st.title(ui.md("{} meeting", settings.coalition_name or "Coalition"))
since = st.columns(4)[0].date_input(
    "Since",
    value=settings.meeting_since(today),
    max_value=today,
    format="YYYY-MM-DD",
    key="meeting.since",
    help="Defaults to the last meeting date saved in Settings, or two weeks ago.",
)
# The agenda one section per screen, in large type, where staff capture the agreed actions.
st.page_link(
    "pages/present.py",
    label="Present: run the meeting from the screen",
    icon=":material/slideshow:",
    query_params={"since": since.isoformat()},
)


REPORT_BACK_FORMATS = (
    ("Markdown", digest.to_markdown, "md", "text/markdown", ":material/description:"),
    ("PDF", digest.to_pdf, "pdf", "application/pdf", ":material/picture_as_pdf:"),
)
SCREEN_LINES = 12  # a shared screen shows the first few; the rest are a click away
# Candidates with news shown at once: each is a box of its own, and a large coalition has a
# hundred, which no screen shows readably and which would slow every rerun of the page.
SCREEN_CANDIDATES = 12


def bullet_list(
    lines: list[str], empty: text.Markdown | None = None, more: text.Markdown | None = None
) -> None:
    if not lines:
        if empty:
            st.caption(ui.md("{}", empty))
        return
    st.markdown(text.join("\n", [ui.md("- {}", line) for line in lines[:SCREEN_LINES]]))
    if len(lines) > SCREEN_LINES:
        st.caption(ui.md("…and {} more{}.", f"{len(lines) - SCREEN_LINES:,}", more or ui.md("")))


def positions_chart(tables: dict[str, pd.DataFrame]) -> charts.Chart:
    candidates = tables["candidates"][tables["candidates"]["active"]]
    issues = tables["issues"][tables["issues"]["active"]]
    matrix = analytics.positions_matrix(candidates, issues, tables["positions"])
    return charts.positions_heatmap(matrix)


def status_chart(tables: dict[str, pd.DataFrame]) -> charts.Chart:
    tally = analytics.status_tally(tables["commitments"], tables["candidates"])
    return charts.status_bars(tally)


@st.fragment(run_every=REFRESH_SECONDS)
def live_view(since: date) -> None:
    """Everything on the shared screen; reruns on its own so new reports appear."""
    tables = ui.tables(shared_screen=True)
    st.caption(
        ui.md(
            "Updated at {}; refreshes every {} seconds. Restricted records are never shown on "
            "this screen.",
            f"{datetime.now():%H:%M}",
            REFRESH_SECONDS,
        )
    )

    st.header(ui.md("New since {}", since))
    news = ui.derived(digest.new_since, since, today, shared_screen=True)
    if not news:
        st.caption("No reports, commitments or changes of position since then.")
    every = st.session_state.get("meeting.all_news", False)
    columns = st.columns(2, gap="large")
    for index, section in enumerate(news if every else news[:SCREEN_CANDIDATES]):
        with columns[index % 2], st.container(border=True):
            st.subheader(ui.md("{}", section.heading))
            bullet_list(section.lines)
    if len(news) > SCREEN_CANDIDATES:
        st.toggle(
            ui.md("Show all {} candidates with news (the report-back has them all)", len(news)),
            key="meeting.all_news",
        )

    st.header("Where candidates stand")
    candidates = tables["candidates"][tables["candidates"]["active"]]
    issues = tables["issues"][tables["issues"]["active"]]
    if candidates.empty or issues.empty:
        st.caption("Add candidates and issues in Settings to see where they stand.")
    else:
        ui.chart(ui.derived(positions_chart, shared_screen=True), key="meeting.matrix")

    st.header("Commitments by status")
    if tables["commitments"].empty:
        st.caption("No commitments recorded yet.")
    else:
        ui.chart(ui.derived(status_chart, shared_screen=True), key="meeting.statuses")

    st.header("Follow-ups due and overdue")
    bullet_list(
        ui.derived(digest.follow_ups, today, shared_screen=True),
        ui.md("Nothing overdue or due in the next 14 days."),
        more=ui.md(" on the Commitments page and in the report-back"),
    )

    st.header("What candidates need education on")
    needs = ui.derived(digest.education_by_issue, since, today, shared_screen=True)
    if not needs:
        st.caption("No education needs noted since then.")
    for section in needs:
        st.subheader(ui.md("{}", section.heading))
        bullet_list(section.lines)

    st.header("Actionable insights")
    bullet_list(
        ui.derived(insights.insights, today, shared_screen=True), ui.md("No suggestions right now.")
    )

    st.header("Coalition goals")
    # Counted from what the whole coalition may see, like everything on this screen.
    goals_screen.show(
        ui.derived(goals.progress_in, today, shared_screen=True),
        admin=ui.member().may("change settings"),
    )


live_view(since)

st.divider()
st.header("Report-back and calendar")
everything = ui.tables()
period = st.date_input(
    "Period of the report-back",
    value=(since, today),
    max_value=today,
    format="YYYY-MM-DD",
    key="meeting.period",
)
start, end = period if len(period) == 2 else (period[0], period[0])
downloads = st.columns(4)
for column, audience in zip(downloads[:2], digest.AUDIENCES, strict=True):
    label = digest.AUDIENCES[audience][0]

    def built(audience: str = audience) -> digest.Digest:
        return digest.build(everything, start, end, audience, settings.coalition_name, today)

    for name, render, extension, mime, icon in REPORT_BACK_FORMATS:
        with column:
            ui.download(
                ui.md("{}: {}", label, name),
                lambda built=built, render=render: render(built()),
                file_name=f"report-back-{audience}-{start}-{end}.{extension}",
                mime=mime,
                icon=icon,
                key=f"meeting.{extension}.{audience}",
            )
with downloads[2]:
    person = st.selectbox(
        "Calendar for",
        ["", *ui.derived(calendar_ics.owners_in, shared_screen=True)],
        format_func=lambda name: name or "Everyone",
        key="meeting.owner",
    )
with downloads[3]:
    ui.download(
        "Follow-up dates (.ics)",
        lambda: calendar_ics.follow_up_calendar(everything, person or None, datetime.now()),
        file_name=f"follow-ups-{person or 'everyone'}.ics".replace(" ", "-"),
        mime="text/calendar",
        icon=":material/calendar_month:",
        key="meeting.ics",
    )
    # The last meeting date is a coalition setting: only admins change it.
    if ui.member().may("change settings") and st.button(
        "Save today as the last meeting date", key="meeting.mark"
    ):
        try:
            # Asked now: the admin may have lost the role since the page was drawn.
            ui.authorise("change settings")
            coalition.save_setting(
                ui.store(), "last_meeting", today.isoformat(), ui.author(), everything["settings"]
            )
        except StoreError as error:
            st.error(ui.md("**Not saved.** {}", error), icon=":material/error:")
        else:
            st.success(ui.md("Saved: the next meeting will start from {}.", today))
