"""The ``cpb`` command."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from .. import __version__

app = typer.Typer(
    name="cpb",
    help="Build a Corporate Parenting Board performance pack from children's-services data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cpb {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Build a Corporate Parenting Board performance pack from children's-services data."""


def main() -> None:
    """The ``cpb`` command (and ``python -m cpblib``): runs :data:`app`, then ends the process at once.

    Every file a command writes is closed by then; what is left is Python tidying up the libraries
    it loaded (Great Expectations, pandas, Jupyter), a few tenths of a second nobody needs. The output
    is flushed first; the exit code is the command's. Under a profiler or a coverage measurement,
    Python ends as usual, so that they can write their reports.
    """
    try:
        app(prog_name="cpb")
        code = 0
    except SystemExit as exc:
        code = exit_code(exc.code)
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)  # a profiler or coverage measurement writes its report as Python ends
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: nothing more can be said
            pass
    os._exit(code)


def exit_code(code: object) -> int:
    """The process exit code of ``SystemExit(code)``, as Python would choose it (a message is printed).

    >>> exit_code(None), exit_code(3), exit_code(True)
    (0, 3, 1)
    """
    if code is None:
        return 0
    if isinstance(code, int):
        return int(code) & 0xFF
    print(code, file=sys.stderr)
    return 1


from . import _commands  # noqa: F401  (registers commands on app)
