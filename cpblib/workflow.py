"""A month's build, as one recipe: load, check, score, prepare the pages, execute, render, publish.

Every command that makes something of a month (``cpb check``, ``cpb score``,
``cpb run``, ``cpb render``) calls :func:`build_month` with a :class:`Run`
saying how far to go; the command line only parses its arguments. The steps
read one :class:`~cpblib.inputs.month_data.MonthData` of the month: what the
checks look at is what the scoring scores and what the pages show.

Each step is kept when what it is made from has not changed (the month's
:func:`~cpblib.build.fingerprint` covers the inputs, the settings and cpb's
code), so a second build of an unchanged month reads nothing and executes
nothing; ``force`` does every step again.

>>> Stage.SCORE < Stage.PUBLISH
True
"""

from __future__ import annotations

import enum
import os
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import build as _build
from .build import BuildFolder
from .errors import (
    ConfigError,
    CpbError,
    InputError,
    NotebookFailed,
    OutsideProject,
    StoreError,
    cannot_write,
    os_error_text,
)
from .month import Month
from .project import Project

if TYPE_CHECKING:
    from .checks import CheckResult
    from .checks.runner import Validator
    from .execute import Executed, NotebookJob
    from .inputs.month_data import MonthData
    from .present.pack import Pack
    from .publish import Outcome, Published


class Stage(enum.IntEnum):
    """How far a build goes (each stage includes those before it)."""

    CHECK = 1
    SCORE = 2
    EXECUTE = 3
    PUBLISH = 4


@dataclass(frozen=True)
class Run:
    """What to build: a project's month, how far, with which engine, reusing what is current unless ``force``."""

    project: Project
    month: Month
    until: Stage = Stage.PUBLISH
    engine: str = "auto"  # auto | quarto | builtin
    force: bool = False
    workers: int | None = None  # pages executed at once (default: one per core)


@dataclass
class Progress:
    """What a build tells whoever runs it, as it goes (all optional)."""

    checks: Callable[[CheckResult], None] | None = None
    page_started: Callable[[NotebookJob], None] | None = None
    page_done: Callable[[NotebookJob, bool], None] | None = None
    executed: Callable[[Executed], None] | None = None


@dataclass
class Built:
    """What a build did."""

    run: Run
    checks_ran: bool = False
    checks: CheckResult | None = None  # None when an earlier clean result was kept
    pack: Pack | None = None
    executed: Executed | None = None
    published: Published | None = None
    seconds: dict[str, float] = field(default_factory=dict)


USER_ERRORS = (InputError, ConfigError, OutsideProject, StoreError)
"""Errors in what the user gave cpb (files, settings, the store): ``cpb render`` exits 1 on them."""

PDF_IN_SIDE_PROCESS = True
"""Typeset the PDF in a second process while this one works (off: after the website, in this process)."""

GX_IN_SIDE_PROCESS = True
"""Run Great Expectations in a second process started with the build, which imports it while this one
loads and reads the month (off: imported here when the checks run)."""

CHARTS_IN_SIDE_PROCESS = True
"""Draw the pages' charts in a second process, started with the kernels (off: in this process, where
vl-convert holds the interpreter while it draws, and the kernels wait for this process meanwhile)."""


def build_month(run: Run, progress: Progress | None = None) -> Built:
    """Build ``run.month`` up to ``run.until``; raises the step's own error when a step fails
    (:class:`~cpblib.checks.ChecksFailed`, :class:`~cpblib.execute.NotebookFailed`, a render error),
    and nothing after that step is changed.
    """
    project, month, progress = run.project, run.month, progress or Progress()
    folder = BuildFolder(project, month)
    project.inside(folder.root, "build")  # the month's folder may not be a link to somewhere else
    built = Built(run)
    engine = _engine(run)
    with ExitStack() as later:
        # Second processes load their libraries while this one reads: Great Expectations when the checks
        # are sure to run (no clean result to keep), the PDF's typesetting, the pages' kernels. The first two
        # start before this process imports pandas and the rest.
        first_check = run.force or not folder.checks_key.is_file()
        validation = later.enter_context(_validation_process()) if first_check and GX_IN_SIDE_PROCESS else None
        first_render = run.force or not folder.render_stamp.is_file()
        side = (
            later.enter_context(_pdf_process())
            if engine == "builtin" and first_render and PDF_IN_SIDE_PROCESS
            else None
        )
        from .inputs.month_data import load_new_extracts, read_month
        from .present.pack import save_pack, saved_pack

        kernels = later.enter_context(_kernels(run)) if run.until >= Stage.EXECUTE else None
        drawing = later.enter_context(_chart_drawing()) if kernels is not None and CHARTS_IN_SIDE_PROCESS else None

        loaded = load_new_extracts(project)  # 1. new extracts into the store (a bad one is reported by the checks)
        current = _build.fingerprint(project, month)
        data = _OnDemand(lambda: read_month(project, month, loaded))  # 2. the month's data, read once if needed
        if validation is None and GX_IN_SIDE_PROCESS and not checks_current(run, folder, current):
            validation = later.enter_context(_validation_process())  # changed since the last check

        meanwhile = (lambda: _start(kernels, drawing)) if kernels is not None else None
        pack = None if run.force or run.until is Stage.CHECK else saved_pack(project, month, current)
        validator = validation.validate if validation is not None else None
        ahead: list[Future] = []  # the month scored while the suites run: saved only once the checks pass
        if pack is None and run.until > Stage.CHECK:
            # Its thread never outlives the build (it reads the store): the pool waits for it on the way out.
            scoring = later.enter_context(ThreadPoolExecutor(1, thread_name_prefix="cpb-scoring"))
            validator = _scoring_meanwhile(
                validator, lambda: scoring.submit(score, project, data.get(), current), ahead
            )
        built.checks_ran, built.checks = check(run, folder, current, data, progress, meanwhile, validator)  # 3. check
        if run.until is Stage.CHECK:
            return built

        if pack is None:  # 4. score
            pack = save_pack(ahead[0].result() if ahead else score(project, data.get(), current))
        built.pack = pack
        if run.until is Stage.SCORE:
            return built

        from .execute import execute_pages, plan

        jobs = plan(built.pack)  # 5. prepare the pages, 6. execute the pages that changed
        built.executed = execute_pages(
            built.pack, jobs=jobs, force=run.force, on_start=progress.page_started,
            on_done=_page_done(progress.page_done, side, folder, jobs), kernels=kernels,
            draw=drawing.draw if drawing is not None else None,
        )  # fmt: skip
        if kernels is not None:
            kernels.release()  # every page has run: the kernels shut down while the pack is published
        if progress.executed is not None:
            progress.executed(built.executed)
        if run.until is Stage.EXECUTE:
            return built

        from .publish import render_month

        built.published = publish(run, engine, side, render_month)  # 7. render, 8. publish
    return built


