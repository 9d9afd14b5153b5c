"""The board pack PDF typeset in a second Python process, while the first executes the pages and writes the website.

:class:`PdfProcess` is a :class:`~cpblib.sideprocess.SideService` running
``python -m cpblib.publish._typeset``: it loads nbconvert, pandoc and Typst as
soon as it starts, at the priority of the processes that make the pages
(:data:`~cpblib.sideprocess.PAGE_WORK_NICENESS`). As each page's notebook is final it is told so
(:meth:`PdfProcess.prepare`), and makes that page's part of the PDF while the
other pages execute (:class:`~cpblib.publish._pdf.PdfPages`). It is then handed
the arguments of :func:`~cpblib.publish.render_pdf`, which uses every page made
ready that is still current, and hands back the PDF's path, or the error that
stopped it. With ``engine="quarto"`` the process makes the PDF with Quarto instead
(:func:`~cpblib.publish._quarto_pdf.render_quarto_pdf`, same arguments), and
Quarto's processes are in its group. Closed while busy, it stops with the
processes it started (pandoc, Quarto) and removes its temporary folders.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ..sideprocess import PAGE_WORK_NICENESS, STOP_SECONDS, SideProcessFailed, SideService, serve_each
from ._structure import RenderError

__all__ = ["STOP_SECONDS", "PdfProcess"]


class PdfProcess(SideService):
    """A second Python process that typesets the PDF: start it early (it loads its libraries meanwhile),
    tell it of each page as it is ready with :meth:`prepare`, hand it the work with :meth:`typeset`, collect
    the PDF with :meth:`wait`, or :meth:`close` it unused."""

    def __init__(self) -> None:
        super().__init__("cpblib.publish._typeset", "the process typesetting the PDF")
        self._out_pdf: Path | None = None

    def prepare(self, build_dir: Path, relative: str, pages: Sequence[str], scratch: Path | None = None) -> None:
        """Say that the page notebook ``relative`` (to ``build_dir``) is final: the process makes its part of
        the PDF now, in a folder made in ``scratch`` (``pages``: every page notebook the pack is expected to
        have). Nothing comes back: a page that cannot be made ready now is made, or reported, by :meth:`typeset`."""
        self.tell(("prepare", build_dir, relative, list(pages), scratch))

    def typeset(
        self, build_dir: Path, out_pdf: Path, month, *, config, catalogue_domains=None, scratch=None, engine="builtin"
    ) -> None:
        """Send the arguments of :func:`~cpblib.publish.render_pdf`; the process starts on them at once (with
        ``engine="quarto"``, on :func:`~cpblib.publish._quarto_pdf.render_quarto_pdf`'s)."""
        self._out_pdf = Path(out_pdf)
        self.request(("typeset", engine, build_dir, out_pdf, month, config, catalogue_domains, scratch))

    def wait(self) -> Path:
        """The PDF's path once it is written; raises the error that stopped it."""
        try:
            return Path(self.answer())
        except SideProcessFailed as exc:
            raise RenderError(f"{self._out_pdf}: {exc}") from None


def _load() -> None:
    """The libraries, loaded while the data are checked, and what making the first page ready would
    otherwise start with (the fonts' widths, the Markdown exporter); at the pages' priority."""
    os.nice(PAGE_WORK_NICENESS)
    import pypandoc  # noqa: F401
    import typst  # noqa: F401

    from ._pdf import warm_up

    warm_up()


_READY = []  # the pages made ready (one PdfPages, made by the first page told of)


def _work(kind: str, *arguments) -> object:
    return _prepare(*arguments) if kind == "prepare" else _typeset(*arguments)


def _prepare(build_dir, relative, pages, scratch) -> None:
    from ._pdf import PdfPages

    if not _READY:
        _READY.append(PdfPages(scratch))
    _READY[0].prepare(build_dir, relative, pages)


def _typeset(engine, build_dir, out_pdf, month, config, domains, scratch) -> str:
    from . import render_pdf
    from ._quarto_pdf import render_quarto_pdf

    if engine == "quarto":
        return render_quarto_pdf(build_dir, out_pdf, month, config=config, catalogue_domains=domains, scratch=scratch)
    ready = _READY[0] if _READY else None
    try:
        return render_pdf(
            build_dir, out_pdf, month, config=config, catalogue_domains=domains, scratch=scratch, ready=ready
        )
    finally:
        if ready is not None:
            ready.close()
            _READY.clear()


if __name__ == "__main__":
    serve_each(_work, _load)
