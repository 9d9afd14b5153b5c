"""Red, Amber, Green: how each figure stands against its target or expected range.

The figure is judged as printed (rounded to the indicator's ``decimals``).
Targets and ranges follow one rule; a range's *reference* is its nearer end
(the end the figure is beyond), a target's is the target itself:

* **Green** when the figure meets the target (or beats it), or is inside the
  range (or beyond its good end: above it when higher is better, below it
  when lower is better; with no polarity only inside is Green); and when it
  misses by no more than the tolerance (``relative``: ``tolerance`` percent of
  the reference; ``absolute``: ``tolerance`` points).
* **Red** when it misses by more than the tolerance and the red rule says so
  (``relative``: more than ``red_threshold`` percent of the reference off;
  ``absolute``: more than ``red_threshold`` points off; ``worse_than_england``:
  worse than the England benchmark; ``none``: never).
* **Amber** otherwise: past the tolerance, within the red threshold. With
  ``red_threshold`` above ``tolerance`` (of the same type) every indicator
  has a real Amber band.

How far the figure misses (0 when it meets the target or is inside the
range) is kept as ``distance`` (points) and ``distance_percent`` (percent of
the reference; missing when the reference is 0), for exception headings.

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


def _setting_text(amount: np.ndarray, points: np.ndarray, relative_to: np.ndarray | str) -> np.ndarray:
    """``10% of target``, ``10% of the upper end`` or ``2 points``."""
    return join(format_plain(amount), np.where(points, " points", join("% of ", relative_to)).astype(object))


def judge(
    bad: np.ndarray,
    reference: np.ndarray,
    tolerance: np.ndarray,
    absolute: np.ndarray,
    red_rule: np.ndarray,
    red_threshold: np.ndarray,
    england_comparison: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """RAG from how far a figure misses (``bad`` > 0) its reference (a target, or a range's nearer end).

    Returns the RAG codes and two masks: within tolerance, Red. All arguments are arrays of one length.

    >>> a = lambda *x: np.array(x, dtype=object if isinstance(x[0], str) or x[0] is None else None)
    >>> rag, tolerated, red = judge(a(-1.0, 0.5, 1.5, 3.0), a(10.0, 10.0, 10.0, 10.0), a(5.0, 5.0, 5.0, 5.0),
    ...     a(False, False, False, False), a("relative", "relative", "relative", "relative"), a(20.0, 20.0, 20.0, 20.0),
    ...     a(None, None, None, None))
    >>> rag.tolist(), tolerated.tolist(), red.tolist()
    (['green', 'green', 'amber', 'red'], [False, True, False, False], [False, False, False, True])
    """
    allowance = np.round(np.where(absolute, tolerance, tolerance / 100 * np.abs(reference)), _NOISE)
    meets = bad <= 0
    tolerated = ~meets & (bad <= allowance)
    limit = np.round(np.where(red_rule == "absolute", red_threshold, red_threshold / 100 * np.abs(reference)), _NOISE)
    by_england = red_rule == "worse_than_england"
    red = (
        ~meets & ~tolerated & np.where(by_england, england_comparison == "worse", (red_rule != "none") & (bad > limit))
    )
    rag = np.where(meets | tolerated, "green", np.where(red, "red", "amber")).astype(object)
    return rag, tolerated, red


def _verdict(
    tolerated: np.ndarray,
    red: np.ndarray,
    tolerance: np.ndarray,
    absolute: np.ndarray,
    red_rule: np.ndarray,
    red_threshold: np.ndarray,
    england: np.ndarray,
    england_comparison: np.ndarray,
    decimals: np.ndarray,
    units: np.ndarray,
    relative_to: np.ndarray | str,
) -> np.ndarray:
    """What follows "N off target" or "above the range by N": the tolerance, red threshold or England."""
    by_england = red_rule == "worse_than_england"
    worse = england_comparison == "worse"
    england_text = join(" (", format_numbers(england, decimals, lookup(units, UNIT_SUFFIX)), ")")
    return choose(
        [
            tolerated,
            by_england & worse,
            by_england & pd.isna(england_comparison),
            by_england,
            red_rule == "none",
        ],
        [
            join(", within tolerance (", _setting_text(tolerance, absolute, relative_to), ")"),
            join(" and worse than England", england_text),
            "; no England figure to compare with",
            join(" but not worse than England", england_text),
            " (never Red for this indicator)",
        ],
        default=join(
            np.where(red, ", beyond", ", within").astype(object),
            " the red threshold (",
            _setting_text(red_threshold, red_rule == "absolute", relative_to),
            ")",
        ),
    )


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
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """RAG, reason and distance (how far the figure misses, 0 when it meets) against a point target,
    for figures already rounded for display.

    All arguments are arrays of one length; ``sign`` is +1 (higher is better)
    or -1; ``absolute`` says the tolerance is in points.

    >>> one = lambda x: np.array([x], dtype=object if isinstance(x, str) or x is None else None)
    >>> rag, reason, distance = judge_target(one(9.5), one(9.0), one(-1), one(1), one("days"), one(0.0), one(False),
    ...                                      one("relative"), one(10.0), one(np.nan), one(None))
    >>> rag.tolist(), reason.tolist(), distance.tolist()
    (['amber'], ['9.5 against target 9.0: 0.5 off target, within the red threshold (10% of target)'], [0.5])
    """
    bad = np.round((target - value) * sign, _NOISE)  # > 0: on the wrong side of the target
    rag, tolerated, red = judge(bad, target, tolerance, absolute, red_rule, red_threshold, england_comparison)
    suffix = lookup(units, UNIT_SUFFIX)
    detail = np.full(len(value), "meets target", dtype=object)
    off_rows = np.flatnonzero(bad > 0)
    if off_rows.size:
        i = off_rows
        off = join(format_numbers(np.abs(bad[i]), decimals[i], lookup(units[i], GAP_SUFFIX)), " off target")
        settings = (tolerance, absolute, red_rule, red_threshold, england, england_comparison)
        detail[i] = join(
            off, _verdict(tolerated[i], red[i], *(a[i] for a in settings), decimals[i], units[i], "target")
        )
    reason = join(
        format_numbers(value, decimals, suffix),
        " against target ",
        format_numbers(target, decimals, suffix),
        ": ",
        detail,
    )
    return rag, reason, np.maximum(bad, 0.0)


def judge_range(
    value: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    sign: np.ndarray,
    decimals: np.ndarray,
    units: np.ndarray,
    tolerance: np.ndarray,
    absolute: np.ndarray,
    red_rule: np.ndarray,
    red_threshold: np.ndarray,
    england: np.ndarray,
    england_comparison: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """RAG, reason, distance and reference (the nearer end) against an expected range, for figures already
    rounded for display: the range's nearer end plays the part of a target (see the module notes).

    >>> a = lambda *x: np.array(x, dtype=object if isinstance(x[0], str) else None)
    >>> rag, reason, distance, end = judge_range(a(7.0, 10.5, 12.0, 15.0), a(5.0, 5.0, 5.0, 5.0),
    ...     a(10.0, 10.0, 10.0, 10.0), a(0, 0, 0, 0), a(0, 1, 0, 0), a("count", "count", "count", "count"),
    ...     a(0.0, 0.0, 0.0, 0.0), a(False, False, False, False), a("relative", "relative", "relative", "relative"),
    ...     a(25.0, 25.0, 25.0, 25.0), a(np.nan, np.nan, np.nan, np.nan), a(None, None, None, None))
    >>> rag.tolist(), distance.tolist()
    (['green', 'amber', 'amber', 'red'], [0.0, 0.5, 2.0, 5.0])
    >>> for text in reason.tolist()[2:]: print(text)
    12 is above the expected range 5 to 10 by 2, within the red threshold (25% of the upper end)
    15 is above the expected range 5 to 10 by 5, beyond the red threshold (25% of the upper end)
    """
    below = np.round(lower - value, _NOISE) > 0
    above = np.round(value - upper, _NOISE) > 0
    missed = np.select([sign > 0, sign < 0], [below, above], below | above)
    low_side = np.select([sign > 0, sign < 0], [True, False], below)
    reference = np.where(low_side, lower, upper)
    gap = np.round(np.where(low_side, lower - value, value - upper), _NOISE)
    bad = np.where(missed, gap, 0.0)
    rag, tolerated, red = judge(bad, reference, tolerance, absolute, red_rule, red_threshold, england_comparison)

    suffix = lookup(units, UNIT_SUFFIX)
    shown = format_numbers(value, decimals, suffix)
    bounds = join(format_numbers(lower, decimals, suffix), " to ", format_numbers(upper, decimals, suffix))
    side = np.where(above, " is above", " is below").astype(object)
    reason = choose(
        [~below & ~above, ~missed],
        [
            join(shown, " is inside the expected range ", bounds),
            join(shown, side, " the expected range ", bounds, np.where(above, " (higher", " (lower"), " is better)"),
        ],
    )
    off_rows = np.flatnonzero(missed)
    if off_rows.size:
        i = off_rows
        settings = (tolerance, absolute, red_rule, red_threshold, england, england_comparison)
        end_name = np.where(low_side[i], "the lower end", "the upper end").astype(object)
        reason[i] = join(
            shown[i],
            side[i],
            " the expected range ",
            bounds[i],
            " by ",
            format_numbers(np.abs(gap[i]), decimals[i], lookup(units[i], GAP_SUFFIX)),
            _verdict(tolerated[i], red[i], *(a[i] for a in settings), decimals[i], units[i], end_name),
        )
    return rag, reason, bad, reference


def add_rag(frame: pd.DataFrame, month: Month | str) -> pd.DataFrame:
    """Add ``rag``, ``rag_reason``, ``rag_override`` (False), ``distance`` and ``distance_percent`` by the rules above.

    ``frame`` holds the figure (``value``, ``period``), the indicator's
    ``unit``, ``polarity``, ``decimals``, ``rag_method``, resolved rule
    columns (see :func:`resolve_rules`), ``target``, ``range_lower``,
    ``range_upper`` and, for the ``worse_than_england`` rule,
    ``england_value`` and ``england_comparison``.

    >>> f = pd.DataFrame({"value": [72.5, 9.5, 12.0, None], "period": ["2023-03"] * 4,
    ...     "unit": ["percent", "days", "days", "days"], "polarity": ["high", "low", "low", "low"], "decimals": [1] * 4,
    ...     "rag_method": ["target"] * 4, "target": [70.0, 9.0, 9.0, 9.0], "tolerance": [0.0] * 4,
    ...     "tolerance_type": ["relative"] * 4, "red_rule": ["relative"] * 4, "red_threshold": [10.0] * 4})
    >>> scored = add_rag(f, "2023-03")
    >>> for rag, reason in scored[["rag", "rag_reason"]].values: print(rag, "|", reason)
    green | 72.5% against target 70.0%: meets target
    amber | 9.5 against target 9.0: 0.5 off target, within the red threshold (10% of target)
    red | 12.0 against target 9.0: 3.0 off target, beyond the red threshold (10% of target)
    None | no value for 2023-03
    >>> scored["distance_percent"].round(1).tolist()
    [0.0, 5.6, 33.3, nan]
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
    distance, reference = np.full(n, np.nan), np.full(n, np.nan)
    rated = ~(not_rated | no_polarity | no_target | no_range | no_value)
    t_rows, r_rows = np.flatnonzero(rated & is_target), np.flatnonzero(rated & is_range)
    if t_rows.size or r_rows.size:
        units = codes_of(frame, "unit")
        tolerance = np.nan_to_num(_floats(frame, "tolerance"))
        absolute = codes_of(frame, "tolerance_type") == "absolute"
        red_rule = codes_of(frame, "red_rule")
        red_threshold = np.nan_to_num(_floats(frame, "red_threshold"))
        england = _floats(frame, "england_value")
        england_cmp = codes_of(frame, "england_comparison")
    if t_rows.size:
        i = t_rows
        rag[i], reason[i], distance[i] = judge_target(
            value[i], target[i], sign[i], decimals[i], units[i], tolerance[i], absolute[i], red_rule[i],
            red_threshold[i], england[i], england_cmp[i],
        )  # fmt: skip
        reference[i] = target[i]
    if r_rows.size:
        i = r_rows
        rag[i], reason[i], distance[i], reference[i] = judge_range(
            value[i], lower[i], upper[i], sign[i], decimals[i], units[i], tolerance[i], absolute[i], red_rule[i],
            red_threshold[i], england[i], england_cmp[i],
        )  # fmt: skip
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # a tiny reference gives a huge share
        share = np.where(distance == 0, 0.0, np.where(reference != 0, distance / np.abs(reference) * 100, np.nan))
        share = np.round(share, _NOISE)
    return frame.assign(
        rag=text_column(rag, frame.index),
        rag_reason=text_column(reason, frame.index),
        rag_override=np.zeros(n, dtype=bool),
        distance=distance,
        distance_percent=share,
    )


def _check_overrides(overrides: pd.DataFrame) -> None:
    for column in ("month", "indicator", "rag", "reason"):
        if column not in overrides:
            raise InputError("overrides.csv", "required column is missing", row=1, column=column)
    bad = overrides["rag"].notna() & ~overrides["rag"].isin(list(RAG_CODES))
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            "overrides.csv",
            f"{overrides['rag'].iloc[position]!r} is not allowed; choose from {', '.join(RAG_CODES)}",
            row=position + 2,
            column="rag",
        )


