"""The board pack as one A4 PDF: notebooks -> Markdown -> pandoc -> Typst -> PDF.

Each page of the pack (same pages and order as the website, from
``_quarto.yml``) goes through nbconvert's :class:`~nbconvert.MarkdownExporter`
with cpb's template, which writes Markdown cells and ``text/markdown``
outputs as they are and leaves a placeholder paragraph for each chart, HTML
table and error. pandoc reads that Markdown (citations, TeX maths and YAML
blocks switched off, so ``@``, ``$`` and ``---`` in commentary stay text);
in pandoc's document tree each placeholder is replaced:

* a chart by a call of ``cpb-chart`` (``_data/site/pack.typ``) on its SVG
  file, with the alt text as an escaped Typst string;
* an HTML table by the blocks pandoc's HTML reader makes of it, so tables
  reach Typst as real tables.

Headings are made regular per page (one level-1 heading, the page title; no
skipped levels) and their labels prefixed with the page key. pandoc writes the
Typst body and escapes all text; ``main.typ`` applies the template, whose
cover, header and footer take the council name, month and protective marking
from ``sys.inputs`` (never spliced into Typst code). ``typst`` compiles it.

A page's part can be made as soon as its notebook is executed (:class:`PdfPages`,
in the PDF's second process, while the other pages execute); the pack is then
typeset from those parts, each used while its page is as it was made, and the
others made then.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NamedTuple

from ..config import ProjectConfig
from ..month import Month
from ..present.escape import typst_string
from ._html import NBCONVERT_TEMPLATES, SITE_DATA, local_image
from ._notebook import chart_alt, chart_caption, chart_note, exporter_config, visible_notebook
from ._structure import (
    Page,
    RenderError,
    find_quarto_file,
    load_structure,
    page_slug,
    page_title,
    read_notebook,
    resolve_pages,
    sidebar_text,
    slugify,
)

MARKDOWN_FORMAT = "markdown-citations-tex_math_dollars-tex_math_single_backslash-raw_tex-yaml_metadata_block"
"""pandoc reader for notebook Markdown: commentary characters (``@ $ \\ ---``) stay text."""

FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/local/share/fonts",
)
"""Folders searched for fonts besides the system ones (the pack is set in DejaVu Sans)."""

_PLACEHOLDER = "CPBBLOCK"


def font_paths() -> list[str]:
    """Existing font folders: ``CPB_FONT_PATHS`` (``os.pathsep``-separated) first, then :data:`FONT_DIRS`."""
    extra = [p for p in os.environ.get("CPB_FONT_PATHS", "").split(os.pathsep) if p]
    return [p for p in [*extra, *FONT_DIRS] if Path(p).is_dir()]


class _MarkdownConverter:
    """One nbconvert MarkdownExporter; outputs that need care become numbered placeholders."""

    def __init__(self) -> None:
        from nbconvert import MarkdownExporter

        self.exporter = MarkdownExporter(
            config=exporter_config(),
            template_name="cpb-markdown",
            extra_template_basedirs=[str(NBCONVERT_TEMPLATES)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
        )
        self.exporter.register_filter("cpb_placeholder", self._placeholder)
        self.blocks: dict[str, tuple[str, dict]] = {}
        self._count = 0  # numbers placeholders across pages: a token names one output of the whole pack

    def _placeholder(self, output, kind: str) -> str:
        self._count += 1
        token = f"{_PLACEHOLDER}{self._count:05d}"
        self.blocks[token] = (kind, dict(output))
        return token

    def markdown(self, nb) -> str:
        body, _ = self.exporter.from_notebook_node(nb)
        return body


def _pandoc_json(text: str, fmt: str) -> dict:
    import pypandoc

    return json.loads(pypandoc.convert_text(text, "json", format=fmt))


def _html_blocks(fragments: dict[str, str]) -> dict[str, list]:
    """Each HTML fragment (tables, mostly) as pandoc blocks, read by one pandoc run for all of them.

    Each fragment goes in a ``div`` named by its key; a fragment that does not
    come back as its own ``div`` (unbalanced HTML) is read again on its own.
    """
    if not fragments:
        return {}
    joined = "\n".join(f'<div id="{key}">\n{text}\n</div>' for key, text in fragments.items())
    found = {}
    for block in _pandoc_json(joined, "html")["blocks"]:
        if block.get("t") == "Div" and block["c"][0][0] in fragments:
            found[block["c"][0][0]] = block["c"][1]
    for key in fragments.keys() - found.keys():
        found[key] = _pandoc_json(fragments[key], "html")["blocks"]
    return found


def _inlines_text(inlines: list) -> str:
    parts = []
    for item in inlines:
        kind = item.get("t")
        if kind == "Str":
            parts.append(item["c"])
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            parts.append(" ")
        elif kind in ("Emph", "Strong", "Underline", "Strikeout", "SmallCaps", "Span"):
            content = item["c"][-1] if kind == "Span" else item["c"]
            parts.append(_inlines_text(content))
        elif kind == "Code":
            parts.append(item["c"][1])
        elif kind in ("Link", "Quoted"):
            parts.append(_inlines_text(item["c"][1]))
    return "".join(parts)


def _blocks_text(blocks: list) -> str:
    return " ".join(_inlines_text(b["c"]) for b in blocks if b.get("t") in ("Plain", "Para"))


MARGIN_PT = 16 * 72 / 25.4
"""``pack.typ``'s side margins (16 mm)."""

TABLE_TEXT_WIDTH_PT = 595.28 - 2 * MARGIN_PT
"""Width of the text on a portrait A4 page."""

LANDSCAPE_TEXT_WIDTH_PT = 841.89 - 2 * MARGIN_PT
"""Width of the text on a landscape A4 page (the appendix)."""

