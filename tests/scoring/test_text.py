import numpy as np
import pandas as pd

from cpblib.scoring._text import choose, codes_of, join, lookup, plural, strings, text_column, whole_numbers


def test_strings_normalise_blanks_to_none_across_dtypes():
    for dtype in (object, "str", "string"):
        assert strings(pd.Series(["a", None, ""], dtype=dtype)).tolist() == ["a", None, None]


def test_choose_takes_the_first_true_condition():
    first = np.array([True, True, False, False])
    second = np.array([False, True, True, False])
    out = choose([first, second], ["one", np.array(["w", "x", "y", "z"], dtype=object)], default="none")
    assert out.tolist() == ["one", "one", "y", "none"]


def test_join_broadcasts_plain_strings():
    assert join("a", np.array(["1", "2"], dtype=object), "!").tolist() == ["a1!", "a2!"]


def test_lookup_and_plural():
    assert lookup(np.array(["percent", "days", None], dtype=object), {"percent": "%"}, "-").tolist() == ["%", "-", "-"]
    assert plural(np.array([0, 1, 3]), "month").tolist() == ["0 months", "1 month", "3 months"]


def test_text_column_keeps_none_and_object_dtype():
    column = text_column(np.array(["a", None], dtype=object), pd.RangeIndex(2))
    assert column.dtype == object and column.iloc[1] is None


def test_column_readers_tolerate_absent_columns():
    frame = pd.DataFrame({"decimals": pd.array([2, None], dtype="Int64")})
    assert whole_numbers(frame, "decimals").tolist() == [2, 0]
    assert whole_numbers(frame, "arrears_months").tolist() == [0, 0]
    assert codes_of(frame, "polarity").tolist() == [None, None]
