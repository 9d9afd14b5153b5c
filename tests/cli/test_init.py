from typer.testing import CliRunner

from cpblib.cli import app

runner = CliRunner()


def test_cli_init_then_refuse_second_time(tmp_path):
    result = runner.invoke(app, ["init", str(tmp_path / "p"), "--name", "Testshire", "--la-code", "999"])
    assert result.exit_code == 0, result.output
    assert "cpb.toml" in result.output
    again = runner.invoke(app, ["init", str(tmp_path / "p"), "--name", "Testshire", "--la-code", "999"])
    assert again.exit_code == 1
    assert "already exists" in again.output


def test_cli_init_bad_code_exits_non_zero(tmp_path):
    result = runner.invoke(app, ["init", str(tmp_path / "p"), "--name", "Testshire", "--la-code", "9x9"])
    assert result.exit_code == 1
    assert "la_code" in result.output


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("cpb ")
