"""Indicators derived from child-level data: the SSDA903 return of children looked after.

:func:`derive_ssda903` reads a council's 903 tables (one folder per collection
year, or files named with their year), runs DfE's own validation rules on them
where those are installed (``cpb derive setup``), computes the month-end figure
of every definition the catalogue's ``derivation`` column names, writes them as
a long extract ``<through>-ssda903.csv`` into the project's extracts folder and
loads it like any other extract (same checks, same store, same revisions). The
rule failures go beside it as ``<through>-ssda903.findings.json`` and reach the
data-quality page as warnings (:func:`add_findings_to_checks`).

Only aggregates leave the derivation: the extract holds counts, shares, rates
and averages; the findings hold rule codes, file rows and child ids (shown on
the data-quality page unless the pack is public); no child-level row reaches
the store, a page or a log.

The definitions are listed in :data:`DEFINITIONS` (their codes and labels are
data: ``cpblib/_data/ssda903/definitions.csv``) and explained in docs/ssda903.md.

>>> DEFINITIONS["ssda903:cla-count"]["unit"], "ssda903:adoption-a10" in DEFINITIONS
('count', True)
"""

from __future__ import annotations

import datetime as _dt
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..month import Month
from ..project import Project
from ._definitions import DEFINITIONS, combine, default_through, derive, start_month
from ._findings import aggregate, findings_path, outcomes, read_findings, write_findings
from ._generator import write_synthetic
from ._tables import read_population, read_tables, year_label
from ._validator import INSTALL_HINT, ValidatorError, find_python, setup, validate_year

EXTRACT_SUFFIX = "-ssda903.csv"
POPULATION_FILE = "data/population.csv"
"""Where a project keeps its ONS mid-year estimates of residents aged 0 to 17 (optional)."""

DERIVATION_COLUMN = "derivation"


@dataclass(frozen=True)
class Derivation:
    """What one run of :func:`derive_ssda903` did (aggregates only)."""

    month: Month
    extract: Path
    findings: Path
    load_id: int
    skipped: bool
    values: int
    indicators: tuple[str, ...]
    years: tuple[int, ...]
    validator: str
    rules_failing: int
    rows_flagged: int
    ignored: tuple[str, ...]


def mapped_definitions(catalogue: pd.DataFrame, file: str = "indicators.csv") -> pd.DataFrame:
    """Catalogue indicators that name a 903 definition: columns indicator, definition.

    >>> frame = pd.DataFrame({"indicator": ["cic-number", "x"], "derivation": ["ssda903:cla-count", None]})
    >>> mapped_definitions(frame).values.tolist()
    [['cic-number', 'ssda903:cla-count']]
    """
    if DERIVATION_COLUMN not in catalogue:
        return pd.DataFrame(columns=["indicator", "definition"])
    named = catalogue.loc[catalogue[DERIVATION_COLUMN].notna(), ["indicator", DERIVATION_COLUMN]]
    for position, (indicator, code) in zip(named.index, named.itertuples(index=False)):
        if str(code).startswith("ssda903:") and code not in DEFINITIONS:
            raise InputError(
                file,
                f"{code!r} is not a 903 definition; see docs/ssda903.md for the codes",
                row=int(position) + 2,
                column=DERIVATION_COLUMN,
                indicator=indicator,
            )
    named = named.loc[named[DERIVATION_COLUMN].astype(str).str.startswith("ssda903:")]
    return named.rename(columns={DERIVATION_COLUMN: "definition"}).reset_index(drop=True)


def extract_frame(figures: pd.DataFrame, mapping: pd.DataFrame) -> pd.DataFrame:
    """The long extract: each mapped indicator with its definition's figures (pure)."""
    joined = mapping.merge(figures, on="definition", how="inner")
    return (
        joined[["indicator", "period", "value", "numerator", "denominator", "note"]]
        .sort_values(["indicator", "period"], kind="stable")
        .reset_index(drop=True)
    )


def _display_file(raw) -> str:
    name = raw.file
    return name if str(raw.year) in name or str(raw.year - 1) in name else f"{year_label(raw.year)}/{name}"


def _run_validator(project: Project, tables, validate: bool) -> tuple[dict, list[dict], pd.DataFrame]:
    """DfE's rules over every year: (status, findings, places)."""
    places = pd.DataFrame(columns=["year", "row", "distance", "location"])
    if not validate:
        return {"status": "skipped", "detail": "DfE's 903 rules were not run (--no-validate)"}, [], places
    python = find_python(project)
    if python is None:
        return {"status": "absent", "detail": INSTALL_HINT}, [], places
    files = {(raw.year, raw.spec.validator_name): _display_file(raw) for raw in tables}
    findings: list[dict] = []
    ran, skipped, packages, not_run, rows, reasons = [], [], set(), set(), [], set()
    authority = project.config.authority
    for year in sorted({raw.year for raw in tables}):
        result = validate_year(python, year, tables, authority.new_la_code)
        if not result.ran:
            skipped.append(year_label(year))
            reasons.add(result.reason)
            continue
        ran.append(year_label(year))
        packages.add(f"{result.package} ({result.ruleset})")
        not_run.update(result.not_run)
        for item in result.findings:
            findings.append({**item, "file": files.get((year, item.get("table")), str(item.get("table")))})
        rows.extend([year, *place] for place in result.places)
    if rows:
        places = pd.DataFrame(rows, columns=["year", "row", "distance", "location"])
    detail = f"DfE's 903 rules ({PACKAGE_TEXT} {', '.join(sorted(packages))}) ran on {', '.join(ran) or 'no year'}"
    if skipped:
        detail += f"; not run on {', '.join(skipped)} ({'; '.join(sorted(reasons))})"
    if not_run:
        detail += f"; rules that could not run: {', '.join(sorted(not_run))}"
    status = "ran" if ran and not skipped else "partial" if ran else "absent"
    return {"status": status, "detail": detail}, findings, places


