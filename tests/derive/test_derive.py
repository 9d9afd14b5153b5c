"""``derive_ssda903`` end to end: the extract is loaded like any other, findings reach the data-quality page,
bad files change nothing, and no child-level data reaches the store, a page or a log."""

from __future__ import annotations

import re
import shutil

import duckdb
import pandas as pd
import pytest

from cpblib.checks import data_quality, run_checks
from cpblib.checks.report import render_markdown
from cpblib.derive import derive_ssda903, latest_findings
from cpblib.derive._findings import read_findings
from cpblib.errors import InputError
from cpblib.inputs.store import Store
from cpblib.project import Project

from .conftest import need_validator

CHILD_ID = re.compile(r"C\d{6}")


def _ids(folder) -> set[str]:
    ids: set[str] = set()
    for path in folder.rglob("header.csv"):
        ids |= set(pd.read_csv(path, dtype=str)["CHILD"])
    return ids


def _no_validator(monkeypatch):
    monkeypatch.delenv("CPB_SSDA903_PYTHON", raising=False)


def test_derive_loads_an_extract_like_any_other(derive_project, synthetic, monkeypatch):
    _no_validator(monkeypatch)
    project = Project.open(derive_project)
    done = derive_ssda903(project, [synthetic], "2023-03")
    assert done.extract.name == "2023-03-ssda903.csv" and done.extract.parent == project.path("extracts")
    assert "not run" in done.validator and "cpb derive setup" in done.validator
    assert len(done.indicators) == 24 and done.load_id == 1 and not done.skipped
    with Store.open(project.path("store"), read_only=True) as store:
        values = store.values(as_at="2023-03")
    cic = values.loc[(values["indicator"] == "cic-number") & (values["period"] == "2023-03"), "value"]
    assert len(cic) == 1 and 100 <= cic.iloc[0] <= 200
    # the same data again changes nothing
    again = derive_ssda903(project, [synthetic], "2023-03")
    assert again.skipped and again.load_id == done.load_id


def test_a_later_derivation_is_a_revision(derive_project, synthetic, tmp_path, monkeypatch):
    _no_validator(monkeypatch)
    project = Project.open(derive_project)
    derive_ssda903(project, [synthetic], "2023-02")
    changed = tmp_path / "changed"
    shutil.copytree(synthetic, changed)
    episodes = changed / "2022-23" / "episodes.csv"
    lines = episodes.read_text(encoding="utf-8").splitlines(keepends=True)
    episodes.write_text(lines[0] + "".join(lines[40:]), encoding="utf-8")  # the first 39 episodes taken out
    done = derive_ssda903(project, [changed], "2023-03")
    assert done.load_id == 2
    result = run_checks(project, "2023-03")
    assert any(r["file"] == "2023-03-ssda903.csv" for r in result.revisions)


def test_a_bad_file_stops_and_changes_nothing(derive_project, synthetic, tmp_path, monkeypatch):
    _no_validator(monkeypatch)
    project = Project.open(derive_project)
    derive_ssda903(project, [synthetic], "2023-02")
    store = project.path("store").read_bytes()
    folder = sorted(p.name for p in project.path("extracts").iterdir())
    broken = tmp_path / "broken"
    shutil.copytree(synthetic, broken)
    path = broken / "2022-23" / "episodes.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("DECOM", "DATE_STARTED", 1), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        derive_ssda903(project, [broken], "2023-03")
    assert (caught.value.file, caught.value.row, caught.value.column) == ("episodes.csv", 1, "DECOM")
    assert project.path("store").read_bytes() == store
    assert sorted(p.name for p in project.path("extracts").iterdir()) == folder


def test_a_catalogue_naming_an_unknown_definition_stops(derive_project, synthetic, monkeypatch):
    _no_validator(monkeypatch)
    catalogue = derive_project / "data" / "indicators.csv"
    catalogue.write_text(
        catalogue.read_text(encoding="utf-8").replace("ssda903:cla-count", "ssda903:cla-total"), encoding="utf-8"
    )
    with pytest.raises(InputError) as caught:
        derive_ssda903(Project.open(derive_project), [synthetic], "2023-03")
    assert (caught.value.row, caught.value.column, caught.value.indicator) == (2, "derivation", "cic-number")
    assert not (derive_project / "data" / "cpb.duckdb").exists()


def test_a_month_before_the_data_stops(derive_project, synthetic, monkeypatch):
    _no_validator(monkeypatch)
    with pytest.raises(InputError, match="before the first month"):
        derive_ssda903(Project.open(derive_project), [synthetic], "2019-03")


