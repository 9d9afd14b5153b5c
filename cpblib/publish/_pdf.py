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
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..config import ProjectConfig
from ..month import Month
from ..present.escape import typst_string
from ._html import NBCONVERT_TEMPLATES, SITE_DATA, local_image
from ._notebook import chart_alt, chart_caption, exporter_config, visible_notebook
from ._structure import Page, RenderError, find_quarto_file, load_structure, resolve_pages, slugify

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


TABLE_TEXT_WIDTH_PT = 595.28 - 2 * 18 * 72 / 25.4
"""Width of the text on an A4 page with ``pack.typ``'s 18 mm side margins."""

WIDE_TABLE_COLUMNS = 10
"""Tables with this many columns or more are set smaller by ``pack.typ`` (7.5 pt instead of 8.5 pt)."""

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
"""Approximate advance widths of DejaVu Sans, in em (bold is about a tenth wider)."""


def _text_em(text: str) -> float:
    """Approximate width of ``text`` set in DejaVu Sans, in em.

    >>> round(_text_em("Amber"), 2)
    3.29
    """
    return sum(_ADVANCE.get(ch, 0.62) for ch in text)


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


def shape_table(table: dict) -> dict:
    """A pandoc table (JSON) with explicit column alignments and, when it is too wide for the
    page at its natural width, column widths; returns a new table.

    Columns whose cells carry the class ``num`` are right-aligned, others left-aligned (pandoc's
    default alignment would inherit the centring of the figure). Widths are shared out as a
    browser does for tables: every column gets room for its longest word (long words may be
    hyphenated), then what is left goes to the columns whose text wraps, in proportion to how
    much more they need. Without this Typst gives every column about the same width and
    indicator names wrap one word to a line while their neighbours overlap.

    >>> def cell(text, classes=()):
    ...     plain = [{"t": "Plain", "c": [{"t": "Str", "c": text}]}]
    ...     return [["", list(classes), []], {"t": "AlignDefault"}, 1, 1, plain]
    >>> def row(*cells):
    ...     return [["", [], []], list(cells)]
    >>> spec = [{"t": "AlignDefault"}, {"t": "ColWidthDefault"}]
    >>> table = {"t": "Table", "c": [["", [], []], [None, []], [spec, spec],
    ...     [["", [], []], [row(cell("Indicator"), cell("Value", ["num"]))]],
    ...     [[["", [], []], 1, [], [row(cell("Children-in-care"), cell("437", ["num"]))]]], [["", [], []], []]]}
    >>> shaped = shape_table(table)
    >>> [spec[0]["t"] for spec in shaped["c"][2]], [spec[1]["t"] for spec in shaped["c"][2]]
    (['AlignLeft', 'AlignRight'], ['ColWidthDefault', 'ColWidthDefault'])
    >>> wide = {"t": "Table", "c": table["c"][:2] + [[spec] * 12,
    ...     [["", [], []], [row(*[cell(f"P{i}") for i in range(12)])]],
    ...     [[["", [], []], 1, [], [row(cell("A long indicator name " * 4), *[cell("12.5%")] * 11)]]],
    ...     [["", [], []], []]]}
    >>> widths = [spec[1]["c"] for spec in shape_table(wide)["c"][2]]
    >>> round(sum(widths), 6), widths[0] > 2 * widths[1]
    (1.0, True)
    """
    attr, caption, colspecs, head, bodies, foot = table["c"]
    columns = _table_grid(table)
    n = len(colspecs)
    wide = n >= WIDE_TABLE_COLUMNS
    size = 7.5 if wide else 8.5  # text size and cell insets as pack.typ sets them
    pad = 2 * 3.5
    aligns, least, least_body, most = [], [], [], []
    for spec, cells in zip(colspecs, columns):
        numeric = any("num" in cell[0][1] for cell, _ in cells)
        align = spec[0] if spec[0].get("t") != "AlignDefault" else {"t": "AlignRight" if numeric else "AlignLeft"}
        aligns.append(align)
        words, body_words, lengths = [size], [size], [size]
        for cell, in_header in cells:
            text = _blocks_text(cell[4])
            scale = 1.05 * size * (1.1 if in_header else 1.0)  # a margin; header text is bold, hence wider
            # lines may break at spaces and after '/' or '-'
            found = [scale * _text_em(w) for w in re.split(r"\s+|(?<=[/-])(?=[^\W\d_])", text) if w]
            words += found
            body_words += [] if in_header else found
            lengths.append(scale * _text_em(text))
        least.append(min(max(words), 8 * size))  # longer words are hyphenated
        least_body.append(min(max(body_words), 8 * size))
        most.append(max(min(max(lengths), 30 * size), least[-1]))
    available = TABLE_TEXT_WIDTH_PT - n * pad
    if sum(least) > available:  # too many columns: let header words be hyphenated, not figures or RAG words
        least = least_body
    if sum(most) <= available or n < 2:
        widths = [spec[1] for spec in colspecs]
    else:
        if sum(least) >= available:
            points = least
        else:
            room = available - sum(least)
            wanted = [m - s for m, s in zip(most, least)]
            points = [s + room * w / sum(wanted) for s, w in zip(least, wanted)]
        total = sum(points) + n * pad
        widths = [{"t": "ColWidth", "c": (p + pad) / total} for p in points]
    specs = [[align, width] for align, width in zip(aligns, widths)]
    return {"t": "Table", "c": [attr, caption, specs, head, bodies, foot]}


