"""The month's data, read once: what the checks look at is what the scoring scores and the pages show.

:func:`read_month` reads every input of a report month from the project (the
tables as text, the values the month will publish from the store, the view
published before it, the commentary files) into one :class:`MonthData`. The
checks run on it; :func:`typed_inputs` then types the same tables for scoring
(with the official DfE figures filling benchmark gaps), so a figure cannot reach
a page without passing the checks first. This module and :mod:`cpblib.inputs.load`
are where the month's inputs are read; nothing here raises for bad input, which
the checks report.

The values a month publishes are those of its latest loads (``as_published=False``):
a correction loaded for a month already published is checked, scored and published
together, or not at all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from ..errors import CpbError, InputError, OutsideProject, StoreError
from ..month import Month
from ..project import Project
from ..scoring import Headings, benchmarks_known_by, parse_headings
from . import load
from .files import Table, read_table
from .store import LoadReceipt, Store

TABLES = ("catalogue", "targets", "benchmarks", "overrides", "annotations")
"""Project tables read as text for the checks and typed for scoring (``cpb.toml`` [paths] keys)."""


@dataclass(frozen=True)
class Loaded:
    """What loading the project's new extracts did: the loads added, or the error that stopped them
    (the store is then unchanged)."""

    receipts: tuple[LoadReceipt, ...] = ()
    problem: CpbError | None = None


def load_new_extracts(project: Project) -> Loaded:
    """Add every extract in ``data/extracts`` that is not in the store yet (all or nothing).

    A bad extract is not raised here: the checks report it, naming its file, row and column.
    """
    try:
        return Loaded(tuple(load.ensure_store(project)))
    except CpbError as exc:
        return Loaded(problem=exc)


@dataclass(frozen=True)
class MonthData:
    """Every input of one report month, as read (see the module notes)."""

    month: Month
    tables: dict[str, Table] = field(default_factory=dict)
    """The project's tables as text cells, by name (an optional table with no file is absent)."""
    files: dict[str, str] = field(default_factory=dict)
    """Input name -> the file name a report shows."""
    problems: tuple[tuple[str, CpbError], ...] = ()
    """(input name, error) for inputs that could not be read or loaded."""
    values: pd.DataFrame | None = None
    """The values the month publishes: its latest loads, periods of every month loaded up to it."""
    previous: pd.DataFrame | None = None
    """The values as published for :attr:`previous_month` (revisions are measured from them)."""
    previous_month: str | None = None
    loads: pd.DataFrame | None = None
    commentary: pd.DataFrame | None = None
    """Every commentary file: month, domain, path (from the project root), bytes."""
    new_loads: tuple[LoadReceipt, ...] = ()
    first_published: dt.datetime | None = None
    project_root: Path | None = None
    """Where the project's own expectation suites are looked for (see :mod:`cpblib.checks.suites`)."""

    @cached_property
    def catalogue(self) -> pd.DataFrame | InputError:
        """The catalogue typed as scoring reads it, or the error typing it raised."""
        try:
            return load.typed_table("catalogue", self.tables["catalogue"], project_root=self.project_root)
        except InputError as exc:
            return exc
        except KeyError:
            return InputError(self.files.get("catalogue", "catalogue"), "the catalogue could not be read")


def commentary_index(project: Project) -> pd.DataFrame:
    """Every ``<commentary>/<month>/<domain>.md`` file: month, domain, path (from the project root), bytes.

    >>> import tempfile, pathlib
    >>> from cpblib.config import parse_config
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "data/commentary/2023-03").mkdir(parents=True)
    >>> _ = (root / "data/commentary/2023-03/children-in-care.md").write_text("Numbers fell.", encoding="utf-8")
    >>> project = Project(root, parse_config('[authority]\\nname = "X"\\nla_code = "999"\\n'))
    >>> commentary_index(project).values.tolist()
    [['2023-03', 'children-in-care', 'data/commentary/2023-03/children-in-care.md', 13]]
    """
    folder = project.path("commentary")
    records = []
    if folder.is_dir():
        for path in sorted(folder.glob("*/*.md")):
            if path.name.startswith(".") or not path.is_file() or _outside(project, path, "commentary"):
                continue
            try:
                relative = path.relative_to(project.root).as_posix()
            except ValueError:
                relative = path.as_posix()
            records.append(
                {"month": path.parent.name, "domain": path.stem, "path": relative, "bytes": path.stat().st_size}
            )
    return pd.DataFrame(records, columns=["month", "domain", "path", "bytes"]).astype(
        {"month": "object", "domain": "object", "path": "object", "bytes": "int64"}
    )


def _outside(project: Project, path: Path, name: str) -> OutsideProject | None:
    """The error for a file that leads outside the project (a link), or None."""
    try:
        project.inside(path, name)
    except OutsideProject as exc:
        return exc
    return None


def commentary_links(project: Project) -> list[OutsideProject]:
    """Commentary files that are links to files outside the project (refused, never read)."""
    folder = project.path("commentary")
    found = (_outside(project, path, "commentary") for path in sorted(folder.glob("*/*.md"))) if folder.is_dir() else ()
    return [error for error in found if error is not None]


