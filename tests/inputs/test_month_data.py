"""The month's inputs typed for scoring: exception headings, declared comparators, publication lags."""

from __future__ import annotations

import pytest

from cpblib.errors import InputError
from cpblib.inputs.month_data import read_month, typed_inputs
from cpblib.month import Month
from cpblib.project import Project

MONTH = Month(2023, 3)


def inputs(root):
    project = Project.open(root)
    return typed_inputs(project, read_month(project, MONTH))


def test_without_a_headings_file_the_five_default_headings_apply(council_project):
    assert inputs(council_project).exception_headings is None


def test_a_projects_headings_file_is_read_and_checked(council_project):
    path = council_project / "data" / "exception_headings.csv"
    path.write_text("heading,rag,worsening_periods\nReds getting worse,red,>=2\n", encoding="utf-8")
    assert inputs(council_project).exception_headings.titles == ("Reds getting worse",)
    path.write_text("heading,rag\nReds getting worse,red\n\nAmbers,amber|red\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        inputs(council_project)
    assert str(caught.value) == (
        "exception_headings.csv, row 4, column 'rag': the heading 'Ambers' names Amber only, "
        "but this rule lists red indicators too"
    )


def test_the_old_exception_rules_are_refused_saying_what_to_write(council_project):
    (council_project / "data" / "exception_rules.csv").write_text("rag,direction,exception\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        inputs(council_project)
    message = str(caught.value)
    assert message.startswith("exception_rules.csv: cpb no longer reads exception rules")
    assert "data/exception_headings.csv" in message and "\n" not in message


def test_a_benchmark_for_a_comparator_cpb_toml_does_not_declare_is_refused(council_project):
    with (council_project / "data" / "benchmarks.csv").open("a", encoding="utf-8") as handle:
        handle.write("cic-rate,statistical_twins,2021-22,63.0,\n")
    lines = (council_project / "data" / "benchmarks.csv").read_text(encoding="utf-8").splitlines()
    with pytest.raises(InputError) as caught:
        inputs(council_project)
    assert str(caught.value).startswith(
        f"benchmarks.csv, row {len(lines)}, column 'comparator', indicator 'cic-rate': "
    )
    assert "'statistical_twins' is not allowed: choose from england, region, sn, good_sn, last_year" in str(
        caught.value
    )


def test_each_comparator_has_its_own_publication_lag(council_project):
    with (council_project / "data" / "benchmarks.csv").open("a", encoding="utf-8") as handle:
        handle.write("cic-rate,last_year,2022-23,64.0,\ncic-rate,england,2022-23,71.0,\n")
    benchmarks = inputs(council_project).benchmarks
    latest = benchmarks.loc[benchmarks["indicator"].eq("cic-rate"), ["comparator", "year"]].values.tolist()
    assert ["last_year", "2022-23"] in latest  # its own figure: no lag (publication_lag_months = 0)
    assert ["england", "2022-23"] not in latest  # DfE's: six months after the year ends
