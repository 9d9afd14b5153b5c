"""Exception headings: the default five, the rule language, validation, analysts' headings, presentation order."""

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cpblib.errors import InputError
from cpblib.scoring import exceptions, packaged_headings, parse_headings
from cpblib.scoring._exceptions import add_exception, apply_heading_overrides, language

FIVE = (
    "Greens to celebrate",
    "Ambers on watching brief",
    "Ambers of concern",
    "Reds on watching brief",
    "Reds of concern",
)

DEFAULT = {
    ("green", "improving"): "Greens to celebrate",
    ("green", "same"): "Greens to celebrate",
    ("green", None): "Greens to celebrate",
    ("amber", "improving"): "Ambers on watching brief",
    ("amber", None): "Ambers on watching brief",
    ("amber", "same"): "Ambers of concern",
    ("amber", "worsening"): "Ambers of concern",
    ("red", "improving"): "Reds on watching brief",
    ("red", "same"): "Reds of concern",
    ("red", "worsening"): "Reds of concern",
    ("red", None): "Reds of concern",
}


def table(*rows: dict) -> pd.DataFrame:
    """A headings file as read (text cells, None for blanks)."""
    frame = pd.DataFrame(list(rows)).astype(object)
    return frame.where(frame.notna(), None)


def scored(**columns) -> pd.DataFrame:
    size = len(next(iter(columns.values())))
    base = {"indicator": [f"i{n}" for n in range(size)], "direction": [None] * size}
    return pd.DataFrame({**base, **columns}).astype({"indicator": object, "direction": object})


# -- the five headings cpb ships ----------------------------------------------------------------------------------
def test_the_default_is_the_five_headings_panels_publish_in_order():
    assert packaged_headings().titles == FIVE
    assert [packaged_headings().rags(t) for t in FIVE] == [("green",), ("amber",), ("amber",), ("red",), ("red",)]


@pytest.mark.parametrize(
    ("rag", "direction"),
    list(itertools.product(["green", "amber", "red", None], ["improving", "same", "worsening", None])),
)
def test_default_headings(rag, direction):
    frame = scored(rag=[rag], direction=[direction])
    assert add_exception(frame)["exception"].tolist() == [DEFAULT.get((rag, direction))]


def test_a_green_that_worsened_and_an_unrated_indicator_are_under_no_heading():
    out = add_exception(scored(rag=["green", None], direction=["worsening", "improving"]))
    assert out["exception"].tolist() == [None, None]
    assert out["exception_reason"].tolist() == [None, None]
    assert out["exception_override"].tolist() == [False, False]


def test_reds_are_never_listed_under_ambers_in_the_default():
    out = add_exception(scored(rag=["red", "red"], direction=["improving", None]))
    assert out["exception"].tolist() == ["Reds on watching brief", "Reds of concern"]


def test_each_listed_indicator_says_which_rule_put_it_there():
    out = add_exception(scored(rag=["amber", "red"], direction=["worsening", "improving"]))
    assert out["exception_reason"].tolist() == ["Amber; same or worsening", "Red; improving"]


# -- the rule language ----------------------------------------------------------------------------------------------
def test_the_rule_language_is_declared_as_data():
    columns = language()["columns"]
    assert list(columns) == [
        "heading", "short", "rag", "direction", "worsening_periods", "distance_percent", "distance_points",
    ]  # fmt: skip
    assert [name for name, spec in columns.items() if spec.get("required")] == ["heading", "rag"]


