"""``cpb benchmarks``: import DfE open data and look at the comparators it gives."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from ..errors import InputError
from ..present.escape import console_text as escape
from ..project import Project
from . import app
from ._common import ProjectOption, console, err_console, open_project, reports_errors

if TYPE_CHECKING:
    import pandas as pd

benchmarks_app = typer.Typer(
    help="Benchmarks from official DfE open data: import the files, then show an indicator's comparators.",
    no_args_is_help=True,
)
app.add_typer(benchmarks_app, name="benchmarks")

SOURCES_FILE = "benchmark_sources.csv"

SourcesOption = Annotated[
    Path | None,
    typer.Option(
        "--sources",
        help="Mapping of indicators to DfE measures (default: [paths] benchmark_sources, data/benchmark_sources.csv).",
    ),
]
ReleaseOption = Annotated[
    list[str] | None,
    typer.Option("--release", "-r", help="Pin a release (id or SHA-256 start) or a date YYYY-MM-DD; repeatable."),
]


def sources_path(project: Project, given: Path | None = None) -> Path:
    """The mapping file: ``--sources``, else ``[paths] benchmark_sources`` of ``cpb.toml``."""
    return Path(given) if given else project.path("benchmark_sources")


@benchmarks_app.command("import")
@reports_errors
def import_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="DfE files, or folders holding them (e.g. ~/Downloads/dfe).", show_default=False),
    ] = None,
    project: ProjectOption = None,
) -> None:
    """Import DfE files as published into the project's store (a file already imported is skipped)."""
    from .. import dfe

    opened = open_project(project)
    if not paths:
        console.print(
            "Nothing to import: name the DfE files or their folder, "
            "e.g. [bold]cpb benchmarks import ~/Downloads/dfe/*[/]"
        )
        return
    report = dfe.import_files(opened.path("store"), paths)
    table = Table(title="DfE import", title_justify="left")
    for column in ("File", "Dataset", "Release", "Status", "Rows"):
        table.add_column(column, justify="right" if column == "Rows" else "left")
    for row in report.itertuples(index=False):
        table.add_row(
            escape(row.file),
            escape(row.dataset or ""),
            escape(row.release or ""),
            row.status,
            f"{row.rows:,}" if row.rows else "",
        )
    console.print(table)
    imported = int((report["status"] == "imported").sum())
    console.print(
        f"{imported} new release(s) stored in {opened.path('store').name}; "
        f"{len(report) - imported} file(s) left as they were."
    )


@benchmarks_app.command("releases")
@reports_errors
def releases_command(project: ProjectOption = None) -> None:
    """List the DfE releases in the store (the latest of each dataset is used unless a pack pins one)."""
    from .. import dfe

    opened = open_project(project)
    frame = dfe.releases(opened.path("store"))
    chosen = set(dfe.choose_releases(frame).values())
    table = Table(title="DfE releases", title_justify="left")
    for column in ("Release", "Dataset", "File", "Latest period", "Imported", "Rows", "Used"):
        table.add_column(column)
    for row in frame.itertuples(index=False):
        table.add_row(
            escape(row.release),
            row.dataset,
            escape(row.file_name),
            str(row.latest_period or ""),
            f"{row.imported_at:%Y-%m-%d %H:%M}",
            f"{row.rows:,}",
            "yes" if row.release in chosen else "",
        )
    console.print(table)


def _number(value: float, decimals: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:,.{decimals}f}"


