"""``cpb score``: the scored table for a month, for a person or a machine."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from ..config import BUILT_IN_COMPARATORS
from ..present.escape import console_text as escape
from ..present.escape import safe_cell
from . import app
from ._common import MonthOption, ProjectOption, console, err_console, open_project, report_period, reports_errors

if TYPE_CHECKING:
    import pandas as pd

_RAG_STYLE = {"Green": "green", "Amber": "yellow", "Red": "red"}


class OutputFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


_FLAGS = ("rag_override", "exception_override")


def _machine_frame(scored: pd.DataFrame, comparators: Sequence[str] = BUILT_IN_COMPARATORS) -> pd.DataFrame:
    """The scored month's columns in their stable order (every declared comparator, whatever ``show`` says),
    every piece of text made safe to open in a spreadsheet (:func:`safe_cell`)."""
    import pandas as pd

    from ..scoring import scored_columns

    frame = scored.loc[:, list(scored_columns(comparators))]
    text = {
        column: frame[column].map(lambda cell: safe_cell(cell) if isinstance(cell, str) else cell)
        for column in frame.columns
        if not pd.api.types.is_numeric_dtype(frame[column])
    }
    return frame.assign(**text)


def to_csv(scored: pd.DataFrame, comparators: Sequence[str] = BUILT_IN_COMPARATORS) -> str:
    return _machine_frame(scored, comparators).to_csv(index=False, lineterminator="\n")


def to_json(scored: pd.DataFrame, comparators: Sequence[str] = BUILT_IN_COMPARATORS) -> str:
    machine = _machine_frame(scored, comparators)
    frame = machine.astype(object).where(machine.notna(), None)
    records = [{k: (bool(v) if k in _FLAGS else v) for k, v in row.items()} for row in frame.to_dict("records")]
    return json.dumps(records, indent=1, ensure_ascii=False, default=float) + "\n"


def rich_table(scored: pd.DataFrame, title: str, period_label=None) -> Table:
    from ..present.format import formatted

    shown = formatted(scored, period_label)
    table = Table(title=escape(title), header_style="bold", title_justify="left")
    table.add_column("Indicator", ratio=1, min_width=30, overflow="fold")
    for heading in ("Period", "Value", "Previous", "Direction", "Target", "RAG", "Exception"):
        table.add_column(
            heading, no_wrap=True, justify="right" if heading in ("Value", "Previous", "Target") else "left"
        )
    current = None
    for (_, row), domain in zip(shown.iterrows(), scored["domain"]):
        if domain != current:
            table.add_section() if current is not None else None
            table.add_row(f"[bold]{escape(domain)}[/]")
            current = domain
        table.add_row(
            escape(row["name"]), row["period"], row["value"], row["previous_value"], row["direction"],
            row["target"], f"[{_RAG_STYLE.get(row['rag'], 'default')}]{row['rag']}[/]", escape(row["exception"]),
        )  # fmt: skip
    return table


@app.command()
@reports_errors
def score(
    month: MonthOption,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="table for people; csv or json for machines.")
    ] = OutputFormat.table,
    project_dir: ProjectOption = None,
) -> None:
    """Check the month's data, then print every indicator scored: direction, RAG, benchmarks, exception."""
    from ..checks.report import print_report
    from ..workflow import Progress, Run, Stage, build_month

    project = open_project(project_dir)
    month = report_period(project, month)
    run = Run(project, month, until=Stage.SCORE)
    pack = build_month(run, Progress(checks=lambda result: print_report(result, err_console))).pack
    scored = pack.scored
    declared = project.config.comparators.declared
    if output_format is OutputFormat.csv:
        sys.stdout.write(to_csv(scored, declared))
    elif output_format is OutputFormat.json:
        sys.stdout.write(to_json(scored, declared))
    else:
        title = f"{project.config.authority.name}: {month.label}"
        console.print(rich_table(scored, title, pack.period_text), width=max(console.width, 140))