def test_worsening_runs_and_distances_pick_headings_and_the_first_match_wins():
    headings = parse_headings(
        table(
            {"heading": "Reds getting worse", "rag": "red", "worsening_periods": ">=3"},
            {"heading": "Far from target", "rag": "amber|red", "distance_percent": ">20"},
            {"heading": "Far from target", "rag": "amber|red", "distance_points": ">=5"},
            {"heading": "Near misses", "rag": "amber", "distance_percent": "<=5"},
        )
    )
    frame = scored(
        rag=["red", "red", "amber", "amber", "amber", "green"],
        worsening_periods=[3, 1, 0, 0, 0, 5],
        distance=[9.0, 9.0, 6.0, 1.0, 3.0, 0.0],
        distance_percent=[30.0, 30.0, 8.0, 4.0, 10.0, 0.0],
    )
    out = add_exception(frame, headings)
    assert out["exception"].tolist() == [
        "Reds getting worse",  # matches the first two rows: the first wins
        "Far from target",
        "Far from target",  # by points, the third row
        "Near misses",
        None,  # 3 points, 10%: no rule
        None,  # Green: no heading lists Greens
    ]
    assert headings.titles == ("Reds getting worse", "Far from target", "Near misses")
    assert out["exception_reason"].tolist()[:3] == [
        "Red; worsening 3 or more periods in a row",
        "Amber or red; more than 20% from its target or range",
        "Amber or red; 5 or more points from its target or range",
    ]


def test_a_missing_figure_never_meets_a_comparison():
    headings = parse_headings(table({"heading": "Close", "rag": "amber", "distance_percent": "<5"}))
    out = add_exception(scored(rag=["amber"], distance_percent=[np.nan]), headings)
    assert out["exception"].tolist() == [None]


def test_unknown_direction_is_a_code_of_its_own():
    headings = parse_headings(table({"heading": "No trend yet", "rag": "green|amber|red", "direction": "unknown"}))
    out = add_exception(scored(rag=["green", "amber"], direction=[None, "same"]), headings)
    assert out["exception"].tolist() == ["No trend yet", None]


def test_short_forms_and_case_insensitive_lookup():
    headings = packaged_headings()
    assert headings.short("Reds of concern") == "Concern"
    assert headings.find("  AMBERS on watching brief ") == "Ambers on watching brief"
    assert headings.find("Purples") is None
    own = parse_headings(table({"heading": "Watch", "rag": "amber"}))
    assert own.short("Watch") == "Watch"


# -- validation: one line naming file, row and column ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("rows", "where", "words"),
    [
        ([{"heading": "A", "rag": "amber", "colour": "x"}], "row 1, column 'colour'", "unknown column"),
        ([{"heading": "A"}], "row 1, column 'rag'", "required column is missing"),
        ([{"rag": "amber"}], "row 1, column 'heading'", "required column is missing"),
        ([{"heading": "A", "rag": "amber"}, {"heading": "B", "rag": None}], "row 3, column 'rag'", "blank"),
        ([{"heading": "A", "rag": "purple"}], "row 2, column 'rag'", "'purple' is not allowed"),
        ([{"heading": "A", "rag": "amber", "direction": "sideways"}], "row 2, column 'direction'", "not allowed"),
        ([{"heading": "A", "rag": "red", "worsening_periods": "three"}], "column 'worsening_periods'", "comparison"),
        ([{"heading": "A", "rag": "red", "worsening_periods": ">=2.5"}], "column 'worsening_periods'", "whole"),
        ([{"heading": "A", "rag": "red", "distance_percent": "=>10"}], "column 'distance_percent'", "comparison"),
        ([{"heading": "Ambers of concern", "rag": "amber|red"}], "row 2, column 'rag'", "names Amber only"),
        ([{"heading": "Greens and Reds", "rag": "amber"}], "row 2, column 'rag'", "names Green and Red only"),
        ([{"heading": "None", "rag": "amber"}], "row 2, column 'heading'", "kept for taking"),
        ([{"heading": "x" * 81, "rag": "amber"}], "row 2, column 'heading'", "longer than 80"),
    ],
)
def test_a_bad_headings_file_is_one_clear_line(rows, where, words):
    with pytest.raises(InputError) as caught:
        parse_headings(table(*rows), file="exception_headings.csv")
    message = str(caught.value)
    assert message.startswith("exception_headings.csv, ") and where in message and words in message
    assert "\n" not in message


