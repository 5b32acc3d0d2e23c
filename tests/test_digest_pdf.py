"""The report-back people would rather look at: the stance matrix and the commitments by status
as coloured tables with words in every cell, a headline of counts per section, and page numbers
with the period and audience at the foot of every page."""

from __future__ import annotations

import itertools
import re
import subprocess
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from lib import digest, visibility
from tests.shared import tables_of, wrapped_in

TODAY = date(2026, 11, 30)
START = date(2026, 11, 1)
BLACK = (0, 0, 0)


def crafted() -> dict[str, pd.DataFrame]:
    """Two candidates, two active issues and an archived one; a month of news; one restricted
    stance and one restricted commitment that nothing may count or show."""
    shown = {"visibility": "coalition"}
    return tables_of(
        candidates=[
            {"id": "cand-a", "name": "Ana Ruiz", "active": "TRUE"},
            {"id": "cand-b", "name": "Ben Ortiz", "active": "TRUE"},
        ],
        issues=[
            {"id": "iss-h", "name": "Housing", "active": "TRUE"},
            {"id": "iss-t", "name": "Transit", "active": "TRUE"},
            {"id": "iss-o", "name": "Old issue", "active": "FALSE"},
        ],
        interactions=[
            {
                "id": "int-1",
                "date": "2026-11-10",
                "candidate_id": "cand-a",
                "kind": "one_on_one",
                "takeaways": "Warm on housing.",
                "education_needed": "Needs the cost sheet.",
                **shown,
            }
        ],
        positions=[
            {"id": "pos-1", "candidate_id": "cand-a", "issue_id": "iss-h", "stance": "supports"}
            | {"as_of": "2026-10-01", **shown},
            {"id": "pos-2", "candidate_id": "cand-a", "issue_id": "iss-h"}
            | {"stance": "strongly_supports", "as_of": "2026-11-10", "interaction_id": "int-1"}
            | shown,
            {"id": "pos-3", "candidate_id": "cand-a", "issue_id": "iss-t", "stance": "opposes"}
            | {"as_of": "2026-10-02", **shown},
            {"id": "pos-4", "candidate_id": "cand-b", "issue_id": "iss-h", "stance": "undecided"}
            | {"as_of": "2026-10-03", **shown},
            {"id": "pos-5", "candidate_id": "cand-b", "issue_id": "iss-o", "stance": "supports"}
            | {"as_of": "2026-10-03", **shown},
            {"id": "pos-6", "candidate_id": "cand-b", "issue_id": "iss-t"}
            | {"stance": "strongly_opposes", "as_of": "2026-11-04", "visibility": "restricted"},
        ],
        commitments=[
            # made in the period, already kept
            {"id": "cmt-1", "candidate_id": "cand-a", "issue_id": "iss-h", "text": "Fund it"}
            | {"made_on": "2026-11-05", "status": "kept", **shown},
            # open, its follow-up date passed
            {"id": "cmt-2", "candidate_id": "cand-a", "issue_id": "iss-t", "text": "Ride along"}
            | {"made_on": "2026-09-01", "status": "in_the_works", "follow_up_by": "2026-11-20"}
            | shown,
            # open, due within 14 days
            {"id": "cmt-3", "candidate_id": "cand-b", "issue_id": "iss-h", "text": "Visit"}
            | {"made_on": "2026-09-02", "status": "stalled", "follow_up_by": "2026-12-05"}
            | shown,
            # made before, marked kept in the period
            {"id": "cmt-4", "candidate_id": "cand-b", "issue_id": "iss-h", "text": "Call"}
            | {"made_on": "2026-08-01", "status": "kept", **shown},
            # kept and then broken within the period: not kept now
            {"id": "cmt-5", "candidate_id": "cand-b", "issue_id": "iss-h", "text": "Vote"}
            | {"made_on": "2026-08-02", "status": "broken", **shown},
            {"id": "cmt-6", "candidate_id": "cand-b", "issue_id": "iss-t", "text": "Secret"}
            | {"made_on": "2026-11-06", "status": "kept", "visibility": "restricted"},
        ],
        updates=[
            {"id": "upd-1", "commitment_id": "cmt-4", "date": "2026-11-12", "status": "kept"},
            {"id": "upd-2", "commitment_id": "cmt-5", "date": "2026-11-03", "status": "kept"},
            {"id": "upd-3", "commitment_id": "cmt-5", "date": "2026-11-08", "status": "broken"},
            {"id": "upd-4", "commitment_id": "cmt-6", "date": "2026-11-08", "status": "kept"},
        ],
    )


