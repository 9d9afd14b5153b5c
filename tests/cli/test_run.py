"""``cpb run`` with real kernels on a small project: re-use, failures, and the data checks first.

Kernels are slow to start, so each test runs as few notebooks as it can
(the small project has five pages) with two workers.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from typer.testing import CliRunner

from cpblib.cli import app
from cpblib.execute import _execute as run_module
from cpblib.present.notebooks import notebook_text

SMALL = Path(__file__).resolve().parents[1] / "notebooks" / "data" / "small-project"
runner = CliRunner()
PAGES = [
    "summary.ipynb",
    "domains/01-profile.ipynb",
    "domains/02-health-emotional-wellbeing.ipynb",
    "appendix.ipynb",
    "data-quality.ipynb",
]


@pytest.fixture
def small(tmp_path) -> Path:
    root = tmp_path / "small"
    shutil.copytree(SMALL, root)
    return root


def cpb_run(root: Path, *args: str):
    return runner.invoke(app, ["run", "--month", "2023-03", "--project", str(root), "--workers", "2", *args])


def executed_pages(result) -> list[str]:
    return sorted(re.findall(r"(\S+\.ipynb) \(executed\)", result.stderr))


def no_kernel(*args, **kwargs):
    raise AssertionError("a notebook was executed")


def test_second_run_reuses_everything_and_changed_commentary_reruns_two_pages(small, monkeypatch):
    build = small / "_build" / "2023-03"
    first = cpb_run(small)
    assert first.exit_code == 0, first.output
    assert "5 notebook(s) executed, 0 unchanged" in first.stdout
    assert executed_pages(first) == sorted(PAGES)
    for page in PAGES:
        nb = nbformat.read(build / page, as_version=4)
        assert not [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"], page
    stamps = {page: (build / page).stat().st_mtime_ns for page in PAGES}

    real_execute = run_module._execute
    monkeypatch.setattr(run_module, "_execute", no_kernel)
    second = cpb_run(small)
    assert second.exit_code == 0, second.output
    assert "0 notebook(s) executed, 5 unchanged" in second.stdout
    assert {page: (build / page).stat().st_mtime_ns for page in PAGES} == stamps

    monkeypatch.setattr(run_module, "_execute", real_execute)
    commentary = small / "data" / "commentary" / "2023-03" / "profile.md"
    commentary.write_text(commentary.read_text(encoding="utf-8") + "\nADDED-LINE for the board.\n", encoding="utf-8")
    third = cpb_run(small)
    assert third.exit_code == 0, third.output
    assert "2 notebook(s) executed, 3 unchanged" in third.stdout
    assert executed_pages(third) == ["domains/01-profile.ipynb", "summary.ipynb"]
    changed = {page for page in PAGES if (build / page).stat().st_mtime_ns != stamps[page]}
    assert changed == {"summary.ipynb", "domains/01-profile.ipynb"}
    assert "ADDED-LINE" in (build / "domains/01-profile.ipynb").read_text(encoding="utf-8")


def test_a_notebook_that_raises_exits_1_naming_the_notebook_and_the_cell(small):
    nb = nbformat.reads(notebook_text("domain"), as_version=4)
    opening = next(i for i, c in enumerate(nb.cells) if "open_month" in c.source)
    nb.cells.insert(opening + 1, nbformat.v4.new_code_cell('raise RuntimeError(f"cannot draw {domain}")'))
    (small / "notebooks").mkdir()
    nbformat.write(nb, small / "notebooks" / "domain.ipynb")

    result = cpb_run(small)
    assert result.exit_code == 1
    message = " ".join(result.stderr.split())
    found = re.search(
        r"error: notebook (domains/0[12]-[a-z-]+\.ipynb) \(([^)]+), from domain\.ipynb\) failed in cell (\d+) "
        r"\[raise RuntimeError\(f\"cannot draw \{domain\}\"\)\]: RuntimeError: cannot draw (.+?)\. "
        r"The executed notebook is kept at (\S+)",
        message,
    )
    assert found, message
    page, title, cell, drawn, kept = found.groups()
    assert title == drawn
    assert int(cell) == 4  # parameters, injected parameters, open_month, then the failing cell
    assert Path(kept).name == Path(page).stem + ".failed.ipynb" and Path(kept).is_file()
    assert "Traceback" not in result.output
    hashes = json.loads((small / "_build" / "2023-03" / "hashes.json").read_text(encoding="utf-8"))
    assert not any(name.startswith("domains/") for name in hashes)  # failed pages run again next time
    assert not (small / "_build" / "2023-03" / page).exists()


@pytest.mark.parametrize("store_built", [True, False], ids=["found-by-the-checks", "found-loading-the-store"])
def test_a_bad_catalogue_stops_the_run_before_any_notebook(small, monkeypatch, store_built):
    if store_built:
        from cpblib.inputs.load import ensure_store
        from cpblib.project import Project

        ensure_store(Project.open(small))
    catalogue = small / "data" / "indicators.csv"
    frame = pd.read_csv(catalogue, dtype=str, keep_default_na=False)
    frame.loc[frame["indicator"] == "dental-check", "polarity"] = "sideways"
    frame.to_csv(catalogue, index=False)
    monkeypatch.setattr(run_module, "_execute", no_kernel)

    result = cpb_run(small)
    assert result.exit_code == 1
    message = " ".join(result.stderr.split())
    first = r"error: the data checks for 2023-03 found \d+ error\(s\); first: indicators.csv, row 6"
    assert re.search(first, message)
    assert "polarity" in message
    assert json.loads((small / "_build" / "2023-03" / "checks.json").read_text(encoding="utf-8"))["ok"] is False
    build = small / "_build" / "2023-03"
    assert not list(build.rglob("*.ipynb"))
    assert not (build / "hashes.json").exists() and not (build / "pack.pickle").exists()
    assert "Traceback" not in result.output
