"""Exception headings: which figures the board should celebrate, watch or worry about.

A headings file (a project's ``data/exception_headings.csv``, else the one
cpb ships: the five headings panels publish, "Greens to celebrate" to "Reds
of concern") names the headings, their order and a rule for each, one rule a
row. Its columns (the rule language) are declared as data in
``cpblib/_data/exception_headings.toml``: the RAG ratings a heading lists
(required), the direction of travel, the run of periods worsening and how far
the figure misses its target or range (as a percentage or in points). A rule
matches when every condition it fills in holds; rules are tried in file order
and the first that matches wins; an indicator may match none.

A heading never lists an indicator whose RAG it does not name: every rule
says which RAGs it lists, a title that names RAGs ("Ambers of concern") may
only list those, and an indicator with no RAG is under no heading. An
analyst may set an indicator's heading for a month (``overrides.csv`` column
``heading``, with a reason), and the same rule holds: the heading must list
the indicator's RAG, which only the analyst's RAG override in the same row can
change.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from io import StringIO

import numpy as np
import pandas as pd

from .._vocabulary import allowed, label
from ..errors import InputError
from ..month import Month
from ._rag import RAG_CODES, match_overrides
from ._text import codes_of, text_column

HEADINGS_FILE = "exception_headings.csv"
NO_HEADING = "none"
"""What an analyst writes in ``overrides.csv`` ``heading`` to take an indicator off every list for a month."""

MAX_TITLE = 80
_COMPARISON = re.compile(r"^(>=|<=|>|<|=)?\s*(\d+(?:\.\d+)?)$")
_RAG_WORDS = {code: re.compile(rf"\b{label('rag', code)}s?\b", re.IGNORECASE) for code in RAG_CODES}
_SEVERITY = {"red": 0, "amber": 1, "green": 2}


@cache
def language() -> dict:
    """The rule language: ``cpblib/_data/exception_headings.toml`` (columns, their kinds, how they read)."""
    return tomllib.loads(resources.files("cpblib").joinpath("_data/exception_headings.toml").read_text("utf-8"))


def _number_text(number: float) -> str:
    return f"{number:g}"


@dataclass(frozen=True)
class Condition:
    """One filled-in cell of a rule: a set of codes, or a comparison with a number."""

    column: str
    field: str
    codes: tuple[str, ...] = ()
    op: str = ""
    number: float = 0.0

    def holds(self, frame: pd.DataFrame) -> np.ndarray:
        """Whether the condition holds on each row of a scored frame (a missing figure never matches)."""
        spec = language()["columns"][self.column]
        if self.codes:
            values = codes_of(frame, self.field)
            missing = spec.get("missing")
            known = pd.notna(values)
            return np.isin(values, self.codes) & known | (~known & (missing in self.codes))
        if self.field not in frame:
            return np.zeros(len(frame), dtype=bool)
        figures = frame[self.field].to_numpy(dtype="float64", na_value=np.nan)
        with np.errstate(invalid="ignore"):
            result = {
                ">=": figures >= self.number,
                ">": figures > self.number,
                "<=": figures <= self.number,
                "<": figures < self.number,
                "=": figures == self.number,
            }[self.op]
        return result & ~np.isnan(figures)

    def describe(self) -> str:
        """The condition in words, e.g. ``amber or red`` or ``worsening 3 or more periods in a row``."""
        spec = language()["columns"][self.column]
        if self.codes:
            words = [
                spec.get("missing_label", code) if code == spec.get("missing") else label(spec["vocabulary"], code)
                for code in self.codes
            ]
            words = [w.lower() for w in words]
            listed = words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"
            return spec["describe"].format(codes=listed)
        comparison = language()["comparisons"][self.op].format(n=_number_text(self.number))
        return spec["describe"].format(comparison=comparison)


@dataclass(frozen=True)
class Rule:
    """One row of a headings file."""

    heading: str
    short: str
    rags: tuple[str, ...]
    conditions: tuple[Condition, ...]
    row: int

    @property
    def description(self) -> str:
        """The rule in words, one condition after another, e.g. ``Amber; same or worsening``."""
        text = "; ".join(c.describe() for c in self.conditions)
        return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Headings:
    """A validated headings file: its rules in file order (see the module notes)."""

    rules: tuple[Rule, ...]
    file: str = HEADINGS_FILE

    @property
    def titles(self) -> tuple[str, ...]:
        """The headings in the order the pack shows them (first appearance in the file)."""
        return tuple(dict.fromkeys(rule.heading for rule in self.rules))

    def short(self, title: str) -> str:
        """The heading's short form for table cells (the title itself when the file gives none)."""
        return next((r.short for r in self.rules if r.heading == title and r.short), title)

    def rags(self, title: str) -> tuple[str, ...]:
        """The RAG ratings a heading lists (over all its rules), in the order green, amber, red."""
        listed = {rag for rule in self.rules if rule.heading == title for rag in rule.rags}
        return tuple(code for code in RAG_CODES if code in listed)

    def find(self, text: str) -> str | None:
        """The heading that ``text`` names (case and spacing aside), or None.

        >>> packaged_headings().find("reds OF  concern")
        'Reds of concern'
        """
        wanted = " ".join(str(text).split()).casefold()
        return next((title for title in self.titles if title.casefold() == wanted), None)


