"""``cpb commentary``: start the month's commentary files, pre-filled, never overwriting."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cpblib.cli import app
from cpblib.month import Month
from cpblib.present.commentary import DRAFT_END, DRAFT_START, PLACEHOLDER_HEADING, read_commentary
from cpblib.project import Project

SMALL = Path(__file__).resolve().parents[1] / "notebooks" / "data" / "small-project"
runner = CliRunner()


@pytest.fixture
def small(tmp_path) -> Path:
    root = tmp_path / "small"
    shutil.copytree(SMALL, root)
    return root


def commentary(root: Path, month: str = "2023-03", *args: str):
    return runner.invoke(app, ["commentary", "--month", month, "--project", str(root), *args])


def test_creates_missing_files_prefilled_and_keeps_written_ones(small):
    folder = small / "data" / "commentary" / "2023-03"
    (folder / "health-emotional-wellbeing.md").unlink()
    written = (folder / "profile.md").read_bytes()

    result = commentary(small)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "data/commentary/2023-03/profile.md: kept (already written)" in lines
    assert "data/commentary/2023-03/health-emotional-wellbeing.md: created" in lines

    assert (folder / "profile.md").read_bytes() == written
    created = (folder / "health-emotional-wellbeing.md").read_text(encoding="utf-8")
    assert created.startswith(f"{DRAFT_START}\n{PLACEHOLDER_HEADING}\n")
    assert created.rstrip().endswith(DRAFT_END)
    assert "Health & Emotional Wellbeing, March 2023." in created
    for section in ("**What moved**", "**Off target**", "**Against benchmarks**"):
        assert section in created
    # the facts name the domain's indicators, with figures and benchmark gaps
    assert "initial health assessment" in created and "dental" in created.lower()
    assert "against England" in created
    # a file holding only the pre-filled section is not commentary yet: the pack shows none
    assert read_commentary(Project.open(small), Month(2023, 3), "Health & Emotional Wellbeing") is None


def test_running_again_overwrites_nothing(small):
    folder = small / "data" / "commentary" / "2023-03"
    (folder / "health-emotional-wellbeing.md").unlink()
    assert commentary(small).exit_code == 0
    # the writer starts writing below the pre-filled section
    path = folder / "health-emotional-wellbeing.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nDental checks recovered in March.\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    result = commentary(small)
    assert result.exit_code == 0, result.output
    assert result.stdout.count("kept (already written)") == 2 and "created" not in result.stdout
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert read_commentary(Project.open(small), Month(2023, 3), "Health & Emotional Wellbeing") == (
        "Dental checks recovered in March."
    )


def test_a_new_month_gets_a_folder_of_files(small):
    result = commentary(small, "2022-01")
    assert result.exit_code == 0, result.output
    created = sorted(p.name for p in (small / "data" / "commentary" / "2022-01").iterdir())
    assert created == ["health-emotional-wellbeing.md", "profile.md"]
    assert "January 2022" in (small / "data" / "commentary" / "2022-01" / "profile.md").read_text(encoding="utf-8")


def test_bad_input_is_one_line_and_exit_1(small):
    (small / "cpb.toml").write_text("[authority]\nname = 'X'\n", encoding="utf-8")
    result = commentary(small)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
