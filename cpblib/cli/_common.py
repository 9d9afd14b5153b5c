"""Shared pieces of the command line: options, month parsing, error reporting."""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from ..errors import ConfigError, CpbError
from ..month import Month, MonthError
from ..period import Period
from ..project import Project

console = Console()
err_console = Console(stderr=True)

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


def reports_errors(func):
    """Turn cpb's own errors into one clear line on stderr and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except CpbError as exc:
            err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, markup=True, soft_wrap=True)
            sys.exit(1)

    return wrapper
