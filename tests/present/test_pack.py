"""The scored month the page notebooks read: saved once, re-used while its inputs are unchanged."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pandas as pd
import pytest

from cpblib.build import BuildFolder, fingerprint
from cpblib.month import Month
from cpblib.present import pack as pack_module
from cpblib.present.pack import Pack, open_month, save_pack, saved_pack, score_pack
from cpblib.project import Project

SMALL = Path(__file__).resolve().parents[1] / "notebooks" / "data" / "small-project"
MONTH = Month(2023, 3)


@pytest.fixture
def project(small_loaded, tmp_path) -> Project:
    root = tmp_path / "small"
    shutil.copytree(small_loaded, root)
    return Project.open(root)


def test_domains_in_catalogue_order_and_their_page_files(project):
    pack = score_pack(project, MONTH)
    assert pack.domains == ["Profile", "Health & Emotional Wellbeing"]
    assert [pack.domain_file(d) for d in pack.domains] == [
        "domains/01-profile.ipynb",
        "domains/02-health-emotional-wellbeing.ipynb",
    ]
    assert pack.comparators == ["england", "good_sn"] and pack.label("good_sn") == "Good/Outstanding SN"


def test_history_stops_at_the_month(project):
    import dataclasses

    pack = score_pack(project, MONTH)
    assert pack.inputs.values["period"].max() == "2023-03"
    earlier = dataclasses.replace(pack, month=Month(2023, 1))
    assert earlier.history["period"].max() == "2023-01"
    assert len(earlier.history) == (pack.inputs.values["period"] <= "2023-01").sum()


def prepare(project):
    return save_pack(score_pack(project, MONTH))


def test_a_saved_pack_is_what_open_month_returns(project, monkeypatch):
    prepare(project)
    path = BuildFolder(project, MONTH).pack
    saved = pickle.loads(path.read_bytes())
    assert isinstance(saved, Pack) and saved.fingerprint == fingerprint(project, MONTH)

    def no_scoring(*args, **kwargs):
        raise AssertionError("open_month scored the month again although the saved pack is current")

    monkeypatch.setattr(pack_module, "score_pack", no_scoring)
    opened = open_month("2023-03", str(project.root))
    pd.testing.assert_frame_equal(opened.scored, saved.scored)
    assert opened.project.root == project.root


def test_open_month_scores_again_when_an_input_changed(project):
    prepare(project)
    targets = project.path("targets")
    frame = pd.read_csv(targets, dtype=str, keep_default_na=False)
    frame.loc[frame["indicator"] == "cic-number", "target"] = "400"
    frame.to_csv(targets, index=False)
    assert saved_pack(project, MONTH) is None
    opened = open_month("2023-03", str(project.root))
    assert opened.fingerprint == fingerprint(project, MONTH)
    assert opened.scored.set_index("indicator").loc["cic-number", "target"] == 400.0


@pytest.mark.parametrize("damage", [b"", b"garbage", pickle.dumps({"not": "a pack"})])
def test_a_damaged_saved_pack_means_score_again_never_a_crash(project, damage):
    prepare(project)
    BuildFolder(project, MONTH).pack.write_bytes(damage)
    assert saved_pack(project, MONTH) is None
    assert open_month("2023-03", str(project.root)).scored["indicator"].tolist()


def test_open_month_finds_the_project_above_the_working_directory(project, monkeypatch):
    (project.root / "notebooks").mkdir()
    monkeypatch.chdir(project.root / "notebooks")
    assert open_month("2023-03").project.root.resolve() == project.root.resolve()
