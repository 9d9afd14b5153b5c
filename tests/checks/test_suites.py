"""The JSON suites: well formed, with a severity and a rule on every expectation."""

from __future__ import annotations

import json
import re

import pytest

from cpblib.checks.runner import parameters
from cpblib.checks.suites import DEFAULT_DIR, SUITES, load_suite, load_suites, suite_path, validate_suite
from cpblib.errors import ConfigError


def placeholders(value) -> set[str]:
    if isinstance(value, dict):
        if set(value) == {"$PARAMETER"}:
            return {value["$PARAMETER"]}
        return set().union(*(placeholders(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(placeholders(v) for v in value)) if value else set()
    return set()


@pytest.mark.parametrize("name", SUITES)
def test_shipped_suite_is_valid(name):
    suite = load_suite(name)
    assert suite["name"] == name
    assert suite["expectations"]
    for expectation in suite["expectations"]:
        assert expectation["meta"]["severity"] in ("error", "warning")
        assert placeholders(expectation["kwargs"]) <= set(parameters())


def test_every_expectation_type_is_a_gx_expectation():
    from great_expectations.expectations.registry import get_expectation_impl

    for suite in load_suites().values():
        for expectation in suite["expectations"]:
            assert get_expectation_impl(expectation["type"]) is not None


def test_suite_files_are_the_ones_in_expectations_folder():
    assert sorted(p.stem for p in DEFAULT_DIR.glob("*.json")) == sorted(SUITES)
    for path in DEFAULT_DIR.glob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))


def test_a_project_suite_replaces_the_shipped_one(tmp_path):
    own = tmp_path / "expectations"
    own.mkdir()
    (own / "targets.json").write_text(json.dumps({"name": "targets", "expectations": []}), encoding="utf-8")
    assert suite_path("targets", tmp_path) == own / "targets.json"
    assert load_suite("targets", tmp_path)["expectations"] == []
    assert suite_path("values", tmp_path) == DEFAULT_DIR / "values.json"


@pytest.mark.parametrize(
    ("suite", "message"),
    [
        ([], "a suite is a JSON object"),
        ({"name": "x", "expectations": {}}, "must be a list"),
        ({"name": "x", "expectations": [{"kwargs": {}}]}, "needs a 'type'"),
        ({"name": "x", "expectations": [{"type": "expect_column_to_exist", "kwargs": {}}]}, "needs 'meta'"),
        ({"name": "x", "expectations": [{"type": "t", "kwargs": {}, "meta": {"severity": "error"}}]}, "meta.rule"),
    ],
)
def test_a_broken_suite_is_a_config_error_naming_the_file(suite, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        validate_suite(suite, "expectations/x.json")


def test_unreadable_json_is_a_config_error(tmp_path):
    (tmp_path / "expectations").mkdir()
    (tmp_path / "expectations" / "values.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError, match="values.json: not a readable JSON"):
        load_suite("values", tmp_path)
