"""``cpb run`` (execute the pack's notebooks) and ``cpb commentary`` (start the month's commentary)."""

from __future__ import annotations

import time
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from . import app
from ._common import MonthOption, ProjectOption, console, err_console, open_project, reports_errors

WorkersOption = Annotated[
    int | None, typer.Option("--workers", "-j", help="Notebooks run at once (default: one per core).")
]
ForceOption = Annotated[bool, typer.Option("--force", help="Execute every notebook even if nothing changed.")]


def run_pack(project, month, *, workers: int | None = None, force: bool = False):
    """Checks (fail closed), then every page notebook, with a progress bar naming each notebook.

    When the checks have to run, the kernels start meanwhile (a page runs only once they pass).
    """
    from ..execute._execute import kernel_pool
    from ..publish._month import check_month

    with kernel_pool(project, workers) as kernels:
        check_month(project, month, console=err_console, meanwhile=lambda: kernels.start(one_at_a_time=True))
        return _run_pages(project, month, kernels, workers=workers, force=force)


def _run_pages(project, month, kernels, *, workers: int | None, force: bool):
    from ..execute._execute import run_month

    started = time.perf_counter()
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
        console=err_console, transient=False,
    ) as progress:  # fmt: skip
        overall = progress.add_task(f"Pages for {month.label}", total=None)
        tasks: dict[str, int] = {}

        def on_start(job) -> None:
            tasks[job.output] = progress.add_task(f"  {job.output}", total=1)

        def on_done(job, executed: bool) -> None:
            task = tasks.get(job.output) or progress.add_task(f"  {job.output}", total=1)
            progress.update(
                task, completed=1, description=f"  {job.output} ({'executed' if executed else 'unchanged'})"
            )

        outcome = run_month(
            project, month, workers=workers, force=force, on_start=on_start, on_done=on_done, kernels=kernels
        )
        progress.update(overall, total=1, completed=1)
    console.print(
        f"{len(outcome.executed)} notebook(s) executed, {len(outcome.reused)} unchanged, "
        f"in {time.perf_counter() - started:.1f} s: {outcome.build_dir}"
    )
    return outcome


@app.command()
@reports_errors
def run(
    month: MonthOption, project_dir: ProjectOption = None, workers: WorkersOption = None, force: ForceOption = False
) -> None:
    """Check the month's data, then execute the pack's notebooks into the month's build folder."""
    run_pack(open_project(project_dir), month, workers=workers, force=force)


@app.command()
@reports_errors
def commentary(month: MonthOption, project_dir: ProjectOption = None) -> None:
    """Create the month's commentary files, pre-filled with the facts a writer needs (never overwrites)."""
    from ..present.commentary import prefill
    from ..present.pack import build

    project = open_project(project_dir)
    pack = build(project, month)
    for path, created in prefill(project, month, pack.scored):
        status = "created" if created else "kept (already written)"
        console.print(f"{path.relative_to(project.root)}: {status}", highlight=False)
