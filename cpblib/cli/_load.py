"""``cpb load``: add a monthly extract to the project's store."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from ..present.escape import console_text as escape
from . import app
from ._common import MonthOption, ProjectOption, console, open_project, report_period, reports_errors

if TYPE_CHECKING:
    from ..inputs.store import LoadReceipt


def _receipt_table(receipt: LoadReceipt) -> Table:
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    table.add_row("Load", str(receipt.load_id))
    table.add_row("File", escape(receipt.source_file) + (f" (sheet {escape(receipt.sheet)})" if receipt.sheet else ""))
    table.add_row("Report month", receipt.month)
    if receipt.layout:
        table.add_row("Layout", receipt.layout)
    table.add_row("Values", str(receipt.row_count))
    table.add_row("Indicators", str(len(receipt.indicators)))
    if receipt.periods:
        span = receipt.periods[0] if len(receipt.periods) == 1 else f"{receipt.periods[0]} to {receipt.periods[-1]}"
        table.add_row("Periods", f"{span} ({len(receipt.periods)})")
    if receipt.missing:
        table.add_row(
            "Missing values",
            "; ".join(f"{count} {escape(reason)}" for reason, count in sorted(receipt.missing.items())),
        )
    if receipt.ignored_columns:
        table.add_row("Ignored columns", escape(", ".join(receipt.ignored_columns)))
    if receipt.skipped_rows:
        table.add_row("Heading rows skipped", ", ".join(map(str, receipt.skipped_rows)))
    if receipt.extracted_on:
        table.add_row("Extracted on", f"{receipt.extracted_on:%Y-%m-%d}")
    return table


@app.command()
@reports_errors
def load(
    file: Annotated[
        Path, typer.Argument(help="The extract: a CSV or Excel file, long or wide layout.", show_default=False)
    ],
    month: MonthOption = None,
    extracted_on: Annotated[
        _dt.datetime | None,
        typer.Option(
            "--extracted-on", formats=["%Y-%m-%d"], help="Date the figures were extracted (YYYY-MM-DD).", metavar="DATE"
        ),
    ] = None,
    sheet: Annotated[
        str | None,
        typer.Option("--sheet", help="The worksheet of a workbook to load (default: its first visible sheet)."),
    ] = None,
    project: ProjectOption = None,
) -> None:
    """Check a monthly extract against the catalogue and add it to the store.

    The report month defaults to the YYYY-MM the file name starts with. Nothing
    is stored unless the whole file is correct; loading the same file again
    changes nothing. A workbook's first visible sheet is read unless --sheet
    names another (a hidden sheet is read only when named).
    """
    proj = open_project(project)
    month = None if month is None else report_period(proj, month)
    from ..inputs.load import commit_loads, ensure_store, prepare_load  # pandas: only when a file is loaded

    prepared = prepare_load(proj, file, month, extracted_on.date() if extracted_on else None, sheet=sheet)
    seeded = ensure_store(proj)  # a new store is built from data/extracts first, so load ids follow the months
    receipt = (
        next((r for r in seeded if r.sha256 == prepared.sha256 and r.month == str(prepared.month)), None)
        or commit_loads(proj, [prepared])[0]
    )
    if receipt.skipped:
        console.print(
            f"Already loaded: {escape(receipt.source_file)} for {prepared.month.key} is load {receipt.load_id}; nothing changed.",
            highlight=False,
        )
        return
    console.print(f"Loaded {escape(receipt.source_file)} for {prepared.month.key}.", highlight=False)
    console.print(_receipt_table(receipt), highlight=False)
