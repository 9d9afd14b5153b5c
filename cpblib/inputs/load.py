"""Loading files into a project: read, parse, check, then store.

A load is all or nothing. :func:`load_file` reads and checks the whole file
against the catalogue *before* the store is opened for writing, then adds it
in one transaction; a file that fails leaves the store byte-for-byte as it was
(and a store that did not exist still does not). Loading the same bytes for
the same month again changes nothing and says so (``receipt.skipped``).

:func:`ensure_store` builds the store from ``data/extracts`` on first use and
afterwards loads any extract not loaded yet, oldest file name first. Each
extract's report month is the ``YYYY-MM`` its file name starts with.

The readers of the project's other tables (:func:`read_catalogue`,
:func:`read_typed_table`, from :func:`read_raw_table` and :func:`typed_table`) live here
too: every table goes through
:func:`cpblib.inputs.files.read_table`, then its expectation suite (the same rules
``cpb check`` runs, see :mod:`cpblib.checks.rules`), then plain typing.
The optional tables read as empty, typed frames when their file is absent.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from ..config import Calendar
from ..errors import InputError
from ..month import Month, MonthError
from ..project import Project
from . import catalogue as _catalogue
from .extract import ParsedTable, parse_table
from .files import CSV_SUFFIXES, EXCEL_SUFFIXES, Table, read_bytes, read_table, sha256_bytes
from .store import LoadReceipt, Store

_MONTH_PREFIX = re.compile(r"^(\d{4}-\d{2}-[qQ][1-4]|\d{4}-[qQ][1-4]|\d{4}-\d{1,2})(?![\d])")


def month_from_filename(name: str | Path, calendar: Calendar = Calendar()) -> Month | None:
    """The report month (or quarter, for a quarterly project) a file name starts with, written as its key
    (``2023-03``, ``2019-20-Q4``), or None when it starts with neither.

    >>> month_from_filename("2023-03-cpb-extract.xlsx"), month_from_filename("march.csv")
    (Month(2023, 3), None)
    >>> month_from_filename("2019-20-Q4 scorecard.csv", Calendar(cadence="quarterly")).label
    'Q4 2019/20'
    """
    name = Path(name).name
    match = _MONTH_PREFIX.match(name)
    if match is None:
        return None
    try:
        return calendar.period_from_key(match[1])
    except MonthError as exc:
        raise InputError(name, f"the file name should start with its report month: {exc}") from None


# -- the project's tables ----------------------------------------------------------------------
TABLES: dict[str, tuple[_catalogue.Column, ...]] = {
    "catalogue": _catalogue.INDICATOR_COLUMNS,
    "targets": _catalogue.TARGET_COLUMNS,
    "benchmarks": _catalogue.BENCHMARK_COLUMNS,
    "overrides": _catalogue.OVERRIDE_COLUMNS,
    "annotations": _catalogue.ANNOTATION_COLUMNS,
}
"""The project's tables (``cpb.toml`` [paths] keys) and their declared columns; each has an
expectation suite of the same name. Only the catalogue is required; the others read as empty,
typed frames when their file is absent."""


def read_raw_table(project: Project, name: str) -> Table | None:
    """The table ``name`` as text cells, or None when an optional table has no file."""
    path = project.path(name)
    if name != "catalogue" and not path.exists():
        return None
    return read_table(path, allow_empty=name != "catalogue")


def typed_table(
    name: str,
    table: Table | None,
    catalogue: pd.DataFrame | None = None,
    *,
    project_root: Path | None = None,
    params: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """A table read as text (:func:`read_raw_table`), checked by its expectation suite and typed;
    raises the suite's first :class:`~cpblib.errors.InputError` in reading order.

    ``catalogue`` (typed) is needed by every table but the catalogue; the suite is the
    project's own when ``project_root`` has one (see :mod:`cpblib.checks.suites`).
    """
    from ..checks.suites import load_suite

    if table is None:
        return empty_table(TABLES[name])
    validate = _catalogue.validate_indicators if name == "catalogue" else _catalogue.validated
    args = (table.frame, table.file) if name == "catalogue" else (name, table.frame, table.file, catalogue)
    return validate(
        *args,
        rows=table.rows,
        header_row=table.header_row,
        suite=load_suite(name, project_root),
        params=params,
    )


def project_parameters(project: Project) -> dict[str, Any]:
    """The values the project's suites fill in (:func:`cpblib.checks.rules.parameters`): its anomaly
    thresholds and the comparators its cpb.toml declares."""
    from ..checks.rules import parameters

    return parameters(project.config.anomalies, project.config.comparators.declared)


def read_catalogue(project: Project) -> pd.DataFrame:
    """The project's indicator catalogue, checked and typed (see :func:`typed_table`)."""
    return typed_table("catalogue", read_raw_table(project, "catalogue"), project_root=project.root)