TABLE_SIZES = (8.5, 8.0, 7.5, 7.0, 6.5, 6.0)
"""Text sizes a table may be set in, largest first: each table takes the largest at which every column is
at least as wide as its longest word, so no word is ever hyphenated or runs into the next column."""

CELL_INSET_PT = 3.5
"""A table cell's inset on each side (``pack.typ``)."""

_ADVANCE = {
    **dict.fromkeys("0123456789", 0.636),
    **dict.fromkeys("abdghnopqu", 0.634),
    **dict.fromkeys("ceksvxyz", 0.56),
    **dict.fromkeys("ijl", 0.278),
    **dict.fromkeys("frt", 0.4),
    "m": 0.974,
    "w": 0.818,
    **dict.fromkeys("ABCDGHKNORUVX", 0.72),
    **dict.fromkeys("EFLPSTYZ", 0.61),
    **dict.fromkeys("IJ", 0.295),
    **dict.fromkeys("MW", 0.9),
    **dict.fromkeys(" .,:;'", 0.318),
    **dict.fromkeys("()[]/-", 0.37),
    "%": 0.95,
}
"""Approximate advance widths of DejaVu Sans, in em, for when its font file cannot be read."""


@cache
def _font_advances(bold: bool) -> tuple[dict[int, float], float] | None:
    """Advance widths (in em) of DejaVu Sans (bold or regular) by code point, read from the font file the
    PDF is set in with fontTools; None when the file is not found."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    path = next((Path(folder) / name for folder in font_paths() if (Path(folder) / name).is_file()), None)
    if path is None:
        return None
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        per_em = font["head"].unitsPerEm
        metrics = font["hmtx"].metrics
        widths = {code: metrics[glyph][0] / per_em for code, glyph in font.getBestCmap().items()}
        return widths, metrics[".notdef"][0] / per_em


def _text_em(text: str, bold: bool = False) -> float:
    """Width of ``text`` set in DejaVu Sans, in em (kerning left out: it only ever narrows these texts).

    >>> round(_text_em("Amber"), 2)
    3.32
    """
    found = _font_advances(bold)
    if found is None:
        return sum(_ADVANCE.get(ch, 0.62) for ch in text) * (1.1 if bold else 1.0)
    widths, default = found
    return sum(widths.get(ord(ch), default) for ch in text)


_BREAKS = re.compile(r"\s+|(?<=[/-])(?=[^\W\d_])")
"""Where a line may break inside a table cell: at spaces, and after a slash or hyphen before a letter
("Good/Outstanding", "asylum-seeking"); never inside a word (tables are not hyphenated)."""


def _table_grid(table: dict) -> list[list[tuple[dict, bool]]]:
    """Cells of a pandoc table by column (cells spanning columns left out): ``(cell, in_header)``."""
    _attr, _caption, colspecs, head, bodies, foot = table["c"]
    rows = [(row, True) for row in head[1]]
    for body in bodies:
        rows += [(row, True) for row in body[2]] + [(row, False) for row in body[3]]
    rows += [(row, False) for row in foot[1]]
    columns: list[list[tuple[dict, bool]]] = [[] for _ in colspecs]
    covered = [0] * len(colspecs)  # rows still taken by a cell spanning rows from above
    for row, in_header in rows:
        column = 0
        for cell in row[1]:
            while column < len(colspecs) and covered[column] > 0:
                column += 1
            rowspan, colspan = int(cell[2]), int(cell[3])
            if colspan == 1 and column < len(colspecs):
                columns[column].append((cell, in_header))
            for k in range(column, min(column + colspan, len(colspecs))):
                covered[k] = rowspan
            column += colspan
        covered = [max(c - 1, 0) for c in covered]
    return columns


def _without_columns(table: dict, drop: set[int]) -> dict:
    """The table without the columns in ``drop`` (only for tables whose cells each span one column)."""
    attr, caption, colspecs, head, bodies, foot = table["c"]

    def rows(items: list) -> list:
        return [[row[0], [cell for k, cell in enumerate(row[1]) if k not in drop]] for row in items]

    kept = [spec for k, spec in enumerate(colspecs) if k not in drop]
    new_bodies = [[b[0], b[1], rows(b[2]), rows(b[3])] for b in bodies]
    return {"t": "Table", "c": [attr, caption, kept, [head[0], rows(head[1])], new_bodies, [foot[0], rows(foot[1])]]}


def _cells_span_one(table: dict) -> bool:
    _attr, _caption, _specs, head, bodies, foot = table["c"]
    rows = head[1] + [r for b in bodies for r in b[2] + b[3]] + foot[1]
    return all(int(cell[2]) == 1 and int(cell[3]) == 1 for row in rows for cell in row[1])


WEB_ONLY = "web-only"
"""Class of a table column the website shows and the PDF leaves out (:func:`cpblib.present.tables.html_table`)."""

RAG_FILL = {"rag-green": "#dff3ec", "rag-amber": "#fcefd2", "rag-red": "#f9e0d3"}
"""Tints of RAG cells, as on the website (the word in the cell carries the meaning)."""


def _image_width_pt(inlines: list) -> float:
    """Width of the images among a cell's inlines (their ``width`` in CSS pixels, at 0.75 pt each)."""
    total = 0.0
    for item in inlines:
        if item.get("t") == "Image":
            attrs = dict(item["c"][0][2])
            try:
                total += float(str(attrs.get("width", "0")).removesuffix("px")) * 0.75
            except ValueError:
                pass
    return total


def _cell_inlines(cell: list) -> list:
    return [inline for block in cell[4] if block.get("t") in ("Plain", "Para") for inline in block["c"]]