def built(tables: dict[str, pd.DataFrame] | None = None) -> digest.Digest:
    return digest.build(tables or crafted(), START, TODAY, "coalition", "Riverton", TODAY)


def section(report: digest.Digest, heading: str) -> digest.Section:
    (found,) = [item for item in report.sections if item.heading == heading]
    return found


def rendered(report: digest.Digest, tmp_path: Path, *options: str) -> str:
    return text_of(pdf_of(report, tmp_path), *options)


def pdf_of(report: digest.Digest, tmp_path: Path) -> Path:
    pdf = tmp_path / "digest.pdf"
    pdf.write_bytes(digest.to_pdf(report))
    return pdf


def text_of(pdf: Path, *options: str) -> str:
    return subprocess.run(
        ["pdftotext", *options, str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


def cells_of(line: str) -> list[str]:
    """A table row of ``pdftotext -layout`` output, split where the columns are."""
    return re.split(r"\s{2,}", line.strip())


# --- headlines ---------------------------------------------------------------------------------


def test_each_section_has_a_headline_of_counts() -> None:
    report = built()
    assert [item.headline for item in report.sections[:6]] == [
        "1 new commitment, 2 kept, 1 report and 1 stance change in this period",
        "2 candidates on 2 issues: 1 supportive stance, 1 opposed, 1 undecided, 1 not known",
        "2 open commitments, 1 overdue; 2 kept, 1 broken",
        "1 follow-up overdue, 1 due in the next 14 days",
        "Education needed on 1 issue",
        digest.insights_headline(section(report, "Actionable insights").lines),
    ]


def test_headlines_say_singular_and_plural_right() -> None:
    assert digest.follow_ups_headline(2, 5) == "2 follow-ups overdue, 5 due in the next 14 days"
    assert digest.follow_ups_headline(1, 0) == "1 follow-up overdue, 0 due in the next 14 days"
    assert digest.follow_ups_headline(0, 0) == ""
    assert digest.insights_headline(["a"]) == "1 suggestion to act on"
    assert digest.insights_headline(["a", "b"]) == "2 suggestions to act on"
    assert digest.insights_headline([]) == ""
    parts = [digest.Section("Housing"), digest.Section("Transit")]
    assert digest.education_headline(parts) == "Education needed on 2 issues"
    other = [digest.Section("Housing"), digest.Section(digest.OTHER_ISSUES)]
    assert digest.education_headline(other) == "Education needed on 1 issue and other topics"
    assert digest.education_headline(other[1:]) == "Education needed on other topics"
    assert digest.education_headline([]) == ""
    assert digest.goals_headline(["met", "behind", "met", "unreadable"]) == (
        "3 goals: 2 met, 1 behind"
    )
    assert digest.goals_headline(["on track"]) == "1 goal: 1 on track"
    assert digest.goals_headline(["unreadable"]) == ""


def test_the_news_headline_counts_the_period_and_leaves_out_what_did_not_happen() -> None:
    tables = crafted()
    assert digest.news_headline(tables, date(2026, 11, 20), TODAY) == ""
    # Only the stance change of 2026-11-10 and its report remain.
    assert digest.news_headline(tables, date(2026, 11, 10), date(2026, 11, 11)) == (
        "0 new commitments, 0 kept, 1 report and 1 stance change in this period"
    )
    # The report-back counts visible records only: the restricted commitment made and kept in
    # the period counts among all records, and not in what the coalition sees.
    assert digest.news_headline(tables, START, TODAY).startswith("2 new commitments, 3 kept,")
    assert digest.news_headline(visible_crafted(), START, TODAY).startswith(
        "1 new commitment, 2 kept,"
    )


def visible_crafted() -> dict[str, pd.DataFrame]:
    return visibility.visible_tables(crafted(), visibility.COALITION)


def test_the_matrix_and_status_headlines_count_the_tables() -> None:
    matrix = pd.DataFrame(
        [["supports", "strongly_supports"], ["opposes", ""]],
        index=["Ana", "Ben"],
        columns=["Housing", "Transit"],
    )
    assert digest.stances_headline(matrix) == (
        "2 candidates on 2 issues: 2 supportive stances, 1 opposed, 1 not known"
    )
    assert digest.stances_headline(matrix.iloc[:1, :1]) == (
        "1 candidate on 1 issue: 1 supportive stance, 0 opposed"
    )
    assert digest.stances_headline(matrix.iloc[:0]) == ""
    commitments = visible_crafted()["commitments"]
    assert digest.statuses_headline(commitments[commitments["id"] == "cmt-2"], TODAY) == (
        "1 open commitment, 1 overdue; 0 kept, 0 broken"
    )
    assert digest.statuses_headline(commitments.iloc[:0], TODAY) == ""


def test_headlines_are_under_each_heading_in_both_formats(tmp_path: Path) -> None:
    report = built()
    markdown = digest.to_markdown(report).splitlines()
    printed = rendered(report, tmp_path).splitlines()
    for item in report.sections:
        if not item.headline:
            continue
        at = markdown.index(f"## {item.heading}")
        assert markdown[at + 1 : at + 3] == ["", f"**{item.headline}**"]
        at = printed.index(item.heading)
        assert item.headline in " ".join(printed[at + 1 : at + 3])


# --- the tables --------------------------------------------------------------------------------


def test_the_matrix_and_the_statuses_are_tables_of_words() -> None:
    report = built()
    matrix = section(report, "Where candidates stand").table
    assert matrix is not None and matrix.header == ["Candidate", "Housing", "Transit"]
    assert [[cell.text for cell in row] for row in matrix.rows] == [
        ["Ana Ruiz", "Strongly supports", "Opposes"],
        ["Ben Ortiz", "Undecided", "No record"],  # the restricted stance is not shown
    ]
    assert [[cell.tone for cell in row] for row in matrix.rows] == [
        ["", "stance.strongly_supports", "stance.opposes"],
        ["", "stance.undecided", ""],
    ]
    statuses = section(report, "Commitments by status").table
    assert statuses is not None
    assert statuses.header == [
        "Candidate",
        "Not yet rated",
        "In the works",
        "Stalled",
        "Promise kept",
        "Compromise",
        "Promise broken",
    ]
    assert [[cell.text for cell in row] for row in statuses.rows] == [
        ["Ben Ortiz", "none", "none", "1 stalled", "1 kept", "none", "1 broken"],
        ["Ana Ruiz", "none", "1 in the works", "none", "1 kept", "none", "none"],
    ]
    assert statuses.rows[0][4].tone == "status.kept" and statuses.rows[0][1].tone == ""
    for table in (matrix, statuses):
        assert all(cell.text.strip() for row in table.rows for cell in row)
        assert all(cell.tone in ("", *digest.TONES) for row in table.rows for cell in row)


def test_counts_in_cells_read_as_words() -> None:
    assert digest.count_words(3, "kept") == "3 kept"
    assert digest.count_words(1, "compromise") == "1 compromise"
    assert digest.count_words(2, "compromise") == "2 compromises"
    assert digest.count_words(1200, "not_yet_rated") == "1,200 not yet rated"
    assert digest.count_words(0, "broken") == "none"


def test_the_pdf_prints_both_tables_with_words_in_every_cell(tmp_path: Path) -> None:
    report = built()
    printed = rendered(report, tmp_path, "-layout")
    matrix = printed[printed.index("Where candidates stand") : printed.index("Commitments by")]
    assert "Housing" in matrix and "Transit" in matrix
    matrix_rows = {cells_of(line)[0]: cells_of(line) for line in matrix.splitlines()}
    assert matrix_rows["Ana Ruiz"] == ["Ana Ruiz", "Strongly supports", "Opposes"]
    assert matrix_rows["Ben Ortiz"] == ["Ben Ortiz", "Undecided", "No record"]
    statuses = printed[printed.index("Commitments by status") : printed.index("Follow-ups")]
    status_rows = {cells_of(line)[0]: cells_of(line) for line in statuses.splitlines()}
    assert status_rows["Ben Ortiz"] == [
        *("Ben Ortiz", "none", "none", "1 stalled", "1 kept", "none", "1 broken"),
    ]
    assert status_rows["Ana Ruiz"] == [
        *("Ana Ruiz", "none", "1 in the works", "none", "1 kept", "none", "none"),
    ]
    # Built from what the audience may see: the restricted stance is not there, and the rows
    # above count no restricted commitment.
    assert "Strongly opposes" not in printed
    for line in digest.plain_lines(report):
        assert wrapped_in(line, printed), line


def test_the_markdown_has_the_same_tables() -> None:
    markdown = digest.to_markdown(built()).splitlines()
    at = markdown.index("| Candidate | Housing | Transit |")
    assert markdown[at : at + 4] == [
        "| Candidate | Housing | Transit |",
        "| --- | --- | --- |",
        "| Ana Ruiz | Strongly supports | Opposes |",
        "| Ben Ortiz | Undecided | No record |",
    ]
    at = markdown.index(
        "| Candidate | Not yet rated | In the works | Stalled | Promise kept | Compromise "
        "| Promise broken |"
    )
    assert markdown[at + 2 : at + 4] == [
        "| Ben Ortiz | none | none | 1 stalled | 1 kept | none | 1 broken |",
        "| Ana Ruiz | none | 1 in the works | none | 1 kept | none | none |",
    ]


HOSTILE = "Ben | *Ortiz* <b>x</b> [link](http://x) =1+1"


def test_names_in_tables_are_text_in_both_formats(tmp_path: Path) -> None:
    tables = crafted()
    tables["candidates"].loc[tables["candidates"]["id"] == "cand-b", "name"] = HOSTILE
    tables["issues"].loc[tables["issues"]["id"] == "iss-t", "name"] = "Transit | rail"
    report = built(tables)
    markdown = digest.to_markdown(report)
    header = "| Candidate | Housing | Transit \\| rail |"
    assert header in markdown.splitlines()
    row = f"| {digest.escape(HOSTILE)} | Undecided | No record |"
    assert row in markdown.splitlines()
    assert "<b>" not in markdown and "*Ortiz*" not in markdown
    for line in (header, row):  # a typed pipe never makes a column of its own
        assert len(re.split(r"(?<!\\)\|", line)) == 5
    printed = rendered(report, tmp_path)
    assert printed.count(HOSTILE) >= 2  # in both tables, exactly as typed
    assert "Transit | rail" in printed


def test_tables_print_names_in_any_script(tmp_path: Path) -> None:
    tables = crafted()
    names = {"cand-a": "王小明", "cand-b": "שלום כהן"}
    tables["candidates"]["name"] = tables["candidates"]["id"].map(names)
    printed = rendered(built(tables), tmp_path)
    printed = printed.translate({0x202A: None, 0x202B: None, 0x202C: None})
    assert printed.count("王小明") >= 2 and printed.count("שלום כהן") >= 2


def test_a_name_too_long_for_a_cell_is_cut_in_both_formats(tmp_path: Path) -> None:
    tables = crafted()
    long_name = "Ana " + "Maria " * 60 + "Ruiz"
    tables["candidates"].loc[0, "name"] = long_name
    report = built(tables)
    matrix = section(report, "Where candidates stand").table
    assert matrix is not None
    label = matrix.rows[0][0].text
    assert len(label) <= digest.CELL_LIMIT and label.endswith("…") and label.startswith("Ana ")
    assert f"| {digest.escape(label)} | Strongly supports | Opposes |" in digest.to_markdown(report)
    assert wrapped_in(label, rendered(report, tmp_path))


def test_no_issue_or_no_candidate_says_so_instead_of_an_empty_table() -> None:
    tables = crafted()
    tables["issues"]["active"] = False
    report = built(tables)
    matrix = section(report, "Where candidates stand")
    assert matrix.table is None and matrix.headline == ""
    assert "No active issues to show stances on." in digest.to_markdown(report)
    empty = built(tables_of())
    assert section(empty, "Commitments by status").table is None
    assert "No commitments recorded." in digest.plain_lines(empty)
    assert digest.to_pdf(empty).startswith(b"%PDF")


# --- colours -----------------------------------------------------------------------------------


def rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


def luminance(colour: tuple[int, int, int]) -> float:
    """WCAG 2 relative luminance."""

    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in colour)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(one: tuple[int, int, int], other: tuple[int, int, int]) -> float:
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def lightness(colour: tuple[int, int, int]) -> float:
    """CIELAB L*, 0 to 100: how light the fill looks once printed in grey."""
    y = luminance(colour)
    return 116 * y ** (1 / 3) - 16 if y > 216 / 24389 else y * 24389 / 27


def grey(colour: tuple[int, int, int]) -> float:
    """The grey, 0 to 100, a colour becomes in Poppler's and most printers' conversion."""
    red, green, blue = colour
    return (0.299 * red + 0.587 * green + 0.114 * blue) / 2.55


def test_every_fill_passes_contrast_with_black_text() -> None:
    for tone, colour in digest.TONES.items():
        assert contrast(rgb(colour), BLACK) >= 4.5, tone


@pytest.mark.parametrize("fills", [digest.STANCE_FILLS, digest.STATUS_FILLS])
def test_fills_stay_apart_in_black_and_white(fills: dict[str, str]) -> None:
    shades = {**{name: rgb(colour) for name, colour in fills.items()}, "white": (255, 255, 255)}
    for (one, first), (other, second) in itertools.combinations(shades.items(), 2):
        for scale in (lightness, grey):
            apart = abs(scale(first) - scale(second))
            assert apart >= digest.MIN_GREY_STEP, (one, other, scale.__name__, apart)


def test_the_printed_greys_of_the_stances_differ(tmp_path: Path) -> None:
    """Rendered in grey, as a black and white printout would be: the cell around each stance
    word has a grey of its own."""
    stances = list(digest.STANCE_FILLS)
    tables = tables_of(
        candidates=[{"id": f"c{n}", "name": f"Person {n}"} for n in range(len(stances))],
        issues=[{"id": "i", "name": "Housing"}],
        positions=[
            {"id": f"p{n}", "candidate_id": f"c{n}", "issue_id": "i", "stance": stance}
            | {"as_of": "2026-11-02", "visibility": "public"}
            for n, stance in enumerate(stances)
        ],
    )
    pdf = pdf_of(built(tables), tmp_path)
    dpi = 72  # a point a pixel: pdftotext's coordinates are the image's
    subprocess.run(
        ["pdftoppm", "-gray", "-r", str(dpi), "-f", "1", "-l", "1", str(pdf), str(tmp_path / "g")],
        check=True,
    )
    (image,) = tmp_path.glob("g-*.pgm")
    width, pixels = read_pgm(image)
    boxes = word_boxes(text_of(pdf, "-bbox", "-f", "1", "-l", "1"))
    words = {"strongly_supports": "Strongly", "strongly_opposes": "Strongly"}
    seen: dict[str, int] = {}
    for stance in stances:
        word = words.get(stance, digest.stance_words(stance).split()[0])
        boxes_of_word = [box for box in boxes if box[0] == word]
        index = 0 if stance == "strongly_supports" else -1
        _, x_min, y_min, _, y_max = boxes_of_word[index]
        # Just left of the word, inside the padding of its cell.
        x, y = int(x_min) - 3, int((y_min + y_max) / 2)
        seen[stance] = pixels[y * width + x]
    for (one, first), (other, second) in itertools.combinations(seen.items(), 2):
        assert abs(first - second) >= 255 * digest.MIN_GREY_STEP / 100 - 2, (one, other, seen)
    assert all(level < 250 for level in seen.values())  # every stance is filled


def read_pgm(path: Path) -> tuple[int, bytes]:
    """The width and the grey bytes, row by row, of a binary PGM image."""
    data = path.read_bytes()
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", data)
    assert header, data[:20]
    width, height = int(header.group(1)), int(header.group(2))
    return width, data[header.end() : header.end() + width * height]


def word_boxes(html: str) -> list[tuple[str, float, float, float, float]]:
    """(word, xMin, yMin, xMax, yMax) for every word of ``pdftotext -bbox`` output, in points."""
    found = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
        html,
    )
    return [(word, float(a), float(b), float(c), float(d)) for a, b, c, d, word in found]