def _cells(frame: pd.DataFrame, column: str) -> list[str | None]:
    if column not in frame:
        return [None] * len(frame)
    out = []
    for cell in frame[column].tolist():
        text = None if cell is None or (isinstance(cell, float) and np.isnan(cell)) else " ".join(str(cell).split())
        out.append(text or None)
    return out


def parse_headings(frame: pd.DataFrame, file: str = HEADINGS_FILE, rows: Sequence[int] | None = None) -> Headings:
    """Validate a headings table read as text; raise :class:`~cpblib.errors.InputError` naming file, row and
    column on the first problem. ``rows`` are the file's row numbers of the table's rows (default: from 2);
    blank rows are skipped.

    >>> table = pd.DataFrame({"heading": ["Reds getting worse"], "rag": ["red"], "worsening_periods": [">=3"]})
    >>> rule = parse_headings(table).rules[0]
    >>> rule.heading, rule.description
    ('Reds getting worse', 'Red; worsening 3 or more periods in a row')
    >>> parse_headings(pd.DataFrame({"heading": ["Ambers of concern"], "rag": ["amber|red"]}))
    Traceback (most recent call last):
    ...
    cpblib.errors.InputError: exception_headings.csv, row 2, column 'rag': the heading 'Ambers of concern' names Amber only, but this rule lists red indicators too
    """
    columns = language()["columns"]
    present = [str(c).strip() for c in frame.columns]
    frame = frame.set_axis(present, axis="columns")
    for name in present:
        if name not in columns:
            raise InputError(file, f"unknown column; the columns are {', '.join(columns)}", row=1, column=name)
    for name, spec in columns.items():
        if spec.get("required") and name not in present:
            raise InputError(file, "required column is missing", row=1, column=name)
    rows = list(rows) if rows is not None else [position + 2 for position in range(len(frame))]
    cells = {name: _cells(frame, name) for name in columns}
    rules = []
    for position, row in enumerate(rows):
        if all(cells[name][position] is None for name in columns):
            continue  # a blank line between rules
        conditions = []
        for name, spec in columns.items():
            text = cells[name][position]
            if text is None:
                if spec.get("required"):
                    raise InputError(file, "required value is blank", row=row, column=name)
                continue
            if spec["kind"] in ("title", "text"):
                if len(text) > MAX_TITLE:
                    raise InputError(file, f"longer than {MAX_TITLE} characters", row=row, column=name)
                continue
            conditions.append(_condition(name, spec, text, file, row))
        heading = cells["heading"][position]
        if heading.casefold() == NO_HEADING:
            raise InputError(
                file, f"{NO_HEADING!r} is kept for taking an indicator off every list", row=row, column="heading"
            )
        rags = next(c.codes for c in conditions if c.column == "rag")
        named = [code for code, words in _RAG_WORDS.items() if words.search(heading)]
        stray = [code for code in rags if named and code not in named]
        if stray:
            raise InputError(
                file,
                f"the heading {heading!r} names {' and '.join(label('rag', c) for c in named)} only, "
                f"but this rule lists {' and '.join(stray)} indicators too",
                row=row,
                column="rag",
            )
        rules.append(Rule(heading, cells["short"][position] or "", rags, tuple(conditions), row))
    return Headings(tuple(rules), file)


