"""The command line's month option: months, quarters and 'previous', read as the project reports."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from cpblib.cli._common import PREVIOUS, parse_month, report_period
from cpblib.config import parse_config
from cpblib.errors import ConfigError
from cpblib.month import Month
from cpblib.project import Project


def project(cadence: str = "monthly") -> Project:
    text = f'[authority]\nname = "X"\nla_code = "999"\n[calendar]\ncadence = "{cadence}"\n'
    return Project(Path("/nowhere"), parse_config(text))


def test_a_month_is_parsed_at_once_and_a_quarter_is_kept_for_the_project_to_read():
    assert parse_month("Mar 23") == Month(2023, 3)
    assert parse_month("Q4 2019/20") == "Q4 2019/20"
    assert parse_month(" previous ") == PREVIOUS


@pytest.mark.parametrize("text", ["Q5 2019/20", "next month", "2023-13"])
def test_what_is_no_period_is_a_usage_error(text):
    with pytest.raises(typer.BadParameter):
        parse_month(text)


def test_a_quarterly_project_takes_a_quarter_or_the_month_that_ends_it():
    quarterly = project("quarterly")
    assert report_period(quarterly, "Q4 2019/20").key == "2019-20-Q4"
    assert report_period(quarterly, Month(2020, 3)).label == "Q4 2019/20"
    assert report_period(quarterly, PREVIOUS).months == 3
    with pytest.raises(ConfigError, match="--month: February 2020 does not end a quarter"):
        report_period(quarterly, Month(2020, 2))


def test_a_monthly_project_refuses_a_quarter_in_one_line():
    with pytest.raises(ConfigError, match="--month: Q4 2019/20 is a quarter, but this project makes a pack a month"):
        report_period(project(), "Q4 2019/20")
    assert report_period(project(), PREVIOUS) == Month.today() - 1


def test_period_is_another_name_for_month(tmp_path):
    from typer.testing import CliRunner

    from cpblib.cli import app

    result = CliRunner().invoke(app, ["score", "--period", "Q4 2019/20", "--project", str(tmp_path / "none")])
    assert result.exit_code == 1  # the option is read; the missing project is the error
    assert "No such option" not in result.output
