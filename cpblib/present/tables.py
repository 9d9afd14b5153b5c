"""Tables for the pack pages: accessible HTML for the site and Markdown for the PDF, from one frame.

Cells are escaped: text from input files can never inject markup.

>>> frame = pd.DataFrame({"Indicator": ["Rate <b>"], "Value": ["64.6"]})
>>> print(html_table(frame, caption="Profile", row_header="Indicator"))  # doctest: +NORMALIZE_WHITESPACE
<table class="cpb-table"><caption>Profile</caption><thead><tr><th scope="col">Indicator</th><th scope="col">Value</th></tr></thead><tbody><tr><th scope="row">Rate &lt;b&gt;</th><td>64.6</td></tr></tbody></table>
>>> print(markdown_table(frame))
| Indicator | Value |
|:--|:--|
| Rate \\<b\\> | 64\\.6 |
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from .escape import html_text, markdown_escape
from .format import suppression_note_for


def html_table(
    frame: pd.DataFrame,
    *,
    caption: str | None = None,
    row_header: str | None = None,
    cell_classes: Mapping[str, Sequence[str | None]] | None = None,
    numeric: Sequence[str] = (),
) -> str:
    """An HTML table with ``<th scope>`` headers, an optional caption, and per-cell classes.

    ``cell_classes`` maps a column to one CSS class (or None) per row, e.g. RAG classes;
    the class only styles: the cell text always carries the meaning.
    """
    classes = cell_classes or {}
    parts = ['<table class="cpb-table">']
    if caption:
        parts.append(f"<caption>{html_text(caption)}</caption>")
    parts.append("<thead><tr>")
    num_class = ' class="num"'
    parts += [f'<th scope="col"{num_class if c in numeric else ""}>{html_text(c)}</th>' for c in frame.columns]
    parts.append("</tr></thead><tbody>")
    for position, row in enumerate(frame.itertuples(index=False)):
        parts.append("<tr>")
        for column, value in zip(frame.columns, row):
            text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else html_text(value)
            css = [
                c
                for c in (classes.get(column, [None] * len(frame))[position], "num" if column in numeric else None)
                if c
            ]
            attr = f' class="{" ".join(css)}"' if css else ""
            if column == row_header:
                parts.append(f'<th scope="row"{attr}>{text}</th>')
            else:
                parts.append(f"<td{attr}>{text}</td>")
        parts.append("</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def markdown_table(frame: pd.DataFrame, numeric: Sequence[str] = ()) -> str:
    """A pipe table (pandoc and GitHub Markdown) with escaped cells."""
    header = "| " + " | ".join(markdown_escape(c) for c in frame.columns) + " |"
    rule = "|" + "|".join("--:" if c in numeric else ":--" for c in frame.columns) + "|"
    rows = [
        "| "
        + " | ".join("" if v is None or (isinstance(v, float) and pd.isna(v)) else markdown_escape(v) for v in row)
        + " |"
        for row in frame.itertuples(index=False)
    ]
    return "\n".join([header, rule, *rows])


def table_bundle(
    frame: pd.DataFrame,
    *,
    caption: str | None = None,
    row_header: str | None = None,
    cell_classes: Mapping[str, Sequence[str | None]] | None = None,
    numeric: Sequence[str] = (),
) -> dict:
    """Display bundle: ``text/html`` for the site and Jupyter, ``text/markdown`` for the PDF.

    A table with a figure a public pack suppresses gets the note that explains the symbol under it.
    """
    markdown = markdown_table(frame, numeric=numeric)
    html = html_table(frame, caption=caption, row_header=row_header, cell_classes=cell_classes, numeric=numeric)
    plain = frame.to_string(index=False)
    if caption:
        markdown = f"{markdown}\n\n: {markdown_escape(caption)}"
    note = suppression_note_for(frame.to_numpy().ravel())
    if note:
        markdown += f"\n\n{markdown_escape(note)}"
        html += f'<p class="table-note">{html_text(note)}</p>'
        plain += f"\n{note}"
    return {"text/html": html, "text/markdown": markdown, "text/plain": plain}
