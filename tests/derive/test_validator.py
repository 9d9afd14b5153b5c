"""The boundary with DfE's validator: the JSON request and answer, its failures, and the real rules where installed."""

from __future__ import annotations

import json
import stat
import sys

import pytest

from cpblib.derive import _validator
from cpblib.derive._tables import read_tables
from cpblib.derive._validator import ValidatorError, parse_answer, request, validate_year
from cpblib.project import Project

from .conftest import episode, header, need_validator, write_return


@pytest.fixture
def tables(tmp_path):
    write_return(tmp_path / "903", [2022, 2023], {"header": [header("A")], "episodes": [episode("A", "01/01/2021")]})
    return read_tables([tmp_path / "903"])[0]


def test_request_holds_the_year_and_the_year_before(tables):
    sent = request(2023, tables, "E06000059")
    assert sent["collection_year"] == "2023" and sent["local_authority"] == "E06000059"
    assert sorted(sent["tables"]) == ["Episodes", "Header"] and sorted(sent["previous"]) == ["Episodes", "Header"]
    episodes = sent["tables"]["Episodes"]
    assert episodes["rows"] == [2] and episodes["data"][0][:3] == ["A", "01/01/2021", "S"]
    json.dumps(sent)  # plain JSON


@pytest.mark.parametrize("answer", ["not json", "[]", "{}"])
def test_an_answer_cpb_cannot_read_is_an_error(answer):
    with pytest.raises(ValidatorError, match="answer cpb cannot read"):
        parse_answer(2023, answer)


def _fake_python(tmp_path, body: str):
    script = tmp_path / "python"
    script.write_text(f"#!{sys.executable}\nimport sys\nsys.stdin.read()\n{body}\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def test_a_validator_that_fails_is_one_clear_line_without_its_output(tmp_path, tables):
    python = _fake_python(tmp_path, "print('child A row 2 secret', file=sys.stderr); sys.exit(3)")
    with pytest.raises(ValidatorError) as caught:
        validate_year(python, 2023, tables, None)
    assert "exit code 3" in str(caught.value) and "secret" not in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_validator_answer_is_read(tmp_path, tables):
    answer = {
        "ok": True,
        "package": "0.1.17",
        "ruleset": "lac2022_23",
        "rules": 1,
        "not_run": [],
        "findings": [{"code": "103", "message": "m", "table": "Header", "row": 2, "child": "A"}],
        "places": [[2, 3.5, "IN"]],
    }
    python = _fake_python(tmp_path, f"print({json.dumps(json.dumps(answer))})")
    result = validate_year(python, 2023, tables, None)
    assert result.ran and result.findings[0]["code"] == "103" and result.places == [[2, 3.5, "IN"]]


def test_the_environment_is_found_by_setting_or_in_the_project(tmp_path, monkeypatch, derive_project):
    project = Project.open(derive_project)
    monkeypatch.delenv(_validator.PYTHON_VARIABLE, raising=False)
    assert _validator.find_python(project) is None
    monkeypatch.setenv(_validator.PYTHON_VARIABLE, str(tmp_path / "nowhere"))
    with pytest.raises(ValidatorError, match="not a file"):
        _validator.find_python(project)
    monkeypatch.delenv(_validator.PYTHON_VARIABLE)
    python = _validator.env_folder(project) / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text("", encoding="utf-8")
    assert _validator.find_python(project) == python


def test_dfe_rules_run_for_real(synthetic):
    """DfE's own rules on the synthetic council: findings come back by rule, table, row and child."""
    python = need_validator()
    tables, _ = read_tables([synthetic])
    result = validate_year(python, 2023, tables, "E06000059")
    assert result.ran, result.reason
    assert result.ruleset == "lac2022_23" and result.rules > 200
    assert result.findings, "the synthetic data breaks some of DfE's rules"
    rows = {(t.spec.validator_name): set(t.table.rows) for t in tables if t.year == 2023}
    for finding in result.findings:
        assert finding["row"] in rows[finding["table"]]
    # postcodes give distances and locations as DfE works them out
    distances = [d for _, d, _ in result.places if d is not None]
    assert distances and all(d >= 0 for d in distances)
    assert {loc for _, _, loc in result.places} >= {"IN", "OUT"}
    # a year without a ruleset in the package is said so, not guessed at
    assert not validate_year(python, 2021, tables, "E06000059").ran
