"""``cpb render``: publish the month's pack as a website and an A4 PDF, attended or scheduled."""

from __future__ import annotations

import signal
import sys
from enum import Enum
from typing import Annotated

import typer
from typer.core import TyperCommand

from ..errors import CpbError, os_error_text
from ..present.escape import terminal_text
from . import app
from ._common import MonthOption, ProjectOption, console, err_console, open_project, report_period
from ._run import ForceOption, WorkersOption, page_progress


class Engine(str, Enum):
    auto = "auto"
    quarto = "quarto"
    builtin = "builtin"


_UsageError = typer.BadParameter.__base__  # click's UsageError, as the click bundled with typer defines it


class RenderCommand(TyperCommand):
    """``cpb render`` with its own exit codes for usage errors: a bad ``--month`` or option is bad input (1),
    not click's 2, which a scheduler would read as "data checks failed"."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except _UsageError as exc:
            exc.exit_code = 1
            raise


@app.command(cls=RenderCommand)
def render(
    month: MonthOption,
    engine: Annotated[
        Engine,
        typer.Option(
            "--engine",
            help="auto: Quarto when installed and the project has a _quarto.yml, else the built-in renderer.",
        ),
    ] = Engine.auto,
    project_dir: ProjectOption = None,
    workers: WorkersOption = None,
    force: ForceOption = False,
) -> None:
    """Check the data, run the notebooks (or re-use them) and publish the site and the PDF.

    Exit codes: 0 published; 1 bad input or settings; 2 data checks failed;
    3 a notebook failed; 4 rendering failed; 5 another render is running;
    130 interrupted (Ctrl-C or a stop signal).
    Every render appends a line saying what happened to _build/render.log.
    """
    from ..interrupt import ask_to_stop, forget, quiet_unraisable
    from ..publish import Outcome
    from ..workflow import Run, publish_month

    try:
        project = open_project(project_dir)
        month = report_period(project, month)
    except (CpbError, OSError) as exc:
        text = os_error_text(exc) if isinstance(exc, OSError) else str(exc)
        err_console.print(f"error: {terminal_text(text)}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(int(Outcome.BAD_INPUT))
    # Ctrl-C and a scheduler's stop (SIGTERM) both end the render cleanly, and are never lost on the way.
    previous = {signum: signal.signal(signum, ask_to_stop) for signum in (signal.SIGINT, signal.SIGTERM)}
    sys.unraisablehook = quiet_unraisable
    try:
        with page_progress(month) as progress:
            run = Run(project, month, engine=engine.value, force=force, workers=workers)
            outcome, line = publish_month(run, progress)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        sys.unraisablehook = sys.__unraisablehook__
        forget()
    (console if outcome is Outcome.PUBLISHED else err_console).print(
        line, markup=False, highlight=False, soft_wrap=True
    )
    if outcome is not Outcome.PUBLISHED:
        sys.exit(int(outcome))
