"""Fixtures shared by the whole test suite (generic ones only)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"

SLOW = (
    "tests/checks/test_agreement.py::test_load_and_check_agree",
    "tests/checks/test_agreement.py::test_every_bad_file_of_the_load_corpus_is_refused_at_load",
    "tests/checks/test_check_cli.py",
    "tests/checks/test_corpus.py",
    "tests/checks/test_gx_process.py",
    "tests/checks/test_rules.py::test_the_failing_rows_are_the_ones_great_expectations_finds",
    "tests/checks/test_runner.py",
    "tests/checks/test_suites.py::test_every_expectation_type_is_a_gx_expectation",
    "tests/adopt/test_adopting_doc.py",
    "tests/cli/test_commentary.py",
    "tests/cli/test_load.py",
    "tests/cli/test_main.py::test_a_real_cpb_process_prints_everything_and_exits_with_its_code",
    "tests/cli/test_main.py::test_under_a_profiler_python_ends_as_usual_so_the_profile_is_written",
    "tests/cli/test_render.py",
    "tests/cli/test_render_quarterly.py",
    "tests/cli/test_run.py",
    "tests/derive/test_cli.py",
    "tests/derive/test_derive.py",
    "tests/derive/test_validator.py",
    "tests/dfe/test_agreement.py",
    "tests/dfe/test_cli.py",
    "tests/dfe/test_comparators.py",
    "tests/dfe/test_conventions.py",
    "tests/execute/test_kernels.py",
    "tests/notebooks/",
    "tests/present/charts/test_display.py::test_a_notebook_that_displays_a_chart_executes_and_keeps_it",
    "tests/present/charts/test_display.py::test_a_pages_deferred_charts_are_drawn_in_one_request",
    "tests/publish/test_month.py",
    "tests/publish/test_pdf.py",
    "tests/publish/test_public_render.py",
    "tests/scoring/test_properties.py",
    "tests/site/",
    "tests/test_backtest.py",
    "tests/test_sideprocess.py",
    "tests/test_workflow.py::test_checks_due_run_great_expectations_in_the_second_process_started_with_the_build",
    "tests/test_workflow.py::test_the_month_is_scored_while_the_suites_run",
    "tests/test_workflow.py::test_a_month_scored_while_its_checks_fail",
    "tests/test_workflow.py::test_a_build_with_every_page_current_does_not_load_the_charts_code",
    "tests/dfe/test_sources.py::test_every_mapping_row_finds_england_figures_in_the_shipped_files",
)
"""Tests that run the data checks, execute notebooks, render packs, start second processes, drive a browser
or search widely:
``python -m pytest -m "not slow" -n auto`` leaves them out and runs the rest, one process per core (about a minute
on 2 cores). Session fixtures are built once per process, in its own temporary folder."""
SLOW_FIXTURES = frozenset({"rendered_demo", "demo_packs", "score_outputs"})
"""Fixtures that render the demo month, show every page of it or run its checks: a test that needs one is slow too."""


def _is_slow(item) -> bool:
    """The rule: a test named in ``SLOW``, a test that needs a fixture in ``SLOW_FIXTURES``, or a property-based
    test (Hypothesis searches many cases; the example-based tests of the same module stay in the fast part)."""
    return (
        item.nodeid.startswith(SLOW)
        or not SLOW_FIXTURES.isdisjoint(getattr(item, "fixturenames", ()))
        or getattr(getattr(item, "obj", None), "is_hypothesis_test", False)
    )


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _is_slow(item):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def mini_project(tmp_path: Path) -> Path:
    """A small, valid project copied into ``tmp_path``; returns its root folder.

    It holds ``cpb.toml`` (Testshire Council, LA 999), a seven-indicator
    ``data/indicators.csv`` (counts, percentages, a rate, a score; names with
    an en dash and a comma; aliases) and one extract, ``data/extracts/2023-01.csv``.
    No store exists until a test builds one.
    """
    root = tmp_path / "project"
    shutil.copytree(DATA / "mini-project", root)
    return root


ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def demo_project(tmp_path: Path) -> Path:
    """A copy of the bundled demo project (``cpb.toml`` and ``data/``, no store) in ``tmp_path``."""
    root = tmp_path / "demo"
    root.mkdir()
    shutil.copy2(ROOT / "cpb.toml", root / "cpb.toml")
    shutil.copytree(ROOT / "data", root / "data", ignore=shutil.ignore_patterns("*.duckdb", "*.duckdb.wal"))
    return root


@pytest.fixture(scope="session")
def rendered_demo(tmp_path_factory) -> Path:
    """The demo project copied to a temporary folder and rendered once for the whole test session
    (``cpb render --month 2023-03`` with the built-in engine); returns the project root.

    The pack is in ``<root>/_site/2023-03/`` and the executed notebooks in ``<root>/_build/2023-03/``.
    Tests must not change these files; copy them first.
    """
    import subprocess
    import sys

    root = tmp_path_factory.mktemp("rendered") / "demo"
    root.mkdir()
    shutil.copy2(ROOT / "cpb.toml", root / "cpb.toml")
    shutil.copy2(ROOT / "_quarto.yml", root / "_quarto.yml")
    shutil.copy2(ROOT / "index.qmd", root / "index.qmd")
    for folder in ("data", "notebooks", "expectations"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns("*.duckdb", "*.duckdb.wal"))
    command = [
        sys.executable,
        "-m",
        "cpblib",
        "render",
        "--month",
        "2023-03",
        "--engine",
        "builtin",
        "--project",
        str(root),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, cwd=root, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return root


SMALL = DATA.parent / "notebooks" / "data" / "small-project"


@pytest.fixture(scope="session")
def small_loaded(tmp_path_factory) -> Path:
    """The small notebook project (``tests/notebooks/data/small-project``) with its store built, once for the
    session (once per worker when the tests run in parallel); returns its root. Copy it before changing anything."""
    from cpblib.inputs.load import ensure_store
    from cpblib.project import Project

    root = tmp_path_factory.mktemp("small-loaded") / "small"
    shutil.copytree(SMALL, root)
    ensure_store(Project.open(root))
    return root


@pytest.fixture(scope="session")
def small_pack(small_loaded: Path, tmp_path_factory):
    """The small project's March 2023, scored once for the session over a copy of :func:`small_loaded`.
    Tests must not change it or its project folder (``dataclasses.replace`` it over a copy instead)."""
    from cpblib.month import Month
    from cpblib.present.pack import score_pack
    from cpblib.project import Project

    root = tmp_path_factory.mktemp("small-pack") / "small"
    shutil.copytree(small_loaded, root)
    return score_pack(Project.open(root), Month(2023, 3))


@pytest.fixture(scope="session")
def small_scored(small_loaded: Path, tmp_path_factory) -> Path:
    """A copy of :func:`small_loaded` whose March 2023 is scored and saved (``_build/2023-03/``), as a build
    leaves it before executing the pages, once for the session; returns its root. Copy it before changing
    anything."""
    from cpblib.month import Month
    from cpblib.present.pack import save_pack, score_pack
    from cpblib.project import Project

    root = tmp_path_factory.mktemp("small-scored") / "small"
    shutil.copytree(small_loaded, root)
    save_pack(score_pack(Project.open(root), Month(2023, 3)))
    return root


COUNCIL_COMPARATORS = """
[comparators]
show = ["england", "last_year", "outstanding"]

