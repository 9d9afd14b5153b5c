"""The series a pack scores (by quarter in a quarterly pack) and the figures beside an indicator's main one."""

from __future__ import annotations

import pandas as pd
import pytest

from cpblib.config import Calendar
from cpblib.scoring import score, scoring_series

QUARTERLY = Calendar(cadence="quarterly")


def quarters(*pairs: tuple[str, float]) -> dict[str, float]:
    return dict(pairs)


def test_a_quarterly_pack_compares_q4_with_q3(catalogue, history):
    cat = catalogue({"frequency": "quarterly"})
    values = history({"cic-rate": quarters(("2019-09", 63.1), ("2019-12", 63.9), ("2020-03", 64.5))})
    row = score(values, cat, "2020-03", calendar=QUARTERLY).iloc[0]
    assert (row["period"], row["previous_period"], row["direction"]) == ("2020-03", "2019-12", "worsening")


def test_a_monthly_indicator_is_read_by_quarter_in_a_quarterly_pack(catalogue, history, months):
    cat = catalogue({"indicator": "placements", "unit": "percent", "polarity": "high"})
    values = history({"placements": months("2019-07", [70.0, 71.0, 69.0, 70.5, 71.5, 72.0, 72.5, 73.0, 74.0])})
    row = score(values, cat, "2020-03", calendar=QUARTERLY).iloc[0]
    assert (row["frequency"], row["previous_period"], row["previous_value"]) == ("quarterly", "2019-12", 72.0)


def test_a_monthly_count_in_a_quarterly_pack_is_the_quarter_given_or_rolled_up(catalogue, history, months):
    cat = catalogue({"indicator": "entrants", "unit": "count", "polarity": "none", "decimals": 0,
                     "period_type": "in_period", "rag_method": "none"})  # fmt: skip
    values = history({"entrants": months("2019-10", [12.0, 14.0, 13.0, 16.0, 13.0, 13.0])})
    given = pd.DataFrame({"indicator": ["entrants"], "period": ["2019-12"], "value": [40.0], "span": ["quarter"]})
    series = scoring_series(pd.concat([values, given], ignore_index=True), cat, QUARTERLY)
    assert series[["period", "value", "rolled_up"]].values.tolist() == [
        ["2019-12", 40.0, False],
        ["2020-03", 42.0, True],
    ]
    row = score(pd.concat([values, given], ignore_index=True), cat, "2020-03", calendar=QUARTERLY).iloc[0]
    assert (row["value"], row["previous_value"], bool(row["rolled_up"])) == (42.0, 40.0, True)


@pytest.mark.parametrize(
    ("period_type", "previous_period", "previous_value", "direction"),
    [
        ("year_to_date", "2019-03", 150.0, "worsening"),  # Q4 against the year before's Q4
        ("rolling_6m", "2019-09", 82.0, "worsening"),  # six months before
        ("snapshot", "2019-12", 121.0, "worsening"),  # the quarter before
    ],
)
def test_year_to_date_and_six_monthly_figures_are_compared_like_with_like(
    catalogue, history, period_type, previous_period, previous_value, direction
):
    cat = catalogue({"indicator": "entries", "unit": "count", "polarity": "low", "decimals": 0,
                     "frequency": "quarterly", "period_type": period_type, "rag_method": "none"})  # fmt: skip
    figures = quarters(("2019-03", 150.0), ("2019-06", 40.0), ("2019-09", 82.0), ("2019-12", 121.0), ("2020-03", 163.0))
    row = score(history({"entries": figures}), cat, "2020-03", calendar=QUARTERLY).iloc[0]
    assert (row["previous_period"], row["previous_value"], row["direction"]) == (
        previous_period,
        previous_value,
        direction,
    )


def test_monthly_year_to_date_figures_are_still_compared_with_the_month_before(catalogue, history, months):
    cat = catalogue({"period_type": "year_to_date", "unit": "percent", "polarity": "high"})
    row = score(history({"cic-rate": months("2022-03", [90.0] * 12 + [91.0])}), cat, "2023-03").iloc[0]
    assert row["previous_period"] == "2023-02"


def test_the_second_figure_and_its_own_benchmarks_sit_beside_the_main_one(catalogue, history):
    cat = catalogue({"second_figure": "count"})
    values = history({"cic-rate": {"2023-02": 65.6, "2023-03": 64.5}})
    values = pd.concat(
        [
            values,
            pd.DataFrame(
                {"indicator": "cic-rate", "period": ["2023-02", "2023-03"], "value": [444.0, 437.0], "figure": "count"}
            ),
        ],
        ignore_index=True,
    )
    benchmarks = pd.DataFrame(
        {
            "indicator": "cic-rate",
            "comparator": "england",
            "year": "2021-22",
            "value": [70.0, 82170.0],
            "figure": [None, "count"],
        }
    )
    row = score(values, cat, "2023-03", benchmarks=benchmarks).iloc[0]
    assert (row["value"], row["previous_value"], row["direction"]) == (64.5, 65.6, "improving")  # the main figure
    assert (row["england_value"], row["england_comparison"]) == (70.0, "better")
    assert (row["second_figure"], row["second_value"], row["england_second_value"]) == ("count", 437.0, 82170.0)
    assert row["england_second_year"] == "2021-22"


def test_a_provisional_latest_figure_keeps_its_mark_and_note(catalogue, history):
    values = history(
        {"cic-rate": {"2023-02": 65.6, "2023-03": 64.5}},
        provisional=[False, True],
        note=[None, "to be checked against the return"],
    )
    targets = pd.DataFrame({"indicator": ["cic-rate"], "from_month": ["2022-04"], "target": [60.0]})
    row = score(values, catalogue(), "2023-03", targets=targets).iloc[0]
    assert (bool(row["provisional"]), row["note"]) == (True, "to be checked against the return")
    assert row["rag"] == "amber"  # a provisional figure is rated as it stands


def test_a_quarter_or_year_figure_never_stands_in_for_the_month(catalogue, history):
    values = history({"cic-rate": {"2023-02": 65.6, "2023-03": 64.5}})
    values = pd.concat(
        [
            values,
            pd.DataFrame(
                {
                    "indicator": ["cic-rate"] * 2,
                    "period": ["2023-03"] * 2,
                    "value": [1.0, 2.0],
                    "span": ["quarter", "year"],
                }
            ),
        ],
        ignore_index=True,
    )
    assert score(values, catalogue(), "2023-03").iloc[0]["value"] == 64.5
