"""Showing user text safely: as text, never as Markdown, HTML, LaTeX or a link.

Streamlit renders Markdown (with KaTeX, colour directives and images) in almost every element
that shows text. Escaping is therefore the default, as a template engine's autoescape is: the app
writes its own Markdown as a template, and every value put into it goes through :func:`md`,
which escapes it. A test (``tests/test_unescaped_text.py``) fails when a page hands Streamlit
anything else.
"""

from __future__ import annotations

import re
import string
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

# Every character Markdown, GitHub's extensions, KaTeX ($) or Streamlit's directives (:red[...])
# give a meaning; "=" and "-" also turn the line above them into a heading.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-=.!|~$:&])")
_LINE_BREAKS = re.compile(r"\r\n|\r|\n|\x0b|\x0c|\u2028|\u2029")


class Markdown(str):
    """Markdown written by the app itself, with any user text in it already escaped."""


# Streamlit turns bare addresses into links after Markdown is parsed, escapes or not (GitHub's
# "autolink literal"); an invisible word joiner after the scheme or the @ keeps them text.
_AUTOLINK_STARTS = re.compile(r"(?i)(https?|ftp|mailto|xmpp|www)(?=\\?[:.])|(@)")
WORD_JOINER = "\u2060"


def escape_markdown(text: object) -> str:
    """User text made safe inside Markdown: no links, images, formatting, HTML or directives.

    Line breaks stay line breaks; a bare URL or email address is shown, not linked.
    """
    escaped = _MARKDOWN_SPECIALS.sub(r"\\\1", str(text))
    escaped = _AUTOLINK_STARTS.sub(lambda found: found.group(0) + WORD_JOINER, escaped)
    return _LINE_BREAKS.sub("  \n", escaped)


class _EscapingFormatter(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> str:
        shown = format(value, format_spec)
        return shown if isinstance(value, Markdown) else escape_markdown(shown)


_FORMATTER = _EscapingFormatter()


def md(template: str, /, *args: Any, **values: Any) -> Markdown:
    """The app's Markdown ``template`` with every value escaped, like ``str.format``.

    ``md("**{name}** on {issue}", name=..., issue=...)``; format specs apply as usual
    (``{:,}``, ``{:%H:%M}``); a value that is itself a :class:`Markdown` (built by ``md``) goes
    in as it is.
    """
    return Markdown(_FORMATTER.format(template, *args, **values))


def plural(number: int, noun: str, many: str = "") -> str:
    """A count with its noun: "1 record", "2,000 records"; ``many`` for an irregular plural
    ("people")."""
    return f"{number:,} {noun if number == 1 else many or noun + 's'}"


def join(separator: str, parts: list[Markdown]) -> Markdown:
    """Several pieces of the app's Markdown as one."""
    return Markdown(separator.join(parts))


_MARKDOWN_FILE_SPECIALS = re.compile(r"([\\`*_\[\]<>|])")


def escape_markdown_file(text: str) -> str:
    """User text for a Markdown document: no links, images, emphasis or HTML, yet readable."""
    return _MARKDOWN_FILE_SPECIALS.sub(r"\\\1", str(text)).replace("\n", " ")


_HOST = re.compile(r"^[A-Za-z0-9.-]+(:\d{1,5})?$")


def safe_url(text: str) -> str | None:
    """An http(s) address fit for a link, with anything that could break out of it
    percent-encoded; None for anything else (javascript:, data:, a host with odd characters)."""
    text = str(text).strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not _HOST.match(parts.netloc or ""):
        return None
    keep = "/%:@!$&+,;=-._~"
    return urlunsplit(
        (
            parts.scheme.lower(),
            parts.netloc.lower(),
            quote(parts.path, safe=keep),
            quote(parts.query, safe=keep + "?"),
            quote(parts.fragment, safe=keep + "?"),
        )
    )
