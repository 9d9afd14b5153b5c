"""The pack's Quarto files with real Quarto, in a fresh copy of the project: an analyst renders a notebook."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import REPO, require_tools

FRESH = ("cpb.toml", "_quarto.yml", "index.qmd", "data", "notebooks", "expectations")
"""What a checkout of the demo project holds (git ignores the store, _build, _site and Quarto's folders)."""


def _fresh_checkout(root: Path) -> Path:
    root.mkdir(parents=True)
    ignored = shutil.ignore_patterns("*.duckdb", "*.duckdb.wal", ".quarto", "_output", ".ipynb_checkpoints")
    for name in FRESH:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=ignored)
        else:
            shutil.copy2(source, root / name)
    return root


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.relative_to(folder).parts[0] in (".quarto", "_output")
    }


def test_an_analyst_renders_a_notebook_with_parameters_and_the_notebooks_stay_as_committed(tmp_path: Path):
    quarto = require_tools("quarto")["quarto"]
    root = _fresh_checkout(tmp_path / "checkout")
    committed = _files(root / "notebooks")
    assert committed and ".gitignore" in committed and "_quarto.yml" in committed
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])}
    command = [quarto, "render", "notebooks/domain.ipynb", "-P", "domain:Placement", "--execute"]
    completed = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert _files(root / "notebooks") == committed  # no outputs, no injected parameters, nothing new
    page = (root / "notebooks" / "_output" / "domain.html").read_text(encoding="utf-8")
    assert "Placement indicators, March 2023" in page
    ignored = (root / "notebooks" / ".gitignore").read_text(encoding="utf-8").split()
    assert "/_output/" in ignored and "/.quarto/" in ignored  # what Quarto wrote is not for git
