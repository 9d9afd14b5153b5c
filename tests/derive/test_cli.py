"""``cpb derive`` and ``cpb demo`` on the command line: output, exit codes and one-line errors."""

from __future__ import annotations

from typer.testing import CliRunner

from cpblib.cli import app


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def test_demo_writes_the_years(tmp_path):
    result = invoke("demo", "ssda903", str(tmp_path / "out"), "--children", "20", "--years", "2", "--seed", "4")
    assert result.exit_code == 0, result.output
    assert "2023-24, 2024-25" in result.output
    assert (tmp_path / "out" / "2024-25" / "episodes.csv").is_file()


def test_demo_refuses_nonsense(tmp_path):
    result = invoke("demo", "ssda903", str(tmp_path / "out"), "--children", "0")
    assert result.exit_code == 2


def test_a_bad_file_is_one_line_and_exit_1(derive_project, tmp_path, monkeypatch):
    monkeypatch.delenv("CPB_SSDA903_PYTHON", raising=False)
    folder = tmp_path / "903" / "2022-23"
    folder.mkdir(parents=True)
    (folder / "header.csv").write_text("CHILD,DOB\nA,01/01/2012\n", encoding="utf-8")
    (folder / "episodes.csv").write_text("CHILD,DECOM\nA,01/01/2020\n", encoding="utf-8")
    result = invoke("derive", "ssda903", str(tmp_path / "903"), "--project", str(derive_project))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: episodes.csv, row 1, column 'RNE'")


def test_a_through_that_is_not_a_month(derive_project, tmp_path):
    result = invoke("derive", "ssda903", str(tmp_path), "--through", "spring", "--project", str(derive_project))
    assert result.exit_code == 1 and "--through" in result.output


def test_without_the_validator_it_says_how_to_install_it_and_still_derives(derive_project, synthetic, monkeypatch):
    monkeypatch.delenv("CPB_SSDA903_PYTHON", raising=False)
    result = invoke("derive", "ssda903", str(synthetic), "--through", "2023-03", "--project", str(derive_project))
    assert result.exit_code == 0, result.output
    assert "cpb derive setup" in result.output
    assert "2023-03-ssda903.csv" in result.output


def test_setup_that_cannot_run_is_one_line(derive_project, tmp_path):
    result = invoke("derive", "setup", "--python", str(tmp_path / "no-python"), "--project", str(derive_project))
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1].startswith("error: cannot run")
