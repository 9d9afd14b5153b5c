"""``cpb render``: publish the month's pack as a website and an A4 PDF, attended or scheduled."""

from __future__ import annotations

import sys
import traceback
from enum import Enum
from typing import Annotated

import typer
from typer.core import TyperCommand

from ..errors import CpbError
from . import app
from ._common import MonthOption, ProjectOption, console, err_console, open_project
from ._run import ForceOption, WorkersOption, run_pack


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
        Engine, typer.Option("--engine", help="auto: Quarto when installed, else the built-in renderer.")
    ] = Engine.auto,
    project_dir: ProjectOption = None,
    workers: WorkersOption = None,
    force: ForceOption = False,
) -> None:
    """Check the data, run the notebooks (or re-use them) and publish the site and the PDF.

    Exit codes: 0 published; 1 bad input or settings; 2 data checks failed;
    3 a notebook failed; 4 rendering failed; 5 another render is running.
    Every render appends a line saying what happened to _build/render.log.
    """
    from ..checks import ChecksFailed
    from ..execute._execute import NotebookFailed
    from ..publish._month import EngineUnavailable, Outcome, RenderLocked, log_line, publish, render_lock

    try:
        project = open_project(project_dir)
    except CpbError as exc:
        err_console.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(int(Outcome.BAD_INPUT))
    outcome, message = Outcome.PUBLISHED, ""
    try:
        with render_lock(project):
            done = publish(
                project, month, engine=engine.value, force=force,
                run=lambda p, m: run_pack(p, m, workers=workers, force=force),
            )  # fmt: skip
        index = done.site_dir / "index.html"
        message = (
            f"{month.label} published with the {done.engine} engine"
            f"{'' if done.rendered else ' (unchanged since the last render)'}: open {index} ; PDF {done.pdf}"
            f"{f' ; website and PDF written in {done.seconds:.1f} s' if done.rendered else ''}"
        )
    except RenderLocked as exc:
        outcome, message = Outcome.LOCKED, str(exc)
    except ChecksFailed as exc:
        outcome, message = Outcome.CHECKS_FAILED, str(exc)
    except NotebookFailed as exc:
        outcome, message = Outcome.NOTEBOOK_FAILED, str(exc)
    except EngineUnavailable as exc:
        outcome, message = Outcome.BAD_INPUT, str(exc)
    except CpbError as exc:
        from ..errors import InputError

        outcome = Outcome.BAD_INPUT if isinstance(exc, InputError) else Outcome.RENDER_FAILED
        message = str(exc)
    except Exception as exc:  # a crash (disk full, a bug): still logged, still not published, details on stderr  # noqa: BLE001 (reported, never raised past this boundary)
        traceback.print_exc(file=sys.stderr)
        outcome, message = Outcome.RENDER_FAILED, f"unexpected {type(exc).__name__}: {exc}"
    line = log_line(project, month, outcome, message)
    (console if outcome is Outcome.PUBLISHED else err_console).print(
        line, markup=False, highlight=False, soft_wrap=True
    )
    if outcome is not Outcome.PUBLISHED:
        sys.exit(int(outcome))