def test_cpb_own_findings_reach_the_data_quality_page(derive_project, synthetic, tmp_path, monkeypatch):
    _no_validator(monkeypatch)
    copy = tmp_path / "copy"
    shutil.copytree(synthetic, copy)
    path = copy / "2022-23" / "missing.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    cells = lines[1].split(",")
    cells[3] = "31/02/2023"  # MIS_START
    path.write_text(lines[0] + ",".join(cells) + "".join(lines[2:]), encoding="utf-8")
    project = Project.open(derive_project)
    derive_ssda903(project, [copy], "2023-03")
    page = render_markdown(data_quality(run_checks(project, "2023-03")))
    assert "903 rule cpb-date: MIS\\_START is not a date" in page
    assert "DfE's 903 rules were run on the child-level data" in page  # a warning: they were not
    assert cells[0] in page  # the child's id, for the council's analyst (not public)


@pytest.fixture(scope="module")
def validated(tmp_path_factory, synthetic):
    """The demo project derived with DfE's rules, once for the module."""
    python = need_validator()
    import os

    from .conftest import REPO

    root = tmp_path_factory.mktemp("validated") / "project"
    root.mkdir()
    shutil.copy2(REPO / "cpb.toml", root / "cpb.toml")
    shutil.copytree(REPO / "data", root / "data", ignore=shutil.ignore_patterns("*.duckdb", "*.duckdb.wal", "extracts"))
    (root / "data" / "extracts").mkdir()
    before = os.environ.get("CPB_SSDA903_PYTHON")
    os.environ["CPB_SSDA903_PYTHON"] = str(python)
    try:
        done = derive_ssda903(Project.open(root), [synthetic], "2023-03")
    finally:
        if before is None:
            os.environ.pop("CPB_SSDA903_PYTHON")
        else:
            os.environ["CPB_SSDA903_PYTHON"] = before
    return root, done


def test_dfe_findings_reach_the_data_quality_page(validated):
    root, done = validated
    assert "ran on 2022-23" in done.validator and done.rules_failing > 0
    document = read_findings(latest_findings(Project.open(root), "2023-03"))
    assert document["validator"]["status"] == "partial"  # 2020-21 and 2021-22 have no ruleset in the package
    codes = {g["code"] for g in document["rules"]}
    page = render_markdown(data_quality(run_checks(Project.open(root), "2023-03")))
    for code in codes:
        assert f"903 rule {code}" in page
    assert "Child-level data (SSDA903, DfE's rules)" in page


def test_public_pages_show_counts_not_children(validated, synthetic, tmp_path):
    root, _ = validated
    public = tmp_path / "public"
    shutil.copytree(root, public)
    toml = public / "cpb.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("public = false", "public = true"), encoding="utf-8")
    result = run_checks(Project.open(public), "2023-03")
    page = render_markdown(data_quality(result))
    assert "903 rule" in page
    assert not CHILD_ID.search(page) and not CHILD_ID.search(result.to_json())
    private = render_markdown(data_quality(run_checks(Project.open(root), "2023-03")))
    assert CHILD_ID.search(private)  # the council's own pack names them


def test_no_child_level_data_reaches_the_store_or_the_extract(validated, synthetic):
    root, done = validated
    ids = _ids(synthetic)
    with duckdb.connect(str(root / "data" / "cpb.duckdb"), read_only=True) as con:
        tables = [r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()]
        for table in tables:
            frame = con.execute(f'select * from "{table}"').df()
            text = frame.astype(str).to_csv()
            assert not CHILD_ID.search(text), table
    assert not CHILD_ID.search((root / "data" / "cpb.duckdb").read_bytes().decode("latin-1"))
    extract = pd.read_csv(done.extract)
    assert list(extract.columns) == ["indicator", "period", "value", "numerator", "denominator", "note"]
    assert not CHILD_ID.search(done.extract.read_text(encoding="utf-8"))
    assert ids  # the test data does have ids to look for


def test_no_child_level_data_reaches_the_log(derive_project, synthetic, monkeypatch):
    from typer.testing import CliRunner

    from cpblib.cli import app

    _no_validator(monkeypatch)
    result = CliRunner().invoke(
        app, ["derive", "ssda903", str(synthetic), "--through", "2023-03", "--project", str(derive_project)]
    )
    assert result.exit_code == 0, result.output
    assert "Derived 24 indicators" in result.output
    assert not CHILD_ID.search(result.output)
