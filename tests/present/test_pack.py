"""The scored month the notebooks read: prepared once, re-used while its inputs are unchanged."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pandas as pd
import pytest

from cpblib.inputs.load import ensure_store
from cpblib.inputs.store import Store
from cpblib.month import Month
from cpblib.present import pack as pack_module
from cpblib.present.pack import PACK_FILE, PAGE_FILES, Pack, build, fingerprint, open_month, prepare
from cpblib.project import Project

SMALL = Path(__file__).resolve().parents[1] / "notebooks" / "data" / "small-project"
MONTH = Month(2023, 3)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> Path:
    """The small project with its store built (copy it before changing anything)."""
    root = tmp_path_factory.mktemp("pack") / "small"
    shutil.copytree(SMALL, root)
    ensure_store(Project.open(root))
    return root


@pytest.fixture
def project(loaded, tmp_path) -> Project:
    root = tmp_path / "small"
    shutil.copytree(loaded, root)
    return Project.open(root)


def test_page_files():
    assert PAGE_FILES == {
        "summary": "summary.ipynb", "appendix": "appendix.ipynb", "data-quality": "data-quality.ipynb",
    }  # fmt: skip


def test_domains_in_catalogue_order_and_their_page_files(project):
    pack = build(project, MONTH)
    assert pack.domains == ["Profile", "Health & Emotional Wellbeing"]
    assert [pack.domain_file(d) for d in pack.domains] == [
        "domains/01-profile.ipynb",
        "domains/02-health-emotional-wellbeing.ipynb",
    ]
    assert pack.comparators == ["england", "good_sn"] and pack.label("good_sn") == "Good/Outstanding SN"


def test_history_stops_at_the_month(project):
    import dataclasses

    pack = build(project, MONTH)
    assert pack.inputs.values["period"].max() == "2023-03"
    earlier = dataclasses.replace(pack, month=Month(2023, 1))
    assert earlier.history["period"].max() == "2023-01"
    assert len(earlier.history) == (pack.inputs.values["period"] <= "2023-01").sum()


def test_prepare_saves_the_pack_that_open_month_returns(project, monkeypatch):
    path = prepare(project, MONTH)
    assert path == project.build_dir(MONTH) / PACK_FILE
    saved = pickle.loads(path.read_bytes())
    assert isinstance(saved, Pack) and saved.fingerprint == fingerprint(project, MONTH)

    def no_build(*args, **kwargs):
        raise AssertionError("open_month scored the month again although the prepared pack is current")

    monkeypatch.setattr(pack_module, "build", no_build)
    opened = open_month("2023-03", str(project.root))
    pd.testing.assert_frame_equal(opened.scored, saved.scored)
    assert opened.project.root == project.root


def test_prepare_does_not_score_a_current_month_again(project, monkeypatch):
    path = prepare(project, MONTH)
    before = path.read_bytes()

    def no_build(*args, **kwargs):
        raise AssertionError("prepare scored the month again although the prepared pack is current")

    monkeypatch.setattr(pack_module, "build", no_build)
    assert prepare(project, MONTH) == path
    assert path.read_bytes() == before


def test_open_month_scores_again_when_an_input_changed(project):
    prepare(project, MONTH)
    targets = project.path("targets")
    frame = pd.read_csv(targets, dtype=str, keep_default_na=False)
    frame.loc[frame["indicator"] == "cic-number", "target"] = "400"
    frame.to_csv(targets, index=False)
    opened = open_month("2023-03", str(project.root))
    assert opened.fingerprint == fingerprint(project, MONTH)
    assert opened.scored.set_index("indicator").loc["cic-number", "target"] == 400.0


def test_open_month_finds_the_project_above_the_working_directory(project, monkeypatch):
    (project.root / "notebooks").mkdir()
    monkeypatch.chdir(project.root / "notebooks")
    assert open_month("2023-03").project.root.resolve() == project.root.resolve()


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
    real_read = pack_module._read_store_state
    reads = []

    def counting_read(*args):
        reads.append(1)
        return real_read(*args)

    monkeypatch.setattr(pack_module, "_read_store_state", counting_read)
    assert fingerprint(project, MONTH) == first and reads == []
    with Store.open(project.store_path, read_only=False) as store:
        store.record_publication(MONTH, republish=True)  # the file changes, its content for the pack does not
    assert fingerprint(project, MONTH) == first and reads == [1]
    assert fingerprint(project, MONTH) == first and reads == [1]
    (project.build_dir(MONTH) / pack_module.STORE_STATE_FILE).write_text("garbage", encoding="utf-8")
    assert fingerprint(project, MONTH) == first and reads == [1, 1]
