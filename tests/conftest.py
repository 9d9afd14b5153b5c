"""Fixtures shared by the whole test suite (generic ones only)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def mini_project(tmp_path: Path) -> Path:
    """A small, valid project copied into ``tmp_path``; returns its root folder.

    It holds ``cpb.toml`` (Testshire Council, LA 999), a seven-indicator
    ``data/indicators.csv`` (counts, percentages, a rate, a score; names with
    an en dash and a comma; aliases) and one extract, ``data/extracts/2023-01.csv``.
    No store exists until a test builds one.
    """
    root = tmp_path / "project"
    shutil.copytree(DATA / "mini-project", root)
    return root


ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def demo_project(tmp_path: Path) -> Path:
    """A copy of the bundled demo project (``cpb.toml`` and ``data/``, no store) in ``tmp_path``."""
    root = tmp_path / "demo"
    root.mkdir()
    shutil.copy2(ROOT / "cpb.toml", root / "cpb.toml")
    shutil.copytree(ROOT / "data", root / "data", ignore=shutil.ignore_patterns("*.duckdb", "*.duckdb.wal"))
    return root
