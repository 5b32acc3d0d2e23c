"""The briefing on one Letter page, to print or to read on a phone on the way to the meeting.

Every section says what matters most first (overdue commitments, the latest reports), so when a
section is cut short to fit the page ("…and 4 more"), what is left out is what matters least. A
briefing is printed with fewer lines per section until it fits; the app shows everything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fpdf import FPDF
from fpdf.errors import FPDFException

from lib import digest
from lib.briefing.content import HEADINGS, Briefing
from lib.briefing.framing import COALITION_RULE
from lib.export import one_line

#: The most lines each section prints, from the most generous to the tightest; the first that
#: fits one page is used. Where the candidate stands and what is owed shrink last.
BUDGETS: tuple[dict[str, int], ...] = tuple(
    dict(zip(HEADINGS, numbers, strict=True))
    for numbers in (
        (2, 8, 6, 4, 4, 4, 6, 5, 8),
        (2, 8, 6, 3, 3, 3, 5, 4, 6),
        (2, 8, 5, 2, 2, 3, 5, 4, 4),
        (2, 6, 4, 2, 2, 2, 4, 3, 3),
        (2, 4, 3, 2, 2, 2, 3, 2, 2),
        (2, 2, 2, 2, 2, 2, 2, 2, 2),
    )
)
LONGEST_LINE = 260  # characters: about two printed lines
PAGE_FORMAT = "Letter"
MARGIN = 12  # millimetres


@dataclass(frozen=True)
class Printed:
    heading: str
    lines: list[str]
    empty: str


def shortened(text: str, most: int = LONGEST_LINE) -> str:
    text = " ".join(one_line(text).split())
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def subtitle(briefing: Briefing) -> str:
    facts = " · ".join([*briefing.facts, *([briefing.website] if briefing.website else [])])
    return facts or "No office or race recorded."


def audience_note(briefing: Briefing) -> str:
    prepared = f"For a meeting on {briefing.meeting_day}; prepared {briefing.today}."
    if briefing.has_restricted:
        return f"{prepared} Includes restricted records: for staff and their authors only."
    return f"{prepared} For coalition members: do not share outside the coalition."


def _priorities(briefing: Briefing) -> list[str]:
    listed = [p.name for p in briefing.priorities if p.on_profile]
    reported = [f"{p.name} ({p.reports})" for p in briefing.priorities if not p.on_profile]
    lines = [f"On their profile: {', '.join(listed)}"] if listed else []
    if reported:
        lines.append(f"Also named in reports (how often): {', '.join(reported)}")
    return lines


def _stances(briefing: Briefing) -> list[str]:
    lines = []
    for stance in briefing.stances:
        if not stance.stance:
            lines.append(f"{stance.issue}: no record yet")
            continue
        evidence = f" {stance.evidence}" if stance.evidence else ""
        source = f" ({stance.source}{', ' + stance.source_url if stance.source_url else ''})"
        lines.append(f"{stance.issue}: {stance.label}, as of {stance.as_of}.{evidence}{source}")
    return lines


def _commitments(briefing: Briefing) -> list[str]:
    lines = []
    for commitment in briefing.commitments:
        if commitment.overdue:
            when = f"OVERDUE since {commitment.due}"
        else:
            when = f"Due {commitment.due}" if commitment.due else "No follow-up date"
        owner = commitment.owner or "no owner yet"
        lines.append(
            f"{when} · {commitment.issue}: {commitment.text} ({commitment.status}; owner: {owner})"
        )
    return lines


def _quotes(briefing: Briefing) -> list[str]:
    return [
        f"{quote.day}, {quote.marked.lower()}{f' ({quote.note})' if quote.note else ''}: "
        f"{quote.text}"
        for quote in briefing.quotes
    ]


def _contacts(briefing: Briefing) -> list[str]:
    lines = []
    for contact in briefing.contacts:
        if contact.last_day:
            by = f", reported by {contact.reported_by}" if contact.reported_by else ""
            line = f"{contact.partner}: {contact.last_day}, {contact.last_kind.lower()}{by}"
        else:
            line = f"{contact.partner}: no meeting reported"
        if contact.next_planned:
            line += f"; plans to meet them on {contact.next_planned}"
        lines.append(line)
    return lines


def _companions(briefing: Briefing) -> list[str]:
    by_priority: dict[str, list[str]] = {}
    for companion in briefing.companions:
        by_priority.setdefault(companion.priority, []).append(
            f"{companion.strength}: {', '.join(companion.partners)}"
        )
    return [f"{priority}: {'; '.join(found)}" for priority, found in by_priority.items()]


def _framing(briefing: Briefing) -> list[str]:
    # The coalition's own rules are what it chose to say: they go first.
    ordered = sorted(briefing.framing, key=lambda framing: framing.source != COALITION_RULE)
    return [
        f"{framing.priority}, {framing.issue}: {framing.text}"
        + (" (coalition rule)" if framing.source == COALITION_RULE else "")
        for framing in ordered
    ]


def sections(briefing: Briefing) -> list[Printed]:
    """The briefing's sections as lines of plain text, in the order the screen shows them."""
    return [
        Printed(HEADINGS["priorities"], _priorities(briefing), "No priorities recorded."),
        Printed(HEADINGS["stances"], _stances(briefing), "No active issues."),
        Printed(HEADINGS["commitments"], _commitments(briefing), "No open commitments."),
        Printed(
            HEADINGS["questions"],
            [f"{q.day} ({q.kind.lower()}): {q.text}" for q in briefing.questions],
            "No questions noted.",
        ),
        Printed(
            HEADINGS["education"],
            [f"{e.day} ({e.kind.lower()}): {e.text}" for e in briefing.education],
            "Nothing noted.",
        ),
        Printed(HEADINGS["quotes"], _quotes(briefing), "No quotes noted."),
        Printed(HEADINGS["contacts"], _contacts(briefing), "No partners yet."),
        Printed(
            HEADINGS["companions"],
            _companions(briefing),
            "No partner's strengths match their priorities yet.",
        ),
        Printed(HEADINGS["framing"], _framing(briefing), "No framing for their priorities yet."),
    ]


