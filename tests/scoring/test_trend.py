import numpy as np
import pandas as pd
import pytest

from cpblib.scoring._trend import add_trend, trend, worsening_run

nan = np.nan


def latest_first(*oldest_first):
    return np.array([list(reversed(oldest_first))], dtype=float)


@pytest.mark.parametrize(
    ("figures", "decimals", "expected"),
    [
        ((1, 2, 3, 4, 5, 6), 0, "up"),
        ((6, 5, 4, 3, 2, 1), 0, "down"),
        ((5, 5, 5, 5, 5, 5), 0, "flat"),
        ((5.0, 5.01, 5.0, 5.02, 5.0, 5.01), 1, "flat"),  # the fitted change prints as 0.0
        ((5.0, 5.01, 5.0, 5.02, 5.0, 5.01), 2, "up"),
        ((nan, nan, nan, 1, 2, 3), 0, "up"),
        ((1, nan, 2, nan, 3, nan), 0, "up"),
        ((nan, nan, nan, nan, 1, 2), 0, None),  # two figures are not a trend
        ((nan,) * 6, 0, None),
    ],
)
def test_trend(figures, decimals, expected):
    assert trend(latest_first(*figures), np.array([decimals])).tolist() == [expected]


def test_trend_is_raw_direction_not_polarity():
    frame = pd.DataFrame({"polarity": ["low", "high"], "decimals": [0, 0]})
    for step, value in enumerate([6, 5, 4]):
        frame[f"_v{step}"] = float(value)
    assert add_trend(frame)["trend"].tolist() == ["up", "up"]


def test_trend_flat_threshold_uses_half_away_rounding():
    # slope 0.01 over a span of 5 positions is a fitted change of 0.05: prints as 0.1, so up
    assert trend(latest_first(1.0, 1.01, 1.02, 1.03, 1.04, 1.05), np.array([1])).tolist() == ["up"]
    assert trend(latest_first(1.0, 1.008, 1.016, 1.024, 1.032, 1.04), np.array([1])).tolist() == ["flat"]


@pytest.mark.parametrize(
    ("figures", "sign", "expected"),
    [
        ((1, 2, 3, 4, 5, 6), 1, 0),
        ((1, 2, 3, 4, 5, 6), -1, 5),
        ((6, 5, 4, 3, 2, 1), 1, 5),
        ((1, 2, 3, 3, 2, 1), 1, 2),  # stops at the unchanged step
        ((5, 4, nan, 3, 2, 1), 1, 2),  # stops at the missing figure
        ((5, 4, 3, 2, 1, nan), 1, 0),  # latest figure missing
        ((6, 5, 4, 3, 2, 1), 0, 0),  # no polarity
        ((1.0, 1.04, 1.0, 0.9, 0.8, 0.7), 1, 3),  # 1.04 prints as 1.0: the step to it is not worsening
    ],
)
def test_worsening_run(figures, sign, expected):
    assert worsening_run(latest_first(*figures), np.array([1]), np.array([sign])).tolist() == [expected]


def test_add_trend_columns():
    frame = pd.DataFrame({"polarity": ["high"], "decimals": [0], **{f"_v{k}": [float(6 - k)] for k in range(6)}})
    out = add_trend(frame)
    assert out["trend"].tolist() == ["up"]  # _v0 (latest) is 6, the oldest is 1
    assert out["worsening_periods"].tolist() == [0]
    assert out["worsening_periods"].dtype == np.int64
