"""cpb import scorecard: a scorecard (CSV or workbook) into a project's files, every cell placed or listed."""

import csv
import hashlib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from cpblib.adopt import MappingError, import_scorecard
from cpblib.errors import CpbError, InputError
from cpblib.init import init_project
from cpblib.inputs.load import prepare_load, read_catalogue, read_typed_table
from cpblib.project import Project

DATA = Path(__file__).parent / "data"
runner = CliRunner()


def _project(tmp_path: Path) -> Project:
    init_project(tmp_path / "council", name="Testshire Council", la_code="999")
    return Project.open(tmp_path / "council")


def _workbook(tmp_path: Path) -> Path:
    """The CSV scorecard as a workbook, under a title line and on a sheet beside a hidden one."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Scorecard"
    with open(DATA / "scorecard.csv", encoding="utf-8") as handle:
        for values in csv.reader(handle):
            sheet.append([float(v) if v.replace(".", "", 1).isdigit() else (v or None) for v in values])
    path = tmp_path / "scorecard.xlsx"
    book.save(path)
    return path


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(params=["csv", "xlsx"])
def scorecard(request, tmp_path) -> Path:
    return DATA / "scorecard.csv" if request.param == "csv" else _workbook(tmp_path)


def test_every_cell_is_placed_or_listed(tmp_path, scorecard):
    project = _project(tmp_path)
    digest = hashlib.sha256(scorecard.read_bytes()).hexdigest()
    result = import_scorecard(project, scorecard, DATA / "mapping.toml")
    assert hashlib.sha256(scorecard.read_bytes()).hexdigest() == digest  # read-only on the scorecard
    placed = result.placement
    assert str(placed.month) == "2023-03"
    sheet = "Scorecard" if scorecard.suffix == ".xlsx" else None
    unplaced = {(u.sheet, u.row, u.column, u.text): u.why for u in placed.unplaced}
    assert set(unplaced) == {
        (sheet, 2, "Lead", "Head of service"),
        (sheet, 4, "Region 2021-22", "c"),
        (sheet, 5, "Target", "tbc"),
        (sheet, 8, "Lead", "Source: case records"),
    }
    assert "does not name this column" in unplaced[(sheet, 2, "Lead", "Head of service")]
    assert "suppressed" in unplaced[(sheet, 4, "Region 2021-22", "c")]
    assert "words, not a number" in unplaced[(sheet, 5, "Target", "tbc")]
    assert "names no indicator" in unplaced[(sheet, 8, "Lead", "Source: case records")]

    catalogue = read_catalogue(project).set_index("indicator")
    assert list(catalogue.index) == [
        "children-in-care",
        "care-leavers-in-eet",
        "placement-stability",
        "missing-episodes",
        "visits-on-time",
        "average-days-to-adoption",
    ]
    assert catalogue.loc["placement-stability", ["unit", "polarity", "rag_method"]].tolist() == [
        "percent",
        "high",
        "target",
    ]
    assert catalogue.loc["visits-on-time", "rag_method"] == "range"
    assert catalogue.loc["average-days-to-adoption", "frequency"] == "annual"  # only a full-year figure
    assert catalogue.loc["children-in-care", "frequency"] == "monthly"

    targets = read_typed_table(project, "targets").set_index("indicator")
    assert targets.loc["placement-stability", "target"] == 70
    assert targets.loc["visits-on-time", ["range_lower", "range_upper"]].tolist() == [85, 95]
    assert "missing-episodes" not in targets.index
    assert (
        targets.loc["average-days-to-adoption", "from_month"] == "2022-04"
    )  # the first month of the earliest period (2022/23)
    benchmarks = read_typed_table(project, "benchmarks")
    assert sorted(benchmarks.loc[benchmarks["indicator"] == "average-days-to-adoption", "comparator"]) == [
        "england",
        "region",
        "sn",
    ]
    assert benchmarks["year"].eq("2021-22").all()

    # the extract is one cpb loads as it is
    load = prepare_load(project, result.extract)
    values = load.parsed.values

    def figure(indicator: str, span: str | None = None) -> pd.Series:
        rows = values.loc[
            values["indicator"].eq(indicator)
            & values["period"].eq("2023-03")
            & (values["span"].isna() if span is None else values["span"].eq(span))
        ]
        assert len(rows) == 1
        return rows.iloc[0]

    assert [figure("children-in-care", s)["value"] for s in (None, "quarter", "year")] == [441.0] * 3
    assert figure("children-in-care", "year")["provisional"]  # its column's header says so
    stability = figure("placement-stability")
    assert (stability["value"], stability["provisional"], stability["note"]) == (71.0, True, "Checked by the panel")
    words = figure("missing-episodes")
    assert (pd.isna(words["value"]), words["missing_reason"]) == (True, "awaiting data")
    assert figure("missing-episodes", "quarter")["provisional"]  # "30 (p)"
    assert figure("average-days-to-adoption")["value"] == 420.0


def test_an_existing_catalogue_is_merged_by_name_and_alias(mini_project):
    project = Project.open(mini_project)
    before = (mini_project / "data" / "indicators.csv").read_text(encoding="utf-8")
    result = import_scorecard(project, DATA / "scorecard.csv", DATA / "mapping.toml")
    assert dict(result.placement.matched) == {
        "Children in care": "cic-number",
        "% care leavers in EET": "care-leavers-eet",
    }
    assert result.table("catalogue").added == (
        "placement-stability",
        "missing-episodes",
        "visits-on-time",
        "average-days-to-adoption",
    )
    after = (mini_project / "data" / "indicators.csv").read_text(encoding="utf-8")
    assert after.startswith(before)  # the catalogue's own rows are left as they were, byte for byte
    kept = {(u.row, u.column): u.why for u in result.placement.unplaced}
    assert "cic-number is in the catalogue already" in kept[(2, "Good is")]
    # cic-number is rated by no method, so the scorecard's figures for it are used, its description is not
    assert result.placement.figures["indicator"].eq("cic-number").sum() == 5


def test_nothing_is_overwritten_without_force(tmp_path):
    project = _project(tmp_path)
    import_scorecard(project, DATA / "scorecard.csv", DATA / "mapping.toml")
    first = _snapshot(project.root)
    again = import_scorecard(project, DATA / "scorecard.csv", DATA / "mapping.toml")
    assert _snapshot(project.root) == first  # the same scorecard twice changes nothing
    assert again.table("catalogue").added == () and not again.extract_changed

    changed = tmp_path / "changed.csv"
    text = (DATA / "scorecard.csv").read_text(encoding="utf-8")
    changed.write_text(text.replace(",70,,,71,69,c,", ",75,,,71,69,c,").replace("68%", "67%"), encoding="utf-8")
    with pytest.raises(CpbError, match=r"2023-03-scorecard.csv is in .* already, with other figures: give --force"):
        import_scorecard(project, changed, DATA / "mapping.toml")
    assert _snapshot(project.root) == first

    forced = import_scorecard(project, changed, DATA / "mapping.toml", force=True)
    assert forced.table("targets").replaced == ("placement-stability 2022-04",)
    targets = read_typed_table(project, "targets").set_index("indicator")
    assert targets.loc["placement-stability", "target"] == 75
    assert "67%" in forced.extract.read_text(encoding="utf-8")


def test_a_target_the_project_has_is_left_and_listed(tmp_path):
    project = _project(tmp_path)
    import_scorecard(project, DATA / "scorecard.csv", DATA / "mapping.toml")
    changed = tmp_path / "changed.csv"
    changed.write_text(
        (DATA / "scorecard.csv").read_text(encoding="utf-8").replace(",70,,,71,69,c,", ",75,,,71,69,c,"),
        encoding="utf-8",
    )
    result = import_scorecard(project, changed, DATA / "mapping.toml")
    assert result.table("targets").left == ("placement-stability 2022-04",)
    assert read_typed_table(project, "targets").set_index("indicator").loc["placement-stability", "target"] == 70


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (",90,,,,85,", ",about 90,,,,85,", "bad.csv, row 6, column 'Mar 23': 'about 90' is not a number"),
        (
            ",420,426,",
            ",=A1*2,426,",
            "bad.csv, row 7, column '2022/23 (provisional)': '=A1*2' looks like a spreadsheet",
        ),
        (",367,390,", ",367,about 390,", "bad.csv, row 7, column 'SN 2021-22': 'about 390' is not a number"),
        (",,,,,,,,,,,,,,,Source", ",,,5,,,,,,,,,,,,Source", "bad.csv, row 8, column 'Feb 23': a figure on a row that"),
        ("Visits on time,", "Placement stability,", "bad.csv, row 6, column 'Indicator': the indicator 'Placement "),
        ("Visits on time,", "=HYPERLINK(1),", "bad.csv, row 6, column 'Indicator': '=HYPERLINK(1)' looks like"),
    ],
)
def test_wrong_data_stops_the_import_in_one_line_naming_the_cell(tmp_path, old, new, expected):
    project = _project(tmp_path)
    before = _snapshot(project.root)
    bad = tmp_path / "bad.csv"
    text = (DATA / "scorecard.csv").read_text(encoding="utf-8")
    assert old in text
    bad.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        import_scorecard(project, bad, DATA / "mapping.toml")
    assert str(caught.value).startswith(expected)
    assert _snapshot(project.root) == before


def test_an_impossible_figure_stops_the_import_naming_the_scorecard_cell(tmp_path):
    project = _project(tmp_path)
    before = _snapshot(project.root)
    bad = tmp_path / "bad.csv"
    bad.write_text((DATA / "scorecard.csv").read_text(encoding="utf-8").replace("71%", "104%"), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        import_scorecard(project, bad, DATA / "mapping.toml")
    assert str(caught.value).startswith("bad.csv, row 4, column 'Mar 23', indicator 'placement-stability': 104")
    assert _snapshot(project.root) == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[columns]\n", "map.toml, key 'columns.indicator': required key is missing"),
        ('[columns]\nindicator = "Indicator"\ntarge = "Target"\n', "map.toml, key 'columns.targe': unknown key"),
        ('[columns]\nindicator = "Name"\n', "map.toml, key 'columns.indicator': no column 'Name' in the scorecard"),
        (
            '[columns]\nindicator = "Indicator"\n[[benchmarks]]\ncolumn = "SN 2021-22"\ncomparator = "outstanding"\n'
            + 'year = "2021-22"\n',
            "map.toml, key 'benchmarks[0].comparator': 'outstanding' is not a comparator cpb.toml declares",
        ),
        (
            '[columns]\nindicator = "Indicator"\n[[benchmarks]]\ncolumn = "SN 2021-22"\ncomparator = "sn"\n'
            + 'year = "21-22"\n',
            "map.toml, key 'benchmarks[0].year': '21-22' does not name a year",
        ),
        (
            '[columns]\nindicator = "Indicator"\ntarget = "Target"\nnote = "Target"\n',
            "map.toml, key 'columns.note': the column 'Target' is named for another role too",
        ),
        ('[columns]\nindicator = "Indicator"\n[units]\npercent = ["%"]\ncount = ["%"]\n', "'%' is given for percent"),
        ('[columns]\nindicator = "Indicator"\n[defaults]\nunit = "pounds"\n', "key 'defaults.unit': 'pounds' is not"),
        ('[columns]\nindicator = "Indicator"\n[periods]\ncolumns = ["Lead"]\n', "key 'periods.columns[0]': 'Lead' is"),
        ("[columns\n", "map.toml: not valid TOML"),
    ],
)
def test_a_bad_mapping_is_refused_in_one_line_naming_file_and_key(tmp_path, text, expected):
    project = _project(tmp_path)
    before = _snapshot(project.root)
    mapping = tmp_path / "map.toml"
    mapping.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError) as caught:
        import_scorecard(project, DATA / "scorecard.csv", mapping)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(expected) or expected in message
    assert _snapshot(project.root) == before


def test_rows_are_appended_to_a_catalogue_in_its_own_line_endings(mini_project):
    path = mini_project / "data" / "indicators.csv"
    before = path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    path.write_bytes(before)
    import_scorecard(Project.open(mini_project), DATA / "scorecard.csv", DATA / "mapping.toml")
    after = path.read_bytes()
    assert after.startswith(before) and after.count(b"\n") == after.count(b"\r\n") == before.count(b"\n") + 4
