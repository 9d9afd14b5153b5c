"""Red, Amber, Green: how each figure stands against its target or expected range.

The figure is judged as printed (rounded to the indicator's ``decimals``).

Target method (``rag_method`` ``target``): Green when the figure meets or
beats the target, or misses it by no more than the tolerance (``relative``:
``tolerance`` percent of the target; ``absolute``: ``tolerance`` points).
Past the tolerance it is Red when the red rule says so (``relative``: more
than ``red_threshold`` percent of the target off; ``absolute``: more than
``red_threshold`` points off; ``worse_than_england``: worse than the England
benchmark; ``none``: never), otherwise Amber.

Range method (``rag_method`` ``range``): Green inside the range, or beyond
its good end (above it when higher is better, below it when lower is
better; with no polarity only inside is Green); Amber within the tolerance
of the bound it misses (percent of the bound, or points); else Red.

Catalogue columns ``tolerance``, ``tolerance_type``, ``red_rule`` and
``red_threshold`` override the project defaults (``cpb.toml`` ``[rag]``)
where they are filled in. An override for the report month (``overrides.csv``)
wins over the rule and says what the rule gave.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._vocabulary import label
from ..config import RagRules
from ..errors import InputError
from ..month import Month
from ._direction import decimals_of, sign_of
from ._numbers import format_numbers, format_plain, round_half_away
from ._text import GAP_SUFFIX, UNIT_SUFFIX, choose, codes_of, join, lookup, strings, text_column

RAG_CODES = ("green", "amber", "red")
_NOISE = 9  # decimal places kept when comparing a gap with a limit, so 9.9 - 9.0 equals 0.9


def resolve_rules(indicators: pd.DataFrame, rules: RagRules = RagRules()) -> pd.DataFrame:
    """Fill blank per-indicator rule columns with the project defaults.

    >>> cat = pd.DataFrame({"tolerance": [None, 2.0], "tolerance_type": [None, "absolute"],
    ...                     "red_rule": ["none", None], "red_threshold": [None, None]})
    >>> resolve_rules(cat, RagRules(tolerance=5)).values.tolist()
    [[5.0, 'relative', 'none', 10.0], [2.0, 'absolute', 'relative', 10.0]]
    """

    def number(column: str, default: float) -> pd.Series:
        if column not in indicators:
            return pd.Series(default, index=indicators.index, dtype="float64")
        return pd.to_numeric(indicators[column], errors="coerce").astype("float64").fillna(default)

    def code(column: str, default: str) -> pd.Series:
        if column not in indicators:
            return text_column(np.full(len(indicators), default, dtype=object), indicators.index)
        values = strings(indicators[column])
        return text_column(np.where(pd.isna(values), default, values), indicators.index)

    return indicators.assign(
        tolerance=number("tolerance", rules.tolerance),
        tolerance_type=code("tolerance_type", rules.tolerance_type),
        red_rule=code("red_rule", rules.red_rule),
        red_threshold=number("red_threshold", rules.red_threshold),
    )


def _floats(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame:
        return np.full(len(frame), np.nan)
    return frame[column].to_numpy(dtype="float64", na_value=np.nan)


def _setting_text(amount: np.ndarray, points: np.ndarray, relative_to: str) -> np.ndarray:
    """``10% of target`` or ``2 points``."""
    return join(format_plain(amount), np.where(points, " points", f"% of {relative_to}").astype(object))


def judge_target(
    value: np.ndarray,
    target: np.ndarray,
    sign: np.ndarray,
    decimals: np.ndarray,
    units: np.ndarray,
    tolerance: np.ndarray,
    absolute: np.ndarray,
    red_rule: np.ndarray,
    red_threshold: np.ndarray,
    england: np.ndarray,
    england_comparison: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """RAG and reason against a point target, for figures already rounded for display.

    All arguments are arrays of one length; ``sign`` is +1 (higher is better)
    or -1; ``absolute`` says the tolerance is in points.

    >>> one = lambda x: np.array([x], dtype=object if isinstance(x, str) or x is None else None)
    >>> rag, reason = judge_target(one(9.5), one(9.0), one(-1), one(1), one("days"), one(0.0), one(False),
    ...                            one("relative"), one(10.0), one(np.nan), one(None))
    >>> rag.tolist(), reason.tolist()
    (['amber'], ['9.5 against target 9.0: 0.5 off target, within the red threshold (10% of target)'])
    """
    bad = np.round((target - value) * sign, _NOISE)  # > 0: on the wrong side of the target
    allowance = np.round(np.where(absolute, tolerance, tolerance / 100 * np.abs(target)), _NOISE)
    meets = bad <= 0
    tolerated = ~meets & (bad <= allowance)
    limit = np.round(np.where(red_rule == "absolute", red_threshold, red_threshold / 100 * np.abs(target)), _NOISE)
    by_england = red_rule == "worse_than_england"
    worse = england_comparison == "worse"
    red = ~meets & ~tolerated & np.where(by_england, worse, (red_rule != "none") & (bad > limit))
    rag = np.where(meets | tolerated, "green", np.where(red, "red", "amber")).astype(object)

    suffix = lookup(units, UNIT_SUFFIX)
    detail = np.full(len(value), "meets target", dtype=object)
    off_rows = np.flatnonzero(~meets)
    if off_rows.size:
        i = off_rows
        off = join(format_numbers(np.abs(bad[i]), decimals[i], lookup(units[i], GAP_SUFFIX)), " off target")
        england_text = join(" (", format_numbers(england[i], decimals[i], suffix[i]), ")")
        detail[i] = choose(
            [
                tolerated[i],
                by_england[i] & worse[i],
                by_england[i] & pd.isna(england_comparison[i]),
                by_england[i],
                red_rule[i] == "none",
            ],
            [
                join(off, ", within tolerance (", _setting_text(tolerance[i], absolute[i], "target"), ")"),
                join(off, " and worse than England", england_text),
                join(off, "; no England figure to compare with"),
                join(off, " but not worse than England", england_text),
                join(off, " (never Red for this indicator)"),
            ],
            default=join(
                off,
                np.where(red[i], ", beyond", ", within").astype(object),
                " the red threshold (",
                _setting_text(red_threshold[i], red_rule[i] == "absolute", "target"),
                ")",
            ),
        )
    reason = join(
        format_numbers(value, decimals, suffix),
        " against target ",
        format_numbers(target, decimals, suffix),
        ": ",
        detail,
    )
    return rag, reason


def judge_range(
    value: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    sign: np.ndarray,
    decimals: np.ndarray,
    units: np.ndarray,
    tolerance: np.ndarray,
    absolute: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """RAG and reason against an expected range, for figures already rounded for display.

    >>> a = lambda *x: np.array(x, dtype=object if isinstance(x[0], str) else None)
    >>> rag, reason = judge_range(a(50.0, 58.0, 70.0), a(60.0, 60.0, 60.0), a(65.0, 65.0, 65.0), a(1, 0, 0),
    ...                           a(0, 0, 0), a("count", "count", "count"), a(5.0, 5.0, 5.0), a(False, False, False))
    >>> rag.tolist()
    ['red', 'amber', 'red']
    >>> reason.tolist()[1]
    '58 against expected range 60 to 65: 2 below the range, within tolerance (5% of the bound)'
    """
    below = np.round(lower - value, _NOISE) > 0
    above = np.round(value - upper, _NOISE) > 0
    missed = np.select([sign > 0, sign < 0], [below, above], below | above)
    low_side = np.select([sign > 0, sign < 0], [True, False], below)
    bound = np.where(low_side, lower, upper)
    gap = np.round(np.where(low_side, lower - value, value - upper), _NOISE)
    allowance = np.round(np.where(absolute, tolerance, tolerance / 100 * np.abs(bound)), _NOISE)
    rag = np.where(~missed, "green", np.where(gap <= allowance, "amber", "red")).astype(object)

    suffix = lookup(units, UNIT_SUFFIX)
    detail = choose(
        [~missed & ~below & ~above, ~missed & above, ~missed & below],
        ["inside the range", "above the range (higher is better)", "below the range (lower is better)"],
    )
    off_rows = np.flatnonzero(missed)
    if off_rows.size:
        i = off_rows
        detail[i] = join(
            format_numbers(np.abs(gap[i]), decimals[i], lookup(units[i], GAP_SUFFIX)),
            np.where(low_side[i], " below the range", " above the range").astype(object),
            np.where(rag[i] == "amber", ", within tolerance (", ", beyond tolerance (").astype(object),
            _setting_text(tolerance[i], absolute[i], "the bound"),
            ")",
        )
    reason = join(
        format_numbers(value, decimals, suffix),
        " against expected range ",
        format_numbers(lower, decimals, suffix),
        " to ",
        format_numbers(upper, decimals, suffix),
        ": ",
        detail,
    )
    return rag, reason


def add_rag(frame: pd.DataFrame, month: Month | str) -> pd.DataFrame:
    """Add ``rag``, ``rag_reason`` and ``rag_override`` (False) by the rules above.

    ``frame`` holds the figure (``value``, ``period``), the indicator's
    ``unit``, ``polarity``, ``decimals``, ``rag_method``, resolved rule
    columns (see :func:`resolve_rules`), ``target``, ``range_lower``,
    ``range_upper`` and, for the ``worse_than_england`` rule,
    ``england_value`` and ``england_comparison``.

    >>> f = pd.DataFrame({"value": [72.5, 9.5, 12.0, None], "period": ["2023-03"] * 4,
    ...     "unit": ["percent", "days", "days", "days"], "polarity": ["high", "low", "low", "low"], "decimals": [1] * 4,
    ...     "rag_method": ["target"] * 4, "target": [70.0, 9.0, 9.0, 9.0], "tolerance": [0.0] * 4,
    ...     "tolerance_type": ["relative"] * 4, "red_rule": ["relative"] * 4, "red_threshold": [10.0] * 4})
    >>> for rag, reason in add_rag(f, "2023-03")[["rag", "rag_reason"]].values: print(rag, "|", reason)
    green | 72.5% against target 70.0%: meets target
    amber | 9.5 against target 9.0: 0.5 off target, within the red threshold (10% of target)
    red | 12.0 against target 9.0: 3.0 off target, beyond the red threshold (10% of target)
    None | no value for 2023-03
    """
    month = str(Month.parse(month))
    n = len(frame)
    method = codes_of(frame, "rag_method")
    sign, decimals = sign_of(frame), decimals_of(frame)
    value = round_half_away(_floats(frame, "value"), decimals)
    target, lower, upper = _floats(frame, "target"), _floats(frame, "range_lower"), _floats(frame, "range_upper")

    is_target, is_range = method == "target", method == "range"
    not_rated = ~(is_target | is_range)
    no_polarity = is_target & (sign == 0)
    no_target = is_target & np.isnan(target)
    no_range = is_range & (np.isnan(lower) | np.isnan(upper))
    no_value = np.isnan(value)
    period = codes_of(frame, "period")
    reason = choose(
        [not_rated, no_polarity, no_target, no_range, no_value],
        [
            "not rated",
            "no polarity",
            f"no target for {month}",
            f"no expected range for {month}",
            join("no value for ", np.where(no_value, period, "")),
        ],
    )
    rag = np.full(n, None, dtype=object)
    rated = ~(not_rated | no_polarity | no_target | no_range | no_value)
    t_rows, r_rows = np.flatnonzero(rated & is_target), np.flatnonzero(rated & is_range)
    if t_rows.size or r_rows.size:
        units = codes_of(frame, "unit")
        tolerance = np.nan_to_num(_floats(frame, "tolerance"))
        absolute = codes_of(frame, "tolerance_type") == "absolute"
    if t_rows.size:
        i = t_rows
        red_rule = codes_of(frame, "red_rule")
        red_threshold = np.nan_to_num(_floats(frame, "red_threshold"))
        england = _floats(frame, "england_value")
        england_cmp = codes_of(frame, "england_comparison")
        rag[i], reason[i] = judge_target(
            value[i],
            target[i],
            sign[i],
            decimals[i],
            units[i],
            tolerance[i],
            absolute[i],
            red_rule[i],
            red_threshold[i],
            england[i],
            england_cmp[i],
        )
    if r_rows.size:
        i = r_rows
        rag[i], reason[i] = judge_range(
            value[i], lower[i], upper[i], sign[i], decimals[i], units[i], tolerance[i], absolute[i]
        )
    return frame.assign(
        rag=text_column(rag, frame.index),
        rag_reason=text_column(reason, frame.index),
        rag_override=np.zeros(n, dtype=bool),
    )


def _check_overrides(overrides: pd.DataFrame) -> None:
    for column in ("month", "indicator", "rag", "reason"):
        if column not in overrides:
            raise InputError("overrides.csv", "required column is missing", row=1, column=column)
    bad = ~overrides["rag"].isin(list(RAG_CODES))
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            "overrides.csv",
            f"{overrides['rag'].iloc[position]!r} is not allowed; choose from {', '.join(RAG_CODES)}",
            row=position + 2,
            column="rag",
        )


def apply_overrides(
    frame: pd.DataFrame, overrides: pd.DataFrame | None, month: Month | str, keys: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Replace the rule's RAG with the override for the report month, if any.

    Overrides match on ``indicator`` (and on any of ``keys`` that the
    overrides frame also has).

    >>> f = pd.DataFrame({"indicator": ["x"], "rag": ["amber"], "rag_reason": ["..."], "rag_override": [False]})
    >>> o = pd.DataFrame({"month": ["2023-03"], "indicator": ["x"], "rag": ["green"], "reason": ["new cohort"]})
    >>> apply_overrides(f, o, "2023-03")[["rag", "rag_reason", "rag_override"]].values.tolist()
    [['green', 'Override: new cohort (rule gave Amber)', True]]
    """
    if overrides is None or overrides.empty:
        return frame
    _check_overrides(overrides)
    month = str(Month.parse(month))
    on = ["indicator", *[k for k in keys if k in overrides]]
    current = overrides.loc[overrides["month"].astype(object) == month, [*on, "rag", "reason"]]
    if current.empty:
        return frame
    current = current.drop_duplicates(on, keep="last")
    if len(on) == 1:
        position = pd.Index(current["indicator"].to_numpy(dtype=object)).get_indexer(
            frame["indicator"].to_numpy(dtype=object)
        )
    else:
        position = pd.MultiIndex.from_frame(current[on].astype(object)).get_indexer(
            pd.MultiIndex.from_frame(frame[on].astype(object))
        )
    hit = np.flatnonzero(position >= 0)
    given = position[hit]
    rag = frame["rag"].to_numpy(dtype=object).copy()
    reason = frame["rag_reason"].to_numpy(dtype=object).copy()
    rule = rag[hit]
    rule_label = choose([rule == code for code in RAG_CODES], [label("rag", code) for code in RAG_CODES], "no rating")
    reason[hit] = join("Override: ", current["reason"].to_numpy(dtype=object)[given], " (rule gave ", rule_label, ")")
    rag[hit] = current["rag"].to_numpy(dtype=object)[given]
    overridden = frame["rag_override"].to_numpy(dtype=bool).copy()
    overridden[hit] = True
    return frame.assign(
        rag=text_column(rag, frame.index),
        rag_reason=text_column(reason, frame.index),
        rag_override=overridden,
    )
