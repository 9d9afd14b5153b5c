import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cpblib.month import Month, MonthError, month_range


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2023-03", Month(2023, 3)),
        ("2023-3", Month(2023, 3)),
        ("Mar 23", Month(2023, 3)),
        ("Mar-23", Month(2023, 3)),
        ("mar-2023", Month(2023, 3)),
        ("March 2023", Month(2023, 3)),
        ("Sept 22", Month(2022, 9)),
        ("2023-03-01", Month(2023, 3)),
        ("2023-03-01 00:00:00", Month(2023, 3)),
        (dt.date(2022, 10, 1), Month(2022, 10)),
        (dt.datetime(2022, 10, 1), Month(2022, 10)),
        (pd.Timestamp("2022-10-01"), Month(2022, 10)),
    ],
)
def test_parse_accepts_the_forms_packs_use(text, expected):
    assert Month.parse(text) == expected


@pytest.mark.parametrize(
    "text, words",
    [
        ("2023-13", "01 to 12"),
        ("2023-00", "01 to 12"),
        ("2023-03-15", "is a date, not a month"),
        (dt.date(2023, 3, 15), "is a date, not a month"),
        ("Marchember 23", "is not a month"),
        ("", "is not a month"),
        (202303, "is not a month"),
    ],
)
def test_parse_rejects_what_is_not_a_month(text, words):
    with pytest.raises(MonthError, match=words):
        Month.parse(text)


def test_arithmetic_crosses_years():
    assert Month(2023, 1) - 1 == Month(2022, 12)
    assert Month(2022, 12) + 1 == Month(2023, 1)
    assert Month(2023, 3) - Month(2022, 3) == 12


def test_year_labels():
    assert Month(2023, 3).financial_year == "2022-23"
    assert Month(2023, 4).financial_year == "2023-24"
    assert Month(2023, 8).academic_year == "2022-23"
    assert Month(2023, 9).academic_year == "2023-24"
    assert Month(1999, 12).year_label(4) == "1999-00"
    assert Month(2023, 5).year_label(1) == "2023"


def test_labels():
    assert Month(2023, 3).label == "March 2023"
    assert Month(2022, 10).short_label == "Oct 22"


def test_month_range_inclusive_and_empty_when_reversed():
    assert month_range(Month(2022, 11), Month(2023, 2)) == [
        Month(2022, 11),
        Month(2022, 12),
        Month(2023, 1),
        Month(2023, 2),
    ]
    assert month_range(Month(2023, 2), Month(2022, 11)) == []


months = st.builds(Month, st.integers(1990, 2100), st.integers(1, 12))


@given(months, st.integers(-600, 600))
def test_add_then_subtract_round_trips(month, n):
    assert (month + n) - n == month
    assert (month + n) - month == n


@given(months)
def test_string_form_parses_back(month):
    assert Month.parse(str(month)) == month
    if 2000 <= month.year <= 2099:  # two-digit years are read as 20xx
        assert Month.parse(month.short_label) == month


@given(months, months)
def test_order_matches_ordinal(a, b):
    assert (a < b) == (a.ordinal < b.ordinal)
