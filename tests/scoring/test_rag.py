import numpy as np
import pandas as pd
import pytest

from cpblib.config import RagRules
from cpblib.errors import InputError
from cpblib.scoring._rag import add_rag, apply_overrides, resolve_rules


def judged(value, **columns):
    base = {
        "value": value,
        "period": "2023-03",
        "unit": "days",
        "polarity": "low",
        "decimals": 1,
        "rag_method": "target",
        "target": 9.0,
        "range_lower": np.nan,
        "range_upper": np.nan,
        "tolerance": 0.0,
        "tolerance_type": "relative",
        "red_rule": "relative",
        "red_threshold": 10.0,
        "england_value": np.nan,
        "england_comparison": None,
    }
    base.update(columns)
    frame = pd.DataFrame({k: [v] for k, v in base.items()}).astype(
        {"value": float, "target": float, "england_value": float}
    )
    row = add_rag(frame, "2023-03").iloc[0]
    return row["rag"], row["rag_reason"]


# -- target method -------------------------------------------------------------------------------------------------
def test_meets_or_beats_target_is_green():
    assert judged(9.0) == ("green", "9.0 against target 9.0: meets target")
    assert judged(8.0)[0] == "green"
    assert judged(72.5, unit="percent", polarity="high", target=70.0) == (
        "green",
        "72.5% against target 70.0%: meets target",
    )


def test_compares_the_figure_as_printed():
    assert judged(9.04)[0] == "green"  # prints as 9.0
    assert judged(9.05)[0] == "amber"  # prints as 9.1


def test_relative_red_threshold():
    assert judged(9.5) == ("amber", "9.5 against target 9.0: 0.5 off target, within the red threshold (10% of target)")
    assert judged(9.9)[0] == "amber"  # exactly 10% off: not beyond (and no float noise)
    assert judged(10.0) == ("red", "10.0 against target 9.0: 1.0 off target, beyond the red threshold (10% of target)")


def test_absolute_red_threshold():
    assert judged(10.0, red_rule="absolute", red_threshold=2.0)[0] == "amber"
    assert judged(11.0, red_rule="absolute", red_threshold=2.0)[0] == "amber"
    rag, reason = judged(11.1, red_rule="absolute", red_threshold=2.0)
    assert rag == "red" and reason.endswith("2.1 off target, beyond the red threshold (2 points)")


def test_percent_gaps_are_in_points():
    rag, reason = judged(60.0, unit="percent", polarity="high", target=70.0)
    assert rag == "red"
    assert reason == "60.0% against target 70.0%: 10.0 points off target, beyond the red threshold (10% of target)"


def test_tolerance_relative_and_absolute():
    assert judged(9.4, tolerance=5.0) == (
        "green",
        "9.4 against target 9.0: 0.4 off target, within tolerance (5% of target)",
    )
    assert judged(9.5, tolerance=5.0)[0] == "amber"
    assert judged(9.5, tolerance=0.5, tolerance_type="absolute") == (
        "green",
        "9.5 against target 9.0: 0.5 off target, within tolerance (0.5 points)",
    )
    assert judged(9.6, tolerance=0.5, tolerance_type="absolute")[0] == "amber"


def test_worse_than_england_rule():
    rag, reason = judged(12.0, red_rule="worse_than_england", england_value=11.0, england_comparison="worse")
    assert rag == "red" and reason.endswith("3.0 off target and worse than England (11.0)")
    rag, reason = judged(12.0, red_rule="worse_than_england", england_value=13.0, england_comparison="better")
    assert rag == "amber" and reason.endswith("3.0 off target but not worse than England (13.0)")
    rag, reason = judged(12.0, red_rule="worse_than_england")
    assert rag == "amber" and reason.endswith("no England figure to compare with")
    # within tolerance stays green however England compares
    assert judged(9.0, red_rule="worse_than_england", england_comparison="worse")[0] == "green"


def test_red_rule_none_never_red():
    rag, reason = judged(90.0, red_rule="none")
    assert rag == "amber" and reason.endswith("(never Red for this indicator)")


