"""``cpb import scorecard``: the scorecard's cells into the project's files, checked before anything is written.

:func:`import_scorecard` reads the mapping and the scorecard (read-only, through
:func:`cpblib.inputs.files.read_table` and its limits), places every cell (:func:`place_cells`), merges what
was placed into the project's catalogue, targets and benchmarks, and writes the figures as an extract
(``data/extracts/<period>-scorecard.csv``). Every table is checked by the project's own suites, as it
would be read afterwards, before the first file is written: an import that fails changes nothing, and
names the scorecard's cell (file, row and column) where the problem came from.

Nothing the project holds is overwritten without ``force``: a new indicator is added to the catalogue,
one the catalogue knows (by id, name or alias) is left as it is; a target or benchmark the project
already has with another figure is left and listed (``force`` replaces it); an extract already written
for the period with other figures is refused (``force`` replaces it).
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import CpbError, InputError
from ..inputs.catalogue import BENCHMARK_COLUMNS, INDICATOR_COLUMNS, TARGET_COLUMNS
from ..inputs.extract import parse_table
from ..inputs.files import Table, read_table, with_header_at
from ..inputs.load import empty_table, project_parameters, typed_table
from ..month import Month
from ..project import Project
from ._mapping import MappingError, read_mapping
from ._scorecard import EXTRACT_COLUMNS, Placement, Unplaced, place_cells

KEYS = {
    "targets": ("indicator", "from_month"),
    "benchmarks": ("indicator", "comparator", "year", "figure"),
}
"""What makes a row of each table the same row: a second figure for it is a conflict."""

FIGURES = {"targets": ("target", "range_lower", "range_upper"), "benchmarks": ("value",)}


@dataclass(frozen=True)
class Merged:
    """A project table after the import: its new text, and the rows added, left and replaced."""

    name: str
    path: Path
    text: str | None  # None: unchanged
    added: tuple[str, ...] = ()
    left: tuple[str, ...] = ()
    replaced: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportResult:
    """What an import did, for the command to say."""

    placement: Placement
    tables: tuple[Merged, ...]
    extract: Path
    extract_changed: bool

    def table(self, name: str) -> Merged:
        return next(t for t in self.tables if t.name == name)


def _csv_text(header: list[str], rows: list[list[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([["" if c is None or (isinstance(c, float) and pd.isna(c)) else str(c) for c in r] for r in rows])
    return out.getvalue()


def _read_project_table(project: Project, name: str) -> Table | None:
    path = project.path(name)
    project.inside(path, name)
    if not path.exists():
        return None
    if path.suffix.lower() != ".csv":
        raise CpbError(f"{path.name}: cpb import writes CSV tables; this project keeps its {name} in {path.suffix}")
    return read_table(path, allow_empty=True)


def _same(a: object, b: object) -> bool:
    def norm(x: object) -> str:
        if x is None or (isinstance(x, float) and pd.isna(x)) or not str(x).strip():
            return ""
        try:
            return format(float(str(x).replace(",", "").removesuffix("%")), ".15g")
        except ValueError:
            return str(x).strip().casefold()

    return norm(a) == norm(b)


def _key_text(value: object) -> str:
    """A key cell as compared: blank for nothing, else its text without case or surrounding spaces."""
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value).strip().casefold()


def _merge(
    name: str, project: Project, existing: Table | None, new: pd.DataFrame, columns: list[str], force: bool
) -> tuple[Merged, pd.DataFrame, list[int], dict[int, tuple[int, str]]]:
    """The table ``name`` with ``new`` rows merged in: the Merged record, the combined text frame (for the
    checks), its rows' numbers and, for each number of a row from the scorecard, its scorecard cell."""
    path = project.path(name)
    old = existing.frame.copy() if existing is not None else pd.DataFrame(columns=columns, dtype=object)
    old_rows = list(existing.rows) if existing is not None else []
    header = [str(c) for c in old.columns] or list(columns)
    keep = old.notna().any(axis=1).to_numpy()
    added, left, replaced = [], [], []
    appended: list[dict[str, object]] = []
    origins: list[tuple[int, str]] = []
    key_columns = KEYS.get(name, ("indicator",))
    index: dict[tuple[str, ...], object] = {}
    for at, kept in zip(old.index, keep):
        if kept:
            index.setdefault(tuple(_key_text(old.at[at, k] if k in old else None) for k in key_columns), at)
    for record in new.to_dict("records"):
        label = " ".join(str(record.get(k) or "") for k in key_columns).strip()
        at = index.get(tuple(_key_text(record.get(k)) for k in key_columns))
        if at is not None:
            if all(_same(old.at[at, c] if c in old else None, record.get(c)) for c in FIGURES.get(name, ())):
                continue  # the project has it already
            if not force:
                left.append(label)
                continue
            for c in columns:
                if c in record and c not in ("source_row", "source_column"):
                    if c not in old:
                        old[c], header = None, [*header, c]
                    old.at[at, c] = record[c]
            replaced.append(label)
            continue
        appended.append(record)
        origins.append((int(record.get("source_row") or 0), str(record.get("source_column") or "")))
        added.append(label if name != "catalogue" else str(record["indicator"]))
    for record in appended:
        for c, v in record.items():
            if c in columns and c not in header and v is not None and not (isinstance(v, float) and pd.isna(v)):
                header.append(c)
    combined = pd.concat(
        [old.reindex(columns=header).loc[keep], pd.DataFrame(appended, dtype=object).reindex(columns=header)],
        ignore_index=True,
    ).astype(object)
    combined = combined.where(combined.notna(), None)
    last = (old_rows[-1] if old_rows else (existing.header_row if existing is not None else 1)) + 1
    rows = [r for r, k in zip(old_rows, keep) if k] + list(range(last, last + len(appended)))
    located = {last + i: origin for i, origin in enumerate(origins)}
    changed = bool(appended or replaced)
    text = None
    if changed:
        original = path.read_bytes() if path.exists() else b""
        can_append = (
            not replaced
            and existing is not None
            and [str(c) for c in existing.frame.columns] == header
            and _utf8(original) is not None
        )
        if can_append:
            body = _utf8(original)
            tail = _csv_text(header, [[r.get(c) for c in header] for r in appended]).split("\n", 1)[1]
            tail = tail.replace("\n", "\r\n") if "\r\n" in body else tail  # the file's own line endings
            text = body + ("" if body.endswith("\n") or not body else "\r\n" if "\r\n" in body else "\n") + tail
        else:
            text = _csv_text(header, combined.to_numpy().tolist())
    return Merged(name, path, text, tuple(added), tuple(left), tuple(replaced)), combined, rows, located


