"""The website folder is cpb's own: an existing folder of other files is never deleted or overwritten."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from cpblib.config import ProjectConfig
from cpblib.errors import ConfigError
from cpblib.publish._site import SITE_MARKER, claim_site, render_site

CONFIG = ProjectConfig.model_validate({"authority": {"name": "Testshire Council", "la_code": "999"}})


@pytest.fixture
def build(tmp_path: Path) -> Path:
    folder = tmp_path / "_build" / "2023-03"
    folder.mkdir(parents=True)
    for name in ("summary", "appendix", "data-quality"):
        cells = [nbformat.v4.new_markdown_cell(f"# {name.title()}\n\nText.")]
        nbformat.write(nbformat.v4.new_notebook(cells=cells), str(folder / f"{name}.ipynb"))
    return folder


def _snapshot(folder: Path) -> dict:
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_an_existing_website_is_refused_and_left_as_it_was(build, tmp_path):
    intranet = tmp_path / "intranet"
    (intranet / "assets").mkdir(parents=True)
    (intranet / "assets" / "logo.png").write_bytes(b"\x89PNG")
    (intranet / "index.html").write_text("<p>Our intranet</p>", encoding="utf-8")
    before = _snapshot(intranet)
    with pytest.raises(ConfigError, match=r"holds files cpb did not write \(assets, index.html\)"):
        render_site(build, intranet, "2023-03", config=CONFIG)
    assert _snapshot(intranet) == before
    assert not [p for p in intranet.iterdir() if p.name.startswith(".")]


def test_a_new_or_empty_folder_becomes_cpbs_and_is_rendered_again(build, tmp_path):
    for site in (tmp_path / "new" / "site", tmp_path / "empty"):
        site.mkdir(parents=True, exist_ok=True)
        render_site(build, site, "2023-03", config=CONFIG)
        assert (site / SITE_MARKER).is_file() and (site / "2023-03" / "index.html").is_file()
        render_site(build, site, "2023-03", config=CONFIG)  # its own folder: rendered again
        assert sorted(p.name for p in site.iterdir()) == [SITE_MARKER, "2023-03", "assets", "index.html"]


def test_a_file_where_the_folder_should_be_is_refused(tmp_path):
    (tmp_path / "site").write_text("x", encoding="utf-8")
    with pytest.raises(ConfigError, match="is a file"):
        claim_site(tmp_path / "site")


def test_nothing_is_written_beside_the_site_folder(build, tmp_path):
    site = tmp_path / "www" / "pack"
    render_site(build, site, "2023-03", config=CONFIG)
    assert sorted(p.name for p in site.parent.iterdir()) == ["pack"]


def test_a_website_an_earlier_cpb_wrote_is_taken_on_and_marked(tmp_path):
    from cpblib.publish._site import SITE_MARKER, claim_site

    site = tmp_path / "_site"
    (site / "assets").mkdir(parents=True)
    (site / "assets" / "cpb.css").write_text("body {}", encoding="utf-8")
    (site / "2023-03").mkdir()
    (site / "2023-03" / "index.html").write_text("<h1>March</h1>", encoding="utf-8")
    (site / "index.html").write_text('<link rel="stylesheet" href="assets/cpb.css">', encoding="utf-8")
    assert claim_site(site) == site and (site / SITE_MARKER).is_file()
    assert (site / "2023-03" / "index.html").read_text(encoding="utf-8") == "<h1>March</h1>"
