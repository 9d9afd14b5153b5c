"""``cpb init``: start a project for another council."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..init import init_project
from ..present.escape import console_text
from . import app
from ._common import console, reports_errors


@app.command()
@reports_errors
def init(
    folder: Annotated[Path, typer.Argument(help="Folder for the new project (created if missing).")],
    name: Annotated[str, typer.Option("--name", prompt="Council name", help="Council name as printed on the pack.")],
    la_code: Annotated[str, typer.Option("--la-code", prompt="DfE 3-digit LA number", help="DfE LA number, e.g. 838.")],
    new_la_code: Annotated[str | None, typer.Option("--new-la-code", help="ONS code, e.g. E06000059.")] = None,
    region: Annotated[str | None, typer.Option("--region", help="Region as DfE files print it.")] = None,
) -> None:
    """Create a new, valid, empty project: cpb.toml, an empty catalogue and data folders."""
    written = init_project(folder, name=name, la_code=la_code, new_la_code=new_la_code, region=region)
    console.print(f"Created a cpb project for [bold]{console_text(name)}[/] in {console_text(folder)}:")
    for path in written:
        console.print(f"  {console_text(path.relative_to(folder))}", highlight=False)
    console.print(
        "Next: describe your indicators in data/indicators.csv, then add a month with "
        "'cpb load EXTRACT --month YYYY-MM'."
    )
