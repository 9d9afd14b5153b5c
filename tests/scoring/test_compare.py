import numpy as np
import pandas as pd
import pytest

from cpblib.errors import InputError
from cpblib.scoring._compare import add_comparisons, attach_benchmarks, comparison, latest_benchmarks


def benchmarks(rows):
    return pd.DataFrame(rows, columns=["indicator", "comparator", "year", "value", "source"])


def test_latest_year_is_used_per_indicator_and_comparator():
    b = benchmarks(
        [
            ("x", "england", "2021-22", 70.0, None),
            ("x", "england", "2020-21", 60.0, None),
            ("x", "sn", "2019-20", 50.0, None),
            ("y", "england", "2022", 5.0, None),
            ("y", "england", "2021-22", 4.0, None),
        ]
    )
    latest = latest_benchmarks(b).set_index("indicator")
    assert latest.loc["x", "england_value"] == 70.0 and latest.loc["x", "england_year"] == "2021-22"
    assert latest.loc["x", "sn_year"] == "2019-20"
    assert latest.loc["y", "england_year"] == "2022"  # ends in the same year as 2021-22 and sorts after it
    assert np.isnan(latest.loc["x", "region_value"]) and latest.loc["x", "region_year"] is None


def test_blank_benchmark_values_are_ignored():
    b = benchmarks([("x", "england", "2022-23", None, None), ("x", "england", "2021-22", 70.0, None)])
    assert latest_benchmarks(b)["england_year"].tolist() == ["2021-22"]


def test_all_comparator_columns_exist_without_benchmarks():
    indicators = pd.DataFrame({"indicator": ["x"], "value": [1.0], "polarity": ["high"], "decimals": [0]})
    for given in (None, benchmarks([])):
        out = add_comparisons(attach_benchmarks(indicators, given))
        for comparator in ("england", "region", "sn", "good_sn"):
            assert np.isnan(out[f"{comparator}_value"].iloc[0])
            assert out[f"{comparator}_year"].iloc[0] is None
            assert np.isnan(out[f"{comparator}_gap"].iloc[0])
            assert out[f"{comparator}_comparison"].iloc[0] is None


def test_missing_benchmark_column_is_an_input_error():
    with pytest.raises(InputError, match="benchmarks.csv"):
        latest_benchmarks(pd.DataFrame({"indicator": ["x"], "comparator": ["england"], "value": [1.0]}))


@pytest.mark.parametrize(
    ("value", "reference", "polarity", "decimals", "expected", "gap"),
    [
        (72.0, 70.0, "high", 1, "better", 2.0),
        (72.0, 70.0, "low", 1, "worse", 2.0),
        (68.0, 70.0, "low", 1, "better", -2.0),
        (70.04, 70.0, "high", 1, "in_line", 0.04),
        (70.4, 70.0, "high", 0, "in_line", 0.4),
        (72.0, 70.0, "none", 1, None, 2.0),
        (None, 70.0, "high", 1, None, None),
        (72.0, None, "high", 1, None, None),
    ],
)
def test_comparison(value, reference, polarity, decimals, expected, gap):
    f = pd.DataFrame(
        {"value": [value], "polarity": [polarity], "decimals": [decimals], "england_value": [reference]}
    ).astype({"value": float, "england_value": float})
    out = add_comparisons(f, ["england"])
    assert out["england_comparison"].tolist() == [expected]
    if gap is None:
        assert np.isnan(out["england_gap"].iloc[0])
    else:
        assert out["england_gap"].iloc[0] == pytest.approx(gap)


def test_comparison_helper():
    out = comparison(np.array([1.0, 2.0]), np.array([2.0, 2.0]), np.array([0, 0]), np.array([-1, 0]))
    assert out.tolist() == ["better", None]