# -- range method: the nearer end plays the part of a target -------------------------------------------------------
def ranged(value, polarity="none", tolerance=0.0, tolerance_type="relative", red_rule="relative", red_threshold=10.0):
    return judged(
        value,
        rag_method="range",
        target=np.nan,
        range_lower=60.0,
        range_upper=70.0,
        polarity=polarity,
        tolerance=tolerance,
        tolerance_type=tolerance_type,
        red_rule=red_rule,
        red_threshold=red_threshold,
        unit="count",
        decimals=0,
    )


def test_range_inside_is_green():
    assert ranged(65.0) == ("green", "65 is inside the expected range 60 to 70")
    assert ranged(60.0)[0] == ranged(70.0)[0] == "green"


def test_range_beyond_the_good_end_is_green():
    assert ranged(80.0, polarity="high") == ("green", "80 is above the expected range 60 to 70 (higher is better)")
    assert ranged(50.0, polarity="low") == ("green", "50 is below the expected range 60 to 70 (lower is better)")


def test_a_range_has_a_real_amber_band():
    # upper end 70: the red threshold is 10% of it, 7; lower end 60: 6
    assert ranged(72.0) == (
        "amber",
        "72 is above the expected range 60 to 70 by 2, within the red threshold (10% of the upper end)",
    )
    assert ranged(77.0)[0] == "amber"  # exactly 7 beyond: not beyond the threshold
    assert ranged(78.0) == (
        "red",
        "78 is above the expected range 60 to 70 by 8, beyond the red threshold (10% of the upper end)",
    )
    assert ranged(54.0) == (
        "amber",
        "54 is below the expected range 60 to 70 by 6, within the red threshold (10% of the lower end)",
    )
    assert ranged(53.0)[0] == "red"


def test_range_tolerance_is_green_as_for_a_target():
    assert ranged(72.0, tolerance=5.0) == (
        "green",
        "72 is above the expected range 60 to 70 by 2, within tolerance (5% of the upper end)",
    )
    assert ranged(74.0, tolerance=5.0)[0] == "amber"
    assert ranged(73.0, tolerance=3.0, tolerance_type="absolute") == (
        "green",
        "73 is above the expected range 60 to 70 by 3, within tolerance (3 points)",
    )


def test_range_red_rules_as_for_a_target():
    assert ranged(75.0, red_rule="absolute", red_threshold=5.0)[0] == "amber"
    rag, reason = ranged(76.0, red_rule="absolute", red_threshold=5.0)
    assert rag == "red" and reason.endswith("by 6, beyond the red threshold (5 points)")
    rag, reason = ranged(99.0, red_rule="none")
    assert rag == "amber" and reason.endswith("by 29 (never Red for this indicator)")
    rag, reason = judged(
        80.0, rag_method="range", target=np.nan, range_lower=60.0, range_upper=70.0, unit="count", decimals=0,
        red_rule="worse_than_england", england_value=75.0, england_comparison="worse",
    )  # fmt: skip
    assert rag == "red" and reason == "80 is above the expected range 60 to 70 by 10 and worse than England (75)"


def test_range_bad_end_by_polarity():
    assert ranged(57.0, polarity="high")[0] == "amber"
    assert ranged(75.0, polarity="high")[0] == "green"
    assert ranged(72.0, polarity="low", tolerance=2.0, tolerance_type="absolute")[0] == "green"
    assert ranged(73.0, polarity="low", tolerance=2.0, tolerance_type="absolute")[0] == "amber"
    assert ranged(50.0, polarity="high")[0] == "red"


# -- how far a figure misses ---------------------------------------------------------------------------------------
def distances(value, **columns):
    base = {"value": value, "period": "2023-03", "unit": "count", "polarity": "low", "decimals": 0,
            "rag_method": "target", "target": 20.0, "range_lower": np.nan, "range_upper": np.nan, "tolerance": 0.0,
            "tolerance_type": "relative", "red_rule": "relative", "red_threshold": 10.0}  # fmt: skip
    base.update(columns)
    row = add_rag(pd.DataFrame({k: [v] for k, v in base.items()}), "2023-03").iloc[0]
    return row["distance"], row["distance_percent"]


