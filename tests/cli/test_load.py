"""``cpb load``: receipts, duplicates, and every kind of bad input."""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from cpblib.cli import app
from cpblib.inputs.load import ensure_store
from cpblib.project import Project

DATA = Path(__file__).parent.parent / "data"
BAD = DATA / "bad-load"
runner = CliRunner()


def load(project: Path, *args: str):
    return runner.invoke(app, ["load", *args, "--project", str(project)])


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def loads_table(project: Path) -> list[tuple]:
    with duckdb.connect(str(project / "data" / "cpb.duckdb"), read_only=True) as con:
        return con.execute(
            "SELECT load_id, month, source_file, row_count, extracted_on FROM loads ORDER BY load_id"
        ).fetchall()


# -- loading good files ------------------------------------------------------------------------
def test_load_prints_a_receipt(mini_project):
    result = load(mini_project, str(DATA / "load" / "2023-03-appendix-wide.csv"), "--extracted-on", "2023-04-03")
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "Loaded 2023-03-appendix-wide.csv for 2023-03." in out
    assert "Load 2" in out  # the store was first built from data/extracts (load 1)
    assert "Values 25" in out
    assert "Indicators 5" in out
    assert "Periods 2022-10 to 2023-03 (6)" in out
    assert "1 not available; 1 suppressed (c): confidential or small number" in out
    assert "Ignored columns Domain, Unit, Good is, England, Good SN, Target" in out
    assert "Heading rows skipped 2, 6" in out
    assert [row[:4] for row in loads_table(mini_project)] == [
        (1, "2023-01", "2023-01.csv", 10),
        (2, "2023-03", "2023-03-appendix-wide.csv", 25),
    ]
    assert str(loads_table(mini_project)[1][4]) == "2023-04-03"


def test_month_comes_from_the_file_name_unless_given(mini_project, tmp_path):
    path = tmp_path / "march figures.csv"
    shutil.copy(DATA / "load" / "2023-03-utf8-bom.csv", path)
    result = load(mini_project, str(path))
    assert result.exit_code == 1
    assert "give --month" in result.stderr
    result = load(mini_project, str(path), "--month", "Apr 23")
    assert result.exit_code == 0, result.output
    assert loads_table(mini_project)[-1][1] == "2023-04"


def test_loading_the_same_file_twice_is_a_skipped_duplicate(mini_project):
    path = str(DATA / "load" / "2023-03-semicolon.csv")
    assert load(mini_project, path).exit_code == 0
    before = digest(mini_project / "data" / "cpb.duckdb")
    again = load(mini_project, path)
    assert again.exit_code == 0
    assert "Already loaded" in again.stdout and "nothing changed" in again.stdout
    assert digest(mini_project / "data" / "cpb.duckdb") == before


def test_a_file_dropped_into_the_extracts_folder_is_loaded_once(mini_project):
    target = mini_project / "data" / "extracts" / "2023-03-semicolon.csv"
    shutil.copy(DATA / "load" / "2023-03-semicolon.csv", target)
    result = load(mini_project, str(target))
    assert result.exit_code == 0, result.output
    assert "Loaded 2023-03-semicolon.csv" in result.stdout
    assert len(loads_table(mini_project)) == 2


def test_a_bad_extracted_on_date_is_a_usage_error(mini_project):
    result = load(mini_project, str(DATA / "load" / "2023-03-semicolon.csv"), "--extracted-on", "3 April")
    assert result.exit_code == 2


# -- every bad input: exit 1, one line naming file, row and column; the store unchanged --------------
def manifest() -> list[dict[str, str]]:
    with open(BAD / "manifest.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_manifest_covers_every_bad_file():
    listed = {case["file"] for case in manifest()}
    present = {p.name for p in BAD.iterdir() if p.name != "manifest.csv"}
    assert listed == present


@pytest.mark.parametrize("store_exists", [True, False], ids=["store", "no-store"])
@pytest.mark.parametrize("case", manifest(), ids=lambda case: case["file"])
def test_bad_input_is_refused_with_one_clear_line(mini_project, case, store_exists):
    store = mini_project / "data" / "cpb.duckdb"
    if store_exists:
        ensure_store(Project.open(mini_project))
        before = digest(store)
    result = load(mini_project, str(BAD / case["file"]), "--month", "2023-03")
    assert result.exit_code == 1, result.output
    message = result.stderr.strip()
    assert "\n" not in message
    assert "Traceback" not in result.output
    assert message.startswith(f"error: {case['file']}")
    # a problem with the whole file (not a table, empty) names no row or column it does not have
    assert (f", row {case['row']}" in message) if case["row"] else (", row " not in message)
    assert (f", column '{case['column']}'" in message) if case["column"] else (", column " not in message)
    for words in case["words"].split("|"):
        assert words.lower() in message.lower()
    if store_exists:
        assert digest(store) == before
    else:
        assert not store.exists()


@pytest.mark.parametrize("cell", ["[abc 1]", "[/x 1]"])
def test_cell_text_in_square_brackets_is_shown_as_written(mini_project, tmp_path, cell):
    path = tmp_path / "2023-03.csv"
    path.write_text(f"indicator,period,value\ncic-number,2023-03,{cell}\n", encoding="utf-8")
    result = load(mini_project, str(path))
    assert result.exit_code == 1
    assert f"'{cell}' is not a number" in result.stderr
