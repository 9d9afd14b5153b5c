"""Publishing a month: the website and the PDF board pack, with or without Quarto.

The month's executed notebooks (``_build/<YYYY-MM>/``) are the pages. Which
pages, in what order and under what titles comes from the sidebar of
``_quarto.yml``, so the built-in renderer here and ``quarto render`` publish
the same pack:

* :func:`render_site`: the accessible, self-contained website (nbconvert),
  one folder per month with a home page listing the months;
* :func:`render_pdf`: the A4 board pack (nbconvert Markdown -> pandoc ->
  Typst -> PDF); :class:`PdfProcess` does the same in a second process;
* :func:`stage_quarto`: copy the month into ``pack/`` for ``quarto render``;
  with the quarto engine the PDF is the same pack made by Quarto from a
  document of its own (:mod:`cpblib.publish._quarto_pdf`).
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._month import (
        EngineUnavailable,
        Outcome,
        Published,
        RenderLocked,
        choose_engine,
        log_line,
        published_current,
        record_publication,
        render_lock,
        render_month,
        render_stamp,
        save_render_stamp,
    )
    from ._pdf import render_pdf
    from ._quarto import stage_quarto
    from ._site import archive_months, render_site
    from ._structure import (
        PACK_DIR,
        Page,
        RenderError,
        SiteStructure,
        default_quarto_file,
        find_quarto_file,
        load_structure,
        resolve_pages,
        slugify,
    )
    from ._typeset import PdfProcess

__all__ = [
    "PACK_DIR",
    "EngineUnavailable",
    "Outcome",
    "Page",
    "PdfProcess",
    "Published",
    "RenderError",
    "RenderLocked",
    "SiteStructure",
    "archive_months",
    "choose_engine",
    "default_quarto_file",
    "find_quarto_file",
    "load_structure",
    "log_line",
    "published_current",
    "record_publication",
    "render_lock",
    "render_month",
    "render_pdf",
    "render_site",
    "render_stamp",
    "resolve_pages",
    "save_render_stamp",
    "slugify",
    "stage_quarto",
]


_MODULES = {
    "._month": ("EngineUnavailable", "Outcome", "Published", "RenderLocked", "choose_engine", "log_line",
                "published_current", "record_publication", "render_lock", "render_month", "render_stamp",
                "save_render_stamp"),
    "._structure": ("PACK_DIR", "Page", "RenderError", "SiteStructure", "default_quarto_file", "find_quarto_file",
                    "load_structure", "resolve_pages", "slugify"),
    "._pdf": ("render_pdf",),
    "._quarto": ("stage_quarto",),
    "._site": ("archive_months", "render_site"),
    "._typeset": ("PdfProcess",),
}  # fmt: skip
_LAZY = {name: module for module, names in _MODULES.items() for name in names}
"""Where each name lives: its module is imported when the name is first used, so that a step that needs one
small module (Quarto's pre- and post-render steps) does not load nbconvert, pandoc or the settings' models."""


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(name)