def test_errors_name_the_rows_the_file_really_has():
    frame = table({"heading": "A", "rag": "amber"}, {"heading": "B", "rag": "teal"})
    with pytest.raises(InputError, match="row 9, column 'rag'"):
        parse_headings(frame, rows=[7, 9])


def test_a_header_only_file_means_no_exception_lists():
    headings = parse_headings(pd.DataFrame(columns=["heading", "rag"]))
    assert headings.titles == ()
    assert add_exception(scored(rag=["red"]), headings)["exception"].tolist() == [None]


# -- no heading ever lists an indicator whose RAG contradicts it -----------------------------------------------------
RAGS = ["green", "amber", "red"]
NEUTRAL = ["Watch list", "For the board", "Exceptions", "Look again"]
subsets = st.lists(st.sampled_from(RAGS), min_size=1, max_size=3, unique=True)
comparisons = st.none() | st.tuples(st.sampled_from([">=", ">", "<=", "<", "="]), st.integers(0, 40))


@st.composite
def headings_files(draw):
    rows = []
    for _ in range(draw(st.integers(1, 6))):
        rags = draw(subsets)
        title = draw(
            st.sampled_from(NEUTRAL)
            | st.just(" and ".join(f"{r.title()}s" for r in rags) + " of note")
            | st.just(f"{rags[0].title()}s {draw(st.sampled_from(['to watch', 'of concern']))}")
        )
        if title.startswith(rags[0].title()) and " and " not in title:
            rags = [rags[0]]  # a title naming one RAG lists only that RAG
        directions = draw(
            st.none() | st.lists(st.sampled_from(["improving", "same", "worsening", "unknown"]), min_size=1, max_size=4)
        )
        row = {"heading": title, "rag": "|".join(rags), "direction": "|".join(directions) if directions else None}
        for column in ("worsening_periods", "distance_percent", "distance_points"):
            comparison = draw(comparisons)
            row[column] = f"{comparison[0]}{comparison[1]}" if comparison else None
        rows.append(row)
    return rows


rows_of_figures = st.lists(
    st.tuples(
        st.sampled_from([*RAGS, None]),
        st.sampled_from(["improving", "same", "worsening", None]),
        st.integers(0, 6),
        st.none() | st.floats(0, 60, allow_nan=False),
    ),
    min_size=1,
    max_size=30,
)


def figures_frame(rows) -> pd.DataFrame:
    rag, direction, worsening, distance = zip(*rows, strict=True)
    distance = [np.nan if d is None else d for d in distance]
    return scored(
        rag=list(rag),
        direction=list(direction),
        worsening_periods=list(worsening),
        distance=distance,
        distance_percent=[d * 2 for d in distance],
    )


def assert_never_contradicts(out: pd.DataFrame, headings) -> None:
    for rag, heading in zip(out["rag"], out["exception"], strict=True):
        if heading is not None:
            assert rag in headings.rags(heading), (rag, heading)


@settings(database=None, deadline=None, max_examples=150)
@given(headings_files(), rows_of_figures)
def test_no_heading_ever_lists_an_indicator_whose_rag_contradicts_it(rows, figures):
    headings = parse_headings(table(*rows))
    out = add_exception(figures_frame(figures), headings)
    assert_never_contradicts(out, headings)
    assert out.loc[out["rag"].isna(), "exception"].isna().all()


@settings(database=None, deadline=None, max_examples=100)
@given(rows_of_figures)
def test_the_default_headings_never_contradict_a_rag(figures):
    out = add_exception(figures_frame(figures))
    assert_never_contradicts(out, packaged_headings())