def shape_table(table: dict, available: float = TABLE_TEXT_WIDTH_PT) -> dict:
    """A pandoc table (JSON) made to fit ``available`` points without hyphenating a word; returns a new table.

    Columns marked ``web-only`` are left out. The table is set in the largest of :data:`TABLE_SIZES` at
    which every column can be as wide as its longest word (measured in DejaVu Sans, bold in the header
    row); widths are then shared out (:func:`_fill`): a column whose text is short gets all it needs,
    the long ones share the rest, none below its longest word (and when every text fits on one line,
    the spare width goes to each column in proportion to its length, so the table spans the page). Columns whose cells
    carry the class ``num`` are right-aligned, others left-aligned; RAG cells get the website's tints.

    >>> def cell(text, classes=()):
    ...     plain = [{"t": "Plain", "c": [{"t": "Str", "c": text}]}]
    ...     return [["", list(classes), []], {"t": "AlignDefault"}, 1, 1, plain]
    >>> def row(*cells):
    ...     return [["", [], []], list(cells)]
    >>> spec = [{"t": "AlignDefault"}, {"t": "ColWidthDefault"}]
    >>> table = {"t": "Table", "c": [["", [], []], [None, []], [spec, spec, spec],
    ...     [["", [], []], [row(cell("Indicator"), cell("Value", ["num"]), cell("Note", ["web-only"]))]],
    ...     [[["", [], []], 1, [], [row(cell("Children-in-care"), cell("437", ["num"]), cell("x", ["web-only"]))]]],
    ...     [["", [], []], []]]}
    >>> shaped = shape_table(table)
    >>> [spec[0]["t"] for spec in shaped["c"][2]], dict(shaped["c"][0][2])["typst:text:size"]
    (['AlignLeft', 'AlignRight'], '8.5pt')
    >>> round(sum(spec[1]["c"] for spec in shaped["c"][2]), 6)
    1.0
    >>> wide = {"t": "Table", "c": table["c"][:2] + [[spec] * 14,
    ...     [["", [], []], [row(*[cell(f"Column{i}") for i in range(14)])]],
    ...     [[["", [], []], 1, [], [row(cell("A long indicator name " * 4), *[cell("12.5% (Feb 23)")] * 13)]]],
    ...     [["", [], []], []]]}
    >>> shaped = shape_table(wide)
    >>> float(dict(shaped["c"][0][2])["typst:text:size"].removesuffix("pt")) < 8.5
    True
    """
    columns = _table_grid(table)
    drop = {k for k, cells in enumerate(columns) if cells and all(WEB_ONLY in cell[0][1] for cell, _ in cells)}
    if drop and len(drop) < len(columns) and _cells_span_one(table):
        table = _without_columns(table, drop)
        columns = _table_grid(table)
    attr, caption, colspecs, head, bodies, foot = table["c"]
    n = len(colspecs)
    pad = 2 * CELL_INSET_PT + 1.0  # the insets, and a point of air
    measured = []  # per column: (words, lines, images) with words and lines as (text, bold)
    for cells in columns:
        words, lines, images = [], [], 0.0
        for cell, in_header in cells:
            inlines = _cell_inlines(cell)
            images = max(images, _image_width_pt(inlines))
            text = _inlines_text(inlines)
            lines.append((text, in_header))
            words += [(w, in_header) for w in _BREAKS.split(text) if w]
        measured.append((words, lines, images))

    def widths_at(size: float) -> tuple[list[float], list[float]]:
        least, most = [], []
        for words, lines, images in measured:
            word = max([_text_em(w, bold) * size * 1.02 for w, bold in words] + [images, size])
            line = max([_text_em(t, bold) * size * 1.02 for t, bold in lines] + [images, word])
            least.append(word)
            most.append(line)
        return least, most

    def cell_widths(size: float) -> list[list[float]] | None:
        """Each cell's text on one line, row by row (None when the columns' cells do not line up)."""
        counts = {len(lines) for _, lines, _ in measured}
        if len(counts) != 1:
            return None
        return [
            [max(_text_em(lines[r][0], lines[r][1]) * size * 1.02, images) for _, lines, images in measured]
            for r in range(counts.pop())
        ]

    room = available - n * pad
    size, (least, most) = TABLE_SIZES[-1], widths_at(TABLE_SIZES[-1])
    for candidate in TABLE_SIZES:
        found = widths_at(candidate)
        if sum(found[0]) <= room:
            size, (least, most) = candidate, found
            break
    if n < 2:
        points = [room]
    elif sum(most) <= room:
        points = [m + (room - sum(most)) * m / sum(most) for m in most]
    else:
        points = _fill(least, most, room, cell_widths(size))
    total = sum(points) + n * pad
    widths = [{"t": "ColWidth", "c": (p + pad) / total} for p in points]
    aligns = []
    for spec, cells in zip(colspecs, columns):
        numeric = any("num" in cell[0][1] for cell, _ in cells)
        aligns.append(
            spec[0] if spec[0].get("t") != "AlignDefault" else {"t": "AlignRight" if numeric else "AlignLeft"}
        )
    specs = [[align, width] for align, width in zip(aligns, widths)]
    attrs = [pair for pair in attr[2] if pair[0] != "typst:text:size"] + [["typst:text:size", f"{size:g}pt"]]
    return _fill_rag_cells({"t": "Table", "c": [[attr[0], attr[1], attrs], caption, specs, head, bodies, foot]})


