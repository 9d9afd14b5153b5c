"""Reporting: console table, checks.json, data-quality.md, and escaping of input text."""

from __future__ import annotations

import json

import pandas as pd
from rich.console import Console

from cpblib.checks.report import data_quality, print_report, render_markdown
from cpblib.checks.result import CheckOutcome, CheckResult, ChecksFailed
from cpblib.present.escape import console_text, markdown_text, safe_cell

EVIL = '=HYPERLINK("http://evil.example","see minutes")'


def result() -> CheckResult:
    return CheckResult(
        month="2023-03",
        errors=[
            CheckOutcome(
                "a percentage is between 0 and 100",
                "error",
                file="2023-03.csv",
                column="value",
                indicator="cl-eet",
                period="2023-03",
                rows=[14],
                count=1,
                examples=[{"row": 14, "period": "2023-03", "value": 104.0}],
                suite="values",
            ),
            CheckOutcome(
                "no cell holds a spreadsheet formula",
                "error",
                file="overrides.csv",
                column="reason",
                indicator="cl-eet",
                period="2023-03",
                rows=[2],
                count=1,
                examples=[{"row": 2, "reason": EVIL}],
                suite="overrides",
            ),
        ],
        warnings=[
            CheckOutcome(
                "a value was revised since the last published month",
                "warning",
                file="2023-03.csv",
                column="value",
                indicator="cic-number",
                period="2023-01",
                rows=[4],
                count=1,
                examples=[{"row": 4, "revision": "449 -> 450"}],
                suite="values",
            ),
            CheckOutcome(
                "the latest value is far from its recent history",
                "warning",
                file="2023-03.csv",
                column="value",
                indicator="cic-number",
                period="2023-03",
                rows=[6],
                count=1,
                examples=[{"row": 6, "value": 874.0, "z_score": 9.1}],
                suite="values",
            ),
        ],
        passed=[
            CheckOutcome("each indicator is listed once", "error", file="indicators.csv", count=95, suite="catalogue")
        ],
        checked={"catalogue": 95, "values": 952, "overrides": 1},
        files={
            "catalogue": "indicators.csv",
            "values": "cpb.duckdb (as published for 2023-03)",
            "overrides": "overrides.csv",
        },
        extraction={
            "loads": [
                {
                    "load_id": 3,
                    "month": "2023-03",
                    "file": "2023-03.csv",
                    "loaded_at": "2023-04-03T09:00:00",
                    "extracted_on": "2023-04-01",
                    "rows": 310,
                }
            ],
            "previous_month": "2023-02",
        },
        revisions=[
            {
                "indicator": "cic-number",
                "period": "2023-01",
                "previous_value": 449.0,
                "value": 450.0,
                "change": "449 -> 450",
                "file": "2023-03.csv",
                "row": 4,
            }
        ],
    )


def test_safe_cell_neutralises_formulas_but_not_numbers():
    assert safe_cell(EVIL).startswith("'=")
    assert safe_cell("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("-5") == "-5" and safe_cell("+2.5") == "+2.5" and safe_cell("12%") == "12%"
    assert safe_cell("Children in care") == "Children in care"


def test_markdown_and_console_text_are_escaped():
    assert markdown_text("<script>x</script> | *bold*") == "&lt;script&gt;x&lt;/script&gt; \\| \\*bold\\*"
    assert markdown_text(EVIL).startswith("'=HYPERLINK")
    assert console_text("[bold]x[/bold]") == "\\[bold]x\\[/bold]"


def test_json_is_machine_readable_and_safe():
    data = json.loads(result().to_json())
    assert data["ok"] is False and data["counts"] == {"errors": 2, "warnings": 2, "passed": 1}
    assert data["errors"][1]["examples"][0]["reason"] == "'" + EVIL
    assert data["errors"][0]["rows"] == [14]
    assert CheckResult.from_dict(data).errors[0].where() == (
        "2023-03.csv, row 14, column 'value', indicator 'cl-eet', period 2023-03"
    )


def test_console_report_names_rule_place_rows_and_examples():
    console = Console(record=True, width=250)
    print_report(result(), console)
    text = console.export_text()
    assert "a percentage is between 0 and 100" in text
    assert "2023-03.csv" in text and "indicator cl-eet" in text and "period 2023-03" in text and "column value" in text
    assert "1 (row 14)" in text and "row 14 (2023-03): value=104" in text
    assert "FAILED 2 error(s), 2 warning(s), 1 rule(s) passed" in text
    assert "'=HYPERLINK" in text


def test_data_quality_content_and_markdown():
    content = data_quality(result())
    assert content["summary"]["errors"] == 2 and content["summary"]["previous_month"] == "2023-02"
    assert content["revisions"].loc[0, "change"] == "449 -> 450"
    assert content["loads"].loc[0, "extracted_on"] == "2023-04-01"
    assert set(content["inputs"]["input"]) == {"catalogue", "values", "overrides"}
    text = render_markdown(content)
    assert "## Data quality: March 2023" in text
    assert "### Revisions since February 2023" in text and "449 -&gt; 450" in text
    assert "2023-04-01" in text  # when the data was extracted
    assert "the latest value is far from its recent history" in text
    assert "=HYPERLINK(" in text and "'=HYPERLINK" in text and '=HYPERLINK("' not in text


def test_data_quality_lists_official_figures_taken_as_gaps():
    gaps = pd.DataFrame(
        {
            "indicator": ["immunisations"],
            "year": ["2023-24"],
            "area_name": ["<b>North</b>"],
            "source": ["health_outcomes-2025"],
        }
    )
    text = render_markdown(data_quality(result(), official_gaps=gaps))
    assert "### Official figures taken as gaps" in text
    assert "| immunisations | 2023-24 | &lt;b&gt;North&lt;/b&gt; | health\\_outcomes-2025 |" in text
    assert "Official figures" not in render_markdown(data_quality(result()))


def test_data_quality_can_take_the_store_loads():
    loads = pd.DataFrame(
        {
            "load_id": [1, 2],
            "month": ["2023-03", "2023-04"],
            "source_file": ["a.csv", "b.csv"],
            "loaded_at": ["x", "y"],
            "extracted_on": [None, None],
            "row_count": [3, 4],
        }
    )
    content = data_quality(result(), loads=loads)
    assert content["loads"]["file"].tolist() == ["a.csv"]


def test_checks_failed_names_the_first_error():
    message = str(ChecksFailed(result()))
    assert "2 error(s)" in message and "2023-03.csv, row 14" in message and "cpb check --month 2023-03" in message
