"""Sparklines: a small trend per table row, drawn straight from the figures as inline SVG.

A pack has a sparkline for every indicator (68 in the demo month). Drawing each as an Altair chart
converted by vl-convert costs about a tenth of a second (building the spec, then the JavaScript
engine); these are a few lines of SVG built from the figures in microseconds, in the house colours,
sized and scaled by ``[sparkline]`` of ``cpblib/_data/charts.toml``. Each carries its text
alternative (:func:`sparkline_text`) as ``aria-label`` and ``<title>``, so a screen reader hears
"Oct 22 to Mar 23: 447 to 437, down".

>>> values, labels = [447.0, 456.0, float("nan"), 449.0, 444.0, 437.0], ["Oct 22", "Nov 22", "Dec 22",
...     "Jan 23", "Feb 23", "Mar 23"]
>>> sparkline_text(values, labels, "count", 0)
'Oct 22 to Mar 23: 447 to 437, down (no figure for Dec 22)'
>>> svg = sparkline_svg(values, labels, "count", 0, rag="amber")
>>> svg.count("<polyline"), 'aria-label="Oct 22 to Mar 23: 447 to 437, down (no figure for Dec 22)"' in svg
(2, True)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from ..format import format_value
from . import _theme as theme


def _present(values: Sequence[object]) -> list[float | None]:
    out: list[float | None] = []
    for value in values:
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            out.append(None)
            continue
        out.append(None if math.isnan(number) else number)
    return out


def sparkline_text(values: Sequence[object], labels: Sequence[str], unit: str | None, decimals: int | None) -> str:
    """The text alternative of a sparkline: the periods it spans, first and last figures and which way.

    >>> sparkline_text([64.2, 64.6], ["Feb 23", "Mar 23"], "percent", 1)
    'Feb 23 to Mar 23: 64.2% to 64.6%, up'
    >>> sparkline_text([None, 5.0], ["Feb 23", "Mar 23"], "count", 0)
    'Mar 23: 5 (one figure)'
    >>> sparkline_text([None, None], ["Feb 23", "Mar 23"], "count", 0)
    'No figures'
    """
    figures = _present(values)
    shown = [(label, value) for label, value in zip(labels, figures) if value is not None]
    if not shown:
        return "No figures"
    places = 0 if decimals is None or (isinstance(decimals, float) and math.isnan(decimals)) else int(decimals)
    (first_label, first), (last_label, last) = shown[0], shown[-1]
    if len(shown) == 1:
        return f"{last_label}: {format_value(last, unit, places)} (one figure)"
    first_text, last_text = format_value(first, unit, places), format_value(last, unit, places)
    rounded = round(last, places) - round(first, places)
    way = "the same" if first_text == last_text or rounded == 0 else ("up" if rounded > 0 else "down")
    text = f"{first_label} to {last_label}: {first_text} to {last_text}, {way}"
    first_at = list(labels).index(first_label)
    gaps = [label for label, value in zip(labels[first_at:], figures[first_at:]) if value is None]
    if gaps:
        text += f" (no figure for {' and '.join(gaps)})"
    return text


def _scale(figures: list[float | None]) -> tuple[float, float]:
    """The bottom and the span of the vertical scale: the figures' range, widened to at least
    ``min_span_share`` of the largest figure so that a small change looks small."""
    present = [v for v in figures if v is not None]
    lo, hi = min(present), max(present)
    span = max(hi - lo, theme.SPARKLINE["min_span_share"] * max(abs(lo), abs(hi)), 1e-9)
    return (lo + hi) / 2 - span / 2, span


def sparkline_svg(
    values: Sequence[object],
    labels: Sequence[str],
    unit: str | None,
    decimals: int | None,
    *,
    rag: str | None = None,
    text: str | None = None,
) -> str:
    """The sparkline as an SVG element: the figures as a line (broken where one is missing) and the
    latest as a dot in its RAG colour; named by its text alternative. ``""`` when there is no figure.

    >>> svg = sparkline_svg([1.0, 2.0], ["Feb 23", "Mar 23"], "count", 0)
    >>> svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" width="84" height="22"')
    True
    >>> sparkline_svg([None], ["Mar 23"], "count", 0)
    ''
    """
    figures = _present(values)
    if all(v is None for v in figures):
        return ""
    spec = theme.SPARKLINE
    width, height, pad = spec["width"], spec["height"], spec["padding"]
    radius = spec["dot_radius"]
    bottom, span = _scale(figures)
    count = len(figures)
    step = (width - 2 * pad - radius) / max(count - 1, 1)

    def point(i: int, value: float) -> tuple[float, float]:
        return pad + i * step, height - pad - (value - bottom) / span * (height - 2 * pad)

    segments: list[list[tuple[float, float]]] = [[]]
    for i, value in enumerate(figures):
        if value is None:
            if segments[-1]:
                segments.append([])
            continue
        segments[-1].append(point(i, value))
    marks = []
    for segment in (s for s in segments if s):
        if len(segment) == 1:
            x, y = segment[0]
            marks.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.2" fill="{theme.SERIES_COLOUR}"/>')
            continue
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in segment)
        marks.append(
            f'<polyline points="{points}" fill="none" stroke="{theme.SERIES_COLOUR}" '
            f'stroke-width="{spec["stroke_width"]}" stroke-linejoin="round" stroke-linecap="round"/>'
        )
    last = max(i for i, v in enumerate(figures) if v is not None)
    x, y = point(last, figures[last])  # type: ignore[arg-type]
    style = theme.RAG_STYLE.get(str(rag).lower()) if rag else None
    fill = style["colour"] if style else theme.SERIES_COLOUR
    marks.append(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill="{fill}" stroke="{theme.MARKER_OUTLINE}" '
        'stroke-width="0.75"/>'
    )
    label = text if text is not None else sparkline_text(values, labels, unit, decimals)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" width="{width}" height="{height}" '
        f'role="img" aria-label={quoteattr(label)}><title>{escape(label)}</title>{"".join(marks)}</svg>'
    )
