"""Trend chart: what it draws (read from the Vega-Lite spec) and how it describes itself."""

from __future__ import annotations

import itertools
import re

import pandas as pd
import pytest

from cpblib.present.charts import chart_spec, describe, spec_to_svg, trend_chart, trend_data, trend_description
from cpblib.present.charts._theme import RAG_STYLE
from cpblib.present.charts._trend import latest_label_placement, place_labels, text_width, y_domain

CIC_RATE_SENTENCE = (
    "Children in care per 10,000 children from Aug 21 to Mar 23: 64.6 in Mar 23 (Amber), "
    "down from 65.6 in Feb 23; no figures for Feb 22 to Sep 22; target 60.0; "
    "England 2021-22 70.0; Good/Outstanding SN 2021-22 61.2. Axis starts at 55.0, not zero."
)


def layers(spec: dict) -> dict[str, dict]:
    return {layer["name"]: layer for layer in spec["layer"]}


def dataset(spec: dict, layer: dict) -> list[dict]:
    return spec["datasets"][layer["data"]["name"]]


def history_of(values: dict[str, float | None], indicator: str = "x") -> pd.DataFrame:
    return pd.DataFrame(
        {"indicator": indicator, "period": list(values), "value": pd.array(list(values.values()), dtype="Float64")}
    ).astype({"value": "float64"})


ROW = {"indicator": "x", "name": "Repeat missing episodes", "unit": "percent", "decimals": 1, "polarity": "low"}


@pytest.fixture(scope="module")
def cic_rate(demo, demo_row, demo_inputs):
    chart = trend_chart(demo["history"], demo_row("cic-rate"), rag="amber", **demo_inputs)
    return chart, chart_spec(chart, validate=True)


def test_demo_cic_rate_is_described_in_one_sentence(cic_rate):
    chart, spec = cic_rate
    assert describe(chart) == CIC_RATE_SENTENCE
    assert spec["description"] == CIC_RATE_SENTENCE
    assert spec["usermeta"]["cpb"]["alt"] == CIC_RATE_SENTENCE
    assert spec["title"]["text"] == "Rate per 10,000 · Lower is better"  # the page heading names the indicator
    assert spec["title"]["subtitle"] == "Axis starts at 55.0, not zero"


def test_target_is_a_dashed_line_labelled_with_its_value(cic_rate):
    _, spec = cic_rate
    target = layers(spec)["target-line"]
    assert target["mark"]["type"] == "line" and target["mark"]["strokeDash"]
    assert {row["target"] for row in dataset(spec, target)} == {60.0}
    label = layers(spec)["target-label"]
    assert [row["text"] for row in dataset(spec, label)] == ["Target 60.0"]


def test_comparator_lines_carry_their_year(cic_rate):
    _, spec = cic_rate
    drawn = layers(spec)
    assert drawn["comparator-england-line"]["mark"]["type"] == "rule"
    assert drawn["comparator-good_sn-line"]["mark"]["type"] == "rule"
    assert dataset(spec, drawn["comparator-england-label"])[0]["text"] == "England 2021-22: 70.0"
    assert dataset(spec, drawn["comparator-good_sn-label"])[0]["text"] == "Good/Outstanding SN 2021-22: 61.2"


def test_latest_point_is_marked_by_rag_colour_shape_and_words(cic_rate):
    _, spec = cic_rate
    point, label = layers(spec)["latest-point"], layers(spec)["latest-label"]
    assert point["mark"]["shape"] == RAG_STYLE["amber"]["shape"]
    assert point["mark"]["fill"] == RAG_STYLE["amber"]["colour"]
    assert dataset(spec, point) == dataset(spec, label)
    assert dataset(spec, label)[0]["text"] == "Mar 23: 64.6 (Amber)"
    assert dataset(spec, label)[0]["rag"] == "amber"
    assert label["encoding"]["text"]["field"] == "text"


def test_missing_months_break_the_line(cic_rate):
    _, spec = cic_rate
    line = layers(spec)["figures-line"]
    assert line["encoding"]["detail"]["field"] == "segment"
    segments = {row["period"]: row["segment"] for row in dataset(spec, line)}
    assert segments["2022-01"] != segments["2022-10"]
    assert segments["2021-08"] == segments["2022-01"] and segments["2022-10"] == segments["2023-03"]
    # The missing months keep their place on the period axis.
    domain = line["encoding"]["x"]["scale"]["domain"]
    assert domain[0] == "Aug 21" and domain[-1] == "Mar 23" and "Jun 22" in domain and len(domain) == 20


