"""``cpb benchmarks import``, ``show`` and ``releases`` through the command line."""

from __future__ import annotations

import hashlib

import pytest
from typer.testing import CliRunner

from cpblib.cli import app

from .conftest import write_project

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


def test_import_then_show(dfe_dir, tmp_path):
    root = write_project(tmp_path / "project", catalogue=True)  # the demo catalogue: cic-rate is Low
    result = run(
        "benchmarks",
        "import",
        str(dfe_dir / "ees" / "cla_number_and_rate_per_10k_children.csv"),
        str(dfe_dir / "ees" / "New_Statistical_Neighbour_Groupings_April_2021.csv"),
        str(dfe_dir / "ees" / "LA_Inspection_Outcomes_as_at_31_March_2025.ods"),
        "--project",
        str(root),
    )
    assert result.exit_code == 0, result.output
    assert "cla_rates-2025-8228ce8c" in result.output
    assert "3 new release(s)" in result.output
    assert (root / "data" / "cpb.duckdb").is_file()

    again = run(
        "benchmarks",
        "import",
        str(dfe_dir / "ees" / "cla_number_and_rate_per_10k_children.csv"),
        "--project",
        str(root),
    )
    assert again.exit_code == 0 and "already imported" in again.output

    shown = run("benchmarks", "show", "cic-rate", "--project", str(root))
    assert shown.exit_code == 0, shown.output
    line = next(text for text in shown.output.splitlines() if "2023-24" in text)
    # Dorset 67, England 69, South West 63, SN mean 67.8, Good/Outstanding SN (as at 31 March 2024) 69.4,
    # band B, rank 70 of 151 (City of London and the Isles of Scilly are not ranked)
    for cell in ("67.0", "69.0", "63.0", "67.8", "69.4", " B ", "70 of 151"):
        assert cell in line, (cell, line)
    assert "Good/Outstanding SN" in shown.output
    assert "mean of 10 of 10 statistical neighbours" in shown.output


def test_show_uses_the_catalogue_name(dfe_store, tmp_path):
    root = write_project(tmp_path / "project", store=dfe_store, catalogue=True)
    if not (root / "data" / "indicators.csv").is_file():
        pytest.skip("no demo catalogue in data/")
    result = run("benchmarks", "show", "cic-rate", "--project", str(root))
    assert result.exit_code == 0, result.output
    assert "Children in care per 10,000 children (cic-rate)" in result.output


def test_show_more_years_with_a_pinned_release(project):
    result = run(
        "benchmarks", "show", "sw-caseload", "--project", str(project), "--years", "9", "--release", "workforce-2025"
    )
    assert result.exit_code == 0, result.output
    assert "2017" in result.output and "2025" in result.output
    assert "no figure for 838 Dorset" in result.output  # 2017 and 2018, before the council existed
    unknown = run("benchmarks", "show", "sw-caseload", "--project", str(project), "--release", "workforce-2019")
    assert unknown.exit_code == 1
    assert "no imported release matches 'workforce-2019'" in unknown.output


def test_import_refuses_an_unknown_file_and_changes_nothing(project, tmp_path):
    store = project / "data" / "cpb.duckdb"
    before = hashlib.sha256(store.read_bytes()).hexdigest()
    bad = tmp_path / "notes.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    result = run("benchmarks", "import", str(bad), "--project", str(project))
    assert result.exit_code == 1
    assert "notes.csv: not a DfE file cpb recognises" in result.output
    assert "Traceback" not in result.output
    assert hashlib.sha256(store.read_bytes()).hexdigest() == before


def test_import_without_files_says_what_to_do(project):
    result = run("benchmarks", "import", "--project", str(project))
    assert result.exit_code == 0
    assert "Nothing to import" in result.output


def test_show_an_unmapped_indicator(project):
    result = run("benchmarks", "show", "foster-carers", "--project", str(project))
    assert result.exit_code == 1
    assert "'foster-carers' has no official measure in the mapping" in result.output


def test_show_before_any_import(tmp_path):
    root = write_project(tmp_path / "empty")
    result = run("benchmarks", "show", "cic-rate", "--project", str(root))
    assert result.exit_code == 1
    assert "no DfE data imported yet" in result.output


def test_releases_lists_what_is_stored_and_used(project):
    result = run("benchmarks", "releases", "--project", str(project))
    assert result.exit_code == 0, result.output
    assert "lait-2025-835df2dd" in result.output
    assert "yes" in result.output