@benchmarks_app.command("show")
@reports_errors
def show_command(
    indicator: Annotated[str, typer.Argument(help="Indicator slug, e.g. cic-rate.")],
    project: ProjectOption = None,
    sources: SourcesOption = None,
    release: ReleaseOption = None,
    years: Annotated[int, typer.Option("--years", "-n", min=1, help="How many recent years to show.")] = 5,
) -> None:
    """Show an indicator's comparators by year: the council, England, region, neighbours, band and rank."""
    from .. import dfe

    opened = open_project(project)
    mapping_file = sources_path(opened, sources)
    mapping = dfe.read_sources(mapping_file)
    if indicator not in set(mapping["indicator"]):
        known = ", ".join(dict.fromkeys(mapping["indicator"]))
        raise InputError(
            mapping_file.name, f"{indicator!r} has no official measure in the mapping; indicators mapped: {known}"
        )
    import pandas as pd

    catalogue = _catalogue(opened)
    selected = catalogue.loc[catalogue["indicator"] == indicator] if catalogue is not None else [indicator]
    if catalogue is not None and selected.empty:
        selected = [indicator]
    store = opened.path("store")
    frame = dfe.comparators(store, opened.config, mapping, indicators=selected, release=release)
    ranks = dfe.bands(store, opened.config, mapping, indicators=selected, release=release)
    if frame.empty:
        err_console.print(
            f"No DfE figures for {escape(indicator)}: import the dataset it comes from "
            f"({', '.join(sorted(set(mapping.loc[mapping['indicator'] == indicator, 'source'])))})."
        )
        raise SystemExit(1)
    decimals = 1
    name = indicator
    if isinstance(selected, pd.DataFrame) and not selected.empty:
        decimals = int(selected["decimals"].iloc[0]) if pd.notna(selected["decimals"].iloc[0]) else 1
        name = f"{selected['name'].iloc[0]} ({indicator})"
    console.print(_table(frame, ranks, opened, name, decimals, years))
    _notes(frame, years)


def _catalogue(project: Project) -> pd.DataFrame | None:
    if not project.path("catalogue").is_file():
        return None
    from ..inputs.load import read_catalogue

    return read_catalogue(project)


def _table(frame: pd.DataFrame, ranks: pd.DataFrame, project: Project, name: str, decimals: int, years: int) -> Table:
    from .. import dfe

    config = project.config
    recent = sorted(frame["year_end"].unique())[-years:]
    shown = frame.loc[frame["year_end"].isin(recent)]
    wide = shown.pivot(index=["year_end", "year"], columns="comparator", values="value")
    comparators = [c for c in dfe.COMPARATOR_ORDER if c in set(shown["comparator"])]
    table = Table(
        title=escape(name),
        title_justify="left",
        caption="Band A = best quarter of LAs with a figure; rank 1 = best.",
        caption_justify="left",
    )
    table.add_column("Year")
    labels = {
        "la": config.authority.name,
        **{c: config.comparators.label(c) for c in ("england", "region", "sn", "good_sn")},
    }
    labels["sn"] += f" ({config.statistical_neighbours.average})"
    region_names = shown.loc[shown["comparator"] == "region", "area"].dropna()
    if not region_names.empty:
        labels["region"] += f" ({region_names.iloc[-1]})"
    for comparator in comparators:
        table.add_column(escape(labels[comparator]), justify="right")
    table.add_column("Band", justify="center")
    table.add_column("Rank", justify="right")
    import pandas as pd

    rank_of = {row.year_end: row for row in ranks.itertuples(index=False)}
    for (year_end, year), values in wide.iterrows():
        cells = [_number(values.get(c, float("nan")), decimals) for c in comparators]
        ranked = rank_of.get(year_end)
        band = ranked.band if ranked is not None and ranked.band else "-"
        rank = f"{ranked.rank} of {ranked.ranked}" if ranked is not None and pd.notna(ranked.rank) else "-"
        table.add_row(year, *cells, band, rank)
    return table


def _notes(frame: pd.DataFrame, years: int) -> None:
    """How the latest year's averages were made, and why any figure shown is missing."""
    recent = sorted(frame["year_end"].unique())[-years:]
    shown = frame.loc[frame["year_end"].isin(recent) & frame["note"].notna()]
    latest = shown["year_end"] == recent[-1]
    method = latest & shown["comparator"].isin(["sn", "good_sn", "region"])
    gaps = shown["value"].isna() | shown["note"].str.contains("no figure for", regex=False)
    sources = frame.loc[frame["year_end"].isin(recent), "source"].str.split("; ").explode().unique()
    console.print("Sources: " + escape(", ".join(sorted(sources))), highlight=False)
    for row in shown.loc[method | gaps].itertuples(index=False):
        console.print(f"  {row.year} {row.comparator}: {escape(row.note)}", highlight=False)
