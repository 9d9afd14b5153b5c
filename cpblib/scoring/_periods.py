"""Which data period a figure in a report month is for.

A report month ``R`` shows, for each indicator, the latest period that has
ended by ``R`` minus the indicator's ``arrears_months``:

* monthly: that month;
* quarterly: the latest financial-quarter end not after it (quarters of the
  year starting ``calendar.financial_year_start``: for April, June,
  September, December and March);
* termly: the latest of ``calendar.term_end_months`` not after it;
* annual: the latest year end (the month before the financial or academic
  year starts, by the indicator's ``year_type``) not after it.

The previous period is the period end before that one (a month, three
months, the previous term end, twelve months earlier).

A quarterly pack (``[calendar] cadence = "quarterly"``) reads a monthly
indicator at quarter ends, as if it were quarterly.

Figures a quarter or more apart are compared like with like
(:data:`LIKE_WITH_LIKE`): a year-to-date figure with the same point of the
year before (Q4 with the previous year's Q4), a six-monthly figure with six
months before. Monthly figures are compared with the month before, as boards
read them.

Periods are handled as month ordinals (``Month.ordinal``) inside, and as
``"YYYY-MM"`` strings in frames.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..config import Calendar
from ..errors import InputError
from ..month import Month
from ._text import whole_numbers

FREQUENCIES = ("monthly", "quarterly", "termly", "annual")

LIKE_WITH_LIKE = {"year_to_date": 12, "rolling_6m": 6}
"""Months back a figure of these period types is compared with (and its trend read over), when its figures are a
quarter or more apart: the periods it covers then do not overlap those it is compared with."""


def at_cadence(frequency: np.ndarray, calendar: Calendar = Calendar()) -> np.ndarray:
    """Each indicator's frequency as the pack reads it: monthly indicators are quarterly in a quarterly pack.

    >>> at_cadence(np.array(["monthly", "annual"], dtype=object), Calendar(cadence="quarterly")).tolist()
    ['quarterly', 'annual']
    """
    frequency = np.asarray(frequency, dtype=object)
    if calendar.cadence != "quarterly":
        return frequency
    return np.where(frequency == "monthly", "quarterly", frequency).astype(object)


def compare_back(catalogue: pd.DataFrame, calendar: Calendar = Calendar()) -> np.ndarray:
    """Months back each indicator's figure is compared with under :data:`LIKE_WITH_LIKE` (0: the period before).

    >>> cat = pd.DataFrame({"frequency": ["monthly", "quarterly", "quarterly"],
    ...                     "period_type": ["year_to_date", "year_to_date", "snapshot"]})
    >>> compare_back(cat).tolist(), compare_back(cat, Calendar(cadence="quarterly")).tolist()
    ([0, 12, 0], [12, 12, 0])
    """
    frequency = at_cadence(_text(catalogue, "frequency", "monthly"), calendar)
    kind = _text(catalogue, "period_type", "snapshot")
    back = np.array([LIKE_WITH_LIKE.get(k, 0) for k in kind], dtype="int64")
    return np.where(frequency == "monthly", 0, back)


def _text(frame: pd.DataFrame, column: str, default: str) -> np.ndarray:
    if column not in frame:
        return np.full(len(frame), default, dtype=object)
    values = frame[column].to_numpy(dtype=object, na_value=None)
    return np.where(pd.isna(values) | (values == ""), default, values)


def period_ends(frequency: np.ndarray, year_type: np.ndarray, calendar: Calendar = Calendar()) -> np.ndarray:
    """Which calendar months end a period, per indicator: a boolean array (indicators x 12, January first).

    >>> period_ends(np.array(["quarterly", "annual"]), np.array(["financial", "academic"]))[:, [2, 5, 7]].tolist()
    [[True, True, False], [False, False, True]]
    """
    frequency = at_cadence(frequency, calendar)
    year_type = np.asarray(year_type, dtype=object)
    unknown = ~np.isin(frequency, FREQUENCIES)
    if unknown.any():
        raise InputError(
            "indicators.csv",
            f"{frequency[unknown][0]!r} is not a frequency; choose from {', '.join(FREQUENCIES)}",
            column="frequency",
        )
    months = np.arange(12)
    fy = calendar.financial_year_start - 1
    quarter_ends = ((months - fy) % 3) == 2
    term_ends = np.isin(months + 1, calendar.term_end_months)
    financial_end = months == (fy - 1) % 12
    academic_end = months == (calendar.academic_year_start - 2) % 12
    year_end = np.where((year_type == "academic")[:, None], academic_end, financial_end)
    return np.select(
        [(frequency == "monthly")[:, None], (frequency == "quarterly")[:, None], (frequency == "termly")[:, None]],
        [np.ones(12, bool), quarter_ends, term_ends],
        default=year_end,
    )


def _latest_end(ordinals: np.ndarray, ends: np.ndarray, first_step: int) -> np.ndarray:
    """Latest period end at least ``first_step`` months before each ordinal."""
    back = np.arange(first_step, first_step + 12)
    candidate = (ordinals[:, None] - back[None, :]) % 12
    hit = np.take_along_axis(ends, candidate, axis=1)
    return ordinals - back[hit.argmax(axis=1)]


def period_ordinals(
    catalogue: pd.DataFrame,
    month: Month | str,
    calendar: Calendar = Calendar(),
    steps: int = 6,
    *,
    like_with_like: bool = False,
) -> np.ndarray:
    """Month ordinals of the latest period and the ``steps - 1`` before it, per indicator (indicators x steps).

    With ``like_with_like``, the steps of an indicator that :func:`compare_back` names go back that many
    months each (the periods its figure is compared with), not one period.

    >>> cat = pd.DataFrame({"frequency": ["monthly", "quarterly", "quarterly"], "arrears_months": [1, 0, 0],
    ...                     "period_type": ["snapshot", "snapshot", "year_to_date"]})
    >>> to_periods(period_ordinals(cat, "2023-05", steps=3, like_with_like=True)).tolist()
    [['2023-04', '2023-03', '2023-02'], ['2023-03', '2022-12', '2022-09'], ['2023-03', '2022-03', '2021-03']]
    """
    month = Month.parse(month)
    ends = period_ends(_text(catalogue, "frequency", "monthly"), _text(catalogue, "year_type", "financial"), calendar)
    arrears = whole_numbers(catalogue, "arrears_months")
    back = compare_back(catalogue, calendar) if like_with_like else np.zeros(len(catalogue), dtype="int64")
    out = np.empty((len(catalogue), steps), dtype="int64")
    current = _latest_end(month.ordinal - arrears, ends, 0)
    for step in range(steps):
        out[:, step] = current
        current = np.where(back > 0, current - back, _latest_end(current, ends, 1))
    return out


def to_periods(ordinals: np.ndarray) -> np.ndarray:
    """``"YYYY-MM"`` strings (object array, same shape) for month ordinals.

    >>> to_periods(np.array([Month(2023, 3).ordinal])).tolist()
    ['2023-03']
    """
    ordinals = np.asarray(ordinals, dtype="int64")
    unique, inverse = np.unique(ordinals, return_inverse=True)
    labels = np.char.add(
        np.char.add(np.char.zfill((unique // 12).astype(str), 4), "-"), np.char.zfill((unique % 12 + 1).astype(str), 2)
    ).astype(object)
    return labels[inverse].reshape(ordinals.shape)


def to_ordinals(periods: pd.Series | np.ndarray) -> np.ndarray:
    """Month ordinals of ``"YYYY-MM"`` strings (-1 where not a period).

    >>> to_ordinals(pd.Series(["2023-03", "bad"])).tolist() == [Month(2023, 3).ordinal, -1]
    True
    """
    text = pd.Series(np.asarray(periods, dtype=object)).astype("string")
    year = pd.to_numeric(text.str.slice(0, 4), errors="coerce")
    mon = pd.to_numeric(text.str.slice(5, 7), errors="coerce")
    ok = text.str.fullmatch(r"\d{4}-\d{2}").fillna(False) & mon.between(1, 12)
    return np.where(ok.to_numpy(dtype=bool), (year.fillna(0) * 12 + mon.fillna(1) - 1).to_numpy(dtype="int64"), -1)


def latest_period(catalogue: pd.DataFrame, month: Month | str, calendar: Calendar = Calendar()) -> pd.Series:
    """The period each indicator reports in ``month`` (``"YYYY-MM"``), aligned with ``catalogue``.

    >>> cat = pd.DataFrame({"indicator": ["a", "b", "c", "d"],
    ...                     "frequency": ["monthly", "quarterly", "termly", "annual"],
    ...                     "arrears_months": [1, 0, 0, 0], "year_type": [None, None, None, "academic"]})
    >>> latest_period(cat, "2023-02").tolist()
    ['2023-01', '2022-12', '2022-12', '2022-08']
    """
    return pd.Series(
        to_periods(period_ordinals(catalogue, month, calendar, steps=1)[:, 0]),
        index=catalogue.index,
        name="period",
        dtype=object,
    )


def previous_period(catalogue: pd.DataFrame, month: Month | str, calendar: Calendar = Calendar()) -> pd.Series:
    """The period before :func:`latest_period` for each indicator.

    >>> cat = pd.DataFrame({"frequency": ["monthly", "quarterly", "termly", "annual"]})
    >>> previous_period(cat, "2023-02").tolist()
    ['2023-01', '2022-09', '2022-07', '2021-03']
    """
    return pd.Series(
        to_periods(period_ordinals(catalogue, month, calendar, steps=2)[:, 1]),
        index=catalogue.index,
        name="previous_period",
        dtype=object,
    )
