"""Shared pieces of the command line: options, month parsing, error reporting."""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ..errors import CpbError
from ..month import Month, MonthError
from ..present.escape import console_text as escape
from ..project import Project

console = Console(emoji=False)
err_console = Console(stderr=True, emoji=False)

ProjectOption = Annotated[
    Path | None,
    typer.Option("--project", "-p", help="Project folder (default: the nearest folder with a cpb.toml)."),
]


def parse_month(value: str) -> Month:
    """Month from the command line: ``2023-03``, ``Mar 23``, or ``previous`` (last calendar month)."""
    if value.strip().lower() == "previous":
        return Month.today() - 1
    try:
        month = Month.parse(value)
    except MonthError as exc:
        raise typer.BadParameter(str(exc)) from None
    if month > Month.today():
        raise typer.BadParameter(f"{month} is in the future")
    return month


MonthOption = Annotated[
    Month,
    typer.Option(
        "--month", "-m", parser=parse_month, help="Report month, e.g. 2023-03, or 'previous'.", metavar="YYYY-MM"
    ),
]


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