def test_missing_months_break_the_drawn_line(cic_rate):
    _, spec = cic_rate
    svg = spec_to_svg(spec)
    assert svg.count('class="mark-line role-mark figures_line_marks"') == 2  # one line per run of months


def test_period_axis_reads_as_short_months(cic_rate):
    _, spec = cic_rate
    x = layers(spec)["figures-points"]["encoding"]["x"]
    assert all(re.fullmatch(r"[A-Z][a-z]{2} \d{2}", label) for label in x["axis"]["values"])
    assert x["axis"]["values"][-1] == "Mar 23"
    assert len(x["axis"]["values"]) <= 8


def test_value_axis_is_titled_with_the_unit_label(cic_rate):
    _, spec = cic_rate
    assert layers(spec)["figures-points"]["encoding"]["y"]["title"] == "Rate per 10,000"


def test_annotation_is_drawn_at_its_month(demo, demo_row, demo_inputs):
    chart = trend_chart(demo["history"], demo_row("over-20-miles-excl-uasc"), rag="red", **demo_inputs)
    spec = chart_spec(chart, validate=True)
    drawn = layers(spec)
    rule = drawn["annotation-rule"]
    assert rule["mark"]["type"] == "rule"
    assert [row["label"] for row in dataset(spec, rule)] == ["Oct 22"]
    labels = [layer for name, layer in drawn.items() if name.startswith("annotation-label")]
    texts = [row["short"] for layer in labels for row in dataset(spec, layer)]
    assert texts and texts[0].startswith("New basis from this pack")
    assert "Note for Oct 22: New basis from this pack" in describe(chart)


def test_targets_that_change_are_drawn_as_steps(demo, demo_row, demo_inputs):
    chart = trend_chart(demo["history"], demo_row("foster-carers"), **demo_inputs)
    spec = chart_spec(chart)
    line = layers(spec)["target-line"]
    assert line["mark"]["interpolate"] == "step-after"
    targets = {row["period"]: row["target"] for row in dataset(spec, line)}
    assert targets["2022-03"] == 215.0 and targets["2022-04"] == 200.0
    assert [row["text"] for row in dataset(spec, layers(spec)["target-step-label"])] == ["Target 200"]
    assert "target 215, then 200 from Apr 22" in describe(chart)


def test_target_follows_the_report_month_of_figures_in_arrears():
    history = history_of({"2022-02": 80.0, "2022-03": 82.0})
    targets = pd.DataFrame({"indicator": ["x", "x"], "from_month": ["2021-04", "2022-04"], "target": [90.0, 95.0]})
    data = trend_data(history, ROW | {"arrears_months": 1}, targets=targets)
    assert data.target["target"].tolist() == [90.0, 95.0]


def test_expected_range_is_a_band():
    history = history_of({"2023-01": 12.0, "2023-02": 14.0, "2023-03": 16.0})
    targets = pd.DataFrame(
        {"indicator": ["x"], "from_month": ["2022-04"], "target": [None], "range_lower": [10.0], "range_upper": [15.0]}
    )
    chart = trend_chart(history, ROW | {"rag_method": "range"}, targets=targets, rag="amber")
    spec = chart_spec(chart, validate=True)
    drawn = layers(spec)
    band = drawn["range-band"]
    assert band["mark"]["type"] == "area"
    assert band["encoding"]["y"]["field"] == "range_lower" and band["encoding"]["y2"]["field"] == "range_upper"
    assert {(row["range_lower"], row["range_upper"]) for row in dataset(spec, band)} == {(10.0, 15.0)}
    assert "target-line" not in drawn
    assert dataset(spec, drawn["range-label"])[0]["text"] == "Expected range 10.0% to 15.0%"
    assert describe(chart).endswith("; expected range 10.0% to 15.0%. Axis starts at 8.0%, not zero.")


