"""The coalition report-back: what happened with the candidates over a period, for partners.

One structure, built once from the visible tables, is rendered both as Markdown and as PDF, so
the two always say the same thing. The meeting page shows the same sections on screen.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd
from fontTools.ttLib import TTFont
from fpdf import FPDF, FontFace
from fpdf.enums import TableHeadingsDisplay
from fpdf.errors import FPDFException

from lib import analytics, goals, insights, schema, visibility
from lib.charts import NO_RECORD
from lib.export import one_line
from lib.frames import among
from lib.text import escape_markdown_file, plural

FONTS = Path(__file__).resolve().parent / "fonts"
AUDIENCES = {
    "coalition": ("Coalition members", visibility.COALITION),
    "public": ("The public", visibility.PUBLIC),
}
OTHER_ISSUES = "Other topics"


@dataclass(frozen=True)
class Cell:
    """One cell of a table: its words, and the tone (a key of :data:`TONES`) it is filled with.
    The words alone must say what the cell means: a printout in black and white loses hue."""

    text: str
    tone: str = ""


@dataclass
class Table:
    """A grid: a header row, then rows whose first cell names the row (a candidate).

    ``noun`` names what the other columns are, in the plural ("issues"): a table too wide for a
    page is printed in parts, each captioned with the columns it holds ("Issues 7 to 12 of 12")."""

    header: list[str]
    rows: list[list[Cell]]
    noun: str = "columns"


@dataclass
class Section:
    heading: str
    lines: list[str] = field(default_factory=list)
    parts: list[Section] = field(default_factory=list)
    empty: str = "Nothing to report."
    headline: str = ""  # one line of counts, shown in bold under the heading
    table: Table | None = None


@dataclass
class Digest:
    title: str
    subtitle: str
    sections: list[Section]
    # Printed after the page number at the foot of every PDF page ("2026-11-01 to 2026-11-30 ·
    # Coalition members"): a page that travels alone still says what it belongs to.
    footer: str = ""


def has_content(section: Section) -> bool:
    return bool(section.lines or section.parts or section.table)


# --- colours for the tables --------------------------------------------------------------------
# The hues of the dashboard's charts (lib.charts), made light enough that black text on them
# passes WCAG AA (contrast 4.5:1 and more), and each at its own lightness, at least
# MIN_GREY_STEP apart in CIELAB L*, so the fills stay distinct printed in black and white.
# Strong stances are the darkest on both sides, so in grey they differ by lightness alone.
# A cell with no tone is white: nothing observed, or nothing counted.
MIN_GREY_STEP = 7.0
STANCE_FILLS = {
    "strongly_supports": "#5986be",  # L* 55
    "strongly_opposes": "#de8366",  # L* 64
    "supports": "#80bbdf",  # L* 73
    "opposes": "#fac192",  # L* 82
    "undecided": "#e5e5e5",  # L* 91
}
STATUS_FILLS = {
    "kept": "#399372",  # L* 55
    "in_the_works": "#649dca",  # L* 62.5
    "broken": "#e79870",  # L* 70
    "stalled": "#e9b76c",  # L* 77.5
    "compromise": "#afdbf6",  # L* 85
    "not_yet_rated": "#eaeaea",  # L* 92.5
}
TONES = {
    **{f"stance.{stance}": colour for stance, colour in STANCE_FILLS.items()},
    **{f"status.{status}": colour for status, colour in STATUS_FILLS.items()},
}
# How a count of commitments reads in a cell: "3 kept", "2 compromises".
STATUS_WORDS = {
    "not_yet_rated": "not yet rated",
    "in_the_works": "in the works",
    "stalled": "stalled",
    "kept": "kept",
    "compromise": "",  # a noun, counted with lib.text.plural
    "broken": "broken",
}
# Names in table cells are cut to this: a 500-character name would otherwise make a row taller
# than a page, which a PDF table cannot print. The sections above the tables name them whole.
CELL_LIMIT = 80


def in_period(dates: pd.Series, start: date, end: date) -> pd.Series:
    return (dates >= start.isoformat()) & (dates <= end.isoformat())


def new_since(tables: dict[str, pd.DataFrame], start: date, end: date) -> list[Section]:
    """Per candidate: reports, commitments made and stance changes within the period."""
    issue_names = analytics.names(tables["issues"])
    interactions = tables["interactions"][in_period(tables["interactions"]["date"], start, end)]
    interactions = interactions.sort_values("date")
    commitments = tables["commitments"][in_period(tables["commitments"]["made_on"], start, end)]
    takeaways = interactions["takeaways"].str.strip()
    report_lines = (
        interactions["date"]
        + ", "
        + schema.INTERACTION_KIND.label_all(interactions["kind"].replace("", "other")).str.lower()
        + ": "
        + takeaways.where(takeaways != "", "no takeaways recorded")
    )
    commitment_lines = (
        "Committed on "
        + analytics.name_of(commitments["issue_id"], issue_names)
        + ": "
        + commitments["text"]
    )
    lines: dict[str, list[str]] = {}
    for candidate_ids, texts in (
        (interactions["candidate_id"], report_lines),
        (commitments["candidate_id"], commitment_lines),
    ):
        for candidate_id, text in zip(candidate_ids.tolist(), texts.tolist(), strict=True):
            lines.setdefault(candidate_id, []).append(text)
    for shift in analytics.stance_shifts(tables["positions"], tables["interactions"]):
        if start.isoformat() <= shift.on <= end.isoformat():
            lines.setdefault(shift.candidate_id, []).append(
                f"On {issue_names.get(shift.issue_id, 'an issue')}: {shift.sentence()}"
            )
    labels = analytics.candidate_labels(tables["candidates"])
    return [
        Section(labels[candidate.id], lines[candidate.id])
        for candidate in tables["candidates"].sort_values("name").itertuples()
        if candidate.id in lines
    ]


def follow_ups(tables: dict[str, pd.DataFrame], today: date) -> list[str]:
    overdue, due = follow_up_lines(tables, today)
    return [*overdue, *due]


def follow_up_lines(tables: dict[str, pd.DataFrame], today: date) -> tuple[list[str], list[str]]:
    """Overdue commitments, then commitments and actions due in the next 14 days."""
    names = analytics.candidate_labels(tables["candidates"])
    commitments = tables["commitments"]
    overdue = commitments[analytics.is_overdue(commitments, today)].sort_values("follow_up_by")
    # Built column-wise: a large coalition has thousands of these, and the screen shows a few.
    overdue_lines = (
        "Overdue since "
        + overdue["follow_up_by"]
        + ": "
        + overdue["candidate_id"].map(names).fillna("")
        + ": "
        + overdue["text"]
        + " (owner: "
        + overdue["owner"].where(overdue["owner"] != "", "no owner yet")
        + ")"
    )
    due = analytics.follow_ups_due(tables, today)
    due_lines = (
        "Due "
        + due["Due"]
        + ": "
        + due["Candidate"]
        + ": "
        + due["What"]
        + " (owner: "
        + due["Owner"]
        + ")"
    )
    return overdue_lines.tolist(), due_lines.tolist()


def education_by_issue(tables: dict[str, pd.DataFrame], start: date, end: date) -> list[Section]:
    """Education needs from the period's reports, under the issues each report touched."""
    issue_names = analytics.names(tables["issues"])
    candidate_names = analytics.candidate_labels(tables["candidates"])
    reports = tables["interactions"]
    reports = reports[
        in_period(reports["date"], start, end) & (reports["education_needed"].str.strip() != "")
    ]
    links = pd.concat(
        [tables[name][["interaction_id", "issue_id"]] for name in ("positions", "commitments")]
    )
    links = links[among(links["interaction_id"], reports["id"])]
    touched = links.groupby("interaction_id")["issue_id"].agg(set).to_dict()
    grouped: dict[str, list[str]] = {}
    for row in reports.sort_values("date").itertuples():
        line = (
            f"{candidate_names.get(row.candidate_id, 'A candidate')} ({row.date}): "
            f"{row.education_needed.strip()}"
        )
        issues = sorted(issue_names[i] for i in touched.get(row.id, set()) if i in issue_names)
        for issue in issues or [OTHER_ISSUES]:
            grouped.setdefault(issue, []).append(line)
    ordered = sorted(grouped, key=lambda issue: (issue == OTHER_ISSUES, issue))
    return [Section(issue, grouped[issue]) for issue in ordered]


