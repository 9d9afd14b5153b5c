"""Fixtures for the DfE benchmark tests: the shipped DfE files, a store built from them, tiny projects."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DFE = REPO / ".." / "shared" / "dfe"
SOURCES = REPO / "data" / "benchmark_sources.csv"
CATALOGUE = REPO / "data" / "indicators.csv"


def dfe_files() -> list[Path]:
    """Every DfE data file shipped in the shared folder (not its README)."""
    return sorted(p for folder in ("ees", "lait") for p in (DFE / folder).iterdir() if p.is_file())


@pytest.fixture(scope="session")
def dfe_dir() -> Path:
    if not DFE.is_dir():
        pytest.skip(f"the shared DfE open data folder is not here ({DFE.resolve()}); CI provides it")
    return DFE.resolve()


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