# --- a wide matrix -----------------------------------------------------------------------------


def wide_tables(issues: int = 12, candidates: int = 30) -> dict[str, pd.DataFrame]:
    stances = [*digest.STANCE_FILLS, "unknown", ""]
    names = ["Affordable housing trust fund", "Tenant right to counsel", "Transit"]
    return tables_of(
        candidates=[{"id": f"c{n:02}", "name": f"Person {n:02}"} for n in range(candidates)],
        issues=[{"id": f"i{n:02}", "name": f"{names[n % 3]} {n + 1}"} for n in range(issues)],
        positions=[
            {"id": f"p{c}-{i}", "candidate_id": f"c{c:02}", "issue_id": f"i{i:02}"}
            | {"stance": stances[(c + i) % len(stances)], "as_of": "2026-10-02"}
            | {"visibility": "public"}
            for c in range(candidates)
            for i in range(issues)
            if stances[(c + i) % len(stances)]
        ],
        commitments=[
            {"id": f"m{c}-{k}", "candidate_id": f"c{c:02}", "issue_id": "i00", "text": "Do it"}
            | {"made_on": "2026-09-01", "status": status, "visibility": "public"}
            for c in range(candidates)
            for k, status in enumerate(["kept", "broken", "stalled", "compromise"][: c % 5])
        ],
    )


