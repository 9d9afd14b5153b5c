"""``publish_month``'s outcomes for failures a user can cause: each one line in the log and an exit code."""

from __future__ import annotations

import errno

import pytest

from cpblib import workflow
from cpblib.build import log_file, scratch_root
from cpblib.month import Month
from cpblib.project import Project
from cpblib.publish import Outcome


@pytest.fixture
def run(mini_project):
    return workflow.Run(Project.open(mini_project), Month(2023, 1), engine="builtin")


@pytest.mark.parametrize(
    "fault, outcome, words",
    [
        (KeyboardInterrupt(), Outcome.INTERRUPTED, "interrupted before the pack was published"),
        (PermissionError(errno.EACCES, "Permission denied", "/p/_build/x"), Outcome.BAD_INPUT, "read-only"),
        (OSError(errno.ENOSPC, "No space left on device"), Outcome.RENDER_FAILED, "the disk is full"),
    ],
)
def test_a_failed_or_interrupted_render_is_one_logged_line_and_an_exit_code(run, monkeypatch, fault, outcome, words):
    def build_month(*args, **kwargs):
        scratch_root(run.project).mkdir(parents=True, exist_ok=True)  # what a render in progress has made
        raise fault

    monkeypatch.setattr(workflow, "build_month", build_month)
    result, line = workflow.publish_month(run)
    assert result is outcome and words in line
    assert log_file(run.project).read_text(encoding="utf-8").splitlines()[-1] == line
    assert f"exit={int(outcome)} NOT PUBLISHED" in line
    assert not scratch_root(run.project).exists()


def test_a_render_clears_what_a_killed_render_left_in_the_scratch_folder(run, monkeypatch):
    leftover = scratch_root(run.project) / "cpb-pdf-killed"
    leftover.mkdir(parents=True)
    (leftover / "body.typ").write_text("x", encoding="utf-8")
    monkeypatch.setattr(workflow, "build_month", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt()))
    workflow.publish_month(run)
    assert not leftover.exists()


def test_a_log_that_cannot_be_written_still_gives_the_line(run, monkeypatch):
    log_file(run.project).parent.mkdir(parents=True, exist_ok=True)
    log_file(run.project).mkdir()  # a folder where the log should be: appending fails
    monkeypatch.setattr(workflow, "build_month", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt()))
    outcome, line = workflow.publish_month(run)
    assert outcome is Outcome.INTERRUPTED and "not written to render.log" in line


def test_checks_due_run_great_expectations_in_the_second_process_started_with_the_build(mini_project, monkeypatch):
    """The first check of a month validates in the process started as the build began; a second build
    with the checks current starts none."""
    from cpblib import checks

    started, validated = [], []
    from cpblib.checks._gx_process import ValidationProcess

    class Recorded(ValidationProcess):
        def __init__(self):
            started.append(self)
            super().__init__()

        def validate(self, frames, suites, params):
            validated.append(sorted(frames))
            return super().validate(frames, suites, params)

    monkeypatch.setattr(checks, "validation_process", Recorded)
    monkeypatch.setattr(workflow, "GX_IN_SIDE_PROCESS", True)  # as installed (the tests validate in-process)
    run = workflow.Run(Project.open(mini_project), Month(2023, 1), until=workflow.Stage.SCORE)
    first = workflow.build_month(run)
    assert first.checks_ran and first.checks.ok and len(started) == 1
    assert "values" in validated[0] and started[0]._process.poll() is not None  # done and gone
    second = workflow.build_month(run)
    assert not second.checks_ran and len(started) == 1
    catalogue = mini_project / "data" / "indicators.csv"  # a changed input: checked again, in a second process
    catalogue.write_text(catalogue.read_text(encoding="utf-8").replace("Children", "Young people", 1), encoding="utf-8")
    third = workflow.build_month(run)
    assert third.checks_ran and third.checks.ok and len(started) == len(validated) == 2


