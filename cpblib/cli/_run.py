"""``cpb run`` (execute the pack's notebooks) and ``cpb commentary`` (start the month's commentary)."""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from ..present.escape import console_text
from . import app
from ._common import MonthOption, ProjectOption, console, err_console, open_project, report_period, reports_errors

WorkersOption = Annotated[
    int | None, typer.Option("--workers", "-j", help="Notebooks run at once (default: one per core).")
]
ForceOption = Annotated[bool, typer.Option("--force", help="Do every step again, even if nothing changed.")]


@contextmanager
def page_progress(month):
    """A :class:`cpblib.workflow.Progress` drawing the check report and a progress bar naming each page."""
    from ..workflow import Progress as BuildProgress

    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
        console=err_console, transient=False,
    ) as bar:  # fmt: skip
        tasks: dict[str, int] = {}

        def started(job) -> None:
            began.append(time.perf_counter())
            tasks[job.output] = bar.add_task(f"  {console_text(job.output)}", total=1)

        def done(job, executed: bool) -> None:
            task = tasks.get(job.output) or bar.add_task(f"  {console_text(job.output)}", total=1)
            bar.update(
                task,
                completed=1,
                description=f"  {console_text(job.output)} ({'executed' if executed else 'unchanged'})",
            )

        def executed(outcome) -> None:
            bar.stop()
            console.print(
                f"{len(outcome.executed)} notebook(s) executed, {len(outcome.reused)} unchanged, "
                f"in {time.perf_counter() - min(began, default=time.perf_counter()):.1f} s: {console_text(outcome.build_dir)}"
            )

        def checked(result) -> None:
            from ..checks.report import print_report  # with pandas, loaded by then

            print_report(result, err_console)

        began: list[float] = []
        yield BuildProgress(checks=checked, page_started=started, page_done=done, executed=executed)


@app.command()
@reports_errors
def run(
    month: MonthOption, project_dir: ProjectOption = None, workers: WorkersOption = None, force: ForceOption = False
) -> None:
    """Check the month's data, then execute the pack's notebooks into the month's build folder."""
    from ..workflow import Run, Stage, build_month

    project = open_project(project_dir)
    month = report_period(project, month)
    with page_progress(month) as progress:
        build_month(Run(project, month, Stage.EXECUTE, force=force, workers=workers), progress)


@app.command()
@reports_errors
def commentary(month: MonthOption, project_dir: ProjectOption = None) -> None:
    """Create the month's commentary files, pre-filled with the facts a writer needs (never overwrites)."""
    from ..present.commentary import prefill
    from ..workflow import Run, Stage, build_month

    project = open_project(project_dir)
    month = report_period(project, month)
    scored = build_month(Run(project, month, until=Stage.SCORE), None).pack.scored
    for path, created in prefill(project, month, scored):
        status = "created" if created else "kept (already written)"
        console.print(f"{console_text(path.relative_to(project.root))}: {status}", highlight=False)
