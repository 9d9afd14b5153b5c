"""cpb import scorecard on the command line: what it prints, its one-line errors, the list of cells not placed."""

import csv
from pathlib import Path

from typer.testing import CliRunner

from cpblib.cli import app
from cpblib.init import init_project
from cpblib.project import Project

DATA = Path(__file__).resolve().parents[1] / "adopt" / "data"
runner = CliRunner()


def _project(tmp_path: Path) -> Project:
    init_project(tmp_path / "council", name="Testshire Council", la_code="999")
    return Project.open(tmp_path / "council")


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_command_says_what_it_did_and_lists_each_cell(tmp_path):
    project = _project(tmp_path)
    result = runner.invoke(
        app,
        [
            "import",
            "scorecard",
            str(DATA / "scorecard.csv"),
            "--mapping",
            str(DATA / "mapping.toml"),
            "-p",
            str(project.root),
        ],
        terminal_width=200,
    )
    assert result.exit_code == 0, result.output
    assert "6 indicator(s) added" in result.output
    assert "Targets: 4 added" in result.output
    assert "Benchmarks: 8 added" in result.output
    assert "4 cell(s) not placed" in result.output
    assert "Source: case records" in result.output and "Head of service" in result.output
    assert "cpb check --month 2023-03" in result.output


def test_the_command_refuses_a_bad_mapping_with_one_line_and_exit_code_1(tmp_path):
    project = _project(tmp_path)
    mapping = tmp_path / "map.toml"
    mapping.write_text("[columns]\n", encoding="utf-8")
    result = runner.invoke(
        app, ["import", "scorecard", str(DATA / "scorecard.csv"), "--mapping", str(mapping), "-p", str(project.root)]
    )
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == ["error: map.toml, key 'columns.indicator': required key is missing"]


def test_the_cells_not_placed_can_be_written_to_a_csv_file_safe_to_open(tmp_path):
    project = _project(tmp_path)
    scorecard = tmp_path / "card.csv"
    scorecard.write_text(
        (DATA / "scorecard.csv").read_text(encoding="utf-8").replace("Head of service", "=cmd|' /C calc'!A0"),
        encoding="utf-8",
    )
    listing = tmp_path / "unplaced.csv"
    args = ["import", "scorecard", str(scorecard), "--mapping", str(DATA / "mapping.toml"), "-p", str(project.root)]
    result = runner.invoke(app, [*args, "--unplaced", str(listing)], terminal_width=200)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(listing.open(encoding="utf-8")))
    assert len(rows) == 4
    assert rows[0] == {
        "sheet": "",
        "row": "2",
        "column": "Lead",
        "text": "'=cmd|' /C calc'!A0",
        "why": "the mapping does not name this column",
    }
    before = _snapshot(project.root)
    again = runner.invoke(app, [*args, "--unplaced", str(listing)])
    assert again.exit_code == 1 and "exists already: give --force" in again.output
    assert _snapshot(project.root) == before  # refused before anything was imported
