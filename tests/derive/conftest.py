"""Helpers for the 903 tests: small hand-made returns written as DfE lays them out.

``write_return`` takes every episode of a child's care (whatever its year) and
writes, for each collection year asked for, the episodes open during that year,
as a council's system would. Dates are written dd/mm/yyyy.

DfE's validator runs in an environment of its own. Its tests use
``CPB_SSDA903_PYTHON`` when set, else the one ``cpb derive setup`` makes for the
repository's own project (``_build/ssda903-validator``); without either they are skipped, or fail when
``CPB_REQUIRE_SSDA903=1`` (as CI sets it).
"""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from cpblib.derive._tables import SPECS, year_end, year_label, year_start

REPO = Path(__file__).resolve().parents[2]


def _day(text: str | None) -> pd.Timestamp | None:
    day = pd.to_datetime(text, format="%d/%m/%Y", errors="coerce") if text else None
    return None if day is None or pd.isna(day) else pd.Timestamp(day)


def write_return(
    folder: Path, years: list[int], tables: dict[str, list[dict]], extra_columns: tuple[str, ...] = ()
) -> Path:
    """Write the 903 tables for ``years`` under ``folder/<year label>/``.

    ``tables["episodes"]`` rows go to each year they overlap; rows of other tables
    carry a ``year`` key naming their collection year (annual tables) or go to every year.
    """
    for year in years:
        target = folder / year_label(year)
        target.mkdir(parents=True, exist_ok=True)
        start, end = year_start(year), year_end(year)
        for name, rows in tables.items():
            spec = SPECS[name]
            if name == "episodes":
                mine = [
                    r
                    for r in rows
                    if (_day(r["DECOM"]) is None or _day(r["DECOM"]) <= end)  # a date that is not one goes everywhere
                    and (not r.get("DEC") or _day(r["DEC"]) >= start)
                ]
                mine = [
                    {**r, **({"DEC": "", "REC": ""} if r.get("DEC") and _day(r["DEC"]) > end else {})} for r in mine
                ]
            else:
                mine = [{k: v for k, v in r.items() if k != "year"} for r in rows if r.get("year", year) == year]
            columns = [*spec.columns, *(c for c in spec.extra if name == "header" or c in extra_columns)]
            with (target / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=columns, restval="", lineterminator="\n")
                writer.writeheader()
                writer.writerows(mine)
    return folder


def episode(
    child: str, decom: str, rne: str = "S", ls: str = "C1", place: str = "U4", dec: str = "", rec: str = "", **extra
) -> dict:
    return {
        "CHILD": child,
        "DECOM": decom,
        "RNE": rne,
        "LS": ls,
        "CIN": "N1",
        "PLACE": place,
        "PLACE_PROVIDER": "PR1",
        "DEC": dec,
        "REC": rec,
        **extra,
    }


def header(child: str, dob: str = "01/01/2012", sex: str = "1", uasc: str = "0") -> dict:
    return {
        "CHILD": child,
        "SEX": sex,
        "DOB": dob,
        "ETHNIC": "WBRI",
        "UPN": "UN2",
        "MOTHER": "",
        "MC_DOB": "",
        "UASC": uasc,
    }


def figure(frame: pd.DataFrame, code: str, period: str) -> pd.Series:
    """The row of one definition and period."""
    rows = frame.loc[(frame["definition"] == code) & (frame["period"] == period)]
    assert len(rows) == 1, (code, period, len(rows))
    return rows.iloc[0]


def validator_python() -> Path | None:
    named = os.environ.get("CPB_SSDA903_PYTHON")
    if named:
        return Path(named)
    local = REPO / "_build" / "ssda903-validator" / "bin" / "python"
    return local if local.is_file() else None


def need_validator() -> Path:
    """The validator environment's Python; skips, or fails under ``CPB_REQUIRE_SSDA903=1``."""
    python = validator_python()
    if python is None or not python.is_file():
        reason = "DfE's 903 validator is not installed (run 'cpb derive setup' or set CPB_SSDA903_PYTHON)"
        if os.environ.get("CPB_REQUIRE_SSDA903") == "1":
            pytest.fail(f"{reason} (CPB_REQUIRE_SSDA903=1)", pytrace=False)
        pytest.skip(reason)
    return python


@pytest.fixture
def derive_project(tmp_path: Path) -> Path:
    """The demo project (catalogue with its derivation column) without extracts, in ``tmp_path``."""
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy2(REPO / "cpb.toml", root / "cpb.toml")
    shutil.copytree(REPO / "data", root / "data", ignore=shutil.ignore_patterns("*.duckdb", "*.duckdb.wal", "extracts"))
    (root / "data" / "extracts").mkdir()
    return root


@pytest.fixture(scope="session")
def synthetic(tmp_path_factory) -> Path:
    """A synthetic council of 150 children over three years ending 31 March 2023 (seed 7)."""
    from cpblib.derive import write_synthetic

    out = tmp_path_factory.mktemp("synthetic") / "903"
    write_synthetic(out, children=150, years=3, seed=7, last_year=2023)
    return out
