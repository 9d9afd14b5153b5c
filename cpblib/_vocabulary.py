"""Allowed values and display labels, read once from ``_data/vocabulary.toml``."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources


@cache
def vocabulary() -> dict[str, dict[str, str]]:
    text = resources.files("cpblib").joinpath("_data/vocabulary.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def allowed(kind: str) -> tuple[str, ...]:
    """Allowed codes for a kind, e.g. ``allowed("unit")``."""
    return tuple(vocabulary()[kind])


def label(kind: str, code: str | None) -> str:
    """Display label for a code; unknown or missing codes come back as given."""
    if code is None:
        return ""
    return vocabulary()[kind].get(code, code)
