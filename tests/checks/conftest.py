"""Fixtures for the data-check tests: copies of the bundled demo project in tmp_path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BAD = REPO / "tests" / "data" / "bad"


def copy_project(source: Path, target: Path, *, with_store: bool) -> Path:
    """Copy ``cpb.toml`` and ``data/`` of a project; the store only when asked."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(source / "cpb.toml", target / "cpb.toml")
    ignore = None if with_store else shutil.ignore_patterns("*.duckdb", "*.duckdb.wal")
    shutil.copytree(source / "data", target / "data", ignore=ignore)
    return target


@pytest.fixture(scope="session")
def demo_source() -> Path:
    if not (REPO / "cpb.toml").is_file() or not (REPO / "data" / "indicators.csv").is_file():
        pytest.skip("the demo project is not in this checkout")
    return REPO


@pytest.fixture(scope="session")
def demo_built(demo_source: Path, tmp_path_factory) -> Path:
    """The demo project with its store built once for the session (do not modify: copy it)."""
    from cpblib.inputs.load import ensure_store
    from cpblib.project import Project

    root = copy_project(demo_source, tmp_path_factory.mktemp("demo-built") / "demo", with_store=False)
    ensure_store(Project.open(root))
    return root


@pytest.fixture
def demo(demo_built: Path, tmp_path: Path) -> Path:
    """A fresh copy of the demo project, store included."""
    return copy_project(demo_built, tmp_path / "demo", with_store=True)


@pytest.fixture
def demo_without_store(demo_source: Path, tmp_path: Path) -> Path:
    """A fresh copy of the demo project with no store yet."""
    return copy_project(demo_source, tmp_path / "demo-without-store", with_store=False)
