"""Staging a month for Quarto: the same pages, titles and order as the built-in renderer."""

from __future__ import annotations

import fnmatch
import json
import re
from pathlib import Path

import nbformat
import pytest
import yaml

from cpblib.month import Month
from cpblib.publish import RenderError, load_structure, resolve_pages, stage_quarto
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
    for name in ("summary.ipynb", "appendix.ipynb", "data-quality.ipynb", "_marking.html", "_cpb.json"):
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
    staged = json.loads((pack / "_cpb.json").read_text(encoding="utf-8"))
    assert staged["month"] == "2023-03" and staged["pages"]["domains/profile"] == "domains/01-profile.ipynb"


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


def test_staged_outputs_are_markdown_so_quarto_loads_nothing_from_a_cdn(tmp_path: Path, build_month: Path, fx):
    """Quarto adds require.js and jQuery from a CDN to a page with an HTML or JavaScript output: none is staged,
    and every chart is an inline SVG named by its text alternative."""
    source = build_month / "domains" / "placements.ipynb"
    nb = nbformat.read(str(source), as_version=4)
    chart = nbformat.v4.new_output(
        "display_data",
        {"image/svg+xml": '<svg width="10"><g id="a"/></svg>', "application/vnd.vegalite.v5+json": {}},
        metadata={"cpb": {"alt": "Moves <over> 12 months"}},
    )
    table = nbformat.v4.new_output("display_data", {"text/html": "<table><tr><td>1</td></tr></table>"})
    nb.cells.append(nbformat.v4.new_code_cell("pages.show_domain_charts(pack, domain)", outputs=[chart, table]))
    nbformat.write(nb, str(source))
    staged = nbformat.read(str(_stage(fx, tmp_path, build_month) / "domains" / "02-placements.ipynb"), as_version=4)
    outputs = [o for c in staged.cells if c.cell_type == "code" for o in c.outputs]
    assert outputs
    for output in outputs:
        assert set(output.get("data", {})) <= {"text/markdown", "text/plain"}, output
    shown = "".join(o.get("data", {}).get("text/markdown", "") for o in outputs)
    assert '<svg role="img" aria-label="Moves &lt;over&gt; 12 months"' in shown
    assert '<div class="output-html">\n<table><tr><td>1</td></tr></table>\n</div>' in shown


QUARTO_PAGE = """<!DOCTYPE html><html><head><script src="https://cdn.example/require.js"></script></head><body>
<div class="cpb-marking" role="note">OFFICIAL</div>
<main class="content" id="quarto-document-content">
<header id="title-block-header"><h1 class="title">Placements</h1></header>
<div class="cpb-marking" role="note">OFFICIAL</div>
<div class="cell" data-execution_count="4" data-quarto-private-1='{"key":"papermill"}' id="cell-3">
<section class="level2 cell-output cell-output-display cell-output-markdown" id="trends">
<h2 class="anchored" data-anchor-id="trends">Trends</h2></section>
<div class="cell-output cell-output-display cell-output-markdown"><table class="caption-top table table-sm">
<colgroup><col style="width: 50%"></colgroup><tr class="odd"><td data-label="Moves">1</td></tr></table></div>
<div class="cell-output cell-output-display cell-output-markdown"><figure class="chart figure">
<svg role="img" aria-label="Moves"><g/></svg></figure></div>
<p><a href="../summary.html#headlines">Summary</a></p>
</div>
<nav class="page-navigation"><a href="https://example.org">Next</a></nav>
</main></body></html>"""


def test_a_quarto_page_is_published_as_the_built_in_website_shows_it(tmp_path: Path):
    from cpblib.publish._quarto import quarto_body

    body = quarto_body(QUARTO_PAGE, "Placements")
    assert body.count("<h1") == 1 and '<h1 id="placements">Placements</h1>' in body
    for gone in ("cpb-marking", "script", "data-quarto", "data-execution_count", "anchored", "colgroup", "odd",
                 "caption-top", "page-navigation", "example.org", "<section"):  # fmt: skip
        assert gone not in body, gone
    assert 'data-label="Moves"' in body  # the website's own attributes stay (tables become cards on a phone)
    flat = re.sub(r">\s+<", "><", body)
    assert '<div class="cell-output"><div class="output-markdown"><h2 id="trends">Trends</h2></div>' in flat
    assert '</table></div></div><figure class="chart"><svg role="img" aria-label="Moves">' in flat


def test_links_between_quarto_pages_lead_to_the_published_pages(tmp_path: Path, build_month: Path, fx):
    from cpblib.publish._quarto import quarto_bodies

    structure = load_structure(fx.QUARTO_YML)
    pages = resolve_pages(structure, build_month, catalogue_domains=fx.CATALOGUE)
    out = tmp_path / "quarto"
    for name in ("summary", "domains/01-profile", "domains/02-placements", "domains/03-care-leavers", "appendix",
                 "data-quality"):  # fmt: skip
        (out / "pack" / f"{name}.html").parent.mkdir(parents=True, exist_ok=True)
        (out / "pack" / f"{name}.html").write_text(QUARTO_PAGE, encoding="utf-8")
    bodies = quarto_bodies(out, pages, Month.parse("2023-03"))
    placements = bodies[[p.key for p in pages].index("domains/placements")]
    assert 'href="../index.html#headlines"' in placements
    (out / "pack" / "appendix.html").unlink()
    with pytest.raises(RenderError, match="appendix.html"):
        quarto_bodies(out, pages, Month.parse("2023-03"))
