import numpy as np
import pandas as pd
import pytest

from cpblib.config import Calendar, RagRules
from cpblib.errors import InputError
from cpblib.scoring import score
from cpblib.scoring._score import SCORED_COLUMNS, scored_columns

COMPARATOR_COLUMNS = [
    f"{c}_{f}" for c in ("england", "region", "sn", "good_sn") for f in ("value", "year", "gap", "comparison")
]


@pytest.fixture
def pack(catalogue, history, months):
    cat = catalogue(
        {"indicator": "cic-rate", "polarity": "low", "decimals": 1, "headline": "cic_rate"},
        {
            "indicator": "eet",
            "name": "Care leavers in EET",
            "domain": "Care leavers",
            "unit": "percent",
            "polarity": "high",
            "decimals": 0,
            "arrears_months": 1,
        },
        {"indicator": "uasc", "name": "UASC", "unit": "count", "polarity": "none", "rag_method": "none", "decimals": 0},
        {"indicator": "old", "name": "Retired", "last_month": "2022-12"},
        {
            "indicator": "stability",
            "name": "Placement stability",
            "domain": "Placements",
            "unit": "percent",
            "polarity": "high",
            "rag_method": "range",
            "decimals": 0,
            "frequency": "quarterly",
            "tolerance": 2,
            "tolerance_type": "absolute",
        },
    )
    values = history(
        {
            "cic-rate": months("2022-10", [66.0, 66.1, 65.5, 65.9, 65.2, 64.8]),
            "eet": months("2022-10", [55, 56, 57, 58, 59, None]),
            "uasc": months("2022-10", [40, 41, 42, 43, 44, 45]),
            "old": months("2022-10", [1, 2, 3, 4, 5, 6]),
            "stability": {"2022-06": 70.0, "2022-09": 68.0, "2022-12": 66.0, "2023-03": 64.0},
        }
    )
    targets = pd.DataFrame(
        {
            "indicator": ["cic-rate", "cic-rate", "eet", "stability"],
            "from_month": ["2022-04", "2023-04", "2022-04", "2022-04"],
            "target": [60.0, 50.0, 60.0, np.nan],
            "range_lower": [np.nan, np.nan, np.nan, 65.0],
            "range_upper": [np.nan, np.nan, np.nan, 75.0],
            "source": [None] * 4,
        }
    )
    benchmarks = pd.DataFrame(
        {
            "indicator": ["cic-rate", "cic-rate", "eet"],
            "comparator": ["england", "england", "sn"],
            "year": ["2020-21", "2021-22", "2021-22"],
            "value": [67.0, 70.0, 59.0],
            "source": [None] * 3,
        }
    )
    return cat, values, targets, benchmarks


def test_one_row_per_active_indicator_in_catalogue_order(pack):
    cat, values, targets, benchmarks = pack
    out = score(values, cat, "2023-03", targets=targets, benchmarks=benchmarks)
    assert out["indicator"].tolist() == ["cic-rate", "eet", "uasc", "stability"]
    assert out.columns.tolist()[: len(SCORED_COLUMNS)] == list(SCORED_COLUMNS)
    assert list(SCORED_COLUMNS[-16:]) == COMPARATOR_COLUMNS