def test_a_month_published_before_starts_the_pdf_process_only_when_it_is_rendered_again(run, monkeypatch):
    """A render with nothing to publish starts no second process; one that publishes again starts it then."""
    from contextlib import nullcontext

    started, given = [], []
    monkeypatch.setattr(workflow, "_pdf_process", lambda: nullcontext(started.append("pdf") or "side process"))

    def render(project, month, engine, domains, side):
        given.append(side)
        site = project.path("site") / month.key
        site.mkdir(parents=True, exist_ok=True)
        (site / "index.html").write_text("page", encoding="utf-8")
        (project.path("site") / "index.html").write_text("home", encoding="utf-8")
        return site

    from cpblib import publish

    monkeypatch.setattr(publish, "record_publication", lambda project, month: None)
    first = workflow.publish(run, "builtin", None, render)
    assert first.rendered and started == ["pdf"] and given == ["side process"]
    again = workflow.publish(run, "builtin", None, render)
    assert not again.rendered and started == ["pdf"] and len(given) == 1


@pytest.mark.parametrize("until", [workflow.Stage.CHECK, workflow.Stage.SCORE, workflow.Stage.EXECUTE])
def test_a_build_that_stops_before_publishing_starts_no_pdf_process(mini_project, monkeypatch, until):
    """``cpb check``, ``cpb score`` and ``cpb run`` of a month never rendered have no PDF to make."""
    from contextlib import nullcontext

    started = []
    monkeypatch.setattr(workflow, "_pdf_process", lambda: nullcontext(started.append("pdf")))
    monkeypatch.setattr(workflow, "_validation_process", lambda: nullcontext(None))
    monkeypatch.setattr(workflow, "_kernels", lambda run: nullcontext(None))

    class Stop(Exception):
        pass

    def check(*args, **kwargs):
        raise Stop  # the side processes are decided by now

    monkeypatch.setattr(workflow, "check", check)
    run = workflow.Run(Project.open(mini_project), Month(2023, 1), engine="builtin", until=until)
    with pytest.raises(Stop):
        workflow.build_month(run)
    assert started == []
    with pytest.raises(Stop):
        workflow.build_month(workflow.Run(run.project, run.month, engine="builtin"))
    assert started == ["pdf"]  # a render of the same month would start it


def test_the_kernels_and_the_charts_process_start_while_the_checks_run(mini_project, monkeypatch):
    from contextlib import nullcontext

    started = []

    class Pool:
        def start(self, one_at_a_time=False):
            started.append(("kernels", one_at_a_time))

    class Drawing:
        def start(self):
            started.append("charts")

    class Stop(Exception):
        pass

    def check(run, folder, current, data, progress, meanwhile=None, validator=None):
        meanwhile()
        raise Stop

    monkeypatch.setattr(workflow, "_kernels", lambda run: nullcontext(Pool()))
    monkeypatch.setattr(workflow, "_chart_drawing", lambda: nullcontext(Drawing()))
    monkeypatch.setattr(workflow, "_pdf_process", lambda: nullcontext(None))
    monkeypatch.setattr(workflow, "check", check)
    with pytest.raises(Stop):
        workflow.build_month(workflow.Run(Project.open(mini_project), Month(2023, 1), engine="builtin"))
    assert started == [("kernels", True), "charts"]


def test_the_month_is_scored_while_the_suites_run_and_saved_once_they_pass(mini_project, monkeypatch):
    import threading

    from cpblib.checks import runner

    scoring_started, seen = threading.Event(), []
    real_score, real_validate = workflow.score, runner.validate

    def score(*args):
        seen.append(threading.current_thread().name)
        scoring_started.set()
        return real_score(*args)

    def validate(frames, suites, params):
        seen.append(("scoring under way while the suites run", scoring_started.wait(timeout=60)))
        return real_validate(frames, suites, params)

    monkeypatch.setattr(workflow, "score", score)
    monkeypatch.setattr(runner, "validate", validate)
    run = workflow.Run(Project.open(mini_project), Month(2023, 1), until=workflow.Stage.SCORE)
    built = workflow.build_month(run)
    assert built.checks.ok and built.pack is not None and workflow.BuildFolder(run.project, run.month).pack.is_file()
    assert seen == ["cpb-scoring_0", ("scoring under way while the suites run", True)]