PACKAGE_TEXT = "csc-validator-be-903"


def derive_ssda903(
    project: Project,
    paths: list[Path | str],
    through: Month | str | None = None,
    *,
    population: Path | str | None = None,
    validate: bool = True,
    today: _dt.date | None = None,
) -> Derivation:
    """Derive the catalogue's 903 indicators from child-level tables and load them; see the module notes.

    Stops with an :class:`~cpblib.errors.InputError` (file, row, column) on a file that
    cannot be read or is not a 903 table, and then nothing is written or loaded.
    """
    from ..inputs.load import commit_loads, ensure_store, prepare_load, read_catalogue

    catalogue = read_catalogue(project)
    mapping = mapped_definitions(catalogue, project.path("catalogue").name)
    if mapping.empty:
        raise InputError(
            project.path("catalogue").name,
            "no indicator names a 903 definition: fill the derivation column (e.g. ssda903:cla-count)",
            row=1,
            column=DERIVATION_COLUMN,
        )
    tables, ignored = read_tables(paths)
    pop_path = Path(population) if population else project.root / POPULATION_FILE
    authority = project.config.authority
    people = (
        read_population(pop_path, [authority.la_code, authority.new_la_code or ""])
        if (population or pop_path.is_file())
        else {}
    )
    status, found, places = _run_validator(project, tables, validate)
    data = combine(tables, people, places)
    current = Month.today(today)
    month = default_through(data, current) if through is None else Month.parse(through)
    if month < start_month(data):
        raise InputError("--through", f"{month} is before the first month of the 903 data ({start_month(data)})")
    figures = derive(data, month)
    extract = extract_frame(figures, mapping)
    if extract.empty:
        raise InputError("--through", f"the 903 data covers no month up to {month}")

    folder = project.path("extracts")
    name = f"{month}{EXTRACT_SUFFIX}"
    staging = project.path("build") / "ssda903" / name
    staging.parent.mkdir(parents=True, exist_ok=True)
    extract.to_csv(staging, index=False, float_format="%.10g", lineterminator="\n")
    prepared = prepare_load(project, staging, month, catalogue=catalogue, today=today)  # checked before anything moves

    notices = [
        {"code": n.code, "message": n.message, "file": _display_file(raw), "row": n.row, "child": n.child}
        for raw in tables
        for n in raw.notices
    ]
    groups = aggregate([*notices, *found])
    target = folder / name
    sidecar = findings_path(target)
    before = {path: path.read_bytes() if path.is_file() else None for path in (target, sidecar)}
    folder.mkdir(parents=True, exist_ok=True)
    try:
        shutil.copyfile(staging, target)  # the build folder may be on another disk than the extracts
        write_findings(
            sidecar,
            {
                "extract": name,
                "month": str(month),
                "years": [year_label(y) for y in data.years],
                "validator": status,
                "rows_checked": int(sum(len(raw.frame) for raw in tables)),
                "rules": groups,
            },
        )
        seeded = ensure_store(project, today=today)
        receipt = next((r for r in seeded if r.sha256 == prepared.sha256 and r.month == str(month)), None)
        receipt = receipt or commit_loads(project, [prepared])[0]
    except BaseException:
        for path, content in before.items():  # put the folder back as it was
            if content is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(content)
        raise
    return Derivation(
        month=month,
        extract=target,
        findings=sidecar,
        load_id=receipt.load_id,
        skipped=receipt.skipped,
        values=len(extract),
        indicators=tuple(pd.unique(extract["indicator"])),
        years=data.years,
        validator=status["detail"],
        rules_failing=len(groups),
        rows_flagged=sum(g["count"] for g in groups),
        ignored=tuple(p.name for p in ignored),
    )


# -- the data-quality page ------------------------------------------------------------------------
def latest_findings(project: Project, month: Month | str) -> Path | None:
    """The findings file of the latest 903 extract for ``month`` or before it."""
    from ..inputs.load import month_from_filename

    folder = project.path("extracts")
    if not folder.is_dir():
        return None
    month = Month.parse(month)
    found = []
    for path in folder.glob(f"*{EXTRACT_SUFFIX.removesuffix('.csv')}.findings.json"):
        try:
            when = month_from_filename(path)
        except InputError:
            continue
        if when is not None and when <= month:
            found.append((when, path))
    return max(found)[1] if found else None


def add_findings_to_checks(project: Project, month: Month | str, result) -> None:
    """Add the 903 findings of the month's derivation to a :class:`~cpblib.checks.CheckResult` as warnings."""
    from ..checks.result import CheckOutcome

    path = latest_findings(project, month)
    if path is None:
        return
    try:
        document = read_findings(path)
    except InputError as exc:
        result.add(
            CheckOutcome(
                "the 903 findings can be read", "warning", file=path.name, suite="ssda903", message=exc.message
            )
        )
        return
    validator = document.get("validator") or {}
    if validator.get("status") != "ran":
        result.add(
            CheckOutcome(
                "DfE's 903 rules were run on the child-level data",
                "warning",
                file=str(document.get("extract") or path.name),
                suite="ssda903",
                message=str(validator.get("detail") or "not run"),
            )
        )
    for outcome in outcomes(document, public=project.config.publication.public):
        result.add(outcome)
    result.checked["ssda903"] = int(document.get("rows_checked") or 0)
    result.files["ssda903"] = str(document.get("extract") or path.name)


__all__ = [
    "DEFINITIONS",
    "Derivation",
    "ValidatorError",
    "add_findings_to_checks",
    "derive_ssda903",
    "extract_frame",
    "latest_findings",
    "mapped_definitions",
    "setup",
    "write_synthetic",
]
