"""Suppression symbols, durations, periods and year labels as DfE files print them."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from cpblib.dfe.values import name_key, parse_cells, parse_duration, parse_period, region_key, year_label
from cpblib.errors import InputError


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("c", "suppressed (c): confidential or small number"),
        ("x", "not available (x)"),
        ("z", "not applicable (z)"),
        ("k", "rounds to zero (k)"),
        ("low", "rounds to zero (low)"),
        ("LOW", "rounds to zero (low)"),
        ("u", "low reliability (u)"),
        ("-", "not available"),
        (":", "not available (:)"),
        ("", "blank"),
        (" c ", "suppressed (c): confidential or small number"),
    ],
)
def test_symbols_become_missing_with_their_reason(cell, reason):
    parsed = parse_cells(pd.Series([cell]), "f.csv", "rate")
    assert math.isnan(parsed.loc[0, "value"])
    assert parsed.loc[0, "missing_reason"] == reason
    assert parsed.loc[0, "value_kind"] is None


def test_numbers_keep_their_value_and_have_no_reason():
    parsed = parse_cells(pd.Series(["70", "12.5", "1,234", "-3", "9.3699999999999992", "45%"]), "f.csv", "v")
    assert parsed["value"].tolist() == pytest.approx([70, 12.5, 1234, -3, 9.37, 45])
    assert parsed["missing_reason"].isna().all()
    assert set(parsed["value_kind"]) == {"number"}


def test_an_empty_cell_is_blank():
    parsed = parse_cells(pd.Series(["5", None]), "f.csv", "v")
    assert parsed["missing_reason"].tolist() == [None, "blank"]


@pytest.mark.parametrize(("text", "months"), [("2:05", 29), ("00:09", 9), ("01:00", 12), ("0:00", 0), ("10:11", 131)])
def test_durations_are_years_and_months(text, months):
    assert parse_duration(text) == months
    parsed = parse_cells(pd.Series([text]), "f.csv", "number")
    assert parsed.loc[0, "value"] == months
    assert parsed.loc[0, "value_kind"] == "months"


@pytest.mark.parametrize("text", ["1:12", "1:5", "a:05", "1:05:00"])
def test_bad_durations_are_refused(text):
    with pytest.raises(ValueError):
        parse_duration(text)


def test_a_duration_with_13_months_names_file_row_and_column():
    with pytest.raises(InputError) as caught:
        parse_cells(pd.Series(["00:09", "1:13"]), "adoption.csv", "number")
    assert str(caught.value) == (
        "adoption.csv, row 3, column 'number': '1:13' is not a duration in years:months (months must be 00 to 11)"
    )


def test_an_unknown_cell_names_the_row_the_person_sees():
    rows = pd.Series([2, 7, 9], index=[10, 11, 12])
    with pytest.raises(InputError) as caught:
        parse_cells(pd.Series(["1", "2", "n/k"], index=[10, 11, 12]), "cla.csv", "rate_per_10000", rows=rows)
    assert caught.value.row == 9
    assert caught.value.column == "rate_per_10000"
    assert "'n/k' is not a number" in str(caught.value)


def test_parsing_does_not_change_its_input():
    cells = pd.Series(["c", "1"])
    parse_cells(cells, "f.csv", "v")
    assert cells.tolist() == ["c", "1"]


@pytest.mark.parametrize(
    ("text", "identifier", "expected"),
    [
        ("2024", "Reporting year", (2024, None, 1)),
        ("202324", "Financial year", (2024, "2023-24", 1)),
        ("202324", "Academic year", (2024, "2023-24", 1)),
        ("2024", "Calendar year", (2024, "2024", 1)),
        ("2023-24", "", (2024, "2023-24", 1)),
        ("2023/24", "", (2024, "2023-24", 1)),
        ("2024-25 (OT)", "", (2025, "2024-25", 1)),
        ("2025 (prov)", "", (2025, None, 0)),
        ("2024 (Rev)", "", (2024, None, 2)),
        ("2021 (Final)", "", (2021, None, 3)),
        ("2014-16", "", (2016, "2014-16", 1)),
        ("2013/14-15/16", "", (2016, "2013/14-15/16", 1)),
        ("1999-01", "", (2001, "1999-01", 1)),
        ("0", "", None),
        ("Spring", "", None),
    ],
)
def test_periods(text, identifier, expected):
    assert parse_period(text, identifier) == expected


def test_year_labels():
    assert year_label(2024, None, "year") == "2023-24"
    assert year_label(2000, None, "year") == "1999-00"
    assert year_label(2024, None, "snapshot") == "2024"
    assert year_label(2024, "2023-24", "snapshot") == "2023-24"
    assert year_label(2016, "2014-16", "year") == "2014-16"


def test_region_and_name_keys_match_spellings_across_files():
    assert region_key("Yorkshire and The Humber") == region_key("Yorkshire and the Humber")
    assert region_key("London (Outer)") == region_key("Outer London")
    assert region_key("NA") is None and region_key(None) is None
    assert name_key("Bedford Borough") == name_key("Bedford")
    assert name_key("Dorset (Pre LG)") == name_key("Dorset")
    assert name_key("Kingston upon Hull, City of") == name_key("City of Kingston upon Hull")
    assert name_key("Dorset") != name_key("Devon")
