import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cpblib.present.format import (
    direction_text,
    exception_text,
    format_gap,
    format_value,
    format_values,
    formatted,
    period_text,
    rag_text,
)
from cpblib.scoring import packaged_headings


@pytest.mark.parametrize(
    "value, unit, decimals, text",
    [
        (64.55, "rate_per_10000", 1, "64.6"),
        (0.05, "ratio", 1, "0.1"),
        (2.675, "ratio", 2, "2.68"),
        (-0.04, "score", 1, "0.0"),
        (-1.25, "score", 1, "-1.3"),
        (1234, "count", 0, "1,234"),
        (87, "percent", 1, "87.0%"),
        (None, "count", 0, "–"),
        (math.nan, "percent", 1, "–"),
    ],
)
def test_format_value_rounds_half_away_from_zero(value, unit, decimals, text):
    assert format_value(value, unit, decimals) == text


@settings(max_examples=300, deadline=None)
@given(
    value=st.one_of(
        st.none(),
        st.integers(-(10**12), 10**12),
        st.floats(-1e15, 1e15),
        st.floats(-1e6, 1e6).map(np.float32),
        st.integers(-(10**6), 10**6).map(np.int64),
        st.booleans(),
        st.sampled_from(["12.5", "n/a", "", pd.NA]),
    ),
    unit=st.sampled_from(["count", "percent", "rate_per_10000", "ratio", "score", "days", None]),
    decimals=st.one_of(st.none(), st.integers(0, 3)),
)
def test_one_figure_is_printed_as_in_a_column_of_figures(value, unit, decimals):
    assert format_value(value, unit, decimals) == format_values([value], decimals, unit, missing="–")[0]


def test_format_values_leaves_missing_blank_by_default():
    assert format_values([1.0, None], 0, "count") == ["1", ""]


def test_gaps_carry_their_sign_and_points_for_percentages():
    assert format_gap(-5.45, "rate_per_10000", 1) == "-5.5"
    assert format_gap(3.35, "percent", 1) == "+3.4 pts"
    assert format_gap(0.01, "count", 0) == "0"
    assert format_gap(None, "count", 0) == "–"


def test_words_never_rely_on_colour():
    assert direction_text("worsening") == "✘ Worsening"
    assert direction_text(None) == "No direction"
    assert rag_text("red") == "Red"
    assert exception_text("Reds of concern") == "Reds of concern"
    assert exception_text("Reds of concern", packaged_headings()) == "Concern"
    assert exception_text(None) == ""
    assert period_text("2023-02") == "Feb 23"


def test_formatted_does_not_touch_its_input():
    frame = pd.DataFrame(
        {
            "name": ["A"],
            "unit": ["count"],
            "decimals": [0],
            "period": ["2023-03"],
            "value": [437.0],
            "previous_value": [444.0],
            "target": [420.0],
            "direction": ["improving"],
            "rag": ["amber"],
            "exception": ["Ambers on watching brief"],
        }
    )
    before = frame.copy()
    shown = formatted(frame)
    assert shown.loc[0, "value"] == "437" and shown.loc[0, "direction"] == "✔ Improving"
    pd.testing.assert_frame_equal(frame, before)
