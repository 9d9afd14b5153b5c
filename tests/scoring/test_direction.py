import numpy as np
import pandas as pd
import pytest

from cpblib.scoring._direction import add_direction, missing_value_text, movement, polarity_sign


def frame(**columns):
    base = {
        "value": [71.0],
        "previous_value": [70.0],
        "polarity": ["high"],
        "decimals": [1],
        "period": ["2023-03"],
        "previous_period": ["2023-02"],
        "missing_reason": [None],
        "arrears_months": [0],
    }
    base.update({k: [v] for k, v in columns.items()})
    return pd.DataFrame(base)


@pytest.mark.parametrize(
    ("value", "previous", "polarity", "expected"),
    [
        (71.0, 70.0, "high", "improving"),
        (71.0, 70.0, "low", "worsening"),
        (69.0, 70.0, "high", "worsening"),
        (69.0, 70.0, "low", "improving"),
        (70.04, 70.0, "high", "same"),  # equal as printed at one decimal
        (70.05, 70.0, "high", "improving"),  # 70.1 against 70.0
        (70.0, 70.0, "low", "same"),
    ],
)
def test_direction_through_polarity(value, previous, polarity, expected):
    out = add_direction(frame(value=value, previous_value=previous, polarity=polarity))
    assert out["direction"].tolist() == [expected]
    assert out["direction_reason"].tolist() == [None]


def test_direction_compares_at_each_indicators_decimals():
    assert add_direction(frame(value=70.4, previous_value=70.0, decimals=0))["direction"].tolist() == ["same"]
    assert add_direction(frame(value=70.5, previous_value=70.0, decimals=0))["direction"].tolist() == ["improving"]


@pytest.mark.parametrize(
    ("columns", "reason"),
    [
        ({"polarity": "none"}, "no polarity"),
        ({"value": None}, "no value yet for 2023-03"),
        ({"value": None, "missing_reason": "blank"}, "no value yet for 2023-03"),
        (
            {"value": None, "missing_reason": "suppressed (c): confidential or small number"},
            "value for 2023-03 suppressed (c): confidential or small number",
        ),
        ({"previous_value": None}, "no previous value for 2023-02"),
    ],
)
def test_no_direction_says_why(columns, reason):
    out = add_direction(frame(**columns))
    assert out["direction"].tolist() == [None]
    assert out["direction_reason"].tolist() == [reason]


def test_arrears_are_mentioned():
    out = add_direction(frame(arrears_months=1))
    assert out["direction"].tolist() == ["improving"]
    assert out["direction_reason"].tolist() == ["reported 1 month in arrears"]
    out = add_direction(frame(arrears_months=2, previous_value=None))
    assert out["direction_reason"].tolist() == ["no previous value for 2023-02; reported 2 months in arrears"]


def test_output_is_object_with_none():
    out = add_direction(frame(polarity="none"))
    assert out["direction"].dtype == object and out["direction"].iloc[0] is None


def test_polarity_sign_and_movement_helpers():
    assert polarity_sign(np.array(["high", "low", None, "none"], dtype=object)).tolist() == [1, -1, 0, 0]
    assert movement(np.array([1.0, np.nan]), np.array([0.0, 0.0]), np.array([0, 0]), np.array([1, 1])).tolist() == [
        "improving",
        None,
    ]


def test_missing_value_text():
    periods = np.array(["2023-03"] * 3, dtype=object)
    reasons = np.array([None, "", "not available"], dtype=object)
    assert missing_value_text(periods, reasons).tolist() == [
        "no value yet for 2023-03",
        "no value yet for 2023-03",
        "value for 2023-03 not available",
    ]
