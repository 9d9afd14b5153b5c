"""Running suites with Great Expectations and turning results into located outcomes."""

from __future__ import annotations

import os
import random
import subprocess
import sys

import pandas as pd
import pytest

from cpblib.checks.prepare import ROW_ID
from cpblib.checks.runner import expectation_key, match_results, outcomes_from_results, parameters, validate


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "file": ["x.csv"] * 4,
            "source_row": pd.array([2, 3, 4, 5], dtype="Int64"),
            "indicator": ["a", "a", "b", "b"],
            "period": ["2023-01", "2023-02", "2023-01", "2023-02"],
            "value": [1.0, 104.0, 3.0, 250.0],
            "flag": [True, False, None, True],
            ROW_ID: range(4),
        }
    )


SUITE = {
    "name": "test",
    "expectations": [
        {
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": "value", "min_value": 0, "max_value": 100},
            "meta": {"severity": "error", "rule": "value is at most 100"},
        },
        {
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": "value", "max_value": {"$PARAMETER": "anomalies_z_score"}},
            "meta": {"severity": "warning", "rule": "value at most z"},
        },
        {
            "type": "expect_column_values_to_be_in_set",
            "kwargs": {"column": "flag", "value_set": [True]},
            "meta": {"severity": "error", "rule": "flag holds", "column": "value", "show": ["period"]},
        },
        {
            "type": "expect_column_to_exist",
            "kwargs": {"column": "missing"},
            "meta": {"severity": "error", "rule": "has missing"},
        },
        {
            "type": "expect_column_values_to_not_be_null",
            "kwargs": {"column": "missing"},
            "meta": {"severity": "error", "rule": "missing filled"},
        },
    ],
}


@pytest.fixture(scope="module")
def results():
    return validate({"test": frame()}, {"test": SUITE}, parameters())["test"]


def test_failures_are_located_by_file_indicator_period_and_row(results):
    failed, passed = outcomes_from_results("test", SUITE, frame(), results, parameters(), "x.csv")
    by_rule = {}
    for outcome in failed:
        by_rule.setdefault(outcome.rule, []).append(outcome)
    over = by_rule["value is at most 100"]
    assert [(o.indicator, o.period, o.rows, o.count) for o in over] == [
        ("a", "2023-02", [3], 1),
        ("b", "2023-02", [5], 1),
    ]
    assert over[0].examples == [{"row": 3, "period": "2023-02", "value": 104.0}]
    assert over[0].file == "x.csv" and over[0].severity == "error" and over[0].column == "value"
    z = by_rule["value at most z"]
    assert [o.examples[0]["value"] for o in z] == [104.0, 250.0]  # max_value came from [anomalies] z_score = 3
    flag = by_rule["flag holds"][0]
    assert flag.column == "value" and flag.examples == [{"row": 3, "period": "2023-02", "value": 104.0}]
    assert by_rule["has missing"][0].rows == [1]
    assert "missing filled" not in by_rule  # reported once, by the existence check
    assert passed == []


def test_results_are_matched_by_type_and_arguments_not_position(results):
    shuffled = list(results)
    random.Random(4).shuffle(shuffled)
    pairs = match_results(SUITE, shuffled, parameters())
    for expectation, result in pairs:
        config = result["expectation_config"]
        assert config["type"] == expectation["type"]
        assert expectation_key(config["type"], config["kwargs"]) == expectation_key(
            expectation["type"], expectation["kwargs"], parameters()
        )


def test_an_empty_frame_only_runs_table_level_expectations():
    empty = frame().iloc[0:0]
    results = validate({"test": empty}, {"test": SUITE}, parameters())["test"]
    failed, passed = outcomes_from_results("test", SUITE, empty, results, parameters(), "x.csv")
    assert [o.rule for o in failed] == ["has missing"]
    assert {o.rule for o in passed} == {"value is at most 100", "value at most z", "flag holds"}


def test_no_gx_folder_and_no_progress_bars(tmp_path, capfd, monkeypatch):
    monkeypatch.chdir(tmp_path)
    validate({"test": frame()}, {"test": SUITE}, parameters())
    captured = capfd.readouterr()
    assert "Calculating Metrics" not in captured.err + captured.out
    assert list(tmp_path.iterdir()) == []


def test_importing_the_checks_does_not_import_great_expectations():
    code = (
        "import sys, cpblib.checks, cpblib.checks.report, cpblib.cli._check; print('great_expectations' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env={**os.environ})
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("expectation", "message"),
    [
        (
            {"type": "expect_colum_to_exist", "kwargs": {"column": "value"}},
            "'expect_colum_to_exist' is not a Great Expectations",
        ),
        (
            {"type": "expect_compound_columns_to_be_unique", "kwargs": {"column_list": ["value"]}},
            "at least two columns",
        ),
    ],
)
def test_a_bad_expectation_is_a_config_error_naming_the_suite(expectation, message):
    from cpblib.errors import ConfigError

    suite = {
        "name": "test",
        "_source": "expectations/test.json",
        "expectations": [{**expectation, "meta": {"severity": "error", "rule": "r"}}],
    }
    with pytest.raises(ConfigError, match="expectations/test.json") as caught:
        validate({"test": frame()}, {"test": suite}, parameters())
    assert message in str(caught.value)
