"""Charts of the board pack, in one house style, shown without network access.

* :func:`trend_chart`: one indicator month by month, with its target (or
  expected range), comparator lines labelled with their year, the latest
  figure marked by its RAG in colour, shape and words, analysts' notes, and
  gaps where figures are missing. ``None`` when there are fewer than two
  figures.
* :func:`sparkline_svg`, :func:`sparkline_text`: a small trend per table row,
  drawn as inline SVG straight from the figures, with its text alternative.
* :func:`rag_count_chart`, :func:`direction_count_chart`: counts as labelled bars.
* :func:`describe`: a chart's text alternative (title and one sentence).
* :func:`display_chart`: show a chart in a notebook as SVG plus the
  Vega-Lite spec, with the text alternative in the output metadata;
  :func:`chart_bundle` is the bundle itself.
* :func:`write_js_bundle`: the local Vega scripts for the HTML site.

Importing this package registers and enables the ``"cpb"`` Altair theme.

>>> import pandas as pd
>>> history = pd.DataFrame({"period": ["2023-02", "2023-03"], "value": [444.0, 437.0]})
>>> chart = trend_chart(history, {"indicator": "cic-number", "name": "Children in care", "unit": "count",
...                               "decimals": 0, "target": 420.0, "rag": "green"})
>>> describe(chart)
'Children in care from Feb 23 to Mar 23: 437 in Mar 23 (Green), down from 444 in Feb 23; target 420. Axis starts at 410, not zero.'
>>> sorted(chart_bundle(chart))
['application/vnd.vegalite.v5+json', 'image/svg+xml', 'text/plain']
"""

from ._display import (
    DEFER_SVG_ENV,
    JS_BUNDLE_NAME,
    METADATA_KEY,
    NOT_ENOUGH_DATA,
    SVG_MIME,
    VEGALITE_MIME,
    add_static_charts,
    chart_bundle,
    chart_metadata,
    chart_spec,
    describe,
    display_chart,
    spec_to_svg,
    write_js_bundle,
)
from ._sparkline import sparkline_svg, sparkline_text
from ._summary import direction_count_chart, rag_count_chart
from ._theme import THEME_NAME, house_style
from ._trend import Axis, TrendData, trend_chart, trend_data, trend_description

__all__ = [
    "DEFER_SVG_ENV",
    "JS_BUNDLE_NAME",
    "METADATA_KEY",
    "NOT_ENOUGH_DATA",
    "SVG_MIME",
    "THEME_NAME",
    "VEGALITE_MIME",
    "Axis",
    "TrendData",
    "add_static_charts",
    "chart_bundle",
    "chart_metadata",
    "chart_spec",
    "describe",
    "direction_count_chart",
    "display_chart",
    "house_style",
    "rag_count_chart",
    "sparkline_svg",
    "sparkline_text",
    "spec_to_svg",
    "trend_chart",
    "trend_data",
    "trend_description",
    "write_js_bundle",
]
