r"""Notebook to accessible, self-contained HTML: the body of each page and its tidy-up.

nbconvert's :class:`~nbconvert.HTMLExporter` renders the cells with cpb's own
template (``_data/site/nbconvert/cpb-html``), which shows outputs and
Markdown only. :func:`tidy_fragment` then makes the body fit to publish:

* exactly one ``h1`` (the page title is added when the notebook has none)
  and no skipped heading levels;
* every ``th`` has a ``scope``; empty header cells become ``td``; wide tables
  sit in a keyboard-scrollable region;
* nothing is fetched from the network: ``script``, ``iframe``, ``object``,
  ``embed``, ``link``, ``base`` and ``meta`` go, remote images become their
  alt text, links to other sites become text followed by the address, event
  handler attributes and styles that load URLs are removed.

>>> body = tidy_fragment("<h3>Stability</h3><table><tr><th>a</th></tr><tr><th>x</th><td>1</td></tr></table>", "Moves")
>>> print(body.replace("><", ">\n<"))
<h1 id="moves">Moves</h1>
<h2 id="stability">Stability</h2>
<div aria-label="Table 1" class="table-scroll" role="region" tabindex="0">
<table>
<tr>
<th scope="col">a</th>
</tr>
<tr>
<th scope="row">x</th>
<td>1</td>
</tr>
</table>
</div>
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from pathlib import Path

import markupsafe
from bs4 import BeautifulSoup, Comment, Tag

from ..present.escape import html_text, regex_replacement
from ._notebook import chart_alt, chart_caption, chart_note, exporter_config
from ._structure import slugify

SITE_DATA = Path(__file__).resolve().parent.parent / "_data" / "site"
NBCONVERT_TEMPLATES = SITE_DATA / "nbconvert"

_REMOTE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
_UNSAFE_SCHEME = re.compile(r"^\s*(?:javascript|vbscript|data:text/html)", re.IGNORECASE)
_URL_ATTRS = ("src", "href", "xlink:href", "srcset", "poster", "action", "formaction", "data", "background")
_DROP_TAGS = ("script", "noscript", "iframe", "frame", "object", "embed", "link", "base", "meta", "form", "applet")
_HEADING = re.compile(r"^h[1-6]$")
_SVG_ID = re.compile(r'\bid="([^"]+)"')
_SVG_NEEDS_TIDY = re.compile(
    r"<(?:script|foreignObject|iframe|object|embed|image|use|style|a)\b|\son[a-z]+\s*=|href\s*=|url\(\s*['\"]?(?!#)",
    re.IGNORECASE,
)
"""What a chart's SVG must not hold to skip tidying: anything that runs, links or loads (``url(#id)`` is fine)."""
_FIGURE_PLACEHOLDER = re.compile(r'<cpb-figure id="([^"]+)"></cpb-figure>')
_XML_PROLOG = re.compile(r"^\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?", re.IGNORECASE)


UNDESCRIBED_IMAGE = "An image without a description"
"""The alt text of an image a page gives none (a screen reader would otherwise read its address)."""


# -- charts ---------------------------------------------------------------------------------------
def inline_svg(svg: str, alt: str, prefix: str) -> str:
    r"""An SVG ready to sit inside a page: announced as one image named by ``alt``,
    its ids prefixed so that several charts on one page never share an id.

    >>> svg = '<?xml version="1.0"?><svg width="10"><clipPath id="c"/><g clip-path="url(#c)"/></svg>'
    >>> print(inline_svg(svg, 'A "bar" chart', "c1").replace("><", ">\n<"))
    <svg role="img" aria-label="A &quot;bar&quot; chart" focusable="false" width="10">
    <clipPath id="c1-c"/>
    <g clip-path="url(#c1-c)"/>
    </svg>
    """
    text = _XML_PROLOG.sub("", svg if isinstance(svg, str) else "".join(svg), count=1)
    for old in sorted(set(_SVG_ID.findall(text)), key=len, reverse=True):
        new = f"{prefix}-{old}"
        text = (
            text.replace(f'id="{old}"', f'id="{new}"')
            .replace(f"url(#{old})", f"url(#{new})")
            .replace(f'href="#{old}"', f'href="#{new}"')
        )
    text = re.sub(r'(<svg\b[^>]*?)\s(?:role|aria-label|aria-labelledby)="[^"]*"', r"\1", text, count=3)
    opening = f'<svg role="img" aria-label="{html_text(alt)}" focusable="false"'
    return re.sub(r"<svg\b", regex_replacement(opening), text, count=1)


