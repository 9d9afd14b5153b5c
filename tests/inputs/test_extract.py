"""Parsing cells, long and wide tables, matching indicators and checking values."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from cpblib._vocabulary import vocabulary
from cpblib.errors import InputError
from cpblib.inputs.catalogue import validate_indicators
from cpblib.inputs.extract import (
    VALUES_COLUMNS,
    CellError,
    looks_like_formula,
    match_indicators,
    parse_cell,
    parse_cells,
    parse_table,
)
from cpblib.inputs.files import read_table
from cpblib.month import Month

DATA = Path(__file__).resolve().parents[1] / "data"
MARCH = Month(2023, 3)
TODAY = dt.date(2023, 4, 15)
REASONS = vocabulary()["missing"]


@pytest.fixture(scope="module")
def catalogue() -> pd.DataFrame:
    return validate_indicators(read_table(DATA / "mini-project" / "data" / "indicators.csv").frame)


def parse(
    tmp_path: Path, text: str | bytes, catalogue: pd.DataFrame, name: str = "2023-03.csv", month=MARCH, today=TODAY
):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return parse_table(read_table(path), catalogue, month=month, today=today)


def error(tmp_path, text, catalogue, **kwargs) -> InputError:
    with pytest.raises(InputError) as caught:
        parse(tmp_path, text, catalogue, **kwargs)
    return caught.value


# -- cells -----------------------------------------------------------------------------------
NUMBERS = [
    ("87%", 87.0),
    ("87 %", 87.0),
    ("1,234", 1234.0),
    ("1,234,567.5", 1234567.5),
    ("  12.5 ", 12.5),
    ("\u00a012.5\u00a0", 12.5),
    ("0", 0.0),
    ("-5", -5.0),
    ("+2.5", 2.5),
    (".5", 0.5),
    ("1e3", 1000.0),
]

MARKERS = [
    (None, "blank"),
    ("", "blank"),
    ("   ", "blank"),
    ("NA", REASONS["na"]),
    ("n/a", REASONS["n/a"]),
    ("N/A", REASONS["n/a"]),
    ("-", REASONS["-"]),
    ("\u2013", REASONS["-"]),
    ("c", REASONS["c"]),
    ("C", REASONS["c"]),
    ("[c]", REASONS["c"]),
    ("x", REASONS["x"]),
    ("z", REASONS["z"]),
    ("k", REASONS["k"]),
    ("low", REASONS["low"]),
    ("u", REASONS["u"]),
    (":", REASONS[":"]),
]

NOT_NUMBERS = ["(5)", "1e999", "abc", "12,34", "1.2.3", "nan", "inf", "\u00a35", "5 children", "about 66", "1_000", "%"]

FORMULAS = [
    '=HYPERLINK("http://example.com","437")',
    "=cmd|' /C calc'!A0",
    "=5",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(A1:A3)",
]


@pytest.mark.parametrize(("cell", "value"), NUMBERS)
def test_numbers(cell, value):
    assert parse_cell(cell) == (value, None)


@pytest.mark.parametrize(("cell", "reason"), MARKERS)
def test_missing_markers_give_their_reason(cell, reason):
    assert parse_cell(cell) == (None, reason)


@pytest.mark.parametrize("cell", NOT_NUMBERS)
def test_text_is_an_error(cell):
    with pytest.raises(CellError, match="is not a number"):
        parse_cell(cell)


@pytest.mark.parametrize("cell", FORMULAS)
def test_formula_looking_cells_are_an_error_showing_the_text_quoted(cell):
    with pytest.raises(CellError, match="looks like a spreadsheet formula") as caught:
        parse_cell(cell)
    assert repr(cell) in str(caught.value)


def test_formula_text_is_escaped_in_the_message():
    with pytest.raises(CellError) as caught:
        parse_cell("=A1\x07\n")
    assert "'=A1\\x07'" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "formula"), [("- see commentary", False), ("+ 3 new", False), ("-5", False), ("-cmd", True), ("=1", True)]
)
def test_looks_like_formula(text, formula):
    assert looks_like_formula(text) is formula


def test_parse_cells_agrees_with_parse_cell_on_every_case():
    cells = [c for c, _ in NUMBERS] + [c for c, _ in MARKERS] + NOT_NUMBERS + FORMULAS
    parsed = parse_cells(pd.Series(cells, dtype=object))
    for cell, (_, row) in zip(cells, parsed.iterrows()):
        try:
            value, reason = parse_cell(cell)
        except CellError:
            assert not row["ok"], cell
            continue
        assert row["ok"], cell
        assert row["missing_reason"] == reason
        assert (np.isnan(row["value"]) and value is None) or row["value"] == value


# -- matching -------------------------------------------------------------------------------
def test_match_by_slug_then_name_then_alias_ignoring_case_and_spacing(catalogue):
    texts = pd.Series(
        [
            "cic-rate",
            "  number OF children   in care ",
            "% new CIC with IHA within 20 days",
            "No. of households deregistered/resigned \u2013 Foster to Adopt",
            "No. of households deregistered/resigned - Foster to Adopt",
            None,
        ],
        dtype=object,
    )
    assert match_indicators(texts, catalogue).tolist() == [
        "cic-rate",
        "cic-number",
        "iha-20-days",
        "f2a-deregistered",
        None,  # a hyphen is not the en dash of the name
        None,
    ]


def test_a_slug_wins_over_another_indicators_name():
    catalogue = pd.DataFrame({"indicator": ["eet", "other"], "name": ["EET", "eet"], "aliases": [None, None]})
    assert match_indicators(pd.Series(["eet"]), catalogue).tolist() == ["eet"]


def test_an_alias_shared_by_two_indicators_is_ambiguous(tmp_path, catalogue):
    shared = catalogue.assign(aliases=catalogue["aliases"].where(catalogue["indicator"] != "cic-rate", "CIC"))
    problem = error(tmp_path, "indicator,period,value\nCIC,2023-03,437\n", shared)
    assert (problem.row, problem.column) == (2, "indicator")
    assert "matches more than one indicator (cic-number, cic-rate)" in problem.message


# -- long layout -------------------------------------------------------------------------------
def test_long_table_gives_the_values_frame(tmp_path, catalogue):
    text = (
        "Indicator,PERIOD,Value,Numerator,Denominator,Note\n"
        "cic-number,2023-02,441,,,\n"
        "Number of children in care,Mar-23,437,,,after audit\n"
        "iha-20-days,2023-02,50%,3,6,\n"
        "iha-20-days,2023-01,c,,,fewer than five\n"
        "care-leavers-eet,2023-03,,,,\n"
    )
    parsed = parse(tmp_path, text, catalogue)
    values = parsed.values
    assert parsed.layout == "long"
    assert list(values.columns) == list(VALUES_COLUMNS)
    assert values["indicator"].tolist() == [
        "cic-number",
        "cic-number",
        "iha-20-days",
        "iha-20-days",
        "care-leavers-eet",
    ]
    assert values["period"].tolist() == ["2023-02", "2023-03", "2023-02", "2023-01", "2023-03"]
    assert values["value"].tolist()[:3] == [441.0, 437.0, 50.0]
    assert values["value"].iloc[3:].isna().all()
    assert values["missing_reason"].tolist() == [None, None, None, REASONS["c"], "blank"]
    assert values["numerator"].iloc[2] == 3.0 and values["denominator"].iloc[2] == 6.0
    assert values["note"].tolist() == [None, "after audit", None, "fewer than five", None]
    assert values["source_row"].tolist() == [2, 3, 4, 5, 6]
    assert values["value"].dtype == "float64" and values["numerator"].dtype == "float64"
    assert values["missing_reason"].dtype == object and values["note"].dtype == object


def test_measure_is_a_synonym_of_indicator_and_descriptive_columns_are_ignored(tmp_path, catalogue):
    parsed = parse(tmp_path, "Measure,Domain,period,value\nCIC,Profile,2023-03,437\n", catalogue)
    assert parsed.values["indicator"].tolist() == ["cic-number"]
    assert parsed.ignored_columns == ("Domain",)


def test_a_note_may_start_with_a_dash_bullet(tmp_path, catalogue):
    parsed = parse(tmp_path, "indicator,period,value,note\ncic-number,2023-03,437,- see commentary\n", catalogue)
    assert parsed.values["note"].tolist() == ["- see commentary"]


def test_fully_blank_rows_inside_the_table_are_skipped(tmp_path, catalogue):
    parsed = parse(tmp_path, "indicator,period,value\ncic-number,2023-02,441\n,,\ncic-number,2023-03,437\n", catalogue)
    assert parsed.values["source_row"].tolist() == [2, 4]


# -- wide layout -----------------------------------------------------------------------------
def test_wide_headers_in_every_month_spelling(tmp_path, catalogue):
    text = "indicator,Oct 22,Nov-22,2022-12,January 2023,2023-02-01\ncic-number,452,448,444,441,437\n"
    parsed = parse(tmp_path, text, catalogue)
    assert parsed.layout == "wide"
    assert parsed.values["period"].tolist() == ["2022-10", "2022-11", "2022-12", "2023-01", "2023-02"]
    assert parsed.values["value"].tolist() == [452.0, 448.0, 444.0, 441.0, 437.0]


def test_wide_blank_cells_are_absent_and_markers_are_missing_with_reasons(tmp_path, catalogue):
    text = "indicator,Jan 23,Feb 23,Mar 23\ncic-started,14,,c\n"
    values = parse(tmp_path, text, catalogue).values
    assert values["period"].tolist() == ["2023-01", "2023-03"]
    assert values["missing_reason"].tolist() == [None, REASONS["c"]]


def test_realistic_appendix_with_headings_and_descriptive_columns(catalogue):
    parsed = parse_table(read_table(DATA / "load" / "2023-03-appendix-wide.csv"), catalogue, month=MARCH, today=TODAY)
    values = parsed.values.set_index(["indicator", "period"])
    assert parsed.ignored_columns == ("Domain", "Unit", "Good is", "England", "Good SN", "Target")
    assert parsed.skipped_rows == (2, 6)  # the "Profile" and "Health" section headings
    assert values.loc[("cic-number", "2022-10"), "value"] == 452.0
    assert values.loc[("cic-rate", "2023-03"), "value"] == 65.3
    assert values.loc[("iha-20-days", "2022-10"), "value"] == 45.5
    assert values.loc[("iha-20-days", "2022-12"), "missing_reason"] == REASONS["na"]
    assert ("iha-20-days", "2023-03") not in values.index  # blank cell: no observation
    assert values.loc[("cic-started", "2023-03"), "missing_reason"] == REASONS["c"]
    assert values.loc[("sdq-score", "2022-12"), "source_row"] == 8
    assert len(values) == 6 + 6 + 6 + 5 + 2


def test_wide_workbook_with_date_headers_title_rows_and_percent_cells(tmp_path, catalogue):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Corporate Parenting Board: appendix A"])
    sheet.append([])
    sheet.append(["Measure", "Unit", dt.datetime(2023, 1, 1), dt.datetime(2023, 2, 1), dt.datetime(2023, 3, 1)])
    sheet.append(["Number of children in care", "No.", 441, 437, 437])
    sheet.append(["% care leavers in EET", "%", 0.59, 0.575, "c"])
    for cell in ("C5", "D5"):
        sheet[cell].number_format = "0.0%"
    workbook.save(tmp_path / "2023-03.xlsx")
    parsed = parse_table(read_table(tmp_path / "2023-03.xlsx"), catalogue, month=MARCH, today=TODAY)
    values = parsed.values
    assert parsed.ignored_columns == ("Unit",)
    assert values["period"].tolist()[:3] == ["2023-01", "2023-02", "2023-03"]
    assert values.loc[values["indicator"] == "care-leavers-eet", "value"].tolist()[:2] == [59.0, 57.5]
    assert values["source_row"].tolist() == [4, 4, 4, 5, 5, 5]


def test_wide_table_with_no_values_is_an_error(tmp_path, catalogue):
    problem = error(tmp_path, "indicator,Jan 23\ncic-number,\n", catalogue)
    assert "holds no values" in problem.message


# -- errors: each names the row and column -------------------------------------------------
@pytest.mark.parametrize(
    ("text", "row", "column", "words"),
    [
        (
            "indicator,period,value\ncic-number,2023-03,437\nChildren in kare,2023-03,1\n",
            3,
            "indicator",
            "unknown indicator 'Children in kare'",
        ),
        ("indicator,period,value\n,2023-03,437\n", 2, "indicator", "no indicator is named"),
        ('indicator,period,value\n=HYPERLINK("x"),2023-03,437\n', 2, "indicator", "spreadsheet formula"),
        ("indicator,period,value\ncic-number,2023-03,437\nCIC,2023-03,438\n", 3, "indicator", "rows 2 and 3"),
        ("indicator,period,value\ncic-number,2023-13,437\n", 2, "period", "the month must be 01 to 12"),
        ("indicator,period,value\ncic-number,,437\n", 2, "period", "the period is blank"),
        ("indicator,period,value\ncic-number,2023-04,437\n", 2, "period", "after the report month 2023-03"),
        ("indicator,period,value\ncic-number,2023-03,about 440\n", 2, "value", "'about 440' is not a number"),
        ("indicator,period,value\ncic-number,2023-03,437%\n", 2, "value", "has a % sign"),
        ("indicator,period,value\ncic-number,2023-03,-1\n", 2, "value", "negative"),
        ("indicator,period,value\ncic-number,2023-03,1.5\n", 2, "value", "whole number"),
        ("indicator,period,value\ncare-leavers-eet,2023-03,100.5\n", 2, "value", "over 100"),
        ("indicator,period,value\ncare-leavers-eet,2023-03,-0.5\n", 2, "value", "negative"),
        ("indicator,period,value\ncic-rate,2023-03,-66\n", 2, "value", "negative"),
        (
            "indicator,period,value,numerator,denominator\niha-20-days,2023-03,50,4,3\n",
            2,
            "numerator",
            "above the denominator",
        ),
        (
            "indicator,period,value,numerator,denominator\niha-20-days,2023-03,50,x y,3\n",
            2,
            "numerator",
            "not a number",
        ),
        ("indicator,period,value,numerator,denominator\niha-20-days,2023-03,50,1,-3\n", 2, "denominator", "negative"),
        ("indicator,period,value,note\ncic-number,2023-03,437,@SUM(A1)\n", 2, "note", "spreadsheet formula"),
        ("indicator,period,value,previous_value\ncic-number,2023-03,437,441\n", 1, "previous_value", "unknown column"),
        ("indicator,period\ncic-number,2023-03\n", 1, "value", "required column is missing"),
        (
            "indicator,measure,period,value\ncic-number,cic-number,2023-03,437\n",
            1,
            "measure",
            "two columns give the indicator",
        ),
        ("indicator,Oct 22,RAG\ncic-number,452,Green\n", 1, "RAG", "unknown column"),
        ("indicator,Oct 22,2022-10\ncic-number,452,452\n", 1, "2022-10", "both October 2022"),
        ("indicator,2022-10-31\ncic-number,452\n", 1, "2022-10-31", "is a date, not a month"),
        ("Domain,Oct 22\nProfile,452\n", 1, "indicator", "needs an indicator column"),
        ("indicator,Oct 22,Apr 23\ncic-number,452,440\n", 2, "Apr 23", "after the report month"),
        ("indicator,Oct 22\ncic-number,452\ncic-number,452\n", 3, "indicator", "rows 2 and 3"),
    ],
)
def test_the_first_problem_is_reported_with_row_and_column(tmp_path, catalogue, text, row, column, words):
    problem = error(tmp_path, text, catalogue)
    assert problem.file == "2023-03.csv"
    assert (problem.row, problem.column) == (row, column)
    assert words in problem.message


def test_a_future_period_is_refused_against_today_without_a_report_month(tmp_path, catalogue):
    problem = error(tmp_path, "indicator,period,value\ncic-number,2023-05,437\n", catalogue, month=None)
    assert (problem.row, problem.column) == (2, "period")
    assert "period 2023-05 is after the report month 2023-04" in problem.message  # today is in April 2023


def test_problems_are_reported_in_reading_order_not_by_kind(tmp_path, catalogue):
    text = "indicator,period,value\ncic-number,2023-01,441\ncic-number,2023-02,about 440\nNo such thing,2023-03,1\n"
    problem = error(tmp_path, text, catalogue)
    assert (problem.row, problem.column) == (3, "value")


def test_within_a_row_the_leftmost_problem_comes_first(tmp_path, catalogue):
    problem = error(tmp_path, "indicator,Jan 23,Feb 23\ncic-number,1 2,-1\n", catalogue)
    assert problem.column == "Jan 23"


def test_errors_name_the_indicator_when_known(tmp_path, catalogue):
    problem = error(tmp_path, "indicator,period,value\n% care leavers in EET,2023-03,104\n", catalogue)
    assert problem.indicator == "care-leavers-eet"
    assert (
        str(problem)
        == "2023-03.csv, row 2, column 'value', indicator 'care-leavers-eet': 104 is over 100, the most a percentage can be"
    )


@pytest.mark.parametrize("cell", ["1e308", "12345678901234567890123", "-1e10", "1,000,000,000", "1e999"])
def test_absurdly_large_figures_are_refused(cell):
    with pytest.raises(CellError, match="is too large: it is not a number a pack can show"):
        parse_cell(cell)
    assert parse_cell("999,999,999") == (999999999.0, None)


# -- quarters and years, second figures, provisional figures, words ---------------------------------------------
@pytest.fixture(scope="module")
def figured() -> pd.DataFrame:
    """The mini catalogue, its rate carrying the count beside it and one academic-year indicator."""
    raw = read_table(DATA / "mini-project" / "data" / "indicators.csv").frame
    raw = raw.assign(second_figure=[None, "count", None, None, None, None, None], year_type=None)
    extra = raw.iloc[[4]].assign(indicator="ks2", name="KS2 reading", frequency="annual", year_type="academic",
                                 aliases=None, headline=None)  # fmt: skip
    return validate_indicators(pd.concat([raw, extra], ignore_index=True))


@pytest.mark.parametrize(
    "written, period, span",
    [
        ("2023-01", "2023-01", None),
        ("Jan 23", "2023-01", None),
        ("Q3 2022/23", "2022-12", "quarter"),
        ("Q3 2022-23", "2022-12", "quarter"),
        ("2022/23 Q3", "2022-12", "quarter"),
        ("2022-23-Q3", "2022-12", "quarter"),
        ("2022-Q4", "2022-12", "quarter"),
        ("2021/22", "2022-03", "year"),
        ("2021-22", "2022-03", "year"),
        ("FY2021-22", "2022-03", "year"),
        ("2021/2022", "2022-03", "year"),
    ],
)
def test_every_period_form_is_read_in_a_long_table(tmp_path, figured, written, period, span):
    values = parse(tmp_path, f"indicator,period,value\ncic-number,{written},440\n", figured).values
    assert values[["period", "span"]].values.tolist() == [[period, span]]


def test_quarter_and_year_headers_are_read_in_a_wide_table(tmp_path, figured):
    text = "indicator,Jan 23,Feb 23,Q3 2022/23,2021/22 (provisional)\ncic-started,12,15,40,150\n"
    values = parse(tmp_path, text, figured).values
    assert values[["period", "span", "value", "provisional"]].values.tolist() == [
        ["2023-01", None, 12.0, False],
        ["2023-02", None, 15.0, False],
        ["2022-12", "quarter", 40.0, False],
        ["2022-03", "year", 150.0, True],
    ]


def test_a_quarter_of_a_quarterly_indicator_is_its_own_period(tmp_path, figured):
    values = parse(tmp_path, "indicator,period,value\nsdq-score,Q3 2022/23,14.2\n", figured).values
    assert values[["period", "span"]].values.tolist() == [["2022-12", None]]


def test_a_year_follows_the_indicator_year_type(tmp_path, figured):
    values = parse(tmp_path, "indicator,period,value\nks2,2021/22,14.2\n", figured).values
    assert values[["period", "span"]].values.tolist() == [["2022-08", None]]
    problem = error(tmp_path, "indicator,period,value\nks2,FY2021/22,14.2\n", figured)
    assert (problem.row, problem.column) == (2, "period")
    assert "a financial year, but this indicator counts academic years" in problem.message


@pytest.mark.parametrize(
    "written, words",
    [
        ("Q4 2022", "could be a calendar or a financial quarter"),
        ("2022 Q4", "could be a calendar or a financial quarter"),
        ("2022", "alone could be a calendar, financial or academic year"),
        ("2011-12", "could be December 2011 or the year 2011/12"),
        ("2021/23", "is not a year"),
    ],
)
def test_an_ambiguous_period_is_refused_with_file_row_and_column(tmp_path, figured, written, words):
    text = f"indicator,period,value\ncic-number,2023-01,441\ncic-number,{written},437\n"
    problem = error(tmp_path, text, figured)
    assert (problem.file, problem.row, problem.column) == ("2023-03.csv", 3, "period")
    assert words in problem.message


def test_an_ambiguous_wide_header_is_refused_with_its_column(tmp_path, figured):
    problem = error(tmp_path, "indicator,Jan 23,Q4 2022\ncic-number,441,437\n", figured)
    assert (problem.row, problem.column) == (1, "Q4 2022")
    assert "calendar or a financial quarter" in problem.message


def test_a_quarter_after_the_report_month_is_refused(tmp_path, figured):
    problem = error(tmp_path, "indicator,period,value\ncic-number,Q4 2022/23,437\n", figured, month=Month(2023, 2))
    assert (problem.row, problem.column) == (2, "period")
    assert "after the report month" in problem.message


def test_a_count_and_its_rate_are_one_indicator_with_two_figures(tmp_path, figured):
    text = "indicator,period,value,figure\ncic-rate,2023-03,64.5,\ncic-rate,2023-03,486,Number\n"
    values = parse(tmp_path, text, figured).values
    assert values[["indicator", "period", "value", "figure"]].values.tolist() == [
        ["cic-rate", "2023-03", 64.5, None],
        ["cic-rate", "2023-03", 486.0, "count"],
    ]


def test_a_figure_the_indicator_does_not_carry_is_refused(tmp_path, figured):
    problem = error(tmp_path, "indicator,period,value,figure\ncic-number,2023-03,440,rate\n", figured)
    assert (problem.row, problem.column, problem.indicator) == (2, "figure", "cic-number")
    assert "is not a figure of this indicator" in problem.message


def test_the_second_figure_is_checked_as_its_own_unit(tmp_path, figured):
    problem = error(tmp_path, "indicator,period,value,figure\ncic-rate,2023-03,486.5,count\n", figured)
    assert (problem.row, problem.column) == (2, "value")
    assert "not a whole number, which a count must be" in problem.message


def test_the_same_figure_twice_is_refused_but_a_count_beside_a_rate_is_not(tmp_path, figured):
    text = "indicator,period,value,figure\ncic-rate,2023-03,64.5,\ncic-rate,2023-03,486,count\ncic-rate,2023-03,487,count\n"
    problem = error(tmp_path, text, figured)
    assert problem.row == 4 and "given twice" in problem.message and "series count" in problem.message


@pytest.mark.parametrize("cell", ["58.0 (p)", "58.0 [P]", "58.0 (provisional)"])
def test_a_figure_marked_provisional_in_its_cell_keeps_the_figure_and_the_mark(tmp_path, figured, cell):
    values = parse(
        tmp_path, f"indicator,period,value,note\ncare-leavers-eet,2023-03,{cell},to be checked\n", figured
    ).values
    assert values[["value", "provisional", "note"]].values.tolist() == [[58.0, True, "to be checked"]]


def test_a_provisional_column_says_yes_or_no(tmp_path, figured):
    text = "indicator,period,value,provisional\ncic-number,2023-02,441,no\ncic-number,2023-03,437,Yes\n"
    assert parse(tmp_path, text, figured).values["provisional"].tolist() == [False, True]
    problem = error(tmp_path, "indicator,period,value,provisional\ncic-number,2023-03,437,maybe\n", figured)
    assert (problem.row, problem.column) == (2, "provisional")


@pytest.mark.parametrize("words", ["awaiting data", "see note", "TBC"])
def test_words_in_a_cell_are_kept_as_the_note_and_reason_of_a_missing_figure(tmp_path, figured, words):
    values = parse(tmp_path, f"indicator,Feb 23,Mar 23\ncic-number,441,{words}\n", figured).values
    last = values.iloc[-1]
    assert np.isnan(last["value"]) and last["missing_reason"] == words and last["note"] == words


def test_words_beside_a_note_keep_both(tmp_path, figured):
    values = parse(tmp_path, "indicator,period,value,note\ncic-number,2023-03,awaiting data,due in April\n", figured)
    assert values.values.loc[0, "note"] == "awaiting data; due in April"