def _fill(least: list[float], most: list[float], room: float, cells: list[list[float]] | None = None) -> list[float]:
    """Column widths that fill ``room``, from each column's longest word (``least``) and longest cell on one
    line (``most``): the width is handed out a step at a time to the column where it saves the most lines
    of the table (``cells``: each cell's text on one line, row by row), so a long name gets room before a
    short figure wraps; without ``cells``, or once no step saves a line, what is left goes in proportion
    to what each column still lacks.

    >>> [round(w) for w in _fill([40, 30, 30], [300, 50, 60], 200, [[300, 50, 60], [100, 45, 20]])]
    [123, 47, 30]
    """
    import numpy as np

    widths = np.array(least, dtype="float64")
    top = np.maximum(np.array(most, dtype="float64"), widths)
    spare = room - widths.sum()
    if spare <= 0:
        return list(widths)
    if cells is not None and len(cells):
        matrix = np.array(cells, dtype="float64")

        def lines(w: np.ndarray) -> float:  # wrapped text wastes about an eighth of each line
            wrapped = np.where(matrix <= w[None, :] + 0.01, 1.0, np.ceil(matrix * 1.12 / w[None, :]))
            # the table's height in lines, then (a little) every cell's: a short text stays on one line
            return float(wrapped.max(axis=1).sum()) + 0.1 * float(wrapped.sum())

        step = max(room / 60, 2.0)
        current = lines(widths)
        while spare > 0.5:
            best, best_gain = None, 0.0
            for column in np.flatnonzero(widths < top - 0.01):
                for size in (step, 2 * step, 4 * step, 8 * step):
                    grow = min(size, spare, top[column] - widths[column])
                    trial = widths.copy()
                    trial[column] += grow
                    gain = (current - lines(trial)) / grow
                    if gain > best_gain + 1e-9:
                        best, best_gain = (column, grow), gain
            if best is None:
                break
            widths[best[0]] += best[1]
            spare -= best[1]
            current = lines(widths)
    lacking = top - widths
    if spare > 0 and lacking.sum() > 0:
        widths += spare * lacking / lacking.sum() if spare < lacking.sum() else lacking
        spare = room - widths.sum()
    if spare > 0.5:  # everything on one line: the rest in proportion to each column's text
        widths += spare * widths / widths.sum()
    return [float(w) for w in widths]


def _fill_rag_cells(node):
    """Cells with a RAG class get the matching tint (``typst:fill``)."""
    if isinstance(node, list):
        if len(node) == 5 and isinstance(node[0], list) and len(node[0]) == 3 and isinstance(node[0][1], list):
            fill = next((RAG_FILL[c] for c in node[0][1] if c in RAG_FILL), None)
            if fill is not None and isinstance(node[2], int):
                attrs = [*node[0][2], ["typst:fill", f'rgb("{fill}")']]
                return [[node[0][0], node[0][1], attrs], *node[1:]]
        return [_fill_rag_cells(item) for item in node]
    if isinstance(node, dict):
        return {key: _fill_rag_cells(value) for key, value in node.items()}
    return node


def _shape_tables(node, available: float = TABLE_TEXT_WIDTH_PT):
    """Every table in a pandoc tree passed through :func:`shape_table` (HTML and Markdown tables alike)."""
    if isinstance(node, list):
        return [_shape_tables(item, available) for item in node]
    if isinstance(node, dict):
        if node.get("t") == "Table":
            return shape_table(node, available)
        return {key: _shape_tables(value, available) for key, value in node.items()}
    return node


LAYOUT_BLOCKS = {
    "key": "cpb-key",
    "definitions": "cpb-definitions",
    "terms": "cpb-terms",
    "cpb-columns": "cpb-columns",
}
"""A ``div`` of one of these classes (a key, definitions, a glossary, a list in columns) is laid out by the
``pack.typ`` function named here."""

_SPARKLINE_SVG = re.compile(r"<svg\b[^>]*\bclass=\"sparkline\"[^>]*>.*?</svg>", re.DOTALL)
_ARIA_LABEL = re.compile(r'aria-label="([^"]*)"')
_SVG_SIZE = re.compile(r'\bwidth="([\d.]+)" height="([\d.]+)"')

SPARKLINE_SCALE = 0.8
"""A sparkline is printed at this share of its size on screen (84 by 22 pixels, at 0.75 pt a pixel: 1.8 cm wide)."""


FRONT = "front"
"""An output whose ``metadata.cpb.pdf`` says this is printed on the PDF's first page, under the contents
(the key to RAG and direction), not where the page shows it."""


def _placed_in_front(output: dict) -> bool:
    cpb = (output.get("metadata") or {}).get("cpb")
    return isinstance(cpb, dict) and cpb.get("pdf") == FRONT


def _sparkline_alt(node):
    """Sparkline images (``charts/spark-*.svg``) written as Typst images that carry their text alternative
    (pandoc's Typst writer leaves an image's alt text out)."""
    if isinstance(node, list):
        return [_sparkline_alt(item) for item in node]
    if not isinstance(node, dict):
        return node
    if node.get("t") == "Image" and str(node["c"][2][0]).startswith("charts/spark-"):
        (_, _, attrs), alt, (url, _) = node["c"]
        width = dict(attrs).get("width", "60")
        call = f"#box(image({typst_string(url)}, alt: {typst_string(_inlines_text(alt))}, width: {float(width) * 0.75:g}pt))"
        return {"t": "RawInline", "c": ["typst", call]}
    return {key: _sparkline_alt(value) for key, value in node.items()}


def _link_pages(node, source_dir: Path, labels: dict[Path, str]):
    """Links to another page's notebook (``domains/01-profile.ipynb``) made to lead to that
    page's first heading in the PDF (its label); other links are left as they are.

    >>> link = {"t": "Link", "c": [["", [], []], [{"t": "Str", "c": "Profile"}], ["domains/01-profile.ipynb#x", ""]]}
    >>> _link_pages([link], Path("/b"), {Path("/b/domains/01-profile.ipynb"): "domains-profile"})[0]["c"][2]
    ['#domains-profile', '']
    """
    if isinstance(node, list):
        return [_link_pages(item, source_dir, labels) for item in node]
    if not isinstance(node, dict):
        return node
    if node.get("t") == "Link":
        attr, inlines, (url, title) = node["c"]
        path = url.split("#", 1)[0]
        label = None
        if path.endswith(".ipynb") and "://" not in path:
            label = labels.get((Path(source_dir) / path).resolve())
        target = [f"#{label}" if label else url, title]
        return {"t": "Link", "c": [attr, _link_pages(inlines, source_dir, labels), target]}
    return {key: _link_pages(value, source_dir, labels) for key, value in node.items()}


