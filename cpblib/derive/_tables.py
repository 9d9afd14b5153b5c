"""Reading a council's SSDA903 tables: finding the files, checking their shape, typing their cells.

This is the I/O edge of the derivation. Files are found by name (``header.csv``,
``episodes.csv``... in one folder per collection year, or with the year in the
file name), read through :func:`cpblib.inputs.files.read_table` (so encodings,
delimiters and row numbers behave as everywhere else in cpb) and checked for
the columns cpb needs. A file that cannot be read, lacks a needed column,
names a child nowhere, or repeats a table for a year stops the derivation with
an :class:`~cpblib.errors.InputError` naming file, row and column. Everything
else (a code DfE does not allow, a date that is not a date) is a data-quality
finding: the row is kept, the cell is left out of the figures, and the
finding is reported by rule, file and row.

>>> collection_year("episodes_2022-23.csv"), collection_year("2024/header.csv"), collection_year("ad1.csv")
(2023, 2024, None)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from ..inputs.files import CSV_SUFFIXES, Table, read_table


@dataclass(frozen=True)
class TableSpec:
    """One SSDA903 table: its file name, DfE's columns, the ones cpb needs and the dates among them."""

    name: str
    validator_name: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    dates: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    """Columns some councils' extracts add, read when present (never sent to DfE's rules)."""


SPECS: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "header",
            "Header",
            ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
            ("CHILD", "DOB"),
            ("DOB",),
            extra=("UASC",),
        ),
        TableSpec(
            "episodes",
            "Episodes",
            (
                "CHILD",
                "DECOM",
                "RNE",
                "LS",
                "CIN",
                "PLACE",
                "PLACE_PROVIDER",
                "DEC",
                "REC",
                "REASON_PLACE_CHANGE",
                "HOME_POST",
                "PL_POST",
                "URN",
            ),
            ("CHILD", "DECOM", "RNE", "LS", "PLACE", "DEC", "REC"),
            ("DECOM", "DEC"),
            ("PL_DISTANCE",),
            ("PL_DISTANCE", "PL_LOCATION"),
        ),
        TableSpec("uasc", "UASC", ("CHILD", "SEX", "DOB", "DUC"), ("CHILD", "DUC"), ("DUC",)),
        TableSpec(
            "oc2",
            "OC2",
            (
                "CHILD",
                "DOB",
                "SDQ_SCORE",
                "SDQ_REASON",
                "CONVICTED",
                "HEALTH_CHECK",
                "IMMUNISATIONS",
                "TEETH_CHECK",
                "HEALTH_ASSESSMENT",
                "SUBSTANCE_MISUSE",
                "INTERVENTION_RECEIVED",
                "INTERVENTION_OFFERED",
            ),
            ("CHILD", "DOB", "SDQ_SCORE", "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT"),
            ("DOB",),
            ("SDQ_SCORE",),
        ),
        TableSpec(
            "oc3",
            "OC3",
            ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
            ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
            ("DOB",),
        ),
        TableSpec(
            "missing",
            "Missing",
            ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
            ("CHILD", "MISSING", "MIS_START"),
            ("MIS_START", "MIS_END"),
        ),
        TableSpec("reviews", "Reviews", ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"), ("CHILD",), ("REVIEW",)),
        TableSpec(
            "ad1",
            "AD1",
            ("CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"),
            ("CHILD", "DATE_MATCH", "FOSTER_CARE"),
            ("DATE_INT", "DATE_MATCH"),
        ),
        TableSpec(
            "placed_for_adoption",
            "PlacedAdoption",
            ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"),
            ("CHILD",),
            ("DATE_PLACED", "DATE_PLACED_CEASED"),
        ),
        TableSpec("previous_permanence", "PrevPerm", ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"), ("CHILD",)),
    )
}
"""The tables of the SSDA903 return, by file name (without ``.csv``)."""

REQUIRED_TABLES = ("header", "episodes")
"""Tables every collection year must have."""

_YEAR = re.compile(r"(?<!\d)(20\d{2})(?:\s*[-_/]\s*(\d{2}))?(?!\d)")


def collection_year(name: str | Path) -> int | None:
    """The year a collection ends (31 March) as a file or folder name gives it, or None.

    ``2022-23`` and ``2023`` both mean the collection ending 31 March 2023 (DfE names
    collections by the year they end). Only the last two parts of a path are read.
    """
    parts = Path(name).parts[-2:]
    for part in reversed(parts):
        stem = Path(part).stem if part == parts[-1] else part
        match = _YEAR.search(stem)
        if match:
            first = int(match[1])
            if match[2] is not None:
                second = int(match[2])
                if (first + 1) % 100 != second:
                    raise InputError(str(name), f"{match[0]!r} is not a collection year (e.g. 2022-23)")
                return first + 1
            return first
    return None