def _condition(name: str, spec: dict, text: str, file: str, row: int) -> Condition:
    if spec["kind"] == "codes":
        choices = [*allowed(spec["vocabulary"]), *([spec["missing"]] if "missing" in spec else [])]
        codes = tuple(dict.fromkeys(code.strip().lower() for code in text.split("|")))
        for code in codes:
            if code not in choices:
                raise InputError(
                    file,
                    f"{code!r} is not allowed; choose from {', '.join(choices)} (several: a|b)",
                    row=row,
                    column=name,
                )
        return Condition(name, spec.get("field", name), codes=codes)
    match = _COMPARISON.match(text)
    if not match or (spec.get("whole") and "." in match[2]):
        kind = "a whole number" if spec.get("whole") else "a number"
        raise InputError(
            file, f"{text!r} is not a comparison with {kind}: write >=3, >3, <=3, <3 or =3", row=row, column=name
        )
    return Condition(name, spec.get("field", name), op=match[1] or "=", number=float(match[2]))


@cache
def _packaged() -> Headings:
    text = resources.files("cpblib").joinpath(f"_data/{HEADINGS_FILE}").read_text(encoding="utf-8")
    return parse_headings(pd.read_csv(StringIO(text), dtype=str, keep_default_na=False), file=HEADINGS_FILE)


def packaged_headings() -> Headings:
    """The headings cpb ships (``cpblib/_data/exception_headings.csv``), used when a project has none.

    >>> packaged_headings().titles
    ('Greens to celebrate', 'Ambers on watching brief', 'Ambers of concern', 'Reds on watching brief', 'Reds of concern')
    """
    return _packaged()


def headings_of(headings: Headings | pd.DataFrame | None) -> Headings:
    """Headings as given, parsed from a text table, or cpb's own when None."""
    if headings is None:
        return _packaged()
    if isinstance(headings, pd.DataFrame):
        return parse_headings(headings.astype(object).where(headings.notna(), None))
    return headings


def add_exception(frame: pd.DataFrame, headings: Headings | pd.DataFrame | None = None) -> pd.DataFrame:
    """Add ``exception`` (the heading, or None), ``exception_reason`` (the rule in words) and
    ``exception_override`` (False) by the first rule that matches each row.

    >>> f = pd.DataFrame({"rag": ["green", "amber", "red", None],
    ...                   "direction": ["worsening", None, "improving", "same"]})
    >>> add_exception(f)[["exception", "exception_reason"]].values.tolist()
    [[None, None], ['Ambers on watching brief', 'Amber; improving or no direction'], ['Reds on watching brief', 'Red; improving'], [None, None]]
    """
    headings = headings_of(headings)
    n = len(frame)
    heading = np.full(n, None, dtype=object)
    reason = np.full(n, None, dtype=object)
    open_rows = np.isin(codes_of(frame, "rag"), RAG_CODES)
    for rule in headings.rules:
        if not open_rows.any():
            break
        match = open_rows.copy()
        for condition in rule.conditions:
            match &= condition.holds(frame)
        heading[match] = rule.heading
        reason[match] = rule.description
        open_rows &= ~match
    return frame.assign(
        exception=text_column(heading, frame.index),
        exception_reason=text_column(reason, frame.index),
        exception_override=np.zeros(n, dtype=bool),
    )


