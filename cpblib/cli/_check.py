"""``cpb check``: check every input of a report month before a pack is built on it."""

from __future__ import annotations

import typer

from . import app
from ._common import MonthOption, ProjectOption, console, open_project, reports_errors


@app.command()
@reports_errors
def check(month: MonthOption, project: ProjectOption = None) -> None:
    """Check the catalogue, the month's values, targets, benchmarks, overrides and commentary.

    Prints every error and warning with where it is (file, indicator, period,
    column, rows), writes checks.json and data-quality.md to the month's
    build folder, and exits 1 when there is any error (warnings never stop).
    """
    from ..checks.report import print_report, write_reports
    from ..checks.runner import run_checks

    opened = open_project(project)
    result = run_checks(opened, month)
    print_report(result, console)
    json_path, markdown_path = write_reports(opened, result)
    console.print(f"Written {json_path} and {markdown_path.name}", highlight=False)
    if not result.ok:
        raise typer.Exit(code=1)
