"""The Quarto engine: the month staged under ``pack/``, rendered by Quarto, published like the built-in website.

``quarto render`` reads the month from ``<project>/pack/`` (Quarto does not
render files under ``_build/``: folders starting with ``_`` are skipped).
:func:`stage_quarto` copies the month's build there so that Quarto shows the
same pages, titles and order as the built-in renderer:

* domain notebooks are named ``domains/01-<slug>.ipynb``, ``02-...`` in the
  order :func:`~cpblib.publish.resolve_pages` decides (Quarto orders a sidebar
  glob by file name);
* every page gets front matter with its ``title`` (and ``order`` for domain
  pages), and a leading level-1 heading equal to the title is dropped, as
  Quarto prints the title itself;
* it keeps the website's outputs (``metadata.cpb.only``), each given as
  Markdown: HTML tables and charts (inline SVG named by its text alternative)
  as raw HTML blocks, so that Quarto loads nothing from a CDN (it adds
  require.js and jQuery to a page with HTML outputs) and shows what the
  built-in website shows;
* ``_marking.html`` (the protective marking of Quarto's own pages, for
  ``quarto preview``) and ``_cpb.json`` (the month staged) are written.

The folder is replaced in one rename, like the built-in site's month folder.

Quarto then renders the pages into a scratch folder (:func:`run_quarto`:
Quarto clears the folder it renders a whole website into, so never the
published ``_site``), and :func:`publish_quarto_site` publishes each page's
content (:func:`quarto_body`) at ``_site/<month>/`` in the built-in website's
page (navigation, month switcher, PDF link, marking once), with the home page
listing every month. ``cpb render --engine quarto`` does all of this under the
project's render lock; a plain ``quarto render`` does it through the pre- and
post-render steps ``_quarto.yml`` names (:func:`main`).
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

import nbformat
import yaml
from bs4 import BeautifulSoup

from ..config import ProjectConfig
from ..month import Month
from ..present.escape import html_text
from ._html import (
    _FIGURE_PLACEHOLDER,
    _SVG_NEEDS_TIDY,
    chart_figure_html,
    error_html,
    raster_figure_html,
    tidy_fragment,
)
from ._notebook import shown_in
from ._quarto_steps import HOOKS_ENV, STEPS, wanted
from ._structure import (
    _FRONT_MATTER,
    _H1,
    PACK_DIR,
    QUARTO_FILE,
    Page,
    RenderError,
    default_quarto_file,
    failure_reason,
    load_structure,
    printed_lines,
    resolve_pages,
    slugify,
)

STAGED_INFO = "_cpb.json"
"""What ``pack/`` holds: the month's key and each page's staged notebook (for Quarto's post-render step)."""


def _staged_name(page: Page, domain_rank: int | None) -> str:
    relative = page.source.as_posix().rsplit("/", 1)[-1]
    folder = page.key.rsplit("/", 1)[0] if "/" in page.key else ""
    if domain_rank is None:
        name = relative
    else:
        name = f"{domain_rank:02d}-{page.key.rsplit('/', 1)[-1]}.ipynb"
    return f"{folder}/{name}" if folder else name


_RAW_HTML = "`````{=html}\n%s\n`````\n"


def _web_output(output, prefix: str):
    """An output as Quarto should show it on the website: HTML (tables, charts as inline SVG with their text
    alternative, errors) as a raw HTML block in a Markdown output, so that Quarto adds no scripts from a CDN
    (it does for HTML and JavaScript outputs) and the page shows exactly what the built-in website shows.

    >>> out = _web_output({"output_type": "display_data", "data": {"text/html": "<p>1</p>"}, "metadata": {}}, "c1")
    >>> out["data"]["text/markdown"]
    '`````{=html}\\n<div class="output-html">\\n<p>1</p>\\n</div>\\n`````\\n'
    """
    if output.get("output_type") == "error":
        html = error_html(output)
    else:
        data = output.get("data") or {}
        raster = next((mime for mime in ("image/png", "image/jpeg", "image/gif") if mime in data), None)
        if "image/svg+xml" in data:
            html = chart_figure_html(output, slugify(prefix))
        elif raster:
            html = raster_figure_html(output, raster)
        elif "text/html" in data:
            html = data["text/html"] if isinstance(data["text/html"], str) else "".join(data["text/html"])
            html = f'<div class="output-html">\n{html.strip()}\n</div>'  # as the built-in website has it
        else:
            return output
    return nbformat.v4.new_output(
        "display_data", {"text/markdown": _RAW_HTML % html.strip()}, metadata=output.get("metadata") or {}
    )


def _with_front_matter(nb, title: str, order: int | None, prefix: str = "p"):
    nb = nbformat.from_dict(nb)  # a copy
    front: dict = {}
    if nb.cells and nb.cells[0].cell_type == "raw":
        match = _FRONT_MATTER.match(nb.cells[0].source or "")
        if match:
            loaded = yaml.safe_load(match.group(1)) or {}
            front = loaded if isinstance(loaded, dict) else {}
            nb.cells = nb.cells[1:]
    front["title"] = title
    if order is not None:
        front["order"] = order
    charts = 0
    for cell in nb.cells:  # the website's outputs, each as Markdown (see _web_output)
        if cell.cell_type == "code":
            outputs = []
            for output in cell.get("outputs", []):
                if shown_in(output, "web"):
                    charts += 1
                    outputs.append(_web_output(output, f"{prefix}-chart{charts}"))
            cell.outputs = outputs
    for cell in nb.cells:
        if cell.cell_type != "markdown" or not (cell.source or "").strip():
            continue
        match = _H1.search(cell.source)
        if match and match.group(1).strip() == title and not cell.source[: match.start()].strip():
            cell.source = cell.source[match.end() :].lstrip("\n")
        break
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---"
    nb.cells.insert(0, nbformat.v4.new_raw_cell(text))
    return nb


def staged_names(pages: list[Page]) -> dict[str, str]:
    """Each page's notebook under ``pack/`` by page key: domain pages numbered in pack order.

    >>> pages = [Page("summary", "Summary", "Summary", Path("summary.ipynb"), "index.html"),
    ...          Page("domains/care", "Care", "Care", Path("domains/care.ipynb"), "domains/care.html", from_glob=True)]
    >>> staged_names(pages)
    {'summary': 'summary.ipynb', 'domains/care': 'domains/01-care.ipynb'}
    """
    names: dict[str, str] = {}
    rank = 0
    for page in pages:
        rank += page.from_glob
        names[page.key] = _staged_name(page, rank if page.from_glob else None)
    return names


def stage_quarto(
    build_dir: Path | str,
    project_dir: Path | str,
    month: Month | str,
    *,
    config: ProjectConfig,
    catalogue_domains: Iterable[str] | None = None,
    quarto_config: Path | str | None = None,
) -> Path:
    """Copy the month's build into ``project_dir/pack/`` for ``quarto render``; return that folder.

    >>> import tempfile, nbformat
    >>> from cpblib.config import ProjectConfig
    >>> build = Path(tempfile.mkdtemp()) / "_build" / "2023-03"
    >>> build.mkdir(parents=True)
    >>> for name in ("summary", "appendix", "data-quality"):
    ...     cells = [nbformat.v4.new_markdown_cell(f"# {name.title()}\\n\\nText.")]
    ...     nbformat.write(nbformat.v4.new_notebook(cells=cells), str(build / f"{name}.ipynb"))
    >>> config = ProjectConfig.model_validate({"authority": {"name": "Testshire Council", "la_code": "999"}})
    >>> pack = stage_quarto(build, build.parents[1], "2023-03", config=config)
    >>> sorted(p.name for p in pack.iterdir())
    ['_cpb.json', '_marking.html', 'appendix.ipynb', 'data-quality.ipynb', 'summary.ipynb']
    >>> import shutil; shutil.rmtree(build.parents[1])
    """
    month = config.calendar.period_from_key(month) if isinstance(month, str) else Month.parse(month)
    build_dir = Path(build_dir)
    project_dir = Path(project_dir)
    quarto_file = Path(quarto_config) if quarto_config else project_dir / QUARTO_FILE
    structure = load_structure(quarto_file if quarto_file.is_file() else default_quarto_file())
    pages = resolve_pages(structure, build_dir, catalogue_domains=catalogue_domains)
    names = staged_names(pages)

    project_dir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".pack.stage-", dir=project_dir))
    try:
        staged = scratch / PACK_DIR
        shutil.copytree(build_dir, staged, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        for page in pages:
            name = names[page.key]
            original = staged / page.source.relative_to(build_dir)
            original.unlink(missing_ok=True)
            order = int(name.rsplit("/", 1)[-1].split("-", 1)[0]) if page.from_glob else None
            nb = _with_front_matter(page.notebook, page.title, order, page.key)
            (staged / name).parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, str(staged / name))
        marking = config.publication.protective_marking
        (staged / "_marking.html").write_text(
            '<div class="cpb-marking" role="note" style="text-align:center;font-weight:700;'
            'padding:0.3rem;background:#1b1b1b;color:#fff">'
            f'<span class="visually-hidden">Protective marking: </span>{html_text(marking)}</div>\n',
            encoding="utf-8",
        )
        (staged / STAGED_INFO).write_text(json.dumps({"month": month.key, "pages": names}), encoding="utf-8")

        target = project_dir / PACK_DIR
        old = scratch / "old-pack"
        if target.exists():
            os.replace(target, old)
        os.replace(staged, target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return project_dir / PACK_DIR


# -- from Quarto's pages to the published website ------------------------------------------------------
_CHART = re.compile(r'<figure class="chart(?: figure)?">(.*?)</figure>', re.DOTALL)


def quarto_body(html: str, title: str) -> str:
    """The content of a page Quarto wrote, made fit to publish like the built-in website's
    (:func:`~cpblib.publish._html.tidy_fragment`): Quarto's title block, scripts and navigation go, the page's
    single ``h1`` is its title. Plain charts are kept out of the HTML parsing, as the built-in engine does.

    >>> page = '<html><body><main id="quarto-document-content"><header id="title-block-header"><h1>S</h1>'
    >>> page += '</header><p>Text</p><script src="https://cdn.example/x.js"></script></main></body></html>'
    >>> quarto_body(page, "Summary")
    '<h1 id="summary">Summary</h1><p>Text</p>'
    """
    figures: dict[str, str] = {}

    def keep(match: re.Match) -> str:
        figure = f'<figure class="chart">{match.group(1)}</figure>'
        if _SVG_NEEDS_TIDY.search(figure):
            return figure
        key = f"quarto-chart{len(figures) + 1}"
        figures[key] = figure
        return f'<cpb-figure id="{key}"></cpb-figure>'

    html = _CHART.sub(keep, html)
    soup = BeautifulSoup(html, "html.parser")
    main = soup.find("main", id="quarto-document-content") or soup.find("main") or soup.body or soup
    for selector in ("header#title-block-header", "nav", ".cpb-marking", "#quarto-margin-sidebar"):
        for tag in main.select(selector):
            tag.decompose()
    _plain(main)
    fragment = tidy_fragment(main.decode_contents(), title)
    return _FIGURE_PLACEHOLDER.sub(lambda match: figures.get(match.group(1), ""), fragment)


_QUARTO_CLASSES = {
    "table": {"caption-top", "table", "table-sm", "table-striped", "small"},
    "tr": {"header", "odd", "even"},
    "h2": {"anchored"}, "h3": {"anchored"}, "h4": {"anchored"}, "h5": {"anchored"}, "h6": {"anchored"},
}  # fmt: skip
"""Classes Quarto (Bootstrap) gives to what it writes itself: the built-in website has none of them."""


_QUARTO_ATTRIBUTES = {"data-execution_count", "data-tags", "data-anchor-id", "data-number"}


def _plain(main) -> None:
    """Quarto's wrapping made like nbconvert's: a ``cell-output`` division per cell holding its outputs, no
    sections, no Quarto attributes; tables from Markdown without Bootstrap's classes and pandoc's column widths
    (the website's style sheet fits them)."""
    for section in main.find_all("section"):
        if "cell-output-display" in (section.get("class") or []):  # an output that starts with a heading
            section.name, section.attrs = "div", {"class": ["cell-output-display"]}
        else:
            section.unwrap()
    for cell in main.select("div.cell"):
        cell.attrs = {"class": ["cell-output"]}
    for output in main.select("div.cell-output-display"):
        shown = output.find_all(True, recursive=False)
        if len(shown) == 1 and (
            shown[0].name in ("figure", "cpb-figure") or "output-html" in shown[0].get("class", [])
        ):
            output.unwrap()  # a chart (in its cell's grid of charts), or an HTML output in its own division
        else:
            output.attrs = {"class": ["output-markdown"]}
    for tag in main.find_all(True):
        if tag.attrs is None:  # inside something removed above
            continue
        for name in [a for a in tag.attrs if a in _QUARTO_ATTRIBUTES or a.startswith("data-quarto")]:
            del tag[name]
        quarto = _QUARTO_CLASSES.get(tag.name)
        if tag.name == "table":  # pandoc's column widths for a Markdown table: the style sheet fits tables
            if tag.get("style") == "width:100%;":
                del tag["style"]
            for colgroup in tag.find_all("colgroup", recursive=False):
                if all(str(col.get("style", "")).startswith("width:") for col in colgroup.find_all("col")):
                    colgroup.decompose()
        if quarto and tag.get("class"):
            kept = [c for c in tag["class"] if c not in quarto]
            if kept:
                tag["class"] = kept
            else:
                del tag["class"]


def quarto_bodies(quarto_out: Path, pages: list[Page], month: Month) -> list[str]:
    """The published bodies of ``pages`` (the built-in engine's pages of the month) from the website Quarto wrote
    into ``quarto_out``, with links between staged pages made to lead to the built-in pages' files."""
    names = staged_names(pages)
    staged_html = {
        (quarto_out / PACK_DIR / names[p.key]).with_suffix(".html").resolve(): f"{month.key}/{p.output}" for p in pages
    }
    bodies = []
    for page in pages:
        path = (quarto_out / PACK_DIR / names[page.key]).with_suffix(".html")
        if not path.is_file():
            raise RenderError(f"Quarto wrote no page {path.name} for {page.title!r}: see its messages above")
        body = quarto_body(path.read_text(encoding="utf-8"), page.title)
        bodies.append(_link_staged(body, path.parent, staged_html, f"{month.key}/{page.output}"))
    return bodies


def _link_staged(body: str, source_dir: Path, targets: dict[Path, str], here: str) -> str:
    def replace(match: re.Match) -> str:
        path, _, fragment = match.group(2).partition("#")
        target = targets.get((source_dir / path).resolve())
        if target is None:
            return match.group(0)
        href = posixpath.relpath(target, posixpath.dirname(here) or ".") + (f"#{fragment}" if fragment else "")
        return f"{match.group(1)}{html_text(href)}{match.group(3)}"

    return re.sub(r'(<a\b[^>]*?\bhref=")([^":?#]+\.html(?:#[^"]*)?)(")', replace, body)


# -- running Quarto ----------------------------------------------------------------------------------


PROFILE = "cpb"
"""The Quarto profile cpb renders with (``_quarto-cpb.yml``: Quarto writes the pages' content only)."""


def quarto_error(completed: subprocess.CompletedProcess) -> str:
    r"""What Quarto said went wrong: its ``ERROR`` lines (without their colours, before the stack trace it adds),
    else its last lines (:func:`~cpblib.publish._structure.failure_reason`).

    >>> said = "\x1b[1m[1/2] pack/a.ipynb\x1b[22m\n\x1b[91mERROR: NotFound: no such file\n\nStack trace:\n    at x (q.js:1:2)\n"
    >>> quarto_error(subprocess.CompletedProcess([], 1, stdout="", stderr=said))
    'ERROR: NotFound: no such file'
    """
    printed = completed.stderr or completed.stdout or ""
    errors = [line for line in printed_lines(printed) if line.startswith("ERROR")]
    return " / ".join(errors)[-600:] if errors else failure_reason(printed)


def run_quarto(project_dir: Path, out_dir: Path) -> Path:
    """``quarto render --to html --profile cpb`` of the project (its staged ``pack/``) into ``out_dir``; returns
    ``out_dir``. Quarto clears the folder it renders a whole website into, so it is never the published ``_site``.
    """
    import sys

    # The project's pre- and post-render steps run `python3`: this Python's, which has cpb.
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    env = {**os.environ, HOOKS_ENV: "off", "PATH": path}
    command = ["quarto", "render", "--to", "html", "--profile", PROFILE, "--output-dir", str(out_dir)]
    completed = subprocess.run(command, cwd=project_dir, capture_output=True, text=True, check=False, env=env)
    if completed.returncode != 0:
        raise RenderError(f"quarto render failed (exit {completed.returncode}): {quarto_error(completed)}")
    return out_dir


def publish_quarto_site(
    build_dir: Path,
    site_dir: Path,
    month: Month,
    quarto_out: Path,
    *,
    config: ProjectConfig,
    catalogue_domains: Iterable[str] | None,
    pdf,
) -> Path:
    """Publish the month's pages Quarto wrote into ``quarto_out`` at ``site_dir/<month>/``, with the home page,
    month switcher and PDF link of the built-in website (:func:`~cpblib.publish.render_site`)."""
    from ._site import render_site

    return render_site(
        build_dir, site_dir, month, config=config, catalogue_domains=catalogue_domains, pdf=pdf,
        page_bodies=lambda pages: quarto_bodies(quarto_out, pages, month),
    )  # fmt: skip


def _hook(step: str, project_dir: Path) -> None:
    """A plain ``quarto render`` of the whole project: before it, stage the month (``CPB_MONTH``, else the newest
    month executed in ``_build/``); after it, publish the pages at ``_site/<month>/`` with the PDF Quarto makes
    (:func:`~cpblib.publish._quarto_pdf.render_quarto_pdf`)."""
    from ..build import BuildFolder
    from ..inputs.load import read_catalogue
    from ..project import Project
    from ._quarto_pdf import render_quarto_pdf
    from ._site import claim_site

    project = Project.open(project_dir)
    domains = list(dict.fromkeys(read_catalogue(project)["domain"]))
    if step == "pre-render":
        wanted = os.environ.get("CPB_MONTH")
        if wanted:
            month = project.report_period(wanted)
        else:
            executed = sorted(
                (p.parent.name for p in project.path("build").glob("*/summary.ipynb")),
                key=lambda key: project.report_period(key),
            )
            if not executed:
                raise RenderError("no month has been executed yet: run 'cpb run --month M' first (or set CPB_MONTH)")
            month = project.report_period(executed[-1])
        build = BuildFolder(project, month).root
        if not (build / "summary.ipynb").is_file():
            raise RenderError(f"{month.label} has not been executed: run 'cpb run --month {month.key}' first")
        stage_quarto(build, project.root, month, config=project.config, catalogue_domains=domains)
        return
    info = json.loads((project.root / PACK_DIR / STAGED_INFO).read_text(encoding="utf-8"))
    month = project.report_period(info["month"])
    build = BuildFolder(project, month).root
    out = Path(os.environ.get("QUARTO_PROJECT_OUTPUT_DIR") or project.root / "_build" / "quarto").resolve()
    site = claim_site(project.path("site"))
    with tempfile.TemporaryDirectory(prefix=".render-pdf-", dir=site) as scratch:
        pdf = render_quarto_pdf(
            build, Path(scratch) / f"board-pack-{month.key}.pdf", month, config=project.config,
            catalogue_domains=domains, scratch=scratch,
        )  # fmt: skip
        published = publish_quarto_site(
            build, site, month, out, config=project.config, catalogue_domains=domains, pdf=pdf
        )
    print(f"{month.label} published: {published / 'index.html'}")


def main(argv: list[str] | None = None) -> int:
    """The pre- or post-render step (:mod:`cpblib.publish._quarto_steps` runs it when it is wanted; projects made
    before that module was run ``python -m cpblib.publish._quarto pre-render|post-render``)."""
    import sys

    from ..errors import CpbError
    from ..present.escape import terminal_text

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0] not in STEPS:
        print(f"usage: python -m cpblib.publish._quarto {'|'.join(STEPS)}", file=sys.stderr)
        return 1
    if not wanted():
        return 0  # cpb render stages and publishes itself; a render of single pages publishes nothing
    try:
        _hook(args[0], Path.cwd())
    except (CpbError, OSError, ValueError) as exc:
        print(f"cpb: {terminal_text(str(exc))}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