def test_distance_from_a_target_or_range():
    assert distances(25.0) == (5.0, 25.0)
    assert distances(15.0) == (0.0, 0.0)  # beats the target
    assert distances(12.0, rag_method="range", target=np.nan, range_lower=5.0, range_upper=10.0) == (2.0, 20.0)
    assert distances(3.0, rag_method="range", target=np.nan, range_lower=5.0, range_upper=10.0) == (0.0, 0.0)
    assert distances(3.0, target=0.0)[0] == 3.0 and np.isnan(distances(3.0, target=0.0)[1])  # no share of zero
    assert all(np.isnan(distances(25.0, rag_method="none")))


# -- no rating -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "columns", "reason"),
    [
        (9.0, {"rag_method": "none"}, "not rated"),
        (9.0, {"polarity": "none"}, "no polarity"),
        (9.0, {"target": np.nan}, "no target for 2023-03"),
        (np.nan, {}, "no value for 2023-03"),
        (9.0, {"rag_method": "range", "range_lower": 1.0}, "no expected range for 2023-03"),
    ],
)
def test_no_rating_says_why(value, columns, reason):
    assert judged(value, **columns) == (None, reason)


# -- rules from the catalogue and the project ----------------------------------------------------------------------
def test_catalogue_rules_override_project_defaults_when_filled():
    catalogue = pd.DataFrame(
        {
            "tolerance": [np.nan, 1.0],
            "tolerance_type": [None, "absolute"],
            "red_rule": [None, "none"],
            "red_threshold": [np.nan, 3.0],
        }
    )
    resolved = resolve_rules(
        catalogue, RagRules(tolerance=2.0, tolerance_type="relative", red_rule="absolute", red_threshold=5.0)
    )
    assert resolved.to_dict("list") == {
        "tolerance": [2.0, 1.0],
        "tolerance_type": ["relative", "absolute"],
        "red_rule": ["absolute", "none"],
        "red_threshold": [5.0, 3.0],
    }


def test_resolve_rules_fills_absent_columns():
    resolved = resolve_rules(pd.DataFrame({"indicator": ["x"]}), RagRules())
    assert resolved[["tolerance", "tolerance_type", "red_rule", "red_threshold"]].iloc[0].tolist() == [
        0.0,
        "relative",
        "relative",
        10.0,
    ]


# -- overrides -----------------------------------------------------------------------------------------------------
def scored_frame():
    return pd.DataFrame(
        {
            "indicator": ["a", "b", "c"],
            "rag": ["amber", None, "green"],
            "rag_reason": ["rule a", "no target for 2023-03", "rule c"],
            "rag_override": [False, False, False],
        }
    )


def test_overrides_for_the_report_month_win():
    overrides = pd.DataFrame(
        {
            "month": ["2023-03", "2023-03", "2023-02"],
            "indicator": ["a", "b", "c"],
            "rag": ["green", "red", "red"],
            "reason": ["agreed by the board", "known data issue", "older"],
        }
    )
    out = apply_overrides(scored_frame(), overrides, "2023-03")
    assert out["rag"].tolist() == ["green", "red", "green"]
    assert out["rag_override"].tolist() == [True, True, False]
    assert out["rag_reason"].tolist() == [
        "Override: agreed by the board (rule gave Amber)",
        "Override: known data issue (rule gave no rating)",
        "rule c",
    ]


def test_overrides_can_name_keys():
    frame = pd.concat([scored_frame().assign(la="838"), scored_frame().assign(la="839")], ignore_index=True)
    overrides = pd.DataFrame({"month": ["2023-03"], "indicator": ["a"], "la": ["839"], "rag": ["red"], "reason": ["x"]})
    out = apply_overrides(frame, overrides, "2023-03", keys=("la",))
    assert out.loc[out["indicator"] == "a", "rag"].tolist() == ["amber", "red"]


def test_bad_override_is_an_input_error():
    overrides = pd.DataFrame({"month": ["2023-03"], "indicator": ["a"], "rag": ["purple"], "reason": ["x"]})
    with pytest.raises(InputError, match=r"overrides.csv, row 2, column 'rag'"):
        apply_overrides(scored_frame(), overrides, "2023-03")


def test_no_overrides_changes_nothing():
    frame = scored_frame()
    pd.testing.assert_frame_equal(apply_overrides(frame, None, "2023-03"), frame)
    empty = pd.DataFrame(columns=["month", "indicator", "rag", "reason"])
    pd.testing.assert_frame_equal(apply_overrides(frame, empty, "2023-03"), frame)