def _utf8(data: bytes) -> str | None:
    try:
        return data.decode("utf-8-sig") if not data.startswith(b"\xef\xbb\xbf") else None
    except UnicodeDecodeError:
        return None


def _relocated(exc: InputError, located: dict[int, tuple[int, str]], placement: Placement, into: str) -> CpbError:
    """An error the checks found in a row the scorecard gave, told as the scorecard's cell."""
    if exc.row in located:
        row, column = located[exc.row]
        return InputError(
            placement.file,
            f"{exc.message} (so it is not written to {into})",
            row=row,
            column=column,
            indicator=exc.indicator,
        )
    return exc


def import_scorecard(
    project: Project,
    scorecard: Path | str,
    mapping_path: Path | str,
    *,
    sheet: str | None = None,
    month: Month | str | None = None,
    force: bool = False,
) -> ImportResult:
    """Import a council's scorecard into ``project`` through the mapping file (see the module notes).

    >>> import tempfile
    >>> from cpblib.init import init_project
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = init_project(folder / "council", name="Testshire", la_code="999")
    >>> _ = (folder / "card.csv").write_text("KPI,Good is,Feb 23,Mar 23,Target,RAG\\n% in EET,High,54,56,60,A\\n")
    >>> _ = (folder / "map.toml").write_text('[columns]\\nindicator = "KPI"\\npolarity = "Good is"\\ntarget = "Target"\\n')
    >>> done = import_scorecard(Project.open(folder / "council"), folder / "card.csv", folder / "map.toml")
    >>> done.table("catalogue").added, done.table("targets").added, done.extract.name
    (('in-eet',), ('in-eet 2023-02',), '2023-03-scorecard.csv')
    >>> [(u.row, u.column, u.text) for u in done.placement.unplaced]
    [(2, 'RAG', 'A')]
    """
    mapping = read_mapping(mapping_path)
    mapping_file = Path(mapping_path).name
    declared = project.config.comparators.declared
    for index, bench in enumerate(mapping.benchmarks):
        if bench.comparator not in declared:
            raise MappingError(
                mapping_file,
                f"benchmarks[{index}].comparator",
                f"{bench.comparator!r} is not a comparator cpb.toml declares ({', '.join(declared)})",
            )
    table = read_table(scorecard, sheet if sheet is not None else mapping.sheet)
    if mapping.header_row is not None and mapping.header_row != table.header_row:
        if mapping.header_row not in table.rows:
            raise MappingError(
                mapping_file, "header_row", f"row {mapping.header_row} is not a row of {table.file} with text in it"
            )
        table = with_header_at(table, table.rows.index(mapping.header_row))

    raw_catalogue = _read_project_table(project, "catalogue")
    params = project_parameters(project)
    has_rows = raw_catalogue is not None and raw_catalogue.frame.notna().any(axis=None)
    catalogue = (
        typed_table("catalogue", raw_catalogue, project_root=project.root, params=params)
        if has_rows
        else empty_table(INDICATOR_COLUMNS)
    )
    placement = place_cells(table, mapping, mapping_file, catalogue, project.config.calendar, month)

    # the catalogue, with the new indicators
    merged_cat, cat_frame, cat_rows, located = _merge(
        "catalogue", project, raw_catalogue, placement.indicators, [c.name for c in INDICATOR_COLUMNS], force
    )
    cat_file = merged_cat.path.name
    try:
        typed = typed_table(
            "catalogue",
            Table(cat_file, cat_frame, tuple(cat_rows), header_row=raw_catalogue.header_row if raw_catalogue else 1),
            project_root=project.root,
            params=params,
        )
    except InputError as exc:
        raise _relocated(exc, located, placement, cat_file) from None

    # targets and benchmarks
    merged: list[Merged] = [merged_cat]
    for name, columns in (("targets", TARGET_COLUMNS), ("benchmarks", BENCHMARK_COLUMNS)):
        new = getattr(placement, name)
        existing = _read_project_table(project, name)
        if new.empty:
            merged.append(Merged(name, project.path(name), None))
            continue
        merged_table, frame, rows, located = _merge(name, project, existing, new, [c.name for c in columns], force)
        file = merged_table.path.name
        try:
            typed_table(
                name,
                Table(file, frame, tuple(rows), header_row=existing.header_row if existing else 1),
                typed,
                project_root=project.root,
                params=params,
            )
        except InputError as exc:
            raise _relocated(exc, located, placement, file) from None
        merged.append(merged_table)

    # the figures, as an extract
    figures = placement.figures
    extract_path = project.path("extracts") / f"{placement.month.key}-scorecard.csv"
    project.inside(extract_path, "extracts")
    long = Table(
        extract_path.name,
        figures[list(EXTRACT_COLUMNS)].reset_index(drop=True),
        tuple(range(2, 2 + len(figures))),
    )
    located = {2 + i: (int(r), str(c)) for i, (r, c) in enumerate(zip(figures["source_row"], figures["source_column"]))}
    if figures.empty:
        raise InputError(placement.file, "no figure in the scorecard could be placed: nothing to import")
    from ..checks.suites import load_suite

    try:
        parse_table(
            long,
            typed,
            month=placement.month,
            suite=load_suite("values", project.root),
            params=params,
            calendar=project.config.calendar,
        )
    except InputError as exc:
        raise _relocated(exc, located, placement, extract_path.name) from None
    text = _csv_text(list(EXTRACT_COLUMNS), figures[list(EXTRACT_COLUMNS)].to_numpy().tolist())
    old = extract_path.read_bytes() if extract_path.exists() else None
    if old is not None and old != text.encode("utf-8") and not force:
        folder = project.config.paths.extracts
        raise CpbError(
            f"{extract_path.name} is in {folder} already, with other figures: give --force to replace it "
            "(the store keeps the figures loaded before, and lists what changed)"
        )

    _write_all([*(m for m in merged if m.text is not None), Merged("extract", extract_path, text)])
    return ImportResult(placement, tuple(merged), extract_path, old != text.encode("utf-8"))


