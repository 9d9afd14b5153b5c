import itertools

import pandas as pd
import pytest

from cpblib.errors import InputError
from cpblib.scoring import exceptions, packaged_exception_rules
from cpblib.scoring._exceptions import add_exception

EXPECTED = {
    ("green", "improving"): "celebrate",
    ("green", "same"): "celebrate",
    ("green", None): "celebrate",
    ("green", "worsening"): "watching_brief",
    ("amber", "improving"): "watching_brief",
    ("amber", "same"): "concern",
    ("amber", "worsening"): "concern",
    ("amber", None): "watching_brief",
    ("red", "improving"): "watching_brief",
    ("red", "same"): "concern",
    ("red", "worsening"): "concern",
    ("red", None): "concern",
}


@pytest.mark.parametrize(
    ("rag", "direction"),
    list(itertools.product(["green", "amber", "red", None], ["improving", "same", "worsening", None])),
)
def test_packaged_rules(rag, direction):
    frame = pd.DataFrame({"rag": [rag], "direction": [direction]}, dtype=object)
    assert add_exception(frame)["exception"].tolist() == [EXPECTED.get((rag, direction))]


def test_packaged_rules_table_is_complete_and_a_copy():
    table = packaged_exception_rules()
    assert len(table) == 12
    table.loc[0, "exception"] = "concern"
    assert packaged_exception_rules().loc[0, "exception"] == "celebrate"


def test_project_rules_replace_the_packaged_ones():
    rules = pd.DataFrame({"rag": ["amber"], "direction": [""], "exception": ["concern"]})
    frame = pd.DataFrame({"rag": ["amber", "green"], "direction": [None, "improving"]}, dtype=object)
    assert add_exception(frame, rules)["exception"].tolist() == ["concern", None]


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        (pd.DataFrame({"rag": ["amber"], "exception": ["concern"]}), "column 'direction'"),
        (pd.DataFrame({"rag": ["purple"], "direction": [""], "exception": ["concern"]}), "row 2, column 'rag'"),
        (pd.DataFrame({"rag": ["amber"], "direction": ["sideways"], "exception": ["concern"]}), "column 'direction'"),
        (pd.DataFrame({"rag": ["amber"], "direction": [""], "exception": ["panic"]}), "column 'exception'"),
        (
            pd.DataFrame({"rag": ["amber", "amber"], "direction": ["", None], "exception": ["concern", "concern"]}),
            "row 3",
        ),
    ],
)
def test_bad_rules_are_input_errors(rules, message):
    with pytest.raises(InputError, match=message):
        add_exception(pd.DataFrame({"rag": ["amber"], "direction": [None]}), rules)


def test_exceptions_are_ordered_for_presentation():
    scored = pd.DataFrame(
        {
            "indicator": list("abcdefg"),
            "rag": ["amber", "green", "red", None, "green", "red", "amber"],
            "exception": [
                "concern",
                "celebrate",
                "concern",
                None,
                "watching_brief",
                "watching_brief",
                "watching_brief",
            ],
        }
    )
    out = exceptions(scored)
    assert out.columns[0] == "exception"
    assert out[["exception", "indicator"]].values.tolist() == [
        ["celebrate", "b"],
        ["watching_brief", "f"],
        ["watching_brief", "g"],
        ["watching_brief", "e"],
        ["concern", "c"],
        ["concern", "a"],
    ]
    assert out.index.tolist() == list(range(6))


def test_exceptions_of_nothing_is_empty():
    scored = pd.DataFrame({"indicator": ["a"], "rag": [None], "exception": [None]})
    assert exceptions(scored).empty
