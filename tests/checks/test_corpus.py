"""Every file of the bad-input corpus is refused, located, and leaves the store as it was.

``tests/data/bad/manifest.csv`` lists each file with the kind of input it is
(values, catalogue, targets, benchmarks, overrides, annotations), the command that must
refuse it (``load``: ``cpb load FILE``; ``check``: the file replaces the
project's own and ``cpb check`` runs; ``check-extra``: the file is dropped
into ``data/extracts``), the words the message must hold (``|`` between
several), the row, the column or indicator, and the severity (``warning``
rows must be reported but not stop the pack). ``tests/data/bad/messy`` holds
files that look untidy but are right: they must pass.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import shutil
import tracemalloc
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cpblib.cli._check  # noqa: F401  (registers cpb check until the command list includes it)
from cpblib.cli import app
from cpblib.errors import CpbError
from cpblib.inputs.load import ensure_store
from cpblib.project import Project

from .conftest import BAD

MONTH = "2023-03"
runner = CliRunner()

TARGET_FILE = {
    "catalogue": "indicators.csv",
    "targets": "targets.csv",
    "benchmarks": "benchmarks.csv",
    "overrides": "overrides.csv",
    "annotations": "annotations.csv",
    "values": f"extracts/{MONTH}.csv",
}


def manifest(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


BAD_ROWS = manifest(BAD / "manifest.csv")
GOOD_EXTRACT = BAD / "messy" / "values-utf8-bom.csv"
MESSY_ROWS = manifest(BAD / "messy" / "manifest.csv")


def fingerprint(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def invoke(*args: str):
    result = runner.invoke(app, list(args))
    text = result.output
    try:
        text += result.stderr
    except (ValueError, AttributeError):
        pass
    return result, text


pytestmark = pytest.mark.usefixtures("wide_console")


def prepare_check(row: dict[str, str], project: Path, source: Path) -> None:
    """Put the bad file where the project reads it, as an analyst would."""
    data = project / "data"
    if row["command"] == "check-extra":
        shutil.copy(source, data / "extracts" / f"{MONTH}-{source.name}")
        return
    target = data / TARGET_FILE[row["kind"]]
    if row["kind"] == "values":
        target.unlink()
        target = target.with_suffix(source.suffix)
        shutil.copy(source, target)
        with contextlib.suppress(CpbError):  # a bad extract: the check must report it
            ensure_store(Project.open(project))  # the store is built from the swapped extract when it loads
        return
    shutil.copy(source, target)


def located(outcome: dict, row: dict[str, str]) -> bool:
    where = row["where"]
    text = json.dumps(outcome, ensure_ascii=False).lower()
    words = [w.lower() for w in row["words"].split("|") if w]
    if where and where not in (outcome.get("column") or "").split(", ") and where != outcome.get("indicator"):
        return False
    if row["row"] and int(row["row"]) not in outcome.get("rows", []):
        return False
    return any(w in text for w in words)


@pytest.mark.parametrize("row", BAD_ROWS, ids=[r["file"] for r in BAD_ROWS])
def test_bad_file_is_refused_and_located(row, request):
    source = BAD / row["file"]
    assert source.is_file()
    if row["command"] == "load":
        project = request.getfixturevalue("demo")
        store = project / "data" / "cpb.duckdb"
        before = fingerprint(store)
        extract, named = source, source.name
        if row["kind"] != "values":  # a bad project table: loading a good extract must be refused
            shutil.copy(source, project / "data" / TARGET_FILE[row["kind"]])
            extract, named = GOOD_EXTRACT, Path(TARGET_FILE[row["kind"]]).name
        result, text = invoke("load", str(extract), "--month", MONTH, "--project", str(project))
        assert result.exit_code == 1, text
        assert "Traceback" not in text
        assert named in text
        for words in row["words"].split("|"):
            assert words.lower() in text.lower(), text
        if row["row"]:
            assert f"row {row['row']}" in text, text
        if row["where"]:
            assert f"'{row['where']}'" in text, text
        assert fingerprint(store) == before
        return

    fresh = row["kind"] == "values" and row["command"] == "check"
    project = request.getfixturevalue("demo_without_store" if fresh else "demo")
    prepare_check(row, project, source)
    store = project / "data" / "cpb.duckdb"
    before = fingerprint(store)
    result, text = invoke("check", "--month", MONTH, "--project", str(project))
    assert "Traceback" not in text
    report = json.loads((project / "_build" / MONTH / "checks.json").read_text(encoding="utf-8"))
    outcomes = report["errors"] if row["severity"] == "error" else report["warnings"]
    matches = [o for o in outcomes if located(o, row)]
    assert matches, json.dumps(outcomes, indent=1, ensure_ascii=False)
    expected_file = f"{MONTH}-{source.name}" if row["command"] == "check-extra" else Path(TARGET_FILE[row["kind"]]).name
    if row["kind"] == "values" and row["command"] == "check":
        expected_file = Path(TARGET_FILE["values"]).with_suffix(source.suffix).name
    assert any(m["file"] == expected_file for m in matches), matches
    assert expected_file in text
    if row["severity"] == "error":
        assert result.exit_code == 1, text
        assert report["ok"] is False
    else:
        assert result.exit_code == 0, text
    assert fingerprint(store) == before


@pytest.mark.parametrize("row", MESSY_ROWS, ids=[r["file"] for r in MESSY_ROWS])
def test_messy_but_good_file_passes(row, demo):
    source = BAD / "messy" / row["file"]
    if row["command"] == "load":
        result, text = invoke("load", str(source), "--month", MONTH, "--project", str(demo))
        assert result.exit_code == 0, text
        assert "Loaded" in text
        return
    shutil.copy(source, demo / "data" / TARGET_FILE[row["kind"]])
    result, text = invoke("check", "--month", MONTH, "--project", str(demo))
    assert result.exit_code == 0, text
    report = json.loads((demo / "_build" / MONTH / "checks.json").read_text(encoding="utf-8"))
    assert report["errors"] == []


def test_corpus_is_large_enough():
    assert len(BAD_ROWS) >= 40
    assert {r["kind"] for r in BAD_ROWS} == {"values", "catalogue", "targets", "benchmarks", "overrides", "annotations"}
    files = {p.name for p in BAD.iterdir() if p.is_file()} - {"manifest.csv"}
    assert files == {r["file"] for r in BAD_ROWS}, "every corpus file is in the manifest and the other way round"


def _huge_file(path: Path, size: int = 200 * 1024 * 1024) -> Path:
    with path.open("wb") as handle:
        handle.write(b"indicator,period,value\r\n" + b"cic-number,2023-03,437\r\n" * 1000)
        handle.truncate(size)  # sparse: the disk is not filled, the size is what counts
    return path


def test_a_200_mb_extract_is_refused_by_its_size_without_reading_it(demo, tmp_path):
    big = _huge_file(tmp_path / "2023-03-full-history.csv")
    store = demo / "data" / "cpb.duckdb"
    before = fingerprint(store)
    tracemalloc.start()
    try:
        result, text = invoke("load", str(big), "--month", MONTH, "--project", str(demo))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.exit_code == 1
    assert "2023-03-full-history.csv" in text and "200.0 MB" in text and "limit" in text
    assert peak < 20 * 1024 * 1024, f"{peak / 1e6:.0f} MB allocated while refusing the file"
    assert fingerprint(store) == before


def test_a_200_mb_extract_in_the_folder_fails_the_check(demo):
    _huge_file(demo / "data" / "extracts" / "2023-03-full-history.csv")
    store = demo / "data" / "cpb.duckdb"
    before = fingerprint(store)
    result, _ = invoke("check", "--month", MONTH, "--project", str(demo))
    assert result.exit_code == 1
    report = json.loads((demo / "_build" / MONTH / "checks.json").read_text(encoding="utf-8"))
    assert any(o["file"] == "2023-03-full-history.csv" and "MB" in (o["message"] or "") for o in report["errors"])
    assert fingerprint(store) == before


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        ("overrides", "overrides-formula-reason.csv"),
        ("catalogue", "catalogue-hyperlink-name.csv"),
        ("targets", "targets-formula-source.csv"),
    ],
)
def test_formulas_are_never_written_back_unescaped(kind, name, demo):
    shutil.copy(BAD / name, demo / "data" / TARGET_FILE[kind])
    result, _ = invoke("check", "--month", MONTH, "--project", str(demo))
    assert result.exit_code == 1
    build = demo / "_build" / MONTH
    report = (build / "checks.json").read_text(encoding="utf-8")
    markdown = (build / "data-quality.md").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in report, "the offending text is shown, neutralised"
    assert '"=HYPERLINK' not in report and ': "=' not in report
    assert "=HYPERLINK" in markdown
    for line in markdown.splitlines():
        for cell in line.split("|"):
            assert not cell.strip().startswith(("=", "+", "@")), cell
    assert '=HYPERLINK("' not in markdown
