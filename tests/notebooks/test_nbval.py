"""The source notebooks run top to bottom, as someone opening them in Jupyter would run them (nbval)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def copy_demo(target: Path) -> Path:
    """cpb.toml, data/ (no store), notebooks/ and expectations/ of the demo project."""
    target.mkdir(parents=True)
    shutil.copy2(REPO / "cpb.toml", target / "cpb.toml")
    for folder in ("data", "notebooks", "expectations"):
        shutil.copytree(REPO / folder, target / folder, ignore=shutil.ignore_patterns("*.duckdb", "*.duckdb.wal"))
    return target


def test_every_notebook_runs_without_error_on_the_demo_month(tmp_path):
    root = copy_demo(tmp_path / "demo")
    repo_store = REPO / "data" / "cpb.duckdb"
    before = repo_store.stat().st_mtime_ns if repo_store.exists() else None
    command = [sys.executable, "-m", "pytest", "--nbval-lax", "-p", "no:cacheprovider", "-q", "-rf"]
    command.append(str(root / "notebooks"))
    completed = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    report = completed.stdout[-4000:] + completed.stderr[-2000:]
    assert completed.returncode == 0, report
    assert " passed" in completed.stdout and "failed" not in completed.stdout, report
    # The notebooks found the copy (project_dir "" means the project above the notebook's folder) ...
    assert (root / "data" / "cpb.duckdb").is_file()
    # ... and wrote nothing into the repository.
    assert (repo_store.stat().st_mtime_ns if repo_store.exists() else None) == before
    assert not (REPO / "notebooks" / ".ipynb_checkpoints").exists()


def test_nbval_reports_a_notebook_that_raises(tmp_path):
    """The check above can fail: a notebook with an error fails nbval."""
    root = copy_demo(tmp_path / "demo")
    for name in ("summary", "appendix", "data-quality"):
        (root / "notebooks" / f"{name}.ipynb").unlink()
    import nbformat

    path = root / "notebooks" / "domain.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells = nb.cells[:2] + [nbformat.v4.new_code_cell('raise ValueError("broken page")')]
    nbformat.write(nb, path)
    command = [sys.executable, "-m", "pytest", "--nbval-lax", "-p", "no:cacheprovider", "-q", str(root / "notebooks")]
    completed = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    assert completed.returncode == 1
    assert "broken page" in completed.stdout