def test_scored_row_supplies_target_rag_and_comparators():
    history = history_of({"2023-02": 9.0, "2023-03": 8.0})
    row = ROW | {
        "period": "2023-03",
        "rag": "green",
        "target": 10.0,
        "england_value": 7.04,
        "england_year": "2021-22",
        "good_sn_value": None,
        "good_sn_year": None,
    }
    spec = chart_spec(trend_chart(history, row, labels={"england": "National"}))
    drawn = layers(spec)
    assert dataset(spec, drawn["comparator-england-label"])[0]["text"] == "National 2021-22: 7.0%"
    assert "comparator-good_sn-line" not in drawn
    assert dataset(spec, drawn["latest-label"])[0]["text"] == "Mar 23: 8.0% (Green)"
    assert {row["target"] for row in dataset(spec, drawn["target-line"])} == {10.0}


def test_rag_belongs_to_the_scored_period_only():
    history = history_of({"2023-01": 9.0, "2023-02": 8.0, "2023-03": None})
    data = trend_data(history, ROW | {"period": "2023-03", "rag": "red"})
    assert data.latest["period"].tolist() == ["2023-02"] and data.latest["rag"].tolist() == [None]
    assert [(str(a), str(b)) for a, b in data.gaps] == [("2023-03", "2023-03")]
    assert describe(data).startswith("Repeat missing episodes from Jan 23 to Mar 23: 8.0% in Feb 23, down from 9.0%")


def test_figures_of_less_frequent_indicators_are_joined():
    history = history_of({"2022-06": 1.0, "2022-09": 2.0, "2022-12": 3.0, "2023-06": 4.0})
    data = trend_data(history, ROW | {"frequency": "quarterly"})
    assert data.points["segment"].tolist() == [0, 0, 0, 1]


@pytest.mark.parametrize(
    "values",
    [{}, {"2023-03": 5.0}, {"2023-02": None, "2023-03": 5.0}, {"2020-01": 4.0, "2023-03": 5.0}],
    ids=["none", "one", "one-and-a-blank", "one-in-the-window"],
)
def test_fewer_than_two_figures_give_no_chart(values):
    history = history_of(values) if values else pd.DataFrame({"indicator": [], "period": [], "value": []})
    assert trend_chart(history, ROW) is None
    assert "not enough data to chart" in trend_description(history, ROW)


def test_two_figures_are_enough():
    chart = trend_chart(history_of({"2023-02": 2.0, "2023-03": 1.0}), ROW)
    assert chart is not None
    assert spec_to_svg(chart_spec(chart, validate=True)).startswith("<svg")


def test_window_is_at_most_periods_months(demo, demo_row):
    data = trend_data(demo["history"], demo_row("cic-rate"), periods=12)
    assert len(data.months) == 6  # Oct 22 to Mar 23: the earlier figures are outside the last 12 months
    assert data.points["period"].min() == "2022-10"


def test_inputs_are_not_changed(demo, demo_row, demo_inputs):
    before = {key: frame.copy() for key, frame in demo_inputs.items()} | {"history": demo["history"].copy()}
    row = demo_row("cic-rate")
    trend_chart(demo["history"], row, **demo_inputs)
    for key, frame in before.items():
        pd.testing.assert_frame_equal(frame, demo[key])
    assert pd.Series(row).equals(pd.Series(demo_row("cic-rate")))


def test_labels_of_close_reference_lines_do_not_overlap():
    pixels = [100.0, 104.0, 109.0, 300.0]
    placed = place_labels(pixels)
    spans = sorted(
        (y + dy - 14, y + dy) if baseline == "bottom" else (y + dy, y + dy + 14)
        for y, (baseline, dy) in zip(pixels, placed)
    )
    assert all(upper[1] <= lower[0] for upper, lower in itertools.pairwise(spans))
    assert placed[0] == ("bottom", -3) and placed[3] == ("bottom", -3)  # above the line when there is room