def test_scored_rows(pack):
    cat, values, targets, benchmarks = pack
    out = score(values, cat, "2023-03", targets=targets, benchmarks=benchmarks).set_index("indicator")

    cic = out.loc["cic-rate"]
    assert (cic["period"], cic["value"], cic["previous_period"], cic["previous_value"]) == (
        "2023-03",
        64.8,
        "2023-02",
        65.2,
    )
    assert (cic["direction"], cic["rag"], cic["exception"], cic["trend"], cic["worsening_periods"]) == (
        "improving",
        "amber",
        "Ambers on watching brief",
        "down",
        0,
    )
    assert cic["exception_reason"] == "Amber; improving or no direction" and not cic["exception_override"]
    assert (cic["distance"], round(cic["distance_percent"], 2)) == (pytest.approx(4.8), 8.0)
    assert cic["target"] == 60.0  # the 2023-04 target is not yet in force
    assert cic["rag_reason"] == "64.8 against target 60.0: 4.8 off target, within the red threshold (10% of target)"
    assert (cic["england_value"], cic["england_year"], cic["england_comparison"]) == (70.0, "2021-22", "better")
    assert cic["england_gap"] == pytest.approx(-5.2)
    assert cic["region_value"] != cic["region_value"] and cic["region_comparison"] is None

    eet = out.loc["eet"]  # one month in arrears: February is the latest period
    assert (eet["period"], eet["value"], eet["previous_value"]) == ("2023-02", 59.0, 58.0)
    assert eet["direction"] == "improving" and eet["direction_reason"] == "reported 1 month in arrears"
    assert eet["rag"] == "amber" and eet["sn_comparison"] == "in_line"

    uasc = out.loc["uasc"]
    assert (uasc["rag"], uasc["rag_reason"], uasc["direction"], uasc["direction_reason"]) == (
        None,
        "not rated",
        None,
        "no polarity",
    )
    assert uasc["exception"] is None and uasc["trend"] == "up" and uasc["worsening_periods"] == 0

    stability = out.loc["stability"]  # quarterly, against an expected range
    assert (stability["period"], stability["previous_period"], stability["value"]) == ("2023-03", "2022-12", 64.0)
    assert stability["rag"] == "green" and stability["direction"] == "worsening" and stability["worsening_periods"] == 3
    assert (
        stability["rag_reason"] == "64% is below the expected range 65% to 75% by 1 points, within tolerance (2 points)"
    )
    assert stability["exception"] is None  # a Green that worsened is under none of the five headings


def test_output_types(pack):
    cat, values, targets, benchmarks = pack
    out = score(values, cat, "2023-03", targets=targets, benchmarks=benchmarks)
    for column in (
        "direction",
        "direction_reason",
        "rag",
        "rag_reason",
        "exception",
        "trend",
        "missing_reason",
        "england_year",
        "england_comparison",
        "period",
    ):
        assert out[column].dtype == object, column
    assert out["rag_override"].dtype == bool
    assert out["worsening_periods"].dtype == np.int64
    assert out["value"].dtype == np.float64
    assert out["month"].unique().tolist() == ["2023-03"]
    assert out["rag_reason"].notna().all()


def test_missing_value_reasons(pack, history, months):
    cat, values, targets, _benchmarks = pack
    values = values.copy()
    values.loc[(values["indicator"] == "cic-rate") & (values["period"] == "2023-03"), ["value", "missing_reason"]] = [
        np.nan,
        "suppressed (c): confidential or small number",
    ]
    row = score(values, cat, "2023-03", targets=targets).set_index("indicator").loc["cic-rate"]
    assert row["direction_reason"] == "value for 2023-03 suppressed (c): confidential or small number"
    assert row["rag_reason"] == "no value for 2023-03"
    assert row["missing_reason"] == "suppressed (c): confidential or small number"
    row = score(values.iloc[0:0], cat, "2023-03").set_index("indicator").loc["cic-rate"]
    assert (row["direction_reason"], row["rag_reason"]) == ("no value yet for 2023-03", "no target for 2023-03")


def test_overrides_and_project_rules(pack):
    cat, values, targets, _benchmarks = pack
    overrides = pd.DataFrame({"month": ["2023-03"], "indicator": ["cic-rate"], "rag": ["green"], "reason": ["agreed"]})
    row = score(values, cat, "2023-03", targets=targets, overrides=overrides).set_index("indicator").loc["cic-rate"]
    assert (row["rag"], row["rag_override"], row["rag_reason"], row["exception"]) == (
        "green",
        True,
        "Override: agreed (rule gave Amber)",
        "Greens to celebrate",
    )
    strict = score(values, cat, "2023-03", targets=targets, rules=RagRules(red_rule="absolute", red_threshold=1.0))
    assert strict.set_index("indicator").loc["cic-rate", "rag"] == "red"


