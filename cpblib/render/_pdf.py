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
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ..config import ProjectConfig
from ..month import Month
from ._html import NBCONVERT_TEMPLATES, SITE_DATA, local_image
from ._notebook import OUTPUT_PRIORITY, chart_alt, chart_caption, typst_string, visible_notebook
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
        from traitlets.config import Config

        config = Config({"NbConvertBase": {"display_data_priority": OUTPUT_PRIORITY}})
        self.exporter = MarkdownExporter(
            config=config,
            template_name="cpb-markdown",
            extra_template_basedirs=[str(NBCONVERT_TEMPLATES)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
        )
        self.exporter.register_filter("cpb_placeholder", self._placeholder)
        self.blocks: dict[str, tuple[str, dict]] = {}

    def _placeholder(self, output, kind: str) -> str:
        token = f"{_PLACEHOLDER}{len(self.blocks) + 1:05d}"
        self.blocks[token] = (kind, dict(output))
        return token

    def markdown(self, nb) -> str:
        body, _ = self.exporter.from_notebook_node(nb)
        return body


def _pandoc_json(text: str, fmt: str) -> dict:
    import pypandoc

    return json.loads(pypandoc.convert_text(text, "json", format=fmt))


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


class _Assembler:
    """Builds the pandoc document of the whole pack, page by page."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.charts_dir = workdir / "charts"
        self.charts_dir.mkdir()
        self.chart_count = 0
        self.image_count = 0
        self.api_version: list | None = None

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

    def _html(self, output: dict) -> list:
        data = output["data"]["text/html"]
        text = "".join(data) if isinstance(data, list) else data
        return _pandoc_json(text, "html")["blocks"]

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
                        result.extend(self._html(output))
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

    def page_blocks(self, page: Page, converter: _MarkdownConverter, root: Path) -> list:
        converter.blocks = {}
        markdown = converter.markdown(visible_notebook(page.notebook))
        document = _pandoc_json(markdown, MARKDOWN_FORMAT)
        self.api_version = document["pandoc-api-version"]
        blocks = self._images(self._replace(document["blocks"], converter.blocks), page, root)
        return self._fix_headings(blocks, page)


def _typst_body(blocks: list, api_version: list) -> str:
    import pypandoc

    document = {"pandoc-api-version": api_version, "meta": {}, "blocks": blocks}
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
) -> Path:
    """Render one month's executed notebooks as the A4 board pack PDF ``out_pdf``; return its path.

    Cover (council, month, protective marking), contents, then the pages of
    ``_quarto.yml`` in order (summary, one section per domain, appendix, data
    quality), with the marking in every header and footer and page numbers.
    ``keep_source`` (a folder) keeps the generated Typst files and chart SVGs
    for inspection. The PDF is written to a temporary file and moved into place.

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

    month = Month.parse(month)
    build_dir = Path(build_dir)
    out_pdf = Path(out_pdf)
    structure = load_structure(quarto_config or find_quarto_file(build_dir))
    pages = resolve_pages(structure, build_dir, catalogue_domains=catalogue_domains)

    with tempfile.TemporaryDirectory(prefix="cpb-pdf-") as tmp:
        workdir = Path(tmp)
        assembler = _Assembler(workdir)
        converter = _MarkdownConverter()
        blocks: list = []
        for page in pages:
            blocks.extend(assembler.page_blocks(page, converter, build_dir))
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
