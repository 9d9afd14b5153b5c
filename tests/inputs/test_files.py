"""Reading CSV and Excel tables as text with their source row numbers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from cpblib.errors import InputError
from cpblib.inputs import files as _io
from cpblib.inputs.files import read_table

DATA = Path(__file__).resolve().parents[1] / "data"
LOAD = DATA / "load"
BAD = DATA / "bad-load"


def write(path: Path, data: bytes | str) -> Path:
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


# -- CSV ---------------------------------------------------------------------------------------
def test_csv_cells_are_text_or_none_with_rows_counted_from_the_header(tmp_path):
    path = write(tmp_path / "x.csv", "indicator , period,value\ncic-number,2023-03, 437 \ncic-rate,2023-03,\n")
    table = read_table(path)
    assert table.file == "x.csv"
    assert list(table.frame.columns) == ["indicator", "period", "value"]
    assert table.frame.to_numpy().tolist() == [["cic-number", "2023-03", "437"], ["cic-rate", "2023-03", None]]
    assert table.rows == (2, 3)
    assert table.header_row == 1
    assert table.sheet is None
    assert all(dtype == object for dtype in table.frame.dtypes)


def test_windows_1252_pound_sign_and_en_dash_come_through():
    table = read_table(LOAD / "2023-03-windows-1252.csv")
    assert table.frame.loc[0, "indicator"] == "No. of households deregistered/resigned \u2013 Foster to Adopt"
    assert table.frame.loc[1, "note"] == "spend \u00a30 this month"


def test_utf8_byte_order_mark_is_not_part_of_the_first_header():
    table = read_table(LOAD / "2023-03-utf8-bom.csv")
    assert list(table.frame.columns) == ["Indicator", "Period", "Value"]


def test_utf16_with_byte_order_mark_as_excel_unicode_text_writes_it(tmp_path):
    path = write(tmp_path / "x.tsv", "indicator\tperiod\tvalue\r\ncic-number\t2023-03\t437\r\n".encode("utf-16"))
    table = read_table(path)
    assert table.frame.to_numpy().tolist() == [["cic-number", "2023-03", "437"]]


@pytest.mark.parametrize(
    ("text", "columns"),
    [
        ("indicator;period;value\ncic-number;2023-03;1,234\n", ["indicator", "period", "value"]),
        ("indicator\tperiod\tvalue\ncic-number\t2023-03\t437\n", ["indicator", "period", "value"]),
        ('indicator,"Rate per 10,000; England"\ncic-rate,66\n', ["indicator", "Rate per 10,000; England"]),
    ],
)
def test_delimiter_is_detected(tmp_path, text, columns):
    assert list(read_table(write(tmp_path / "x.csv", text)).frame.columns) == columns


def test_semicolon_fixture_keeps_thousands_comma_inside_the_cell():
    table = read_table(LOAD / "2023-03-semicolon.csv")
    assert table.frame.loc[1, "value"] == "1,234"


def test_trailing_blank_rows_and_blank_unnamed_columns_are_dropped():
    table = read_table(LOAD / "2023-03-trailing-blanks.csv")
    assert list(table.frame.columns) == ["indicator", "period", "value"]
    # the blank row between the two data rows is kept so positions stay true
    assert table.rows == (2, 3, 4)
    assert table.frame.iloc[1].isna().all()


def test_leading_blank_lines_move_the_header_row(tmp_path):
    table = read_table(write(tmp_path / "x.csv", "\n\nindicator,period,value\ncic-number,2023-03,437\n"))
    assert table.header_row == 3
    assert table.rows == (4,)


def test_a_quoted_cell_over_two_lines_is_one_row(tmp_path):
    text = 'indicator,period,value,note\ncic-number,2023-02,441,"two\nlines"\ncic-number,2023-03,437,\n'
    table = read_table(write(tmp_path / "x.csv", text))
    assert table.rows == (2, 3)
    assert table.frame.loc[0, "note"] == "two\nlines"


def test_a_column_with_values_but_no_header_gets_a_name_with_its_letter(tmp_path):
    table = read_table(write(tmp_path / "x.csv", "indicator,period,,value\ncic-number,2023-03,x,437\n"))
    assert list(table.frame.columns) == ["indicator", "period", "(unnamed column C)", "value"]


def test_cells_beyond_the_header_are_kept_as_unnamed_columns(tmp_path):
    table = read_table(write(tmp_path / "x.csv", "indicator,value\ncic-number,437,oops\n"))
    assert list(table.frame.columns) == ["indicator", "value", "(unnamed column C)"]


def test_a_header_given_twice_is_an_error(tmp_path):
    with pytest.raises(InputError) as caught:
        read_table(write(tmp_path / "x.csv", "indicator,Oct 22,Oct 22\ncic-number,1,2\n"))
    assert (caught.value.row, caught.value.column) == (1, "Oct 22")
    assert "columns B and C" in caught.value.message


def test_formulas_are_kept_as_text_never_evaluated(tmp_path):
    table = read_table(write(tmp_path / "x.csv", "indicator,value\ncic-number,=1+1\n"))
    assert table.frame.loc[0, "value"] == "=1+1"


def test_sha256_is_of_the_file_bytes(tmp_path):
    path = write(tmp_path / "x.csv", "indicator,value\ncic-number,437\n")
    assert read_table(path).sha256 == _io.sha256_bytes(path.read_bytes())


# -- refusing files ---------------------------------------------------------------------------
def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = write(tmp_path / "big.csv", "indicator,value\n" + "cic-number,1\n" * 200)

    def no_reading(self):
        raise AssertionError("the file was read")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    with pytest.raises(InputError, match="over cpb's limit") as caught:
        read_table(path, max_bytes=1000)
    assert caught.value.file == "big.csv"


def test_the_size_limit_is_a_module_constant():
    assert _io.MAX_FILE_BYTES == 50 * 1024 * 1024


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("chart.png.csv", "PNG image"),
        ("board-report.csv", "PDF document"),
        ("commentary.docx", "Word document"),
        ("commentary-docx.csv", "Word document"),
        ("extract.txt", "not .txt"),
    ],
)
def test_files_that_are_not_tables_are_refused_naming_the_file(name, words):
    with pytest.raises(InputError) as caught:
        read_table(BAD / name)
    assert caught.value.file == name
    assert words in str(caught.value)


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "not .xls"),
        ("renamed.xlsx", b"indicator,value\ncic-number,1\n", "not an Excel workbook"),
        ("binary.csv", bytes(range(256)) * 4, "not a CSV file"),
        ("archive.csv", b"PK\x03\x04" + b"\x00" * 40, "zip archive"),
        ("noextension", b"indicator,value\n", "files without an extension"),
    ],
)
def test_other_non_tables_are_refused(tmp_path, name, data, words):
    with pytest.raises(InputError, match=words):
        read_table(write(tmp_path / name, data))


def test_a_workbook_saved_with_a_csv_name_is_read_by_its_content(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["indicator", "value"])
    workbook.active.append(["cic-number", 437])
    workbook.save(tmp_path / "book.xlsx")
    (tmp_path / "book.csv").write_bytes((tmp_path / "book.xlsx").read_bytes())
    assert read_table(tmp_path / "book.csv").frame.to_numpy().tolist() == [["cic-number", "437"]]


@pytest.mark.parametrize("data", [b"", b"   \r\n\r\n", b",,,\n,,\n"])
def test_an_empty_file_is_an_error(tmp_path, data):
    with pytest.raises(InputError, match="the file is empty") as caught:
        read_table(write(tmp_path / "x.csv", data))
    assert caught.value.row == 1


def test_a_header_with_no_rows_is_an_error_unless_allowed(tmp_path):
    path = write(tmp_path / "x.csv", "indicator,period,value\n\n")
    with pytest.raises(InputError, match="no data rows") as caught:
        read_table(path)
    assert caught.value.row == 2
    assert list(read_table(path, allow_empty=True).frame.columns) == ["indicator", "period", "value"]


def test_a_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        read_table(tmp_path / "absent.csv")


# -- Excel ---------------------------------------------------------------------------------------
@pytest.fixture
def workbook_path(tmp_path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Appendix A"
    sheet.append(["CPB performance"])  # row 1: a title
    sheet.append([])  # row 2: blank
    sheet.append(["Measure", dt.datetime(2022, 10, 1), "Nov-22", "Notes"])  # row 3
    sheet.append(["Number of children in care", 452, 448.0, None])  # row 4
    sheet.append(["% care leavers in EET", 0.875, "=B5*2", None])  # row 5
    sheet["B5"].number_format = "0.0%"
    sheet.append([None, None, None, None])
    other = workbook.create_sheet("Other")
    other.append(["indicator", "period", "value"])
    other.append(["cic-number", dt.datetime(2023, 3, 1), 437])
    path = tmp_path / "2023-03.xlsx"
    workbook.save(path)
    return path


def test_workbook_first_sheet_rows_are_sheet_row_numbers(workbook_path):
    table = read_table(workbook_path)
    assert table.sheet == "Appendix A"
    assert table.header_row == 1  # the title line (values.py moves the header down past it)
    assert table.rows == (2, 3, 4, 5)  # the blank row 2 is kept, the trailing blank row 6 is not


def test_workbook_cells_as_a_person_sees_them(workbook_path):
    frame = _io.with_header_at(read_table(workbook_path), 1).frame
    assert list(frame.columns) == ["Measure", "2022-10-01", "Nov-22", "Notes"]
    assert frame.to_numpy().tolist() == [
        ["Number of children in care", "452", "448", None],
        ["% care leavers in EET", "87.5%", "=B5*2", None],
    ]


def test_workbook_named_sheet_and_dates_in_cells(workbook_path):
    table = read_table(workbook_path, sheet="Other")
    assert table.sheet == "Other"
    assert table.frame.to_numpy().tolist() == [["cic-number", "2023-03-01", "437"]]


def test_workbook_unknown_sheet_lists_the_sheets(workbook_path):
    with pytest.raises(InputError, match="'Appendix A', 'Other'"):
        read_table(workbook_path, sheet="Data")


# -- hostile workbooks: bounded before they are read ------------------------------------------
def _workbook_with_sheet_xml(path: Path, sheet_xml: str) -> Path:
    """A real workbook whose first sheet's XML is replaced by ``sheet_xml`` (cells as inline strings)."""
    import zipfile

    book = openpyxl.Workbook()
    book.active["A1"] = "indicator"
    template = path.with_suffix(".template.xlsx")
    book.save(template)
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = sheet_xml.encode() if item.filename == "xl/worksheets/sheet1.xml" else source.read(item)
            target.writestr(item, data)
    template.unlink()
    return path


