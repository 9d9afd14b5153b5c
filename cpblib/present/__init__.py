"""Presenting a scored month: the pages of the pack, their tables, charts, figures and commentary.

A page notebook opens the month with :func:`open_month` and calls the section
functions of :mod:`cpblib.present.pages`; no scoring happens in a notebook.
Importing this package is light: the modules load when first used.
"""

from __future__ import annotations

__all__ = ["open_month", "pages"]


def __getattr__(name: str):
    if name == "open_month":
        from .pack import open_month

        return open_month
    if name == "pages":
        import importlib

        return importlib.import_module(f"{__name__}.pages")
    raise AttributeError(name)
