"""The ``cpb`` command's process: the command's exit code and every line it printed, then an immediate end."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cpblib import cli


@pytest.mark.parametrize(
    "raised, code", [(None, 0), (SystemExit(0), 0), (SystemExit(5), 5), (SystemExit(None), 0), (SystemExit("no"), 1)]
)
def test_main_ends_the_process_with_the_command_s_exit_code(monkeypatch, capsys, raised, code):
    def command(**kwargs):
        print("said before the end")
        if raised is not None:
            raise raised

    ended = []
    monkeypatch.setattr(cli, "app", command)
    monkeypatch.setattr(cli.os, "_exit", ended.append)
    monkeypatch.setattr(cli.sys, "gettrace", lambda: None)  # as outside a coverage measurement
    cli.main()
    assert ended == [code]
    assert "said before the end" in capsys.readouterr().out


def test_a_real_cpb_process_prints_everything_and_exits_with_its_code(tmp_path):
    version = subprocess.run([sys.executable, "-m", "cpblib", "--version"], capture_output=True, text=True, check=False)
    assert (version.returncode, version.stdout.strip()) == (0, f"cpb {cli.__version__}")
    wrong = subprocess.run(
        [sys.executable, "-m", "cpblib", "score", "--month", "2023-03", "--project", str(tmp_path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert wrong.returncode == 1 and "cpb.toml" in wrong.stderr and "Traceback" not in wrong.stderr


def test_under_a_profiler_python_ends_as_usual_so_the_profile_is_written(tmp_path):
    profile = tmp_path / "cpb.prof"
    run = [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "cpblib", "--version"]
    assert subprocess.run(run, capture_output=True, text=True, check=False).returncode == 0
    assert profile.stat().st_size > 0