def _sheet(rows: str, dimension: str | None) -> str:
    ref = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{ref}<sheetData>{rows}</sheetData></worksheet>"
    )


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def test_one_cell_at_the_last_place_of_a_sheet_is_refused_from_the_dimension_record(tmp_path):
    xml = _sheet(f'<row r="1">{_cell("A1", "indicator")}</row><row r="1048576">{_cell("XFD1048576", "x")}</row>',
                 "A1:XFD1048576")  # fmt: skip
    path = _workbook_with_sheet_xml(tmp_path / "2023-03.xlsx", xml)
    assert path.stat().st_size < 10_000
    with pytest.raises(InputError, match=r"row 1048576: the sheet 'Sheet' is too large .*last cell is XFD1048576"):
        read_table(path)


@pytest.mark.parametrize("dimension", [None, "A1:B2"], ids=["no dimension record", "a dimension that lies"])
def test_a_sheet_larger_than_it_says_is_stopped_as_it_is_read(tmp_path, dimension, monkeypatch):
    far = _sheet(f'<row r="1">{_cell("A1", "indicator")}</row><row r="1048576">{_cell("XFD1048576", "x")}</row>',
                 dimension)  # fmt: skip
    with pytest.raises(InputError, match=r"row 100001: the sheet 'Sheet' is too large .*more than 100,000 rows"):
        read_table(_workbook_with_sheet_xml(tmp_path / "far.xlsx", far))
    wide = _sheet(f'<row r="1">{_cell("A1", "indicator")}{_cell("XFD1", "x")}</row>', dimension)
    with pytest.raises(InputError, match=r"row 1: .*uses column XFD, beyond the 1,000 columns cpb reads"):
        read_table(_workbook_with_sheet_xml(tmp_path / "wide.xlsx", wide))
    monkeypatch.setattr(_io, "MAX_SHEET_ROWS", 1_000)  # the same rule, met sooner
    many = "".join(f'<row r="{n}">{_cell(f"A{n}", "cic-number")}</row>' for n in range(1, 20_001))
    with pytest.raises(InputError, match=r"too large to be an extract: it has more than 1,000 rows"):
        read_table(_workbook_with_sheet_xml(tmp_path / "many.xlsx", _sheet(many, dimension)))


