"""docs/adopting.md: every command in it runs, from a checkout's root, and prints what the page says."""

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "adopting.md"
BOX = re.compile(r"[\u2500-\u257f]")


def _blocks(text: str) -> list[tuple[str, str]]:
    return [(m[1], m[2]) for m in re.finditer(r"^```(\w*)\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)]


def _plain(text: str) -> str:
    return " ".join(BOX.sub(" ", text).split())


def _cpb(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "120", "CPB_DEBUG": ""}
    return subprocess.run(
        [sys.executable, "-m", "cpblib", *args],
        check=False,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """The parts of a checkout the page's commands read: docs/ (the example scorecard and mapping)."""
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    return tmp_path


def test_every_command_of_the_page_runs_and_prints_what_it_says(checkout):
    cwd, output, ran = checkout, "", 0
    for language, body in _blocks(DOC.read_text(encoding="utf-8")):
        if language == "sh":
            output = ""
            for line in body.splitlines():
                words = shlex.split(line)
                if words[0] == "cd":
                    cwd = cwd / words[1]
                    continue
                assert words[0] == "cpb", line
                done = _cpb(words[1:], cwd)
                assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"
                output += done.stdout + done.stderr
                ran += 1
        elif language == "text" and not body.startswith("error:"):
            for expected in body.splitlines():
                assert _plain(expected) in _plain(output), expected
    assert ran == 5
    site = cwd / "_site" / "2022-23-Q4"
    assert (site / "index.html").is_file()
    assert (site / "board-pack-2022-23-Q4.pdf").read_bytes().startswith(b"%PDF")
    pages = (site / "index.html").read_text(encoding="utf-8") + "".join(
        p.read_text(encoding="utf-8") for p in site.rglob("*.html")
    )
    assert "Northbridge Borough Council" in pages
    assert "awaiting data" in pages


def test_the_errors_the_page_quotes_are_the_errors_cpb_gives(checkout):
    errors = [
        b for language, b in _blocks(DOC.read_text(encoding="utf-8")) if language == "text" and b.startswith("error:")
    ]
    assert len(errors) == 2
    example = checkout / "docs" / "examples" / "northbridge"
    assert _cpb(["init", "p", "--name", "N", "--la-code", "999", "--cadence", "quarterly"], checkout).returncode == 0
    project = checkout / "p"

    mapping = example / "mapping.toml"
    mapping.write_text(mapping.read_text(encoding="utf-8").replace('"england"', '"outstanding"'), encoding="utf-8")
    done = _cpb(["import", "scorecard", str(example / "scorecard.csv"), "--mapping", str(mapping)], project)
    assert done.returncode == 1
    assert _plain(done.stderr) == _plain(errors[0])

    mapping.write_text((ROOT / "docs/examples/northbridge/mapping.toml").read_text(encoding="utf-8"), encoding="utf-8")
    scorecard = example / "scorecard.csv"
    scorecard.write_text(scorecard.read_text(encoding="utf-8").replace("10.8%", "104%"), encoding="utf-8")
    before = sorted(p.name for p in project.rglob("*"))
    done = _cpb(["import", "scorecard", str(scorecard), "--mapping", str(mapping)], project)
    assert done.returncode == 1
    assert _plain(done.stderr) == _plain(errors[1])
    assert sorted(p.name for p in project.rglob("*")) == before