def test_a_councils_own_comparators_get_reference_lines_of_their_own():
    history = history_of({"2023-02": 9.0, "2023-03": 8.0})
    row = ROW | {
        "period": "2023-03",
        "england_value": 7.0,
        "england_year": "2021-22",
        "last_year_value": 9.5,
        "last_year_year": "2021-22",
        "outstanding_value": 6.1,
        "outstanding_year": "2016-19",
        "good_sn_value": 8.8,
        "good_sn_year": "2021-22",
    }
    labels = {"england": "England", "last_year": "Own figure last year", "outstanding": "Outstanding LAs"}
    chart = trend_chart(history, row, comparators=["england", "last_year", "outstanding"], labels=labels)
    spec = chart_spec(chart, validate=True)
    drawn = layers(spec)
    assert dataset(spec, drawn["comparator-last_year-label"])[0]["text"] == "Own figure last year 2021-22: 9.5%"
    assert dataset(spec, drawn["comparator-outstanding-label"])[0]["text"] == "Outstanding LAs 2016-19: 6.1%"
    assert "comparator-good_sn-line" not in drawn  # not shown: not drawn
    dashes = [drawn[f"comparator-{c}-line"]["mark"]["strokeDash"] for c in ("england", "last_year", "outstanding")]
    assert len({tuple(d) for d in dashes}) == 3  # each line has its own dash pattern
    assert describe(chart).endswith(
        "England 2021-22 7.0%; Own figure last year 2021-22 9.5%; Outstanding LAs 2016-19 6.1%. "
        "Axis starts at 5.0%, not zero."
    )


def test_benchmarks_fill_a_comparator_the_row_lacks_with_the_latest_free_label():
    history = history_of({"2023-02": 9.0, "2023-03": 8.0})
    benchmarks = pd.DataFrame(
        {
            "indicator": ["x", "x"],
            "comparator": ["outstanding"] * 2,
            "year": ["2016-19", "2013-16"],
            "value": [6.0, 5.0],
        }
    )
    data = trend_data(history, ROW, benchmarks=benchmarks, comparators=["outstanding"])
    assert data.comparators[["name", "year", "value"]].values.tolist() == [["outstanding", "2016-19", 6.0]]


# -- the chart rules of charts.toml ---------------------------------------------------------------------------
def test_an_axis_far_from_zero_says_where_it_starts_in_the_subtitle_and_the_text_alternative():
    history = history_of({"2023-01": 449.0, "2023-02": 444.0, "2023-03": 437.0})
    chart = trend_chart(history, ROW | {"unit": "count", "decimals": 0, "name": "Children in care"})
    spec = chart_spec(chart)
    bottom = spec["layer"][-1]["encoding"]["y"]["scale"]["domain"][0]
    assert bottom == 430 and spec["title"]["subtitle"] == "Axis starts at 430, not zero"
    assert describe(chart).endswith(" Axis starts at 430, not zero.")


def test_an_axis_near_zero_starts_at_zero_and_says_nothing():
    history = history_of({"2023-01": 3.0, "2023-02": 14.0, "2023-03": 25.0})
    chart = trend_chart(history, ROW | {"unit": "count", "decimals": 0})
    spec = chart_spec(chart)
    assert spec["layer"][-1]["encoding"]["y"]["scale"]["domain"][0] == 0
    assert "subtitle" not in spec["title"] and "Axis starts" not in describe(chart)


@pytest.mark.parametrize("values", [(96.0, 99.0, 100.0), (40.0, 98.0, 99.5), (100.0, 100.0, 100.0)])
def test_a_percentage_axis_stops_at_100(values):
    history = history_of(dict(zip(("2023-01", "2023-02", "2023-03"), values)))
    data = trend_data(history, ROW | {"polarity": "high"})
    assert y_domain(data)[1] <= 100.0
    spec = chart_spec(trend_chart(history, ROW | {"polarity": "high"}))
    assert spec["layer"][-1]["encoding"]["y"]["scale"]["domain"][1] <= 100.0


def test_the_chart_title_says_the_unit_and_polarity_never_the_indicator_name(cic_rate):
    _, spec = cic_rate
    assert "Children in care" not in spec["title"]["text"]
    assert spec["usermeta"]["cpb"]["title"] == "Children in care per 10,000 children"  # names the SVG for readers
    svg = spec_to_svg(spec)
    assert svg.count("Children in care per 10,000") == 0  # nothing in the drawing repeats the page heading


