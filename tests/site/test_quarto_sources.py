"""The pack's Quarto files with real Quarto, in a fresh copy of the project: an analyst renders a notebook."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import MONTH, REPO, require_tools

FRESH = ("cpb.toml", "_quarto.yml", "index.qmd", "data", "notebooks", "expectations")
"""What a checkout of the demo project holds (git ignores the store, _build, _site and Quarto's folders)."""


def _fresh_checkout(root: Path) -> Path:
    root.mkdir(parents=True)
    ignored = shutil.ignore_patterns("*.duckdb", "*.duckdb.wal", ".quarto", "_output", ".ipynb_checkpoints")
    for name in FRESH:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=ignored)
        else:
            shutil.copy2(source, root / name)
    return root


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.relative_to(folder).parts[0] in (".quarto", "_output")
    }


def test_an_analyst_renders_a_notebook_with_parameters_and_the_notebooks_stay_as_committed(tmp_path: Path):
    quarto = require_tools("quarto")["quarto"]
    root = _fresh_checkout(tmp_path / "checkout")
    committed = _files(root / "notebooks")
    assert committed and ".gitignore" in committed and "_quarto.yml" in committed
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])}
    command = [quarto, "render", "notebooks/domain.ipynb", "-P", "domain:Placement", "--execute"]
    completed = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert _files(root / "notebooks") == committed  # no outputs, no injected parameters, nothing new
    page = (root / "notebooks" / "_output" / "domain.html").read_text(encoding="utf-8")
    assert "Placement indicators, March 2023" in page
    ignored = (root / "notebooks" / ".gitignore").read_text(encoding="utf-8").split()
    assert "/_output/" in ignored and "/.quarto/" in ignored  # what Quarto wrote is not for git


def _published(site: Path) -> dict[str, dict]:
    """Each file of the month's folder, and for a page: its title, heading, pack navigation and months."""
    from bs4 import BeautifulSoup

    found = {}
    for path in sorted((site / MONTH).rglob("*")):
        if not path.is_file():
            continue
        key = path.relative_to(site).as_posix()
        if path.suffix != ".html":
            found[key] = {}
            continue
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        found[key] = {
            "title": soup.title.get_text(),
            "h1": [h.get_text(" ", strip=True) for h in soup.find_all("h1")],
            "nav": [(a.get_text(strip=True), a["href"]) for a in soup.select("nav.pack-nav a")],
            "months": [li.get_text(strip=True) for li in soup.select("nav.month-switcher li")],
            "pager": [a.get_text(strip=True) for a in soup.select("nav.pager a")],
        }
    return found


def test_both_engines_publish_the_same_pages_titles_and_order(rendered_demo: Path, rendered_quarto_demo: Path):
    built_in, quarto = _published(rendered_demo / "_site"), _published(rendered_quarto_demo / "_site")
    assert list(quarto) == list(built_in)
    assert quarto == built_in
    assert f"{MONTH}/board-pack-{MONTH}.pdf" in quarto
    for root in (rendered_demo, rendered_quarto_demo):
        home = (root / "_site" / "index.html").read_text(encoding="utf-8")
        assert f'href="{MONTH}/index.html"' in home