def check(
    run: Run, folder: BuildFolder, current: str, data: _OnDemand, progress: Progress,
    meanwhile: Callable[[], object] | None = None, validator: Validator | None = None,
) -> tuple[bool, CheckResult | None]:  # fmt: skip
    """Run the data checks on the month's data and write their report, unless they already passed on
    exactly these inputs today (then nothing is read and Great Expectations is not imported).

    Raises :class:`~cpblib.checks.ChecksFailed` on any error. ``meanwhile`` is called just before the
    checks run: the kernels start then, beside them. ``validator`` runs the suites (default: in this process).
    """
    if checks_current(run, folder, current):
        return False, None
    from .checks import ChecksFailed, run_checks, write_reports

    if meanwhile is not None:
        meanwhile()
    folder.checks_key.unlink(missing_ok=True)
    result = run_checks(run.project, data.get(), validator)
    write_reports(run.project, result)
    if progress.checks is not None:
        progress.checks(result)
    if not result.ok:
        raise ChecksFailed(result)
    _build.write_text(folder.checks_key, _build.checks_key(run.project, run.month, current))
    return True, result


def checks_current(run: Run, folder: BuildFolder, current: str) -> bool:
    """Whether the month's checks passed on exactly these inputs (``current``: the month's fingerprint)
    today, and ``run`` does not ask for everything again."""
    key = _build.checks_key(run.project, run.month, current)
    return not run.force and _build.read_text(folder.checks_key) == key and folder.checks_json.is_file()


def score(project: Project, data: MonthData, current: str) -> Pack:
    """Score the checked month: one scored frame that every page is built from (pure but for reading
    the official DfE figures that fill benchmark gaps); in a public pack, small numbers are suppressed
    in it (:func:`cpblib.present.public.for_publication`)."""
    from .inputs.month_data import typed_inputs
    from .present.pack import Pack
    from .present.public import for_publication
    from .scoring import score_month

    inputs = typed_inputs(project, data)
    return for_publication(Pack(project, data.month, inputs, score_month(inputs, project.config), current))


def publish(run: Run, engine: str, side, render: Callable) -> Published:
    """Render the website and PDF unless the published copy is current, then record the publication."""
    from .inputs.load import read_catalogue
    from .publish import Published, published_current, record_publication, render_stamp, save_render_stamp

    project, month = run.project, run.month
    stamp = render_stamp(project, month, engine)
    site_month = project.path("site") / month.key
    project.inside(site_month, "site")
    rendered = run.force or not published_current(project, month, stamp)
    started = time.perf_counter()
    if rendered:
        domains = list(dict.fromkeys(read_catalogue(project)["domain"]))
        with ExitStack() as later:
            if side is None and engine == "builtin" and PDF_IN_SIDE_PROCESS:
                side = later.enter_context(_pdf_process())  # not started with the build: the month had been published
            site_month = render(project, month, engine, domains, side)
        save_render_stamp(project, month, stamp, engine)
    record_publication(project, month)
    return Published(
        month=month, engine=engine, site_dir=site_month, pdf=site_month / f"board-pack-{month.key}.pdf",
        rendered=rendered, seconds=time.perf_counter() - started if rendered else 0.0,
    )  # fmt: skip


