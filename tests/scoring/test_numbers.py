from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cpblib.scoring._numbers import compare_rounded, format_numbers, format_plain, round_half_away, scaled_round


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (0.05, 1, 0.1),
        (0.15, 1, 0.2),
        (0.25, 1, 0.3),  # banker's rounding would give 0.2
        (0.35, 1, 0.4),
        (2.5, 0, 3.0),  # banker's rounding would give 2
        (-2.5, 0, -3.0),
        (-0.05, 1, -0.1),
        (1.005, 2, 1.01),  # 1.005 * 100 is 100.49999999999999 in binary
        (2.675, 2, 2.68),
        (72.45, 1, 72.5),
        (0.04999, 1, 0.0),
        (1234.5, 0, 1235.0),
    ],
)
def test_round_half_away_from_zero(value, decimals, expected):
    assert round_half_away([value], decimals)[0] == expected


def test_rounding_keeps_missing_values_missing():
    assert np.isnan(round_half_away([None, float("nan")], 1)).all()


def test_rounding_accepts_per_value_decimals_including_blank():
    out = round_half_away(pd.Series([1.25, 1.25, 1.25]), pd.Series([0, 1, None], dtype="Int64"))
    assert out.tolist() == [1.0, 1.3, 1.0]


def test_negative_zero_is_plain_zero():
    assert format_numbers([-0.04], 1).tolist() == ["0.0"]
    assert str(round_half_away([-0.04], 1)[0]) == "0.0"


@settings(database=None)
@given(st.integers(-(10**7), 10**7), st.integers(1, 3), st.integers(0, 3))
def test_rounding_matches_decimal_half_up_for_typed_figures(units, places_typed, decimals):
    """Figures as typed (a few decimals) round exactly as the decimal module does."""
    typed = Decimal(units).scaleb(-places_typed)
    expected = typed.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    assert round_half_away([float(typed)], decimals)[0] == float(expected)


def test_scaled_round_counts_in_the_last_place():
    assert scaled_round([72.46], 1).tolist() == [725.0]


def test_compare_rounded_sees_figures_as_printed():
    assert compare_rounded([70.04, 70.05, 69.95], [70.0, 70.0, 70.0], 1).tolist() == [0.0, 1.0, 0.0]
    assert np.isnan(compare_rounded([None], [1.0], 1)[0])


def test_format_numbers_pads_to_decimals_and_adds_suffix():
    assert format_numbers([70, 9.5, None], [1, 2, 1], "%").tolist() == ["70.0%", "9.50%", ""]
    assert format_numbers([437.0], 0).tolist() == ["437"]


def test_format_numbers_rounds_half_away():
    assert format_numbers([0.25, 0.35, 2.5], [1, 1, 0]).tolist() == ["0.3", "0.4", "3"]


def test_format_plain():
    assert format_plain([10.0, 2.5, 0.0]).tolist() == ["10", "2.5", "0"]
