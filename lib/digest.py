"""The coalition report-back: what happened with the candidates over a period, for partners.

One structure, built once from the visible tables, is rendered both as Markdown and as PDF, so
the two always say the same thing. The meeting page shows the same sections on screen.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.errors import FPDFException

from lib import analytics, insights, schema, visibility
from lib.export import one_line
from lib.frames import among
from lib.text import escape_markdown_file

FONTS = Path(__file__).resolve().parent / "fonts"
AUDIENCES = {
    "coalition": ("Coalition members", visibility.COALITION),
    "public": ("The public", visibility.PUBLIC),
}
OTHER_ISSUES = "Other topics"


@dataclass
class Section:
    heading: str
    lines: list[str] = field(default_factory=list)
    parts: list[Section] = field(default_factory=list)
    empty: str = "Nothing to report."


@dataclass
class Digest:
    title: str
    subtitle: str
    sections: list[Section]


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


def stances(tables: dict[str, pd.DataFrame]) -> list[str]:
    matrix = analytics.positions_matrix(
        tables["candidates"], tables["issues"][tables["issues"]["active"]], tables["positions"]
    )
    return [
        f"{candidate}: "
        + "; ".join(
            f"{issue} {schema.STANCE.label(stance).lower() if stance else 'no record'}"
            for issue, stance in row.items()
        )
        for candidate, row in matrix.iterrows()
    ]


def statuses(tables: dict[str, pd.DataFrame]) -> list[str]:
    tally = analytics.status_tally(tables["commitments"], tables["candidates"])
    return [
        f"{candidate}: "
        + ", ".join(
            f"{count} {schema.COMMITMENT_STATUS.label(status).lower()}"
            for status, count in row.items()
            if count
        )
        for candidate, row in tally.iloc[::-1].iterrows()
    ]


def follow_ups(tables: dict[str, pd.DataFrame], today: date) -> list[str]:
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
    return [*overdue_lines.tolist(), *due_lines.tolist()]


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
    return Digest(
        title=f"{coalition_name or 'Coalition'} report-back: {start} to {end}",
        subtitle=f"For: {label.lower()}. Prepared {today}.",
        sections=[
            Section(
                "New in this period",
                parts=new_since(shown, start, end),
                empty="No reports, commitments or changes of position in this period.",
            ),
            Section("Where candidates stand", stances(shown)),
            Section("Commitments by status", statuses(shown), empty="No commitments recorded."),
            Section(
                "Follow-ups due and overdue",
                follow_ups(shown, today),
                empty="Nothing overdue or due in the next 14 days.",
            ),
            Section(
                "What candidates need education on",
                parts=education_by_issue(shown, start, end),
                empty="No education needs noted in this period.",
            ),
            Section("Actionable insights", insights.insights(shown, today)),
        ],
    )


def escape(text: str) -> str:
    """User text for the Markdown file, on one line: a stray CR would start a new block."""
    return escape_markdown_file(one_line(text))


def to_markdown(digest: Digest) -> str:
    out = [f"# {escape(digest.title)}", "", f"_{escape(digest.subtitle)}_", ""]
    for section in digest.sections:
        out += [f"## {section.heading}", ""]
        if not section.lines and not section.parts:
            out += [escape(section.empty), ""]
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


def to_pdf(digest: Digest, fonts: PdfFonts | None = None) -> bytes:
    """The digest as a Letter PDF. Every line is printed: text in a script or an emoji that no
    font has still leaves the rest of its line."""
    fonts = fonts or system_fonts()
    texts = [one_line(line) for line in plain_lines(digest)]
    pdf = FPDF(format="Letter")
    pdf.alias_nb_pages(None)  # type: ignore[arg-type]  # "{nb}" in a name stays as typed
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

    write(digest.title, 18, bold=True, gap=2)
    write(digest.subtitle, 10, gap=4)
    for section in digest.sections:
        write(section.heading, 14, bold=True, gap=2)
        if not section.lines and not section.parts:
            write(section.empty, 10.5)
        for line in section.lines:
            write(f"• {line}", 10.5, indent=3)
        for part in section.parts:
            write(part.heading, 12, bold=True, gap=1)
            for line in part.lines:
                write(f"• {line}", 10.5, indent=3)
        pdf.ln(3)
    return bytes(pdf.output())


def plain_lines(digest: Digest) -> list[str]:
    """Every line of text the digest holds, in order, as a reader sees it."""
    lines = [digest.title, digest.subtitle]
    for section in digest.sections:
        lines.append(section.heading)
        if not section.lines and not section.parts:
            lines.append(section.empty)
        lines += section.lines
        for part in section.parts:
            lines += [part.heading, *part.lines]
    return lines
