import pandas as pd
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


def test_cli_init_starter_alone_writes_the_whole_starter_catalogue(tmp_path):
    from cpblib.adopt import starter_catalogue
    from cpblib.inputs.load import read_catalogue
    from cpblib.project import Project

    result = runner.invoke(app, ["init", str(tmp_path / "p"), "--starter", "--name", "T", "--la-code", "999"])
    assert result.exit_code == 0, result.output
    assert f"holds {len(starter_catalogue())} DfE indicator(s)" in result.output
    catalogue = read_catalogue(Project.open(tmp_path / "p"))
    assert list(catalogue["indicator"]) == list(starter_catalogue()["indicator"])


def test_cli_init_starter_topics_and_a_quarterly_cadence(tmp_path):
    from cpblib.config import load_config

    result = runner.invoke(
        app,
        [
            "init",
            str(tmp_path / "p"),
            "--name",
            "T",
            "--la-code",
            "999",
            "--cadence",
            "quarterly",
            "--starter",
            "care-leavers",
        ],
    )
    assert result.exit_code == 0, result.output
    assert load_config(tmp_path / "p").calendar.cadence == "quarterly"
    domains = set(pd.read_csv(tmp_path / "p" / "data" / "indicators.csv")["domain"])
    assert domains == {"Care leavers"}


def test_cli_init_unknown_starter_topic_is_one_line_and_writes_nothing(tmp_path):
    result = runner.invoke(app, ["init", str(tmp_path / "p"), "--name", "T", "--la-code", "999", "--starter", "pets"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[0].startswith("error: --starter: 'pets' is not a topic")
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "p").exists()