def test_columns_are_split_into_tables_of_near_equal_size() -> None:
    def sizes(count: int, at_most: int) -> list[int]:
        return [len(part) for part in digest.column_groups(count, at_most)]

    assert sizes(12, 6) == [6, 6]
    assert sizes(13, 6) == [5, 4, 4]
    assert sizes(6, 6) == [6]
    assert sizes(1, 6) == [1]
    assert [list(part) for part in digest.column_groups(5, 2)] == [[0, 1], [2, 3], [4]]


def test_a_wide_matrix_is_legible_and_fits_the_page(tmp_path: Path) -> None:
    report = built(wide_tables())
    matrix = section(report, "Where candidates stand")
    assert matrix.table is not None and len(matrix.table.header) == 13
    assert len(matrix.table.rows) == 30
    assert matrix.headline.startswith("30 candidates on 12 issues: ")
    pdf = pdf_of(report, tmp_path)
    html = text_of(pdf, "-bbox")
    page_width = float(re.search(r'<page width="([\d.]+)"', html).group(1))
    boxes = word_boxes(html)
    margin = 10 / 25.4 * 72  # fpdf2's default margin, 10 mm
    assert boxes and all(
        margin - 1 <= box[1] and box[3] <= page_width - margin + 1 for box in boxes
    )
    printed = text_of(pdf, "-layout")
    assert "Issues 1 to 6 of 12" in printed and "Issues 7 to 12 of 12" in printed
    for name in matrix.table.header[1:]:
        assert wrapped_in(name, printed)
    for n in range(30):  # each candidate in both parts of the matrix and in the statuses
        assert printed.count(f"Person {n:02}") >= 2 + bool(n % 5)
    # Every page the matrix goes on to starts with its header again.
    for page in printed.split("\f"):
        if re.search(r"^\s*Person \d\d ", page, re.MULTILINE):  # a row of a table
            assert "Candidate" in page