def empty_table(columns: tuple[_catalogue.Column, ...]) -> pd.DataFrame:
    """An empty frame typed as :func:`typed_table` types one.

    >>> empty_table(_catalogue.TARGET_COLUMNS).dtypes["target"]
    dtype('float64')
    """
    from ..checks.prepare import prepare_table

    empty = pd.DataFrame({c.name: pd.Series(dtype="object") for c in columns})
    return _catalogue.type_table(prepare_table(empty, [], "(none)", columns), columns)


def read_typed_table(project: Project, name: str, catalogue: pd.DataFrame | None = None) -> pd.DataFrame:
    """The project's table ``name`` read and typed (empty when an optional table's file is absent)."""
    table = read_raw_table(project, name)
    if name != "catalogue" and table is not None and not table.frame.empty and catalogue is None:
        catalogue = read_catalogue(project)
    return typed_table(name, table, catalogue, project_root=project.root, params=project_parameters(project))


# -- loading files -----------------------------------------------------------------------------
@dataclass(frozen=True)
class PreparedLoad:
    """A file read and checked, ready to be added to the store."""

    path: Path
    month: Month
    sha256: str
    parsed: ParsedTable
    sheet: str | None = None
    extracted_on: _dt.date | None = None

    @property
    def file(self) -> str:
        return self.path.name


def prepare_load(
    project: Project,
    path: Path | str,
    month: Month | str | None = None,
    extracted_on: _dt.date | None = None,
    *,
    catalogue: pd.DataFrame | None = None,
    today: _dt.date | None = None,
    sheet: str | None = None,
) -> PreparedLoad:
    """Read and check a file for loading, without touching the store.

    ``month`` defaults to the ``YYYY-MM`` the file name starts with; ``sheet`` names the worksheet of a
    workbook (default: its first visible sheet).
    """
    path = Path(path)
    current = Month.today(today)
    table = read_table(path, sheet)  # problems with the file itself come first
    calendar = project.config.calendar
    if month is None:
        month = month_from_filename(path, calendar)
        if month is None:
            raise InputError(
                path.name, "cannot tell the report month: the file name does not start with YYYY-MM; give --month"
            )
    else:
        try:
            month = calendar.report_period(month)
        except MonthError as exc:
            raise InputError(path.name, f"the report month is not a month: {exc}") from None
    if month > current:
        raise InputError(path.name, f"the report month {month.key} is in the future")
    if extracted_on is not None and extracted_on > (today or _dt.date.today()):
        raise InputError(path.name, f"the extract date {extracted_on:%Y-%m-%d} is in the future")
    catalogue = read_catalogue(project) if catalogue is None else catalogue
    from ..checks.suites import load_suite

    parsed = parse_table(
        table,
        catalogue,
        month=month,
        today=today,
        suite=load_suite("values", project.root),
        params=project_parameters(project),
        calendar=calendar,
    )
    digest = table.sha256 if sheet is None else sha256_bytes(f"{table.sha256}|sheet|{sheet}".encode())
    return PreparedLoad(path, month, digest, parsed, table.sheet, extracted_on)


def _receipt(prepared: PreparedLoad, receipt: LoadReceipt) -> LoadReceipt:
    values = prepared.parsed.values
    missing = values["missing_reason"].dropna().value_counts()
    return replace(
        receipt,
        indicators=tuple(pd.unique(values["indicator"])),
        periods=tuple(sorted(pd.unique(values["period"]))),
        missing={str(k): int(v) for k, v in missing.items()},
        layout=prepared.parsed.layout,
        sheet=prepared.sheet,
        ignored_columns=prepared.parsed.ignored_columns,
        skipped_rows=prepared.parsed.skipped_rows,
    )


