"""Gathering what the checks look at: the project's files and the store (all I/O of the checks).

Tables typed in by the council are read as text (through
:func:`cpblib.inputs.files.read_table`), so that every problem in them can be
reported, not only the first. Values come from the store, as published for
the report month. A file that cannot be read at all becomes an
:class:`~cpblib.errors.InputError` kept in :attr:`Inputs.problems`; nothing
here raises for bad input.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..errors import CpbError, InputError
from ..inputs.files import Table, read_table
from ..inputs.store import Store
from ..month import Month
from ..project import Project

TABLES = ("catalogue", "targets", "benchmarks", "overrides")
"""Project tables checked from their files (``cpb.toml`` [paths] keys)."""


@dataclass
class Inputs:
    """Everything one run of the checks reads."""

    month: Month
    tables: dict[str, Table] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    """Input name -> file name shown in the report."""
    absent: list[str] = field(default_factory=list)
    """Optional tables with no file."""
    values: pd.DataFrame | None = None
    previous: pd.DataFrame | None = None
    previous_month: str | None = None
    loads: pd.DataFrame | None = None
    commentary: pd.DataFrame | None = None
    strict_catalogue: pd.DataFrame | InputError | None = None
    """The catalogue as scoring reads it, or the error reading it raised."""
    problems: list[tuple[str, CpbError]] = field(default_factory=list)
    """(input name, error) for inputs that could not be read or loaded."""
    new_loads: list = field(default_factory=list)


def read_raw_table(project: Project, name: str) -> Table | None:
    """The table ``name`` as text cells, or None when an optional table has no file."""
    path = project.path(name)
    if name != "catalogue" and not path.exists():
        return None
    return read_table(path, allow_empty=name != "catalogue")


def commentary_index(project: Project) -> pd.DataFrame:
    """Every ``<commentary>/<month>/<domain>.md`` file: month, domain, path (from the project root), bytes.

    >>> import tempfile, pathlib
    >>> from cpblib.config import parse_config
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "data/commentary/2023-03").mkdir(parents=True)
    >>> _ = (root / "data/commentary/2023-03/children-in-care.md").write_text("Numbers fell.", encoding="utf-8")
    >>> project = Project(root, parse_config('[authority]\\nname = "X"\\nla_code = "999"\\n'))
    >>> commentary_index(project).values.tolist()
    [['2023-03', 'children-in-care', 'data/commentary/2023-03/children-in-care.md', 13]]
    """
    folder = project.path("commentary")
    records = []
    if folder.is_dir():
        for path in sorted(folder.glob("*/*.md")):
            if path.name.startswith(".") or not path.is_file():
                continue
            try:
                relative = path.relative_to(project.root).as_posix()
            except ValueError:
                relative = path.as_posix()
            records.append(
                {"month": path.parent.name, "domain": path.stem, "path": relative, "bytes": path.stat().st_size}
            )
    return pd.DataFrame(records, columns=["month", "domain", "path", "bytes"]).astype(
        {"month": "object", "domain": "object", "path": "object", "bytes": "int64"}
    )


def gather(project: Project, month: Month, *, load: bool = True) -> Inputs:
    """Read every input of the report ``month``.

    With ``load`` (the default), extracts not in the store yet are loaded
    first (:func:`cpblib.inputs.load.ensure_store`), as scoring would; a bad
    extract is reported and the store is left as it was.
    """
    from ..inputs import load as loading

    inputs = Inputs(month=month)
    for name in TABLES:
        path = project.path(name)
        inputs.files[name] = path.name
        try:
            table = read_raw_table(project, name)
        except InputError as exc:
            inputs.problems.append((name, exc))
            continue
        if table is None:
            inputs.absent.append(name)
        else:
            inputs.tables[name] = table
    if "catalogue" in inputs.tables:
        try:
            inputs.strict_catalogue = loading.read_catalogue(project)
        except InputError as exc:
            inputs.strict_catalogue = (
                exc  # the catalogue's own checks report it; new extracts wait for a good catalogue
            )
    if load and isinstance(inputs.strict_catalogue, pd.DataFrame):
        try:
            inputs.new_loads = loading.ensure_store(project)
        except CpbError as exc:
            inputs.problems.append(("values", exc))
    store_path = project.path("store")
    inputs.files["values"] = store_path.name
    try:
        with Store.open(store_path, read_only=True) as store:
            inputs.values = store.values(as_at=month)
            inputs.loads = store.loads()
            inputs.previous_month = previous_month(store.previous_published(month), inputs.loads, month)
            if inputs.previous_month is not None:
                inputs.previous = store.values(as_at=inputs.previous_month)
    except CpbError as exc:
        inputs.problems.append(("values", exc))
    inputs.files["commentary"] = project.path("commentary").name
    inputs.commentary = commentary_index(project)
    return inputs


def previous_month(published: str | None, loads: pd.DataFrame | None, month: Month) -> str | None:
    """The month whose published view revisions are measured from: the latest
    published month before ``month``, else the latest month loaded before it.

    >>> loads = pd.DataFrame({"month": ["2022-01", "2023-03"]})
    >>> previous_month(None, loads, Month(2023, 3)), previous_month("2022-12", loads, Month(2023, 3))
    ('2022-01', '2022-12')
    """
    if published:
        return published
    if loads is None or loads.empty:
        return None
    earlier = loads.loc[loads["month"].astype(str) < str(month), "month"]
    return None if earlier.empty else str(earlier.max())


def month_file(loads: pd.DataFrame | None, month: Month) -> str | None:
    """The source file of the latest load for ``month`` (where its values should be).

    >>> loads = pd.DataFrame({"load_id": [1, 2], "month": ["2023-03", "2023-03"], "source_file": ["a.csv", "b.csv"]})
    >>> month_file(loads, Month(2023, 3)), month_file(loads, Month(2023, 4))
    ('b.csv', None)
    """
    if loads is None or loads.empty:
        return None
    mine = loads.loc[loads["month"].eq(str(month))]
    return None if mine.empty else str(mine.sort_values("load_id")["source_file"].iloc[-1])
