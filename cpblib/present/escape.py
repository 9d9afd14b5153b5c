r"""Making untrusted text safe for each place cpb writes it: one function per context.

Text that came from a person (indicator names, commentary, notes, annotations,
file names, settings such as the protective marking) is only ever text to cpb.
Wherever it is written it goes through the function for that context, and
nowhere else is text escaped by hand:

==============================  =============================================================
Context                         Function
==============================  =============================================================
HTML and SVG (text, attribute)  :func:`html_text`
CSS string in a style sheet     :func:`css_string`
Typst string literal            :func:`typst_string`
Markdown (pandoc, CommonMark)   :func:`markdown_escape` (:func:`markdown_text` for report cells)
``re.sub`` replacement string   :func:`regex_replacement`
Terminal, plain or a log line   :func:`terminal_text`
Terminal through rich markup    :func:`console_text`
Spreadsheet cell (CSV, JSON)    :func:`safe_cell`
==============================  =============================================================

>>> print(html_text('<b class="x">A & B</b>'))
&lt;b class=&quot;x&quot;&gt;A &amp; B&lt;/b&gt;
>>> print(css_string("OFFICIAL\fX"))
"OFFICIAL\00000CX"
>>> print(typst_string('Say "hi" \\ bye'))
"Say \"hi\" \\ bye"
>>> print(regex_replacement(r"S:\Reports\new"))
S:\\Reports\\new
>>> print(terminal_text("red\x1b[31m alert"))
red\x1b[31m alert
>>> safe_cell("+ cmd|' /C calc'!A0")
"'+ cmd|' /C calc'!A0"
"""

from __future__ import annotations

import html
import re

_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_PLAIN_NUMBER = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?%?$")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")

_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]<>()#+!|~$@^])")
"""Characters that make Markdown syntax anywhere in a line (emphasis, code, links, raw HTML, raw
attributes, maths, citations, superscripts, tables...): each is backslash-escaped."""

_MARKDOWN_LINE_START = re.compile(r"^(\s*)([-:%=.])|^(\s*\d+)([.)])")
"""What makes Markdown syntax at the start of a line (lists, rules, fenced divs, title blocks)."""

_LINE_BREAKS = re.compile(r"[\r\n\f\v\x85\u2028\u2029]+")

