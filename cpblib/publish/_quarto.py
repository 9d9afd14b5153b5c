"""Staging a month for Quarto: the pages ``_quarto.yml`` names, under ``pack/``.

``quarto render`` reads the month from ``<project>/pack/`` (Quarto does not
render files under ``_build/``: folders starting with ``_`` are skipped).
:func:`stage_quarto` copies the month's build there so that Quarto shows the
same pages, titles and order as the built-in renderer:

* domain notebooks are named ``domains/01-<slug>.ipynb``, ``02-...`` in the
  order :func:`~cpblib.publish.resolve_pages` decides (Quarto orders a sidebar
  glob by file name);
* every page gets front matter with its ``title`` (and ``order`` for domain
  pages), and a leading level-1 heading equal to the title is dropped, as
  Quarto prints the title itself; outputs meant for the built-in PDF only
  (``metadata.cpb.only``) are left out, since Quarto makes the website and
  each page's PDF from one notebook;
* ``_marking.html`` / ``_marking.typ`` (protective marking for the HTML pages
  and the Typst PDFs) and ``_home.md`` (included by ``index.qmd``) are written.

The folder is replaced in one rename, like the built-in site's month folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

import nbformat
import yaml

from ..config import ProjectConfig
from ..month import Month
from ..present.escape import html_text, markdown_escape, typst_string
from ._notebook import shown_in
from ._structure import (
    _FRONT_MATTER,
    _H1,
    PACK_DIR,
    QUARTO_FILE,
    Page,
    default_quarto_file,
    load_structure,
    resolve_pages,
)


def _staged_name(page: Page, domain_rank: int | None) -> str:
    relative = page.source.as_posix().rsplit("/", 1)[-1]
    folder = page.key.rsplit("/", 1)[0] if "/" in page.key else ""
    if domain_rank is None:
        name = relative
    else:
        name = f"{domain_rank:02d}-{page.key.rsplit('/', 1)[-1]}.ipynb"
    return f"{folder}/{name}" if folder else name


def _with_front_matter(nb, title: str, order: int | None):
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
    for cell in nb.cells:  # Quarto makes the website and each page's PDF from one notebook: the website's outputs
        if cell.cell_type == "code":
            cell.outputs = [output for output in cell.get("outputs", []) if shown_in(output, "web")]
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


def _home_markdown(pages: list[Page], names: dict[str, str], month: Month, config: ProjectConfig) -> str:
    lines = [
        f"**{markdown_escape(config.publication.protective_marking)}**",
        "",
        f"{markdown_escape(config.authority.name)}: board pack for {markdown_escape(month.label)}.",
        "",
    ]
    for page in pages:
        lines.append(f"- [{markdown_escape(page.nav_text)}]({PACK_DIR}/{names[page.key]})")
    return "\n".join(lines) + "\n"


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
    ['_home.md', '_marking.html', '_marking.typ', 'appendix.ipynb', 'data-quality.ipynb', 'summary.ipynb']
    >>> import shutil; shutil.rmtree(build.parents[1])
    """
    month = config.calendar.period_from_key(month) if isinstance(month, str) else Month.parse(month)
    build_dir = Path(build_dir)
    project_dir = Path(project_dir)
    quarto_file = Path(quarto_config) if quarto_config else project_dir / QUARTO_FILE
    structure = load_structure(quarto_file if quarto_file.is_file() else default_quarto_file())
    pages = resolve_pages(structure, build_dir, catalogue_domains=catalogue_domains)

    project_dir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".pack.stage-", dir=project_dir))
    try:
        staged = scratch / PACK_DIR
        shutil.copytree(build_dir, staged, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        names: dict[str, str] = {}
        rank = 0
        for page in pages:
            domain_rank = None
            if page.from_glob:
                rank += 1
                domain_rank = rank
            name = _staged_name(page, domain_rank)
            names[page.key] = name
            original = staged / page.source.relative_to(build_dir)
            original.unlink(missing_ok=True)
            nb = _with_front_matter(page.notebook, page.title, domain_rank)
            (staged / name).parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, str(staged / name))
        marking = config.publication.protective_marking
        (staged / "_marking.html").write_text(
            '<div class="cpb-marking" role="note" style="text-align:center;font-weight:700;'
            'padding:0.3rem;background:#1b1b1b;color:#fff">'
            f'<span class="visually-hidden">Protective marking: </span>{html_text(marking)}</div>\n',
            encoding="utf-8",
        )
        (staged / "_marking.typ").write_text(
            f"#let cpb-marking = {typst_string(marking)}\n"
            "#set page(\n"
            '  header: align(center, text(size: 8pt, weight: "bold", cpb-marking)),\n'
            '  footer: context grid(columns: (1fr, auto), text(size: 8pt, weight: "bold", cpb-marking),\n'
            "    text(size: 8pt, counter(page).display())),\n"
            ")\n",
            encoding="utf-8",
        )
        (staged / "_home.md").write_text(_home_markdown(pages, names, month, config), encoding="utf-8")

        target = project_dir / PACK_DIR
        old = scratch / "old-pack"
        if target.exists():
            os.replace(target, old)
        os.replace(staged, target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return project_dir / PACK_DIR
