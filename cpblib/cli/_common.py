"""Shared pieces of the command line: options, month parsing, error reporting."""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ..errors import ConfigError, CpbError, os_error_text
from ..month import Month, MonthError
from ..period import Period
from ..present.escape import console_text as escape
from ..project import Project

console = Console(emoji=False)
err_console = Console(stderr=True, emoji=False)

ProjectOption = Annotated[
    Path | None,
    typer.Option("--project", "-p", help="Project folder (default: the nearest folder with a cpb.toml)."),
]


PREVIOUS = "previous"


def parse_month(value: str) -> Month | str:
    """The report month or quarter from the command line: a month (``2023-03``, ``Mar 23``), a quarter in any
    form :meth:`cpblib.period.Period.parse` reads (``Q4 2019/20``, ``2019-20-Q4``: kept as written, and read
    with the project's calendar by :func:`report_period`), or ``previous`` (last calendar month, or the
    latest quarter ended by then)."""
    if value.strip().lower() == PREVIOUS:
        return PREVIOUS
    month = Month.try_parse(value)
    if month is None:
        problems = []
        for start in (4, 1):  # the project's own year start is known later: the form must read with one
            try:
                Period.parse(value, financial_year_start=start)
                return value.strip()
            except MonthError as exc:
                problems.append(str(exc))
        raise typer.BadParameter(problems[0])
    if month > Month.today():
        raise typer.BadParameter(f"{month} is in the future")
    return month


MonthOption = Annotated[
    Month,
    typer.Option(
        "--month",
        "--period",
        "-m",
        parser=parse_month,
        help="Report month (e.g. 2023-03), or quarter for a quarterly project (e.g. 'Q4 2019/20'), or 'previous'.",
        metavar="PERIOD",
    ),
]


def report_period(project: Project, value: Month | str) -> Month:
    """The month or quarter ``--month`` names, as the project reports (``[calendar] cadence``); a
    :class:`~cpblib.errors.ConfigError` (one line, exit code 1) when it is not one the project makes a pack for."""
    calendar = project.config.calendar
    try:
        if value == PREVIOUS:
            return calendar.report_period(Month.today() - 1, latest=True)
        period = calendar.report_period(value)
    except MonthError as exc:
        raise ConfigError(f"--month: {exc}") from None
    if period > Month.today():
        raise ConfigError(f"--month: {period.label} is in the future")
    return period


def open_project(project_dir: Path | None) -> Project:
    return Project.open(project_dir)


EXIT_ERROR = 1
"""Exit code of a command that failed on something the user can fix: input, settings, files, folders."""
EXIT_INTERRUPTED = 130
"""Exit code of a command stopped by Ctrl-C or a stop signal (what shells report for Ctrl-C)."""


def error_line(message: str) -> None:
    """Print ``error: message`` on stderr as one line (the message is untrusted text)."""
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, markup=True, soft_wrap=True)


def reports_errors(func):
    """Turn every failure into one clear line on stderr and an exit code, never a traceback: 1 for
    cpb's own errors and files or folders that cannot be read or written, 130 when interrupted.
    Anything else is a fault in cpb, reported in one line too (exit 1); ``CPB_DEBUG=1`` shows
    where it happened."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except CpbError as exc:
            error_line(str(exc))
        except OSError as exc:
            error_line(os_error_text(exc))
        except KeyboardInterrupt:
            error_line("interrupted (nothing half-written is kept)")
            sys.exit(EXIT_INTERRUPTED)
        except Exception as exc:
            if os.environ.get("CPB_DEBUG"):
                raise
            error_line(f"unexpected {type(exc).__name__} (a fault in cpb): {exc}; run with CPB_DEBUG=1 to see where")
        sys.exit(EXIT_ERROR)

    return wrapper