def table_name(path: Path) -> str | None:
    """The 903 table a file holds, from its name with any year taken out; None for other files.

    >>> table_name(Path("2022-23_Episodes.csv")), table_name(Path("placed_for_adoption 2023.csv")), table_name(Path("x.csv"))
    ('episodes', 'placed_for_adoption', None)
    """
    stem = _YEAR.sub(" ", path.stem).strip(" -_").lower().replace(" ", "_").replace("-", "_")
    return stem if stem in SPECS else None


def year_label(year: int) -> str:
    """``2022-23`` for the collection ending in 2023.

    >>> year_label(2023)
    '2022-23'
    """
    return f"{year - 1}-{year % 100:02d}"


def year_start(year: int) -> pd.Timestamp:
    return pd.Timestamp(year - 1, 4, 1)


def year_end(year: int) -> pd.Timestamp:
    return pd.Timestamp(year, 3, 31)


def find_files(paths: Iterable[Path | str]) -> tuple[dict[tuple[int, str], Path], list[Path]]:
    """The 903 files under ``paths`` by (collection year, table), and the CSV files that are not 903 tables.

    A folder is searched two levels deep. Two files for the same table and year stop
    the derivation, as does a 903 file whose year cannot be told.
    """
    found: dict[tuple[int, str], Path] = {}
    ignored: list[Path] = []
    for given in paths:
        given = Path(given)
        if given.is_dir():
            candidates = sorted(p for p in [*given.glob("*"), *given.glob("*/*")] if p.is_file())
            candidates = [p for p in candidates if p.suffix.lower() in CSV_SUFFIXES and not p.name.startswith(".")]
        elif given.is_file():
            candidates = [given]
        else:
            raise InputError(given.name or str(given), f"not found: {given}")
        for path in candidates:
            table = table_name(path)
            if table is None:
                ignored.append(path)
                continue
            relative = path.relative_to(given.parent) if given.is_dir() else Path(path.parent.name) / path.name
            year = collection_year(relative)
            if year is None:
                raise InputError(
                    path.name,
                    "cannot tell the collection year: put the file in a folder named by its year "
                    "(e.g. 2022-23) or add the year to its name",
                )
            if (year, table) in found and found[(year, table)].resolve() != path.resolve():
                raise InputError(
                    path.name, f"two {table} files for {year_label(year)}: {found[(year, table)]} and {path}"
                )
            found[(year, table)] = path
    if not found:
        raise InputError(
            ", ".join(Path(p).name for p in paths) or "input", "no SSDA903 tables found (header.csv, episodes.csv, ...)"
        )
    for year in sorted({y for y, _ in found}):
        for table in REQUIRED_TABLES:
            if (year, table) not in found:
                raise InputError(table + ".csv", f"the {year_label(year)} collection has no {table} table")
    return found, ignored


# -- typing cells ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Notice:
    """Something cpb left out of the figures: a rule, file, table, row and child (kept inside the derivation)."""

    code: str
    message: str
    file: str
    table: str
    row: int
    child: str | None
    column: str | None = None


@dataclass
class RawTable:
    """One 903 file as read: the text table (for DfE's rules) and the typed frame (for the figures)."""

    year: int
    spec: TableSpec
    table: Table
    frame: pd.DataFrame
    notices: list[Notice] = field(default_factory=list)

    @property
    def file(self) -> str:
        return self.table.file


def parse_dates(text: pd.Series) -> pd.Series:
    """Dates written as DfE writes them (``31/03/2023``) or ISO (``2023-03-31``); anything else is NaT.

    >>> parse_dates(pd.Series(["31/03/2023", "2023-04-01", "31/02/2023", None])).dt.strftime("%Y-%m-%d").tolist()
    ['2023-03-31', '2023-04-01', nan, nan]
    """
    text = text.astype("object").where(text.notna(), None)
    first = pd.to_datetime(text, format="%d/%m/%Y", errors="coerce")
    rest = first.isna() & text.notna()
    if rest.any():
        first.loc[rest] = pd.to_datetime(text.loc[rest], format="%Y-%m-%d", errors="coerce")
    return first.astype("datetime64[ns]")


def _checked_columns(table: Table, spec: TableSpec) -> pd.DataFrame:
    frame = table.frame
    names = [str(c).strip().upper() for c in frame.columns]
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise InputError(table.file, f"the column {name} appears twice", row=table.header_row, column=name)
        seen.add(name)
    missing = [c for c in spec.required if c not in seen]
    if missing:
        raise InputError(
            table.file,
            f"not a {spec.name} table in DfE's 903 layout: the column {missing[0]} is missing "
            f"(expected {', '.join(spec.columns)})",
            row=table.header_row,
            column=missing[0],
        )
    return frame.set_axis(names, axis="columns")


