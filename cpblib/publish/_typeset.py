"""The board pack PDF typeset in a second Python process, while the first writes the website.

:class:`PdfProcess` is a :class:`~cpblib.sideprocess.SideProcess` running
``python -m cpblib.publish._typeset``: it loads nbconvert, pandoc and Typst as
soon as it starts, is handed the arguments of :func:`~cpblib.publish.render_pdf`
and hands back the PDF's path, or the error that stopped it. With
``engine="quarto"`` the process makes the PDF with Quarto instead
(:func:`~cpblib.publish._quarto_pdf.render_quarto_pdf`, same arguments), and
Quarto's processes are in its group. Closed while busy, it stops with the
processes it started (pandoc, Quarto) and removes its temporary folder.
"""

from __future__ import annotations

from pathlib import Path

from ..sideprocess import STOP_SECONDS, SideProcess, SideProcessFailed, serve
from ._structure import RenderError

__all__ = ["STOP_SECONDS", "PdfProcess"]


class PdfProcess(SideProcess):
    """A second Python process that typesets the PDF: start it early (it loads its libraries meanwhile),
    hand it the work with :meth:`typeset`, collect the PDF with :meth:`wait`, or :meth:`close` it unused."""

    def __init__(self) -> None:
        super().__init__("cpblib.publish._typeset", "the process typesetting the PDF")
        self._out_pdf: Path | None = None

    def typeset(
        self, build_dir: Path, out_pdf: Path, month, *, config, catalogue_domains=None, scratch=None, engine="builtin"
    ) -> None:
        """Send the arguments of :func:`~cpblib.publish.render_pdf`; the process starts on them at once (with
        ``engine="quarto"``, on :func:`~cpblib.publish._quarto_pdf.render_quarto_pdf`'s)."""
        self._out_pdf = Path(out_pdf)
        self.send((engine, build_dir, out_pdf, month, config, catalogue_domains, scratch))

    def wait(self) -> Path:
        """The PDF's path once it is written; raises the error that stopped it."""
        try:
            return Path(self.result())
        except SideProcessFailed as exc:
            raise RenderError(f"{self._out_pdf}: {exc}") from None


def _load() -> None:
    import nbconvert  # noqa: F401  (the libraries load while the website is being written)
    import pypandoc  # noqa: F401
    import typst  # noqa: F401


def _typeset(engine, build_dir, out_pdf, month, config, domains, scratch) -> str:
    from . import render_pdf
    from ._quarto_pdf import render_quarto_pdf

    render = render_quarto_pdf if engine == "quarto" else render_pdf
    return render(build_dir, out_pdf, month, config=config, catalogue_domains=domains, scratch=scratch)


if __name__ == "__main__":
    serve(_typeset, _load)
