import pandas as pd
import pytest

from cpblib.config import Calendar
from cpblib.month import Month
from cpblib.scoring import latest_period, previous_period
from cpblib.scoring._periods import period_ordinals, to_ordinals, to_periods


def cat(frequency, arrears=0, year_type="financial"):
    return pd.DataFrame({"frequency": [frequency], "arrears_months": [arrears], "year_type": [year_type]})


@pytest.mark.parametrize(
    ("frequency", "month", "arrears", "year_type", "latest", "previous"),
    [
        ("monthly", "2023-03", 0, "financial", "2023-03", "2023-02"),
        ("monthly", "2023-03", 1, "financial", "2023-02", "2023-01"),
        ("monthly", "2023-01", 2, "financial", "2022-11", "2022-10"),
        ("quarterly", "2023-03", 0, "financial", "2023-03", "2022-12"),
        ("quarterly", "2023-05", 0, "financial", "2023-03", "2022-12"),
        ("quarterly", "2023-07", 1, "financial", "2023-06", "2023-03"),
        ("quarterly", "2023-06", 1, "financial", "2023-03", "2022-12"),
        ("termly", "2023-03", 0, "financial", "2023-03", "2022-12"),
        ("termly", "2023-06", 0, "financial", "2023-03", "2022-12"),
        ("termly", "2023-09", 0, "financial", "2023-07", "2023-03"),
        ("termly", "2023-01", 0, "financial", "2022-12", "2022-07"),
        ("annual", "2023-03", 0, "financial", "2023-03", "2022-03"),
        ("annual", "2023-02", 0, "financial", "2022-03", "2021-03"),
        ("annual", "2023-03", 0, "academic", "2022-08", "2021-08"),
        ("annual", "2023-09", 0, "academic", "2023-08", "2022-08"),
        ("annual", "2023-09", 1, "academic", "2023-08", "2022-08"),
        ("annual", "2023-09", 2, "academic", "2022-08", "2021-08"),
    ],
)
def test_latest_and_previous_period(frequency, month, arrears, year_type, latest, previous):
    frame = cat(frequency, arrears, year_type)
    assert latest_period(frame, month).tolist() == [latest]
    assert previous_period(frame, month).tolist() == [previous]


def test_quarters_follow_the_financial_year_start():
    calendar = Calendar(financial_year_start=1)  # calendar-year quarters end Mar, Jun, Sep, Dec
    assert latest_period(cat("quarterly"), "2023-05", calendar).tolist() == ["2023-03"]
    calendar = Calendar(financial_year_start=2)  # quarters end Apr, Jul, Oct, Jan
    assert latest_period(cat("quarterly"), "2023-03", calendar).tolist() == ["2023-01"]
    assert previous_period(cat("quarterly"), "2023-03", calendar).tolist() == ["2022-10"]


def test_terms_follow_the_calendar():
    calendar = Calendar(term_end_months=[4, 8, 12])
    assert latest_period(cat("termly"), "2023-07", calendar).tolist() == ["2023-04"]
    assert previous_period(cat("termly"), "2023-07", calendar).tolist() == ["2022-12"]


def test_annual_year_end_follows_the_year_starts():
    calendar = Calendar(financial_year_start=1, academic_year_start=8)
    assert latest_period(cat("annual"), "2023-06", calendar).tolist() == ["2022-12"]
    assert latest_period(cat("annual", year_type="academic"), "2023-07", calendar).tolist() == ["2023-07"]


def test_six_steps_back_for_the_trend():
    steps = to_periods(period_ordinals(cat("quarterly"), Month(2023, 3), steps=6))[0].tolist()
    assert steps == ["2023-03", "2022-12", "2022-09", "2022-06", "2022-03", "2021-12"]


def test_missing_frequency_columns_default_to_monthly_without_arrears():
    frame = pd.DataFrame({"indicator": ["x"]})
    assert latest_period(frame, "2023-03").tolist() == ["2023-03"]


def test_series_align_with_the_catalogue_index():
    frame = pd.DataFrame({"frequency": ["monthly", "annual"]}, index=[10, 20])
    assert latest_period(frame, "2023-03").index.tolist() == [10, 20]


def test_unknown_frequency_is_an_input_error():
    from cpblib.errors import InputError

    with pytest.raises(InputError, match="not a frequency"):
        latest_period(cat("weekly"), "2023-03")


def test_ordinals_round_trip():
    periods = ["2023-03", "1999-12", "2024-01"]
    assert to_periods(to_ordinals(pd.Series(periods))).tolist() == periods
    assert to_ordinals(pd.Series(["2023-13", "March"])).tolist() == [-1, -1]
