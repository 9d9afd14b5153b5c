"""Summary-page charts: counts by RAG and by direction, labelled in words and numbers."""

from __future__ import annotations

import pandas as pd
import pytest

from cpblib.present.charts import chart_spec, describe, direction_count_chart, rag_count_chart, spec_to_svg
from cpblib.present.charts._summary import counts
from cpblib.scoring import summarise

SCORED = pd.DataFrame(
    {
        "domain": ["Profile", "Profile", "Health", "Health", "Health"],
        "rag": ["green", "amber", "red", "red", None],
        "direction": ["improving", "worsening", "worsening", None, "same"],
    }
)


def layer(spec: dict, suffix: str) -> dict:
    return next(item for item in spec["layer"] if item["name"].endswith(suffix))


def rows(spec: dict, item: dict) -> list[dict]:
    data = item.get("data", spec.get("data"))  # Altair lifts data shared by every layer to the top
    return spec["datasets"][data["name"]]


@pytest.mark.parametrize("source", ["summarise", "scored"])
def test_rag_counts_come_from_the_summary_or_the_scored_month(source):
    frame = summarise(SCORED) if source == "summarise" else SCORED
    found = counts(frame, "rag")
    assert found[["category", "count"]].values.tolist() == [["Green", 1], ["Amber", 1], ["Red", 2], ["Not rated", 1]]


def test_counts_for_one_group_of_the_summary():
    found = counts(summarise(SCORED), "direction", group="Health")
    assert found["count"].tolist() == [0, 1, 1, 1]


def test_rag_chart_prints_each_count_beside_its_bar():
    chart = rag_count_chart(summarise(SCORED))
    spec = chart_spec(chart, validate=True)
    bars, labels = layer(spec, "-bars"), layer(spec, "-count-labels")
    assert bars["mark"]["type"] == "bar"
    assert labels["mark"]["type"] == "text" and labels["encoding"]["text"]["field"] == "text"
    assert [(row["category"], row["text"]) for row in rows(spec, labels)] == [
        ("Green", "1"),
        ("Amber", "1"),
        ("Red", "2"),
        ("Not rated", "1"),
    ]
    assert bars["encoding"]["y"]["field"] == "category"  # the words label the bars on the axis
    assert describe(chart) == "RAG ratings of 5 indicators: 1 Green, 1 Amber, 2 Red, 1 not rated."


def test_direction_chart_prints_counts_and_words():
    chart = direction_count_chart(SCORED)
    spec = chart_spec(chart, validate=True)
    assert [(row["category"], row["count"]) for row in rows(spec, layer(spec, "-count-labels"))] == [
        ("Improving", 1),
        ("Same", 1),
        ("Worsening", 2),
        ("No direction", 1),
    ]
    assert describe(chart) == "Direction of travel of 5 indicators: 1 improving, 1 same, 2 worsening, 1 no direction."


def test_summary_svg_shows_words_and_numbers():
    svg = spec_to_svg(chart_spec(rag_count_chart(SCORED)))
    for word in (">Green<", ">Amber<", ">Red<", ">Not rated<", ">2<"):
        assert word in svg