def _file_tag(key: str) -> str:
    """A page's part of the names of the files its charts and images are written to: its key, readable, and
    a short digest of it, so two pages never share a file.

    >>> _file_tag("domains/profile")
    'domains-profile-c0b586'
    """
    return f"{slugify(key) or 'page'}-{hashlib.sha256(key.encode()).hexdigest()[:6]}"


class _Assembler:
    """Builds one page's pandoc blocks, as if the page started ``landscape``; the files it writes into
    ``workdir`` are named after the page (``tag``: :func:`_file_tag`)."""

    def __init__(self, workdir: Path, tag: str = "page", landscape: bool = False) -> None:
        self.workdir = workdir
        self.tag = tag
        self.charts_dir = workdir / "charts"
        self.charts_dir.mkdir(exist_ok=True)
        self.chart_count = 0
        self.image_count = 0
        self.html: dict[str, list] = {}  # placeholder token -> pandoc blocks of its HTML output
        self.sparkline_files: set[str] = set()  # sparklines written for this PDF (charts/spark-*.svg)
        self.front: list = []  # blocks placed on the first page, under the contents (the key)
        # The text width tables are shaped for: landscape after a page turns so (``#set page(flipped: true)``).
        self.available = LANDSCAPE_TEXT_WIDTH_PT if landscape else TABLE_TEXT_WIDTH_PT

    # -- placeholders --------------------------------------------------------------------------------
    def _chart(self, output: dict, kind: str) -> list:
        self.chart_count += 1
        data = output["data"][kind]
        if kind == "image/svg+xml":
            name = f"charts/chart-{self.tag}-{self.chart_count:03d}.svg"
            text = "".join(data) if isinstance(data, list) else data
            (self.workdir / name).write_text(text, encoding="utf-8")
        else:
            import base64

            ext = "png" if kind == "image/png" else "jpg"
            name = f"charts/chart-{self.tag}-{self.chart_count:03d}.{ext}"
            raw = "".join(data) if isinstance(data, list) else data
            (self.workdir / name).write_bytes(base64.b64decode(raw))
        call = f"#cpb-chart({typst_string(name)}, alt: {typst_string(chart_alt(output))}"
        caption, note = chart_caption(output), chart_note(output)
        if caption:
            call += f", caption: {typst_string(caption)}"
        if note:
            call += f", note: {typst_string(note)}"
        return [{"t": "RawBlock", "c": ["typst", call + ")"]}]

    @staticmethod
    def html_text(output: dict) -> str:
        data = output["data"]["text/html"]
        return "".join(data) if isinstance(data, list) else data

    def sparkline_images(self, html: str) -> str:
        """Each inline sparkline SVG of an HTML table written to a file and named by an image, which pandoc
        reads (it drops inline SVG); its text alternative goes with it."""

        def saved(match: re.Match) -> str:
            self.chart_count += 1
            name = f"charts/spark-{self.tag}-{self.chart_count:03d}.svg"
            self.sparkline_files.add(name)
            svg = match.group(0)
            (self.workdir / name).write_text(svg, encoding="utf-8")
            found = _ARIA_LABEL.search(svg)
            alt = found.group(1) if found else ""
            size = _SVG_SIZE.search(svg)
            width, height = (float(size.group(1)), float(size.group(2))) if size else (84.0, 22.0)
            return (
                f'<img src="{name}" alt="{alt}" width="{width * SPARKLINE_SCALE:g}" '
                f'height="{height * SPARKLINE_SCALE:g}">'
            )

        return _SPARKLINE_SVG.sub(saved, html)

    @staticmethod
    def _error(output: dict) -> list:
        name = output.get("ename") or "Error"
        message = f"This part of the pack could not be produced ({name})."
        return [{"t": "Para", "c": [{"t": "Strong", "c": [{"t": "Str", "c": message}]}]}]

    def _replace(self, blocks: list, placeholders: dict[str, tuple[str, dict]]) -> list:
        result = []
        for block in blocks:
            kind = block.get("t")
            if kind == "Para" and len(block["c"]) == 1 and block["c"][0].get("t") == "Str":
                token = block["c"][0]["c"]
                if token in placeholders:
                    what, output = placeholders[token]
                    if what == "text/html" and _placed_in_front(output):
                        self.front.extend(self.html[token])
                    elif what == "text/html":
                        result.extend(self.html[token])
                    elif what == "error":
                        result.extend(self._error(output))
                    else:
                        result.extend(self._chart(output, what))
                    continue
            if kind == "Div":
                block = {"t": "Div", "c": [block["c"][0], self._replace(block["c"][1], placeholders)]}
            result.append(block)
        return result

    # -- headings --------------------------------------------------------------------------------------
    @staticmethod
    def _fix_headings(blocks: list, page: Page) -> list:
        prefix = slugify(page.key) or "page"
        headers = [b for b in blocks if b.get("t") == "Header"]
        first = headers[0] if headers and headers[0]["c"][0] == 1 else None
        if first is None:
            inlines: list = []
            for word in page.title.split():
                inlines += [{"t": "Space"}, {"t": "Str", "c": word}] if inlines else [{"t": "Str", "c": word}]
            first = {"t": "Header", "c": [1, [prefix, [], []], inlines]}
            blocks = [first, *blocks]
        previous = 1
        used: set[str] = set()
        for block in blocks:
            if block.get("t") != "Header":
                continue
            level, (ident, classes, attrs), inlines = block["c"]
            level = 1 if block is first else min(max(level, 2), previous + 1)
            previous = level
            base = f"{prefix}-{ident or slugify(_inlines_text(inlines)) or 'section'}"
            if block is first:
                base = prefix
            ident, n = base, 2
            while ident in used:
                ident, n = f"{base}-{n}", n + 1
            used.add(ident)
            block["c"] = [level, [ident, classes, attrs], inlines]
        return blocks

    # -- images in Markdown ------------------------------------------------------------------------
    def _images(self, node, page: Page, root: Path):
        """Copy images the Markdown names inside the build; others become their alt text."""
        if isinstance(node, list):
            result = []
            for item in node:
                replaced = self._images(item, page, root)
                result.extend(replaced if isinstance(item, dict) and item.get("t") == "Image" else [replaced])
            return result
        if not isinstance(node, dict):
            return node
        if node.get("t") == "Image":
            attr, alt, (url, title) = node["c"]
            if url in self.sparkline_files:  # drawn by cpb for this PDF: kept as it is
                return [node]
            found = local_image(url, page.source.parent, root)
            if found is None:
                text = _inlines_text(alt) or "Image not available"
                return [{"t": "Emph", "c": [{"t": "Str", "c": text}]}]
            self.image_count += 1
            name = f"images/image-{self.tag}-{self.image_count:03d}{found.suffix.lower()}"
            (self.workdir / "images").mkdir(exist_ok=True)
            shutil.copyfile(found, self.workdir / name)
            return [{"t": "Image", "c": [attr, alt, [name, title]]}]
        return {key: self._images(value, page, root) for key, value in node.items()}

    def page_blocks(self, page: Page, document: dict, placeholders: dict, root: Path, labels) -> list:
        """The page as pandoc blocks: its Markdown ``document`` (read by pandoc) with the outputs put back, and
        links to other pages led to their labels (``labels``: a page's notebook -> its label)."""
        blocks = self._images(self._replace(document["blocks"], placeholders), page, root)
        blocks = self._fix_headings(_link_pages(self._layout(blocks), page.source.parent, labels), page)
        # A page that turns (the appendix, landscape) turns before its title, not after it.
        if len(blocks) > 1 and blocks[1].get("t") == "RawBlock" and "flipped:" in blocks[1]["c"][1]:
            blocks[0], blocks[1] = blocks[1], blocks[0]
        return blocks

    # -- layout ------------------------------------------------------------------------------------------
    def _layout(self, blocks: list) -> list:
        """Tables shaped for the page they are on, charts side by side, keys, definitions and lists laid out
        by their ``pack.typ`` functions, sparklines drawn as images with their text alternative."""
        out: list = []
        for block in blocks:
            kind = block.get("t")
            if kind == "RawBlock" and block["c"][0] == "typst" and "flipped:" in block["c"][1]:
                landscape = "flipped: true" in block["c"][1]
                self.available = LANDSCAPE_TEXT_WIDTH_PT if landscape else TABLE_TEXT_WIDTH_PT
                out.append(block)
            elif kind == "RawBlock" and block["c"][0] == "typst" and block["c"][1].startswith("#cpb-chart("):
                if out and out[-1].get("t") == "RawBlock" and out[-1]["c"][1].startswith("#cpb-charts("):
                    calls = out[-1]["c"][1].removesuffix(")")
                    out[-1] = {"t": "RawBlock", "c": ["typst", f"{calls}, {block['c'][1][1:]})"]}
                else:
                    out.append({"t": "RawBlock", "c": ["typst", f"#cpb-charts({block['c'][1][1:]})"]})
            elif kind == "Div":
                (ident, classes, attrs), inner = block["c"]
                function = next((LAYOUT_BLOCKS[c] for c in classes if c in LAYOUT_BLOCKS), None)
                inner = self._layout(inner)
                if function is None:
                    out.append({"t": "Div", "c": [[ident, classes, attrs], inner]})
                else:
                    out += [
                        {"t": "RawBlock", "c": ["typst", f"#{function}["]},
                        *inner,
                        {"t": "RawBlock", "c": ["typst", "]"]},
                    ]
            elif kind == "Table":
                out.append(_sparkline_alt(shape_table(block, self.available)))
            else:
                out.append(_shape_tables(block, self.available))
        return out


