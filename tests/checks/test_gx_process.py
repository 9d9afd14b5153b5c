"""The checks' Great Expectations run in a second process: the same results as here, and its errors raised here."""

from __future__ import annotations

import pytest

from cpblib.checks import validation_process
from cpblib.checks.runner import parameters, validate
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
