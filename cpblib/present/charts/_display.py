"""Showing charts with no network: a display bundle of static SVG plus the Vega-Lite spec.

A chart is displayed as one raw MIME bundle (:func:`chart_bundle`):

* ``image/svg+xml``: the chart drawn by ``vl_convert`` (no browser, no CDN),
  with DejaVu Sans text, the text alternative as ``<title>``/``<desc>`` and
  ``aria-label``, and no remote references. The HTML site can inline it and
  the PDF (Markdown -> pandoc -> Typst) uses it as the figure.
* ``application/vnd.vegalite.v5+json``: the Vega-Lite spec as a JSON object,
  which JupyterLab renders interactively and the site can hand to
  vega-embed with the local script from :func:`write_js_bundle`. (Altair 6's
  own key, ``application/vnd.vegalite.v6.json``, does not end in ``+json``,
  so nbformat expects a string there and rejects the notebook.)
* ``text/plain``: the text alternative.

The output metadata carries it too: ``{"cpb": {"alt": ..., "title": ...}}``
for HTML alt text and PDF captions.

Drawing the SVG starts a JavaScript engine (about a second) in every process
that draws. ``cpb run`` therefore sets :data:`DEFER_SVG_ENV` for the kernels
it starts: they show the spec and the text alternative only, and the runner
draws every chart's SVG into the executed notebooks afterwards, in one
process (:func:`add_static_charts`; a build draws them in a second process,
:mod:`cpblib.present._svg`). A notebook run by hand draws its own.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import altair as alt
import vl_convert as vlc
from altair.utils import update_nested
from altair.utils.schemapi import SchemaBase

from .. import _svg
from .._env import DEFER_SVG_ENV
from ..escape import html_text, markdown_escape
from . import _theme as theme
from ._trend import TrendData, describe_trend, trend_description

VEGALITE_MIME = "application/vnd.vegalite.v5+json"
SVG_MIME = "image/svg+xml"
PNG_MIME = "image/png"
TEXT_MIME = "text/plain"
METADATA_KEY = "cpb"

JS_BUNDLE_NAME = "vega-bundle.js"
"""File name of the local Vega, Vega-Lite and vega-embed script (defines ``vegaEmbed``, ``vegaLite``, ``vega``)."""

NOT_ENOUGH_DATA = "Not enough data to chart."

Chart = alt.TopLevelMixin

_SVG_OPEN = re.compile(r"<svg\b[^>]*>")


def chart_spec(chart: Chart, *, validate: bool = False) -> dict:
    """The chart's Vega-Lite spec (a plain dict), with the house style applied whatever theme is active.

    ``validate=True`` checks it against the Vega-Lite schema (slow: about
    three times the cost of the conversion; the tests do it for every chart kind).

    >>> chart = alt.Chart(alt.Data(values=[{"a": 1}])).mark_point().encode(x="a:Q")
    >>> chart_spec(chart, validate=True)["config"]["font"].startswith("DejaVu Sans")
    True
    """
    datasets = getattr(chart, "datasets", alt.Undefined)
    top_data = getattr(chart, "data", alt.Undefined)
    if validate or not isinstance(datasets, Mapping) or top_data is not alt.Undefined:
        with alt.theme.enable(theme.THEME_NAME):
            return chart.to_dict(validate=validate)
    # The inline datasets are plain JSON already: leave them out of Altair's walk over the spec
    # (it deep-copies and converts every record) and put them back as they are. Altair's own to_dict
    # starts with a shallow copy of the chart, which for a layered chart runs its constructor again, and
    # that deep-copies every layer to merge their parameters (a trend chart's layers have none): most of
    # the time a trend chart took. The spec is the same (see the tests); it is made here without that copy.
    light = object.__new__(type(chart))
    light.__dict__.update(chart.__dict__)  # the chart's attributes, shared; only its keywords are new:
    light.__dict__["_kwds"] = {**chart._kwds, "datasets": alt.Undefined}  # (SchemaBase keeps setattr for them)
    context: dict = {"datasets": {}, "top_level": False}
    with alt.theme.enable(theme.THEME_NAME):
        spec = SchemaBase.to_dict(light, validate=False, context=context)
    spec = {"$schema": alt.SCHEMA_URL, **spec} if "$schema" not in spec else spec
    spec = update_nested(theme.house_style(), spec, copy=True)
    spec["datasets"] = {
        **context["datasets"],  # any a layer's own data made
        **{name: [dict(record) for record in records] for name, records in datasets.items()},
    }
    return spec


def chart_title(chart: Chart | Mapping) -> str:
    """What the chart is of ('' when untitled); takes a chart or its spec: the name it carries in its
    ``usermeta`` (a trend chart's indicator, which its own title leaves to the page heading), else its title.

    >>> chart_title(alt.Chart().mark_point().properties(title=alt.Title("Placements", subtitle="%")))
    'Placements'
    """
    usermeta = chart.get("usermeta") if isinstance(chart, Mapping) else getattr(chart, "usermeta", None)
    if isinstance(usermeta, Mapping) and isinstance(usermeta.get(METADATA_KEY), Mapping):
        named = usermeta[METADATA_KEY].get("title")
        if named:
            return str(named)
    title = chart.get("title", "") if isinstance(chart, Mapping) else chart.title
    if hasattr(title, "to_dict"):  # alt.Title and its kin (read without serialising the whole chart)
        title = title.to_dict(validate=False)
    if title is alt.Undefined:
        title = ""
    if isinstance(title, Mapping):
        title = title.get("text", "")
    if isinstance(title, list):  # a title wrapped over lines
        title = " ".join(map(str, title))
    return str(title)


def describe(chart_or_inputs: object) -> str:
    """The text alternative of a chart: its title and a sentence describing its data.

    Takes a chart made by :mod:`cpblib.present.charts` (returns its ``description``),
    any chart (falls back to its title), ``None`` (the caller had too little
    data), :class:`TrendData`, or the inputs of :func:`trend_chart` as a dict
    (``history``, ``indicator_row`` and any keyword options).

    >>> import pandas as pd
    >>> inputs = {"history": pd.DataFrame({"period": ["2023-02", "2023-03"], "value": [9.0, 8.0]}),
    ...           "indicator_row": {"indicator": "x", "name": "Repeat missing", "unit": "percent", "decimals": 0}}
    >>> describe(inputs)
    'Repeat missing from Feb 23 to Mar 23: 8% in Mar 23, down from 9% in Feb 23. Axis starts at 6%, not zero.'
    >>> describe(None)
    'Not enough data to chart.'
    """
    if chart_or_inputs is None:
        return NOT_ENOUGH_DATA
    if isinstance(chart_or_inputs, TrendData):
        return describe_trend(chart_or_inputs)
    if isinstance(chart_or_inputs, Chart):
        description = chart_or_inputs.description
        if isinstance(description, str) and description:
            return description
        return chart_title(chart_or_inputs)
    if isinstance(chart_or_inputs, Mapping) and "history" in chart_or_inputs:
        options = dict(chart_or_inputs)
        return trend_description(options.pop("history"), options.pop("indicator_row"), **options)
    raise TypeError(f"cannot describe a {type(chart_or_inputs).__name__}: pass a chart or the trend chart's inputs")


def _accessible(svg: str, title: str, description: str) -> str:
    """Name the SVG for assistive technology: role, aria-label, <title> and <desc> on the root element."""
    match = _SVG_OPEN.search(svg)
    if match is None:
        return svg
    opening = match.group(0)
    label = description or title
    named = opening[:-1] + f' role="img" aria-label="{html_text(label)}">'
    children = f"<title>{html_text(title or label)}</title>"
    if description:
        children += f"<desc>{html_text(description)}</desc>"
    return svg[: match.start()] + named + children + svg[match.end() :]


def spec_to_svg(spec: Mapping) -> str:
    """Static SVG of a Vega-Lite spec, drawn by ``vl_convert`` with remote data refused.

    >>> svg = spec_to_svg(chart_spec(alt.Chart(alt.Data(values=[{"a": 1}])).mark_point().encode(x="a:Q")))
    >>> svg.startswith("<svg") and "DejaVu Sans" in svg
    True
    """
    return _svg.spec_to_svg(spec)


def static_svg(
    spec: Mapping, *, title: str | None = None, alt_text: str | None = None, drawn: str | None = None
) -> str:
    """The SVG shown for a chart: drawn from its spec (unless ``drawn`` already), named by its title and
    text alternative."""
    title = chart_title(spec) if title is None else title
    svg = spec_to_svg(spec) if drawn is None else drawn
    return _accessible(svg, title, alt_text or str(spec.get("description") or "") or title)


def _defer_svg() -> bool:
    return os.environ.get(DEFER_SVG_ENV) == "1"


def chart_bundle(
    chart: Chart, *, alt_text: str | None = None, png: bool = False, png_scale: float = 1.0, svg: bool = True
) -> dict:
    """The MIME bundle shown for a chart: SVG, the Vega-Lite spec and the text alternative (pure).

    ``png=True`` adds a base64 PNG (``image/png``) at ``png_scale`` (1 = 96 dpi)
    for front ends that cannot show SVG; ``svg=False`` leaves the SVG out (see
    :func:`add_static_charts`).

    >>> chart = alt.Chart(alt.Data(values=[{"a": 1}])).mark_point().encode(x="a:Q").properties(description="One point.")
    >>> sorted(chart_bundle(chart))
    ['application/vnd.vegalite.v5+json', 'image/svg+xml', 'text/plain']
    >>> chart_bundle(chart)["text/plain"]
    'One point.'
    """
    spec = chart_spec(chart)
    text = alt_text or describe(chart)
    bundle = {VEGALITE_MIME: spec, TEXT_MIME: text}
    if svg:
        bundle = {SVG_MIME: static_svg(spec, alt_text=text), **bundle}
    if png:
        image = vlc.vegalite_to_png(spec, scale=png_scale, allowed_base_urls=[])
        bundle[PNG_MIME] = base64.b64encode(image).decode("ascii")
    return bundle


def chart_metadata(
    chart: Chart | None, *, alt_text: str | None = None, caption: str | None = None, note: str | None = None
) -> dict:
    """Output metadata for a displayed chart: ``{"cpb": {"alt": ..., "title": ...}}``, with the visible
    ``caption`` (what the chart is of) and ``note`` (a sentence shown under it) when given.

    >>> chart_metadata(None)
    {'cpb': {'alt': 'Not enough data to chart.', 'title': ''}}
    >>> chart_metadata(None, caption="Children in care", note="RAG: Amber.")["cpb"]["caption"]
    'Children in care'
    """
    about = {"alt": alt_text or describe(chart), "title": chart_title(chart) if chart is not None else ""}
    if caption:
        about["caption"] = caption
    if note:
        about["note"] = note
    return {METADATA_KEY: about}


def display_chart(
    chart: Chart | None,
    *,
    alt_text: str | None = None,
    png: bool = False,
    caption: str | None = None,
    note: str | None = None,
) -> None:
    """Display a chart in a notebook as static SVG plus the Vega-Lite spec, with its text alternative
    (and a visible ``caption`` above it and ``note`` under it when given).

    ``None`` (what :func:`trend_chart` returns for fewer than two figures)
    displays ``alt_text`` or "Not enough data to chart." as text.
    """
    from IPython.display import display

    metadata = chart_metadata(chart, alt_text=alt_text, caption=caption, note=note)
    if chart is None:
        text = alt_text or NOT_ENOUGH_DATA
        display({TEXT_MIME: text, "text/markdown": f"*{markdown_escape(text)}*"}, raw=True, metadata=metadata)
        return
    display(chart_bundle(chart, alt_text=alt_text, png=png, svg=not _defer_svg()), raw=True, metadata=metadata)


def add_static_charts(nb, draw: _svg.Draw | None = None) -> int:
    """Draw the SVG of every chart output of an executed notebook that has only its spec; returns how many.

    The SVG is named like :func:`chart_bundle`'s, from the output's
    ``{"cpb": {"title", "alt"}}`` metadata. ``draw`` draws the page's specs
    all at once (default: one by one here; a build passes
    :meth:`cpblib.present._svg.ChartDrawing.draw`). Changes ``nb`` in place
    (it is the runner's own copy of the executed notebook).

    >>> import nbformat
    >>> spec = chart_spec(alt.Chart(alt.Data(values=[{"a": 1}])).mark_point().encode(x="a:Q"))
    >>> output = nbformat.v4.new_output("display_data", {VEGALITE_MIME: spec, TEXT_MIME: "One point."},
    ...                                 metadata={"cpb": {"alt": "One point.", "title": ""}})
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=[output])])
    >>> add_static_charts(nb), nb.cells[0].outputs[0].data[SVG_MIME].count("<desc>One point.</desc>")
    (1, 1)
    """
    undrawn = [
        output
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if VEGALITE_MIME in (data := output.get("data") or {}) and SVG_MIME not in data
    ]
    svgs = (draw or _svg.draw_all)([output["data"][VEGALITE_MIME] for output in undrawn])
    for output, drawn in zip(undrawn, svgs, strict=True):
        data = output["data"]
        about = (output.get("metadata") or {}).get(METADATA_KEY) or {}
        svg = static_svg(
            data[VEGALITE_MIME], title=about.get("title"), alt_text=about.get("alt") or data.get(TEXT_MIME), drawn=drawn
        )
        output["data"] = {SVG_MIME: svg, **data}
    return len(undrawn)


@cache
def javascript_bundle() -> str:
    """The Vega, Vega-Lite and vega-embed libraries as one local classic script (built once per process).

    ``vl_convert`` bundles them as top-level declarations; wrapping them in a
    function keeps its many short names out of the page's global scope. The
    script sets ``window.vegaEmbed`` (with vl-convert 1.9 and Vega 6,
    ``window.vega`` and ``window.vegaLite`` come out ``null``: use
    ``vegaEmbed``, which carries both).
    """
    return "(function () {\n" + vlc.javascript_bundle() + "\n})();\n"


def write_js_bundle(folder: str | Path) -> Path:
    """Write the local Vega/Vega-Lite/vega-embed script into ``folder`` (created if needed); return its path.

    A page includes it with ``<script src="vega-bundle.js"></script>`` (a
    classic script, so it also works from ``file://``) and renders an
    ``application/vnd.vegalite.v5+json`` output with
    ``vegaEmbed(element, spec, {actions: false, renderer: "svg"})``, with no
    network access. Building the bundle takes several seconds the first time
    in a process.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / JS_BUNDLE_NAME
    path.write_text(javascript_bundle(), encoding="utf-8")
    return path
