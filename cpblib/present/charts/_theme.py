"""The house style of the pack's charts, declared once as data and registered as an Altair theme.

The colours, sizes and the rules every chart follows (where the value axis starts, the percentage
ceiling, label spacing, what a chart's own title says, which indicators get a full chart, how
sparklines are drawn) are in ``cpblib/_data/charts.toml``; this module reads them.

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

import tomllib
from functools import cache
from importlib import resources

import altair as alt

from ..._vocabulary import label

THEME_NAME = "cpb"


@cache
def style_data() -> dict:
    """The house style and chart rules as declared in ``cpblib/_data/charts.toml``.

    >>> style_data()["rules"]["percent_ceiling"]
    100
    """
    return tomllib.loads(resources.files("cpblib").joinpath("_data/charts.toml").read_text(encoding="utf-8"))


_STYLE = style_data()
_COLOURS = _STYLE["colours"]

FONT = _STYLE["font"]["family"]
"""Font list for every chart text; DejaVu Sans is installed with the toolkit's system requirements."""

OKABE_ITO = tuple(_COLOURS["okabe_ito"])
"""Okabe and Ito's palette for categorical colour, safe for colour-blind readers."""

INK = _COLOURS["ink"]
"""Text and the darkest lines (contrast 17:1 on white)."""

MUTED = _COLOURS["muted"]
"""Secondary text, comparator lines and axes (contrast 8.5:1 on white)."""

GRID = _COLOURS["grid"]

SERIES_COLOUR = _COLOURS["series"]
"""The council's own figures (blue, contrast 5.2:1 on white)."""

BAND_COLOUR = _COLOURS["band"]
BAND_OPACITY = _COLOURS["band_opacity"]

RAG_STYLE: dict[str, dict[str, str]] = {
    code: {"colour": _STYLE["rag"][code]["colour"], "shape": _STYLE["rag"][code]["shape"], "label": label("rag", code)}
    for code in ("green", "amber", "red")
}
"""RAG code -> fill colour (Okabe-Ito bluish green, orange, vermillion), marker shape and word.

Markers carry a dark outline (:data:`MARKER_OUTLINE`) so the lighter fills
still stand out from the page, and the word is always printed beside them.
"""

NO_RAG_STYLE = dict(_STYLE["rag"]["none"])

MARKER_OUTLINE = INK

DIRECTION_STYLE: dict[str, dict[str, str]] = {
    code: {"colour": _STYLE["direction"][code], "label": label("direction", code)}
    for code in ("improving", "same", "worsening")
}
NO_DIRECTION_STYLE = {"colour": _STYLE["direction"]["none"], "label": "No direction"}

TARGET_DASH = list(_STYLE["lines"]["target_dash"])
COMPARATOR_DASH: dict[str, list[int]] = {k: list(v) for k, v in _STYLE["lines"]["comparator_dash"].items()}
"""Dash pattern of each built-in comparator's reference line (every line is also labelled in words)."""

OWN_COMPARATOR_DASHES: list[list[int]] = [list(d) for d in _STYLE["lines"]["own_comparator_dashes"]]
"""Dash patterns for a council's own comparators, taken in turn by their place on the chart."""

RULES: dict = dict(_STYLE["rules"])
"""The rules every chart follows (``[rules]`` of ``charts.toml``): where the value axis starts, the
percentage ceiling, label spacing, what a chart's own title says."""

SPARKLINE: dict = dict(_STYLE["sparkline"])
"""Size and scale of the sparklines drawn in tables (``[sparkline]`` of ``charts.toml``)."""

FULL_CHARTS: dict = dict(_STYLE["full_charts"])
"""Which indicators get a full trend chart on their domain page (``[full_charts]`` of ``charts.toml``)."""


def comparator_dash(comparator: str, position: int) -> list[int]:
    """The dash pattern of a comparator's reference line: its own, or one of :data:`OWN_COMPARATOR_DASHES`.

    >>> comparator_dash("england", 0), comparator_dash("last_year", 0)
    ([2, 3], [6, 2])
    """
    if comparator in COMPARATOR_DASH:
        return COMPARATOR_DASH[comparator]
    return OWN_COMPARATOR_DASHES[position % len(OWN_COMPARATOR_DASHES)]


ANNOTATION_COLOUR = _COLOURS["annotation"]

WIDTH = _STYLE["size"]["width"]
"""Plot width in pixels: with axes and padding the SVG is about 640 px, 17 cm at 96 dpi (A4 text width)."""

HEIGHT = _STYLE["size"]["height"]
COMPACT_WIDTH = _STYLE["size"]["compact_width"]
COMPACT_HEIGHT = _STYLE["size"]["compact_height"]
"""Plot size of the charts on a domain page, two side by side (``[size]`` of ``charts.toml``)."""
SUMMARY_BAR_STEP = _STYLE["size"]["summary_bar_step"]

FONT_SIZE = dict(_STYLE["font"]["sizes"])


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
