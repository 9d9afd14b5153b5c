"""``cpb init``: start a project for another council."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperCommand

from ..present.escape import console_text
from . import app
from ._common import console, reports_errors


class Cadence(str, Enum):
    monthly = "monthly"
    quarterly = "quarterly"


class _InitCommand(TyperCommand):
    """``cpb init``, whose ``--starter`` may be given alone (the whole starter catalogue) or with topics."""

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        given = list(args)
        for at, arg in enumerate(given):
            if arg == "--starter" and (at + 1 == len(given) or given[at + 1].startswith("-")):
                given.insert(at + 1, "all")
        return super().parse_args(ctx, given)


@app.command(cls=_InitCommand)
@reports_errors
def init(
    folder: Annotated[Path, typer.Argument(help="Folder for the new project (created if missing).")],
    name: Annotated[str, typer.Option("--name", prompt="Council name", help="Council name as printed on the pack.")],
    la_code: Annotated[str, typer.Option("--la-code", prompt="DfE 3-digit LA number", help="DfE LA number, e.g. 838.")],
    new_la_code: Annotated[str | None, typer.Option("--new-la-code", help="ONS code, e.g. E06000059.")] = None,
    region: Annotated[str | None, typer.Option("--region", help="Region as DfE files print it.")] = None,
    cadence: Annotated[
        Cadence, typer.Option("--cadence", help="A pack a month (monthly) or a quarter (quarterly).")
    ] = Cadence.monthly,
    starter: Annotated[
        str | None,
        typer.Option(
            "--starter",
            metavar="[TOPICS]",
            help="Start the catalogue with DfE indicators: all of them, or topics or pages, comma-separated "
            "(e.g. children-looked-after,care-leavers).",
        ),
    ] = None,
) -> None:
    """Create a new, valid project: cpb.toml, a catalogue (empty, or DfE's starter indicators) and data folders."""
    from ..init import init_project  # here: other commands start without the catalogue's libraries

    written = init_project(
        folder,
        name=name,
        la_code=la_code,
        new_la_code=new_la_code,
        region=region,
        cadence=cadence.value,
        starter=starter,
    )
    console.print(f"Created a cpb project for [bold]{console_text(name)}[/] in {console_text(folder)}:")
    for path in written:
        console.print(f"  {console_text(path.relative_to(folder))}", highlight=False)
    if starter is not None:
        import pandas as pd

        count = len(pd.read_csv(folder / "data" / "indicators.csv", dtype=str))
        console.print(
            f"The catalogue holds {count} DfE indicator(s) from the starter catalogue: delete the rows you do not "
            "report, and set targets in data/targets.csv."
        )
    console.print(
        "Next: describe your indicators in data/indicators.csv (or bring your scorecard in with "
        "'cpb import scorecard FILE --mapping MAP'), then add a month with 'cpb load EXTRACT --month YYYY-MM'."
    )
