"""The mapping from local indicators to official DfE measures (``data/benchmark_sources.csv``).

One row says where the official figure for one indicator comes from:

* ``indicator``: the indicator's slug in the catalogue;
* ``source``: the dataset (an Explore Education Statistics dataset such as
  ``cla_rates``, or ``lait`` for the LAIT long table), see
  :data:`FIGURE_DATASETS`;
* ``measure``: the column of figures (EES) or the LAIT ``Short Desc``;
* ``filter``: for EES files, the filter values that pick the right rows,
  ``column=value`` pairs separated by ``;`` (blank for LAIT);
* ``transform``: blank, ``complement`` (100 minus the figure: a percentage of
  the others) or ``months_to_days`` (a duration in months as days);
* ``period``: ``snapshot`` (a count on a date, labelled ``2024``) or ``year``
  (events in the year ending 31 March, labelled ``2023-24``);
* ``zero_is_gap``: ``yes`` when a published 0 cannot be a true figure for the
  measure (a percentage of children immunised, an average score): such a 0 is
  taken as a gap, not a figure, and listed (:func:`~cpblib.dfe.implausible_zeros`);
* ``notes``: anything a reader should know.

An indicator may have several rows: for each year, the first row (in file
order) whose source has a figure for that year is used. Polarity (for ranks
and bands) and the end of each year (for Ofsted judgements) come from DfE's
data dictionary, through the indicator's LAIT row; the catalogue's polarity
overrides it.

>>> parse_filter("cla_group=CLA on 31 March; placement_stability=Total children")
{'cla_group': 'CLA on 31 March', 'placement_stability': 'Total children'}
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from ..inputs.catalogue import Column, validate_table
from .readers import EES_DATASETS

SOURCE_COLUMNS: tuple[Column, ...] = (
    Column("indicator", "slug", True, "Indicator slug in the catalogue"),
    Column("source", "text", True, "Dataset: an EES dataset id or lait"),
    Column("measure", "text", True, "Column of figures (EES) or LAIT Short Desc"),
    Column("filter", "text", False, "column=value pairs separated by ; (EES files)"),
    Column("transform", "text", False, "blank, complement or months_to_days"),
    Column("period", "text", True, "snapshot (labelled 2024) or year (labelled 2023-24)"),
    Column("zero_is_gap", "text", False, "yes: a published 0 is a gap, not a figure"),
    Column("notes", "text", False, "How the official measure relates to the local indicator"),
)

FIGURE_DATASETS = frozenset({d.dataset for d in EES_DATASETS} | {"lait"})
"""Datasets holding figures, which a mapping row may name as its source."""

TRANSFORMS = ("complement", "months_to_days")
DAYS_PER_MONTH = 365.25 / 12
"""Average days in a month, for adoption durations published in years and months."""

_PAIR = re.compile(r"^\s*([A-Za-z0-9_]+)\s*=(.*)$")


def parse_filter(text: str | None) -> dict[str, str]:
    """``column=value`` pairs separated by ``;`` as a dict (values keep their inner spaces).

    >>> parse_filter(""), parse_filter("breakdown=Total")
    ({}, {'breakdown': 'Total'})
    """
    if text is None or not str(text).strip():
        return {}
    pairs = {}
    for piece in str(text).split(";"):
        if not piece.strip():
            continue
        match = _PAIR.match(piece)
        if not match:
            raise ValueError(f"{piece.strip()!r} is not column=value")
        column = match[1]
        if column in pairs:
            raise ValueError(f"names {column!r} twice")
        pairs[column] = match[2].strip()
    return pairs


def validate_sources(raw: pd.DataFrame, file: str = "benchmark_sources.csv") -> pd.DataFrame:
    """Typed, checked mapping; ``raw`` holds the file's cells as text.

    >>> raw = pd.DataFrame({"indicator": ["cic-rate"], "source": ["cla_rates"], "measure": ["rate_per_10000"],
    ...                     "filter": ["population_type=Children looked after on 31 March each year"],
    ...                     "period": ["snapshot"]})
    >>> validate_sources(raw).loc[0, ["indicator", "source", "period"]].tolist()
    ['cic-rate', 'cla_rates', 'snapshot']
    >>> validate_sources(raw.assign(zero_is_gap=["yes"]))["zero_is_gap"].tolist()
    [True]
    """
    if "polarity" in [str(c).strip() for c in raw.columns]:
        raise InputError(
            file,
            "the polarity column is no longer read: polarity comes from DfE's data dictionary "
            "(or the catalogue's polarity column); delete the column",
            row=1,
            column="polarity",
        )
    if "zero_is_gap" in raw.columns:  # a mapping read before holds True / False: back to the file's words
        raw = raw.assign(
            zero_is_gap=raw["zero_is_gap"].map(
                lambda v: ("yes" if v else None) if isinstance(v, bool | np.bool_) else v
            )
        )
    frame = validate_table(raw, SOURCE_COLUMNS, file)
    frame = frame.astype("object").where(frame.notna(), None)
    known = FIGURE_DATASETS
    for position, row in enumerate(frame.itertuples(index=False)):
        line = position + 2
        if row.source not in known:
            raise InputError(
                file,
                f"{row.source!r} is not a dataset cpb reads; choose from {', '.join(sorted(known))}",
                row=line,
                column="source",
            )
        if row.period not in ("snapshot", "year"):
            raise InputError(file, f"{row.period!r} is not snapshot or year", row=line, column="period")
        if row.transform is not None and row.transform not in TRANSFORMS:
            raise InputError(
                file,
                f"{row.transform!r} is not a transform; choose from {', '.join(TRANSFORMS)}",
                row=line,
                column="transform",
            )
        try:
            filters = parse_filter(row.filter)
        except ValueError as exc:
            raise InputError(file, f"filter {exc}", row=line, column="filter") from None
        if row.source == "lait" and filters:
            raise InputError(file, "LAIT measures take no filter", row=line, column="filter")
        if row.zero_is_gap is not None and row.zero_is_gap.lower() != "yes":
            raise InputError(file, f"{row.zero_is_gap!r} is not yes or blank", row=line, column="zero_is_gap")
    duplicate = frame.duplicated(["indicator", "source", "measure", "filter"], keep="first")
    if duplicate.any():
        line = int(duplicate.to_numpy().nonzero()[0][0]) + 2
        raise InputError(file, "repeats an earlier row", row=line, column="indicator")
    gap = frame["zero_is_gap"].map(lambda v: v is not None and v.lower() == "yes").astype(bool)
    return frame.assign(zero_is_gap=gap, priority=range(len(frame)))


def read_sources(path: Path | str) -> pd.DataFrame:
    """Read and check a ``benchmark_sources.csv``."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path.name, f"file not found: {path}")
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(path.name, f"not a readable CSV table: {str(exc).splitlines()[0]}") from None
    raw = raw.replace("", None)
    return validate_sources(raw, path.name)


def as_sources(sources: pd.DataFrame | Path | str) -> pd.DataFrame:
    """A checked mapping from a frame (raw or already checked) or a path."""
    if isinstance(sources, pd.DataFrame):
        if "priority" in sources.columns:
            return sources
        return validate_sources(sources.replace("", None))
    return read_sources(sources)
