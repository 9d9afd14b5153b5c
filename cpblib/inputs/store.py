"""The append-only store of every value ever loaded (a DuckDB file).

Nothing in the store is ever updated or deleted. Each load of a file adds a
row to ``loads`` and its values to ``observations``; recording a publication
adds a row to ``publications`` naming the highest load the published pack
included. So the values *as published* for any month can always be read back
exactly, however many corrections are loaded later.

Tables owned here (other modules may add their own ``dfe_*`` tables to the
same file; this module never touches them):

* ``loads``: load_id, loaded_at (UTC), month ('YYYY-MM'), source_file,
  sha256 (of the file's bytes, and of the sheet's name when ``cpb load --sheet``
  named one), row_count, extracted_on (date or null), note;
* ``observations``: load_id, indicator, period, value, missing_reason,
  numerator, denominator, note, source_row, figure, span, provisional;
* ``publications``: month, load_id (the highest load included), published_at (UTC).

A figure is an indicator's value for a period, told apart by ``period`` (its
last month, ``YYYY-MM``), ``figure`` (blank for the indicator's main figure, else
the unit of its second figure, e.g. ``count``) and ``span`` (blank for the
indicator's own period, else ``quarter`` or ``year``): a March monthly figure, the
Q4 figure ending in March and the year's figure ending in March are three figures.
``provisional`` marks a figure its extract said may change.

The value of a figure *as at* a report month is the one in the
load with the latest report month not after it (ties: the later load), among
loads not after that month's publication cut-off when it was published.

Stores written before figures, spans and provisional marks existed are read as
they are (every figure main, of its own period, not provisional); the first load
that writes to such a store adds the three columns to ``observations``, filled in
for the rows it adds only: nothing already stored is rewritten.

>>> import tempfile, pathlib, pandas as pd
>>> path = pathlib.Path(tempfile.mkdtemp()) / "cpb.duckdb"
>>> march = pd.DataFrame({"indicator": ["cic-number"], "period": ["2023-03"], "value": [437.0]})
>>> with Store.open(path, read_only=False) as store:
...     receipt = store.add_load(march, "2023-03", "2023-03.csv", sha256="ab12")
...     store.values(as_at="2023-03")[["indicator", "period", "value", "load_id"]].values.tolist()
[['cic-number', '2023-03', 437.0, 1]]
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..errors import StoreError
from ..month import Month, MonthError
from .extract import VALUES_COLUMNS

if TYPE_CHECKING:
    import duckdb

OBSERVATION_COLUMNS: tuple[str, ...] = VALUES_COLUMNS
"""Columns :meth:`Store.add_load` reads from its observations frame (all but indicator, period and value optional)."""

VALUES_VIEW_COLUMNS: tuple[str, ...] = (
    "indicator",
    "period",
    "value",
    "missing_reason",
    "numerator",
    "denominator",
    "note",
    "load_id",
    "source_file",
    "source_row",
    "figure",
    "span",
    "provisional",
)

REVISION_COLUMNS: tuple[str, ...] = (
    "indicator",
    "period",
    "previous_value",
    "value",
    "previous_missing_reason",
    "missing_reason",
    "previous_load_id",
    "load_id",
    "figure",
    "span",
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS loads (
    load_id      INTEGER PRIMARY KEY,
    loaded_at    TIMESTAMP NOT NULL,
    month        VARCHAR NOT NULL,
    source_file  VARCHAR NOT NULL,
    sha256       VARCHAR NOT NULL,
    row_count    INTEGER NOT NULL,
    extracted_on DATE,
    note         VARCHAR
);
CREATE TABLE IF NOT EXISTS observations (
    load_id        INTEGER NOT NULL,
    indicator      VARCHAR NOT NULL,
    period         VARCHAR NOT NULL,
    value          DOUBLE,
    missing_reason VARCHAR,
    numerator      DOUBLE,
    denominator    DOUBLE,
    note           VARCHAR,
    source_row     INTEGER,
    figure         VARCHAR,
    span           VARCHAR,
    provisional    BOOLEAN
);
CREATE TABLE IF NOT EXISTS publications (
    month        VARCHAR NOT NULL,
    load_id      INTEGER NOT NULL,
    published_at TIMESTAMP NOT NULL
);
"""

_TABLES = ("loads", "observations", "publications")

ADDED_COLUMNS = {"figure": "VARCHAR", "span": "VARCHAR", "provisional": "BOOLEAN"}
"""Columns of ``observations`` added after the first stores were written, with their types: a store that lacks
them is read as if they were blank, and gets them (blank for the rows it has) when it is next written to."""