def read_month(project: Project, month: Month, loaded: Loaded | None = None) -> MonthData:
    """Read every input of the report ``month`` (see the module notes); never raises for bad input.

    ``loaded`` is what :func:`load_new_extracts` did just before: its loads and any problem are kept.
    """
    loaded = loaded or Loaded()
    tables: dict[str, Table] = {}
    files: dict[str, str] = {}
    problems: list[tuple[str, CpbError]] = []
    for name in TABLES:
        files[name] = project.path(name).name
        try:
            table = load.read_raw_table(project, name)
        except InputError as exc:
            problems.append((name, exc))
            continue
        if table is not None:
            tables[name] = table
    if loaded.problem is not None:
        problems.append(("values", loaded.problem))
    store_path = project.path("store")
    files["values"] = store_path.name
    values = previous = loads = previous_at = first_published = None
    try:
        with Store.open(store_path, read_only=True) as store:
            values = store.values(as_at=month, as_published=False)
            loads = store.loads()
            previous_at = previous_month(store.previous_published(month), loads, month)
            if previous_at is not None:
                previous = store.values(as_at=previous_at)
            first_published = store.first_published_at(month)
    except CpbError as exc:
        problems.append(("values", exc))
    files["commentary"] = project.path("commentary").name
    problems.extend(("commentary", error) for error in commentary_links(project))
    return MonthData(
        month=month,
        tables=tables,
        files=files,
        problems=tuple(problems),
        values=values,
        previous=previous,
        previous_month=previous_at,
        loads=loads,
        commentary=commentary_index(project),
        new_loads=loaded.receipts,
        first_published=first_published,
        project_root=project.root,
    )


def previous_month(published: str | None, loads: pd.DataFrame | None, month: Month) -> str | None:
    """The month whose published view revisions are measured from: the latest
    published month before ``month``, else the latest month loaded before it.

    >>> loads = pd.DataFrame({"month": ["2022-01", "2023-03"]})
    >>> previous_month(None, loads, Month(2023, 3)), previous_month("2022-12", loads, Month(2023, 3))
    ('2022-01', '2022-12')
    """
    if published:
        return published
    if loads is None or loads.empty:
        return None
    earlier = loads.loc[loads["month"].astype(str) < str(month), "month"]
    return None if earlier.empty else str(earlier.max())


def month_file(loads: pd.DataFrame | None, month: Month) -> str | None:
    """The source file of the latest load for ``month`` (where its values should be).

    >>> loads = pd.DataFrame({"load_id": [1, 2], "month": ["2023-03", "2023-03"], "source_file": ["a.csv", "b.csv"]})
    >>> month_file(loads, Month(2023, 3)), month_file(loads, Month(2023, 4))
    ('b.csv', None)
    """
    if loads is None or loads.empty:
        return None
    mine = loads.loc[loads["month"].eq(str(month))]
    return None if mine.empty else str(mine.sort_values("load_id")["source_file"].iloc[-1])


# -- typed for scoring -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MonthInputs:
    """Everything scoring needs for one report month, typed from :class:`MonthData`."""

    month: Month
    catalogue: pd.DataFrame
    values: pd.DataFrame
    targets: pd.DataFrame
    benchmarks: pd.DataFrame
    overrides: pd.DataFrame
    annotations: pd.DataFrame
    exception_headings: Headings | None = None
    """The project's exception headings, or None for cpb's own five."""
    loads: pd.DataFrame = field(default_factory=pd.DataFrame)


OLD_EXCEPTION_RULES = "data/exception_rules.csv"


def read_exception_headings(project: Project) -> Headings | None:
    """The project's own exception headings (``data/exception_headings.csv``), or None to use cpb's.

    The exception rules of earlier versions (``data/exception_rules.csv``) are refused, saying what to write.
    """
    path = project.path("exception_headings")
    if path.is_file():
        table = read_table(path, allow_empty=True)
        return parse_headings(table.frame, file=table.file, rows=table.rows)
    old = project.root / OLD_EXCEPTION_RULES
    if old.is_file():
        raise InputError(
            old.name,
            "cpb no longer reads exception rules: write the headings, their order and their rules in "
            f"{project.config.paths.exception_headings} (see docs/headings-and-comparators.md), or delete this "
            "file to use the five headings cpb ships",
        )
    return None


def official_benchmarks(
    project: Project, catalogue: pd.DataFrame, typed: pd.DataFrame, published_at: dt.datetime | None = None
) -> pd.DataFrame:
    """Typed benchmarks, with gaps filled from imported DfE releases when there are any.

    A month already published keeps the releases that were in the store when
    it was first published, so a later DfE release never changes its pack.
    """
    sources = project.path("benchmark_sources")
    if not sources.is_file() or not project.store_path.exists():
        return typed
    from .. import dfe

    try:
        if dfe.releases(project.store_path).empty:
            return typed
    except StoreError:  # nothing imported from DfE yet: the typed figures are all there is
        return typed
    release = None if published_at is None else f"{published_at:%Y-%m-%d}"
    imported = dfe.comparators(project.store_path, project.config, sources, indicators=catalogue, release=release)
    return dfe.fill_benchmarks(typed, imported)


def typed_inputs(project: Project, data: MonthData) -> MonthInputs:
    """The month's tables typed for scoring; raises the first :class:`~cpblib.errors.InputError`
    (which the checks, run first on the same data, have already reported)."""
    for _, problem in data.problems:
        raise problem
    catalogue = data.catalogue
    if isinstance(catalogue, InputError):
        raise catalogue
    params = load.project_parameters(project)
    typed = {
        name: load.typed_table(name, data.tables.get(name), catalogue, project_root=project.root, params=params)
        for name in TABLES[1:]
    }
    benchmarks = official_benchmarks(project, catalogue, typed["benchmarks"], data.first_published).pipe(
        benchmarks_known_by, data.month, project.config.comparators.lags()
    )
    return MonthInputs(
        month=data.month,
        catalogue=catalogue,
        values=data.values,
        targets=typed["targets"],
        benchmarks=benchmarks,
        overrides=typed["overrides"],
        annotations=typed["annotations"],
        exception_headings=read_exception_headings(project),
        loads=data.loads if data.loads is not None else pd.DataFrame(),
    )