def test_a_month_scored_while_its_checks_fail_is_never_saved(mini_project, monkeypatch):
    import threading

    from cpblib.checks import ChecksFailed

    extract = mini_project / "data" / "extracts" / "2023-01.csv"
    lines = extract.read_text(encoding="utf-8").splitlines()
    extract.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")  # a duplicated row: refused
    scored = []
    real_score = workflow.score
    monkeypatch.setattr(workflow, "score", lambda *args: scored.append(1) or real_score(*args))
    run = workflow.Run(Project.open(mini_project), Month(2023, 1), until=workflow.Stage.SCORE)
    with pytest.raises(ChecksFailed):
        workflow.build_month(run)
    assert scored == [1] and not workflow.BuildFolder(run.project, run.month).pack.exists()
    assert not [t for t in threading.enumerate() if t.name == "cpb-scoring_0"]  # it ended with the build


def test_each_page_done_is_told_to_the_pdf_process_which_makes_it_ready_meanwhile(run):
    from cpblib.build import BuildFolder
    from cpblib.execute import NotebookJob

    folder = BuildFolder(run.project, run.month)
    jobs = [NotebookJob("summary", "Summary", folder.root / "x.ipynb", out, {}, n) for n, out in enumerate(["a", "b"])]
    told, reported = [], []

    class Side:
        def prepare(self, *arguments):
            told.append(arguments)

    done = workflow._page_done(lambda job, executed: reported.append((job.output, executed)), Side(), folder, jobs)
    done(jobs[1], True)
    done(jobs[0], False)  # a page kept as it was is in the PDF too
    assert told == [(folder.root, out, ["a", "b"], scratch_root(run.project)) for out in ("b", "a")]
    assert reported == [("b", True), ("a", False)]
    assert workflow._page_done(None, None, folder, jobs) is None  # no PDF process, nothing to report: nothing to do


FIRST_PROCESS = """
import sys
import cpblib.cli  # the command line, as `cpb render` loads it
from cpblib import workflow
from cpblib.month import Month
from cpblib.project import Project

seen = []

class Started(Exception):
    pass

def validation_process():
    seen.append("pandas" in sys.modules)
    raise Started

workflow._validation_process = validation_process
try:
    workflow.build_month(workflow.Run(Project.open(sys.argv[1]), Month(2023, 1), force=True))
except Started:
    pass
print(seen)
"""


def test_the_checks_process_starts_before_the_command_imports_pandas(mini_project):
    """Great Expectations, the longest thing before the pages, starts loading as soon as the command has read
    its settings: the command line and the build import pandas and the rest only after."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", FIRST_PROCESS, str(mini_project)], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[False]", done.stderr[-2000:]


WARM_PROCESS = """
import sys
from cpblib import workflow
from cpblib.month import Month
from cpblib.project import Project

built = workflow.build_month(workflow.Run(Project.open(sys.argv[1]), Month(2023, 1), engine="builtin"))
print(len(built.executed.executed), built.published.rendered, "altair" in sys.modules)
"""


def test_a_build_with_every_page_current_does_not_load_the_charts_code(mini_project):
    """Nothing to execute, nothing to publish: the pages' charts code (Altair, half a second) stays unloaded."""
    import subprocess
    import sys

    def build() -> list[str]:
        command = [sys.executable, "-c", WARM_PROCESS, str(mini_project)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout.split()

    first = build()
    assert first[1:] == ["True", "True"] and int(first[0]) > 0
    assert build() == ["0", "False", "False"]