STR_PIECE = 200
"""Longest text element handed to pandoc's Typst writer, whose work grows with the square of an element's
length (a 50,000-character word takes it about 15 s; in pieces, a fifth of a second)."""


def split_long_strings(node):
    """The pandoc tree with every text element (``Str``) longer than :data:`STR_PIECE` cut into pieces that
    follow each other (the text is the same).

    >>> [len(piece["c"]) for piece in split_long_strings([{"t": "Str", "c": "x" * 450}])]
    [200, 200, 50]
    """
    if isinstance(node, list):
        result = []
        for item in node:
            if isinstance(item, dict) and item.get("t") == "Str" and len(item["c"]) > STR_PIECE:
                text = item["c"]
                result.extend({"t": "Str", "c": text[i : i + STR_PIECE]} for i in range(0, len(text), STR_PIECE))
            else:
                result.append(split_long_strings(item))
        return result
    if isinstance(node, dict):
        return {key: split_long_strings(value) for key, value in node.items()}
    return node


def pack_document(blocks: list, api_version: list) -> dict:
    """The pandoc document (JSON) of the pack's body: ``blocks`` with long text elements cut
    (:func:`split_long_strings`)."""
    return {"pandoc-api-version": api_version, "meta": {}, "blocks": split_long_strings(blocks)}


def _typst_body(document: dict) -> str:
    import pypandoc

    return pypandoc.convert_text(json.dumps(document), "typst", format="json", extra_args=["--wrap=preserve"])


MAIN_TYP = """\
#import "pack.typ": *
#show: pack.with(
  council: sys.inputs.at("council"),
  title: sys.inputs.at("title"),
  month: sys.inputs.at("month"),
  marking: sys.inputs.at("marking"),
)
#include "body.typ"
"""


