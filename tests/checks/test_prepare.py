"""Preparing inputs for the suites: derived check columns and locations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cpblib._vocabulary import vocabulary
from cpblib.checks.prepare import (
    expected_periods,
    prepare_benchmarks,
    prepare_catalogue,
    prepare_commentary,
    prepare_overrides,
    prepare_table,
    prepare_targets,
    prepare_values,
    reported_periods,
    unit_problem,
    units,
)
from cpblib.inputs.catalogue import TARGET_COLUMNS
from cpblib.month import Month

CATALOGUE = pd.DataFrame(
    {
        "indicator": ["cic-number", "cl-eet", "cic-rate", "pep", "quarterly-thing", "retired"],
        "domain": ["Profile", "Care leavers", "Profile", "Education", "Profile", "Profile"],
        "unit": ["count", "percent", "rate_per_10000", "percent", "count", "count"],
        "frequency": ["monthly", "monthly", "monthly", "termly", "quarterly", "monthly"],
        "arrears_months": [0, 1, 0, 0, 0, 0],
        "rag_method": ["target", "target", "range", "none", "none", "none"],
        "first_month": [None, None, None, None, None, None],
        "last_month": [None, None, None, None, None, "2022-12"],
    }
)


def values(*rows):
    return pd.DataFrame(rows, columns=["indicator", "period", "value"]).assign(
        source_file="2023-03.csv", source_row=range(2, 2 + len(rows))
    )


def test_table_columns_are_checked_for_their_kind_and_rows_keep_their_numbers():
    raw = pd.DataFrame(
        {
            "indicator": ["cl-eet", "cl-eet", None],
            "from_month": ["Apr 22", "2023-13", "2023-04"],
            "target": ["60", "87%", "1,234"],
            "range_lower": [None, None, None],
        }
    )
    frame = prepare_table(raw, [2, 5, 9], "targets.csv", TARGET_COLUMNS)
    assert frame["source_row"].tolist() == [2, 5, 9]
    assert frame["file"].unique().tolist() == ["targets.csv"]
    assert frame["from_month_month"].tolist() == ["2022-04", None, "2023-04"]
    assert frame["not_a_month"].tolist() == [None, "from_month", None]
    assert frame["not_a_number"].tolist() == [None, "target", None]
    assert frame["target_number"].tolist()[2] == 1234.0
    assert frame["blank_required"].tolist() == [None, None, "indicator"]
    assert frame["range_upper"].tolist() == [None] * 3  # a missing optional column is added blank
    assert raw["target"].tolist() == ["60", "87%", "1,234"]  # the input is not changed


def test_catalogue_codes_whole_numbers_months_and_formulas():
    raw = pd.DataFrame(
        {
            "indicator": ["a", "b", "c"],
            "name": ["A", '=HYPERLINK("http://x")', "- a dash is fine"],
            "unit": ["Count", "percent", "percentage"],
            "polarity": ["high", "none", "low"],
            "decimals": ["0", "87%", "1,234"],
            "rag_method": ["target", "target", "none"],
            "first_month": ["2023-01", "2023-05", None],
            "last_month": ["2022-12", None, None],
        }
    )
    frame = prepare_catalogue(raw, [2, 3, 4])
    assert frame["unit"].tolist() == ["count", "percent", "percentage"]
    assert frame["not_whole"].tolist() == [None, "decimals", "decimals"]
    assert frame["months_out_of_order"].tolist() == ["2023-01 is after 2022-12", None, None]
    assert frame["target_without_polarity"].tolist() == [
        None,
        "rated against a target, so polarity must be high or low, not none",
        None,
    ]
    assert frame["formula_like"].tolist() == [None, "name", None]


def test_targets_must_fit_their_unit():
    raw = pd.DataFrame(
        {
            "indicator": ["cl-eet", "cic-number", "cic-number", "nope"],
            "from_month": ["2023-04"] * 4,
            "target": ["120", "-5", "12.5", "3"],
        }
    )
    frame = prepare_targets(raw, [2, 3, 4, 5], CATALOGUE)
    assert frame["target_unfit"].tolist() == [
        "120 is over 100, the most a percentage can be",
        "-5 is negative, which a count cannot be",
        None,  # a target may be a fraction, even for a count
        None,
    ]
    assert frame["unknown_indicator"].tolist() == [None, None, None, "'nope' is not in the indicator catalogue"]
    assert frame["method_mismatch"].tolist() == [None, None, None, None]
    assert frame["period"].tolist() == ["2023-04"] * 4


def test_a_baseline_must_fit_its_unit_too():
    raw = pd.DataFrame(
        {
            "indicator": ["cl-eet", "cic-number", "cic-number"],
            "from_month": ["2023-04", "2023-04", "2024-04"],
            "target": ["60", "420", "410"],
            "baseline": ["104", "-3", "437"],
        }
    )
    frame = prepare_targets(raw, [2, 3, 4], CATALOGUE)
    assert frame["baseline_unfit"].tolist() == [
        "104 is over 100, the most a percentage can be",
        "-3 is negative, which a count cannot be",
        None,
    ]
    assert frame["target_unfit"].tolist() == [None, None, None]


def test_benchmark_years_and_averaged_counts():
    raw = pd.DataFrame(
        {
            "indicator": ["cl-eet", "cl-eet", "cic-number", "cl-eet"],
            "comparator": ["england"] * 4,
            "year": ["2021-22", "2021-20", "2022", "2021-22"],
            "value": ["55", "55", "8.75", "155"],
        }
    )
    frame = prepare_benchmarks(raw, [2, 3, 4, 5], CATALOGUE)
    assert frame["bad_year"].tolist() == [
        None,
        "'2021-20' is not a year label such as 2021-22, 2022 or 2016-19",
        None,
        None,
    ]
    assert frame["value_unfit"].tolist() == [
        None,
        None,
        None,
        "155 is over 100, the most a percentage can be",
    ]  # averaged counts may be fractions


def test_override_months_after_the_report_month():
    raw = pd.DataFrame(
        {"month": ["2023-03", "2023-05"], "indicator": ["cl-eet"] * 2, "rag": ["GREEN", "red"], "reason": ["x", "y"]}
    )
    frame = prepare_overrides(raw, [2, 3], CATALOGUE, Month(2023, 3))
    assert frame["months_after_report"].tolist() == [0.0, 2.0]
    assert frame["rag"].tolist() == ["green", "red"]


def test_due_indicators_follow_frequency_arrears_and_activity():
    due = expected_periods(CATALOGUE, Month(2023, 3))
    assert due.values.tolist() == [
        ["cic-number", "2023-03"],
        ["cl-eet", "2023-02"],
        ["cic-rate", "2023-03"],
        ["quarterly-thing", "2023-03"],
    ]
    assert "quarterly-thing" not in expected_periods(CATALOGUE, Month(2023, 2))["indicator"].tolist()
    reported = reported_periods(CATALOGUE, Month(2023, 2))
    assert reported.set_index("indicator").loc["quarterly-thing", "period"] == "2022-12"
    assert "retired" not in reported["indicator"].tolist()


def test_numerator_and_denominator_problems_are_described():
    current = values(("cl-eet", "2023-02", 58.0), ("cl-eet", "2023-01", 50.0)).assign(
        numerator=[70.0, -1.0], denominator=[61.0, 10.0]
    )
    frame = prepare_values(current, CATALOGUE, Month(2023, 3))
    assert frame["bad_fraction"].tolist()[:2] == [
        "the numerator 70 is above the denominator 61",
        "the numerator -1 is negative",
    ]


def test_a_negative_denominator_is_its_own_problem():
    current = values(("cl-eet", "2023-02", 58.0)).assign(numerator=[1.0], denominator=[-3.0])
    frame = prepare_values(current, CATALOGUE, Month(2023, 3))
    assert frame.loc[0, "bad_denominator"] == "the denominator -3 is negative"
    assert frame.loc[0, "bad_fraction"] is None  # not "above" a denominator that is itself wrong


def test_values_get_unit_rules_and_missing_rows():
    frame = prepare_values(
        values(
            ("cl-eet", "2023-02", 104.0),
            ("cic-number", "2023-03", -2.0),
            ("cic-rate", "2023-03", 1450.0),
            ("cic-number", "2023-04", 3.0),
            ("mystery", "2023-03", 1.0),
        ),
        CATALOGUE,
        Month(2023, 3),
        month_file="2023-03.csv",
    )
    by = frame.set_index(["indicator", "period"])
    assert by.loc[("cl-eet", "2023-02"), "value_unfit"] == "104 is over 100, the most a percentage can be"
    assert by.loc[("cic-number", "2023-03"), "value_unfit"] == "-2 is negative, which a count cannot be"
    assert by.loc[("cic-rate", "2023-03"), "value_unfit"] is None  # a high rate, but a real council's
    assert by.loc[("cic-number", "2023-04"), "after_report"] == "period 2023-04 is after the report month 2023-03"
    assert by.loc[("mystery", "2023-03"), "unknown_indicator"] == "'mystery' is not in the indicator catalogue"
    missing = by.loc[("quarterly-thing", "2023-03")]
    assert missing["missing_value"] == "no value for 2023-03"
    assert pd.isna(missing["source_row"]) and missing["file"] == "2023-03.csv"
    assert frame.loc[frame["present"].astype(bool), "source_row"].tolist() == [2, 3, 4, 5, 6]


def test_revisions_and_disappeared_values_against_the_previous_view():
    previous = values(("cic-number", "2023-01", 449.0), ("cic-number", "2023-02", 444.0), ("cl-eet", "2023-01", 59.0))
    current = values(
        ("cic-number", "2023-01", 450.0), ("cic-number", "2023-02", 444.0), ("cic-number", "2023-03", 437.0)
    )
    frame = prepare_values(current, CATALOGUE, Month(2023, 3), previous=previous)
    by = frame.set_index(["indicator", "period"])
    assert by.loc[("cic-number", "2023-01"), "revision"] == "449 -> 450"
    assert by.loc[("cic-number", "2023-02"), "revision"] is None
    gone = by.loc[("cl-eet", "2023-01")]
    assert gone["disappeared"] == "59 -> withdrawn" and gone["previous_value"] == 59.0


def test_a_due_value_left_blank_is_named_with_its_reason():
    current = values(("cic-number", "2023-03", np.nan)).assign(missing_reason="suppressed (c): small number")
    frame = prepare_values(current, CATALOGUE, Month(2023, 3))
    assert frame.set_index("indicator").loc["cic-number", "latest_blank"] == "suppressed (c): small number"


def test_without_a_load_for_the_month_nothing_is_chased():
    frame = prepare_values(values(), CATALOGUE, Month(2023, 3), check_due=False)
    assert frame.empty


@pytest.mark.parametrize(("folder", "ok"), [("2023-03", True), ("2023-13", False), ("march", False)])
def test_commentary_folders_are_months(folder, ok):
    index = pd.DataFrame(
        {"month": [folder], "domain": ["profile"], "path": [f"data/commentary/{folder}/profile.md"], "bytes": [10]}
    )
    frame = prepare_commentary(index, CATALOGUE, Month(2023, 3))
    assert (frame.loc[0, "bad_month_folder"] is None) is ok
    assert frame.loc[0, "file"] == "profile.md"
    assert set(frame.loc[frame["no_commentary"].notna(), "domain"]) == (
        {"care-leavers", "education", "profile"} if not ok else {"care-leavers", "education"}
    )


def test_every_unit_has_its_bounds_and_every_bound_a_unit():
    assert set(units()) == set(vocabulary()["unit"])
    for bounds in units().values():
        assert isinstance(bounds["noun"], str) and set(bounds) <= {"noun", "min", "max", "whole"}


@pytest.mark.parametrize(
    ("unit", "value", "problem"),
    [
        ("percent", 100.0, None),
        ("percent", -0.5, "-0.5 is negative, which a percentage cannot be"),
        ("percent_change", 150.0, None),
        ("percent_change", -40.0, None),
        ("count", 3.5, "3.5 is not a whole number, which a count must be"),
        ("count", -437.0, "-437 is negative, which a count cannot be"),
        ("rate_per_10000", 1452.6, None),  # a children in need rate a council has had
        ("rate_per_10000", 6455.0, "6,455 is over 3,000, the most a rate per 10,000 can be"),
        ("days", -1.0, "-1 is negative, which a number of days cannot be"),
        ("ratio", -0.1, "-0.1 is negative, which a ratio cannot be"),
        ("score", -12.5, None),
        ("no-such-unit", -1.0, None),  # an unknown unit is the catalogue suite's to refuse
    ],
)
def test_unit_bounds_come_from_the_units_table(unit, value, problem):
    assert unit_problem(pd.Series([value]), pd.Series([unit])).tolist() == [problem]


def test_targets_and_ranges_may_be_fractions_even_for_counts():
    assert unit_problem(pd.Series([1.5]), pd.Series(["count"]), whole_counts=False).tolist() == [None]


# -- second figures, spans, quarterly packs ----------------------------------------------------------------------
FIGURED = pd.DataFrame(
    {"indicator": ["cic-rate", "referrals"], "unit": ["rate_per_10000", "count"], "second_figure": ["count", None],
     "frequency": ["monthly", "monthly"], "arrears_months": [0, 0], "first_month": [None] * 2, "last_month": [None] * 2}
)  # fmt: skip


def test_a_second_figure_is_its_own_series_checked_in_its_own_unit():
    values = pd.DataFrame(
        {
            "indicator": ["cic-rate"] * 3 + ["referrals"],
            "period": ["2023-03"] * 4,
            "value": [64.5, 486.5, 1.0, 5.0],
            "figure": [None, "count", None, "count"],
            "span": [None, None, "quarter", None],
        }
    )
    frame = prepare_values(values, FIGURED, Month(2023, 3))
    assert frame["series"].tolist() == [None, "count", "quarter", "count", None]
    assert frame["value_unfit"].tolist()[1] == "486.5 is not a whole number, which a count must be"
    assert (
        frame["unknown_figure"].tolist()[3]
        == "'count' is not a figure of this indicator (its second_figure is not set)"
    )
    # referrals gives no main figure: its row of count does not stand in for it
    assert frame["missing_value"].tolist() == [None, None, None, None, "no value for 2023-03"]


def test_only_the_main_figure_satisfies_a_due_value_in_a_monthly_pack():
    values = pd.DataFrame({"indicator": ["referrals"], "period": ["2023-03"], "value": [40.0], "span": ["quarter"]})
    frame = prepare_values(values, FIGURED, Month(2023, 3))
    assert "no value for 2023-03" in frame["missing_value"].dropna().tolist()


def test_a_quarter_figure_satisfies_a_monthly_indicator_in_a_quarterly_pack():
    from cpblib.config import Calendar

    values = pd.DataFrame(
        {
            "indicator": ["referrals", "cic-rate"],
            "period": ["2023-03", "2023-03"],
            "value": [40.0, 64.0],
            "span": ["quarter", None],
        }
    )
    frame = prepare_values(values, FIGURED, Month(2023, 3), calendar=Calendar(cadence="quarterly"))
    assert frame["missing_value"].isna().all()


def test_a_benchmark_names_the_figure_it_is_for():
    raw = pd.DataFrame({"indicator": ["cic-rate"] * 3, "comparator": ["england"] * 3, "year": ["2021-22"] * 3,
                        "value": ["70", "82170", "5"], "figure": [None, "count", "percent"]})  # fmt: skip
    frame = prepare_benchmarks(raw, [2, 3, 4], FIGURED)
    assert frame["figure"].tolist() == [None, "count", "percent"]
    assert frame["unit"].tolist() == ["rate_per_10000", "count", "percent"]
    assert frame["unknown_figure"].tolist()[:2] == [None, None]
    assert "is not a figure of this indicator (its second_figure is count)" in frame["unknown_figure"].tolist()[2]


def test_a_second_figure_in_the_main_unit_is_refused():
    raw = pd.DataFrame({"indicator": ["cic-rate"], "unit": ["count"], "second_figure": ["Count"]})
    frame = prepare_catalogue(raw, [2])
    assert frame.loc[0, "second_figure_same"] == "count is already the unit of the main figure"
