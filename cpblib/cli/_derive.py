"""``cpb derive``: indicators computed from child-level data; ``cpb demo``: synthetic data to try it on."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..errors import InputError
from ..month import Month, MonthError
from ..present.escape import console_text as escape
from . import app
from ._common import ProjectOption, console, err_console, open_project, reports_errors

derive_app = typer.Typer(
    help="Indicators computed from child-level data (the SSDA903 return), loaded like any extract.",
    no_args_is_help=True,
)
app.add_typer(derive_app, name="derive")

demo_app = typer.Typer(help="Synthetic data to try cpb on.", no_args_is_help=True)
app.add_typer(demo_app, name="demo")


def _through(value: str | None) -> Month | None:
    if value is None:
        return None
    try:
        return Month.parse(value)
    except MonthError as exc:
        raise InputError("--through", str(exc)) from None


@derive_app.command("ssda903")
@reports_errors
def ssda903(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="903 tables: folders (one per collection year, e.g. 2022-23/) or CSV files.", show_default=False
        ),
    ],
    through: Annotated[
        str | None,
        typer.Option("--through", help="Last month end to compute (default: the end of the data).", metavar="YYYY-MM"),
    ] = None,
    population: Annotated[
        Path | None,
        typer.Option("--population", help="ONS mid-year estimates, aged 0-17 (default: data/population.csv)."),
    ] = None,
    no_validate: Annotated[bool, typer.Option("--no-validate", help="Do not run DfE's 903 rules.")] = False,
    project: ProjectOption = None,
) -> None:
    """Compute the catalogue's 903 indicators for every month end and load them as an extract.

    Writes <through>-ssda903.csv into the extracts folder and its rule findings beside it
    (<through>-ssda903.findings.json, shown on the data-quality page), then loads the extract.
    """
    from ..derive import derive_ssda903

    proj = open_project(project)
    done = derive_ssda903(proj, paths, _through(through), population=population, validate=not no_validate)
    if done.validator and "not run" in done.validator and "ran on" not in done.validator:
        err_console.print(f"[yellow]note:[/] {escape(done.validator)}", highlight=False)
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    table.add_row("Extract", escape(done.extract.name))
    table.add_row("Report month", str(done.month))
    table.add_row("Collection years", ", ".join(f"{y - 1}-{y % 100:02d}" for y in done.years))
    table.add_row("Values", str(done.values))
    table.add_row("Indicators", str(len(done.indicators)))
    table.add_row("Load", f"{done.load_id}" + (" (already loaded; nothing changed)" if done.skipped else ""))
    table.add_row("DfE's rules", escape(done.validator))
    table.add_row(
        "Findings", f"{done.rows_flagged} row(s) under {done.rules_failing} rule(s): {escape(done.findings.name)}"
    )
    if done.ignored:
        table.add_row("Files left aside", escape(", ".join(done.ignored)))
    console.print(f"Derived {len(done.indicators)} indicators from the 903 data through {done.month}.", highlight=False)
    console.print(table, highlight=False)


@derive_app.command("setup")
@reports_errors
def setup(
    python: Annotated[
        Path | None,
        typer.Option("--python", help="Interpreter to build the environment from (Python 3.11 or older)."),
    ] = None,
    project: ProjectOption = None,
) -> None:
    """Install DfE's 903 validation rules in an environment of their own inside the project (_build/)."""
    from ..derive import setup as make

    proj = open_project(project)
    console.print(
        "Installing DfE's 903 rules (csc-validator-be-903) in the project; this takes a minute.", highlight=False
    )
    made = make(proj, python)
    console.print(f"Ready: {escape(str(made))}", highlight=False)


@demo_app.command("ssda903")
@reports_errors
def demo_ssda903(
    out: Annotated[Path, typer.Argument(help="Folder to write the collection years into.", show_default=False)],
    children: Annotated[
        int, typer.Option("--children", min=1, max=20000, help="About how many children are looked after on a day.")
    ] = 300,
    years: Annotated[int, typer.Option("--years", min=1, max=15, help="Collection years to write.")] = 5,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same files.")] = 1,
    last_year: Annotated[
        int, typer.Option("--last-year", min=2010, max=2100, help="Year the last collection ends (31 March).")
    ] = 2025,
) -> None:
    """Write a synthetic council's SSDA903 return (nobody in it exists), one folder per year."""
    from ..derive import write_synthetic

    folders = write_synthetic(out, children=children, years=years, seed=seed, last_year=last_year)
    console.print(
        f"Wrote {len(folders)} collection year(s) into {escape(str(out))}: " + ", ".join(f.name for f in folders),
        highlight=False,
    )