def test_a_csv_with_a_huge_used_range_is_refused(tmp_path):
    rows = "indicator,period,value\n" + "cic-number,2023-03,1\n" * 5 + "x" + "," * 2000 + "y\n"
    with pytest.raises(InputError, match=r"row 7: the file is too large .*beyond the 1,000 columns"):
        read_table(write(tmp_path / "wide.csv", rows))
    tall = "indicator,period,value\n" + "cic-number,2023-03,1\n" * 100_000
    with pytest.raises(InputError, match=r"row 100001: .*more than 100,000 rows"):
        read_table(write(tmp_path / "tall.csv", tall))


def test_the_first_visible_sheet_is_read_and_a_hidden_one_only_when_named(tmp_path):
    book = openpyxl.Workbook()
    hidden = book.active
    hidden.title, hidden.sheet_state = "Lookup", "hidden"
    hidden.append(["secret", "value"])
    hidden.append(["row", "1"])
    data = book.create_sheet("Extract")
    data.append(["indicator", "period", "value"])
    data.append(["cic-number", "2023-03", 437])
    book.save(tmp_path / "2023-03.xlsx")
    table = read_table(tmp_path / "2023-03.xlsx")
    assert table.sheet == "Extract" and list(table.frame.columns) == ["indicator", "period", "value"]
    assert read_table(tmp_path / "2023-03.xlsx", "Lookup").sheet == "Lookup"


def test_a_workbook_named_xls_is_called_what_it_is(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["indicator", "period", "value"])
    book.save(tmp_path / "2023-03.xls")
    with pytest.raises(InputError, match=r"this is an Excel workbook in the .xlsx format named .xls: rename it"):
        read_table(tmp_path / "2023-03.xls")
