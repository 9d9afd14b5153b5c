"""Fixtures shared by the whole test suite (generic ones only)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"

SLOW = (
    "tests/checks/test_check_cli.py",
    "tests/checks/test_corpus.py",
    "tests/checks/test_runner.py",
    "tests/checks/test_suites.py::test_every_expectation_type_is_a_gx_expectation",
    "tests/cli/test_commentary.py",
    "tests/cli/test_load.py",
    "tests/cli/test_render.py",
    "tests/cli/test_run.py",
    "tests/derive/test_cli.py",
    "tests/derive/test_derive.py",
    "tests/derive/test_validator.py",
    "tests/dfe/test_agreement.py",
    "tests/dfe/test_cli.py",
    "tests/dfe/test_comparators.py",
    "tests/dfe/test_conventions.py",
    "tests/execute/test_kernels.py",
    "tests/notebooks/",
    "tests/present/charts/test_display.py::test_a_notebook_that_displays_a_chart_executes_and_keeps_it",
    "tests/publish/test_month.py",
    "tests/publish/test_pdf.py",
    "tests/publish/test_public_render.py",
    "tests/scoring/test_properties.py",
    "tests/site/",
    "tests/test_backtest.py",
)
"""Tests that run the data checks, execute notebooks, render packs, drive a browser or search widely:
``python -m pytest -m "not slow"`` leaves them out and runs the rest in under a minute."""


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.nodeid.startswith(SLOW):
            item.add_marker(pytest.mark.slow)


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


@pytest.fixture(scope="session")
def rendered_demo(tmp_path_factory) -> Path:
    """The demo project copied to a temporary folder and rendered once for the whole test session
    (``cpb render --month 2023-03`` with the built-in engine); returns the project root.

    The pack is in ``<root>/_site/2023-03/`` and the executed notebooks in ``<root>/_build/2023-03/``.
    Tests must not change these files; copy them first.
    """
    import subprocess
    import sys

    root = tmp_path_factory.mktemp("rendered") / "demo"
    root.mkdir()
    shutil.copy2(ROOT / "cpb.toml", root / "cpb.toml")
    shutil.copy2(ROOT / "_quarto.yml", root / "_quarto.yml")
    shutil.copy2(ROOT / "index.qmd", root / "index.qmd")
    for folder in ("data", "notebooks", "expectations"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns("*.duckdb", "*.duckdb.wal"))
    command = [
        sys.executable,
        "-m",
        "cpblib",
        "render",
        "--month",
        "2023-03",
        "--engine",
        "builtin",
        "--project",
        str(root),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, cwd=root, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return root
