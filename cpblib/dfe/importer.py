"""Importing DfE files into the store: read everything first, then write once.

A file already in the store (same SHA-256) is not read again. Every other
file is read and checked in full before the store is opened for writing, and
all new releases go in one transaction: if any file is refused, the store is
left exactly as it was.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from ..errors import InputError
from .readers import SUFFIXES, read_release
from .store import stored_hashes, write_releases

REPORT_COLUMNS = ("file", "dataset", "release", "status", "rows")


def expand_paths(paths: Iterable[Path | str]) -> tuple[list[Path], list[Path]]:
    """Files to import, and files passed over: a folder stands for the data files in it (not below it).

    Named files are all kept (an unknown one is refused later); in a folder,
    only ``.csv``, ``.parquet``, ``.xlsx`` and ``.ods`` files are taken.

    >>> expand_paths([])
    ([], [])
    """
    files: list[Path] = []
    passed: list[Path] = []
    for item in paths:
        path = Path(item).expanduser()
        if path.is_dir():
            for child in sorted(path.iterdir()):
                if not child.is_file() or child.name.startswith((".", "~$")):
                    continue
                (files if child.suffix.lower() in SUFFIXES else passed).append(child)
        else:
            files.append(path)
    unique: dict[Path, None] = {}
    for file in files:
        unique.setdefault(file.resolve() if file.exists() else file, None)
    return list(unique), passed


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except FileNotFoundError:
        raise InputError(path.name, f"file not found: {path}") from None
    except OSError as exc:
        raise InputError(path.name, f"cannot be read: {exc.strerror or exc}") from None
    return digest.hexdigest()


def import_files(
    store_path: Path | str, paths: Iterable[Path | str], imported_at: _dt.datetime | None = None
) -> pd.DataFrame:
    """Import DfE files into the store; returns one row per file (columns :data:`REPORT_COLUMNS`).

    ``status`` is ``imported``, ``already imported`` (same file stored
    before, or named twice) or ``not a data file`` (passed over in a folder).

    >>> import tempfile
    >>> import_files(Path(tempfile.mkdtemp()) / "cpb.duckdb", []).empty
    True
    """
    files, passed = expand_paths(paths)
    stored = stored_hashes(store_path) if files else {}
    report: list[tuple] = []
    fresh = []
    seen: dict[str, str] = {}
    for path in files:
        if not path.is_file():
            raise InputError(path.name, f"file not found: {path}")
        sha = _sha256(path)
        if sha in stored:
            release, dataset = stored[sha]
            report.append((path.name, dataset, release, "already imported", 0))
            continue
        if sha in seen:
            report.append((path.name, None, None, f"already imported (same file as {seen[sha]})", 0))
            continue
        seen[sha] = path.name
        fresh.append(read_release(path))
    if fresh:
        written = write_releases(store_path, fresh, imported_at)
        report.extend(written.itertuples(index=False, name=None))
    report.extend((p.name, None, None, "not a data file", 0) for p in passed)
    order = {p.name: i for i, p in enumerate([*files, *passed])}
    frame = pd.DataFrame(report, columns=list(REPORT_COLUMNS))
    return frame.sort_values("file", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