def pack_values(config: ProjectConfig, title: str, month: Month) -> dict[str, str]:
    """What ``pack.typ``'s cover, header and footer print, as data (``sys.inputs`` of cpb's ``typst`` run, or
    the JSON file Quarto's document reads): never written into Typst code.

    >>> from cpblib.config import ProjectConfig
    >>> config = ProjectConfig.model_validate({"authority": {"name": "Testshire Council", "la_code": "999"}})
    >>> pack_values(config, "Board pack", Month.parse("2023-03"))["month"]
    'March 2023'
    """
    return {
        "council": config.authority.name,
        "title": title,
        "month": month.label,
        "marking": config.publication.protective_marking,
    }


class _PageSource(NamedTuple):
    """What a page's blocks are made from: its key, title and notebook (a :class:`Page` has them too)."""

    key: str
    title: str
    source: Path
    notebook: object


@dataclass(frozen=True)
class _Prepared:
    """A page's blocks, with what they were made from: they stand for the page only while all of it holds."""

    key: str
    title: str
    source: Path  # the page's notebook (resolved)
    digest: str  # of the notebook's bytes
    landscape: bool  # how the pages were turned where it starts
    links: dict  # each other page it links to (its notebook) -> the label the link leads to (None: left as it was)
    blocks: list
    front: list
    turned: bool  # how it leaves the pages turned (landscape: True)
    api_version: list

    def made_from(self, page, digest: str, labels: dict, landscape: bool) -> bool:
        same = (self.key, self.title, self.source, self.digest, self.landscape)
        return same == (page.key, page.title, page.source.resolve(), digest, landscape) and all(
            labels.get(path) == label for path, label in self.links.items()
        )


class _LookedUp:
    """``labels`` that note each lookup (the links a page resolved: :attr:`_Prepared.links`)."""

    def __init__(self, labels: dict) -> None:
        self.labels, self.seen = labels, {}

    def get(self, path):
        self.seen[path] = found = self.labels.get(path)
        return found


def _digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _prepare(
    pages: list, digests: dict[str, str], workdir: Path, root: Path, labels: dict, converter: _MarkdownConverter,
    landscape: bool = False,
) -> list[_Prepared]:  # fmt: skip
    """Pages as pandoc blocks, each as if it started ``landscape``: their Markdown, and the HTML tables of
    all of them at once, read by pandoc in runs side by side; charts and images written into ``workdir``.
    ``digests``: each page's notebook's (:func:`_digest`), by page key."""
    made = []
    for page in pages:
        assembler = _Assembler(workdir, _file_tag(page.key), landscape)
        converter.blocks = {}
        markdown = converter.markdown(visible_notebook(page.notebook, medium="pdf"))
        html = {
            token: assembler.sparkline_images(assembler.html_text(output))
            for token, (what, output) in converter.blocks.items()
            if what == "text/html"
        }
        made.append((page, assembler, markdown, converter.blocks, html))
    with ThreadPoolExecutor(max_workers=4) as pool:  # pandoc runs: each mostly start-up time
        tables = pool.submit(_html_blocks, {token: text for *_, html in made for token, text in html.items()})
        documents = list(pool.map(lambda item: _pandoc_json(item[2], MARKDOWN_FORMAT), made))
        read = tables.result()
    prepared = []
    for (page, assembler, _, placeholders, html), document in zip(made, documents):
        assembler.html = {token: read[token] for token in html}
        links = _LookedUp(labels)
        blocks = assembler.page_blocks(page, document, placeholders, root, links)
        turned = assembler.available == LANDSCAPE_TEXT_WIDTH_PT
        item = _Prepared(
            page.key, page.title, page.source.resolve(), digests[page.key], landscape, links.seen, blocks,
            assembler.front, turned, document["pandoc-api-version"],
        )  # fmt: skip
        prepared.append(item)
    return prepared


def warm_up() -> None:
    """Load what making a page ready first needs: the fonts' widths, the table widths' arithmetic, the Markdown
    exporter and its template."""
    import numpy  # noqa: F401

    for bold in (False, True):
        _font_advances(bold)
    _MarkdownConverter().markdown(visible_notebook(_new_notebook(), medium="pdf"))


def _new_notebook():
    import nbformat

    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("Text.")])


class PdfPages:
    """The PDF's pages made ready one at a time, as soon as each page's notebook is final (:meth:`prepare`,
    while the other pages execute), in a folder of their own made in ``scratch``; :func:`render_pdf` given
    them typesets there, and uses each page as prepared while the page, its title, the labels of the pages
    it links to and the turn of the pages where it starts are as they were. :meth:`close` removes the folder.
    """

    def __init__(self, scratch: Path | str | None = None) -> None:
        if scratch is not None:
            Path(scratch).mkdir(parents=True, exist_ok=True)
        self._folder = tempfile.TemporaryDirectory(prefix="cpb-pdf-", dir=scratch)
        self.workdir = Path(self._folder.name)
        self.converter = _MarkdownConverter()
        self.prepared: dict[Path, _Prepared] = {}  # a page's notebook (resolved) -> its blocks

    def prepare(self, build_dir: Path | str, relative: str, pages: Iterable[str] = ()) -> None:
        """Make the page whose notebook is ``relative`` (to ``build_dir``) ready; ``pages``: every page's notebook
        expected in the pack (for the labels of links between pages)."""
        build_dir = Path(build_dir)
        structure = load_structure(find_quarto_file(build_dir))
        source = build_dir / relative
        nb = read_notebook(source)
        key = page_slug(relative)
        page = _PageSource(key, page_title(nb, sidebar_text(structure, relative), key), source, nb)
        labels = {(build_dir / other).resolve(): slugify(page_slug(other)) or "page" for other in pages}
        (self.prepared[source.resolve()],) = _prepare(
            [page], {key: _digest(source)}, self.workdir, build_dir, labels, self.converter
        )

    def close(self) -> None:
        self._folder.cleanup()


