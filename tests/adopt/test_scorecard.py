"""Placing a scorecard's cells (pure): what each kind of cell becomes, and why a cell is left."""

import pandas as pd
import pytest

from cpblib.adopt import MappingError, parse_mapping, place_cells
from cpblib.config import Calendar
from cpblib.errors import InputError
from cpblib.inputs.catalogue import INDICATOR_COLUMNS, validate_indicators
from cpblib.inputs.files import Table
from cpblib.inputs.load import empty_table

MAPPING = """
[columns]
indicator = "Name"
polarity = "Good is"
target = "Target"
range_lower = "Low"
range_upper = "High"
"""


def _table(rows: list[list[object]], headers=("Name", "Good is", "Q3 2022/23", "Q4 2022/23", "Target", "Low", "High")):
    frame = pd.DataFrame(rows, columns=list(headers), dtype=object)
    return Table("card.csv", frame, tuple(range(2, 2 + len(rows))))


def _place(rows, mapping=MAPPING, catalogue=None, **kw):
    return place_cells(
        _table(rows, **kw),
        parse_mapping(mapping, "m.toml"),
        "m.toml",
        empty_table(INDICATOR_COLUMNS) if catalogue is None else catalogue,
        Calendar(cadence="quarterly"),
    )


def _why(placement) -> dict[tuple[int, str], str]:
    return {(u.row, u.column): u.why for u in placement.unplaced}


def test_heading_rows_become_pages():
    placed = _place([["Health", None, None, None, None, None, None], ["Checks", "High", "80", "82", None, None, None]])
    assert placed.headings == ((2, "Health"),)
    assert placed.indicators.loc[0, ["indicator", "domain", "frequency"]].tolist() == ["checks", "Health", "quarterly"]
    assert str(placed.month) == "2023-03" and placed.month.key == "2022-23-Q4"


def test_a_target_needs_a_polarity_and_a_range_needs_both_ends():
    placed = _place(
        [
            ["No way", None, "1", "2", "5", None, None],
            ["Half range", "Low", "1", "2", None, "3", None],
            ["Both", "Low", "1", "2", "4", "3", "5"],
        ]
    )
    why = _why(placed)
    assert "needs a polarity" in why[(2, "Target")]
    assert "needs both ends" in why[(3, "Low")]
    assert "rated against the range" in why[(4, "Target")]
    assert placed.indicators["rag_method"].tolist() == ["none", "none", "range"]
    assert placed.targets[["indicator", "range_lower", "range_upper"]].values.tolist() == [["both", "3", "5"]]


def test_words_and_unknown_polarity_are_listed_not_written():
    placed = _place([["Visits", "Sideways", "1", "awaiting data", "tbc", None, None]])
    why = _why(placed)
    assert "not a polarity" in why[(2, "Good is")]
    assert "words, not a number" in why[(2, "Target")]
    assert placed.indicators["indicator"].tolist() == ["visits"]
    assert placed.figures["value"].tolist() == ["1", "awaiting data"]


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (["=HYPERLINK(1)", "High", "1", "2", None, None, None], "Name", "looks like a spreadsheet formula"),
        (["Visits", "High", "1", "=A1", None, None, None], "Q4 2022/23", "looks like a spreadsheet formula"),
        (["Visits", "High", "1", "about 2", None, None, None], "Q4 2022/23", "'about 2' is not a number"),
        (["Visits", "High", "1", "2", "about 5", None, None], "Target", "'about 5' is not a number"),
        ([None, None, "1", None, None, None, None], "Q3 2022/23", "a figure on a row that names no indicator"),
    ],
)
def test_wrong_data_stops_with_the_cell(row, column, message):
    with pytest.raises(InputError) as caught:
        _place([row])
    assert str(caught.value).startswith(f"card.csv, row 2, column '{column}': ")
    assert message in str(caught.value)


def test_an_indicator_given_twice_stops_with_both_rows():
    with pytest.raises(InputError, match=r"card.csv, row 3, column 'Name': the indicator 'visits' is on row 2"):
        _place([["Visits", "High", "1", "2", None, None, None], ["visits", "High", "3", "4", None, None, None]])