def test_the_latest_label_keeps_clear_of_the_reference_labels():
    """A late figure's point sits away from the right edge, with labels in the way above and beside it."""
    from cpblib.present.charts._theme import HEIGHT, WIDTH

    history = history_of({"2023-01": 60.0, "2023-02": 61.0})
    row = ROW | {"period": "2023-03", "target": 61.0, "england_value": 60.5, "england_year": "2021-22"}
    data = trend_data(history, row, comparators=("england",))
    lo, hi = y_domain(data)
    point_y = HEIGHT * (hi - 61.0) / (hi - lo)
    blocking = (0.0, 0.0, float(WIDTH), point_y + 8)  # everything above the point and level with it
    placement = latest_label_placement(data, lo, hi, obstacles=[blocking])
    assert placement["baseline"] == "top" and placement["dy"] > 0  # the one place left: below the point


def test_text_width_is_generous_enough_for_the_widest_labels():
    assert text_width("Good/Outstanding SN 2021-22: 61.2", 11) > 200


# -- quarters and provisional figures -----------------------------------------------------------------------------
def test_a_quarterly_axis_has_a_point_a_quarter_labelled_by_the_quarter():
    from cpblib.present.charts import Axis

    history = pd.DataFrame({"period": ["2019-06", "2019-09", "2019-12", "2020-03"], "value": [62.0, 63.1, 63.9, 64.5]})
    row = {"indicator": "x", "name": "Rate", "unit": "rate_per_10000", "decimals": 1, "frequency": "quarterly",
           "period": "2020-03", "rag": "amber"}  # fmt: skip
    data = trend_data(history, row, axis=Axis(3))
    assert data.labels == ["Q1 2019/20", "Q2 2019/20", "Q3 2019/20", "Q4 2019/20"]
    assert data.points["segment"].tolist() == [0, 0, 0, 0] and not data.gaps
    text = trend_description(history, row, axis=Axis(3))
    assert text.startswith("Rate from Q1 2019/20 to Q4 2019/20: 64.5 in Q4 2019/20 (Amber), up from 63.9 in Q3 2019/20")
    spec = chart_spec(trend_chart(history, row, axis=Axis(3)))
    assert layers(spec)["figures-line"]["encoding"]["x"]["axis"]["values"][-1] == "Q4 2019/20"


def test_a_missing_quarter_breaks_the_line_and_is_named():
    from cpblib.present.charts import Axis

    history = pd.DataFrame({"period": ["2019-06", "2019-09", "2020-03"], "value": [62.0, 63.1, 64.5]})
    row = {"indicator": "x", "name": "Rate", "unit": "count", "decimals": 0, "frequency": "quarterly"}
    data = trend_data(history, row, axis=Axis(3))
    assert data.points["segment"].tolist() == [0, 0, 1]
    assert "no figures for Q3 2019/20" in trend_description(history, row, axis=Axis(3))


def test_a_provisional_figure_is_drawn_hollow_and_its_note_is_in_the_text_alternative():
    history = pd.DataFrame(
        {
            "period": ["2023-01", "2023-02", "2023-03"],
            "value": [56.0, 56.5, 58.0],
            "provisional": [False, False, True],
            "note": [None, None, "Until the returns are checked."],
        }
    )
    row = {"indicator": "eet", "name": "EET", "unit": "percent", "decimals": 1, "rag": "green", "period": "2023-03"}
    chart = trend_chart(history, row)
    spec = chart_spec(chart)
    hollow = layers(spec)["provisional-points"]
    assert [p["period"] for p in dataset(spec, hollow)] == ["2023-03"]
    assert hollow["mark"]["filled"] is False
    assert [p["period"] for p in dataset(spec, layers(spec)["figures-points"])] == ["2023-01", "2023-02"]
    assert layers(spec)["latest-point"]["mark"]["fill"] == "white"
    assert describe(chart).endswith(
        "The figure for Mar 23 is provisional (drawn hollow): Until the returns are checked."
    )


def test_a_chart_without_provisional_figures_is_drawn_as_before():
    history = pd.DataFrame({"period": ["2023-02", "2023-03"], "value": [56.5, 58.0]})
    spec = chart_spec(trend_chart(history, {"indicator": "eet", "name": "EET", "unit": "percent", "decimals": 1}))
    assert "provisional-points" not in layers(spec)
    assert "provisional" not in describe(trend_chart(history, {"indicator": "eet", "name": "EET"}))
