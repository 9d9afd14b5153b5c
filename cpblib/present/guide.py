"""What a reader needs beside the figures: the key, the comparator groups, where and when the data came
from, definitions and a glossary. Pure functions of the scored month and its settings; the pages show them.

>>> from cpblib.config import ProjectConfig
>>> config = ProjectConfig.model_validate({"authority": {"name": "Testshire", "la_code": "999"}})
>>> [term for term, _ in rag_key(config.rag)]
['Green', 'Amber', 'Red', 'Not rated']
>>> rag_key(config.rag)[2][1]
'misses its target (or range) by more than 10% of it.'
>>> la_name("838"), la_name("000")
('Dorset', 'LA 000')
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pandas as pd

from .._vocabulary import label
from ..config import RagRules
from .format import direction_text

ILLUSTRATIVE_NOTE = (
    "Illustrative commentary: written to show how the pack reads, not by the council's service managers. "
    "The figures are the council's; the words are not."
)
"""Shown above the commentary on every page that has some, when ``[commentary] illustrative`` is on."""


# -- the key -------------------------------------------------------------------------------------
def _amount(value: float, kind: str) -> str:
    number = f"{value:g}"
    return f"{number}% of it" if kind == "relative" else f"{number} points"


def rag_key(rules: RagRules) -> list[tuple[str, str]]:
    """What each RAG rating means under the project's default rules (``[rag]`` of ``cpb.toml``).

    >>> rules = RagRules(tolerance=2, tolerance_type="absolute", red_rule="worse_than_england")
    >>> for term, meaning in rag_key(rules):
    ...     print(f"{term}: {meaning}")
    Green: meets its target or is inside its expected range, or misses by no more than 2 points.
    Amber: misses by more than that, but is not Red.
    Red: misses its target (or range) and is worse than England.
    Not rated: has no target or expected range.
    """
    green = "meets its target or is inside its expected range"
    if rules.tolerance > 0:
        green += f", or misses by no more than {_amount(rules.tolerance, rules.tolerance_type)}"
    red = {
        "relative": f"misses its target (or range) by more than {_amount(rules.red_threshold, 'relative')}",
        "absolute": f"misses its target (or range) by more than {_amount(rules.red_threshold, 'absolute')}",
        "worse_than_england": "misses its target (or range) and is worse than England",
        "none": "never: no figure is rated Red under these rules",
    }[rules.red_rule]
    return [
        (label("rag", "green"), green + "."),
        (label("rag", "amber"), "misses by more than that, but is not Red." if rules.tolerance > 0 else "misses its target (or range), but is not Red."),
        (label("rag", "red"), red + "."),
        ("Not rated", "has no target or expected range."),
    ]  # fmt: skip


def direction_key() -> list[tuple[str, str]]:
    """What each direction of travel means, with the symbol the tables print.

    >>> direction_key()[0]
    ('✔ Improving', 'better than the previous period of the same frequency.')
    """
    return [
        (direction_text("improving"), "better than the previous period of the same frequency."),
        (direction_text("worsening"), "worse than the previous period."),
        (direction_text("same"), "no change at the precision the figure is shown."),
        (direction_text(None), "no previous figure, or no way is better (no polarity)."),
    ]


def own_rules(catalogue: pd.DataFrame) -> int:
    """How many indicators set RAG thresholds of their own in the catalogue (the key gives the defaults).

    >>> own_rules(pd.DataFrame({"tolerance": [None, 5.0], "red_rule": [None, None]}))
    1
    """
    columns = [c for c in ("tolerance", "tolerance_type", "red_rule", "red_threshold") if c in catalogue]
    if not columns:
        return 0
    return int(catalogue[columns].notna().any(axis=1).sum())


# -- comparator groups ---------------------------------------------------------------------------------
@cache
def _la_names() -> dict[str, str]:
    """Council names by DfE 3-digit LA number, from DfE's published statistical-neighbour lists
    (the 2021 and 2025 models; ``cpblib/_data/la_names.csv``)."""
    text = resources.files("cpblib").joinpath("_data/la_names.csv").read_text(encoding="utf-8")
    return {row["la_code"]: row["la_name"] for row in csv.DictReader(text.splitlines())}


def la_name(code: str) -> str:
    """A council's name from its LA number (``LA 123`` when cpb does not know it)."""
    return _la_names().get(str(code), f"LA {code}")


def _names(codes) -> str:
    names = sorted(la_name(c) for c in codes)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@dataclass(frozen=True)
class ComparatorGroup:
    """One comparator the pack shows: its label, who it is and the years of its figures in this pack."""

    comparator: str
    label: str
    who: str
    years: tuple[str, ...]

    @property
    def sentence(self) -> str:
        years = f" Figures for {', '.join(self.years)}." if self.years else " No figures this month."
        return f"{self.label}: {self.who}.{years}"


