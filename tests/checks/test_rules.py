"""The suites evaluated in pandas (the load-time check): each expectation type, nulls, parameters, reading order,
and the same failing rows as Great Expectations."""

from __future__ import annotations

import pandas as pd
import pytest

from cpblib.checks.prepare import ROW_ID
from cpblib.checks.rules import SUPPORTED, check, failures, first_error, parameters
from cpblib.checks.runner import validate
from cpblib.errors import ConfigError


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_row": pd.array([2, 3, 4, 5, 6], dtype="Int64"),
            "indicator": ["a", "b", None, "b", "Not An Id"],
            "period": ["2023-01", "2023-01", None, "2023-01", None],
            "unit": ["count", "percent", None, "litres", "percent"],
            "value": [1.0, 100.0, None, 250.0, -1.0],
            "problem": [None, None, None, "250 is too much", None],
            "flags": [None, "unit", None, "unit, value", None],
            ROW_ID: range(5),
        }
    )


def expect(type_: str, severity: str = "error", rule: str = "the rule", **kwargs) -> dict:
    return {"type": type_, "kwargs": kwargs, "meta": {"severity": severity, "rule": rule}}


def rows(expectation: dict, data: pd.DataFrame | None = None, params=None) -> list[int]:
    failure = check(expectation, frame() if data is None else data, params or {})
    return [] if failure is None else failure.rows.tolist()


# -- each expectation type -------------------------------------------------------------------------------
def test_be_null_fails_where_a_value_is_given():
    assert rows(expect("expect_column_values_to_be_null", column="problem")) == [3]


def test_not_be_null_fails_where_the_value_is_missing():
    assert rows(expect("expect_column_values_to_not_be_null", column="indicator")) == [2]


def test_in_set_ignores_nulls():
    assert rows(expect("expect_column_values_to_be_in_set", column="unit", value_set=["count", "percent"])) == [3]


@pytest.mark.parametrize(
    ("kwargs", "failing"),
    [
        ({"min_value": 0, "max_value": 100}, [3, 4]),
        ({"min_value": 0, "max_value": 100, "strict_max": True}, [1, 3, 4]),
        ({"min_value": 1, "strict_min": True}, [0, 4]),
        ({"max_value": 100}, [3]),
        ({"min_value": -1}, []),
    ],
)
def test_between_with_strict_bounds_and_open_ends_ignores_nulls(kwargs, failing):
    assert rows(expect("expect_column_values_to_be_between", column="value", **kwargs)) == failing


def test_match_regex_searches_as_great_expectations_does_and_ignores_nulls():
    assert rows(expect("expect_column_values_to_match_regex", column="indicator", regex="^[a-z]+$")) == [4]
    assert rows(expect("expect_column_values_to_match_regex", column="indicator", regex="o")) == [0, 1, 3]


def test_unique_fails_every_repeated_value_and_reports_the_repeat():
    failure = check(expect("expect_column_values_to_be_unique", column="indicator"), frame())
    assert failure.rows.tolist() == [1, 3]  # as Great Expectations counts them
    assert failure.reported.tolist() == [3]  # the loader names the row that repeats an earlier one
    assert rows(expect("expect_column_values_to_be_unique", column="period")) == [0, 1, 3]  # nulls are not repeats


def test_compound_unique_ignores_rows_whose_keys_are_all_missing():
    failure = check(expect("expect_compound_columns_to_be_unique", column_list=["indicator", "period"]), frame())
    assert failure.rows.tolist() == [1, 3]
    assert failure.reported.tolist() == [3]
    data = frame().assign(indicator=[None, None, None, "b", None], period=[None] * 5)
    assert rows(expect("expect_compound_columns_to_be_unique", column_list=["indicator", "period"]), data) == []


def test_table_columns_exactly_or_at_least():
    exact = check(expect("expect_table_columns_to_match_set", column_set=["indicator", "value", "extra"]), frame())
    assert exact.table["missing"] == ["extra"] and "unit" in exact.table["unexpected"]
    loose = expect("expect_table_columns_to_match_set", column_set=["indicator", "value"], exact_match=False)
    assert check(loose, frame()) is None