_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML (so SVG, and the PDF's reading of it) does not allow; they become spaces."""

_CSS_SAFE = re.compile(r"[A-Za-z0-9 ,.!?:;_()'/-]")
"""Characters written as they are in a CSS string; every other one is written as a CSS escape."""

_TERMINAL_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Control characters (escape sequences, bells, carriage returns, C1 codes) and the bidirectional
overrides that can make a terminal show other text than what is there: written as ``\\xNN``/``\\uNNNN``."""


# -- HTML and SVG ----------------------------------------------------------------------------------
def html_text(value: object) -> str:
    """Text for HTML or SVG, as element content or a double- or single-quoted attribute value.

    Characters XML forbids (most control characters) become spaces, so a chart's SVG stays a
    valid document for the PDF.

    >>> html_text("a\x0cb <i>"), html_text(None)
    ('a b &lt;i&gt;', '')
    """
    if value is None:
        return ""
    return html.escape(_XML_INVALID.sub(" ", str(value)), quote=True)


# -- CSS -------------------------------------------------------------------------------------------
def css_string(value: object) -> str:
    r"""A double-quoted CSS string literal holding ``value`` exactly, safe inside a ``<style>`` element.

    Only letters, digits, spaces and a few punctuation marks are written as they are; every other
    character (quotes, backslashes, ``<``, ``&``, line breaks and form feeds, which end a CSS string,
    and any other control character) is a six-digit CSS escape, so nothing can end the string or
    the style element.

    >>> print(css_string('OFFICIAL "A" </style> & B'))
    "OFFICIAL \000022A\000022\000020\00003C/style\00003E\000020\000026\000020B"
    >>> print(css_string("a\x00b"))
    "a\00FFFDb"
    """
    text = str(value).replace("\x00", "\ufffd")  # CSS reads an escaped NUL as U+FFFD: say so
    parts, escaping = [], False
    for ch in text:
        # a space right after an escape would be read as the escape's end: it is escaped too
        escaping = not _CSS_SAFE.fullmatch(ch) or (ch == " " and escaping)
        parts.append(f"\\{ord(ch):06X}" if escaping else ch)
    return '"' + "".join(parts) + '"'


# -- Typst -----------------------------------------------------------------------------------------
def typst_string(value: object) -> str:
    r"""A Typst string literal holding ``value`` (line breaks and control characters as spaces).

    >>> print(typst_string('a\nb\x0c"c"'))
    "a b \"c\""
    """
    text = _XML_INVALID.sub(" ", _LINE_BREAKS.sub(" ", str(value))).replace("\t", " ")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# -- Markdown --------------------------------------------------------------------------------------
def markdown_escape(value: object) -> str:
    r"""Text made literal in Markdown (pandoc, Quarto and CommonMark), on one line.

    The marks that make syntax are backslash-escaped (anywhere, and at the start of the text those
    that only do there), so no emphasis, link, raw HTML or Typst, maths, citation, heading, list,
    fenced div or table can be made of it; line breaks become spaces.

    >>> print(markdown_escape("5 < 10 {=typst} $x$ @team\n::: note"))
    5 \< 10 \{=typst\} \$x\$ \@team ::: note
    >>> print(markdown_escape("::: note")), print(markdown_escape("2023. A year"))
    \::: note
    2023\. A year
    (None, None)
    """
    text = _MARKDOWN_PUNCTUATION.sub(r"\\\1", _LINE_BREAKS.sub(" ", str(value)).replace("\t", " "))
    return _MARKDOWN_LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[2] else f"{m[3]}\\{m[4]}", text, count=1)


def markdown_text(value: object) -> str:
    """Input text as a cell or paragraph of a report written in Markdown that is also read as HTML
    (the data-quality page): formulas neutralised, HTML and Markdown punctuation escaped, one line.

    >>> markdown_text('=cmd|" /C calc"!A0 <b>*x*</b>')
    "'=cmd\\\\|&quot; /C calc&quot;!A0 &lt;b&gt;\\\\*x\\\\*&lt;/b&gt;"
    """
    if value is None:
        return ""
    text = safe_cell(str(value))
    text = " ".join(_XML_INVALID.sub(" ", text).split())
    text = html.escape(text, quote=False).replace('"', "&quot;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


# -- regular expressions ------------------------------------------------------------------------------
def regex_replacement(value: object) -> str:
    r"""Text to use as the replacement of :func:`re.sub` literally (backslashes doubled, so ``\R``
    or ``\1`` in the text is never read as an escape or a group).

    >>> re.sub("x", regex_replacement(r"a\1\g<0>"), "x") == r"a\1\g<0>"
    True
    """
    return str(value).replace("\\", "\\\\")


# -- terminals ------------------------------------------------------------------------------------
def terminal_text(value: object) -> str:
    r"""Text for a terminal or a log line: control characters and bidirectional overrides shown as
    escapes (``\x1b``), so no text can move the cursor, recolour, retitle or rewrite the screen.

    >>> terminal_text("a\rb\u202ec")
    'a\\x0db\\u202ec'
    """
    if value is None:
        return ""
    return _TERMINAL_CONTROL.sub(
        lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", str(value)
    )


def console_text(value: object) -> str:
    """Input text for a rich console (markup on): :func:`terminal_text` with rich's markup escaped.

    Print it on a console made with ``emoji=False`` (as cpb's are), so ``:x:`` stays text.

    >>> console_text("[bold]x[/bold] :x:")
    '\\\\[bold]x\\\\[/bold] :x:'
    """
    from rich.markup import escape

    if value is None:
        return ""
    return escape(terminal_text(value))


# -- spreadsheets -----------------------------------------------------------------------------------
def safe_cell(text: str) -> str:
    """Prefix a quote to text a spreadsheet would read as a formula (plain numbers are left alone).

    A cell such as ``=HYPERLINK("http://x","click")`` or ``=cmd|' /C calc'!A0`` is only text to
    cpb, but a spreadsheet opening a CSV (or a JSON converted to one) would run it as a formula.

    >>> safe_cell('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    >>> safe_cell("-12.5"), safe_cell("-1+1"), safe_cell("Children in care")
    ('-12.5', "'-1+1", 'Children in care')
    """
    if not text:
        return text
    if text.startswith(_DANGEROUS_START) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


__all__ = [
    "console_text",
    "css_string",
    "html_text",
    "markdown_escape",
    "markdown_text",
    "regex_replacement",
    "safe_cell",
    "terminal_text",
    "typst_string",
]
