"""The site structure: _quarto.yml names the pages, a built month has them."""

from __future__ import annotations

import fnmatch
from pathlib import Path

import pytest
import yaml

from cpblib.errors import ConfigError
from cpblib.publish import PACK_DIR, RenderError, default_quarto_file, load_structure, resolve_pages
from cpblib.publish._structure import parse_sidebar

REPO = Path(__file__).resolve().parents[2]


def _quarto() -> dict:
    return yaml.safe_load((REPO / "_quarto.yml").read_text(encoding="utf-8"))


def test_quarto_project_is_a_website_that_never_renders_into_the_archive():
    """Quarto clears its output-dir on a full render: that is a scratch folder, never the published _site."""
    config = _quarto()
    assert config["project"]["type"] == "website"
    assert config["project"]["output-dir"].startswith("_build/")
    assert "python3 -m cpblib.publish._quarto_steps pre-render" in config["project"]["pre-render"]
    assert "python3 -m cpblib.publish._quarto_steps post-render" in config["project"]["post-render"]
    assert config["execute"]["enabled"] is False
    assert config["lang"] == "en-GB"
    assert config["format"]["html"]["html-math-method"] == "plain"
    for name in ("_quarto.yml", "_quarto-cpb.yml", "index.qmd"):
        assert (REPO / name).read_bytes() == (REPO / "cpblib/_data/site/quarto" / name).read_bytes(), name
    profile = yaml.safe_load((REPO / "_quarto-cpb.yml").read_text(encoding="utf-8"))
    assert profile["format"]["html"]["minimal"] is True  # cpb publishes the content in its own pages


def test_every_page_quarto_names_exists_in_a_built_month(build_month: Path):
    config = _quarto()
    sidebar = config["website"]["sidebar"]["contents"]
    named = []
    for item in sidebar:
        if "href" in item:
            named.append(item["href"])
        else:
            named.append(item["contents"])
    assert named  # the sidebar lists pages
    for href in named:
        assert href.startswith(f"{PACK_DIR}/")
        pattern = href[len(PACK_DIR) + 1 :]
        notebooks = [p.relative_to(build_month).as_posix() for p in build_month.rglob("*.ipynb")]
        matches = fnmatch.filter(notebooks, pattern)
        assert matches, f"{href} names no notebook of the built month"
    # Quarto renders only what project.render lists: every sidebar page is there.
    render = config["project"]["render"]
    for href in named:
        assert href in render


def test_shipped_quarto_files_are_the_projects(build_month: Path):
    shipped = default_quarto_file()
    assert shipped.read_text(encoding="utf-8") == (REPO / "_quarto.yml").read_text(encoding="utf-8")
    assert (shipped.parent / "index.qmd").read_text(encoding="utf-8") == (REPO / "index.qmd").read_text(
        encoding="utf-8"
    )


def test_pages_follow_sidebar_order_with_domains_in_catalogue_order(build_month: Path, fx):
    pages = resolve_pages(load_structure(fx.QUARTO_YML), build_month, catalogue_domains=fx.CATALOGUE)
    assert [p.key for p in pages] == [
        "summary",
        "domains/profile",
        "domains/placements",
        "domains/care-leavers",
        "appendix",
        "data-quality",
    ]
    assert [p.title for p in pages] == [
        "Summary",
        "Children in care: profile",
        "Placements & stability",
        "Care leavers",
        "Appendix",  # no title in the notebook: the sidebar text
        "Data quality",
    ]
    assert pages[0].output == "index.html"
    assert pages[1].output == "domains/profile.html"
    assert {p.section for p in pages[1:4]} == {"Domains"}


def test_without_catalogue_domains_follow_file_names_as_quarto_does(build_month: Path, fx):
    pages = resolve_pages(load_structure(fx.QUARTO_YML), build_month)
    assert [p.key for p in pages[1:4]] == ["domains/care-leavers", "domains/placements", "domains/profile"]


def test_a_missing_page_is_named(build_month: Path, fx):
    (build_month / "appendix.ipynb").unlink()
    with pytest.raises(RenderError, match="appendix.ipynb"):
        resolve_pages(load_structure(fx.QUARTO_YML), build_month)


def test_a_damaged_notebook_is_named(build_month: Path, fx):
    (build_month / "summary.ipynb").write_text("{not json", encoding="utf-8")
    with pytest.raises(RenderError, match="summary.ipynb"):
        resolve_pages(load_structure(fx.QUARTO_YML), build_month)


def test_sidebar_without_pack_pages_is_a_config_error():
    with pytest.raises(ConfigError, match="names no page"):
        parse_sidebar({"website": {"sidebar": {"contents": ["index.qmd"]}}})
    with pytest.raises(ConfigError, match="sidebar is missing"):
        parse_sidebar({"website": {}})
