"""Showing user text safely."""

from __future__ import annotations

import re

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


def escape_markdown(text: str) -> str:
    """User text made safe inside Markdown: no links, images, formatting, HTML or directives."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", str(text)).replace("\n", "  \n")


_MARKDOWN_FILE_SPECIALS = re.compile(r"([\\`*_\[\]<>|])")


def escape_markdown_file(text: str) -> str:
    """User text for a Markdown document: no links, images, emphasis or HTML, yet readable."""
    return _MARKDOWN_FILE_SPECIALS.sub(r"\\\1", str(text)).replace("\n", " ")
