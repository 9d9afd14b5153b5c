"""The trimmed DfE files in tests/data/dfe: small, described, and what the script makes from the full files."""

from __future__ import annotations

import importlib.util

import pytest

from .conftest import DFE, dfe_files


def make_trimmed():
    spec = importlib.util.spec_from_file_location("make_trimmed", DFE / "make_trimmed.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_trimmed_files_are_small():
    total = sum(path.stat().st_size for path in dfe_files())
    assert total < 4_000_000, f"{total:,} bytes"


def test_the_readme_describes_every_file():
    readme = (DFE / "README.md").read_text(encoding="utf-8")
    for path in dfe_files():
        assert f"`{path.relative_to(DFE).as_posix()}`" in readme, path.name
    assert "Open Government Licence" in readme and "make_trimmed.py" in readme


def test_the_script_makes_a_file_for_each_one_here():
    script = make_trimmed()
    made = {*script.COPY, *script.ROWS, script.LAIT, script.DICTIONARY}
    assert made == {path.relative_to(DFE).as_posix() for path in dfe_files()}


@pytest.mark.full_dfe
def test_the_trimmed_files_are_what_the_script_makes_from_the_full_files(full_dfe_dir):
    files = make_trimmed().trimmed(full_dfe_dir)
    stale = [name for name, data in files.items() if (DFE / name).read_bytes() != data]
    assert not stale, f"run python tests/data/dfe/make_trimmed.py: {stale}"
