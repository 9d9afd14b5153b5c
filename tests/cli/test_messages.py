"""Every failure a user can cause ends in one line on stderr and a documented exit code, never a traceback."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cpblib.cli import app

runner = CliRunner()


def _one_line_error(result, exit_code: int = 1) -> str:
    assert result.exit_code == exit_code, result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def test_a_settings_file_that_is_not_utf8(mini_project):
    settings = mini_project / "cpb.toml"
    settings.write_bytes(settings.read_bytes().replace(b"Testshire", b"Testsh\xe9re"))
    line = _one_line_error(runner.invoke(app, ["load", "x.csv", "-p", str(mini_project)]))
    assert "is not UTF-8" in line and "line " in line


def test_project_naming_a_file(mini_project):
    line = _one_line_error(runner.invoke(app, ["load", "x.csv", "-p", str(mini_project / "cpb.toml")]))
    assert "is a file: give the project's folder" in line
    result = runner.invoke(app, ["render", "--month", "2023-01", "-p", str(mini_project / "cpb.toml")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1 and "is a file" in result.stderr


def test_a_damaged_store(mini_project):
    extract = mini_project / "data" / "extracts" / "2023-01.csv"
    assert runner.invoke(app, ["load", str(extract), "-p", str(mini_project)]).exit_code == 0
    store = mini_project / "data" / "cpb.duckdb"
    store.write_bytes(b"not a database" * 1000)
    line = _one_line_error(runner.invoke(app, ["load", str(extract), "-p", str(mini_project)]))
    assert "cpb.duckdb" in line


def test_a_project_that_cannot_be_written(mini_project, monkeypatch):
    """A read-only project folder: simulated (the tests may run as root, whom permissions do not stop)."""
    import duckdb

    real = duckdb.connect

    def read_only(path, read_only=False, **kwargs):
        if not read_only and path != ":memory:":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path, read_only=read_only, **kwargs)

    monkeypatch.setattr(duckdb, "connect", read_only)
    extract = mini_project / "data" / "extracts" / "2023-01.csv"
    line = _one_line_error(runner.invoke(app, ["load", str(extract), "-p", str(mini_project)]))
    assert "Permission denied (the folder or file is read-only, or belongs to another user)" in line


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_a_read_only_project_folder(mini_project):
    for folder in (mini_project, *(p for p in mini_project.rglob("*") if p.is_dir())):
        folder.chmod(0o555)
    try:
        extract = mini_project / "data" / "extracts" / "2023-01.csv"
        line = _one_line_error(runner.invoke(app, ["load", str(extract), "-p", str(mini_project)]))
        assert "ermission denied" in line
    finally:
        for folder in (mini_project, *(p for p in mini_project.rglob("*") if p.is_dir())):
            folder.chmod(0o755)


def test_user_text_in_a_message_is_neither_markup_nor_emoji_nor_escape_codes(mini_project):
    name = "[bold]:x: \x1b[2J\x1b]0;owned\x07.csv"
    line = _one_line_error(runner.invoke(app, ["load", name, "-p", str(mini_project)]))
    assert "[bold]:x:" in line and "\u274c" not in line
    assert "\x1b" not in line and "\x07" not in line and "\\x1b" in line


def test_an_unexpected_fault_is_one_line_too(mini_project, monkeypatch):
    import cpblib.inputs.load as load_module

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(load_module, "read_table", broken)
    extract = mini_project / "data" / "extracts" / "2023-01.csv"
    line = _one_line_error(runner.invoke(app, ["load", str(extract), "-p", str(mini_project)]))
    assert "unexpected ZeroDivisionError (a fault in cpb)" in line and "CPB_DEBUG=1" in line


def test_ctrl_c_exits_130_with_one_line(mini_project, monkeypatch):
    import cpblib.inputs.load as load_module

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(load_module, "read_table", interrupted)
    extract = mini_project / "data" / "extracts" / "2023-01.csv"
    line = _one_line_error(runner.invoke(app, ["load", str(extract), "-p", str(mini_project)]), exit_code=130)
    assert "interrupted" in line
    assert not (Path(mini_project) / "data" / "cpb.duckdb").exists()