_FIGURE_KEY = ("indicator", "period", "figure", "span")


@dataclass(frozen=True)
class LoadReceipt:
    """What a load added (or, when ``skipped``, that the same file was already loaded).

    ``indicators`` and ``periods`` list what the load holds; ``missing`` counts
    missing values by reason; ``ignored_columns`` and ``skipped_rows`` are filled
    in by :func:`cpblib.inputs.load.load_file` from the file it read.
    """

    load_id: int | None
    month: str
    source_file: str
    sha256: str
    row_count: int
    loaded_at: _dt.datetime | None = None
    extracted_on: _dt.date | None = None
    skipped: bool = False
    indicators: tuple[str, ...] = ()
    periods: tuple[str, ...] = ()
    missing: dict[str, int] = field(default_factory=dict)
    layout: str | None = None
    sheet: str | None = None
    ignored_columns: tuple[str, ...] = ()
    skipped_rows: tuple[int, ...] = ()


def _month_text(month: Month | str) -> str:
    try:
        return str(Month.parse(month))
    except MonthError as exc:
        raise StoreError(str(exc)) from None


def _utc_now() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC).replace(tzinfo=None)


def _objects(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """Text columns as Python objects with None for empty (DuckDB returns pandas strings with NaN)."""
    return frame.assign(**{c: frame[c].astype(object).where(frame[c].notna(), None) for c in columns if c in frame})


class Store:
    """Read and append to a cpb store. Open it with :meth:`Store.open`."""

    def __init__(self, connection: duckdb.DuckDBPyConnection, path: Path, read_only: bool):
        self._con = connection
        self.path = path
        self.read_only = read_only

    # -- opening -----------------------------------------------------------------------------
    @classmethod
    @contextmanager
    def open(cls, path: Path | str, read_only: bool = True) -> Iterator[Store]:
        """Open the store at ``path`` for the length of a ``with`` block.

        Read-only opening never changes the file. A store that does not exist
        yet, or a file holding none of the store's tables, reads as an empty
        store (nothing is created on disk). Opening for writing creates the
        file and tables as needed.

        >>> import tempfile, pathlib
        >>> missing = pathlib.Path(tempfile.mkdtemp()) / "none.duckdb"
        >>> with Store.open(missing) as store:
        ...     len(store.loads()), store.published_months()
        (0, [])
        >>> missing.exists()
        False
        """
        import duckdb  # imported here: a command that finds everything current never opens the store

        path = Path(path)
        try:
            if read_only and not path.exists():
                connection = duckdb.connect(":memory:")
                connection.execute(_SCHEMA)
            else:
                if not read_only:
                    path.parent.mkdir(parents=True, exist_ok=True)
                connection = duckdb.connect(str(path), read_only=read_only)
                cls._prepare(connection, read_only)
        except duckdb.Error as exc:
            raise StoreError(f"cannot open the store {path}: {_first_line(exc)}") from None
        try:
            yield cls(connection, path, read_only)
        except duckdb.Error as exc:  # e.g. a block of the file damaged on disk, found only when read
            raise StoreError(damaged_store(path, exc)) from None
        finally:
            connection.close()

    @staticmethod
    def _prepare(connection: duckdb.DuckDBPyConnection, read_only: bool) -> None:
        present = {
            name
            for (name,) in connection.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_catalog = current_database()"
            ).fetchall()
        }
        if set(_TABLES) <= present:
            return
        if read_only:
            if present & set(_TABLES):
                raise StoreError(f"the store is incomplete: it has {', '.join(sorted(present & set(_TABLES)))} only")
            connection.execute(_SCHEMA.replace("CREATE TABLE", "CREATE TEMP TABLE"))
        else:
            connection.execute(_SCHEMA)

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError("the store was opened read-only")

    def _observation_columns(self) -> set[str]:
        return {row[1] for row in self._con.execute("PRAGMA table_info('observations')").fetchall()}

    def _added(self) -> str:
        """``figure, span, provisional`` as a SELECT list over ``observations`` (``o``): the columns, or blanks in a
        store written before they existed."""
        present = self._observation_columns()
        return ", ".join(
            f"o.{name}" if name in present else f"CAST(NULL AS {kind}) AS {name}"
            for name, kind in ADDED_COLUMNS.items()
        )

    def _add_columns(self) -> None:
        """Give ``observations`` the columns added since it was written (blank for the rows it has)."""
        present = self._observation_columns()
        for name, kind in ADDED_COLUMNS.items():
            if name not in present:
                self._con.execute(f"ALTER TABLE observations ADD COLUMN {name} {kind}")

    # -- writing -----------------------------------------------------------------------------
    def add_load(
        self,
        observations: pd.DataFrame,
        month: Month | str,
        source_file: str,
        sha256: str,
        extracted_on: _dt.date | None = None,
        note: str | None = None,
    ) -> LoadReceipt:
        """Append one load in a single transaction (rolled back on any error).

        ``observations`` is a values frame (``indicator``, ``period``,
        ``value``; optionally ``missing_reason``, ``numerator``,
        ``denominator``, ``note``, ``source_row``), one row per indicator and period.

        >>> import pandas as pd
        >>> frame = pd.DataFrame({"indicator": ["eet"], "period": ["2023-02"], "value": [float("nan")],
        ...                       "missing_reason": ["suppressed (c): confidential or small number"]})
        >>> with Store.open(":memory:", read_only=False) as store:
        ...     receipt = store.add_load(frame, "2023-03", "2023-03.csv", sha256="ff00")
        ...     receipt.load_id, receipt.row_count, receipt.missing
        (1, 1, {'suppressed (c): confidential or small number': 1})
        """
        import duckdb

        self._writable()
        month_text = _month_text(month)
        frame = self._observation_frame(observations)
        loaded_at = _utc_now()
        con = self._con
        con.execute("BEGIN TRANSACTION")
        try:
            self._add_columns()
            (load_id,) = con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM loads").fetchone()
            con.execute(
                "INSERT INTO loads VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [load_id, loaded_at, month_text, source_file, sha256, len(frame), extracted_on, note],
            )
            con.register("_incoming", frame)
            try:
                con.execute(
                    f"""INSERT INTO observations (load_id, indicator, period, value, missing_reason, numerator,
                            denominator, note, source_row, figure, span, provisional)
                        SELECT {load_id}, indicator, period, value, missing_reason, numerator, denominator, note,
                            source_row, figure, span, provisional
                        FROM _incoming"""
                )
            finally:
                con.unregister("_incoming")
            con.execute("COMMIT")
        except BaseException as exc:
            con.execute("ROLLBACK")
            if isinstance(exc, duckdb.Error):
                raise StoreError(f"the load was not saved: {_first_line(exc)}") from None
            raise
        missing = frame["missing_reason"].dropna().value_counts()
        return LoadReceipt(
            load_id=int(load_id),
            month=month_text,
            source_file=source_file,
            sha256=sha256,
            row_count=len(frame),
            loaded_at=loaded_at,
            extracted_on=extracted_on,
            indicators=tuple(pd.unique(frame["indicator"])),
            periods=tuple(sorted(pd.unique(frame["period"]))),
            missing={str(k): int(v) for k, v in missing.items()},
        )

    @staticmethod
    def _observation_frame(observations: pd.DataFrame) -> pd.DataFrame:
        absent = [c for c in ("indicator", "period", "value") if c not in observations]
        if absent:
            raise StoreError(f"observations lack the column(s) {', '.join(absent)}")
        frame = observations.reindex(columns=list(OBSERVATION_COLUMNS))
        if frame[["indicator", "period"]].isna().any().any():
            raise StoreError("every observation needs an indicator and a period")
        duplicated = frame.duplicated(list(_FIGURE_KEY))
        if duplicated.any():
            first = frame.loc[duplicated].iloc[0]
            raise StoreError(f"observations give {first['indicator']} for {first['period']} twice")
        typed = frame.assign(
            value=pd.to_numeric(frame["value"]).astype("float64"),
            numerator=pd.to_numeric(frame["numerator"]).astype("float64"),
            denominator=pd.to_numeric(frame["denominator"]).astype("float64"),
            source_row=pd.to_numeric(frame["source_row"]).astype("Int64"),
            provisional=frame["provisional"].astype(object).where(frame["provisional"].notna(), False).astype(bool),
        )
        typed = _objects(typed, ("indicator", "period", "missing_reason", "note", "figure", "span"))
        no_value = typed["value"].isna() & typed["missing_reason"].isna()
        return typed.assign(missing_reason=typed["missing_reason"].where(~no_value, "blank"))

    def record_publication(self, month: Month | str, *, republish: bool = False) -> int:
        """Record that the pack for ``month`` was published with everything loaded so far.

        Returns the cut-off load id. Recording again changes nothing when
        nothing for the month has been loaded since. When something has, the
        month is only published again with ``republish=True`` (an explicit new
        render): a new publication row is added and the earlier one is kept, so
        a published pack is never silently redefined.

        >>> import pandas as pd
        >>> with Store.open(":memory:", read_only=False) as store:
        ...     _ = store.add_load(pd.DataFrame({"indicator": ["eet"], "period": ["2023-03"], "value": [58.0]}), "2023-03", "a.csv", "a1")
        ...     store.record_publication("2023-03"), store.published_months(), store.has_load("a1", "2023-03")
        (1, ['2023-03'], True)
        """
        self._writable()
        month_text = _month_text(month)
        con = self._con
        con.execute("BEGIN TRANSACTION")
        try:
            (cutoff,) = con.execute("SELECT max(load_id) FROM loads WHERE month <= ?", [month_text]).fetchone()
            if cutoff is None:
                raise StoreError(f"nothing has been loaded for {month_text} or before, so it cannot be published")
            earlier = con.execute(
                "SELECT load_id, published_at FROM publications WHERE month = ?", [month_text]
            ).fetchone()
            if earlier is not None:
                if earlier[0] != cutoff and not republish:
                    raise StoreError(
                        f"{month_text} was published on {earlier[1]:%Y-%m-%d %H:%M} UTC with loads up to {earlier[0]}; "
                        f"load {cutoff} came later and a published month is not republished"
                    )
                if earlier[0] == cutoff:
                    con.execute("ROLLBACK")
                    return int(cutoff)
            con.execute("INSERT INTO publications VALUES (?, ?, ?)", [month_text, cutoff, _utc_now()])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return int(cutoff)

    # -- reading -----------------------------------------------------------------------------
    def loads(self) -> pd.DataFrame:
        """Every load, oldest first."""
        frame = self._con.execute("SELECT * FROM loads ORDER BY load_id").df()
        return _objects(frame, ("month", "source_file", "sha256", "note"))

    def has_load(self, sha256: str, month: Month | str) -> bool:
        """Whether a file with these bytes was already loaded for ``month``."""
        row = self._con.execute(
            "SELECT count(*) FROM loads WHERE sha256 = ? AND month = ?", [sha256, _month_text(month)]
        ).fetchone()
        return bool(row[0])

    def find_load(self, sha256: str, month: Month | str) -> dict | None:
        """The earliest load of a file with these bytes for ``month``, as a dict, or None."""
        frame = self._con.execute(
            "SELECT * FROM loads WHERE sha256 = ? AND month = ? ORDER BY load_id LIMIT 1", [sha256, _month_text(month)]
        ).df()
        return None if frame.empty else _objects(frame, ("month", "source_file", "sha256", "note")).iloc[0].to_dict()

    def published_months(self) -> list[str]:
        """Months with a recorded publication, oldest first."""
        return [m for (m,) in self._con.execute("SELECT DISTINCT month FROM publications ORDER BY month").fetchall()]

    def publication(self, month: Month | str) -> dict | None:
        """The latest publication record of ``month`` (month, load_id, published_at), or None."""
        row = self._con.execute(
            "SELECT month, load_id, published_at FROM publications WHERE month = ? ORDER BY published_at DESC, load_id DESC LIMIT 1",
            [_month_text(month)],
        ).fetchone()
        return None if row is None else {"month": row[0], "load_id": int(row[1]), "published_at": row[2]}

    def values(self, as_at: Month | str | None = None, *, as_published: bool = True) -> pd.DataFrame:
        """The value of each (indicator, period) as known for report month ``as_at``.

        Only loads for months up to ``as_at`` count; if ``as_at`` was published
        (and ``as_published`` is true), only loads up to its recorded cut-off;
        ``as_published=False`` reads every load for those months, as a new
        render of the month does. Among those, the load for the
        latest month wins (ties: the later load). ``as_at=None`` reads
        everything loaded. Columns: :data:`VALUES_VIEW_COLUMNS`.

        >>> import pandas as pd
        >>> def obs(*values):
        ...     return pd.DataFrame({"indicator": "cic-number", "period": ["2023-01", "2023-02"][: len(values)], "value": values})
        >>> with Store.open(":memory:", read_only=False) as store:
        ...     _ = store.add_load(obs(441.0), "2023-01", "2023-01.csv", "a1")
        ...     cutoff = store.record_publication("2023-01")
        ...     _ = store.add_load(obs(445.0), "2023-01", "late.csv", "b2")   # a correction after publication
        ...     _ = store.add_load(obs(445.0, 437.0), "2023-02", "2023-02.csv", "c3")
        ...     store.values(as_at="2023-01")["value"].tolist(), store.values(as_at="2023-02")["value"].tolist()
        ([441.0], [445.0, 437.0])
        """
        month_text = None if as_at is None else _month_text(as_at)
        publication = None if month_text is None or not as_published else self.publication(month_text)
        cutoff = None if publication is None else publication["load_id"]
        frame = self._con.execute(
            f"""
            WITH eligible AS (
                SELECT load_id, month, source_file FROM loads
                WHERE ($month IS NULL OR month <= $month) AND ($cutoff IS NULL OR load_id <= $cutoff)
            ),
            figures AS (
                SELECT o.load_id, o.indicator, o.period, o.value, o.missing_reason, o.numerator, o.denominator,
                       o.note, o.source_row, {self._added()}
                FROM observations o
            ),
            ranked AS (
                SELECT f.*, e.source_file,
                       row_number() OVER (
                           PARTITION BY f.indicator, f.period, f.figure, f.span ORDER BY e.month DESC, f.load_id DESC
                       ) AS rank
                FROM figures f JOIN eligible e USING (load_id)
            )
            SELECT indicator, period, value, missing_reason, numerator, denominator, note, load_id, source_file,
                   source_row, figure, span, coalesce(provisional, false) AS provisional
            FROM ranked WHERE rank = 1
            ORDER BY indicator, period, figure NULLS FIRST, span NULLS FIRST
            """,
            {"month": month_text, "cutoff": cutoff},
        ).df()
        frame = frame.astype({"value": "float64", "numerator": "float64", "denominator": "float64"})
        frame = frame.astype({"load_id": "int64", "source_row": "Int64", "provisional": "bool"})
        text = ("indicator", "period", "missing_reason", "note", "source_file", "figure", "span")
        return _objects(frame, text).reset_index(drop=True)

    def first_published_at(self, month: Month | str):
        """When ``month`` was first published (a UTC timestamp), or None."""
        row = self._con.execute(
            "SELECT min(published_at) FROM publications WHERE month = ?", [_month_text(month)]
        ).fetchone()
        return row[0]

    def previous_published(self, month: Month | str) -> str | None:
        """The latest published month before ``month``, or None."""
        month_text = _month_text(month)
        row = self._con.execute("SELECT max(month) FROM publications WHERE month < ?", [month_text]).fetchone()
        return row[0]

    def revisions(self, month: Month | str, since: Month | str | None = None) -> pd.DataFrame:
        """Values as at ``month`` that differ from the view as at ``since``.

        ``since`` defaults to the latest published month before ``month``, or
        the month before. A row differs when its value changed or it became
        (or stopped being) missing; values first given for ``month`` are not
        revisions. Columns: :data:`REVISION_COLUMNS`.

        >>> import pandas as pd
        >>> with Store.open(":memory:", read_only=False) as store:
        ...     _ = store.add_load(pd.DataFrame({"indicator": ["eet"], "period": ["2023-01"], "value": [59.0]}), "2023-01", "a.csv", "a1")
        ...     _ = store.add_load(pd.DataFrame({"indicator": ["eet"], "period": ["2023-01"], "value": [61.0]}), "2023-02", "b.csv", "b2")
        ...     store.revisions("2023-02")[["indicator", "period", "previous_value", "value", "previous_load_id", "load_id"]].values.tolist()
        [['eet', '2023-01', 59.0, 61.0, 1, 2]]
        """
        month_text = _month_text(month)
        if since is None:
            since = self.previous_published(month_text) or str(Month.parse(month_text) - 1)
        before = self.values(as_at=since)
        after = self.values(as_at=month_text)
        merged = before.merge(after, on=list(_FIGURE_KEY), suffixes=("_before", ""), how="inner")
        was_missing, is_missing = merged["value_before"].isna(), merged["value"].isna()
        changed = (was_missing != is_missing) | (
            ~was_missing & ~is_missing & (merged["value_before"] != merged["value"])
        )
        return (
            merged.loc[changed]
            .rename(
                columns={
                    "value_before": "previous_value",
                    "missing_reason_before": "previous_missing_reason",
                    "load_id_before": "previous_load_id",
                }
            )
            .loc[:, list(REVISION_COLUMNS)]
            .reset_index(drop=True)
        )


def damaged_store(path: Path, exc: Exception) -> str:
    """The message for a store that opened but could not be read or written to the end."""
    return (
        f"the store {path} cannot be read or written ({_first_line(exc)}). "
        "Restore it from a backup, or move it aside and run cpb again to rebuild it from the extracts"
    )


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
