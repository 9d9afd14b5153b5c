"""A public pack rendered end to end (website and PDF): no small count on any page, in any chart or its text
alternative, or in the PDF; the symbol explained under each table that has one and on the data-quality page."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import ROOT

MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d\d"
CHART_LABEL = re.compile(rf"{MONTHS}: [1-4](?= |$)", re.MULTILINE)  # a chart's label of its latest figure
SPARKLINE_SMALL = re.compile(r"(?<![\d.,])(?:: [1-4] to|to [1-4],|: [1-4] \(one figure\))")
"""A small count as a sparkline's text alternative gives it: ``Oct 22 to Mar 23: 3 to 1, down``."""
NOTE = "c: not shown because it is a small number (1 to 4)"


@pytest.fixture(scope="module")
def public_demo(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("public-render") / "demo"
    root.mkdir()
    for name in ("cpb.toml", "_quarto.yml", "index.qmd"):
        shutil.copy2(ROOT / name, root / name)
    for folder in ("data", "notebooks", "expectations"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns("*.duckdb", "*.duckdb.wal"))
    settings = root / "cpb.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("public = false", "public = true"), "utf-8")
    command = [sys.executable, "-m", "cpblib", "render", "--month", "2023-03", "--engine", "builtin"]
    done = subprocess.run([*command, "--project", str(root)], capture_output=True, text=True, cwd=root, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return root


def _pdf_text(root: Path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("needs poppler's pdftotext")
    pdf = root / "_site" / "2023-03" / "board-pack-2023-03.pdf"
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def _pages(root: Path) -> dict[str, BeautifulSoup]:
    month = root / "_site" / "2023-03"
    return {
        p.relative_to(month).as_posix(): BeautifulSoup(p.read_text("utf-8"), "html.parser")
        for p in month.rglob("*.html")
    }


def test_the_private_pack_shows_small_counts(rendered_demo):
    """What the public render must not show is there in the private one (the checks below can fail)."""
    assert len(CHART_LABEL.findall(_pdf_text(rendered_demo))) >= 1
    labels = [svg.get("aria-label", "") for page in _pages(rendered_demo).values() for svg in page.find_all("svg")]
    assert any(re.search(rf"(?<![\d.,])[1-4] in {MONTHS}", label) for label in labels)
    assert len([label for label in labels if SPARKLINE_SMALL.search(label)]) >= 5


def test_no_page_chart_or_text_alternative_of_the_public_pack_shows_a_small_count(public_demo):
    pages = _pages(public_demo)
    for name, page in pages.items():
        for svg in page.find_all("svg"):
            label = svg.get("aria-label", "")
            if " from " in label:  # a trend chart
                assert not re.search(rf"(?<![\d.,])[1-4] in {MONTHS}", label), (name, label)
                assert not re.search(r"(?<![\d.,])from [1-4] in", label), (name, label)
            if "sparkline" in (svg.get("class") or []):
                assert not SPARKLINE_SMALL.search(label), (name, label)
            texts = [t.get_text() for t in svg.find_all("text")]
            assert not [t for t in texts if CHART_LABEL.fullmatch(t.split(" (")[0])], (name, texts)
        for table in page.find_all("table"):
            cells = [c.get_text().split(" (")[0] for c in table.find_all(["td", "th"])]
            note = table.find_parent("div").find_next_sibling("p", class_="table-note")
            assert ("c" in cells) == (note is not None and NOTE in note.get_text()), (name, cells[:12])
    quality = pages["data-quality.html"].get_text(" ")
    assert "Small numbers" in quality and NOTE in quality


def test_the_public_pdf_shows_no_small_count_and_explains_the_symbol(public_demo):
    text = _pdf_text(public_demo)
    assert not CHART_LABEL.findall(text)
    assert " ".join(text.split()).count(NOTE) >= 5
