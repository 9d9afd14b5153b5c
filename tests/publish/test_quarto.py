"""Staging a month for Quarto: the same pages, titles and order as the built-in renderer."""

from __future__ import annotations

import fnmatch
from pathlib import Path

import nbformat
import yaml

from cpblib.publish import load_structure, resolve_pages, stage_quarto
from cpblib.publish._structure import front_matter


def _stage(fx, root: Path, build: Path) -> Path:
    return stage_quarto(
        build, root, "2023-03", config=fx.pack_config(), catalogue_domains=fx.CATALOGUE, quarto_config=fx.QUARTO_YML
    )


def test_domains_are_named_in_catalogue_order(tmp_path: Path, build_month: Path, fx):
    pack = _stage(fx, tmp_path, build_month)
    assert pack == tmp_path / "pack"
    assert sorted(p.name for p in (pack / "domains").glob("*.ipynb")) == [
        "01-profile.ipynb",
        "02-placements.ipynb",
        "03-care-leavers.ipynb",
    ]
    for name in ("summary.ipynb", "appendix.ipynb", "data-quality.ipynb", "_marking.html", "_marking.typ", "_home.md"):
        assert (pack / name).is_file(), name


def test_every_page_quarto_renders_is_staged(tmp_path: Path, build_month: Path, fx):
    pack = _stage(fx, tmp_path, build_month)
    config = yaml.safe_load(fx.QUARTO_YML.read_text(encoding="utf-8"))
    staged = [p.relative_to(tmp_path).as_posix() for p in pack.rglob("*.ipynb")]
    for pattern in config["project"]["render"]:
        if pattern.endswith(".ipynb"):
            assert fnmatch.filter(staged, pattern), pattern
    for included in ("include-before-body",):
        assert (tmp_path / config["format"]["html"][included]).is_file()
    assert (tmp_path / config["format"]["typst"]["include-in-header"]).is_file()


def test_staged_pages_agree_with_the_built_in_renderer(tmp_path: Path, build_month: Path, fx):
    pack = _stage(fx, tmp_path, build_month)
    structure = load_structure(fx.QUARTO_YML)
    built_in = resolve_pages(structure, build_month, catalogue_domains=fx.CATALOGUE)
    # Quarto has no catalogue: it sees file names and front matter only.
    staged = resolve_pages(structure, pack)
    assert [(p.key, p.title, p.nav_text, p.section) for p in staged] == [
        (p.key, p.title, p.nav_text, p.section) for p in built_in
    ]
    for page in staged:
        front = front_matter(nbformat.read(str(page.source), as_version=4))
        assert front["title"] == page.title
    domain_orders = [front_matter(nbformat.read(str(p.source), as_version=4))["order"] for p in staged[1:4]]
    assert domain_orders == [1, 2, 3]


def test_title_heading_is_not_repeated_and_marking_is_escaped(tmp_path: Path, build_month: Path, fx):
    pack = _stage(fx, tmp_path, build_month)
    nb = nbformat.read(str(pack / "domains" / "02-placements.ipynb"), as_version=4)
    first_markdown = next(c for c in nb.cells if c.cell_type == "markdown")
    assert not first_markdown.source.startswith("# ")
    assert "&lt;Testshire&gt; &amp; partners" in (pack / "_marking.html").read_text(encoding="utf-8")
    assert '"OFFICIAL-SENSITIVE: <Testshire> & partners only"' in (pack / "_marking.typ").read_text(encoding="utf-8")
    home = (pack / "_home.md").read_text(encoding="utf-8")
    assert "(pack/domains/01-profile.ipynb)" in home


def test_staging_again_replaces_the_previous_month(tmp_path: Path, build_month: Path, fx):
    pack = _stage(fx, tmp_path, build_month)
    (pack / "stale.txt").write_text("from last month")
    _stage(fx, tmp_path, build_month)
    assert not (pack / "stale.txt").exists()
    assert not list(tmp_path.glob(".pack.stage-*"))


def test_outputs_meant_for_the_built_in_pdf_only_are_not_staged(tmp_path: Path, build_month: Path, fx):
    """Quarto makes the website and each page's PDF from one notebook: it gets the website's outputs."""
    source = build_month / "summary.ipynb"
    nb = nbformat.read(str(source), as_version=4)
    only = {"web": "A TABLE FOR THE WEBSITE", "pdf": "A LIST FOR THE PDF"}
    outputs = [
        nbformat.v4.new_output("display_data", {"text/markdown": text}, metadata={"cpb": {"only": medium}})
        for medium, text in only.items()
    ]
    nb.cells.append(nbformat.v4.new_code_cell("pages.show_summary_exceptions(pack)", outputs=outputs))
    nbformat.write(nb, str(source))
    staged = (_stage(fx, tmp_path, build_month) / "summary.ipynb").read_text(encoding="utf-8")
    assert only["web"] in staged and only["pdf"] not in staged
