"""``cpb check`` and :func:`require_clean` on the demo project."""

from __future__ import annotations

import json
import shutil

import pytest
from rich.console import Console
from typer.testing import CliRunner

import cpblib.cli._check  # noqa: F401  (registers cpb check until the command list includes it)
from cpblib.checks import CheckResult, ChecksFailed, require_clean, run_checks
from cpblib.checks.suites import DEFAULT_DIR
from cpblib.cli import app
from cpblib.project import Project

runner = CliRunner()
MONTH = "2023-03"


pytestmark = pytest.mark.usefixtures("wide_console")


def test_the_demo_month_is_clean(demo, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["check", "--month", MONTH, "--project", str(demo)])
    assert result.exit_code == 0, result.output
    report = json.loads((demo / "_build" / MONTH / "checks.json").read_text(encoding="utf-8"))
    assert report["ok"] is True and report["errors"] == []
    assert report["checked"]["catalogue"] > 50 and report["checked"]["values"] > 500
    assert (
        (demo / "_build" / MONTH / "data-quality.md")
        .read_text(encoding="utf-8")
        .startswith("## Data quality: March 2023")
    )
    assert not (demo / "gx").exists() and not (tmp_path / "gx").exists()


def test_require_clean_passes_on_clean_data_and_stops_on_errors(demo):
    project = Project.open(demo)
    console = Console(record=True, width=200)
    assert isinstance(require_clean(project, MONTH, console), CheckResult)
    targets = demo / "data" / "targets.csv"
    targets.write_text(targets.read_text(encoding="utf-8") + "cl-eet,2023-04,120,,,Board\n", encoding="utf-8")
    with pytest.raises(ChecksFailed, match="1 error"):
        require_clean(project, MONTH, console)
    assert "a target is within the bounds of its unit" in console.export_text()
    saved = json.loads((demo / "_build" / MONTH / "checks.json").read_text(encoding="utf-8"))
    assert saved["errors"][0]["file"] == "targets.csv" and saved["errors"][0]["indicator"] == "cl-eet"


def test_a_council_adds_its_own_rule(demo):
    suite = json.loads((DEFAULT_DIR / "values.json").read_text(encoding="utf-8"))
    suite["expectations"].append(
        {
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": "count_value_checked", "max_value": 400},
            "meta": {
                "severity": "warning",
                "rule": "no count above 400 without a word to the board",
                "column": "value",
            },
        }
    )
    (demo / "expectations").mkdir()
    (demo / "expectations" / "values.json").write_text(json.dumps(suite), encoding="utf-8")
    result = run_checks(Project.open(demo), MONTH)
    # the derived column does not exist: the rule is reported as unable to run, not silently passed
    assert any(o.rule == "no count above 400 without a word to the board" for o in result.errors)
    suite["expectations"][-1]["kwargs"]["column"] = "value"
    (demo / "expectations" / "values.json").write_text(json.dumps(suite), encoding="utf-8")
    result = run_checks(Project.open(demo), MONTH)
    found = [o for o in result.warnings if o.rule == "no count above 400 without a word to the board"]
    assert found and {o.indicator for o in found} >= {"cic-number"} and result.ok


def test_a_broken_project_suite_is_one_clear_line(demo):
    (demo / "expectations").mkdir()
    (demo / "expectations" / "catalogue.json").write_text(
        '{"name": "catalogue", "expectations": [{"type": "x"}]}', encoding="utf-8"
    )
    result = runner.invoke(app, ["check", "--month", MONTH, "--project", str(demo)])
    assert result.exit_code == 1
    assert "catalogue.json: expectation 1 (x): needs 'meta'" in result.output.replace("\n", "")


def test_revisions_are_listed_not_hidden(demo):
    extract = demo / "data" / "extracts" / "2023-04.csv"
    shutil.copy(demo / "data" / "extracts" / "2023-03.csv", extract)
    text = extract.read_text(encoding="utf-8").replace("cic-number,2023-02,444.00", "cic-number,2023-02,450.00")
    text = text.replace("cic-rate,2023-01,66.32", "cic-rate,2023-01,c")
    extract.write_text(text, encoding="utf-8")
    result = run_checks(Project.open(demo), "2023-04")
    assert result.extraction["new"] == ["2023-04.csv"] and result.extraction["previous_month"] == "2023-03"
    gone = [o for o in result.warnings if o.rule == "a value published last month has disappeared"]
    assert [(o.indicator, o.period, o.examples[0]["problem"]) for o in gone] == [
        ("cic-rate", "2023-01", "66.32 -> withdrawn")
    ]
    revised = [o for o in result.warnings if o.rule == "a value was revised since the last published month"]
    assert [(o.indicator, o.period, o.file) for o in revised] == [("cic-number", "2023-02", "2023-04.csv")]
    assert result.revisions == [
        {
            "indicator": "cic-number",
            "period": "2023-02",
            "previous_value": 444.0,
            "value": 450.0,
            "change": "444 -> 450",
            "file": "2023-04.csv",
            "row": 6,
        },
        {
            "indicator": "cic-rate",
            "period": "2023-01",
            "previous_value": 66.32,
            "value": None,
            "change": "66.32 -> withdrawn",
            "file": "2023-04.csv",
            "row": 11,
        },
    ]
