"""Charts drawn as static SVG by vl-convert, in this process or in a second one (light to import: no Altair).

vl-convert holds Python's interpreter lock while it draws, about a tenth of a
second per chart, and its JavaScript engine takes most of a second to start. A
build that executes pages therefore draws their charts in a second process
(:class:`ChartDrawing`), started with the kernels and at their priority: this
process goes on talking to the kernels while the charts are drawn.

>>> svg = spec_to_svg(WARM_UP_SPEC)
>>> svg.startswith("<svg") and "</svg>" in svg
True
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Self

from ..sideprocess import PAGE_WORK_NICENESS, SideService, serve_each

_DRAWING = threading.Lock()  # one conversion at a time through the process's vl-convert engine

WARM_UP_SPEC = {
    "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
    "data": {"values": [{"a": 1}]},
    "mark": "point",
    "encoding": {"x": {"field": "a", "type": "quantitative"}},
    "config": {"font": "DejaVu Sans"},
}
"""A one-point chart, drawn once to start the engine."""

Draw = Callable[[list], list]
"""Draws a page's charts: their Vega-Lite specs in, their SVGs out, in order (:func:`draw_all`,
:meth:`ChartDrawing.draw`)."""


def spec_to_svg(spec: Mapping) -> str:
    """Static SVG of a Vega-Lite spec, drawn by ``vl_convert`` with remote data refused."""
    import vl_convert as vlc

    with _DRAWING:
        return vlc.vegalite_to_svg(dict(spec), allowed_base_urls=[])


def draw_all(specs: Sequence[Mapping]) -> list[str]:
    """The SVG of each spec, in order."""
    return [spec_to_svg(spec) for spec in specs]


class ChartDrawing:
    """Draws charts in a second process, started by the first :meth:`draw` (or ahead of time by
    :meth:`start`, for the engine to warm up meanwhile); :meth:`close` stops it. Safe to share between threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._service: SideService | None = None

    def start(self) -> None:
        with self._lock:
            if self._service is None:
                self._service = SideService(__name__, "the process drawing the charts")

    def draw(self, specs: Sequence[Mapping]) -> list[str]:
        """:func:`draw_all` in the second process; raises the error that stopped it."""
        if not specs:
            return []
        self.start()
        return self._service.ask(([dict(spec) for spec in specs],))  # type: ignore[union-attr]

    def close(self) -> None:
        with self._lock:
            service, self._service = self._service, None
        if service is not None:
            service.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _warm_up() -> None:
    """Lower the process's priority (it makes pages, as the kernels do) and start the engine."""
    os.nice(PAGE_WORK_NICENESS)
    spec_to_svg(WARM_UP_SPEC)


if __name__ == "__main__":
    serve_each(draw_all, _warm_up)
