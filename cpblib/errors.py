"""Errors that cpb reports to people: each names where the problem is."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class CpbError(Exception):
    """Base class for errors cpb reports to its user as one clear line."""


@dataclass(eq=False)
class InputError(CpbError):
    """A problem in an input file, located by file, row and column.

    ``row`` is the row number a person sees when opening the file (the
    header is row 1 in a CSV; in a workbook, the sheet's own row number).

    >>> str(InputError("values.csv", "value is not a number: 'abc'", row=12, column="value"))
    "values.csv, row 12, column 'value': value is not a number: 'abc'"
    """

    file: str | Path
    message: str
    row: int | None = None
    column: str | None = None
    indicator: str | None = None

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [Path(self.file).name if self.file else "input"]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        if self.indicator is not None:
            where.append(f"indicator '{self.indicator}'")
        return f"{', '.join(where)}: {self.message}"


class ConfigError(CpbError):
    """``cpb.toml`` is missing, unreadable or holds a bad key or value."""


class StoreError(CpbError):
    """The data store cannot be read or written as asked."""
