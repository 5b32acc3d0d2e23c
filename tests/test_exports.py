"""Every export survives hostile and odd text: CSV, Excel, the backup, the calendar, the PDF,
and a download whose file cannot be built says so on the page."""

from __future__ import annotations

import csv
import io
import logging
import subprocess
from datetime import datetime
from pathlib import Path

import icalendar
import openpyxl
import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from lib import calendar_ics, digest, export, transfer
from tests.shared import tables_of

FORMULA_STARTS = ("=", "+", "-", "@")
CONTROL_CHARACTERS = ["\x00", "\x07", "\x0b", "\x0c", "\x1b", "\x1f", "\ufffe", "\uffff"]


def follow_up_tables(owner: str, text: str = "Hold a hearing") -> dict[str, pd.DataFrame]:
    """A candidate with one open commitment and one undone action, both owned by ``owner``,
    and another person's commitment."""
    candidate = {"id": "cand-1", "name": "Ana Ruiz", "active": "TRUE"}
    commitment = {
        "candidate_id": "cand-1",
        "text": text,
        "status": "in_the_works",
        "follow_up_by": "2026-12-01",
        "visibility": "coalition",
    }
    return tables_of(
        candidates=[candidate],
        commitments=[
            {**commitment, "id": "cmt-1", "owner": owner},
            {**commitment, "id": "cmt-2", "owner": "Someone Else"},
        ],
        actions=[
            {"id": "act-1", "title": "Send the fact sheet", "owner": owner, "due": "2026-12-02"}
        ],
    )


