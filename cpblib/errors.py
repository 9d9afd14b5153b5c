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


class OutsideProject(CpbError):
    """A path that leads outside the project folder (through ``..`` or a symbolic link).

    >>> print(OutsideProject("data/commentary/2023-03/profile.md", "/etc/passwd"))
    data/commentary/2023-03/profile.md leads outside the project folder, to /etc/passwd; cpb reads and writes only inside the project, or where cpb.toml's [paths] names an absolute path
    """

    def __init__(self, path: str, target: object) -> None:
        self.path, self.target = path, target
        self.reason = f"it leads outside the project folder, to {target}"
        super().__init__(
            f"{path} leads outside the project folder, to {target}; cpb reads and writes only inside the "
            "project, or where cpb.toml's [paths] names an absolute path"
        )


def os_error_text(exc: OSError) -> str:
    """One line for a file-system error, saying which file and, where it helps, what to do.

    >>> os_error_text(PermissionError(13, "Permission denied", "/p/_build/2023-03/checks.json"))
    '/p/_build/2023-03/checks.json: Permission denied (the folder or file is read-only, or belongs to another user)'
    >>> os_error_text(OSError(28, "No space left on device"))
    'No space left on device (the disk is full)'
    """
    import errno

    hints = {
        errno.EACCES: "the folder or file is read-only, or belongs to another user",
        errno.EPERM: "the folder or file is read-only, or belongs to another user",
        errno.EROFS: "the file system is read-only",
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is used up",
    }
    where = f"{exc.filename}: " if exc.filename else ""
    what = exc.strerror or type(exc).__name__
    hint = hints.get(exc.errno or 0)
    return f"{where}{what}" + (f" ({hint})" if hint else "")


def cannot_write(exc: OSError) -> bool:
    """Whether an error says the project (or a folder it names) cannot be written: the user's to fix."""
    import errno

    return exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS)


class NotebookFailed(CpbError):
    """A page's notebook raised an error while executing."""