[comparators.labels]
england = "England"

[comparators.last_year]
label = "Own figure last year"
publication_lag_months = 0

[comparators.outstanding]
label = "Outstanding LAs"
"""

COUNCIL_BENCHMARKS = """cic-rate,last_year,2021-22,66.2,Own figure for March 2022
cic-rate,outstanding,2016-19,58.1,Mean of the LAs judged Outstanding 2016 to 2019
dental-check,outstanding,2016-19,88.5,Mean of the LAs judged Outstanding 2016 to 2019
"""


def make_council_project(root: Path) -> Path:
    """The small notebook project (March 2023) at ``root``, with two comparators of the council's own
    (``last_year`` "Own figure last year", 2021-22; ``outstanding`` "Outstanding LAs", 2016-19) shown
    after England, Good/Outstanding SN hidden by ``show``, and an analyst's heading for ``cic-number``."""
    shutil.copytree(SMALL, root)
    config = root / "cpb.toml"
    text = config.read_text(encoding="utf-8")
    start, end = text.index("[comparators]"), text.index("[rag]")
    config.write_text(text[:start] + COUNCIL_COMPARATORS.lstrip() + "\n" + text[end:], encoding="utf-8")
    with (root / "data" / "benchmarks.csv").open("a", encoding="utf-8") as handle:
        handle.write(COUNCIL_BENCHMARKS)
    (root / "data" / "overrides.csv").write_text(
        "month,indicator,rag,heading,reason\n2023-03,cic-number,,Ambers of concern,numbers rose again in April\n",
        encoding="utf-8",
    )
    return root


@pytest.fixture
def council_project(tmp_path: Path) -> Path:
    """See :func:`make_council_project`."""
    return make_council_project(tmp_path / "council")


@pytest.fixture(scope="session")
def council_project_maker():
    """:func:`make_council_project`, for fixtures of a wider scope."""
    return make_council_project


@pytest.fixture(autouse=True)
def _checks_in_this_process(monkeypatch):
    """Builds run inside a test validate in the test's own process, where Great Expectations is imported
    once, rather than in a second process that imports it afresh for every build (about 4 s each). The second
    process is tested on its own (``tests/checks/test_gx_process.py``), and a test that needs it in a build
    sets ``workflow.GX_IN_SIDE_PROCESS`` back; ``cpb`` commands run as processes use it as installed."""
    from cpblib import workflow

    monkeypatch.setattr(workflow, "GX_IN_SIDE_PROCESS", False)


@pytest.fixture
def wide_console(monkeypatch):
    """A console wide enough that table cells are not folded in the captured output. rich reads COLUMNS
    at print time, unless the console took a width from it as it was made (pytest-xdist's workers set
    COLUMNS=80 before cpb is imported): that width is set aside for the test."""
    from cpblib.cli._common import console, err_console

    monkeypatch.setenv("COLUMNS", "400")
    for shared in (console, err_console):
        monkeypatch.setattr(shared, "_width", None)