@settings(database=None, deadline=None, max_examples=100)
@given(rows_of_figures, st.sampled_from([*FIVE, "none"]), st.sampled_from([*RAGS, None]))
def test_an_analyst_heading_never_contradicts_the_rag_either(figures, wanted, override_rag):
    frame = add_exception(figures_frame(figures)).assign(rag_override=False)
    if override_rag is not None:  # the RAG override of the same row, already applied by scoring
        frame.loc[0, "rag"] = override_rag
    overrides = pd.DataFrame(
        {"month": ["2023-03"], "indicator": ["i0"], "rag": [override_rag], "heading": [wanted], "reason": ["agreed"]}
    )
    try:
        out = apply_heading_overrides(frame, overrides, "2023-03")
    except InputError as error:
        assert "column 'heading'" in str(error) and "row 2" in str(error)
        assert frame.loc[0, "rag"] not in packaged_headings().rags(wanted)
        return
    assert_never_contradicts(out, packaged_headings())
    assert out.loc[0, "exception_override"]


# -- an analyst's heading -----------------------------------------------------------------------------------------
def analyst(heading, rag=None, month="2023-03", indicator="i0"):
    return pd.DataFrame(
        {"month": [month], "indicator": [indicator], "rag": [rag], "heading": [heading], "reason": ["panel asked"]}
    )


def test_an_analyst_sets_a_heading_with_a_reason():
    frame = add_exception(scored(rag=["red", "red"], direction=["improving", "improving"]))
    out = apply_heading_overrides(frame, analyst("reds of concern"), "2023-03")
    assert out["exception"].tolist() == ["Reds of concern", "Reds on watching brief"]
    assert out["exception_reason"].tolist() == ["set by the analyst: panel asked", "Red; improving"]
    assert out["exception_override"].tolist() == [True, False]


def test_an_analyst_can_take_an_indicator_off_every_list():
    frame = add_exception(scored(rag=["red"], direction=["worsening"]))
    out = apply_heading_overrides(frame, analyst("None"), "2023-03")
    assert out["exception"].tolist() == [None] and out["exception_override"].tolist() == [True]


def test_only_the_report_months_headings_apply():
    frame = add_exception(scored(rag=["red"], direction=["worsening"]))
    out = apply_heading_overrides(frame, analyst("Nonsense", month="2023-02"), "2023-03")
    assert out["exception"].tolist() == ["Reds of concern"]


def test_an_analyst_heading_that_contradicts_the_rag_is_refused():
    frame = add_exception(scored(rag=["amber"], direction=["worsening"]))
    with pytest.raises(InputError) as caught:
        apply_heading_overrides(frame, analyst("Reds of concern"), "2023-03")
    assert str(caught.value) == (
        "overrides.csv, row 2, column 'heading': 'Reds of concern' lists Red indicators, but i0 is Amber in "
        "2023-03: choose a heading that lists it, or set its rag in this row too"
    )


def test_an_unknown_heading_is_refused_with_the_choices():
    frame = add_exception(scored(rag=["amber"]))
    with pytest.raises(InputError, match=r"row 2, column 'heading': 'Reds of concen' is not an exception heading"):
        apply_heading_overrides(frame, analyst("Reds of concen"), "2023-03")


# -- presentation order ---------------------------------------------------------------------------------------------
def test_exceptions_follow_the_headings_order_reds_first_within_a_heading():
    headings = parse_headings(table({"heading": "Watch", "rag": "amber|red"}, {"heading": "Celebrate", "rag": "green"}))
    frame = pd.DataFrame(
        {
            "indicator": list("abcde"),
            "rag": ["amber", "green", "red", None, "amber"],
            "exception": ["Watch", "Celebrate", "Watch", None, "Elsewhere"],
        }
    )
    out = exceptions(frame, headings)
    assert out.columns[0] == "exception"
    assert out[["exception", "indicator"]].values.tolist() == [
        ["Watch", "c"],
        ["Watch", "a"],
        ["Celebrate", "b"],
        ["Elsewhere", "e"],  # a heading the file does not name comes last
    ]
    assert out.index.tolist() == list(range(4))


def test_exceptions_of_nothing_is_empty():
    frame = pd.DataFrame({"indicator": ["a"], "rag": [None], "exception": [None]})
    assert exceptions(frame).empty
