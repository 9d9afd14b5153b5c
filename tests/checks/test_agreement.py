"""Loading and ``cpb check`` apply the same rules.

For every file of the bad-input corpora (``tests/data/bad``, ``tests/data/bad-load``)
the error a load stops at is one of the errors Great Expectations reports when
the suites run on the same input (same file, row and column); a file that
loads has no error in Great Expectations either; and good files (the messy
corpus, ``tests/data/load``, the demo project's tables) pass both. A file that
cannot be read never reaches Great Expectations: both paths report the load's error.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from cpblib.checks.prepare import prepare_input, prepare_values
from cpblib.checks.rules import parameters
from cpblib.checks.runner import outcomes_from_results, validate
from cpblib.checks.suites import load_suite
from cpblib.errors import InputError
from cpblib.inputs.extract import LONG_COLUMNS, WIDE_INDICATOR_COLUMNS, normalise_header, parse_table
from cpblib.inputs.files import Table, read_table
from cpblib.inputs.load import typed_table
from cpblib.month import Month

TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent
DEMO = REPO / "data"
MINI = TESTS / "data" / "mini-project" / "data"
MONTH = Month(2023, 3)
NO_RULES = {"name": "values", "expectations": []}
PARAMS = parameters()


@dataclass(frozen=True)
class Case:
    path: Path
    kind: str
    catalogue: Path  # the project folder whose indicators.csv the file is read against
    bad: bool

    @property
    def id(self) -> str:
        return f"{self.path.parent.name}/{self.path.name}"


def _manifest(folder: Path) -> list[dict[str, str]]:
    with (folder / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def cases() -> list[Case]:
    bad = TESTS / "data" / "bad"
    found = [Case(bad / r["file"], r["kind"], DEMO, True) for r in _manifest(bad)]
    found += [
        Case(TESTS / "data" / "bad-load" / r["file"], "values", MINI, True) for r in _manifest(bad.parent / "bad-load")
    ]
    found += [Case(bad / "messy" / r["file"], r["kind"], DEMO, False) for r in _manifest(bad / "messy")]
    found += [Case(path, "values", MINI, False) for path in sorted((TESTS / "data" / "load").iterdir())]
    found += [
        Case(DEMO / f"{name}.csv", name, DEMO, False) for name in ("targets", "benchmarks", "overrides", "annotations")
    ]
    found += [
        Case(DEMO / "indicators.csv", "catalogue", DEMO, False),
        Case(DEMO / "extracts" / "2023-03.csv", "values", DEMO, False),
    ]
    return found


CASES = cases()


def catalogue(folder: Path) -> pd.DataFrame:
    return typed_table("catalogue", read_table(folder / "indicators.csv"))


CATALOGUES = {}


def catalogue_for(case: Case) -> pd.DataFrame:
    if case.catalogue not in CATALOGUES:
        CATALOGUES[case.catalogue] = catalogue(case.catalogue)
    return CATALOGUES[case.catalogue]


def read(case: Case) -> Table | InputError:
    try:
        return read_table(case.path, allow_empty=case.kind not in ("values", "catalogue"))
    except InputError as exc:
        return exc


def load_error(case: Case, table: Table) -> InputError | None:
    """What loading (an extract) or typing (a table) stops at: the load-time check."""
    try:
        if case.kind == "values":
            parse_table(table, catalogue_for(case), month=MONTH)
        else:
            typed_table(case.kind, table, None if case.kind == "catalogue" else catalogue_for(case))
    except InputError as exc:
        return exc
    return None


def checked_frame(case: Case, table: Table) -> pd.DataFrame | InputError:
    """The frame ``cpb check`` gives Great Expectations for the same input (or the reading error)."""
    if case.kind != "values":
        return prepare_input(case.kind, table.frame, table.rows, table.file, catalogue_for(case), MONTH)
    try:
        parsed = parse_table(table, catalogue_for(case), month=MONTH, suite=NO_RULES)
    except InputError as exc:
        return exc
    return prepare_values(parsed.values.assign(file=table.file), catalogue_for(case), MONTH, check_due=False)


@pytest.fixture(scope="module")
def reported() -> dict[str, list]:
    """Great Expectations' errors per case, from one validation of every frame."""
    frames, suites, tables = {}, {}, {}
    for number, case in enumerate(CASES):
        table = read(case)
        if isinstance(table, InputError):
            continue
        frame = checked_frame(case, table)
        if isinstance(frame, InputError):
            continue
        key = f"case{number}"
        frames[key], suites[key], tables[key] = frame, load_suite(case.kind), (case, table)
    results = validate(frames, suites, PARAMS)
    out = {}
    for key, (case, table) in tables.items():
        failed, _ = outcomes_from_results(
            case.kind, suites[key], frames[key], results[key], PARAMS, table.file, table.header_row
        )
        out[case.id] = [o for o in failed if o.severity == "error"]
    return out


def roles(header: str | None) -> set[str]:
    """The columns a header of an extract stands for in the values suite (its own name too)."""
    if header is None:
        return set()
    key = normalise_header(header)
    found = {header}
    if key in LONG_COLUMNS:
        found.add(LONG_COLUMNS[key])
    if key in WIDE_INDICATOR_COLUMNS:
        found.add("indicator")
    if Month.try_parse(header) is not None:
        found |= {"value", "period"}
    return found


def same_place(error: InputError, outcome) -> bool:
    if outcome.file != error.file:
        return False
    if error.row is not None and error.row not in outcome.rows:
        return False
    if error.indicator is not None and error.indicator != outcome.indicator:
        return False
    return bool(roles(error.column) & set((outcome.column or "").split(", ")))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_load_and_check_agree(case, reported):
    table = read(case)
    if isinstance(table, InputError):  # the file itself cannot be read: there is nothing for the suites to see
        assert case.bad
        return
    error = load_error(case, table)
    frame = checked_frame(case, table)
    if isinstance(frame, InputError):  # a reading problem (layout, a cell, a name): the check shows the load's error
        assert case.bad and str(error) == str(frame)
        return
    gx_errors = reported[case.id]
    if error is None:
        assert gx_errors == [], [o.to_dict() if hasattr(o, "to_dict") else o for o in gx_errors]
        return
    assert case.bad, f"a good file is refused: {error}"
    assert any(same_place(error, o) for o in gx_errors), (str(error), gx_errors)


def test_every_bad_file_of_the_load_corpus_is_refused_at_load():
    for case in (c for c in CASES if c.bad and c.path.parent.name == "bad-load"):
        table = read(case)
        assert isinstance(table, InputError) or load_error(case, table) is not None, case.id


def test_the_corpora_reach_every_suite_that_loading_applies():
    kinds = {c.kind for c in CASES if c.bad}
    assert kinds == {"values", "catalogue", "targets", "benchmarks", "overrides", "annotations"}
