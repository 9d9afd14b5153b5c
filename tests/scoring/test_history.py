import numpy as np
import pandas as pd
import pytest

from cpblib.errors import InputError
from cpblib.month import Month
from cpblib.scoring._history import _matches, gather


def indicators(*names, steps=3, latest=Month(2023, 3)):
    frame = pd.DataFrame({"indicator": list(names)})
    for step in range(steps):
        frame[f"_p{step}"] = (latest - step).ordinal
    return frame


def test_gather_places_figures_by_step_and_key():
    values = pd.DataFrame(
        {
            "la": ["839", "838", "838", "838", "838"],
            "indicator": ["a", "a", "a", "b", "a"],
            "period": ["2023-03", "2023-03", "2023-02", "2023-03", "2022-01"],  # the last is not wanted
            "value": [1.0, 2.0, 3.0, np.nan, 9.0],
            "missing_reason": [None, None, None, "suppressed (c)", None],
        }
    )
    out = gather(indicators("a", "b"), values, ("la",))
    assert out[["la", "indicator"]].values.tolist() == [["838", "a"], ["838", "b"], ["839", "a"], ["839", "b"]]
    assert out["value"].tolist()[:1] == [2.0] and np.isnan(out["value"].iloc[1])
    assert out["previous_value"].tolist()[0] == 3.0
    assert out["missing_reason"].tolist() == [None, "suppressed (c)", None, None]
    assert np.isnan(out["_v0"].iloc[3]) and out["_v1"].tolist()[0] == 3.0
    assert [c for c in out.columns if c.startswith("_p")] == []


def test_gather_without_keys_and_object_columns():
    values = pd.DataFrame({"indicator": ["a", "a"], "period": ["2023-03", "2023-01"], "value": [1.0, 2.0]}).astype(
        {"indicator": object, "period": object}
    )
    out = gather(indicators("a"), values)
    assert out["_v0"].tolist() == [1.0] and np.isnan(out["_v1"].iloc[0]) and out["_v2"].tolist() == [2.0]
    assert np.isnan(out["numerator"].iloc[0]) and out["missing_reason"].tolist() == [None]


def test_missing_value_columns_are_input_errors():
    with pytest.raises(InputError, match="no column 'period'"):
        gather(indicators("a"), pd.DataFrame({"indicator": ["a"], "value": [1.0]}))
    with pytest.raises(InputError, match="no column 'la'"):
        gather(indicators("a"), pd.DataFrame({"indicator": ["a"], "period": ["2023-03"], "value": [1.0]}), ("la",))


@pytest.mark.parametrize("dtype", [object, "str", "string"])
def test_lookups_agree_across_text_dtypes(dtype):
    series = pd.Series(["b", "x", None, "a", "b"], dtype=dtype)
    rows, positions = _matches(series, pd.Index(["a", "b"], dtype=object))
    assert rows.tolist() == [0, 3, 4]
    assert positions.tolist() == [1, 0, 1]
