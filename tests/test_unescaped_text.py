"""Every piece of text a page hands Streamlit is either the app's own words or built by
``ui.md``, which escapes each value put into it. A name typed into the sheet as ``**bold**``,
``:red[...]``, ``$x$``, ``![img](http://...)`` or ``<b>`` must show as those characters."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from lib import text

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted([ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("lib/**/*.py")])

# Streamlit calls whose first argument (the body or the label) is rendered as Markdown.
MARKDOWN_CALLS = {
    "markdown",
    "title",
    "header",
    "subheader",
    "caption",
    "write",
    "info",
    "warning",
    "error",
    "success",
    "exception",
    "toast",
    "expander",
    "popover",
    "status",
    "page_link",
    "metric",
    "button",
    "link_button",
    "download_button",
    "form_submit_button",
    "checkbox",
    "toggle",
    "radio",
    "selectbox",
    "multiselect",
    "text_input",
    "text_area",
    "number_input",
    "date_input",
    "segmented_control",
    "pills",
    "slider",
    "select_slider",
    "file_uploader",
    "tabs",
    "progress",
}
# The functions that build the app's Markdown with every value escaped (lib/text.py).
BUILDERS = {"ui.md", "text.md", "text.join"}
# Keyword arguments rendered as Markdown too.
MARKDOWN_KEYWORDS = {"body", "label", "help", "caption", "text"}


def _is_safe(node: ast.expr) -> bool:
    """A literal of the app's own, or ``md(...)`` (which escapes every value)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str | type(None))
    if isinstance(node, ast.Call):
        function = node.func
        if isinstance(function, ast.Attribute):  # ui.md(...), text.join(...), never "".join
            owner = function.value
            return isinstance(owner, ast.Name) and f"{owner.id}.{function.attr}" in BUILDERS
        return isinstance(function, ast.Name) and function.id in {"md", "join"}
    if isinstance(node, ast.IfExp):
        return _is_safe(node.body) and _is_safe(node.orelse)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _is_safe(node.left) and _is_safe(node.right)
    if isinstance(node, ast.List | ast.Tuple):  # st.tabs(["A", "B"])
        return all(_is_safe(element) for element in node.elts)
    return False


def unescaped_calls(source: str) -> list[str]:
    """The Streamlit calls in ``source`` that could show user text as Markdown."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        for keyword in node.keywords:
            if keyword.arg == "unsafe_allow_html":
                found.append(f"line {node.lineno}: unsafe_allow_html")
        if node.func.attr not in MARKDOWN_CALLS:
            continue
        first = node.args[:1] if node.func.attr != "progress" else []  # its first is a number
        shown = first + [k.value for k in node.keywords if k.arg in MARKDOWN_KEYWORDS]
        found += [
            f"line {node.lineno}: {node.func.attr}({ast.unparse(argument)[:60]})"
            for argument in shown
            if not _is_safe(argument)
        ]
    return found


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(ROOT)))
def test_pages_hand_streamlit_only_escaped_text(path: Path) -> None:
    assert unescaped_calls(path.read_text()) == []


def test_the_check_catches_what_it_must() -> None:
    caught = unescaped_calls(
        "st.title(candidate['name'])\n"
        "st.markdown(f'[Campaign website]({url})')\n"
        "col.caption('Data: ' + label)\n"
        "st.expander(title)\n"
        "st.markdown(text, unsafe_allow_html=True)\n"
        "st.error(f'{error}')\n"
        "st.warning(', '.join(names))\n"
        "st.progress(0.5, text=f'Copying {table}')\n"
    )
    assert len(caught) == 9
    assert unescaped_calls("st.title(ui.md('{}', name))\nst.caption('Plain words')\n") == []


@pytest.mark.parametrize(
    "hostile",
    [
        "**bold**",
        ":red[alarm]",
        "$x^2$",
        "![x](http://198.51.100.7/x.png)",
        "[click](javascript:alert(1))",
        "<img src=x onerror=alert(1)>",
        "Line one\n===",
        "# heading",
        "- item",
        "https://tracker.example/path",
        "see www.tracker.example or write to jo@tracker.example",
        "1. first",
        "> quote",
        "`code`",
        "a | b",
        "~~gone~~",
        "&lt;b&gt;",
    ],
)
def test_escaped_values_render_as_their_own_characters(hostile: str) -> None:
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("gfm-like").render(text.md("{}", hostile))
    assert "<a " not in rendered and "<img" not in rendered and "<h" not in rendered[:3]
    for tag in ("<strong>", "<em>", "<code>", "<li>", "<blockquote>", "<table>", "<del>"):
        assert tag not in rendered
    # Only the escapes are added: what shows is what was typed (line breaks as line breaks).
    plain = rendered.replace("<p>", "").replace("</p>", "").replace("<br />", "").strip()
    import html

    shown = html.unescape(plain).replace("\n", "").replace(text.WORD_JOINER, "")
    assert shown == hostile.replace("\n", "")