def type_table(year: int, spec: TableSpec, table: Table) -> RawTable:
    """Check a table's shape and type its cells; raise :class:`InputError` when it is not a 903 table."""
    frame = _checked_columns(table, spec)
    rows = np.asarray(table.rows, dtype="int64")
    blank_child = frame["CHILD"].isna() & pd.Series(
        [any(v is not None for v in r) for r in frame.itertuples(index=False)], index=frame.index
    )
    if blank_child.any():
        position = int(np.flatnonzero(blank_child.to_numpy())[0])
        raise InputError(table.file, "the child's id (CHILD) is blank", row=int(rows[position]), column="CHILD")
    keep = frame["CHILD"].notna().to_numpy()  # fully blank rows are skipped
    wanted = [c for c in (*spec.columns, *spec.extra) if c in frame.columns]
    typed = frame.loc[keep, wanted].copy()
    typed["_row"] = rows[keep]
    typed["_year"] = year
    notices: list[Notice] = []
    for column in wanted:
        if column in spec.dates:
            parsed = parse_dates(typed[column])
            bad = parsed.isna() & typed[column].notna()
            notices.extend(
                Notice(
                    "cpb-date",
                    f"{column} is not a date (dd/mm/yyyy); the row was left out where it is needed",
                    table.file,
                    spec.name,
                    int(r),
                    str(c),
                    column,
                )
                for r, c in zip(typed.loc[bad, "_row"], typed.loc[bad, "CHILD"])
            )
            typed[column] = parsed
        elif column in spec.numbers:
            numbers = pd.to_numeric(typed[column], errors="coerce")
            bad = numbers.isna() & typed[column].notna()
            notices.extend(
                Notice(
                    "cpb-number",
                    f"{column} is not a number; the cell was left out",
                    table.file,
                    spec.name,
                    int(r),
                    str(c),
                    column,
                )
                for r, c in zip(typed.loc[bad, "_row"], typed.loc[bad, "CHILD"])
            )
            typed[column] = numbers.astype("float64")
        else:
            cleaned = [v.strip().upper() if isinstance(v, str) else None for v in typed[column]]
            typed[column] = pd.Series(cleaned, index=typed.index, dtype="object")
    for column in (*spec.columns, *spec.extra):  # absent optional columns read as blank
        if column not in typed.columns:
            typed[column] = pd.NaT if column in spec.dates else np.nan if column in spec.numbers else None
    return RawTable(year, spec, table, typed.reset_index(drop=True), notices)


def read_tables(paths: Iterable[Path | str]) -> tuple[list[RawTable], list[Path]]:
    """Every 903 table under ``paths``, read and typed, oldest year first; and the files left aside."""
    found, ignored = find_files(paths)
    tables = []
    for (year, name), path in sorted(found.items(), key=lambda item: (item[0][0], list(SPECS).index(item[0][1]))):
        tables.append(type_table(year, SPECS[name], read_table(path, allow_empty=True)))
    return tables, ignored


# -- population -------------------------------------------------------------------------------------
def read_population(path: Path, la_codes: Iterable[str]) -> dict[int, float]:
    """Mid-year estimates of the residents aged 0 to 17, by year, for the council.

    Reads either DfE's Explore Education Statistics layout (``time_period``,
    ``old_la_code`` or ``new_la_code``, ``age_group``, ``population_estimate``)
    or a two-column table ``year,population`` holding the council's rows only.
    """
    table = read_table(path)
    frame = table.frame.set_axis([str(c).strip().lower() for c in table.frame.columns], axis="columns")
    codes = {c for c in la_codes if c}
    if {"year", "population"} <= set(frame.columns):
        years, values, rows = frame["year"], frame["population"], table.rows
    elif {"time_period", "age_group", "population_estimate"} <= set(frame.columns):
        mine = pd.Series(False, index=frame.index)
        for column in ("old_la_code", "new_la_code"):
            if column in frame:
                mine |= frame[column].isin(codes)
        mine &= frame["age_group"].fillna("").str.contains("0 to 17", regex=False)
        if not mine.any():
            raise InputError(table.file, f"no rows of children aged 0 to 17 for LA {' or '.join(sorted(codes))}")
        years = frame.loc[mine, "time_period"]
        values = frame.loc[mine, "population_estimate"]
        rows = [table.rows[i] for i in np.flatnonzero(mine.to_numpy())]
    else:
        raise InputError(
            table.file,
            "a population file needs the columns year and population, or DfE's time_period, old_la_code, "
            "age_group and population_estimate",
            row=table.header_row,
        )
    population: dict[int, float] = {}
    for year, value, row in zip(years, values, rows):
        try:
            number = float(str(value).replace(",", ""))
            when = int(str(year).strip()[:4])
        except (TypeError, ValueError):
            raise InputError(table.file, f"{value!r} for {year!r} is not a population", row=row) from None
        if number <= 0:
            raise InputError(table.file, f"the population {value!r} is not above zero", row=row)
        if when in population:
            raise InputError(table.file, f"two populations for {when}", row=row)
        population[when] = number
    return population