def assemble_pack(
    build_dir: Path, workdir: Path, *, catalogue_domains: Iterable[str] | None = None, quarto_config=None,
    ready: PdfPages | None = None,
) -> tuple[dict, str]:  # fmt: skip
    """The whole pack as one pandoc document (JSON), cover first, then the pages of ``_quarto.yml`` in order,
    with tables shaped, charts and images written into ``workdir`` and laid out by ``pack.typ``'s functions;
    returns it with the pack's title. Both engines' PDFs are typeset from it. Pages ``ready`` made
    beforehand (:class:`PdfPages`, whose folder must be ``workdir``) are used as they are while they are current.
    """
    if ready is not None and Path(workdir) != ready.workdir:
        ready = None  # their charts are in another folder
    structure = load_structure(quarto_config or find_quarto_file(build_dir))
    pages = resolve_pages(structure, build_dir, catalogue_domains=catalogue_domains)
    labels = {page.source.resolve(): slugify(page.key) or "page" for page in pages}
    digests = {page.key: _digest(page.source) for page in pages}
    converter = ready.converter if ready is not None else _MarkdownConverter()
    found = {page.key: ready.prepared.get(page.source.resolve()) for page in pages} if ready is not None else {}
    stale = [
        page
        for page in pages
        if found.get(page.key) is None
        or not found[page.key].made_from(page, digests[page.key], labels, found[page.key].landscape)
    ]
    if stale:
        found |= {item.key: item for item in _prepare(stale, digests, workdir, build_dir, labels, converter)}
    blocks: list = []
    front: list = []
    landscape = False
    for page in pages:  # each page as it starts: turned as the one before it left the pages
        item = found[page.key]
        if not item.made_from(page, digests[page.key], labels, landscape):
            (item,) = _prepare([page], digests, workdir, build_dir, labels, converter, landscape)
        blocks += item.blocks
        front += item.front
        landscape = item.turned
    cover = [{"t": "RawBlock", "c": ["typst", "#cpb-cover["]}, *_Assembler(workdir, "cover")._layout(front)]
    cover.append({"t": "RawBlock", "c": ["typst", "]"]})
    return pack_document(cover + blocks, found[pages[0].key].api_version), structure.title


def render_pdf(
    build_dir: Path | str,
    out_pdf: Path | str,
    month: Month | str,
    *,
    config: ProjectConfig,
    catalogue_domains: Iterable[str] | None = None,
    quarto_config: Path | str | None = None,
    keep_source: Path | str | None = None,
    scratch: Path | str | None = None,
    ready: PdfPages | None = None,
) -> Path:
    """Render one month's executed notebooks as the A4 board pack PDF ``out_pdf``; return its path.

    Cover (council, month, protective marking), contents, then the pages of
    ``_quarto.yml`` in order (summary, one section per domain, appendix, data
    quality), with the marking in every header and footer and page numbers.
    ``keep_source`` (a folder) keeps the generated Typst files and chart SVGs
    for inspection. The PDF is written to a temporary file and moved into place. Temporary files go
    in a folder made in ``scratch`` (default: the system's temporary folder), removed when done, also
    when the render fails or is interrupted; with pages made ``ready`` beforehand, in their folder.

    >>> import tempfile, nbformat
    >>> from cpblib.config import ProjectConfig
    >>> build = Path(tempfile.mkdtemp()) / "_build" / "2023-03"
    >>> build.mkdir(parents=True)
    >>> for name in ("summary", "appendix", "data-quality"):
    ...     cells = [nbformat.v4.new_markdown_cell(f"# {name.title()}\\n\\nText.")]
    ...     nbformat.write(nbformat.v4.new_notebook(cells=cells), str(build / f"{name}.ipynb"))
    >>> config = ProjectConfig.model_validate({"authority": {"name": "Testshire Council", "la_code": "999"}})
    >>> pdf = render_pdf(build, build.parents[1] / "pack.pdf", "2023-03", config=config)
    >>> pdf.read_bytes()[:5]
    b'%PDF-'
    >>> import shutil; shutil.rmtree(build.parents[1])
    """
    import typst

    month = config.calendar.period_from_key(month) if isinstance(month, str) else Month.parse(month)
    build_dir = Path(build_dir)
    out_pdf = Path(out_pdf)

    room = (
        nullcontext(ready.workdir) if ready is not None else tempfile.TemporaryDirectory(prefix="cpb-pdf-", dir=scratch)
    )
    with room as tmp:
        workdir = Path(tmp)
        document, title = assemble_pack(
            build_dir, workdir, catalogue_domains=catalogue_domains, quarto_config=quarto_config, ready=ready
        )
        body = '#import "pack.typ": *\n\n' + _typst_body(document)
        (workdir / "body.typ").write_text(body, encoding="utf-8")
        shutil.copyfile(SITE_DATA / "pack.typ", workdir / "pack.typ")
        (workdir / "main.typ").write_text(MAIN_TYP, encoding="utf-8")
        if keep_source is not None:
            shutil.copytree(workdir, Path(keep_source), dirs_exist_ok=True)

        out_pdf.parent.mkdir(parents=True, exist_ok=True)
        partial = out_pdf.with_name(f".{out_pdf.name}.partial")
        try:
            typst.compile(
                str(workdir / "main.typ"),
                output=str(partial),
                root=str(workdir),
                font_paths=font_paths(),
                sys_inputs=pack_values(config, title, month),
            )
        except Exception as exc:
            partial.unlink(missing_ok=True)
            raise RenderError(f"{out_pdf}: the PDF could not be typeset: {exc}") from exc
        os.replace(partial, out_pdf)
    return out_pdf