def test_in_type_list_checks_the_dtype_or_each_object():
    assert (
        check(expect("expect_column_values_to_be_in_type_list", column="value", type_list=["float64"]), frame()) is None
    )
    wrong = check(expect("expect_column_values_to_be_in_type_list", column="value", type_list=["int64"]), frame())
    assert wrong.table == {"type": ["float64"]}  # the column as a whole, as Great Expectations judges a typed column
    mixed = pd.DataFrame({"x": pd.Series([1.5, "2", None], dtype=object)})
    assert rows(expect("expect_column_values_to_be_in_type_list", column="x", type_list=["float"]), mixed) == [1]


def test_mostly_lets_a_share_of_rows_fail():
    loose = expect("expect_column_values_to_be_between", column="value", max_value=100, mostly=0.7)
    assert rows(loose) == []  # 1 of 4 values fails: 75% hold
    assert rows({**loose, "kwargs": {**loose["kwargs"], "mostly": 0.8}}) == [3]


def test_parameters_are_filled_in_and_an_unknown_one_is_a_config_error():
    in_set = expect("expect_column_values_to_be_in_set", column="unit", value_set={"$PARAMETER": "vocabulary_unit"})
    assert rows(in_set, params=parameters()) == [3]
    with pytest.raises(ConfigError, match="no_such"):
        check({**in_set, "kwargs": {"column": "unit", "value_set": {"$PARAMETER": "no_such"}}}, frame(), {})


def test_every_shipped_parameter_has_a_value():
    params = parameters()
    assert params["vocabulary_unit"][-1] == "percent_change"
    assert {"columns_catalogue", "columns_targets", "columns_benchmarks", "columns_overrides"} <= set(params)
    assert {"columns_annotations", "anomalies_z_score", "comparators"} <= set(params)


def test_a_type_it_does_not_know_is_left_to_the_checks():
    assert "expect_column_values_to_not_match_regex" not in SUPPORTED
    assert check(expect("expect_column_values_to_not_match_regex", column="unit", regex="."), frame()) is None


# -- the first error ---------------------------------------------------------------------------------------
def suite(*expectations) -> dict:
    return {"name": "t", "expectations": list(expectations)}


def test_first_error_is_in_reading_order_row_then_column_then_suite_order():
    error = first_error(
        suite(
            expect("expect_column_values_to_be_between", column="value", max_value=100, rule="value at most 100"),
            expect("expect_column_values_to_be_in_set", column="unit", value_set=["count", "percent"]),
        ),
        frame(),
        file="x.csv",
        headers=["indicator", "unit", "value"],
    )
    assert (error.file, error.row, error.column, error.indicator) == ("x.csv", 5, "unit", "b")
    assert error.message == "'litres' is not allowed: choose from count, percent"


def test_warnings_never_stop_a_load():
    warning = expect("expect_column_values_to_be_null", severity="warning", column="problem")
    assert first_error(suite(warning), frame(), file="x.csv") is None
    assert failures(suite(warning), frame(), severity="warning")


def test_a_problem_column_speaks_for_itself_and_a_flag_names_the_column():
    error = first_error(suite(expect("expect_column_values_to_be_null", column="problem")), frame(), file="x.csv")
    assert (error.row, error.column, error.message) == (5, "problem", "250 is too much")
    flagged = expect("expect_column_values_to_be_null", column="flags", rule="cells are of their kind")
    flagged["meta"]["column_from"] = "flags"
    error = first_error(suite(flagged), frame(), file="x.csv", headers=["indicator", "value", "unit"])
    assert (error.row, error.column) == (3, "unit")
    assert error.message == "'percent' is not allowed: cells are of their kind"


def test_a_between_message_gives_the_value_and_the_bound():
    error = first_error(
        suite(expect("expect_column_values_to_be_between", column="value", min_value=0, rule="not negative")),
        frame(),
        file="x.csv",
    )
    assert (error.row, error.message) == (6, "-1 is below 0: not negative")