def goal_lines(tables: dict[str, pd.DataFrame], today: date) -> Section:
    """A line per active goal, counted from these tables on ``today``. A goal that cannot be
    counted is for an admin to correct in Settings, not for partners to read."""
    counted = goals.progress_in(tables, today)
    return Section(
        "Coalition goals",
        [item.sentence for item in counted if item.state != goals.UNREADABLE],
        empty="No goals set yet." if not counted else "No goal can be counted yet.",
        headline=goals_headline([item.state for item in counted]),
    )


# --- the tables ---------------------------------------------------------------------------------


def cut(text: str, limit: int = CELL_LIMIT) -> str:
    """``text`` on one line in at most ``limit`` characters, cut at a word if one is near."""
    text = " ".join(one_line(text).split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    space = head.rfind(" ")
    return (head[:space] if space > limit // 2 else head).rstrip() + "…"


def stance_words(stance: str) -> str:
    return schema.STANCE.label(stance) if stance else NO_RECORD


def stance_table(matrix: pd.DataFrame) -> Table | None:
    """A row per candidate, a column per issue: the latest stance in words, in its colour.
    None when there is no candidate or no active issue to show."""
    if matrix.empty:
        return None
    rows = [
        [
            Cell(cut(str(candidate))),
            *(
                Cell(stance_words(stance), f"stance.{stance}" if stance in STANCE_FILLS else "")
                for stance in row
            ),
        ]
        for candidate, row in zip(matrix.index, matrix.itertuples(index=False), strict=True)
    ]
    return Table(["Candidate", *(cut(str(issue)) for issue in matrix.columns)], rows, noun="issues")


def count_words(count: int, status: str) -> str:
    """A count of commitments with a status, as a cell says it: "3 kept", "none"."""
    if not count:
        return "none"
    if status == "compromise":
        return plural(count, "compromise")
    return f"{count:,} {STATUS_WORDS[status]}"


def status_table(tally: pd.DataFrame) -> Table | None:
    """A row per candidate (most commitments first), a column per status: the counts in words,
    the cells with any in the status's colour. None when no commitment is recorded."""
    if tally.empty:
        return None
    statuses = [str(status) for status in tally.columns]
    rows = [
        [
            Cell(cut(str(candidate))),
            *(
                Cell(count_words(int(count), status), f"status.{status}" if count else "")
                for status, count in zip(statuses, counts, strict=True)
            ),
        ]
        # The tally lists the fewest first, for bars drawn from the bottom up.
        for candidate, counts in zip(tally.index[::-1], tally.to_numpy()[::-1], strict=True)
    ]
    header = ["Candidate", *(schema.COMMITMENT_STATUS.label(status) for status in statuses)]
    return Table(header, rows, noun="statuses")


# --- headlines: one line of counts per section ---------------------------------------------------


def listed(parts: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def kept_in_period(tables: dict[str, pd.DataFrame], start: date, end: date) -> int:
    """Commitments kept now that were marked kept in the period (or made, already kept, in it).
    One kept and then broken within the period is not counted: the headline says where things
    stand."""
    updates = tables["updates"]
    marked = updates[(updates["status"] == "kept") & in_period(updates["date"], start, end)]
    commitments = tables["commitments"]
    kept = commitments[commitments["status"] == "kept"]
    made = kept[in_period(kept["made_on"], start, end)]
    return len(set(kept["id"]) & (set(marked["commitment_id"]) | set(made["id"])))


def news_headline(tables: dict[str, pd.DataFrame], start: date, end: date) -> str:
    """ "3 new commitments, 2 kept, 4 reports and 1 stance change in this period": commitments
    always, reports and stance changes when there are any; "" when nothing happened."""
    new = int(in_period(tables["commitments"]["made_on"], start, end).sum())
    kept = kept_in_period(tables, start, end)
    reports = int(in_period(tables["interactions"]["date"], start, end).sum())
    shifts = sum(
        start.isoformat() <= shift.on <= end.isoformat()
        for shift in analytics.stance_shifts(tables["positions"], tables["interactions"])
    )
    if not (new or kept or reports or shifts):
        return ""
    counts = [plural(new, "new commitment"), f"{kept:,} kept"]
    counts += [plural(reports, "report")] * bool(reports)
    counts += [plural(shifts, "stance change")] * bool(shifts)
    return listed(counts) + " in this period"


def stances_headline(matrix: pd.DataFrame) -> str:
    """ "5 candidates on 4 issues: 9 supportive stances, 3 opposed, 2 undecided, 6 not known"."""
    if matrix.empty:
        return ""
    supportive = int(matrix.isin(analytics.AGREEING).sum().sum())
    opposed = int(matrix.isin(analytics.OPPOSING).sum().sum())
    undecided = int((matrix == "undecided").sum().sum())
    unknown = matrix.size - supportive - opposed - undecided
    counts = [plural(supportive, "supportive stance"), f"{opposed:,} opposed"]
    counts += [f"{undecided:,} undecided"] * bool(undecided)
    counts += [f"{unknown:,} not known"] * bool(unknown)
    return (
        f"{plural(len(matrix.index), 'candidate')} on {plural(len(matrix.columns), 'issue')}: "
        + ", ".join(counts)
    )


def statuses_headline(commitments: pd.DataFrame, today: date) -> str:
    """ "12 open commitments, 4 overdue; 3 kept, 1 broken"; "" when none is recorded."""
    if commitments.empty:
        return ""
    open_ = int(analytics.is_open(commitments).sum())
    overdue = int(analytics.is_overdue(commitments, today).sum())
    kept = int((commitments["status"] == "kept").sum())
    broken = int((commitments["status"] == "broken").sum())
    return (
        f"{plural(open_, 'open commitment')}, {overdue:,} overdue; {kept:,} kept, {broken:,} broken"
    )


def follow_ups_headline(overdue: int, due: int) -> str:
    """ "2 follow-ups overdue, 5 due in the next 14 days"; "" when neither."""
    if not (overdue or due):
        return ""
    soon = f"{due:,} due in the next {analytics.SOON_DAYS} days"
    return f"{plural(overdue, 'follow-up')} overdue, {soon}"


def education_headline(parts: Sequence[Section]) -> str:
    """ "Education needed on 3 issues" (and "other topics" for reports touching no issue)."""
    issues = sum(part.heading != OTHER_ISSUES for part in parts)
    topics = [plural(issues, "issue")] * bool(issues)
    topics += ["other topics"] * (len(parts) > issues)
    return f"Education needed on {listed(topics)}" if topics else ""


def insights_headline(lines: Sequence[str]) -> str:
    return f"{plural(len(lines), 'suggestion')} to act on" if lines else ""


def goals_headline(states: Sequence[str]) -> str:
    """ "4 goals: 1 met, 2 on track, 1 behind"; goals that cannot be counted are left out."""
    counted = [state for state in states if state != goals.UNREADABLE]
    if not counted:
        return ""
    order = (goals.MET, goals.ON_TRACK, goals.BEHIND, goals.MISSED)
    known = [f"{counted.count(state):,} {state}" for state in order if state in counted]
    return f"{plural(len(counted), 'goal')}: " + ", ".join(known)


def build(
    tables: dict[str, pd.DataFrame],
    start: date,
    end: date,
    audience: str,
    coalition_name: str,
    today: date,
) -> Digest:
    """The report-back for ``audience`` ("coalition" or "public") over ``start``..``end``."""
    label, allowed = AUDIENCES[audience]
    shown = visibility.visible_tables(tables, allowed)
    issues = shown["issues"][shown["issues"]["active"]]
    matrix = analytics.positions_matrix(shown["candidates"], issues, shown["positions"])
    overdue, due = follow_up_lines(shown, today)
    education = education_by_issue(shown, start, end)
    suggestions = insights.insights(shown, today)
    return Digest(
        title=f"{coalition_name or 'Coalition'} report-back: {start} to {end}",
        subtitle=f"For: {label.lower()}. Prepared {today}.",
        sections=[
            Section(
                "New in this period",
                parts=new_since(shown, start, end),
                empty="No reports, commitments or changes of position in this period.",
                headline=news_headline(shown, start, end),
            ),
            Section(
                "Where candidates stand",
                empty="No active issues to show stances on."
                if issues.empty
                else "No candidates recorded yet.",
                headline=stances_headline(matrix),
                table=stance_table(matrix),
            ),
            Section(
                "Commitments by status",
                empty="No commitments recorded.",
                headline=statuses_headline(shown["commitments"], today),
                table=status_table(
                    analytics.status_tally(shown["commitments"], shown["candidates"])
                ),
            ),
            Section(
                "Follow-ups due and overdue",
                [*overdue, *due],
                empty="Nothing overdue or due in the next 14 days.",
                headline=follow_ups_headline(len(overdue), len(due)),
            ),
            Section(
                "What candidates need education on",
                parts=education,
                empty="No education needs noted in this period.",
                headline=education_headline(education),
            ),
            Section("Actionable insights", suggestions, headline=insights_headline(suggestions)),
            # The coalition's own plans: never in the report-back that may leave it.
            *([goal_lines(shown, today)] if audience == "coalition" else []),
        ],
        footer=f"{start} to {end} · {label}",
    )


def escape(text: str) -> str:
    """User text for the Markdown file, on one line: a stray CR would start a new block."""
    return escape_markdown_file(one_line(text))


def markdown_table(table: Table) -> list[str]:
    """The table as a Markdown table; cell text escaped, so a typed "|" stays in its cell."""

    def row(texts: Sequence[str]) -> str:
        return "| " + " | ".join(escape(text) for text in texts) + " |"

    return [
        row(table.header),
        "|" + " --- |" * len(table.header),
        *(row([cell.text for cell in cells]) for cells in table.rows),
    ]


def to_markdown(digest: Digest) -> str:
    out = [f"# {escape(digest.title)}", "", f"_{escape(digest.subtitle)}_", ""]
    for section in digest.sections:
        out += [f"## {escape(section.heading)}", ""]
        if section.headline:
            out += [f"**{escape(section.headline)}**", ""]
        if not has_content(section):
            out += [escape(section.empty), ""]
        if section.table:
            out += [*markdown_table(section.table), ""]
        out += [f"- {escape(line)}" for line in section.lines]
        if section.lines:
            out.append("")
        for part in section.parts:
            out += [f"### {escape(part.heading)}", ""]
            out += [f"- {escape(line)}" for line in part.lines] + [""]
    return "\n".join(out)


# --- fonts for the PDF ------------------------------------------------------------------------
# Debian's Noto fonts (fonts-noto-core, fonts-noto-cjk) and Symbola (fonts-symbola), where they are
# installed; the bundled DejaVu Sans always works, with fewer scripts and no Chinese or emoji.
SYSTEM_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/truetype/ancient-scripts"),
)
# Scripts beyond Latin, Greek and Cyrillic (which Noto Sans has) that members write names in.
SCRIPT_FONTS = tuple(
    f"NotoSans{script}-Regular.ttf"
    for script in (
        *("Hebrew", "Arabic", "Devanagari", "Bengali", "Gurmukhi", "Gujarati", "Oriya", "Tamil"),
        *("Telugu", "Kannada", "Malayalam", "Sinhala", "Thai", "Lao", "Khmer", "Myanmar"),
        *("Ethiopic", "Armenian", "Georgian", "Thaana", "Syriac", "Cherokee", "Mongolian"),
        *("CanadianAboriginal", "Tifinagh", "NKo", "Adlam", "Yi", "HanifiRohingya", "OlChiki"),
        "Vai",
    )
)
# Face 2 of the collection is Simplified Chinese; every face has all ideographs, kana and Hangul.
CJK_FONT = ("NotoSansCJK-Regular.ttc", 2)
# Monochrome symbols and emoji: fpdf2 cannot draw colour emoji fonts (Noto Color Emoji).
SYMBOL_FONTS = (
    "NotoSansSymbols-Regular.ttf",
    "NotoSansSymbols2-Regular.ttf",
    "NotoSansMath-Regular.ttf",
    "Symbola_hint.ttf",
)
# Characters that need no glyph of their own (joiners, variation selectors, direction marks):
# looking for a font that has them would load a large one for nothing.
_NO_GLYPH = re.compile(
    r"[\s\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\U000e0000-\U000e01ef]"
)


@dataclass(frozen=True)
class Face:
    """One font: a file, and which face in it (a .ttc collection holds several)."""

    path: Path
    number: int = 0


@dataclass(frozen=True)
class PdfFonts:
    regular: Face
    bold: Face
    fallbacks: tuple[Face, ...] = ()  # tried in order for characters the main face lacks


BUNDLED_FONTS = PdfFonts(Face(FONTS / "DejaVuSans.ttf"), Face(FONTS / "DejaVuSans-Bold.ttf"))


def find_fonts(directories: Sequence[Path] = SYSTEM_FONT_DIRS) -> PdfFonts:
    """Noto Sans with Noto's script, CJK and symbol faces found in ``directories``, and the
    bundled DejaVu Sans as the last resort; DejaVu alone when Noto Sans is not there."""

    def found(name: str, number: int = 0) -> list[Face]:
        paths = [folder / name for folder in directories if (folder / name).is_file()]
        return [Face(paths[0], number)] if paths else []

    main = found("NotoSans-Regular.ttf") + found("NotoSans-Bold.ttf")
    scripts = [face for name in SCRIPT_FONTS for face in found(name)]
    symbols = [face for name in SYMBOL_FONTS for face in found(name)]
    if len(main) < 2:
        return PdfFonts(BUNDLED_FONTS.regular, BUNDLED_FONTS.bold, tuple(scripts + symbols))
    bundled = [BUNDLED_FONTS.regular]
    return PdfFonts(main[0], main[1], tuple(scripts + found(*CJK_FONT) + bundled + symbols))


@lru_cache(maxsize=1)
def system_fonts() -> PdfFonts:
    return find_fonts()


@lru_cache(maxsize=64)
def coverage(face: Face) -> frozenset[int]:
    """The code points ``face`` has glyphs for (read once per process: the CJK one is large)."""
    font = TTFont(face.path, lazy=True, fontNumber=face.number)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


def fallbacks_for(text: str, fonts: PdfFonts) -> list[Face]:
    """The fallback faces ``text`` needs, in order, so a digest in English loads none of them
    (the CJK face alone takes half a second to load)."""
    missing = {ord(char) for char in set(_NO_GLYPH.sub("", text))} - coverage(fonts.regular)
    needed = []
    for face in fonts.fallbacks:
        if not missing:
            break
        if missing & coverage(face):
            needed.append(face)
            missing -= coverage(face)
    return needed


def needs_shaping(text: str) -> bool:
    """True for right-to-left text and for text with combining marks (Indic, Thai, decomposed
    accents). Only such lines are shaped: shaping every line makes a digest ten times slower."""
    return any(
        unicodedata.bidirectional(char) in ("R", "AL") or unicodedata.category(char) in ("Mn", "Mc")
        for char in text
    )


# The alias fpdf2 replaces with the number of pages. Made of control characters, which
# one_line removes from every other text printed, so nothing typed can turn into a page count.
PAGES_ALIAS = "\x1f\x1f"
TABLE_FONT = 9  # points
LABEL_WIDTH = 48  # mm, the column naming each row
# An issue's column is never narrower than "Strongly supports" on two lines, nor wider than
# reads well; more columns than fit at the narrowest are printed as several tables.
MIN_COLUMN_WIDTH = 24
MAX_COLUMN_WIDTH = 32
BORDER_GREY = 110  # cell borders a printer keeps, lighter than the text


class DigestPdf(FPDF):
    """Letter pages with "Page N of M" and the digest's footer at the foot of each."""

    def __init__(self, footer_text: str) -> None:
        super().__init__(format="Letter")
        self.footer_text = one_line(footer_text)
        self.can_shape = False  # set once shaping is known to be available
        self.alias_nb_pages(PAGES_ALIAS)

    def footer(self) -> None:
        text = " · ".join(
            part for part in (f"Page {self.page_no()} of {PAGES_ALIAS}", self.footer_text) if part
        )
        # Its own graphics state: a page break in the middle of a table must not change the
        # font, colour or shaping the table goes on with.
        with self.local_context(text_color=(60, 60, 60)):
            self.set_text_shaping(self.can_shape and needs_shaping(self.footer_text))
            self.set_font("Main", "", 8.5)
            self.set_xy(self.l_margin, -12)
            self.cell(0, 5, text, align="C")


def column_groups(count: int, at_most: int) -> list[range]:
    """``count`` columns in as few groups of at most ``at_most`` as will do, of near equal size
    (13 issues, 6 to a page: 5, 4 and 4, never 6, 6 and 1)."""
    groups = max(1, -(-count // max(1, at_most)))
    size, larger = divmod(count, groups)
    starts = [n * size + min(n, larger) for n in range(groups + 1)]
    return [range(begin, end) for begin, end in itertools.pairwise(starts)]


def table_parts(table: Table, page_width: float) -> list[range]:
    """The columns (after the first) each printed table holds, to fit ``page_width`` mm."""
    fit = int((page_width - LABEL_WIDTH) // MIN_COLUMN_WIDTH)
    return column_groups(len(table.header) - 1, fit)


def to_pdf(digest: Digest, fonts: PdfFonts | None = None) -> bytes:
    """The digest as a Letter PDF. Every line is printed: text in a script or an emoji that no
    font has still leaves the rest of its line."""
    fonts = fonts or system_fonts()
    texts = [one_line(line) for line in (*plain_lines(digest), digest.footer)]
    pdf = DigestPdf(digest.footer)
    pdf.set_title(one_line(digest.title))
    pdf.add_font("Main", "", fonts.regular.path, collection_font_number=fonts.regular.number)
    pdf.add_font("Main", "B", fonts.bold.path, collection_font_number=fonts.bold.number)
    extra = fallbacks_for("".join(texts), fonts)
    for number, face in enumerate(extra):
        pdf.add_font(f"Fallback{number}", "", face.path, collection_font_number=face.number)
    if extra:  # headings fall back to a regular face: few of these fonts come in bold
        pdf.set_fallback_fonts([f"Fallback{n}" for n in range(len(extra))], exact_match=False)
    try:
        pdf.set_text_shaping(True)  # right-to-left order, Arabic joining, Indic clusters
    except FPDFException:  # uharfbuzz missing: left-to-right only, but still a PDF
        can_shape = False
    else:
        can_shape = True
    pdf.can_shape = can_shape
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()

    def write(
        text: str, size: float, bold: bool = False, gap: float = 1.5, indent: float = 0
    ) -> None:
        text = one_line(text)
        pdf.set_text_shaping(can_shape and needs_shaping(text))
        pdf.set_font("Main", "B" if bold else "", size)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    def draw(table: Table) -> None:
        parts = table_parts(table, pdf.epw)
        columns = len(table.header) - 1
        shaping = can_shape and any(
            needs_shaping(text)
            for text in (*table.header, *(cell.text for cells in table.rows for cell in cells))
        )
        for part in parts:
            if len(parts) > 1:
                if pdf.will_page_break(40):  # a caption, the header and a row or two at least
                    pdf.add_page()
                noun = table.noun[:1].upper() + table.noun[1:]
                write(f"{noun} {part.start + 1} to {part.stop} of {columns}", 9, gap=1)
            width = min(MAX_COLUMN_WIDTH, (pdf.epw - LABEL_WIDTH) / max(1, len(part)))
            pdf.set_font("Main", "", TABLE_FONT)
            pdf.set_text_shaping(shaping)
            pdf.set_draw_color(BORDER_GREY)
            pdf.set_line_width(0.2)
            with pdf.table(
                width=LABEL_WIDTH + width * len(part),
                col_widths=(LABEL_WIDTH, *[width] * len(part)),
                align="LEFT",
                text_align=("LEFT", *["CENTER"] * len(part)),
                line_height=pdf.font_size * 1.25,
                padding=(1, 1.2),
                headings_style=FontFace(emphasis="BOLD"),
                repeat_headings=TableHeadingsDisplay.ON_TOP_OF_EVERY_PAGE,
            ) as grid:
                grid.row(
                    [one_line(table.header[0]), *(one_line(table.header[i + 1]) for i in part)]
                )
                for cells in table.rows:
                    row = grid.row()
                    row.cell(one_line(cells[0].text))
                    for cell in (cells[i + 1] for i in part):
                        fill = TONES.get(cell.tone)
                        row.cell(
                            one_line(cell.text), style=FontFace(fill_color=fill) if fill else None
                        )
            pdf.set_draw_color(0)
            pdf.ln(3)

    write(digest.title, 18, bold=True, gap=2)
    write(digest.subtitle, 10, gap=4)
    for section in digest.sections:
        # A heading and its headline alone at the foot of a page read as an empty section.
        if pdf.will_page_break(30):
            pdf.add_page()
        write(section.heading, 14, bold=True, gap=1 if section.headline else 2)
        if section.headline:
            write(section.headline, 10.5, bold=True, gap=2)
        if not has_content(section):
            write(section.empty, 10.5)
        if section.table:
            draw(section.table)
        for line in section.lines:
            write(f"• {line}", 10.5, indent=3)
        for part in section.parts:
            write(part.heading, 12, bold=True, gap=1)
            for line in part.lines:
                write(f"• {line}", 10.5, indent=3)
        pdf.ln(3)
    return bytes(pdf.output())


def plain_lines(digest: Digest) -> list[str]:
    """Every line of text the digest holds, in order, as a reader sees it (each table cell on
    a line of its own)."""
    lines = [digest.title, digest.subtitle]
    for section in digest.sections:
        lines.append(section.heading)
        lines += [section.headline] if section.headline else []
        if not has_content(section):
            lines.append(section.empty)
        if section.table:
            lines += section.table.header
            lines += [cell.text for cells in section.table.rows for cell in cells]
        lines += section.lines
        for part in section.parts:
            lines += [part.heading, *part.lines]
    return lines
