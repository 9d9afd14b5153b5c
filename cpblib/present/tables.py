"""Tables for the pack pages: accessible HTML for the site and Markdown for the PDF, from one frame.

Cells are escaped: text from input files can never inject markup.

On a narrow screen the site shows each row of a pack table as a card (``cpb.css``): every cell carries
its column's name (``data-label``) and a class naming its column (``c-<column>``, for sizing and order),
and the table its roles explicitly, so the cells keep their headers for assistive technology whatever
the layout.

>>> frame = pd.DataFrame({"Indicator": ["Rate <b>"], "Value": ["64.6"]})
>>> print(html_table(frame, caption="Profile", row_header="Indicator"))  # doctest: +NORMALIZE_WHITESPACE
<table class="cpb-table" role="table"><caption>Profile</caption><thead role="rowgroup"><tr role="row"><th scope="col" role="columnheader">Indicator</th><th scope="col" role="columnheader">Value</th></tr></thead><tbody role="rowgroup"><tr role="row"><th scope="row" role="rowheader" class="c-indicator" data-label="Indicator">Rate &lt;b&gt;</th><td role="cell" class="c-value" data-label="Value">64.6</td></tr></tbody></table>
>>> print(markdown_table(frame))
| Indicator | Value |
|:--|:--|
| Rate \\<b\\> | 64\\.6 |
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from ..naming import slugify
from .escape import html_text, markdown_escape
from .format import suppression_note_for


def html_table(
    frame: pd.DataFrame,
    *,
    caption: str | None = None,
    row_header: str | None = None,
    cell_classes: Mapping[str, Sequence[str | None]] | None = None,
    numeric: Sequence[str] = (),
    html_cells: Mapping[str, Sequence[str]] | None = None,
    kind: str | None = None,
    web_only: Sequence[str] = (),
) -> str:
    """An HTML table with ``<th scope>`` headers, an optional caption, and per-cell classes.

    ``cell_classes`` maps a column to one CSS class (or None) per row, e.g. RAG classes;
    the class only styles: the cell text always carries the meaning. ``html_cells`` maps a
    column to markup made by cpb itself (a sparkline's SVG, never input text) shown instead of
    the frame's text, which stays the cell's text for Markdown and plain text. ``kind`` adds a
    class ``cpb-<kind>`` to the table (the site sizes each kind of table's columns). Columns in
    ``web_only`` are marked ``web-only``: the PDF, narrower, leaves them out.
    """
    classes = cell_classes or {}
    markup = html_cells or {}
    names = [html_text(c) for c in frame.columns]
    table_class = "cpb-table" + (f" cpb-{kind}" if kind else "")
    parts = [f'<table class="{table_class}" role="table">']
    if caption:
        parts.append(f"<caption>{html_text(caption)}</caption>")
    parts.append('<thead role="rowgroup"><tr role="row">')

    def header_class(column) -> str:
        found = " ".join(c for c in ("num" if column in numeric else "", "web-only" if column in web_only else "") if c)
        return f' class="{found}"' if found else ""

    parts += [  # a long header may break after a slash ("Good/Outstanding SN")
        f'<th scope="col" role="columnheader"{header_class(c)}>{name.replace("/", "/<wbr>")}</th>'
        for c, name in zip(frame.columns, names)
    ]
    parts.append('</tr></thead><tbody role="rowgroup">')
    for position, row in enumerate(frame.itertuples(index=False)):
        parts.append('<tr role="row">')
        for column, name, value in zip(frame.columns, names, row):
            if column in markup:
                text = markup[column][position]
            else:
                text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else html_text(str(value))
            css = [
                c
                for c in (
                    f"c-{slugify(str(column))}",
                    classes.get(column, [None] * len(frame))[position],
                    "num" if column in numeric else None,
                    "web-only" if column in web_only else None,
                )
                if c
            ]
            attr = (f' class="{" ".join(css)}"' if css else "") + f' data-label="{name}"'
            if column == row_header:
                parts.append(f'<th scope="row" role="rowheader"{attr}>{text}</th>')
            else:
                parts.append(f'<td role="cell"{attr}>{text}</td>')
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
    html_cells: Mapping[str, Sequence[str]] | None = None,
    kind: str | None = None,
    web_only: Sequence[str] = (),
) -> dict:
    """Display bundle: ``text/html`` for the site, Jupyter and the PDF, ``text/markdown`` for other readers.

    A table with a figure a public pack suppresses gets the note that explains the symbol under it.
    """
    markdown = markdown_table(frame, numeric=numeric)
    html = html_table(
        frame,
        caption=caption,
        row_header=row_header,
        cell_classes=cell_classes,
        numeric=numeric,
        html_cells=html_cells,
        kind=kind,
        web_only=web_only,
    )
    plain = frame.to_string(index=False)
    if caption:
        markdown = f"{markdown}\n\n: {markdown_escape(caption)}"
    note = suppression_note_for(frame.to_numpy().ravel())
    if note:
        markdown += f"\n\n{markdown_escape(note)}"
        html += f'<p class="table-note">{html_text(note)}</p>'
        plain += f"\n{note}"
    return {"text/html": html, "text/markdown": markdown, "text/plain": plain}