def test_catalogue_rules_win_over_project_rules(pack):
    cat, values, targets, _benchmarks = pack
    cat = cat.copy()
    cat.loc[cat["indicator"] == "cic-rate", ["tolerance", "tolerance_type"]] = [5.0, "absolute"]
    row = (
        score(values, cat, "2023-03", targets=targets, rules=RagRules(tolerance=0.0))
        .set_index("indicator")
        .loc["cic-rate"]
    )
    assert row["rag"] == "green" and row["rag_reason"].endswith("within tolerance (5 points)")


def test_headings_can_be_replaced(pack):
    cat, values, targets, _benchmarks = pack
    headings = pd.DataFrame(
        {"heading": ["Worsening for a quarter or more", "Off target"], "rag": ["green|amber|red", "amber|red"],
         "worsening_periods": [">=3", None]}
    )  # fmt: skip
    out = score(values, cat, "2023-03", targets=targets, headings=headings).set_index("indicator")
    assert out.loc["cic-rate", "exception"] == "Off target"
    assert out.loc["stability", "exception"] == "Worsening for a quarter or more"
    assert out.loc["stability", "exception_reason"] == "Green, amber or red; worsening 3 or more periods in a row"


def test_an_analyst_sets_a_heading_and_the_rag_that_goes_with_it(pack):
    cat, values, targets, _benchmarks = pack
    overrides = pd.DataFrame(
        {"month": ["2023-03", "2023-03"], "indicator": ["cic-rate", "eet"], "rag": ["red", None],
         "heading": ["Reds of concern", "Ambers of concern"], "reason": ["rising again in April", "fourth dip"]}
    )  # fmt: skip
    out = score(values, cat, "2023-03", targets=targets, overrides=overrides).set_index("indicator")
    assert out.loc["cic-rate", ["rag", "rag_override", "exception", "exception_override"]].tolist() == [
        "red", True, "Reds of concern", True,
    ]  # fmt: skip
    assert out.loc["cic-rate", "exception_reason"] == "set by the analyst: rising again in April"
    assert out.loc["eet", ["rag", "rag_override", "exception"]].tolist() == ["amber", False, "Ambers of concern"]
    contradicting = overrides.assign(rag=[None, None])
    with pytest.raises(InputError, match="row 2, column 'heading': 'Reds of concern' lists Red indicators"):
        score(values, cat, "2023-03", targets=targets, overrides=contradicting)


def test_council_comparators_are_scored_like_the_built_in_ones(pack):
    cat, values, targets, benchmarks = pack
    own = pd.DataFrame(
        {"indicator": ["cic-rate", "cic-rate", "cic-rate"], "comparator": ["last_year", "outstanding", "outstanding"],
         "year": ["2021-22", "2016-19", "2013-16"], "value": [66.0, 62.0, 50.0], "source": [None] * 3}
    )  # fmt: skip
    comparators = ["england", "region", "sn", "good_sn", "last_year", "outstanding"]
    out = score(
        values, cat, "2023-03", targets=targets, benchmarks=pd.concat([benchmarks, own]), comparators=comparators
    )
    assert out.columns.tolist()[: len(scored_columns(comparators))] == list(scored_columns(comparators))
    cic = out.set_index("indicator").loc["cic-rate"]
    assert (cic["last_year_value"], cic["last_year_year"], cic["last_year_comparison"]) == (66.0, "2021-22", "better")
    assert cic["last_year_gap"] == pytest.approx(-1.2)
    assert (cic["outstanding_value"], cic["outstanding_year"], cic["outstanding_comparison"]) == (
        62.0, "2016-19", "worse",
    )  # fmt: skip


def test_comparators_and_calendar(pack):
    cat, values, _targets, benchmarks = pack
    out = score(values, cat, "2023-03", benchmarks=benchmarks, comparators=["england"])
    assert not any(c.startswith(("region_", "sn_", "good_sn_")) for c in out.columns)
    out = score(values, cat, "2023-02", calendar=Calendar(financial_year_start=2))  # quarters end Jan, Apr, Jul, Oct
    assert out.set_index("indicator").loc["stability", "period"] == "2023-01"


