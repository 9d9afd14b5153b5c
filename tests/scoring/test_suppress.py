import numpy as np
import pandas as pd

from cpblib.scoring import suppress

CATALOGUE = pd.DataFrame(
    {
        "indicator": ["uasc", "eet", "days"],
        "unit": ["count", "percent", "days"],
        "decimals": pd.array([0, 1, 0], dtype="Int64"),
    }
)


def test_small_counts_are_suppressed_zero_is_not():
    frame = pd.DataFrame({"indicator": ["uasc"] * 6, "value": [0.0, 1.0, 4.0, 5.0, np.nan, 12.0]})
    out = suppress(frame, CATALOGUE, threshold=5, symbol="c")
    assert out["value"].tolist() == ["0", "c", "c", "5", "", "12"]
    assert out["suppressed"].tolist() == [False, True, True, False, False, False]


def test_percentages_with_small_denominators_are_suppressed():
    frame = pd.DataFrame(
        {
            "indicator": ["eet"] * 3,
            "value": [50.0, 2.5, 75.0],
            "numerator": [2.0, 2.0, np.nan],
            "denominator": [4.0, 80.0, np.nan],
        }
    )
    out = suppress(frame, CATALOGUE)
    # 2.5% of 80 is 2 children: the denominator, a total shown elsewhere, would give the suppressed numerator back
    assert out["value"].tolist() == ["c", "c", "75.0"]  # no denominator known: shown
    assert out["numerator"].tolist() == ["c", "c", ""]
    assert out["denominator"].tolist() == ["c", "80", ""]


def test_other_units_are_not_suppressed_by_size():
    frame = pd.DataFrame({"indicator": ["days"], "value": [3.0]})
    assert suppress(frame, CATALOGUE)["value"].tolist() == ["3"]


def test_threshold_and_symbol_are_settings():
    frame = pd.DataFrame({"indicator": ["uasc"] * 2, "value": [5.0, 10.0]})
    assert suppress(frame, CATALOGUE, threshold=10, symbol="*")["value"].tolist() == ["*", "10"]
    assert suppress(frame, CATALOGUE, threshold=0)["value"].tolist() == ["5", "10"]


def test_previous_value_and_revealing_columns():
    frame = pd.DataFrame(
        {
            "indicator": ["uasc", "uasc"],
            "value": [3.0, 30.0],
            "previous_value": [30.0, 2.0],
            "rag_reason": ["3 against target 10: meets target", "30 against target 10: 20 off target"],
            "england_gap": [-7.0, 20.0],
        }
    )
    out = suppress(frame, CATALOGUE)
    assert out["value"].tolist() == ["c", "30"]
    assert out["previous_value"].tolist() == ["30", "c"]
    assert out["rag_reason"].tolist() == ["figure suppressed (small number)", "30 against target 10: 20 off target"]
    assert np.isnan(out["england_gap"].iloc[0]) and out["england_gap"].iloc[1] == 20.0


def test_input_numbers_are_never_altered():
    frame = pd.DataFrame({"indicator": ["uasc", "eet"], "value": [3.0, 50.0], "denominator": [np.nan, 4.0]})
    before = frame.copy(deep=True)
    suppress(frame, CATALOGUE)
    pd.testing.assert_frame_equal(frame, before)


def test_unknown_indicators_are_shown_as_numbers():
    frame = pd.DataFrame({"indicator": ["mystery"], "value": [2.0]})
    assert suppress(frame, CATALOGUE)["value"].tolist() == ["2"]


def test_secondary_suppression_works_out_a_numerator_that_is_not_given():
    catalogue = pd.DataFrame({"indicator": ["eet", "rate", "days"], "unit": ["percent", "rate_per_10000", "days"]})
    frame = pd.DataFrame(
        {
            "indicator": ["eet", "eet", "rate", "rate", "days", "days"],
            "value": [5.0, 50.0, 2.0, 60.0, 30.0, 30.0],
            "denominator": [60.0, 60.0, 10_000.0, 10_000.0, 3.0, 30.0],
        }
    )
    out = suppress(frame, catalogue)
    assert out["value"].tolist() == ["c", "50", "c", "60", "c", "30"]  # 3 of 60; 2 per 10,000 of 10,000; 3 children


def test_previous_figures_follow_the_same_rules():
    frame = pd.DataFrame(
        {"indicator": ["eet"], "value": [50.0], "denominator": [80.0], "previous_value": [2.5],
         "previous_denominator": [80.0]}
    )  # fmt: skip
    assert suppress(frame, CATALOGUE)[["value", "previous_value"]].values.tolist() == [["50.0", "c"]]


def test_a_small_count_given_beside_a_rate_is_suppressed_and_so_is_the_rate():
    from cpblib.scoring import hidden_figures

    catalogue = pd.DataFrame({"indicator": ["cla_rate"], "unit": ["rate_per_10000"]})
    frame = pd.DataFrame(
        {
            "indicator": ["cla_rate"] * 4,
            "period": ["2023-02", "2023-02", "2023-03", "2023-03"],
            "figure": [None, "count", None, "count"],
            "value": [0.6, 3.0, 48.1, 412.0],
        }
    )
    assert hidden_figures(frame, catalogue, 5)["value"].tolist() == [True, True, False, False]