def comparator_groups(config, scored: pd.DataFrame, comparators: list[str]) -> list[ComparatorGroup]:
    """The comparators the pack shows, each with who is in it (by name) and the years its figures are for.

    >>> from cpblib.config import ProjectConfig
    >>> config = ProjectConfig.model_validate({"authority": {"name": "Dorset", "la_code": "838"},
    ...     "statistical_neighbours": {"la_codes": ["878", "908"], "good_outstanding": ["908"],
    ...                                "good_outstanding_as_at": "2022-03-31"}})
    >>> scored = pd.DataFrame({"good_sn_year": ["2021-22", None, "2019-20"], "england_year": [None] * 3})
    >>> for group in comparator_groups(config, scored, ["england", "good_sn"]):
    ...     print(group.sentence)
    England: England as a whole. No figures this month.
    Good/Outstanding SN: the mean of the statistical neighbours judged Good or Outstanding by Ofsted as at 31 March 2022: Cornwall (1 of 2 neighbours). Figures for 2019-20, 2021-22.
    """
    neighbours = config.statistical_neighbours
    average = neighbours.average
    groups = []
    for comparator in comparators:
        name = config.comparators.label(comparator)
        column = f"{comparator}_year"
        years = tuple(sorted({str(y) for y in scored[column].dropna()})) if column in scored else ()
        if comparator == "england":
            who = "England as a whole"
        elif comparator == "region":
            region = config.authority.region
            who = f"the {region} region as a whole" if region else "the council's region as a whole"
        elif comparator == "sn":
            codes = neighbours.la_codes
            who = (
                f"the {average} of the council's {len(codes)} statistical neighbours (DfE model {neighbours.model}): "
                f"{_names(codes)}"
                if codes
                else f"the {average} of the council's statistical neighbours (not listed in cpb.toml)"
            )
        elif comparator == "good_sn":
            when = neighbours.good_outstanding_as_at
            as_at = f" as at {_long_date(when)}" if when else ""
            good = neighbours.good_outstanding
            who = f"the {average} of the statistical neighbours judged Good or Outstanding by Ofsted{as_at}"
            if good:
                who += f": {_names(good)} ({len(good)} of {len(neighbours.la_codes)} neighbours)"
            else:
                who += " (which neighbours they are is not listed in cpb.toml)"
        else:
            who = "a comparator of the council's own"
        groups.append(ComparatorGroup(comparator, name, who, years))
    return groups


def _long_date(value: str | dt.date | None) -> str:
    """``2022-03-31`` as ``31 March 2022``.

    >>> _long_date("2023-04-04")
    '4 April 2023'
    """
    if value is None:
        return ""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return f"{day.day} {day:%B %Y}"


# -- where and when the data came from -------------------------------------------------------------------
def extraction_note(loads: pd.DataFrame, month) -> str:
    """When the month's figures were extracted (and loaded), from the store's record of its loads.

    >>> from cpblib.month import Month
    >>> loads = pd.DataFrame({"load_id": [1, 2], "month": ["2023-02", "2023-03"], "source_file": ["a", "b"],
    ...     "loaded_at": pd.to_datetime(["2023-03-05", "2023-04-06"]), "extracted_on": [None, "2023-04-04"]})
    >>> extraction_note(loads, Month(2023, 3))
    'Figures to the end of March 2023, extracted on 4 April 2023 (b, loaded on 6 April 2023).'
    >>> extraction_note(loads.assign(extracted_on=None), Month(2023, 3))
    'Figures to the end of March 2023, from b, loaded on 6 April 2023; the date they were extracted was not recorded.'
    """
    start = f"Figures to the end of {month.label}"
    if loads is None or loads.empty or "month" not in loads:
        return f"{start}; no load of the data is recorded."
    own = loads.loc[loads["month"].astype(str) == str(month)]
    if own.empty:
        own = loads.loc[loads["month"].astype(str) <= str(month)]
    if own.empty:
        return f"{start}; no load of the data is recorded."
    latest = own.sort_values("load_id").iloc[-1]
    loaded = _long_date(pd.Timestamp(latest["loaded_at"]).date()) if pd.notna(latest.get("loaded_at")) else None
    file = str(latest.get("source_file") or "the extract")
    extracted = latest.get("extracted_on")
    if extracted is not None and not pd.isna(extracted):
        when = _long_date(pd.Timestamp(extracted).date())
        return f"{start}, extracted on {when} ({file}{f', loaded on {loaded}' if loaded else ''})."
    return (
        f"{start}, from {file}{f', loaded on {loaded}' if loaded else ''}; "
        "the date they were extracted was not recorded."
    )


# -- which indicators get a full chart ----------------------------------------------------------------------
def full_chart_rows(rows: pd.DataFrame, rule: dict) -> pd.Series:
    """Which rows get a full trend chart by the ``[full_charts]`` rule of ``charts.toml``.

    >>> rows = pd.DataFrame({"rag": ["red", "red", "green", None], "direction": ["same", "improving", "worsening", None],
    ...                      "headline": [None, None, None, "cic_rate"]})
    >>> full_chart_rows(rows, {"rag": ["red"], "direction": ["same", "worsening"], "headline": True}).tolist()
    [True, False, False, True]
    """
    chosen = rows["rag"].isin(rule.get("rag", [])) & rows["direction"].isin(rule.get("direction", []))
    if rule.get("headline") and "headline" in rows:
        chosen |= rows["headline"].notna() & rows["headline"].astype(str).str.strip().ne("")
    return chosen


# -- glossary ------------------------------------------------------------------------------------------------
@cache
def _glossary() -> dict[str, dict]:
    return tomllib.loads(resources.files("cpblib").joinpath("_data/glossary.toml").read_text(encoding="utf-8"))


def glossary(texts) -> list[tuple[str, str]]:
    """The glossary's terms that apply: those always shown, and those one of whose words (whole, or with
    an ``s``) is in ``texts`` (the month's indicator names and definitions), in the order of
    ``cpblib/_data/glossary.toml``.

    >>> [term for term, _ in glossary(["% of children in care who are UASC"])][-1]
    'UASC'
    """
    words = " ".join(str(t) for t in texts).casefold()
    chosen = []
    for term, entry in _glossary().items():
        found = any(re.search(rf"(?<!\w){re.escape(w.casefold())}s?(?!\w)", words) for w in entry.get("match", []))
        if entry.get("always") or found:
            chosen.append((term, entry["meaning"]))
    return chosen


__all__ = [
    "ILLUSTRATIVE_NOTE",
    "ComparatorGroup",
    "comparator_groups",
    "direction_key",
    "extraction_note",
    "full_chart_rows",
    "glossary",
    "la_name",
    "own_rules",
    "rag_key",
]
