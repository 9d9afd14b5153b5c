"""``cpb check``: check every input of a report month before a pack is built on it."""

from __future__ import annotations

import typer

from ..present.escape import console_text
from . import app
from ._common import MonthOption, ProjectOption, console, open_project, report_period, reports_errors


@app.command()
@reports_errors
def check(month: MonthOption, project: ProjectOption = None) -> None:
    """Check the catalogue, the month's values, targets, benchmarks, overrides and commentary.

    Prints every error and warning with where it is (file, indicator, period,
    column, rows), writes checks.json and data-quality.md to the month's
    build folder, and exits 1 when there is any error (warnings never stop).
    """
    from ..build import BuildFolder
    from ..checks import ChecksFailed
    from ..checks.report import print_report
    from ..workflow import Progress, Run, Stage, build_month

    opened = open_project(project)
    month = report_period(opened, month)
    run = Run(opened, month, until=Stage.CHECK, force=True)
    try:
        build_month(run, Progress(checks=lambda result: print_report(result, console)))
    except ChecksFailed:
        raise typer.Exit(code=1) from None
    finally:
        folder = BuildFolder(run.project, month)
        if folder.checks_json.is_file():
            console.print(
                f"Written {console_text(folder.checks_json)} and {console_text(folder.data_quality_md.name)}",
                highlight=False,
            )
