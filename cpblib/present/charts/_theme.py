"""The house style of the pack's charts, declared once as data and registered as an Altair theme.

Council-neutral greys and the Okabe-Ito palette (distinguishable with the
common colour-vision deficiencies); RAG colours always come with a marker
shape and a text label, never alone; sizes readable on an A4 page and on a
screen; no border round the plot; DejaVu Sans first in the font list so the
static SVG shows the same face in the browser, in ``vl_convert`` and in
Typst (which otherwise falls back to a serif face for SVG text).

Importing :mod:`cpblib.present.charts` registers the theme as ``"cpb"`` and enables
it; :func:`cpblib.present.charts.chart_bundle` applies it explicitly whatever theme
is active.

>>> house_style()["config"]["font"].split(",")[0]
'DejaVu Sans'
>>> RAG_STYLE["amber"]["shape"], RAG_STYLE["red"]["label"]
('triangle-up', 'Red')
"""

from __future__ import annotations

import altair as alt

from ..._vocabulary import label

THEME_NAME = "cpb"

FONT = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif"
"""Font list for every chart text; DejaVu Sans is installed with the toolkit's system requirements."""

OKABE_ITO = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)
"""Okabe and Ito's palette for categorical colour, safe for colour-blind readers."""

INK = "#1A1A1A"
"""Text and the darkest lines (contrast 17:1 on white)."""

MUTED = "#4D4D4D"
"""Secondary text, comparator lines and axes (contrast 8.5:1 on white)."""

GRID = "#E3E3E3"

SERIES_COLOUR = OKABE_ITO[0]
"""The council's own figures (blue, contrast 5.2:1 on white)."""

BAND_COLOUR = OKABE_ITO[0]
BAND_OPACITY = 0.13

RAG_STYLE: dict[str, dict[str, str]] = {
    "green": {"colour": "#009E73", "shape": "circle", "label": label("rag", "green")},
    "amber": {"colour": "#E69F00", "shape": "triangle-up", "label": label("rag", "amber")},
    "red": {"colour": "#D55E00", "shape": "square", "label": label("rag", "red")},
}
"""RAG code -> fill colour (Okabe-Ito bluish green, orange, vermillion), marker shape and word.

Markers carry a dark outline (:data:`MARKER_OUTLINE`) so the lighter fills
still stand out from the page, and the word is always printed beside them.
"""

NO_RAG_STYLE = {"colour": "#999999", "shape": "diamond", "label": "Not rated"}

MARKER_OUTLINE = INK

DIRECTION_STYLE: dict[str, dict[str, str]] = {
    "improving": {"colour": OKABE_ITO[0], "label": label("direction", "improving")},
    "same": {"colour": "#999999", "label": label("direction", "same")},
    "worsening": {"colour": OKABE_ITO[5], "label": label("direction", "worsening")},
}
NO_DIRECTION_STYLE = {"colour": "#CCCCCC", "label": "No direction"}

TARGET_DASH = [7, 4]
COMPARATOR_DASH: dict[str, list[int]] = {
    "england": [2, 3],
    "region": [10, 3, 2, 3],
    "sn": [4, 2, 1, 2],
    "good_sn": [10, 3, 2, 3, 2, 3],
}
"""Dash pattern of each built-in comparator's reference line (every line is also labelled in words)."""

OWN_COMPARATOR_DASHES: list[list[int]] = [[6, 2], [1, 2], [8, 2, 1, 2, 1, 2], [12, 4], [3, 3, 9, 3]]
"""Dash patterns for a council's own comparators, taken in turn by their place on the chart."""


def comparator_dash(comparator: str, position: int) -> list[int]:
    """The dash pattern of a comparator's reference line: its own, or one of :data:`OWN_COMPARATOR_DASHES`.

    >>> comparator_dash("england", 0), comparator_dash("last_year", 0)
    ([2, 3], [6, 2])
    """
    if comparator in COMPARATOR_DASH:
        return COMPARATOR_DASH[comparator]
    return OWN_COMPARATOR_DASHES[position % len(OWN_COMPARATOR_DASHES)]


ANNOTATION_COLOUR = MUTED

WIDTH = 560
"""Plot width in pixels: with axes and padding the SVG is about 640 px, 17 cm at 96 dpi (A4 text width)."""

HEIGHT = 220
SUMMARY_BAR_STEP = 30

FONT_SIZE = {"title": 15, "subtitle": 12, "axis_label": 12, "axis_title": 12, "text": 12, "small": 11}


def house_style() -> dict:
    """The theme as a Vega-Lite top-level dictionary (``config``, size, background).

    >>> style = house_style()
    >>> style["config"]["view"]["stroke"] is None, style["width"]
    (True, 560)
    """
    return {
        "background": "white",
        "padding": 8,
        "width": WIDTH,
        "height": HEIGHT,
        "config": {
            "font": FONT,
            "view": {"stroke": None},
            "title": {
                "font": FONT,
                "fontSize": FONT_SIZE["title"],
                "fontWeight": "bold",
                "color": INK,
                "anchor": "start",
                "subtitleFont": FONT,
                "subtitleFontSize": FONT_SIZE["subtitle"],
                "subtitleColor": MUTED,
                "offset": 12,
            },
            "axis": {
                "labelFont": FONT,
                "titleFont": FONT,
                "labelFontSize": FONT_SIZE["axis_label"],
                "titleFontSize": FONT_SIZE["axis_title"],
                "titleFontWeight": "normal",
                "labelColor": INK,
                "titleColor": INK,
                "domainColor": MUTED,
                "tickColor": MUTED,
                "gridColor": GRID,
                "labelPadding": 4,
            },
            "axisX": {"grid": False, "labelAngle": 0, "ticks": True},
            "axisY": {"grid": True, "domain": False, "ticks": False, "titlePadding": 10},
            "axisBand": {"grid": False},
            "legend": {
                "labelFont": FONT,
                "titleFont": FONT,
                "labelFontSize": FONT_SIZE["axis_label"],
                "titleFontSize": FONT_SIZE["axis_title"],
                "labelColor": INK,
                "titleColor": INK,
            },
            "header": {"labelFont": FONT, "titleFont": FONT},
            "text": {"font": FONT, "fontSize": FONT_SIZE["text"], "color": INK},
            "line": {"color": SERIES_COLOUR, "strokeWidth": 2.5},
            "point": {"color": SERIES_COLOUR, "filled": True, "size": 40},
            "bar": {"stroke": INK, "strokeWidth": 0.75},
            "rule": {"color": MUTED},
            "range": {"category": list(OKABE_ITO)},
        },
    }


@alt.theme.register(THEME_NAME, enable=True)
def _cpb_theme() -> alt.theme.ThemeConfig:
    return house_style()
