import numpy as np
import pandas as pd
import pytest

from cpblib.config import Calendar
from cpblib.errors import InputError
from cpblib.scoring import rollup


def catalogue(**columns):
    base = {"indicator": ["x"], "unit": ["count"], "frequency": ["monthly"], "period_type": ["in_period"]}
    base.update({k: [v] for k, v in columns.items()})
    return pd.DataFrame(base)


def values(periods, figures, numerator=None, denominator=None, indicator="x", reasons=None):
    frame = pd.DataFrame({"indicator": indicator, "period": periods, "value": np.array(figures, dtype=float)})
    if numerator is not None:
        frame["numerator"] = np.array(numerator, dtype=float)
        frame["denominator"] = np.array(denominator, dtype=float)
    frame["missing_reason"] = pd.Series(reasons or [None] * len(periods), dtype=object)
    return frame


Q1 = ["2023-04", "2023-05", "2023-06"]


def test_in_period_counts_add_up():
    out = rollup(values(Q1, [10, 12, 9]), catalogue())
    assert out[["period", "label", "value"]].values.tolist() == [["2023-06", "2023-24 Q1", 31.0]]
    assert out["missing_reason"].tolist() == [None]


def test_incomplete_quarter_is_missing_with_a_reason():
    out = rollup(values(Q1[:2] + ["2023-07"], [10, 12, 5]), catalogue())
    assert np.isnan(out["value"]).all()
    assert out["missing_reason"].tolist() == [
        "2 of 3 periods of the quarter have a figure",
        "1 of 3 periods of the quarter have a figure",
    ]


def test_snapshot_takes_the_last_month():
    out = rollup(values(Q1, [440, 445, 437]), catalogue(period_type="snapshot"))
    assert out["value"].tolist() == [437.0]
    for period_type in ("rolling_12m", "rolling_6m", "year_to_date"):
        assert rollup(values(Q1, [1, 2, 3]), catalogue(period_type=period_type))["value"].tolist() == [3.0]


def test_snapshot_without_the_last_month_is_missing():
    out = rollup(values(Q1[:2], [440, 445]), catalogue(period_type="snapshot"))
    assert np.isnan(out["value"].iloc[0])
    assert out["missing_reason"].iloc[0] == "no figure for the last month of the quarter (2023-06)"
    out = rollup(
        values(Q1, [440, 445, None], reasons=[None, None, "suppressed (c)"]), catalogue(period_type="snapshot")
    )
    assert out["missing_reason"].iloc[0] == "no figure for the last month of the quarter (2023-06): suppressed (c)"


def test_in_period_percentage_recomputed_from_numerator_and_denominator():
    out = rollup(values(Q1, [20, 25, 20], [2, 3, 2], [10, 12, 10]), catalogue(unit="percent"))
    assert out["value"].iloc[0] == pytest.approx(700 / 32)
    assert out[["numerator", "denominator"]].iloc[0].tolist() == [7.0, 32.0]


def test_rates_per_10000_scale():
    out = rollup(values(Q1, [1, 1, 1], [1, 2, 3], [10000, 10000, 10000]), catalogue(unit="rate_per_10000"))
    assert out["value"].iloc[0] == pytest.approx(2.0)


def test_in_period_percentage_without_parts_is_never_a_mean():
    out = rollup(values(Q1, [20, 25, 20]), catalogue(unit="percent"))
    assert np.isnan(out["value"].iloc[0])
    assert "needs a numerator and denominator" in out["missing_reason"].iloc[0]
    out = rollup(values(Q1, [5, 6, 7]), catalogue(unit="days"))
    assert np.isnan(out["value"].iloc[0])


def test_zero_denominator():
    out = rollup(values(Q1, [0, 0, 0], [0, 0, 0], [0, 0, 0]), catalogue(unit="percent"))
    assert out["missing_reason"].iloc[0] == "the denominator is zero"


def test_snapshot_percentage_keeps_period_end_parts():
    out = rollup(values(Q1, [20, 25, 30], [2, 3, 3], [10, 12, 10]), catalogue(unit="percent", period_type="snapshot"))
    assert out[["value", "numerator", "denominator"]].iloc[0].tolist() == [30.0, 3.0, 10.0]


def test_financial_year():
    months = [
        f"{y}-{m:02d}"
        for y, m in [
            (2022, 4),
            (2022, 5),
            (2022, 6),
            (2022, 7),
            (2022, 8),
            (2022, 9),
            (2022, 10),
            (2022, 11),
            (2022, 12),
            (2023, 1),
            (2023, 2),
            (2023, 3),
        ]
    ]
    out = rollup(values(months, [1] * 12), catalogue(), to="financial_year")
    assert out[["period", "label", "value"]].values.tolist() == [["2023-03", "2022-23", 12.0]]
    out = rollup(values(months, list(range(12))), catalogue(period_type="snapshot"), to="financial_year")
    assert out["value"].tolist() == [11.0]


def test_quarterly_figures_roll_up_to_the_year():
    out = rollup(
        values(["2022-06", "2022-09", "2022-12", "2023-03"], [1, 2, 3, 4]),
        catalogue(frequency="quarterly"),
        to="financial_year",
    )
    assert out["value"].tolist() == [10.0]
    # a monthly series of a quarterly figure: only the quarter ends count
    out = rollup(values(Q1, [5, 6, 7]), catalogue(frequency="quarterly"))
    assert out["value"].tolist() == [7.0]


def test_periods_that_do_not_fit_are_missing():
    out = rollup(values(["2023-07"], [4]), catalogue(frequency="termly"))
    assert out["missing_reason"].tolist() == ["the indicator's own periods do not fit the quarter"]
    out = rollup(values(["2022-08"], [4]), catalogue(frequency="annual", year_type="academic"), to="financial_year")
    assert out["missing_reason"].tolist() == ["the indicator's own periods do not fit the financial year"]


def test_terms_fit_the_financial_year():
    out = rollup(
        values(["2022-07", "2022-12", "2023-03"], [1, 2, 3]), catalogue(frequency="termly"), to="financial_year"
    )
    # the terms ending July, December and March tile April to March
    assert out[["label", "value", "missing_reason"]].values.tolist() == [["2022-23", 6.0, None]]


def test_calendar_year_labels():
    out = rollup(
        values(["2023-01", "2023-02", "2023-03"], [1, 1, 1]), catalogue(), calendar=Calendar(financial_year_start=1)
    )
    assert out[["period", "label", "value"]].values.tolist() == [["2023-03", "2023 Q1", 3.0]]


def test_order_keys_and_unknown_indicators():
    frame = pd.concat(
        [
            values(Q1, [1, 1, 1], indicator="b").assign(la="839"),
            values(Q1, [2, 2, 2], indicator="a").assign(la="838"),
            values(Q1, [3, 3, 3], indicator="b").assign(la="838"),
            values(Q1, [4, 4, 4], indicator="zzz").assign(la="838"),
        ]
    )
    cat = pd.DataFrame({"indicator": ["b", "a"], "unit": "count", "frequency": "monthly", "period_type": "in_period"})
    out = rollup(frame, cat, keys=("la",))
    assert out[["la", "indicator", "value"]].values.tolist() == [
        ["838", "b", 9.0],
        ["838", "a", 6.0],
        ["839", "b", 3.0],
    ]


def test_bad_arguments():
    with pytest.raises(ValueError, match="to must be"):
        rollup(values(Q1, [1, 1, 1]), catalogue(), to="month")
    with pytest.raises(InputError, match="not a period"):
        rollup(values(["2023-13"], [1]), catalogue())
