"""``cpb score --format csv|json``: the scored month for machines, every declared comparator in a stable order."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from cpblib.cli import app
from cpblib.cli._score import to_csv
from cpblib.scoring import SCORED_COLUMNS, scored_columns

runner = CliRunner()
DECLARED = ("england", "region", "sn", "good_sn", "last_year", "outstanding")


@pytest.fixture(scope="module")
def score_outputs(tmp_path_factory, council_project_maker) -> dict[str, str]:
    root = council_project_maker(tmp_path_factory.mktemp("score") / "council")
    results = {}
    for kind in ("csv", "json"):
        result = runner.invoke(app, ["score", "--month", "2023-03", "--format", kind, "--project", str(root)])
        assert result.exit_code == 0, result.output
        results[kind] = result.stdout
    return results


def test_csv_has_every_declared_comparator_in_a_stable_order(score_outputs):
    frame = pd.read_csv(io.StringIO(score_outputs["csv"]), dtype=str, keep_default_na=False)
    assert frame.columns.tolist() == list(scored_columns(DECLARED))
    rate = frame.set_index("indicator").loc["cic-rate"]
    assert (rate["last_year_value"], rate["last_year_year"], rate["last_year_comparison"]) == (
        "66.2",
        "2021-22",
        "better",
    )
    assert (rate["outstanding_value"], rate["outstanding_year"], rate["outstanding_comparison"]) == (
        "58.1", "2016-19", "worse",
    )  # fmt: skip
    assert rate["good_sn_value"] == "61.2"  # hidden from the pages by show, still scored for machines
    number = frame.set_index("indicator").loc["cic-number"]
    assert (number["exception"], number["exception_override"]) == ("Ambers of concern", "True")


def test_json_matches_the_csv(score_outputs):
    records = json.loads(score_outputs["json"])
    assert list(records[0]) == list(scored_columns(DECLARED))
    number = next(r for r in records if r["indicator"] == "cic-number")
    assert number["exception_reason"] == "set by the analyst: numbers rose again in April"
    assert number["exception_override"] is True and number["rag_override"] is False


def test_a_month_scored_against_the_built_in_comparators_keeps_the_old_columns():
    frame = pd.DataFrame({c: [None] for c in SCORED_COLUMNS})
    assert to_csv(frame).splitlines()[0].split(",") == list(SCORED_COLUMNS)


def test_the_table_for_people_prints_a_heading_as_written():
    from rich.console import Console

    from cpblib.cli._score import rich_table

    scored = pd.DataFrame(
        {"name": ["Rate"], "domain": ["Profile"], "unit": ["count"], "decimals": [0], "period": ["2023-03"],
         "value": [5.0], "previous_value": [4.0], "target": [3.0], "direction": ["worsening"], "rag": ["red"],
         "exception": ["[bold]Reds[/bold] of concern"]}
    )  # fmt: skip
    console = Console(record=True, width=200)
    console.print(rich_table(scored, "Testshire"))
    assert "[bold]Reds[/bold] of concern" in console.export_text()
