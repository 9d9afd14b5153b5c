"""Sparklines: a small SVG per table row, drawn from the figures, named by its text alternative."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from cpblib.present.charts import sparkline_svg, sparkline_text
from cpblib.present.charts._theme import RAG_STYLE, SERIES_COLOUR, SPARKLINE

LABELS = ["Oct 22", "Nov 22", "Dec 22", "Jan 23", "Feb 23", "Mar 23"]


def points(svg: str) -> list[list[tuple[float, float]]]:
    found = re.findall(r'<polyline points="([^"]+)"', svg)
    return [[tuple(map(float, p.split(","))) for p in line.split()] for line in found]


def test_the_text_alternative_says_the_span_the_first_and_last_figures_and_which_way():
    assert sparkline_text([447, 456, 460, 449, 444, 437], LABELS, "count", 0) == "Oct 22 to Mar 23: 447 to 437, down"
    assert sparkline_text([8.1, 8.2], LABELS[-2:], "percent", 1) == "Feb 23 to Mar 23: 8.1% to 8.2%, up"
    # the same at the precision shown, whatever the digits behind it
    assert sparkline_text([70.01, 69.99], LABELS[-2:], "percent", 1).endswith("70.0% to 70.0%, the same")


def test_missing_figures_break_the_line_and_are_named():
    values = [447.0, None, 460.0, float("nan"), 444.0, 437.0]
    svg = sparkline_svg(values, LABELS, "count", 0)
    assert [len(line) for line in points(svg)] == [2]  # 444 to 437; 447 and 460 stand alone as dots
    assert svg.count("<circle") == 3  # two lone figures and the latest
    assert sparkline_text(values, LABELS, "count", 0).endswith("(no figure for Nov 22 and Jan 23)")


def test_an_svg_fit_to_sit_in_a_table_cell_named_for_assistive_technology():
    svg = sparkline_svg([1.0, 2.0, 3.0], LABELS[:3], "count", 0, rag="red")
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("aria-label") == "Oct 22 to Dec 22: 1 to 3, up"
    assert root.find("{http://www.w3.org/2000/svg}title").text == root.get("aria-label")
    assert (root.get("width"), root.get("height")) == (str(SPARKLINE["width"]), str(SPARKLINE["height"]))
    assert f'fill="{RAG_STYLE["red"]["colour"]}"' in svg and f'stroke="{SERIES_COLOUR}"' in svg
    assert "href" not in svg and "<script" not in svg and "url(" not in svg


def test_every_point_is_inside_the_drawing():
    svg = sparkline_svg([-5.0, 0.0, 1200.0, 3.0], LABELS[:4], "count", 0)
    for x, y in (p for line in points(svg) for p in line):
        assert 0 <= x <= SPARKLINE["width"] and 0 <= y <= SPARKLINE["height"]


def test_a_small_change_looks_small():
    """447 to 437 is about 2%: the scale spans at least a tenth of the figure, so the line barely falls."""
    svg = sparkline_svg([447.0, 437.0], LABELS[-2:], "count", 0)
    ((start, end),) = points(svg)
    drawable = SPARKLINE["height"] - 2 * SPARKLINE["padding"]
    assert 0 < end[1] - start[1] < 0.3 * drawable


@pytest.mark.parametrize("values", [[None, None], [float("nan")], []])
def test_no_figure_no_drawing(values):
    assert sparkline_svg(values, LABELS[: len(values)], "count", 0) == ""
    assert sparkline_text(values, LABELS[: len(values)], "count", 0) == "No figures"