def test_a_repeat_names_both_rows():
    error = first_error(
        suite(expect("expect_compound_columns_to_be_unique", column_list=["indicator", "period"], rule="once")),
        frame(),
        file="x.csv",
    )
    assert (error.row, error.column) == (5, "period")
    assert error.message == "indicator b and period 2023-01 is given twice, in rows 3 and 5: once"


def test_column_problems_are_reported_at_the_header_row_before_any_row():
    columns = expect("expect_table_columns_to_match_set", column_set=["indicator"], exact_match=False)
    data = frame().drop(columns="indicator")
    error = first_error(
        suite(expect("expect_column_values_to_be_in_set", column="unit", value_set=["count"]), columns),
        data,
        file="x.csv",
        header_row=1,
        headers=["unit", "value"],
    )
    assert (error.row, error.column) == (1, "indicator")
    assert error.message.startswith("required column is missing (the file has unit, value)")
    unknown = first_error(
        suite(expect("expect_table_columns_to_match_set", column_set=[c for c in frame().columns if c != "unit"])),
        frame(),
        file="x.csv",
    )
    assert (unknown.row, unknown.column) == (1, "unit") and unknown.message.startswith("unknown column 'unit'")


def test_a_rule_on_a_column_the_frame_lacks_is_an_error_unless_the_column_check_reports_it():
    needs = expect("expect_column_values_to_be_null", column="nowhere", rule="nowhere is blank")
    error = first_error(suite(needs), frame(), file="x.csv")
    assert "cannot be checked" in error.message and error.column == "nowhere"
    covered = expect("expect_table_columns_to_match_set", column_set=["nowhere"], exact_match=False)
    assert first_error(suite(covered, needs), frame(), file="x.csv").message.startswith("required column")


def test_on_no_rows_only_the_table_can_fail():
    empty = frame().iloc[0:0]
    assert first_error(suite(expect("expect_column_values_to_not_be_null", column="unit")), empty, file="x") is None


# -- the same failing rows as Great Expectations --------------------------------------------------------------
AGREEMENT = [
    expect("expect_column_values_to_be_null", column="problem"),
    expect("expect_column_values_to_not_be_null", column="indicator"),
    expect("expect_column_values_to_be_in_set", column="unit", value_set={"$PARAMETER": "vocabulary_unit"}),
    expect("expect_column_values_to_be_between", column="value", min_value=0, max_value=100, strict_max=True),
    expect("expect_column_values_to_be_between", column="value", min_value=1, strict_min=True),
    expect("expect_column_values_to_be_between", column="value", max_value=100, mostly=0.5),
    expect("expect_column_values_to_match_regex", column="indicator", regex="^[a-z0-9]+(?:-[a-z0-9]+)*$"),
    expect("expect_column_values_to_be_unique", column="indicator"),
    expect("expect_compound_columns_to_be_unique", column_list=["indicator", "period"]),
    expect("expect_column_values_to_be_in_type_list", column="value", type_list=["float64"]),
    expect("expect_column_values_to_be_in_type_list", column="value", type_list=["int64"]),
]


def test_the_failing_rows_are_the_ones_great_expectations_finds():
    data = frame()
    params = parameters()
    results = validate({"t": data}, {"t": suite(*AGREEMENT)}, params)["t"]
    assert len(results) == len(AGREEMENT)
    for expectation in AGREEMENT:
        ours = rows(expectation, data, params)
        key = (expectation["type"], repr(sorted(expectation["kwargs"].items(), key=str)))
        theirs = [
            r
            for r in results
            if r["expectation_config"]["type"] == expectation["type"]
            and all(
                r["expectation_config"]["kwargs"].get(k) == (params.get(v["$PARAMETER"]) if isinstance(v, dict) else v)
                for k, v in expectation["kwargs"].items()
            )
        ]
        assert len(theirs) == 1, key
        result = theirs[0]
        if "unexpected_index_list" not in result["result"]:  # a judgement of the column as a whole
            assert (check(expectation, data, params) is None) == result["success"], key
            continue
        found = [] if result["success"] else [i[ROW_ID] for i in result["result"]["unexpected_index_list"]]
        assert ours == sorted(found), key