def chart_figure_html(output: dict, prefix: str) -> str:
    """A chart output as a ``figure`` holding the inline SVG, with its caption (what the chart is of)
    and its note (a sentence under it) if given."""
    svg = output["data"]["image/svg+xml"]
    caption, note = chart_caption(output), chart_note(output)
    parts = ['<figure class="chart">']
    if caption:
        parts.append(f"<figcaption>{html_text(caption)}</figcaption>")
    parts.append(inline_svg(svg, chart_alt(output), prefix))
    if note:
        parts.append(f'<p class="chart-note">{html_text(note)}</p>')
    parts.append("</figure>")
    return "\n".join(parts)


def raster_figure_html(output: dict, mime: str) -> str:
    data = output["data"][mime]
    data = "".join(data) if isinstance(data, list) else data
    data = data if isinstance(data, str) else base64.b64encode(data).decode("ascii")
    alt = html_text(chart_alt(output))
    caption = chart_caption(output)
    figcaption = f"<figcaption>{html_text(caption)}</figcaption>" if caption else ""
    return f'<figure class="chart"><img src="data:{mime};base64,{data.strip()}" alt="{alt}">{figcaption}</figure>'


def error_html(output: dict) -> str:
    name = html_text(output.get("ename") or "Error")
    return (
        '<div class="cell-error" role="note"><p><strong>This part of the page could not be produced</strong> '
        f"({name}). The analyst who runs the pack can see the details in the notebook.</p></div>"
    )


# -- nbconvert --------------------------------------------------------------------------------------
class HtmlConverter:
    """Renders notebooks to body HTML with one configured nbconvert exporter."""

    def __init__(self) -> None:
        from nbconvert import HTMLExporter

        self.exporter = HTMLExporter(
            config=exporter_config(),
            template_name="cpb-html",
            extra_template_basedirs=[str(NBCONVERT_TEMPLATES)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            exclude_anchor_links=True,
        )
        self._charts = 0
        self._prefix = "p"
        self._figures: dict[str, str] = {}
        self.exporter.register_filter("cpb_chart_html", self._chart)
        self.exporter.register_filter(
            "cpb_raster_html", lambda output, mime: markupsafe.Markup(raster_figure_html(output, mime))
        )
        self.exporter.register_filter("cpb_error_html", lambda output: markupsafe.Markup(error_html(output)))

    def _chart(self, output) -> markupsafe.Markup:
        self._charts += 1
        key = f"{self._prefix}-chart{self._charts}"
        figure = chart_figure_html(output, key)
        if _SVG_NEEDS_TIDY.search(figure):
            return markupsafe.Markup(figure)
        # A plain drawing (no scripts, links or outside references) stays out of the HTML parsing that
        # follows, which would spend most of its time walking the SVG's thousands of elements.
        self._figures[key] = figure
        return markupsafe.Markup(f'<cpb-figure id="{key}"></cpb-figure>')

    def body(self, nb, *, prefix: str, tidy: Callable[[str], str] | None = None) -> str:
        """Body HTML of a (visible-only) notebook; ``prefix`` keeps chart ids unique on the page.

        ``tidy`` (e.g. :func:`tidy_fragment`) is applied before plain charts are put in.
        """
        self._charts = 0
        self._prefix = slugify(prefix) or "p"
        self._figures = {}
        body = _export(self.exporter, nb)
        if tidy is not None:
            body = tidy(body)
        return _FIGURE_PLACEHOLDER.sub(lambda match: self._figures.get(match.group(1), ""), body)


def _export(exporter, nb) -> str:
    """``HTMLExporter.from_notebook_node`` but for its last step, which parses the whole page once more to
    give tab stops to Jupyter's cell wrappers (cpb's template writes none) and alt text to images
    (:func:`tidy_fragment` does, in the one parse a page gets)."""
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    resources = exporter._init_resources(None)
    kinds = WidgetsDataTypeFilter(notebook_metadata=exporter._nb_metadata, parent=exporter, resources=resources)
    exporter.register_filter("filter_data_type", kinds)
    html, _ = TemplateExporter.from_notebook_node(exporter, nb, resources)
    return html


# -- tidying ----------------------------------------------------------------------------------------
def _fix_headings(soup: BeautifulSoup, title: str) -> None:
    headings = soup.find_all(_HEADING)
    first_h1 = next((h for h in headings if h.name == "h1"), None)
    if first_h1 is None or headings.index(first_h1) != 0:
        new = soup.new_tag("h1")
        new.string = title
        soup.insert(0, new)
        headings.insert(0, new)
        first_h1 = new
    previous = 1
    used_ids: set[str] = set()
    for heading in headings:
        level = int(heading.name[1])
        if heading is first_h1:
            level = 1
        else:
            level = min(max(level, 2), previous + 1)
        heading.name = f"h{level}"
        previous = level
        ident = heading.get("id") or slugify(heading.get_text(" ", strip=True)) or "section"
        base, n = ident, 2
        while ident in used_ids:
            ident, n = f"{base}-{n}", n + 1
        used_ids.add(ident)
        heading["id"] = ident


def _fix_tables(soup: BeautifulSoup) -> None:
    for number, table in enumerate(soup.find_all("table"), start=1):
        for attr in ("border", "cellpadding", "cellspacing", "frame", "rules"):
            if table.has_attr(attr):
                del table[attr]
        for row in table.find_all("tr"):
            in_head = row.find_parent("thead") is not None
            cells = row.find_all(["th", "td"], recursive=False)
            header_row = in_head or all(cell.name == "th" for cell in cells)
            for position, cell in enumerate(cells):
                if cell.name != "th":
                    continue
                if not cell.get_text(strip=True) and in_head:
                    cell.name = "td"
                    continue
                if cell.has_attr("scope"):
                    continue
                if header_row:
                    cell["scope"] = "colgroup" if int(cell.get("colspan", 1) or 1) > 1 else "col"
                else:
                    cell["scope"] = "rowgroup" if int(cell.get("rowspan", 1) or 1) > 1 else "row"
        parent = table.parent
        if not (isinstance(parent, Tag) and "table-scroll" in (parent.get("class") or [])):
            caption = table.find("caption")
            label = caption.get_text(" ", strip=True) if caption else f"Table {number}"
            wrapper = soup.new_tag("div", attrs={"class": "table-scroll", "role": "region", "tabindex": "0"})
            wrapper["aria-label"] = label
            table.wrap(wrapper)


def _strip_remote(soup: BeautifulSoup) -> None:
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for style in soup.find_all("style"):
        if re.search(r"url\s*\(|@import", style.get_text(), re.IGNORECASE):
            style.decompose()
    for tag in soup.find_all(True):
        for attr in list(tag.attrs):
            if (
                attr.lower().startswith("on")
                or attr.lower() == "style"
                and re.search(r"url\s*\(", str(tag[attr]), re.IGNORECASE)
            ):
                del tag[attr]
        for attr in _URL_ATTRS:
            value = tag.get(attr)
            if value is None:
                continue
            value = " ".join(value) if isinstance(value, list) else str(value)
            if not (_REMOTE.match(value) or _UNSAFE_SCHEME.match(value)):
                continue
            if tag.name == "a" and attr == "href":
                text = tag.get_text(" ", strip=True)
                shown = value if _REMOTE.match(value) else ""
                span = soup.new_tag("span", attrs={"class": "external-link"})
                span.string = f"{text} ({shown})" if shown and shown != text else (text or shown)
                tag.replace_with(span)
                break
            if tag.name == "img":
                span = soup.new_tag("span", attrs={"class": "image-removed"})
                span.string = tag.get("alt") or "Image not shown (it would load from another site)"
                tag.replace_with(span)
                break
            del tag[attr]


IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
}


