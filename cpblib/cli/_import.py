"""``cpb import scorecard``: a council's existing scorecard into the project."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..errors import CpbError
from ..present.escape import console_text as escape
from . import app
from ._common import MonthOption, ProjectOption, console, open_project, report_period, reports_errors

import_app = typer.Typer(
    name="import", help="Bring a council's existing material into the project.", no_args_is_help=True
)
app.add_typer(import_app, name="import")


def _names(items: tuple[str, ...], limit: int = 12) -> str:
    shown = ", ".join(escape(i) for i in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


@import_app.command("scorecard")
@reports_errors
def scorecard(
    file: Annotated[Path, typer.Argument(help="The scorecard: a CSV file or an Excel workbook (.xlsx).")],
    mapping: Annotated[Path, typer.Option("--mapping", help="The mapping file (TOML) saying how it reads.")],
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="The worksheet to read (default: the mapping's, else the first).")
    ] = None,
    month: MonthOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace targets, benchmarks and an extract the project has already.")
    ] = False,
    unplaced: Annotated[
        Path | None,
        typer.Option("--unplaced", help="Also write the cells not placed to this CSV file.", metavar="FILE"),
    ] = None,
    project: ProjectOption = None,
) -> None:
    """Read a scorecard through its mapping into the catalogue, targets, benchmarks and an extract.

    The scorecard is only read. Every cell that could not be placed is listed with its sheet, row,
    column and why. Nothing the project holds is overwritten without --force.
    """
    from ..adopt import import_scorecard
    from ..adopt._write import write_unplaced

    if unplaced is not None and unplaced.exists() and not force:
        raise CpbError(f"{unplaced} exists already: give --force to replace it, or name another file")
    proj = open_project(project)
    period = None if month is None else report_period(proj, month)
    result = import_scorecard(proj, file, mapping, sheet=sheet, month=period, force=force)
    placed = result.placement
    where = f"{escape(placed.file)}" + (f" (sheet {escape(placed.sheet)})" if placed.sheet else "")
    console.print(f"Imported {where} for {placed.month.label}.", highlight=False)
    catalogue = result.table("catalogue")
    console.print(f"  Catalogue: {len(catalogue.added)} indicator(s) added", highlight=False, end="")
    console.print(f": {_names(catalogue.added)}" if catalogue.added else "", highlight=False)
    if placed.matched:
        known = tuple(f"{name} = {slug}" for name, slug in placed.matched)
        console.print(f"  Left as the catalogue has them: {len(known)} indicator(s): {_names(known)}", highlight=False)
    for name in ("targets", "benchmarks"):
        merged = result.table(name)
        line = f"  {name.capitalize()}: {len(merged.added)} added"
        if merged.replaced:
            line += f", {len(merged.replaced)} replaced ({_names(merged.replaced)})"
        if merged.left:
            line += f", {len(merged.left)} left as the project has them ({_names(merged.left)}; --force replaces them)"
        console.print(line, highlight=False)
    state = "written" if result.extract_changed else "unchanged"
    console.print(
        f"  Extract: {len(placed.figures)} figure(s) {state} in {escape(result.extract.relative_to(proj.root))}",
        highlight=False,
    )
    if placed.headings:
        console.print(
            f"  Rows taken as headings: {', '.join(f'{r} ({escape(t)})' for r, t in placed.headings)}", highlight=False
        )
    for warning in placed.warnings:
        console.print(f"  [bold yellow]Check:[/] {escape(warning)}", highlight=False)
    if placed.unplaced:
        table = Table(title=f"{len(placed.unplaced)} cell(s) not placed", title_justify="left")
        for column in ("Sheet", "Row", "Column", "Text", "Why"):
            table.add_column(column, overflow="fold")
        for cell in placed.unplaced:
            table.add_row(
                escape(cell.sheet or "-"), str(cell.row), escape(cell.column), escape(cell.text), escape(cell.why)
            )
        console.print(table, highlight=False)
    else:
        console.print("  Every cell was placed.", highlight=False)
    if unplaced is not None:
        written = write_unplaced(placed, unplaced, force=True)  # checked before the import
        console.print(f"The cells not placed are listed in {escape(written)}.", highlight=False)
    console.print(
        f"Next: cpb check --month {placed.month.key}, then cpb render --month {placed.month.key}.", highlight=False
    )
