"""Properties that must hold whatever the figures: checked on generated data."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cpblib.inputs.catalogue import validate_indicators
from cpblib.month import Month
from cpblib.scoring import score
from cpblib.scoring._compare import add_comparisons
from cpblib.scoring._direction import add_direction
from cpblib.scoring._numbers import round_half_away
from cpblib.scoring._rag import add_rag

# no example database: tests write nothing into the working tree
QUICK = settings(database=None, deadline=None)
WHOLE_RUNS = settings(QUICK, max_examples=15, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

RANK = {"green": 0, "amber": 1, "red": 2}
SWAP = {
    "improving": "worsening",
    "worsening": "improving",
    "same": "same",
    None: None,
    "better": "worse",
    "worse": "better",
    "in_line": "in_line",
}

figures = st.floats(min_value=-1000, max_value=1000, allow_nan=False, allow_infinity=False)
decimals = st.integers(0, 3)


def direction_frame(value, previous, polarity, places, england=np.nan):
    return pd.DataFrame(
        {
            "value": [value],
            "previous_value": [previous],
            "polarity": [polarity],
            "decimals": [places],
            "period": ["2023-03"],
            "previous_period": ["2023-02"],
            "missing_reason": [None],
            "arrears_months": [0],
            "england_value": [england],
        }
    )


@QUICK
@given(figures | st.just(np.nan), figures | st.just(np.nan), figures | st.just(np.nan), decimals)
def test_flipping_polarity_swaps_improving_and_worsening_and_better_and_worse(value, previous, england, places):
    high = add_comparisons(add_direction(direction_frame(value, previous, "high", places, england)), ["england"])
    low = add_comparisons(add_direction(direction_frame(value, previous, "low", places, england)), ["england"])
    assert low["direction"].iloc[0] == SWAP[high["direction"].iloc[0]]
    assert low["england_comparison"].iloc[0] == SWAP[high["england_comparison"].iloc[0]]


@QUICK
@given(
    st.integers(-(10**6), 10**6),
    decimals,
    st.floats(-0.49, 0.49),
    st.floats(-0.49, 0.49),
    st.sampled_from(["high", "low"]),
)
def test_equal_at_display_precision_is_same(units, places, nudge_a, nudge_b, polarity):
    step = 10.0**-places
    a, b = (units + nudge_a) * step, (units + nudge_b) * step
    assume(round_half_away([a], places)[0] == round_half_away([b], places)[0])
    out = add_comparisons(add_direction(direction_frame(a, b, polarity, places, b)), ["england"])
    assert out["direction"].iloc[0] == "same"
    assert out["england_comparison"].iloc[0] == "in_line"


# -- RAG -----------------------------------------------------------------------------------------------------------
target_rules = st.fixed_dictionaries(
    {
        "polarity": st.sampled_from(["high", "low"]),
        "decimals": decimals,
        "target": st.floats(-500, 500, allow_nan=False),
        "tolerance": st.sampled_from([0.0, 1.0, 2.5, 5.0, 10.0]),
        "tolerance_type": st.sampled_from(["relative", "absolute"]),
        "red_rule": st.sampled_from(["relative", "absolute", "worse_than_england", "none"]),
        "red_threshold": st.sampled_from([0.0, 5.0, 10.0, 20.0]),
        "england_value": st.floats(-500, 500, allow_nan=False) | st.just(np.nan),
    }
)
range_rules = st.fixed_dictionaries(
    {
        "polarity": st.sampled_from(["high", "low"]),
        "decimals": decimals,
        "range_lower": st.floats(-500, 500, allow_nan=False),
        "width": st.floats(0, 200, allow_nan=False),
        "tolerance": st.sampled_from([0.0, 1.0, 2.5, 5.0, 10.0]),
        "tolerance_type": st.sampled_from(["relative", "absolute"]),
    }
)


def rag_of(values: list[float], method: str, rules: dict) -> list[str | None]:
    rules = dict(rules)
    if method == "range":
        rules["range_upper"] = rules["range_lower"] + rules.pop("width")
        rules.update(target=np.nan, red_rule="relative", red_threshold=10.0, england_value=np.nan)
    else:
        rules.update(range_lower=np.nan, range_upper=np.nan)
    n = len(values)
    frame = pd.DataFrame(
        {
            "value": values,
            "period": "2023-03",
            "unit": "score",
            "rag_method": method,
            **{k: [v] * n for k, v in rules.items()},
        }
    )
    return add_rag(add_comparisons(frame, ["england"]), "2023-03")["rag"].tolist()


def worse_by(value: float, amount: float, polarity: str) -> float:
    return value - amount if polarity == "high" else value + amount


@QUICK
@given(target_rules, figures, st.floats(0, 500, allow_nan=False))
def test_target_rag_never_improves_when_the_figure_moves_the_wrong_way(rules, value, amount):
    before, after = rag_of([value, worse_by(value, amount, rules["polarity"])], "target", rules)
    assert RANK[after] >= RANK[before]


@QUICK
@given(range_rules, figures, st.floats(0, 500, allow_nan=False))
def test_range_rag_never_improves_when_the_figure_moves_the_wrong_way(rules, value, amount):
    before, after = rag_of([value, worse_by(value, amount, rules["polarity"])], "range", rules)
    assert RANK[after] >= RANK[before]


@QUICK
@given(target_rules, st.floats(0, 500, allow_nan=False))
def test_a_figure_meeting_its_target_is_never_red(rules, beyond):
    target = round_half_away([rules["target"]], rules["decimals"])[0]
    rules = {**rules, "target": target}
    value = target + beyond if rules["polarity"] == "high" else target - beyond
    assert rag_of([value], "target", rules) == ["green"]


# -- whole runs ----------------------------------------------------------------------------------------------------
INDICATORS = ["alpha", "beta", "gamma", "delta"]


@st.composite
def worlds(draw):
    rows = []
    for name in INDICATORS:
        method = draw(st.sampled_from(["target", "range", "none"]))
        rows.append(
            {
                "indicator": name,
                "name": name.title(),
                "domain": draw(st.sampled_from(["Profile", "Health"])),
                "unit": draw(st.sampled_from(["count", "percent", "days"])),
                "polarity": draw(st.sampled_from(["high", "low"] if method == "target" else ["high", "low", "none"])),
                "decimals": draw(decimals),
                "frequency": draw(st.sampled_from(["monthly", "quarterly", "termly", "annual"])),
                "period_type": "snapshot",
                "arrears_months": draw(st.integers(0, 2)),
                "year_type": draw(st.sampled_from(["financial", "academic"])),
                "rag_method": method,
                "tolerance": draw(st.sampled_from([None, 0, 5])),
                "red_rule": draw(st.sampled_from([None, "absolute", "worse_than_england", "none"])),
            }
        )
    catalogue = validate_indicators(pd.DataFrame(rows).astype(object).where(pd.DataFrame(rows).notna(), None))
    las = draw(st.lists(st.sampled_from(["838", "839", "840"]), min_size=1, max_size=3, unique=True))
    periods = [str(Month(2020, 1) + i) for i in range(40)]
    records = []
    for la in las:
        for name in INDICATORS:
            for period in draw(st.lists(st.sampled_from(periods), max_size=12, unique=True)):
                value = draw(st.floats(0, 100, allow_nan=False) | st.just(np.nan))
                records.append(
                    {
                        "la": la,
                        "indicator": name,
                        "period": period,
                        "value": value,
                        "missing_reason": "suppressed (c)" if np.isnan(value) else None,
                    }
                )
    values = pd.DataFrame.from_records(records, columns=["la", "indicator", "period", "value", "missing_reason"])
    values["missing_reason"] = values["missing_reason"].astype(object)
    targets = pd.DataFrame(
        {
            "indicator": INDICATORS,
            "from_month": "2020-04",
            "target": [draw(st.floats(0, 100)) for _ in INDICATORS],
            "range_lower": 20.0,
            "range_upper": 60.0,
        }
    )
    benchmarks = pd.DataFrame(
        {
            "indicator": INDICATORS,
            "comparator": "england",
            "year": "2021-22",
            "value": [draw(st.floats(0, 100)) for _ in INDICATORS],
        }
    )
    overrides = pd.DataFrame(
        {"month": ["2023-03"], "indicator": [draw(st.sampled_from(INDICATORS))], "rag": ["green"], "reason": ["agreed"]}
    )
    return catalogue, values, targets, benchmarks, overrides


@WHOLE_RUNS
@given(worlds())
def test_inputs_are_never_mutated(world):
    catalogue, values, targets, benchmarks, overrides = world
    before = copy.deepcopy(world)
    score(values, catalogue, "2023-03", targets=targets, benchmarks=benchmarks, overrides=overrides, keys=("la",))
    for original, kept in zip(before, world):
        pd.testing.assert_frame_equal(original, kept)


@WHOLE_RUNS
@given(worlds())
def test_scoring_by_key_equals_scoring_each_key_alone(world):
    catalogue, values, targets, benchmarks, overrides = world
    options = {"targets": targets, "benchmarks": benchmarks, "overrides": overrides}
    together = score(values, catalogue, "2023-03", keys=("la",), **options)
    for la, alone_values in values.groupby("la"):
        alone = score(alone_values.drop(columns="la"), catalogue, "2023-03", **options)
        mine = together.loc[together["la"] == la].drop(columns="la").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone, check_dtype=False)
