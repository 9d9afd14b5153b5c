"""Importing releases: idempotent, all-or-nothing, newer releases beside older ones."""

from __future__ import annotations

import datetime as _dt
import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest

from cpblib.dfe import all_comparators, import_files, releases
from cpblib.errors import InputError

from .conftest import SOURCES

CLA = "ees/cla_number_and_rate_per_10k_children.csv"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def older_cla_release(dfe_dir: Path, folder: Path) -> Path:
    """The CLA file as an earlier release would hold it: without its latest year (2025)."""
    lines = (dfe_dir / CLA).read_text(encoding="utf-8-sig").splitlines()
    kept = [lines[0]] + [line for line in lines[1:] if not line.startswith("2025,")]
    path = folder / "cla_number_and_rate_per_10k_children_2024.csv"
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return path


def test_importing_the_same_files_again_changes_nothing(dfe_dir, dfe_store, tmp_path):
    store = tmp_path / "cpb.duckdb"
    shutil.copy(dfe_store, store)
    before = sha(store)
    report = import_files(store, [dfe_dir / "ees", dfe_dir / "lait"])
    assert set(report.loc[report["status"] != "not a data file", "status"]) == {"already imported"}
    assert sha(store) == before  # not even opened for writing


def test_a_file_already_imported_under_another_name_is_not_imported_twice(dfe_dir, tmp_path):
    store = tmp_path / "cpb.duckdb"
    copy = tmp_path / "renamed.csv"
    shutil.copy(dfe_dir / "ees" / "la_cla_swcount.csv", copy)
    report = import_files(store, [dfe_dir / "ees" / "la_cla_swcount.csv", copy])
    assert report["status"].tolist() == ["imported", "already imported (same file as la_cla_swcount.csv)"]
    assert len(releases(store)) == 1


def test_a_folder_stands_for_its_data_files(dfe_dir, tmp_path):
    folder = tmp_path / "downloads"
    folder.mkdir()
    shutil.copy(dfe_dir / "ees" / "la_cla_swcount.csv", folder)
    (folder / "README.md").write_text("notes", encoding="utf-8")
    report = import_files(tmp_path / "cpb.duckdb", [folder])
    assert report.set_index("file")["status"].to_dict() == {
        "la_cla_swcount.csv": "imported",
        "README.md": "not a data file",
    }


def test_a_failed_import_leaves_the_store_byte_for_byte_unchanged(dfe_dir, dfe_store, tmp_path):
    store = tmp_path / "cpb.duckdb"
    shutil.copy(dfe_store, store)
    before = sha(store)
    bad = tmp_path / "notes.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    good_but_new = older_cla_release(dfe_dir, tmp_path)
    with pytest.raises(InputError, match="notes.csv"):
        import_files(store, [good_but_new, bad])
    assert sha(store) == before
    assert len(releases(store)) == len(releases(dfe_store))


def test_a_failed_first_import_creates_no_store(tmp_path):
    bad = tmp_path / "notes.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError):
        import_files(tmp_path / "data" / "cpb.duckdb", [bad])
    assert not (tmp_path / "data" / "cpb.duckdb").exists()


def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        import_files(tmp_path / "cpb.duckdb", [tmp_path / "nowhere.csv"])


def test_other_modules_tables_are_left_alone(dfe_dir, tmp_path):
    store = tmp_path / "cpb.duckdb"
    with duckdb.connect(str(store)) as connection:
        connection.execute("CREATE TABLE observations (indicator VARCHAR, value DOUBLE)")
        connection.execute("INSERT INTO observations VALUES ('cic-rate', 67)")
    import_files(store, [dfe_dir / "ees" / "la_cla_swcount.csv"])
    with duckdb.connect(str(store), read_only=True) as connection:
        assert connection.execute("SELECT * FROM observations").fetchall() == [("cic-rate", 67.0)]
        tables = {row[0] for row in connection.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert {t for t in tables if t != "observations"} == {
        "dfe_meta",
        "dfe_releases",
        "dfe_values",
        "dfe_measures",
        "dfe_neighbours",
        "dfe_inspections",
        "dfe_areas",
    }


def test_rows_are_tagged_with_their_release(dfe_dir, tmp_path):
    store = tmp_path / "cpb.duckdb"
    when = _dt.datetime(2025, 11, 20, 9, 30)
    import_files(store, [dfe_dir / "ees" / "la_cla_swcount.csv"], imported_at=when)
    stored = releases(store).iloc[0]
    assert stored["release"] == "sw_stability-2024-1f496f2d"
    assert stored["file_name"] == "la_cla_swcount.csv"
    assert stored["sha256"] == sha(dfe_dir / "ees" / "la_cla_swcount.csv")
    assert stored["imported_at"] == when
    assert stored["latest_period"] == "2024"
    with duckdb.connect(str(store), read_only=True) as connection:
        tags = connection.execute("SELECT DISTINCT release FROM dfe_values").fetchall()
    assert tags == [("sw_stability-2024-1f496f2d",)]


def test_a_newer_release_goes_beside_the_older_one_and_a_pack_can_pin_either(dfe_dir, tmp_path):
    store = tmp_path / "cpb.duckdb"
    old = older_cla_release(dfe_dir, tmp_path)
    import_files(store, [old], imported_at=_dt.datetime(2024, 12, 1))
    first = all_comparators(store, SOURCES, ["838"], indicators=["cic-rate"])
    import_files(store, [dfe_dir / CLA], imported_at=_dt.datetime(2025, 12, 1))
    stored = releases(store)
    assert sorted(stored["latest_period"]) == ["2024", "2025"]
    old_id = stored.loc[stored["latest_period"] == "2024", "release"].iloc[0]

    latest = all_comparators(store, SOURCES, ["838"], indicators=["cic-rate"])
    assert latest["year_end"].max() == 2025
    pinned = all_comparators(store, SOURCES, ["838"], indicators=["cic-rate"], release=old_id)
    as_of = all_comparators(store, SOURCES, ["838"], indicators=["cic-rate"], release="2025-01-31")
    assert pinned["year_end"].max() == 2024
    for frame in (pinned, as_of):
        assert frame.drop(columns="source").equals(first.drop(columns="source"))
        assert set(frame["source"]) == {old_id}