def _shape_tables(node):
    """Every table in a pandoc tree passed through :func:`shape_table` (HTML and Markdown tables alike)."""
    if isinstance(node, list):
        return [_shape_tables(item) for item in node]
    if isinstance(node, dict):
        if node.get("t") == "Table":
            return shape_table(node)
        return {key: _shape_tables(value) for key, value in node.items()}
    return node


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


class _Assembler:
    """Builds the pandoc document of the whole pack, page by page."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.charts_dir = workdir / "charts"
        self.charts_dir.mkdir()
        self.chart_count = 0
        self.image_count = 0
        self.api_version: list | None = None
        self.labels: dict[Path, str] = {}  # page notebook -> label of its first heading
        self.html: dict[str, list] = {}  # placeholder token -> pandoc blocks of its HTML output

    # -- placeholders --------------------------------------------------------------------------------
    def _chart(self, output: dict, kind: str) -> list:
        self.chart_count += 1
        data = output["data"][kind]
        if kind == "image/svg+xml":
            name = f"charts/chart-{self.chart_count:03d}.svg"
            text = "".join(data) if isinstance(data, list) else data
            (self.workdir / name).write_text(text, encoding="utf-8")
        else:
            import base64

            ext = "png" if kind == "image/png" else "jpg"
            name = f"charts/chart-{self.chart_count:03d}.{ext}"
            raw = "".join(data) if isinstance(data, list) else data
            (self.workdir / name).write_bytes(base64.b64decode(raw))
        call = f"#cpb-chart({typst_string(name)}, alt: {typst_string(chart_alt(output))}"
        caption = chart_caption(output)
        if caption:
            call += f", caption: {typst_string(caption)}"
        return [{"t": "RawBlock", "c": ["typst", call + ")"]}]

    @staticmethod
    def html_text(output: dict) -> str:
        data = output["data"]["text/html"]
        return "".join(data) if isinstance(data, list) else data

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
                    if what == "text/html":
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
            found = local_image(url, page.source.parent, root)
            if found is None:
                text = _inlines_text(alt) or "Image not available"
                return [{"t": "Emph", "c": [{"t": "Str", "c": text}]}]
            self.image_count += 1
            name = f"images/image-{self.image_count:03d}{found.suffix.lower()}"
            (self.workdir / "images").mkdir(exist_ok=True)
            shutil.copyfile(found, self.workdir / name)
            return [{"t": "Image", "c": [attr, alt, [name, title]]}]
        return {key: self._images(value, page, root) for key, value in node.items()}

    def page_blocks(self, page: Page, document: dict, placeholders: dict, root: Path) -> list:
        """The page as pandoc blocks: its Markdown ``document`` (read by pandoc) with the outputs put back."""
        self.api_version = document["pandoc-api-version"]
        blocks = self._images(self._replace(document["blocks"], placeholders), page, root)
        blocks = _link_pages(_shape_tables(blocks), page.source.parent, self.labels)
        return self._fix_headings(blocks, page)


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


def _typst_body(blocks: list, api_version: list) -> str:
    import pypandoc

    document = {"pandoc-api-version": api_version, "meta": {}, "blocks": split_long_strings(blocks)}
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
) -> Path:
    """Render one month's executed notebooks as the A4 board pack PDF ``out_pdf``; return its path.

    Cover (council, month, protective marking), contents, then the pages of
    ``_quarto.yml`` in order (summary, one section per domain, appendix, data
    quality), with the marking in every header and footer and page numbers.
    ``keep_source`` (a folder) keeps the generated Typst files and chart SVGs
    for inspection. The PDF is written to a temporary file and moved into place. Temporary files go
    in a folder made in ``scratch`` (default: the system's temporary folder), removed when done, also
    when the render fails or is interrupted.

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
    structure = load_structure(quarto_config or find_quarto_file(build_dir))
    pages = resolve_pages(structure, build_dir, catalogue_domains=catalogue_domains)

    with tempfile.TemporaryDirectory(prefix="cpb-pdf-", dir=scratch) as tmp:
        workdir = Path(tmp)
        assembler = _Assembler(workdir)
        assembler.labels = {page.source.resolve(): slugify(page.key) or "page" for page in pages}
        converter = _MarkdownConverter()
        sources = []  # per page: its Markdown and the outputs its placeholders stand for
        for page in pages:
            converter.blocks = {}
            sources.append((page, converter.markdown(visible_notebook(page.notebook)), converter.blocks))
        html = {
            token: assembler.html_text(output)
            for _, _, placeholders in sources
            for token, (what, output) in placeholders.items()
            if what == "text/html"
        }
        with ThreadPoolExecutor(max_workers=4) as pool:  # pandoc runs: each mostly start-up time
            tables = pool.submit(_html_blocks, html)
            documents = list(pool.map(lambda source: _pandoc_json(source[1], MARKDOWN_FORMAT), sources))
            assembler.html = tables.result()
        blocks: list = []
        for (page, _, placeholders), document in zip(sources, documents):
            blocks.extend(assembler.page_blocks(page, document, placeholders, build_dir))
        body = '#import "pack.typ": cpb-chart, horizontalrule\n\n' + _typst_body(blocks, assembler.api_version)
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
                sys_inputs={
                    "council": config.authority.name,
                    "title": structure.title,
                    "month": month.label,
                    "marking": config.publication.protective_marking,
                },
            )
        except Exception as exc:
            partial.unlink(missing_ok=True)
            raise RenderError(f"{out_pdf}: the PDF could not be typeset: {exc}") from exc
        os.replace(partial, out_pdf)
    return out_pdf
