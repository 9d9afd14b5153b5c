"""The synthetic council: deterministic per seed, in DfE's layout, and realistic in its proportions."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from cpblib.derive import write_synthetic
from cpblib.derive._definitions import combine, derive
from cpblib.derive._tables import SPECS, read_tables
from cpblib.month import Month


def _digest(folder) -> str:
    sha = hashlib.sha256()
    for path in sorted(folder.rglob("*.csv")):
        sha.update(path.relative_to(folder).as_posix().encode() + path.read_bytes())
    return sha.hexdigest()


def test_the_same_seed_gives_the_same_files(tmp_path):
    write_synthetic(tmp_path / "a", children=40, years=2, seed=11, last_year=2023)
    write_synthetic(tmp_path / "b", children=40, years=2, seed=11, last_year=2023)
    write_synthetic(tmp_path / "c", children=40, years=2, seed=12, last_year=2023)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")


def test_every_table_in_dfe_column_layout(synthetic):
    years = sorted(p.name for p in synthetic.iterdir())
    assert years == ["2020-21", "2021-22", "2022-23"]
    for name, spec in SPECS.items():
        columns = pd.read_csv(synthetic / "2022-23" / f"{name}.csv", nrows=0).columns.tolist()
        assert columns[: len(spec.columns)] == list(spec.columns), name


def test_the_synthetic_council_reads_without_notices(synthetic):
    tables, ignored = read_tables([synthetic])
    assert not ignored
    assert [n for t in tables for n in t.notices] == []


@pytest.fixture(scope="module")
def figures(synthetic) -> pd.DataFrame:
    tables, _ = read_tables([synthetic])
    return derive(combine(tables, {2022: 30000.0}), Month(2023, 3))


def value(figures, code, period="2023-03"):
    return figures.loc[(figures["definition"] == code) & (figures["period"] == period)].iloc[0]


def test_proportions_are_those_of_a_real_council(figures):
    # about 150 children looked after on a day
    assert 100 <= value(figures, "ssda903:cla-count")["value"] <= 200
    # a few per cent UASC, around one in ten with three or more placements, most long-term placements stable
    assert 0 < value(figures, "ssda903:uasc-percent")["value"] < 12
    assert 2 < value(figures, "ssda903:three-plus-placements")["value"] < 20
    assert 40 < value(figures, "ssda903:long-term-stability")["value"] < 90
    # children go missing, are adopted, have health checks, and care leavers are mostly in touch
    assert 2 < value(figures, "ssda903:missing-12-months")["value"] < 25
    assert value(figures, "ssda903:adoptions-12-months")["value"] >= 1
    assert 70 < value(figures, "ssda903:health-assessment")["value"] <= 100
    assert 60 < value(figures, "ssda903:care-leavers-in-touch")["value"] <= 100
    assert 5 < value(figures, "ssda903:placed-over-20-miles")["value"] < 50
    # starts and leavers each month, in proportion to the children looked after
    starts = figures.loc[figures["definition"] == "ssda903:started", "value"]
    assert 2 <= starts.mean() <= 12


def test_nobody_in_the_synthetic_data_is_looked_after_under_two_open_episodes(synthetic):
    episodes = pd.read_csv(synthetic / "2022-23" / "episodes.csv", dtype=str)
    open_episodes = episodes.loc[episodes["DEC"].isna()]
    assert not open_episodes["CHILD"].duplicated().any()