def apply_heading_overrides(
    frame: pd.DataFrame,
    overrides: pd.DataFrame | None,
    month: Month | str,
    headings: Headings | pd.DataFrame | None = None,
    keys: tuple[str, ...] = (),
    file: str = "overrides.csv",
) -> pd.DataFrame:
    """Put an indicator under the heading an analyst set for the report month (``overrides.csv`` ``heading``;
    ``none`` takes it off every list), with the analyst's reason.

    The heading must list the indicator's RAG as it stands after any RAG override; otherwise, or for a
    heading the headings file does not name, an :class:`~cpblib.errors.InputError` names the row.

    >>> f = add_exception(pd.DataFrame({"indicator": ["x"], "rag": ["red"], "direction": ["improving"]}))
    >>> o = pd.DataFrame({"month": ["2023-03"], "indicator": ["x"], "heading": ["Reds of concern"],
    ...                   "reason": ["third month off target"]})
    >>> apply_heading_overrides(f, o, "2023-03")[["exception", "exception_reason", "exception_override"]].values.tolist()
    [['Reds of concern', 'set by the analyst: third month off target', True]]
    """
    if overrides is None or overrides.empty or "heading" not in overrides:
        return frame
    headings = headings_of(headings)
    month = str(Month.parse(month))
    hit, given = match_overrides(frame, overrides, month, "heading", keys)
    if not hit.size:
        return frame
    heading = frame["exception"].to_numpy(dtype=object).copy()
    reason = frame["exception_reason"].to_numpy(dtype=object).copy()
    overridden = frame["exception_override"].to_numpy(dtype=bool).copy()
    rags = codes_of(frame, "rag")
    indicators = codes_of(frame, "indicator")
    for target, (index, wanted, why) in zip(hit, given[["heading", "reason"]].itertuples(), strict=True):
        row = overrides.index.get_loc(index) + 2
        text = " ".join(str(wanted).split())
        if text.casefold() == NO_HEADING:
            title = None
        else:
            title = headings.find(text)
            if title is None:
                raise InputError(
                    file,
                    f"{text!r} is not an exception heading; choose from {', '.join(headings.titles)} "
                    f"(as in {headings.file}), or {NO_HEADING}",
                    row=row,
                    column="heading",
                )
            listed = headings.rags(title)
            if rags[target] not in listed:
                now = label("rag", rags[target]) if rags[target] in RAG_CODES else "not rated"
                raise InputError(
                    file,
                    f"{title!r} lists {' and '.join(label('rag', c) for c in listed)} indicators, but "
                    f"{indicators[target]} is {now} in {month}: choose a heading that lists it, or set its rag "
                    "in this row too",
                    row=row,
                    column="heading",
                )
        heading[target] = title
        reason[target] = f"set by the analyst: {why}"
        overridden[target] = True
    return frame.assign(
        exception=text_column(heading, frame.index),
        exception_reason=text_column(reason, frame.index),
        exception_override=overridden,
    )


def exceptions(scored: pd.DataFrame, headings: Headings | pd.DataFrame | None = None) -> pd.DataFrame:
    """The indicators under a heading, ready to present: headings in the headings file's order.

    Within a heading, Reds come before Ambers before Greens, then indicators keep
    the scored order (catalogue order). ``exception`` becomes the first column.
    A heading the headings do not name (from another headings file) comes last.

    >>> s = pd.DataFrame({"indicator": ["a", "b", "c", "d"], "rag": ["amber", "green", "red", None],
    ...                   "exception": ["Ambers of concern", "Greens to celebrate", "Reds of concern", None]})
    >>> exceptions(s)[["exception", "indicator"]].values.tolist()
    [['Greens to celebrate', 'b'], ['Ambers of concern', 'a'], ['Reds of concern', 'c']]
    """
    titles = headings_of(headings).titles
    listed = scored.loc[scored["exception"].notna()]
    known = {title: rank for rank, title in enumerate(titles)}
    others = {title: len(titles) + rank for rank, title in enumerate(pd.unique(listed["exception"]))}
    order = pd.DataFrame(
        {
            "_list": listed["exception"].map(lambda title: known.get(title, others.get(title))),
            "_rag": listed["rag"].map(_SEVERITY).fillna(len(_SEVERITY)) if "rag" in listed else 0,
            "_row": np.arange(len(listed)),
        },
        index=listed.index,
    ).sort_values(["_list", "_rag", "_row"], kind="stable")
    ordered = listed.loc[order.index].reset_index(drop=True)
    return ordered[["exception", *[c for c in ordered.columns if c != "exception"]]]
