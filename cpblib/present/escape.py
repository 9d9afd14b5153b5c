"""Making text that came from input files safe to write back out.

A cell such as ``=HYPERLINK("http://x","click")`` or ``=cmd|' /C calc'!A0``
is only text to cpb, but a spreadsheet opening a CSV (or a JSON converted to
one) would run it as a formula. Every piece of input text cpb writes into a
report goes through :func:`safe_cell`, and into Markdown through
:func:`markdown_text`.

>>> safe_cell('=HYPERLINK("http://x","y")')
'\\'=HYPERLINK("http://x","y")'
>>> safe_cell("-12.5"), safe_cell("-1+1"), safe_cell("Children in care")
('-12.5', "'-1+1", 'Children in care')
>>> markdown_text('=cmd|" /C calc"!A0 <b>*x*</b>')
"'=cmd\\\\|&quot; /C calc&quot;!A0 &lt;b&gt;\\\\*x\\\\*&lt;/b&gt;"
"""

from __future__ import annotations

import html
import re

_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_PLAIN_NUMBER = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?%?$")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def safe_cell(text: str) -> str:
    """Prefix a quote to text a spreadsheet would read as a formula (plain numbers are left alone)."""
    if not text:
        return text
    if text.startswith(_DANGEROUS_START) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def markdown_text(value: object) -> str:
    """Input text as a safe Markdown table cell or paragraph text.

    Neutralises formulas, escapes HTML and Markdown punctuation, and keeps
    everything on one line.
    """
    if value is None:
        return ""
    text = safe_cell(str(value))
    text = " ".join(text.split())
    text = html.escape(text, quote=False).replace('"', "&quot;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def console_text(value: object) -> str:
    """Input text for a rich console table: markup escaped, formulas neutralised."""
    from rich.markup import escape

    if value is None:
        return ""
    return escape(safe_cell(str(value)))