def commit_loads(project: Project, prepared: list[PreparedLoad]) -> list[LoadReceipt]:
    """Add checked files to the store, in order; files already loaded are skipped.

    The store is only opened for writing when there is something new. If
    writing fails, a store that did not exist before is removed again.
    """
    store_path = project.path("store")
    receipts: dict[int, LoadReceipt] = {}
    with Store.open(store_path, read_only=True) as store:
        for index, item in enumerate(prepared):
            earlier = store.find_load(item.sha256, item.month)
            if earlier is not None:
                receipts[index] = _receipt(
                    item,
                    LoadReceipt(
                        load_id=int(earlier["load_id"]),
                        month=str(item.month),
                        source_file=item.file,
                        sha256=item.sha256,
                        row_count=int(earlier["row_count"]),
                        loaded_at=earlier["loaded_at"],
                        extracted_on=item.extracted_on,
                        skipped=True,
                    ),
                )
    new = [(i, item) for i, item in enumerate(prepared) if i not in receipts]
    seen: set[tuple[str, str]] = set()
    if new:
        existed = store_path.exists()
        try:
            with Store.open(store_path, read_only=False) as store:
                for index, item in new:
                    key = (item.sha256, str(item.month))
                    if key in seen:  # the same bytes twice in one batch
                        earlier = store.find_load(*key)
                        receipts[index] = _receipt(
                            item,
                            LoadReceipt(
                                int(earlier["load_id"]),
                                str(item.month),
                                item.file,
                                item.sha256,
                                int(earlier["row_count"]),
                                skipped=True,
                            ),
                        )
                        continue
                    seen.add(key)
                    added = store.add_load(
                        item.parsed.values, item.month, item.file, item.sha256, extracted_on=item.extracted_on
                    )
                    receipts[index] = _receipt(item, added)
        except BaseException:
            if not existed:
                for leftover in (store_path, store_path.with_name(store_path.name + ".wal")):
                    leftover.unlink(missing_ok=True)
            raise
    return [receipts[i] for i in range(len(prepared))]


def load_file(
    project: Project,
    path: Path | str,
    month: Month | str | None = None,
    extracted_on: _dt.date | None = None,
    *,
    today: _dt.date | None = None,
) -> LoadReceipt:
    """Load one file (CSV or Excel, long or wide) for a report month; see the module notes."""
    prepared = prepare_load(project, path, month, extracted_on, today=today)
    return commit_loads(project, [prepared])[0]


# -- building the store from the extracts ---------------------------------------------------
def extract_files(project: Project) -> list[Path]:
    """The extract files of the project (CSV and Excel), in file-name order.

    Hidden files and Excel's ``~$`` lock files are left out; a file that is a link to a file outside
    the project is refused (:class:`~cpblib.errors.OutsideProject`).
    """
    folder = project.path("extracts")
    if not folder.is_dir():
        return []
    files = sorted(
        (
            path
            for path in folder.iterdir()
            if path.is_file()
            and path.suffix.lower() in (*CSV_SUFFIXES, *EXCEL_SUFFIXES)
            and not path.name.startswith((".", "~$"))
        ),
        key=lambda p: p.name,
    )
    for path in files:
        project.inside(path, "extracts")  # an extract that is a link to a file outside the project is refused
    return files


def ensure_store(project: Project, *, today: _dt.date | None = None) -> list[LoadReceipt]:
    """Make sure every extract in ``data/extracts`` is in the store.

    Builds the store when it is missing; otherwise loads only extracts whose
    bytes were not loaded for their month. Every new extract is read and
    checked before any is written, so a bad extract changes nothing. Returns
    the receipts of the loads added.

    When neither the extracts (their names, sizes and times) nor the store have changed since every
    extract was last found loaded, nothing is read or opened (:func:`cpblib.build.extracts_state`).
    """
    from .. import build

    files = extract_files(project)
    state = build.extracts_state(project, files)
    if state is not None and build.read_text(build.extracts_state_file(project)) == state:
        return []
    pending: list[tuple[Path, Month, str]] = []
    for path in files:
        month = month_from_filename(path, project.config.calendar)
        if month is None:
            raise InputError(path.name, "an extract's file name must start with its report month, e.g. 2023-03.csv")
        pending.append((path, month, sha256_bytes(read_bytes(path))))
    if not pending:
        return []
    with Store.open(project.path("store"), read_only=True) as store:
        new = [(path, month) for path, month, digest in pending if not store.has_load(digest, month)]
    if new:
        catalogue = read_catalogue(project)
        prepared = [prepare_load(project, path, month, catalogue=catalogue, today=today) for path, month in new]
        added = [receipt for receipt in commit_loads(project, prepared) if not receipt.skipped]
    else:
        added = []
    build.remember_extracts_state(project, files)
    return added


__all__ = [
    "PreparedLoad",
    "commit_loads",
    "empty_table",
    "ensure_store",
    "extract_files",
    "load_file",
    "month_from_filename",
    "prepare_load",
    "read_catalogue",
    "read_raw_table",
    "read_typed_table",
    "typed_table",
]