def csv_cells(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def unguarded_formulas(rows: list[list[str]]) -> list[str]:
    """Cells a spreadsheet would evaluate: starting (maybe after white space) with a formula."""
    return [
        cell
        for row in rows
        for cell in row
        if cell.startswith(("\t", "\r")) or cell.lstrip().startswith(FORMULA_STARTS)
    ]


# --- CSV ---------------------------------------------------------------------------------------


def test_a_bare_cr_cannot_start_a_row_or_hide_a_formula() -> None:
    typed = [
        'Call back\r=HYPERLINK("http://198.51.100.7","x")',
        "line\r\n+1",
        "Word break\x0b@SUM(A1)",
        "\r-2",
    ]
    rows = csv_cells(export.csv_bytes(pd.DataFrame({"Note": typed, "Owner": ["Jo"] * 4})))
    assert len(rows) == 5 and all(len(row) == 2 for row in rows)
    assert [row[0] for row in rows[1:]] == [
        'Call back\n=HYPERLINK("http://198.51.100.7","x")',
        "line\n+1",
        "Word break\n@SUM(A1)",
        "'\n-2",
    ]
    assert unguarded_formulas(rows) == []


def test_a_formula_on_a_later_line_stays_inside_its_cell() -> None:
    typed = ["Total\n=1+1", "Notes:\n- item\n@all", " =1+1", "\n=cmd|' /C calc'!A0"]
    data = export.csv_bytes(pd.DataFrame({"Note": typed}))
    rows = csv_cells(data)
    assert [row[0] for row in rows[1:]] == [
        "Total\n=1+1",
        "Notes:\n- item\n@all",
        "' =1+1",
        "'\n=cmd|' /C calc'!A0",
    ]
    assert unguarded_formulas(rows) == []
    # Every field holding a line break is quoted, whatever reads it.
    assert b'"Total\n=1+1"' in data and b"\r" not in data.replace(b"\r\n", b"")


# --- Excel and the backup ----------------------------------------------------------------------


@pytest.mark.parametrize("control", CONTROL_CHARACTERS)
def test_a_control_character_does_not_stop_the_excel_export(control: str) -> None:
    frame = pd.DataFrame({f"Note{control}": [f"before{control}after", "=1+1"]})
    workbook = openpyxl.load_workbook(io.BytesIO(export.xlsx_bytes({"Commitments": frame})))
    sheet = workbook["Commitments"]
    broken = "\n" if control in "\x0b\x0c" else ""
    assert sheet["A1"].value == f"Note{broken}"
    assert sheet["A2"].value == f"before{broken}after"
    assert sheet["A3"].value == "=1+1" and sheet["A3"].data_type == "s"


def test_cell_text_documents_what_each_odd_character_becomes() -> None:
    assert export.cell_text("a\x0bb\x0cc\rd\r\ne\nf\tg") == "a\nb\nc\nd\ne\nf\tg"
    assert export.cell_text("".join(CONTROL_CHARACTERS[:1] + ["x\x07\x1b\x1f\ufffe\uffff"])) == "x"
    assert export.cell_text("王小明 שלום 👍 \x7f\u2028") == "王小明 שלום 👍 \x7f\u2028"


def test_a_backup_holding_control_characters_restores() -> None:
    tables = follow_up_tables("Jo\x0bSmith", text="Fund it\x07\x1b[31m now\x0cplease\r\nthanks")
    tables["candidates"].loc[0, "name"] = "Ana\x00 Ruiz\uffff"
    restored = transfer.read_backup(transfer.backup_bytes(tables))
    commitment = restored["commitments"].set_index("id").loc["cmt-1"]
    assert commitment["owner"] == "Jo\nSmith"
    assert commitment["text"] == "Fund it[31m now\nplease\nthanks"
    assert restored["candidates"].iloc[0]["name"] == "Ana Ruiz"
    assert restored["actions"].iloc[0]["owner"] == "Jo\nSmith"


# --- the calendar ------------------------------------------------------------------------------


@pytest.mark.parametrize("owner", ["Jo\nSmith", "Jo\rSmith", "Jo\x0bSmith", "Jo\r\nSmith"])
def test_an_owner_with_a_line_break_gets_their_calendar(owner: str) -> None:
    tables = follow_up_tables(owner)
    assert owner in calendar_ics.owners(tables)
    data = calendar_ics.follow_up_calendar(tables, owner, datetime(2026, 11, 23, 12, 0))
    calendar = icalendar.Calendar.from_ical(data)
    events = {str(event["uid"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {"cmt-1@coalition-tracker", "act-1@coalition-tracker"}
    assert {str(event["description"]) for event in events.values()} == {"Owner: Jo Smith"}
    assert str(calendar["x-wr-calname"]) == "Coalition follow-ups: Jo Smith"
    everyone = icalendar.Calendar.from_ical(
        calendar_ics.follow_up_calendar(tables, None, datetime(2026, 11, 23, 12, 0))
    )
    assert len(everyone.walk("VEVENT")) == 3


def test_calendar_text_holds_no_control_characters() -> None:
    tables = follow_up_tables("Jo", text="Fund\x0bit\x07 now\u2028please\x1b")
    data = calendar_ics.follow_up_calendar(tables, None, datetime(2026, 11, 23, 12, 0))
    assert not set(data.decode()) & {chr(code) for code in [*range(0x09), *range(0x0B, 0x0D)]}
    summaries = {
        str(event["summary"]) for event in icalendar.Calendar.from_ical(data).walk("VEVENT")
    }
    assert "Follow up: Ana Ruiz: Fund it now please" in summaries


def test_a_follow_up_date_typed_by_hand_is_left_out_of_the_calendar() -> None:
    tables = follow_up_tables("Jo")
    tables["commitments"].loc[0, "follow_up_by"] = "next week"
    calendar = icalendar.Calendar.from_ical(
        calendar_ics.follow_up_calendar(tables, "Jo", datetime(2026, 11, 23, 12, 0))
    )
    assert [str(event["uid"]) for event in calendar.walk("VEVENT")] == ["act-1@coalition-tracker"]


# --- the digest PDF ----------------------------------------------------------------------------

NAMES = ["王小明", "שלום כהן", "محمد علي", "José Núñez Zoë"]


def world_digest() -> digest.Digest:
    parts = [digest.Section(name, [f"Met {name} on 2026-11-02"]) for name in NAMES]
    parts.append(digest.Section("Emoji", ["Thanks 👍 for the café ✅ and 🫠 the rest"]))
    parts.append(digest.Section("Odd\x0bname\x07\x1b[0m\x00", ["{nb} stays as typed"]))
    return digest.Digest(
        "Riverton report-back",
        "For: coalition members.",
        [digest.Section("New in this period", parts=parts)],
    )


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "digest.pdf"
    path.write_bytes(data)
    printed = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    # pdftotext marks right-to-left runs with embedding controls; the words are what count.
    return printed.translate({0x202A: None, 0x202B: None, 0x202C: None})


def test_the_digest_pdf_prints_every_script(tmp_path: Path) -> None:
    printed = pdf_text(digest.to_pdf(world_digest()), tmp_path)
    for name in NAMES:  # Chinese needs fonts-noto-cjk, the rest fonts-noto-core (.ci/run)
        assert name in printed
    # pdftotext may drop the space where a line turns from right-to-left to left-to-right.
    assert printed.count("Met ") == len(NAMES) and printed.count("2026-11-02") == len(NAMES)
    assert "שלום" in printed and "םולש" not in printed  # logical order, not reversed
    assert "Thanks 👍 for the café ✅ and" in printed
    assert "the rest" in printed  # an emoji no font has leaves the rest of its line
    assert "Odd name[0m" in printed and "{nb} stays as typed" in printed


def test_the_digest_pdf_renders_with_only_the_bundled_font(tmp_path: Path) -> None:
    fonts = digest.find_fonts([tmp_path])  # no Noto here
    assert fonts == digest.BUNDLED_FONTS
    printed = pdf_text(digest.to_pdf(world_digest(), fonts), tmp_path)
    assert "José Núñez Zoë" in printed and "Thanks" in printed and "the rest" in printed


def test_an_english_digest_loads_no_fallback_font() -> None:
    text = "José Núñez met the Riverton council • 2026-11-02 “quoted” — £5, €6 ‘ok’ …"
    assert digest.fallbacks_for(text, digest.system_fonts()) == []
    assert not digest.needs_shaping(text) and digest.needs_shaping("שלום")


def test_the_markdown_digest_keeps_each_line_on_one_line() -> None:
    markdown = digest.to_markdown(world_digest())
    assert "### Odd name\\[0m" in markdown
    assert not set(markdown) & {"\r", "\x0b", "\x07", "\x00"}


# --- downloads on the page ---------------------------------------------------------------------


def _failing_download_page() -> None:
    from lib import ui  # AppTest runs this function's body alone, as a script

    def build() -> bytes:
        raise ValueError("the store went away")

    ui.download("Download the backup", build, "backup\n.xlsx", "text/plain", key="t.download")


def test_a_download_that_fails_is_logged_and_shown(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    registered = []
    original = MediaFileManager.add_deferred

    def record(self, data_callable, *args, **kwargs):  # type: ignore[no-untyped-def]
        registered.append((data_callable, kwargs))
        return original(self, data_callable, *args, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    at = AppTest.from_function(_failing_download_page).run()
    assert not at.exception and not at.error
    build, options = registered[-1]
    assert options["file_name"] == "backup .xlsx"
    # Streamlit builds the file on a thread of its own when the button is clicked.
    with caplog.at_level(logging.ERROR), pytest.raises(ValueError):
        build()
    assert "the store went away" in caplog.text
    at.download_button[0].click().run()
    assert [error.value for error in at.error] == [
        "The file could not be made, so nothing was downloaded. Try again; if it fails "
        "again, tell whoever runs this app (the details are in its log)."
    ]
    at.run()
    assert not at.error  # said once


def test_download_file_names_cannot_break_a_header() -> None:
    assert export.safe_file_name("follow-ups-Jo\r\nSmith.ics") == "follow-ups-Jo Smith.ics"
    assert export.safe_file_name("../../etc/passwd") == "-..-etc-passwd"
    assert export.safe_file_name("\x00") == "download"
