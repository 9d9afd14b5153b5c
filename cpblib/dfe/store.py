"""The DfE tables in the project's DuckDB store: the only module here that talks to DuckDB.

cpb keeps each imported DfE file as a *release*: one row in ``dfe_releases``
(release id, dataset, file name, SHA-256 of the file, when it was imported,
the latest period it holds) and its rows in the other ``dfe_`` tables, each
tagged with the release id. Releases are only ever added: importing a newer
file puts it beside the older one, so a pack built from an older release can
always be rebuilt. Importing a file already in the store (same SHA-256) does
nothing. Other modules keep their own tables in the same file; this module
reads and writes only tables whose names start with ``dfe_``.

>>> sorted(TABLES)
['areas', 'inspections', 'measures', 'neighbours', 'values']
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from ..errors import StoreError
from .readers import VALUE_COLUMNS, Release

SCHEMA_VERSION = "1"

RELEASE_COLUMNS = (
    "release",
    "dataset",
    "kind",
    "file_name",
    "sha256",
    "imported_at",
    "latest_period",
    "latest_year",
    "rows",
    "notes",
)

TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "values": (
        ("time_period", "VARCHAR"),
        ("year_end", "INTEGER"),
        ("span_label", "VARCHAR"),
        ("revision", "INTEGER"),
        ("level", "VARCHAR"),
        ("area_code", "VARCHAR"),
        ("area_name", "VARCHAR"),
        ("region_name", "VARCHAR"),
        ("filters", "VARCHAR"),
        ("measure", "VARCHAR"),
        ("value", "DOUBLE"),
        ("value_kind", "VARCHAR"),
        ("missing_reason", "VARCHAR"),
        ("raw", "VARCHAR"),
    ),
    "measures": (
        ("measure", "VARCHAR"),
        ("name", "VARCHAR"),
        ("topic", "VARCHAR"),
        ("polarity", "VARCHAR"),
        ("unit", "VARCHAR"),
        ("decimals", "INTEGER"),
        ("year_type", "VARCHAR"),
        ("quartiles", "BOOLEAN"),
    ),
    "neighbours": (
        ("model", "VARCHAR"),
        ("la_code", "VARCHAR"),
        ("la_name", "VARCHAR"),
        ("rank", "INTEGER"),
        ("neighbour", "VARCHAR"),
        ("closeness", "VARCHAR"),
    ),
    "inspections": (
        ("area_code", "VARCHAR"),
        ("la_name", "VARCHAR"),
        ("inspection_type", "VARCHAR"),
        ("inspection_date", "DATE"),
        ("publication_date", "DATE"),
        ("overall", "VARCHAR"),
    ),
    "areas": (
        ("la_code", "VARCHAR"),
        ("new_la_code", "VARCHAR"),
        ("la_name", "VARCHAR"),
        ("region_name", "VARCHAR"),
        ("year_end", "INTEGER"),
    ),
}
"""The ``dfe_<name>`` tables besides ``dfe_releases``: columns after ``release``."""

assert tuple(c for c, _ in TABLES["values"]) == VALUE_COLUMNS

_DDL = [
    "CREATE TABLE IF NOT EXISTS dfe_meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    """CREATE TABLE IF NOT EXISTS dfe_releases (
        release VARCHAR PRIMARY KEY, dataset VARCHAR NOT NULL, kind VARCHAR NOT NULL, file_name VARCHAR NOT NULL,
        sha256 VARCHAR NOT NULL UNIQUE, imported_at TIMESTAMP NOT NULL, latest_period VARCHAR, latest_year INTEGER,
        rows BIGINT NOT NULL, notes VARCHAR)""",
    *(
        f"CREATE TABLE IF NOT EXISTS dfe_{name} (release VARCHAR NOT NULL, "
        + ", ".join(f"{column} {kind}" for column, kind in columns)
        + ")"
        for name, columns in TABLES.items()
    ),
]


def _fail(store_path: Path, exc: Exception) -> StoreError:
    return StoreError(f"{Path(store_path).name}: {str(exc).splitlines()[0]}")


@contextmanager
def _connect(store_path: Path, read_only: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    try:
        connection = duckdb.connect(str(store_path), read_only=read_only)
    except duckdb.Error as exc:
        raise _fail(store_path, exc) from None
    try:
        yield connection
    except duckdb.Error as exc:  # a damaged block found only when read
        from ..inputs.store import damaged_store

        raise StoreError(damaged_store(Path(store_path), exc)) from None
    finally:
        connection.close()


def _has_releases(connection: duckdb.DuckDBPyConnection) -> bool:
    found = connection.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'dfe_releases'"
    ).fetchone()
    return bool(found and found[0])


# ----------------------------------------------------------------------------- writing
def write_releases(
    store_path: Path | str, releases: Sequence[Release], imported_at: _dt.datetime | None = None
) -> pd.DataFrame:
    """Add ``releases`` to the store in one transaction; returns what happened to each.

    A release whose file (SHA-256) is already stored is left alone
    (``status`` ``already imported``). If anything fails, nothing is written.
    """
    store_path = Path(store_path)
    when = (imported_at or _dt.datetime.now(_dt.UTC)).replace(tzinfo=None, microsecond=0)
    store_path.parent.mkdir(parents=True, exist_ok=True)
    report = []
    with _connect(store_path, read_only=False) as connection:
        try:
            connection.execute("BEGIN TRANSACTION")
            for statement in _DDL:
                connection.execute(statement)
            connection.execute(
                "INSERT INTO dfe_meta VALUES ('schema_version', ?) ON CONFLICT DO NOTHING", [SCHEMA_VERSION]
            )
            stored = dict(connection.execute("SELECT sha256, release FROM dfe_releases").fetchall())
            for item in releases:
                if item.sha256 in stored:
                    report.append((item.file, item.dataset, stored[item.sha256], "already imported", 0))
                    continue
                connection.execute(
                    f"INSERT INTO dfe_releases ({', '.join(RELEASE_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        item.release,
                        item.dataset,
                        item.kind,
                        item.file,
                        item.sha256,
                        when,
                        item.latest_period,
                        item.latest_year,
                        item.rows,
                        "; ".join(item.notes) or None,
                    ],
                )
                for name, frame in item.tables.items():
                    columns = [c for c, _ in TABLES[name]]
                    connection.register("_dfe_incoming", frame.loc[:, columns])
                    connection.execute(
                        f"INSERT INTO dfe_{name} (release, {', '.join(columns)}) "
                        f"SELECT ?, {', '.join(columns)} FROM _dfe_incoming",
                        [item.release],
                    )
                    connection.unregister("_dfe_incoming")
                stored[item.sha256] = item.release
                report.append((item.file, item.dataset, item.release, "imported", item.rows))
            connection.execute("COMMIT")
        except duckdb.Error as exc:
            connection.execute("ROLLBACK")
            raise _fail(store_path, exc) from None
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    return pd.DataFrame(report, columns=["file", "dataset", "release", "status", "rows"])


def stored_hashes(store_path: Path | str) -> dict[str, tuple[str, str]]:
    """SHA-256 of every stored file, with its (release id, dataset); empty when nothing is stored."""
    store_path = Path(store_path)
    if not store_path.is_file():
        return {}
    with _connect(store_path) as connection:
        if not _has_releases(connection):
            return {}
        rows = connection.execute("SELECT sha256, release, dataset FROM dfe_releases").fetchall()
        return {sha: (release, dataset) for sha, release, dataset in rows}


# ----------------------------------------------------------------------------- reading
class StoreReader:
    """Reads the ``dfe_`` tables through one connection; use :func:`open_store`."""

    def __init__(self, connection: duckdb.DuckDBPyConnection, store_path: Path):
        self._connection = connection
        self._path = store_path

    def _query(self, sql: str, parameters: Sequence | None = None) -> pd.DataFrame:
        try:
            return self._connection.execute(sql, list(parameters or [])).df()
        except duckdb.Error as exc:
            raise _fail(self._path, exc) from None

    def releases(self) -> pd.DataFrame:
        """Every stored release, oldest first."""
        return self._query(
            f"SELECT {', '.join(RELEASE_COLUMNS)} FROM dfe_releases ORDER BY dataset, latest_year, imported_at"
        )

    def filter_sets(self, pairs: Iterable[tuple[str, str]]) -> pd.DataFrame:
        """Distinct filter texts (``release``, ``measure``, ``filters``) printed with each (release, measure)."""
        keys = pd.DataFrame(list(dict.fromkeys(pairs)), columns=["release", "measure"], dtype="object")
        return self._joined(
            "SELECT DISTINCT v.release, v.measure, v.filters FROM dfe_values v "
            "JOIN _dfe_keys k ON v.release = k.release AND v.measure = k.measure ORDER BY 1, 2, 3",
            keys,
        )

    def measures_of(self, release: str) -> list[str]:
        return self._query("SELECT DISTINCT measure FROM dfe_values WHERE release = ? ORDER BY measure", [release])[
            "measure"
        ].tolist()

    def values(self, keys: Iterable[tuple[str, str, str]]) -> pd.DataFrame:
        """Figures for each (release, measure, filter text) asked for.

        Where a release prints one area's figure for a year twice (provisional
        and revised, say), only the latest revision is returned.
        """
        wanted = pd.DataFrame(list(dict.fromkeys(keys)), columns=["release", "measure", "filters"], dtype="object")
        columns = ", ".join(f"v.{c}" for c in VALUE_COLUMNS)
        return self._joined(
            f"SELECT v.release, {columns} FROM dfe_values v JOIN _dfe_keys k "
            "ON v.release = k.release AND v.measure = k.measure AND v.filters = k.filters "
            "QUALIFY row_number() OVER (PARTITION BY v.release, v.measure, v.filters, v.level, v.area_code, "
            "v.area_name, v.year_end ORDER BY v.revision DESC) = 1",
            wanted,
        )

    def _joined(self, sql: str, keys: pd.DataFrame) -> pd.DataFrame:
        try:
            self._connection.register("_dfe_keys", keys)
            return self._connection.execute(sql).df()
        except duckdb.Error as exc:
            raise _fail(self._path, exc) from None
        finally:
            self._connection.unregister("_dfe_keys")

    def table(self, name: str, releases: Iterable[str]) -> pd.DataFrame:
        """Rows of ``dfe_<name>`` from the given releases."""
        if name not in TABLES:
            raise KeyError(name)
        columns = ", ".join(c for c, _ in TABLES[name])
        return self._query(
            f"SELECT release, {columns} FROM dfe_{name} WHERE list_contains(?, release)", [list(releases)]
        )


@contextmanager
def open_store(store_path: Path | str) -> Iterator[StoreReader]:
    """A reader over the DfE tables; a clear error when nothing has been imported yet."""
    store_path = Path(store_path)
    if not store_path.is_file():
        raise StoreError(
            f"{store_path.name}: no DfE data imported yet (run 'cpb benchmarks import' with the DfE files)"
        )
    with _connect(store_path) as connection:
        if not _has_releases(connection):
            raise StoreError(
                f"{store_path.name}: no DfE data imported yet (run 'cpb benchmarks import' with the DfE files)"
            )
        yield StoreReader(connection, store_path)
