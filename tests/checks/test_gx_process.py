"""The checks' Great Expectations run in a second process: the same results as here, and its errors raised here."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from cpblib.checks import validation_process
from cpblib.checks.runner import UNUSED_BY_SUITES, parameters, validate
from cpblib.errors import ConfigError

from .test_runner import SUITE, frame

PARAMS = {**parameters(), "anomalies_z_score": 1000}


def test_the_second_process_validates_as_this_one_does():
    with validation_process() as process:
        there = process.validate({"test": frame()}, {"test": SUITE}, PARAMS)
    here = validate({"test": frame()}, {"test": SUITE}, PARAMS)
    assert there == here
    assert {r["success"] for r in there["test"]} == {True, False}  # the suite both passes and fails rows


def test_an_error_in_the_second_process_is_raised_here_with_its_message():
    suite = {**SUITE, "_source": "expectations/test.json", "expectations": [{"type": "expect_the_moon", "kwargs": {}}]}
    with validation_process() as process, pytest.raises(ConfigError, match="expect_the_moon.*not a Great Exp"):
        process.validate({"test": frame()}, {"test": suite}, PARAMS)


def test_a_second_process_closed_unused_is_gone():
    process = validation_process()
    process.close()
    assert process._process.poll() is not None


LOADED = """
import json, sys
from cpblib.checks._gx_process import _load, _validate
from cpblib.checks.runner import UNUSED_BY_SUITES, parameters
from tests.checks.test_runner import SUITE, frame

def imported():
    return {name: type(sys.modules[name]).__name__ != "_Deferred" for name in UNUSED_BY_SUITES}

_load()
seen = {"loaded": imported()}
_validate({"test": frame()}, {"test": SUITE}, parameters())
seen["validated"] = imported()
print(json.dumps(seen))
"""


def test_the_second_process_imports_what_the_suites_never_use_only_when_used():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", LOADED], cwd=root, capture_output=True, text=True, check=True)
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {
        "loaded": dict.fromkeys(UNUSED_BY_SUITES, False),
        "validated": dict.fromkeys(UNUSED_BY_SUITES, False),
    }


def test_an_expectation_that_needs_a_deferred_module_still_runs_there_as_here():
    # expect_column_kl_divergence_to_be_less_than computes with scipy.stats, put off as the process started
    suite = {
        "name": "spread",
        "expectations": [
            {
                "type": "expect_column_kl_divergence_to_be_less_than",
                "kwargs": {"column": "value", "partition_object": {"bins": [0, 50, 300], "weights": [0.9, 0.1]},
                           "threshold": 0.01},
            }
        ],
    }  # fmt: skip
    with validation_process() as process:
        there = process.validate({"spread": frame()}, {"spread": suite}, PARAMS)
    assert there == validate({"spread": frame()}, {"spread": suite}, PARAMS)
    assert [r["success"] for r in there["spread"]] == [False]
