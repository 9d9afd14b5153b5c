"""Executed notebooks of a fake month, as papermill would leave them in ``_build/<YYYY-MM>/``.

Pages: ``summary.ipynb`` (title in front matter only), ``domains/<slug>.ipynb``
per domain (title as a level-1 heading, domain named in notebook metadata),
``appendix.ipynb`` (no title at all: the sidebar text supplies it) and
``data-quality.ipynb``. Outputs mix HTML tables, Markdown, charts (SVG drawn
by vl-convert, with the Vega-Lite spec and alt text beside it), printed text
and a plain-text result, which pages must not show; every code cell's source
holds :data:`INPUT_MARKER`, which must never be published.
"""

from __future__ import annotations

import functools
from pathlib import Path

import nbformat
import pytest

from cpblib.config import ProjectConfig

REPO = Path(__file__).resolve().parents[2]
QUARTO_YML = REPO / "_quarto.yml"

INPUT_MARKER = "SECRET_INPUT_CODE"
STDOUT_MARKER = "PRINTED_NOISE_LINE"
PLAIN_MARKER = "PLAIN_TEXT_RESULT"
MARKING = "OFFICIAL-SENSITIVE: <Testshire> & partners only"
COUNCIL = "Testshire Council"
COMMENTARY = 'Spend rose by $1,200 (#3 of 10) per @team; see [note] & 5 < 10 "soon" * done.'

DOMAINS = [
    ("profile", "Children in care: profile"),
    ("placements", "Placements & stability"),
    ("care-leavers", "Care leavers"),
]
"""(file slug, display name) in catalogue order; file-name order differs on purpose."""


def pack_config(marking: str = MARKING) -> ProjectConfig:
    return ProjectConfig.model_validate(
        {"authority": {"name": COUNCIL, "la_code": "999"}, "publication": {"protective_marking": marking}}
    )


@pytest.fixture
def config() -> ProjectConfig:
    return pack_config()


@functools.cache
def chart_svg(title: str) -> str:
    import vl_convert

    return vl_convert.vegalite_to_svg(chart_spec(title))


def chart_spec(title: str) -> dict:
    values = [{"month": f"2022-{m:02d}", "value": 50 + m} for m in range(4, 13)]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title,
        "width": 420,
        "height": 180,
        "data": {"values": values},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": "month", "type": "ordinal", "title": "Month"},
            "y": {"field": "value", "type": "quantitative", "title": "Rate per 10,000"},
        },
    }


def chart_title(page: str) -> str:
    return f"Trend chart {page}"


def chart_alt_text(page: str) -> str:
    return f'Line chart for {page}: the rate rose from 54 to 62 between April and December "2022".'


def _chart_output(page: str):
    title = chart_title(page)
    return nbformat.v4.new_output(
        "display_data",
        data={
            "image/svg+xml": chart_svg(title),
            "application/vnd.vegalite.v5+json": chart_spec(title),
            "text/plain": chart_alt_text(page),
        },
        metadata={"cpb": {"alt": chart_alt_text(page)}},
    )


def _table_html(page: str) -> str:
    return (
        '<table border="1" class="dataframe">\n<thead>\n'
        '<tr style="text-align: right;"><th></th><th>Value</th><th>Target</th><th>England</th></tr>\n'
        "</thead>\n<tbody>\n"
        f"<tr><th>Rate {page}</th><td>67.1</td><td>65.0</td><td>71.0</td></tr>\n"
        f"<tr><th>Count {page}</th><td>456</td><td>450</td><td>c</td></tr>\n"
        "</tbody>\n</table>"
    )


def _table_output(page: str):
    return nbformat.v4.new_output(
        "display_data",
        data={"text/html": _table_html(page), "text/plain": f"<pandas table {page}>"},
    )


def _markdown_output(text: str):
    return nbformat.v4.new_output("display_data", data={"text/markdown": text, "text/plain": "Markdown()"})


def _code(outputs, n: int):
    cell = nbformat.v4.new_code_cell(source=f"# {INPUT_MARKER}\nshow_thing({n})", execution_count=n)
    cell.outputs = outputs
    return cell


def _noise(n: int):
    return _code(
        [
            nbformat.v4.new_output("stream", name="stdout", text=f"{STDOUT_MARKER}\n"),
            nbformat.v4.new_output("execute_result", data={"text/plain": f"'{PLAIN_MARKER}'"}, execution_count=n),
        ],
        n,
    )


def _notebook(cells, **metadata):
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata.update(
        {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
            **metadata,
        }
    )
    return nb


def summary_notebook():
    return _notebook(
        [
            nbformat.v4.new_raw_cell("---\ntitle: Summary\n---"),
            nbformat.v4.new_markdown_cell(
                "This month in brief.\n\n## Headlines\n\n| Measure | This month | Last month |\n"
                "|---|---:|---:|\n| Children in care | 456 | 449 |\n| Care leavers in touch | 91% | 90% |\n"
            ),
            _code([_chart_output("summary")], 1),
            _code([_table_output("summary")], 2),
            _code([_markdown_output("#### Exceptions\n\n- One indicator is **red**.\n")], 3),
            _noise(4),
        ]
    )


def domain_notebook(slug: str, name: str):
    return _notebook(
        [
            nbformat.v4.new_markdown_cell(f"# {name}\n\nIndicators in the {name.lower()} domain."),
            _code([_table_output(slug)], 1),
            _code([_chart_output(slug)], 2),
            _code([_markdown_output(f"### Commentary\n\n{COMMENTARY}\n")], 3),
            _noise(4),
        ],
        cpb={"domain": name},
    )


def appendix_notebook():
    return _notebook(
        [
            nbformat.v4.new_markdown_cell(
                "## Definitions\n\n| Term | Meaning |\n|---|---|\n| CiC | Children in care |\n\n"
                "Source: [DfE statistics](https://explore-education-statistics.service.gov.uk/x)."
            ),
            _noise(1),
        ]
    )


def data_quality_notebook():
    return _notebook(
        [
            nbformat.v4.new_markdown_cell("# Data quality\n\nChecks run on this month's extract."),
            _code([_markdown_output("- 2 warnings\n- 0 errors\n")], 1),
            _code([_table_output("data-quality")], 2),
        ]
    )


def write_build(root: Path, month: str, domains=DOMAINS) -> Path:
    """Write a month's executed notebooks under ``root/_build/<month>``; return that folder."""
    build = root / "_build" / month
    (build / "domains").mkdir(parents=True, exist_ok=True)
    nbformat.write(summary_notebook(), str(build / "summary.ipynb"))
    for slug, name in domains:
        nbformat.write(domain_notebook(slug, name), str(build / "domains" / f"{slug}.ipynb"))
    nbformat.write(appendix_notebook(), str(build / "appendix.ipynb"))
    nbformat.write(data_quality_notebook(), str(build / "data-quality.ipynb"))
    return build


CHART_PAGES = ["summary", *[slug for slug, _ in DOMAINS]]
"""Pages whose fixture notebook holds a chart (one each)."""

CATALOGUE = [name for _, name in DOMAINS]


@pytest.fixture
def build_month(tmp_path: Path) -> Path:
    """One month (2023-03) of executed notebooks in ``tmp_path/_build/2023-03``."""
    return write_build(tmp_path, "2023-03")


@pytest.fixture(scope="session")
def fx():
    """This module: the fixture builders and the markers tests look for."""
    import sys

    return sys.modules[__name__]
