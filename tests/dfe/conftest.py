"""Fixtures for the DfE benchmark tests: the trimmed DfE files in tests/data/dfe, a store built from them,
tiny projects.

The trimmed files are real DfE and Ofsted publications cut down to the series the tests and the shipped
mapping use (every area, every year): see tests/data/dfe/README.md. Tests marked ``full_dfe`` need the full
published files beside the repository (``../shared/dfe``) and are skipped without them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DFE = REPO / "tests" / "data" / "dfe"
FULL_DFE = REPO.parent / "shared" / "dfe"
SOURCES = REPO / "data" / "benchmark_sources.csv"
CATALOGUE = REPO / "data" / "indicators.csv"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "full_dfe: needs the full DfE files in ../shared/dfe (skipped without them)")


def dfe_files() -> list[Path]:
    """Every trimmed DfE data file (not the README or the script that makes them)."""
    return sorted(p for folder in ("ees", "lait") for p in (DFE / folder).iterdir() if p.is_file())


@pytest.fixture(scope="session")
def dfe_dir() -> Path:
    """The folder of trimmed DfE files (``ees/`` and ``lait/``), part of the repository."""
    return DFE


@pytest.fixture(scope="session")
def full_dfe_dir() -> Path:
    """The full published DfE files, for the few tests marked ``full_dfe``."""
    if not FULL_DFE.is_dir():
        pytest.skip(f"the full DfE files are not here ({FULL_DFE}); the trimmed copies cover every other test")
    return FULL_DFE


@pytest.fixture(scope="session")
def read(dfe_dir: Path):
    """``read_release`` that reads each file once per test session (the files are large)."""
    from cpblib.dfe.readers import read_release

    cache: dict[Path, object] = {}

    def cached(path: Path):
        key = Path(path).resolve()
        if key not in cache:
            cache[key] = read_release(key)
        return cache[key]

    return cached


@pytest.fixture(scope="session")
def dfe_store(dfe_dir: Path, read, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding every shipped DfE file. Shared by tests: never write to it (copy it first).

    Built from the releases as read (import_files itself is tested in test_importer.py).
    """
    from cpblib.dfe.store import write_releases

    store = tmp_path_factory.mktemp("dfe-store") / "cpb.duckdb"
    write_releases(store, [read(path) for path in dfe_files()])
    return store


def write_project(root: Path, config: str = "", store: Path | None = None, catalogue: bool = False) -> Path:
    """A tiny project for Dorset Council (LA 838) in ``root``: cpb.toml, the mapping, optionally a store copy."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "cpb.toml").write_text('[authority]\nname = "Dorset Council"\nla_code = "838"\n' + config, encoding="utf-8")
    (root / "data").mkdir(exist_ok=True)
    shutil.copy(SOURCES, root / "data" / "benchmark_sources.csv")
    if catalogue and CATALOGUE.is_file():
        shutil.copy(CATALOGUE, root / "data" / "indicators.csv")
    if store is not None:
        shutil.copy(store, root / "data" / "cpb.duckdb")
    return root


@pytest.fixture
def project(tmp_path: Path, dfe_store: Path) -> Path:
    """A Dorset project whose store already holds every shipped DfE file."""
    return write_project(tmp_path / "project", store=dfe_store)
