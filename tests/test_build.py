"""The build folder: its files named in one place, written atomically, read defensively; the fingerprint."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from cpblib import build as build_module
from cpblib.build import BuildFolder, code_hash, fingerprint, read_json, read_text, write_bytes, write_json
from cpblib.inputs.store import Store
from cpblib.month import Month
from cpblib.project import Project

SMALL = Path(__file__).resolve().parent / "notebooks" / "data" / "small-project"
MONTH = Month(2023, 3)


@pytest.fixture
def project(small_loaded, tmp_path) -> Project:
    root = tmp_path / "small"
    shutil.copytree(small_loaded, root)
    return Project.open(root)


# -- writing and reading --------------------------------------------------------------------------------------
def test_a_write_that_fails_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "hashes.json"
    write_json(target, {"a": 1})

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(build_module.os, "replace", full_disk)
    with pytest.raises(OSError, match="No space left"):
        write_json(target, {"a": 2})
    assert read_json(target) == {"a": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["hashes.json"]


@pytest.mark.parametrize("content", [b"", b"{", b"\xff\xfe", b"[1, 2]", b"null"])
def test_empty_or_corrupt_bookkeeping_reads_as_nothing(tmp_path, content):
    path = tmp_path / "checks.key"
    path.write_bytes(content)
    assert read_json(path) is None
    assert read_text(tmp_path / "missing") is None


def test_write_bytes_makes_the_folder(tmp_path):
    assert write_bytes(tmp_path / "a" / "b" / "c.bin", b"x").read_bytes() == b"x"


def test_every_file_of_a_month_is_in_its_folder(project):
    folder = BuildFolder(project, MONTH)
    files = [folder.checks_json, folder.data_quality_md, folder.checks_key, folder.pack, folder.store_state,
             folder.hashes, folder.render_stamp, folder.page("summary.ipynb")]  # fmt: skip
    assert {path.parent for path in files} == {project.root / "_build" / "2023-03"}
    assert len({path.name for path in files}) == len(files)
    assert folder.failed_page("domains/01-profile.ipynb").name == "01-profile.failed.ipynb"


def test_the_code_hash_changes_with_cpb_code(monkeypatch, tmp_path):
    package = tmp_path / "cpblib"
    shutil.copytree(Path(build_module.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(build_module, "__file__", str(package / "build.py"))
    code_hash.cache_clear()
    try:
        before = code_hash()
        scoring = package / "scoring" / "_rag.py"
        scoring.write_text(scoring.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
        code_hash.cache_clear()
        assert code_hash() != before
    finally:
        code_hash.cache_clear()


def test_a_change_to_cpb_code_changes_the_fingerprint(project, monkeypatch):
    before = fingerprint(project, MONTH)
    monkeypatch.setattr(build_module, "code_hash", lambda: "other code")
    assert fingerprint(project, MONTH) != before


# -- the fingerprint ------------------------------------------------------------------------------------
def test_recording_a_publication_does_not_change_the_fingerprint(project):
    """Publishing writes to the store; the pack it was made from is the same, so nothing re-runs."""
    before = fingerprint(project, MONTH)
    with Store.open(project.store_path, read_only=False) as store:
        store.record_publication(MONTH, republish=True)
    with Store.open(project.store_path, read_only=False) as store:
        store.record_publication(MONTH, republish=True)
    assert fingerprint(project, MONTH) == before


def test_a_new_load_changes_the_fingerprint(project):
    before = fingerprint(project, MONTH)
    with Store.open(project.store_path, read_only=False) as store:
        observations = pd.DataFrame({"indicator": ["cic-number"], "period": ["2023-03"], "value": [436.0]})
        store.add_load(observations, "2023-03", "2023-03-correction.csv", "f" * 64)
    assert fingerprint(project, MONTH) != before


@pytest.mark.parametrize("name", ["catalogue", "targets", "benchmarks", "annotations"])
def test_a_changed_input_file_changes_the_fingerprint(project, name):
    before = fingerprint(project, MONTH)
    path = project.path(name)
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert fingerprint(project, MONTH) != before


def test_settings_and_month_change_the_fingerprint(project):
    before = fingerprint(project, MONTH)
    assert fingerprint(project, Month(2022, 1)) != before
    toml = project.root / "cpb.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace('show = ["england", "good_sn"]', 'show = ["england"]'), encoding="utf-8")
    assert fingerprint(Project.open(project.root), MONTH) != before


def test_fingerprint_of_a_project_without_a_store(tmp_path):
    shutil.copytree(SMALL, tmp_path / "small")
    project = Project.open(tmp_path / "small")
    assert not project.store_path.exists()
    assert fingerprint(project, MONTH) == fingerprint(project, MONTH)
    assert not project.store_path.exists()  # reading the fingerprint creates no store


def test_the_store_is_read_once_while_it_is_unchanged(project, monkeypatch):
    """Every notebook checks the fingerprint; only the first look at an unchanged store opens it."""
    first = fingerprint(project, MONTH)
    real_read = build_module._read_store_state
    reads = []

    def counting_read(*args):
        reads.append(1)
        return real_read(*args)

    monkeypatch.setattr(build_module, "_read_store_state", counting_read)
    assert fingerprint(project, MONTH) == first and reads == []
    with Store.open(project.store_path, read_only=False) as store:
        store.record_publication(MONTH, republish=True)  # the file changes, its content for the pack does not
    assert fingerprint(project, MONTH) == first and reads == [1]
    assert fingerprint(project, MONTH) == first and reads == [1]
    BuildFolder(project, MONTH).store_state.write_text("garbage", encoding="utf-8")
    assert fingerprint(project, MONTH) == first and reads == [1, 1]