def local_image(src: str, base_dir: Path | None, root: Path | None = None) -> Path | None:
    """The image file a relative ``src`` names from ``base_dir``, if it exists inside ``root``
    (default ``base_dir``): nothing outside the month's build is ever read."""
    if base_dir is None or not src or _REMOTE.match(src) or ":" in src.split("/", 1)[0]:
        return None
    candidate = (Path(base_dir) / src.split("#", 1)[0].split("?", 1)[0]).resolve()
    boundary = Path(root or base_dir).resolve()
    if candidate.suffix.lower() in IMAGE_TYPES and candidate.is_file() and candidate.is_relative_to(boundary):
        return candidate
    return None


def _embed_local_images(soup: BeautifulSoup, base_dir: Path | None, root: Path | None) -> None:
    """Images the notebook names by relative path are embedded (the site has no copy of them)."""
    for img in soup.find_all("img"):
        src = str(img.get("src") or "")
        if src.startswith("data:"):
            continue
        found = local_image(src, base_dir, root)
        if found is None:
            span = soup.new_tag("span", attrs={"class": "image-removed"})
            span.string = img.get("alt") or "Image not available"
            img.replace_with(span)
            continue
        data = base64.b64encode(found.read_bytes()).decode("ascii")
        img["src"] = f"data:{IMAGE_TYPES[found.suffix.lower()]};base64,{data}"
        if not img.has_attr("alt"):
            img["alt"] = ""


def tidy_fragment(fragment: str, title: str, base_dir: Path | None = None, root: Path | None = None) -> str:
    """Make a page body fit to publish (see the module notes); returns HTML.

    ``base_dir`` is the notebook's folder and ``root`` the month's build: images
    named by a relative path inside ``root`` are embedded; other images become
    their alt text.
    """
    soup = BeautifulSoup(fragment, "html.parser")
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    _strip_remote(soup)
    _embed_local_images(soup, base_dir, root)
    for img in soup.find_all("img", alt=False):
        img["alt"] = UNDESCRIBED_IMAGE
    _fix_headings(soup, title)
    _fix_tables(soup)
    return str(soup).strip()