UNPLACED_COLUMNS = ("sheet", "row", "column", "text", "why")


def unplaced_csv(cells: tuple[Unplaced, ...]) -> str:
    """The cells not placed as CSV text, safe to open in a spreadsheet (a cell that would run as a formula is
    quoted).

    >>> cell = Unplaced("Dash", 7, "RAG", "=cmd|' /C calc'!A0", "the mapping does not name this column")
    >>> print(unplaced_csv((cell,)), end="")
    sheet,row,column,text,why
    Dash,7,RAG,'=cmd|' /C calc'!A0,the mapping does not name this column
    """
    from ..present.escape import safe_cell

    rows = [[safe_cell(u.sheet or ""), u.row, safe_cell(u.column), safe_cell(u.text), safe_cell(u.why)] for u in cells]
    return _csv_text(list(UNPLACED_COLUMNS), rows)


def write_unplaced(placement: Placement, path: Path | str, force: bool = False) -> Path:
    """Write the cells not placed to ``path`` (a file the user names); an existing file is kept without ``force``."""
    path = Path(path)
    if path.exists() and not force:
        raise CpbError(f"{path} exists already: give --force to replace it, or name another file")
    _write_all([Merged("unplaced", path, unplaced_csv(placement.unplaced))])
    return path


def _write_all(files: list[Merged]) -> None:
    """Write each file through a temporary file beside it, all written before any is put in place."""
    staged: list[tuple[Path, Path]] = []
    try:
        for item in files:
            item.path.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=f".{item.path.name}.", suffix=".tmp", dir=item.path.parent)
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
                out.write(item.text or "")
            staged.append((Path(name), item.path))
        for temporary, final in staged:
            os.replace(temporary, final)
        staged = []
    finally:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
