"""A council that reports quarterly, rendered end to end with ``cpb render`` and the built-in engine.

The made-up council (tests/data/quarterly-project) writes its periods as councils do, gives a count beside a
rate, marks a provisional figure and writes words where a figure is not ready. Its pack must read as a
quarterly pack everywhere: titles, tables, chart axes, folders, the home page, the PDF and the log.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cpblib.cli import app

QUARTERLY = Path(__file__).resolve().parents[1] / "data" / "quarterly-project"
runner = CliRunner()


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("quarterly") / "larkmoor"
    shutil.copytree(QUARTERLY, root)
    result = runner.invoke(
        app, ["render", "--month", "Q4 2019/20", "--engine", "builtin", "--project", str(root), "--workers", "2"]
    )
    assert result.exit_code == 0, result.output
    return root


def page(root: Path, name: str) -> str:
    return (root / "_site" / "2019-20-Q4" / name).read_text(encoding="utf-8")


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_pack_is_published_under_the_quarter(rendered):
    site = rendered / "_site"
    assert (site / "2019-20-Q4" / "index.html").is_file()
    assert (site / "2019-20-Q4" / "board-pack-2019-20-Q4.pdf").read_bytes()[:5] == b"%PDF-"
    assert not any(p.name.startswith("2020-") for p in site.iterdir())
    assert (rendered / "_build" / "2019-20-Q4" / "checks.json").is_file()
    line = (rendered / "_build" / "render.log").read_text(encoding="utf-8").splitlines()[-1]
    assert " month=2019-20-Q4 exit=0 PUBLISHED: Q4 2019/20 published with the builtin engine" in line


def test_titles_the_home_page_and_the_month_switcher_name_the_quarter(rendered):
    summary = page(rendered, "index.html")
    assert "<title>Summary – Q4 2019/20 – Larkmoor Borough Council" in summary
    assert "in Q4 2019/20" in text_of(summary)
    home = (rendered / "_site" / "index.html").read_text(encoding="utf-8")
    assert '<a href="2019-20-Q4/index.html">Q4 2019/20</a>' in home
    assert '<span aria-current="true">Q4 2019/20</span>' in summary


def test_the_domain_table_heads_and_fills_its_periods_as_quarters(rendered):
    html = page(rendered, "domains/children-in-care.html")
    assert "<caption>Children in care indicators, Q4 2019/20</caption>" in html
    table = text_of(re.search(r'<table class="cpb-table[^"]*"[^>]*>.*?</table>', html, re.DOTALL).group(0))
    assert "Children in care per 10,000 children Lower Q4 2018/19 to Q4 2019/20: 61.2 to 64.5, up" in table
    # the count with its rate in one cell, and a benchmark for each figure
    assert "482 (63.9 per 10,000) 486 (64.5 per 10,000)" in table
    assert "65.0 per 10,000 (2018-19); 78,150 (2018-19)" in table
    assert "58.0 per 10,000 (2018-19); 5,210 (2018-19)" in table


def test_chart_axes_are_quarters(rendered):
    html = page(rendered, "domains/children-in-care.html")
    svg = re.search(r'<figure class="chart">.*?<svg.*?</svg>', html, re.DOTALL).group(0)
    labels = re.findall(r">(Q[1-4] \d{4}/\d{2})<", svg)
    assert labels[-2:] == ["Q3 2019/20", "Q4 2019/20"]
    assert "Children in care per 10,000 children from Q4 2018/19 to Q4 2019/20" in html


def test_q4_is_compared_with_q3_and_a_year_to_date_figure_with_the_year_before(rendered):
    result = runner.invoke(app, ["score", "--month", "2019-20-Q4", "--format", "json", "--project", str(rendered)])
    assert result.exit_code == 0, result.output
    rows = {r["indicator"]: r for r in json.loads(result.stdout[result.stdout.index("[") :])}
    assert (rows["cic-rate"]["previous_period"], rows["cic-rate"]["direction"]) == ("2019-12", "worsening")
    assert (rows["entries-ytd"]["previous_period"], rows["entries-ytd"]["previous_value"]) == ("2019-03", 150.0)
    assert rows["missing-6m"]["previous_period"] == "2019-09"
    assert (rows["new-entrants"]["value"], rows["new-entrants"]["previous_value"]) == (42.0, 39.0)  # rolled up
    html = page(rendered, "domains/children-in-care.html")
    assert "Year-to-date figures are compared with the same point of the year before" in text_of(html)


def test_a_provisional_figure_and_words_in_a_cell_show_in_the_table_and_the_chart(rendered):
    html = page(rendered, "domains/care-leavers.html")
    table = text_of(re.search(r'<table class="cpb-table[^"]*"[^>]*>.*?</table>', html, re.DOTALL).group(0))
    assert "56.5% 58.0% (p)" in table
    assert "(no figure for Q4 2019/20) 88.0% awaiting data" in table
    words = text_of(html)
    assert "Key: (p) provisional: the figure may change" in words
    assert "Care leavers in education or work, Q4 2019/20: The Q4 figure is provisional" in words
    # A Green and improving figure gets no full chart (its sparkline is in the table); the chart of one that
    # does says the same as this (tests/present/charts/test_trend.py).


def test_the_pdf_cover_and_headers_name_the_quarter(rendered):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    pdf = rendered / "_site" / "2019-20-Q4" / "board-pack-2019-20-Q4.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Corporate Parenting Board pack\nQ4 2019/20" in text
    assert "Larkmoor Borough Council · Q4 2019/20" in text
    assert "March 2020" not in text