def test_a_known_indicator_keeps_its_catalogue_row():
    catalogue = validate_indicators(
        pd.DataFrame(
            {
                "indicator": ["cla"],
                "name": ["Children looked after"],
                "domain": ["Profile"],
                "unit": ["count"],
                "polarity": ["none"],
                "decimals": ["0"],
                "frequency": ["quarterly"],
                "period_type": ["snapshot"],
                "rag_method": ["none"],
                "aliases": ["CLA"],
            }
        )
    )
    placed = _place([["cla", "Low", "200", "210", "190", None, None]], catalogue=catalogue)
    assert placed.matched == (("cla", "cla"),)
    assert placed.indicators.empty
    why = _why(placed)
    assert "description is kept" in why[(2, "Good is")]
    assert "rag_method 'none'" in why[(2, "Target")]
    assert placed.figures["indicator"].tolist() == ["cla", "cla"]


def test_a_scorecard_without_periods_or_with_a_missing_column_is_the_mappings_mistake():
    with pytest.raises(MappingError, match="no column of card.csv reads as a period"):
        _place([["A", "1"]], mapping='[columns]\nindicator = "Name"\n', headers=("Name", "Comment"))
    with pytest.raises(MappingError, match=r"key 'columns.target': no column 'Target' in the scorecard"):
        _place([["A", "High", "1"]], headers=("Name", "Good is", "Q4 2022/23"))


def test_a_reference_column_becomes_an_alias_and_matches_the_catalogue_by_it():
    mapping = '[columns]\nindicator = "Name"\nalias = "Ref"\n'
    headers = ("Ref", "Name", "Q4 2022/23")
    placed = _place([["CLA1", "Children looked after", "200"]], mapping=mapping, headers=headers)
    assert placed.indicators.loc[0, "aliases"] == "CLA1" and not placed.unplaced
    catalogue = validate_indicators(placed.indicators.drop(columns=["source_row", "source_column"]))
    again = _place([["CLA1", "Looked after children", "210"]], mapping=mapping, headers=headers, catalogue=catalogue)
    assert again.matched == (("Looked after children", "children-looked-after"),) and not again.unplaced


def test_the_mapping_says_what_a_row_cannot_and_a_name_gives_its_unit_away():
    mapping = (
        '[columns]\nindicator = "Name"\n[indicators."Caseload"]\nunit = "ratio"\nfrequency = "annual"\n'
        'domain = "Workforce"\ndecimals = 2\n'
    )
    headers = ("Name", "Q4 2022/23")
    placed = _place(
        [["Caseload", "16.5"], ["CLA rate per 10,000", "61.2"], ["% visits on time", "88"]],
        mapping=mapping,
        headers=headers,
    )
    rows = placed.indicators.set_index("indicator")
    assert rows.loc["caseload", ["unit", "frequency", "domain", "decimals"]].tolist() == [
        "ratio",
        "annual",
        "Workforce",
        "2",
    ]
    assert rows.loc["cla-rate-per-10-000", "unit"] == "rate_per_10000"
    assert rows.loc["visits-on-time", "unit"] == "percent"


def test_a_header_that_is_no_period_says_how_to_name_one():
    placed = _place(
        [["A", "1", "2"]], mapping='[columns]\nindicator = "Name"\n', headers=("Name", "Q4 2022/23", "Q1 23/24")
    )
    assert "give the period in [periods.read_as]" in _why(placed)[(2, "Q1 23/24")]


def test_a_percentage_typed_as_a_fraction_is_pointed_out():
    mapping = '[columns]\nindicator = "Name"\n'
    headers = ("Name", "Q3 2022/23", "Q4 2022/23")
    placed = _place([["% in EET", "0.55", "0.6"], ["% in touch", "0.9", "91"]], mapping=mapping, headers=headers)
    assert len(placed.warnings) == 1 and placed.warnings[0].startswith("in-eet: every figure is between 0 and 1")


def test_a_page_is_carried_down_and_heading_rows_can_be_turned_off():
    mapping = '[columns]\nindicator = "Name"\ndomain = "Area"\n'
    headers = ("Area", "Name", "Q4 2022/23")
    placed = _place([["Health", "Checks", "80"], [None, "Dental", "70"]], mapping=mapping, headers=headers)
    assert placed.indicators["domain"].tolist() == ["Health", "Health"]  # a merged cell is read as blank below
    rows = [["Higher education", None], ["EET", "55"]]
    assert _place(rows, mapping='[columns]\nindicator = "Name"\n', headers=("Name", "Q4 2022/23")).headings
    placed = _place(rows, mapping='headings = false\n[columns]\nindicator = "Name"\n', headers=("Name", "Q4 2022/23"))
    assert placed.headings == () and placed.indicators["indicator"].tolist() == ["higher-education", "eet"]
    assert placed.indicators["domain"].tolist() == ["Scorecard", "Scorecard"]
