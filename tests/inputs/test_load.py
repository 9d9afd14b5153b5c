"""Loading files into a project's store, and reading the project's tables."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from cpblib.checks.suites import DEFAULT_DIR
from cpblib.errors import InputError
from cpblib.inputs.catalogue import TARGET_COLUMNS
from cpblib.inputs.load import (
    ensure_store,
    extract_files,
    load_file,
    month_from_filename,
    prepare_load,
    read_catalogue,
    read_typed_table,
)
from cpblib.inputs.store import Store
from cpblib.month import Month
from cpblib.project import Project

DATA = Path(__file__).resolve().parents[1] / "data"
TODAY = dt.date(2023, 4, 15)


@pytest.fixture
def project(mini_project) -> Project:
    return Project.open(mini_project)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# -- the project's tables --------------------------------------------------------------------------
def test_read_catalogue(project):
    catalogue = read_catalogue(project)
    assert catalogue["indicator"].tolist()[:2] == ["cic-number", "cic-rate"]
    assert catalogue["arrears_months"].dtype == "Int64"


def test_catalogue_errors_name_the_row_as_the_file_has_it(project):
    path = project.path("catalogue")
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",count,", ",counts,")  # row 4 of the file
    write(path, "\n\n" + "\n".join(lines) + "\n")  # two blank lines push everything down
    with pytest.raises(InputError) as caught:
        read_catalogue(project)
    assert (caught.value.row, caught.value.column) == (6, "unit")


def test_optional_tables_are_empty_and_typed_when_absent(project):
    targets = read_typed_table(project, "targets")
    assert targets.empty
    assert list(targets.columns) == [c.name for c in TARGET_COLUMNS]
    assert targets["target"].dtype == "float64"
    assert read_typed_table(project, "benchmarks").empty
    assert read_typed_table(project, "overrides").empty
    assert read_typed_table(project, "annotations").empty


def test_optional_tables_with_only_a_header_are_empty(project):
    write(project.path("targets"), "indicator,from_month,target,range_lower,range_upper,source\n")
    assert read_typed_table(project, "targets").empty


def test_optional_tables_are_validated_against_the_catalogue(project):
    write(project.path("targets"), "indicator,from_month,target\ncic-rate,2022-04,60\niha-20-days,2022-04,95\n")
    assert read_typed_table(project, "targets")["target"].tolist() == [60.0, 95.0]
    write(project.path("overrides"), "month,indicator,rag,reason\n2023-03,no-such,red,because\n")
    with pytest.raises(InputError) as caught:
        read_typed_table(project, "overrides")
    assert (caught.value.file, caught.value.row, caught.value.column) == ("overrides.csv", 2, "indicator")


# -- file names ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "month"),
    [
        ("2023-03.csv", Month(2023, 3)),
        ("2023-03-cpb-extract.xlsx", Month(2023, 3)),
        ("2023-03 CPB.csv", Month(2023, 3)),
        ("cpb-2023-03.csv", None),
        ("202303.csv", None),
    ],
)
def test_month_from_filename(name, month):
    assert month_from_filename(name) == month


def test_a_file_name_with_a_month_that_is_not_a_month_is_an_error():
    with pytest.raises(InputError, match="the month must be 01 to 12"):
        month_from_filename("2023-13-extract.csv")


def test_a_file_without_a_month_in_its_name_needs_one_given(project, tmp_path):
    path = write(tmp_path / "march.csv", "indicator,period,value\ncic-number,2023-03,437\n")
    with pytest.raises(InputError, match="give --month"):
        prepare_load(project, path, today=TODAY)
    assert prepare_load(project, path, "2023-03", today=TODAY).month == Month(2023, 3)


def test_a_report_month_in_the_future_is_refused(project, tmp_path):
    path = write(tmp_path / "2023-05.csv", "indicator,period,value\ncic-number,2023-03,437\n")
    with pytest.raises(InputError, match="report month 2023-05 is in the future"):
        prepare_load(project, path, today=TODAY)


# -- loading --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "rows"),
    [
        ("2023-03-appendix-wide.csv", 25),
        ("2023-03-windows-1252.csv", 3),
        ("2023-03-utf8-bom.csv", 2),
        ("2023-03-semicolon.csv", 2),
        ("2023-03-trailing-blanks.csv", 2),
    ],
)
def test_realistic_files_load_and_read_back(project, name, rows):
    receipt = load_file(project, DATA / "load" / name, today=TODAY)
    assert (receipt.month, receipt.row_count, receipt.skipped, receipt.source_file) == ("2023-03", rows, False, name)
    with Store.open(project.path("store")) as store:
        view = store.values(as_at="2023-03")
    assert len(view) == rows
    assert set(view["source_file"]) == {name}


def test_the_windows_1252_note_is_stored_intact(project):
    load_file(project, DATA / "load" / "2023-03-windows-1252.csv", today=TODAY)
    with Store.open(project.path("store")) as store:
        view = store.values(as_at="2023-03").set_index(["indicator", "period"])
    assert view.loc[("f2a-deregistered", "2023-03"), "note"] == "spend \u00a30 this month"


def test_the_receipt_describes_the_file(project):
    receipt = load_file(
        project, DATA / "load" / "2023-03-appendix-wide.csv", extracted_on=dt.date(2023, 4, 3), today=TODAY
    )
    assert receipt.load_id == 1
    assert receipt.layout == "wide"
    assert receipt.periods[0] == "2022-10" and receipt.periods[-1] == "2023-03"
    assert set(receipt.indicators) == {"cic-number", "cic-rate", "cic-started", "iha-20-days", "sdq-score"}
    assert receipt.missing == {"suppressed (c): confidential or small number": 1, "not available": 1}
    assert receipt.ignored_columns == ("Domain", "Unit", "Good is", "England", "Good SN", "Target")
    assert receipt.skipped_rows == (2, 6)
    assert receipt.extracted_on == dt.date(2023, 4, 3)


def test_loading_the_same_file_again_changes_nothing(project):
    path = DATA / "load" / "2023-03-utf8-bom.csv"
    first = load_file(project, path, today=TODAY)
    before = digest(project.path("store"))
    again = load_file(project, path, today=TODAY)
    assert again.skipped and again.load_id == first.load_id and again.row_count == first.row_count
    assert digest(project.path("store")) == before


def test_the_same_bytes_for_another_month_are_a_new_load(project):
    path = DATA / "load" / "2023-03-utf8-bom.csv"
    load_file(project, path, "2023-03", today=TODAY)
    assert not load_file(project, path, "2023-04", today=dt.date(2023, 5, 2)).skipped


@pytest.mark.parametrize("store_exists", [True, False])
def test_a_failed_load_leaves_the_store_byte_for_byte_unchanged(project, store_exists):
    store = project.path("store")
    if store_exists:
        ensure_store(project, today=TODAY)
        before = digest(store)
    with pytest.raises(InputError):
        load_file(project, DATA / "bad-load" / "percent-over-100.csv", "2023-03", today=TODAY)
    if store_exists:
        assert digest(store) == before
    else:
        assert not store.exists()


# -- building the store from the extracts ---------------------------------------------------------
def test_ensure_store_builds_the_store_from_the_extracts_in_name_order(project):
    shutil.copy(DATA / "load" / "2023-03-appendix-wide.csv", project.path("extracts"))
    write(project.path("extracts") / ".gitkeep", "")
    write(project.path("extracts") / "README.md", "notes")
    assert [p.name for p in extract_files(project)] == ["2023-01.csv", "2023-03-appendix-wide.csv"]
    receipts = ensure_store(project, today=TODAY)
    assert [(r.load_id, r.month, r.source_file) for r in receipts] == [
        (1, "2023-01", "2023-01.csv"),
        (2, "2023-03", "2023-03-appendix-wide.csv"),
    ]
    with Store.open(project.path("store")) as store:
        # January's extract said 444 for December; March's appendix says the same, as at January it is January's
        assert (
            store.values(as_at="2023-01").set_index(["indicator", "period"]).loc[("cic-number", "2022-12"), "load_id"]
            == 1
        )


def test_ensure_store_is_idempotent_and_picks_up_new_extracts(project):
    ensure_store(project, today=TODAY)
    before = digest(project.path("store"))
    assert ensure_store(project, today=TODAY) == []
    assert digest(project.path("store")) == before
    shutil.copy(DATA / "load" / "2023-03-semicolon.csv", project.path("extracts"))
    receipts = ensure_store(project, today=TODAY)
    assert [(r.load_id, r.source_file) for r in receipts] == [(2, "2023-03-semicolon.csv")]


def test_ensure_store_writes_nothing_when_any_new_extract_is_bad(project):
    shutil.copy(DATA / "bad-load" / "negative-count.csv", project.path("extracts") / "2023-03-extract.csv")
    with pytest.raises(InputError, match="negative"):
        ensure_store(project, today=TODAY)
    assert not project.path("store").exists()


def test_an_extract_name_must_start_with_its_month(project):
    write(project.path("extracts") / "march.csv", "indicator,period,value\ncic-number,2023-03,437\n")
    with pytest.raises(InputError, match="must start with its report month") as caught:
        ensure_store(project, today=TODAY)
    assert caught.value.file == "march.csv"


def test_values_read_back_exactly_as_loaded(project, tmp_path):
    path = write(
        tmp_path / "2023-02.csv",
        "indicator,period,value,numerator,denominator,note\niha-20-days,2023-02,45.5,5,11,checked\ncic-number,2023-02,NA,,,\n",
    )
    load_file(project, path, today=TODAY)
    with Store.open(project.path("store")) as store:
        view = store.values(as_at="2023-02")
    text = lambda *cells: pd.Series(cells, dtype=object)
    expected = pd.DataFrame(
        {
            "indicator": text("cic-number", "iha-20-days"),
            "period": text("2023-02", "2023-02"),
            "value": [float("nan"), 45.5],
            "missing_reason": text("not available", None),
            "numerator": [float("nan"), 5.0],
            "denominator": [float("nan"), 11.0],
            "note": text(None, "checked"),
        }
    )
    pd.testing.assert_frame_equal(view[expected.columns], expected)
    assert view["source_row"].tolist() == [3, 2]


# -- the rules loading applies are the suites' ----------------------------------------------------
def add_indicator(project: Project, row: str) -> None:
    path = project.path("catalogue")
    path.write_text(path.read_text(encoding="utf-8") + row + "\n", encoding="utf-8")


def test_a_percentage_change_may_pass_100_and_be_negative(project, tmp_path):
    add_indicator(
        project,
        "placements-change,Change in placements on a year before,Profile,percent_change,none,1,"
        "monthly,in_period,0,none,,",
    )
    path = write(
        tmp_path / "2023-03.csv",
        "indicator,period,value\nplacements-change,2023-02,150\nplacements-change,2023-03,-40\n",
    )
    receipt = load_file(project, path, today=TODAY)
    with Store.open(project.path("store")) as store:
        view = store.values(as_at="2023-03")
    assert receipt.row_count == 2
    assert sorted(view["value"].tolist()) == [-40.0, 150.0]


def test_a_count_value_that_is_not_whole_is_refused_naming_file_row_and_column(project, tmp_path):
    ensure_store(project, today=TODAY)
    before = digest(project.path("store"))
    path = write(tmp_path / "2023-03.csv", "indicator,period,value\ncic-number,2023-02,441\ncic-number,2023-03,3.5\n")
    with pytest.raises(InputError) as caught:
        load_file(project, path, today=TODAY)
    error = caught.value
    assert (error.file, error.row, error.column, error.indicator) == ("2023-03.csv", 3, "value", "cic-number")
    assert "3.5 is not a whole number, which a count must be" in str(error)
    assert digest(project.path("store")) == before


def test_a_wide_extract_names_the_month_column_of_a_value_it_refuses(project, tmp_path):
    path = write(tmp_path / "2023-03.csv", "Measure,Jan 23,Feb 23,Mar 23\nCIC,441,437,-2\n")
    with pytest.raises(InputError) as caught:
        load_file(project, path, today=TODAY)
    assert str(caught.value) == (
        "2023-03.csv, row 2, column 'Mar 23', indicator 'cic-number': -2 is negative, which a count cannot be"
    )


def test_a_fractional_expected_range_for_a_count_is_accepted(project):
    add_indicator(
        project,
        "cic-started-q,Children who became CIC in the quarter,Profile,count,low,0,quarterly,in_period,0,range,,",
    )
    write(project.path("targets"), "indicator,from_month,range_lower,range_upper\ncic-started-q,2022-04,1.5,3\n")
    targets = read_typed_table(project, "targets")
    assert targets[["range_lower", "range_upper"]].values.tolist() == [[1.5, 3.0]]


def test_a_catalogue_column_cpb_does_not_read_is_refused_at_the_header(project):
    path = project.path("catalogue")
    lines = path.read_text(encoding="utf-8").splitlines()
    write(path, "\n".join([lines[0] + ",polarity_note", *(line + "," for line in lines[1:])]) + "\n")
    with pytest.raises(InputError) as caught:
        read_catalogue(project)
    assert (caught.value.row, caught.value.column) == (1, "polarity_note")
    assert "unknown column 'polarity_note'" in caught.value.message


def test_a_project_rule_applies_when_loading(project, tmp_path):
    suite = json.loads((DEFAULT_DIR / "values.json").read_text(encoding="utf-8"))
    suite["expectations"].append(
        {
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": "value", "max_value": 1000},
            "meta": {"severity": "error", "rule": "no figure above 1,000 in this council", "column": "value"},
        }
    )
    (project.root / "expectations").mkdir()
    (project.root / "expectations" / "values.json").write_text(json.dumps(suite), encoding="utf-8")
    path = write(tmp_path / "2023-03.csv", "indicator,period,value\ncic-number,2023-03,1437\n")
    with pytest.raises(InputError, match="no figure above 1,000 in this council") as caught:
        load_file(project, path, today=TODAY)
    assert (caught.value.row, caught.value.column) == (2, "value")
    assert "1,437 is above 1,000" in caught.value.message


@pytest.mark.parametrize("cell", ["1e308", "12345678901234567890123"])
def test_an_impossible_figure_stops_the_load_naming_its_row_and_column(mini_project, cell):
    from cpblib.errors import InputError
    from cpblib.inputs.load import load_file
    from cpblib.project import Project

    extract = mini_project / "2023-02.csv"
    extract.write_text(f"indicator,period,value\ncic-number,2023-02,{cell}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"2023-02.csv, row 2, column 'value'.*too large"):
        load_file(Project.open(mini_project), extract)
    assert not (mini_project / "data" / "cpb.duckdb").exists()


def test_an_impossible_target_is_refused_naming_its_row_and_column(mini_project):
    from cpblib.inputs.load import read_typed_table
    from cpblib.project import Project

    (mini_project / "data" / "targets.csv").write_text(
        "indicator,from_month,target\ncic-number,2023-01,inf\n", encoding="utf-8"
    )
    with pytest.raises(
        InputError,
        match=r"targets.csv, row 2, column 'target', .*'inf' is not allowed: .*numbers \(finite, and below 1,000,000,000",
    ):
        read_typed_table(Project.open(mini_project), "targets")


def test_cpb_load_reads_the_visible_sheet_or_the_one_named(mini_project):
    import openpyxl
    from typer.testing import CliRunner

    from cpblib.cli import app
    from cpblib.inputs.store import Store

    book = openpyxl.Workbook()
    hidden = book.active
    hidden.title, hidden.sheet_state = "Old", "hidden"
    hidden.append(["indicator", "period", "value"])
    hidden.append(["cic-number", "2023-02", 999])
    shown = book.create_sheet("February")
    shown.append(["indicator", "period", "value"])
    shown.append(["cic-number", "2023-02", 441])
    path = mini_project / "2023-02-extract.xlsx"
    book.save(path)
    runner = CliRunner()
    result = runner.invoke(app, ["load", str(path), "--project", str(mini_project)])
    assert result.exit_code == 0, result.output
    assert "(sheet February)" in result.stdout
    with Store.open(mini_project / "data" / "cpb.duckdb") as store:
        assert store.values(as_at="2023-02").set_index("period").loc["2023-02", "value"] == 441.0
    named = runner.invoke(app, ["load", str(path), "--sheet", "Old", "--project", str(mini_project)])
    assert named.exit_code == 0, named.output
    assert "(sheet Old)" in named.stdout
    missing = runner.invoke(app, ["load", str(path), "--sheet", "March", "--project", str(mini_project)])
    assert missing.exit_code == 1 and "has no sheet 'March'; its sheets are 'Old', 'February'" in missing.stderr


def test_ensure_store_opens_nothing_while_the_extracts_and_the_store_are_as_it_left_them(mini_project, monkeypatch):
    from cpblib.inputs import load as load_module

    project = Project.open(mini_project)
    assert ensure_store(project)  # the first extract is loaded
    real_open = load_module.Store.open
    opened = []
    monkeypatch.setattr(load_module.Store, "open", lambda *a, **k: opened.append(1) or real_open(*a, **k))
    assert ensure_store(project) == [] and opened == []
    extract = next((mini_project / "data" / "extracts").iterdir())
    extract.write_bytes(extract.read_bytes())  # touched: looked at again (same bytes, so nothing loaded)
    assert ensure_store(project) == [] and opened == [1]
    assert ensure_store(project) == [] and opened == [1]


# -- quarterly projects ---------------------------------------------------------------------------------------------
QUARTERLY = Path(__file__).resolve().parents[1] / "data" / "quarterly-project"


@pytest.fixture
def quarterly(tmp_path) -> Project:
    shutil.copytree(QUARTERLY, tmp_path / "quarterly")
    return Project.open(tmp_path / "quarterly")


def test_a_quarterly_extract_is_loaded_for_the_quarter_its_name_starts_with(quarterly):
    receipts = ensure_store(quarterly, today=TODAY)
    assert [(r.source_file, r.month) for r in receipts] == [("2019-20-Q4.csv", "2020-03")]
    with Store.open(quarterly.store_path) as store:
        values = store.values(as_at="2020-03")
    cic = values.loc[values["indicator"].eq("cic-rate")]
    assert cic[["period", "value", "figure"]].values.tolist()[:2] == [
        ["2019-03", 61.2, None],
        ["2019-03", 462.0, "count"],
    ]
    assert "2019-12" in set(cic["period"])  # 2019-Q4, the calendar quarter, is Q3 2019/20
    eet = values.loc[values["indicator"].eq("care-leavers-eet") & values["period"].eq("2020-03")].iloc[0]
    assert (eet["value"], bool(eet["provisional"])) == (58.0, True)
    words = values.loc[values["indicator"].eq("health-checks") & values["period"].eq("2020-03")].iloc[0]
    assert (words["missing_reason"], words["note"]) == ("awaiting data", "awaiting data")


def test_an_ambiguous_quarter_stops_the_load_and_changes_nothing(quarterly):
    ensure_store(quarterly, today=TODAY)
    before = digest(quarterly.store_path)
    bad = write(quarterly.root / "late.csv", "indicator,period,value\ncic-rate,Q1 2020,65.0\n")
    with pytest.raises(InputError) as caught:
        load_file(quarterly, bad, "Q1 2020/21", today=dt.date(2020, 7, 15))
    assert (caught.value.file, caught.value.row, caught.value.column) == ("late.csv", 2, "period")
    assert "calendar or a financial quarter" in caught.value.message
    assert digest(quarterly.store_path) == before


def test_a_monthly_project_refuses_an_extract_named_for_a_quarter(project):
    with pytest.raises(
        InputError, match="2019-20-Q4.csv: the file name should start with its report month: Q4 2019/20 is a quarter"
    ):
        month_from_filename("2019-20-Q4.csv", project.config.calendar)