def match_overrides(
    frame: pd.DataFrame, overrides: pd.DataFrame, month: str, column: str, keys: tuple[str, ...] = ()
) -> tuple[np.ndarray, pd.DataFrame]:
    """The rows of ``frame`` that an override for ``month`` filling ``column`` applies to, and for each the
    override (a row of ``overrides``, keeping its index: position + 2 is its row in the file).

    Overrides match on ``indicator`` (and on any of ``keys`` that the overrides frame also has); of two for
    the same indicator the later wins.
    """
    on = ["indicator", *[k for k in keys if k in overrides]]
    chosen = (overrides["month"].astype(object) == month) & overrides[column].notna()
    current = overrides.loc[chosen, [*on, column, "reason"]].drop_duplicates(on, keep="last")
    if current.empty:
        return np.zeros(0, dtype="int64"), current
    if len(on) == 1:
        position = pd.Index(current["indicator"].to_numpy(dtype=object)).get_indexer(
            frame["indicator"].to_numpy(dtype=object)
        )
    else:
        position = pd.MultiIndex.from_frame(current[on].astype(object)).get_indexer(
            pd.MultiIndex.from_frame(frame[on].astype(object))
        )
    hit = np.flatnonzero(position >= 0)
    return hit, current.iloc[position[hit]]


def apply_overrides(
    frame: pd.DataFrame, overrides: pd.DataFrame | None, month: Month | str, keys: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Replace the rule's RAG with the override for the report month, if any (rows with a blank ``rag``
    set only an exception heading, see :func:`cpblib.scoring._exceptions.apply_heading_overrides`).

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
    hit, given = match_overrides(frame, overrides, str(Month.parse(month)), "rag", keys)
    if not hit.size:
        return frame
    rag = frame["rag"].to_numpy(dtype=object).copy()
    reason = frame["rag_reason"].to_numpy(dtype=object).copy()
    rule = rag[hit]
    rule_label = choose([rule == code for code in RAG_CODES], [label("rag", code) for code in RAG_CODES], "no rating")
    reason[hit] = join("Override: ", given["reason"].to_numpy(dtype=object), " (rule gave ", rule_label, ")")
    rag[hit] = given["rag"].to_numpy(dtype=object)
    overridden = frame["rag_override"].to_numpy(dtype=bool).copy()
    overridden[hit] = True
    return frame.assign(
        rag=text_column(rag, frame.index),
        rag_reason=text_column(reason, frame.index),
        rag_override=overridden,
    )