def test_a_wide_matrix_says_the_same_in_markdown() -> None:
    report = built(wide_tables())
    markdown = digest.to_markdown(report).splitlines()
    rows = [line for line in markdown if line.startswith("| Person ")]
    assert len(rows) == 30 + 24  # the matrix, and the candidates with commitments
    assert all(len(re.split(r"(?<!\\)\|", row)) == 15 for row in rows[:30])


# --- pages -------------------------------------------------------------------------------------


def test_every_page_is_numbered_with_the_period_and_audience(tmp_path: Path) -> None:
    tables = wide_tables()
    report = digest.build(tables, START, TODAY, "public", "Riverton", TODAY)
    pages = [page for page in rendered(report, tmp_path, "-layout").split("\f") if page.strip()]
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        footer = f"Page {number} of {len(pages)} · 2026-11-01 to 2026-11-30 · The public"
        assert footer in page, number


def test_a_two_page_digest_says_page_1_of_2(tmp_path: Path) -> None:
    lines = [f"Line {n}" for n in range(60)]
    report = digest.Digest(
        "Title", "Subtitle", [digest.Section("Long", lines)], footer="2026-11-01 to 2026-11-30"
    )
    pages = [page for page in rendered(report, tmp_path).split("\f") if page.strip()]
    assert len(pages) == 2
    assert "Page 1 of 2 · 2026-11-01 to 2026-11-30" in pages[0]
    assert "Page 2 of 2 · 2026-11-01 to 2026-11-30" in pages[1]


def test_typed_text_never_becomes_the_page_count(tmp_path: Path) -> None:
    alias = digest.PAGES_ALIAS
    report = digest.Digest(
        f"Title {alias}", "{nb} pages", [digest.Section(f"Heading {alias}", [f"x{alias}y"])]
    )
    printed = rendered(report, tmp_path)
    assert "{nb} pages" in printed and "xy" in printed and "x1y" not in printed
    assert "Page 1 of 1" in printed


def test_a_digest_made_elsewhere_still_renders_without_tables_or_footer(tmp_path: Path) -> None:
    report = digest.Digest("Guide", "For voters", [digest.Section("Answers", ["One"])])
    printed = rendered(report, tmp_path)
    assert "Page 1 of 1" in printed and "One" in printed
    assert "**" not in digest.to_markdown(report)  # no headline, no bold line