def publish_month(run: Run, progress: Progress | None = None) -> tuple[Outcome, str]:
    """``cpb render``: the whole build under the project's render lock, ending in one line appended to
    ``_build/render.log`` and an :class:`~cpblib.publish.Outcome` (the exit code) with that line."""
    from .checks import ChecksFailed
    from .publish import EngineUnavailable, Outcome, RenderLocked, log_line, render_lock

    project, month = run.project, run.month
    outcome, message = Outcome.PUBLISHED, ""
    try:
        with render_lock(project):
            done = build_month(run, progress).published
        index = done.site_dir / "index.html"
        message = (
            f"{month.label} published with the {done.engine} engine"
            f"{'' if done.rendered else ' (unchanged since the last render)'}: open {index} ; PDF {done.pdf}"
            f"{f' ; website and PDF written in {done.seconds:.1f} s' if done.rendered else ''}"
        )
    except RenderLocked as exc:
        outcome, message = Outcome.LOCKED, str(exc)
    except ChecksFailed as exc:
        outcome, message = Outcome.CHECKS_FAILED, str(exc)
    except NotebookFailed as exc:
        outcome, message = Outcome.NOTEBOOK_FAILED, str(exc)
    except EngineUnavailable as exc:
        outcome, message = Outcome.BAD_INPUT, str(exc)
    except CpbError as exc:
        outcome = Outcome.BAD_INPUT if isinstance(exc, USER_ERRORS) else Outcome.RENDER_FAILED
        message = str(exc)
    except OSError as exc:  # e.g. a read-only project folder, or a full disk
        outcome = Outcome.BAD_INPUT if cannot_write(exc) else Outcome.RENDER_FAILED
        message = os_error_text(exc)
    except KeyboardInterrupt:  # Ctrl-C, or a stop signal (cpb render turns SIGTERM into this)
        outcome = Outcome.INTERRUPTED
        message = "interrupted before the pack was published; the published pack is as it was"
    except Exception as exc:  # noqa: BLE001 (a crash, e.g. a full disk, is still logged and not published)
        if os.environ.get("CPB_DEBUG"):
            traceback.print_exc()
        outcome, message = Outcome.RENDER_FAILED, f"unexpected {type(exc).__name__}: {exc}"
    return outcome, log_line(project, month, outcome, message)


class _OnDemand:
    """A value made the first time it is asked for (the month's data: not read when every step is kept)."""

    def __init__(self, make: Callable[[], MonthData]) -> None:
        self._make, self._value = make, None

    def get(self) -> MonthData:
        if self._value is None:
            self._value = self._make()
        return self._value


def _engine(run: Run) -> str | None:
    """The engine a build that publishes will use (None for a build that does not)."""
    if run.until < Stage.PUBLISH:
        return None
    from .publish import choose_engine

    return choose_engine(run.engine, run.project.root)


def _pdf_process():
    """A second process that loads the PDF's libraries now and typesets it later (closed on the way out)."""
    from contextlib import closing

    from .publish import PdfProcess

    return closing(PdfProcess())


def _validation_process():
    """A second process that imports Great Expectations now and runs the suites later (closed on the way out)."""
    from contextlib import closing

    from .checks import validation_process

    return closing(validation_process())


def _kernels(run: Run):
    from .execute import kernel_pool

    return kernel_pool(run.project, run.workers)


def _chart_drawing():
    """The pages' chart drawing, in a second process started with the kernels, or at the first chart when
    no checks run (closed on the way out)."""
    from .present._svg import ChartDrawing

    return ChartDrawing()


def _scoring_meanwhile(
    validator: Validator | None, start_scoring: Callable[[], Future], ahead: list[Future]
) -> Validator:
    """``validator``, which first starts the scoring (its future added to ``ahead``): the month is scored
    while the suites run, in the second process or here. Scoring reads only what the checks have read; its
    result is used, and saved, only if they pass."""
    from .checks.runner import validate

    def validate_and_score(frames, suites, params):
        ahead.append(start_scoring())
        return (validator or validate)(frames, suites, params)

    return validate_and_score


def _page_done(report: Callable | None, side, folder: BuildFolder, jobs: list[NotebookJob]) -> Callable | None:
    """What to do as each page is executed (or kept): ``report`` it, and tell the PDF's process (``side``),
    which makes the page's part of the PDF while the other pages execute."""
    if side is None:
        return report
    pages = [job.output for job in jobs]
    scratch = _build.scratch_root(folder.project)

    def done(job: NotebookJob, executed: bool) -> None:
        side.prepare(folder.root, job.output, pages, scratch)
        if report is not None:
            report(job, executed)

    return done


def _start(kernels, drawing) -> None:
    """Start the kernels, one after the other, and the charts' process, while the checks run (all of them
    at a lower priority than the checks: :data:`~cpblib.sideprocess.PAGE_WORK_NICENESS`)."""
    kernels.start(one_at_a_time=True)
    if drawing is not None:
        drawing.start()


__all__ = ["Built", "Progress", "Run", "Stage", "build_month", "check", "publish_month", "score"]