def test_inactive_indicators_are_left_out(pack):
    cat, values, _targets, _benchmarks = pack
    assert "old" in score(values, cat, "2022-12")["indicator"].tolist()
    assert "old" not in score(values, cat, "2023-01")["indicator"].tolist()


def test_keys_give_one_row_per_key_and_indicator(pack):
    cat, values, targets, _benchmarks = pack
    both = pd.concat([values.assign(la="839"), values.assign(la="838", value=values["value"] + 1)], ignore_index=True)
    out = score(both, cat, "2023-03", targets=targets, keys=("la",))
    assert out.columns[0] == "la"
    assert out[["la", "indicator"]].values.tolist() == [
        [la, i] for la in ("838", "839") for i in ("cic-rate", "eet", "uasc", "stability")
    ]
    assert out.loc[(out["la"] == "838") & (out["indicator"] == "cic-rate"), "value"].tolist() == [65.8]


def test_accepts_a_plain_catalogue_and_month_objects():
    from cpblib.month import Month

    cat = pd.DataFrame(
        {
            "indicator": ["x"],
            "name": ["X"],
            "domain": ["D"],
            "unit": ["count"],
            "polarity": ["high"],
            "decimals": [0],
            "frequency": ["monthly"],
            "period_type": ["snapshot"],
            "rag_method": ["none"],
        }
    )
    values = pd.DataFrame({"indicator": ["x", "x"], "period": ["2023-02", "2023-03"], "value": [1.0, 2.0]})
    out = score(values, cat, Month(2023, 3))
    assert out[["value", "direction", "rag_reason"]].values.tolist() == [[2.0, "improving", "not rated"]]


def test_bad_values_frame_is_an_input_error(pack):
    cat, values, _targets, _benchmarks = pack
    with pytest.raises(InputError, match="no column 'value'"):
        score(values.drop(columns="value"), cat, "2023-03")


# -- late figures -------------------------------------------------------------------------------------------
def late_pack(catalogue, history, march):
    cat = catalogue({"indicator": "cic-rate", "polarity": "low", "decimals": 1})
    values = history({"cic-rate": {"2022-12": 66.0, "2023-01": 65.0, "2023-02": 64.0, "2023-03": march}})
    targets = pd.DataFrame({"indicator": ["cic-rate"], "from_month": ["2022-04"], "target": [60.0]})
    return values, cat, targets


def test_a_late_figure_is_replaced_by_the_latest_available_and_its_direction_is_from_the_period_before(
    catalogue, history
):
    values, cat, targets = late_pack(catalogue, history, None)  # blank in the extract
    row = score(values, cat, "2023-03", targets=targets).iloc[0]
    assert (row["due_period"], row["period"], row["previous_period"]) == ("2023-03", "2023-02", "2023-01")
    assert (row["value"], row["previous_value"]) == (64.0, 65.0)
    assert row["direction"] == "improving" and row["missing_reason"] == "blank"
    assert row["rag"] == "amber"  # 64.0 against 60.0, within the red threshold


def test_a_figure_absent_from_the_data_is_late_too(catalogue, history):
    values, cat, targets = late_pack(catalogue, history, None)
    values = values.loc[values["period"] != "2023-03"]
    row = score(values, cat, "2023-03", targets=targets).iloc[0]
    assert (row["period"], row["value"], row["missing_reason"]) == ("2023-02", 64.0, "not in the data")


def test_a_suppressed_figure_is_the_figure_of_its_period_not_late(catalogue, history):
    values, cat, targets = late_pack(catalogue, history, None)
    values = values.assign(missing_reason=values["missing_reason"].replace({"blank": "suppressed (c): small number"}))
    row = score(values, cat, "2023-03", targets=targets).iloc[0]
    assert row["period"] == row["due_period"] == "2023-03" and np.isnan(row["value"])
    assert row["direction"] is None


def test_a_figure_on_time_is_its_own_due_period(catalogue, history):
    values, cat, targets = late_pack(catalogue, history, 63.0)
    row = score(values, cat, "2023-03", targets=targets).iloc[0]
    assert row["period"] == row["due_period"] == "2023-03" and row["value"] == 63.0
