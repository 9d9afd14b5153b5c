"""The benchmark and override columns of the catalogue's tables: comparator names, free year labels, headings."""

from __future__ import annotations

import pandas as pd
import pytest

from cpblib.checks.rules import parameters
from cpblib.errors import InputError
from cpblib.inputs.catalogue import (
    validate_benchmarks,
    validate_overrides,
    year_label_ok,
    year_label_span,
)

CATALOGUE = pd.DataFrame({"indicator": ["cic-rate", "dental-check"]})


def benchmarks(comparator: str = "england", year: str = "2021-22") -> pd.DataFrame:
    return pd.DataFrame({"indicator": ["cic-rate"], "comparator": [comparator], "year": [year], "value": ["70"]})


@pytest.mark.parametrize("year", ["2021-22", "2022", "2016-19", "2013/14", "1999-00", "Mar 2022", "2019 to 2021"])
def test_a_year_label_is_free_text_naming_a_year(year):
    assert year_label_ok(year)
    assert validate_benchmarks(benchmarks(year=year), CATALOGUE).loc[0, "year"] == year


@pytest.mark.parametrize("year", ["21-22", "latest", "2021-20", "2001-2019", "2021-22 " + "x" * 30, "2021\n22"])
def test_a_year_label_that_names_no_year_or_runs_backwards_is_refused(year):
    assert not year_label_ok(year)
    with pytest.raises(
        InputError,
        match=r"benchmarks.csv, row 2, column 'year', .* is not a year label such as 2021-22, 2022 or 2016-19",
    ):
        validate_benchmarks(benchmarks(year=year), CATALOGUE)


def test_year_label_span():
    assert year_label_span("2016-19") == (2016, 2019)
    assert year_label_span("1999-00") == (1999, 2000)
    assert year_label_span("2019 to 2021") == (2021, 2021)  # the last year written
    assert year_label_span("2001-2019") is None  # more than ten years


def test_any_comparator_name_is_typed_and_checked_against_those_declared():
    declared = parameters(comparators=["england", "outstanding"])
    typed = validate_benchmarks(benchmarks("outstanding", "2016-19"), CATALOGUE, params=declared)
    assert typed.loc[0, ["comparator", "year", "value"]].tolist() == ["outstanding", "2016-19", 70.0]
    with pytest.raises(InputError) as caught:
        validate_benchmarks(benchmarks("outstanding"), CATALOGUE, params=parameters(comparators=["england", "sn"]))
    assert str(caught.value).startswith("benchmarks.csv, row 2, column 'comparator', indicator 'cic-rate': ")
    assert "'outstanding' is not allowed: choose from england, sn" in str(caught.value)


def test_a_comparator_cpb_toml_does_not_declare_is_refused():
    with pytest.raises(InputError, match=r"row 2, column 'comparator', .*'Own figure' is not allowed"):
        validate_benchmarks(benchmarks("Own figure"), CATALOGUE)


def overrides(**columns) -> pd.DataFrame:
    base = {"month": ["2023-03"], "indicator": ["cic-rate"], "rag": [None], "heading": [None], "reason": ["why"]}
    return pd.DataFrame({**base, **{k: [v] for k, v in columns.items()}}).astype(object)


def test_an_override_sets_a_rag_a_heading_or_both():
    assert validate_overrides(overrides(rag="Red"), CATALOGUE).loc[0, ["rag", "heading"]].tolist() == ["red", None]
    typed = validate_overrides(overrides(heading="Reds of concern"), CATALOGUE)
    assert typed.loc[0, ["rag", "heading"]].tolist() == [None, "Reds of concern"]
    both = validate_overrides(overrides(rag="red", heading="Reds of concern"), CATALOGUE)
    assert both.loc[0, ["rag", "heading"]].tolist() == ["red", "Reds of concern"]


def test_an_override_with_neither_is_refused():
    with pytest.raises(InputError, match=r"overrides.csv, row 2, column 'rag', .*both rag and heading are blank"):
        validate_overrides(overrides(), CATALOGUE)


def test_an_old_overrides_file_without_a_heading_column_still_reads():
    old = pd.DataFrame({"month": ["2023-03"], "indicator": ["cic-rate"], "rag": ["green"], "reason": ["agreed"]})
    typed = validate_overrides(old, CATALOGUE)
    assert typed.columns.tolist() == ["month", "indicator", "rag", "heading", "reason"]
    assert typed.loc[0, "heading"] is None


def test_an_override_still_needs_its_reason():
    with pytest.raises(InputError, match=r"column 'reason', .*reason is blank"):
        validate_overrides(overrides(rag="red", reason=None), CATALOGUE)