def cut(lines: Sequence[str], most: int) -> list[str]:
    """At most ``most`` lines, the last saying how many more there are."""
    if len(lines) <= most:
        return list(lines)
    return [*lines[: most - 1], f"…and {len(lines) - most + 1} more (see the app)."]


@dataclass(frozen=True)
class Block:
    """One paragraph of the page."""

    text: str
    size: float
    bold: bool = False
    gap: float = 0.6  # space after it, in millimetres
    space_before: float = 0.0
    alert: bool = False  # printed in dark red


def blocks(briefing: Briefing, budget: dict[str, int]) -> list[Block]:
    """The page's paragraphs, each section cut to its budget of lines."""
    found = [
        Block(shortened(f"Briefing: {briefing.name}", 120), 15, bold=True, gap=1),
        Block(shortened(subtitle(briefing)), 9),
        Block(audience_note(briefing), 8, gap=2),
    ]
    warnings = [shortened(near.sentence()) for near in briefing.nearby]
    found += [
        Block(f"Another partner within 7 days: {warning}", 9, bold=True, gap=1, alert=True)
        for warning in cut(warnings, 3)
    ]
    for key, section in zip(HEADINGS, sections(briefing), strict=True):
        found.append(Block(section.heading, 10.5, bold=True, gap=0.8, space_before=1.4))
        lines = cut([shortened(line) for line in section.lines], budget[key])
        found += [Block(f"• {line}", 8.5) for line in lines] or [Block(section.empty, 8.5)]
    return found


class _Page:
    """An FPDF document with the fonts a briefing's text needs, loaded once."""

    def __init__(self, title: str, texts: str, fonts: digest.PdfFonts) -> None:
        pdf = FPDF(format=PAGE_FORMAT)
        pdf.alias_nb_pages(None)  # type: ignore[arg-type]  # "{nb}" in a name stays as typed
        pdf.set_title(title)
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.set_auto_page_break(auto=True, margin=MARGIN)
        pdf.add_font("Main", "", fonts.regular.path, collection_font_number=fonts.regular.number)
        pdf.add_font("Main", "B", fonts.bold.path, collection_font_number=fonts.bold.number)
        extra = digest.fallbacks_for(texts, fonts)
        for number, face in enumerate(extra):
            pdf.add_font(f"Fallback{number}", "", face.path, collection_font_number=face.number)
        if extra:  # headings fall back to a regular face: few of these fonts come in bold
            pdf.set_fallback_fonts([f"Fallback{n}" for n in range(len(extra))], exact_match=False)
        try:
            pdf.set_text_shaping(True)
        except FPDFException:  # uharfbuzz missing: left-to-right only, but still a PDF
            self.can_shape = False
        else:
            self.can_shape = True
        pdf.add_page()
        self.pdf = pdf
        self.heights: dict[Block, float] = {}

    def put(self, block: Block, *, measure: bool = False) -> float:
        """Print ``block`` (or only measure it); its height with the space around it."""
        pdf = self.pdf
        if measure and block in self.heights:
            return self.heights[block]
        if not measure:
            pdf.ln(block.space_before)
        text = one_line(block.text)
        pdf.set_text_shaping(self.can_shape and digest.needs_shaping(text))
        pdf.set_font("Main", "B" if block.bold else "", block.size)
        pdf.set_text_color(*((150, 20, 20) if block.alert else (0, 0, 0)))
        height = pdf.multi_cell(
            0,
            block.size * 0.42,
            text,
            align="L",
            new_x="LMARGIN",
            new_y="NEXT",
            dry_run=measure,
            output="HEIGHT",
        )
        if not measure:
            pdf.ln(block.gap)
        self.heights[block] = float(height) + block.gap + block.space_before
        return self.heights[block]

    def fits(self, paragraphs: list[Block]) -> bool:
        room = self.pdf.h - 2 * MARGIN
        return sum(self.put(block, measure=True) for block in paragraphs) <= room


def to_pdf(briefing: Briefing, fonts: digest.PdfFonts | None = None) -> bytes:
    """The briefing as a one-page Letter PDF, each section cut to the most lines that let it
    fit. Text in a script no font has still leaves the rest of its line."""
    fonts = fonts or digest.system_fonts()
    every = blocks(briefing, {key: 10**6 for key in HEADINGS})
    page = _Page(every[0].text, "".join(block.text for block in every), fonts)
    chosen = blocks(briefing, BUDGETS[-1])
    for budget in BUDGETS:
        paragraphs = blocks(briefing, budget)
        if page.fits(paragraphs):
            chosen = paragraphs
            break
    for block in chosen:
        page.put(block)
    return bytes(page.pdf.output())
