"""The measures behind the anomaly warnings."""

from __future__ import annotations

import pandas as pd

from cpblib.checks.anomalies import anomaly_measures
from cpblib.month import Month


def history(indicator: str, values: list[float], start: str = "2022-01") -> pd.DataFrame:
    first = Month.parse(start)
    return pd.DataFrame(
        {"indicator": indicator, "period": [str(first + i) for i in range(len(values))], "value": values}
    )


def test_a_jump_gives_a_high_z_score_and_percent_change():
    row = anomaly_measures(history("a", [10, 11, 9, 10, 11, 10, 30]), Month(2022, 7)).iloc[0]
    assert row["period"] == "2022-07"
    assert row["z_score"] > 3
    assert row["percent_change"] == 200.0
    assert row["value_before"] == 10 and row["history_mean"] == 10.17


def test_a_steady_series_is_not_flagged():
    row = anomaly_measures(history("a", [10, 11, 9, 10, 11, 10, 10.5]), Month(2022, 7)).iloc[0]
    assert row["z_score"] < 3 and row["percent_change"] < 50


def test_too_little_history_gives_no_z_score():
    row = anomaly_measures(history("a", [10, 30]), Month(2022, 2)).iloc[0]
    assert pd.isna(row["z_score"]) and row["percent_change"] == 200.0


def test_small_count_changes_are_not_percentage_jumps():
    measures = anomaly_measures(history("a", [2, 1, 2, 1, 4]), Month(2022, 5), counts={"a"}, min_count_change=5)
    assert pd.isna(measures.iloc[0]["percent_change"])


def test_flat_run_only_for_series_that_normally_move():
    moving_then_flat = history("a", [5, 7, 6, 8, 9, 9, 9, 9, 9, 9, 9])
    always_flat = history("b", [0] * 11)
    quarterly = history("c", [5, 7, 6, 8, 9, 9, 9, 9, 9, 9, 9])
    measures = anomaly_measures(
        pd.concat([moving_then_flat, always_flat, quarterly]), Month(2022, 11), monthly={"a", "b"}
    ).set_index("indicator")
    assert measures.loc["a", "flat_run"] == 7
    assert pd.isna(measures.loc["b", "flat_run"])
    assert pd.isna(measures.loc["c", "flat_run"])


def test_only_periods_up_to_the_report_month_count():
    measures = anomaly_measures(history("a", [10, 11, 9, 10, 50]), Month(2022, 4))
    assert measures.iloc[0]["period"] == "2022-04"
