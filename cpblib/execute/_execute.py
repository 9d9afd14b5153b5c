"""Execute the pack's page notebooks for a month with papermill: in parallel, only what changed.

One notebook runs per page, into the month's build folder (:class:`cpblib.build.BuildFolder`)::

    _build/2023-03/summary.ipynb
    _build/2023-03/domains/01-profile.ipynb ... one per domain, in catalogue order
    _build/2023-03/appendix.ipynb
    _build/2023-03/data-quality.ipynb

A page whose inputs (its notebook, its parameters, the month's fingerprint, which
covers the data, the settings and cpb's code, and its commentary) have not
changed since it last executed is not executed again.

The pages run in one kernel per worker, one after another, each starting from
an empty namespace (see :mod:`cpblib.execute._kernels`); this process draws the
charts' SVGs into the executed notebooks while the kernels go on with the next pages.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty, SimpleQueue
from typing import TYPE_CHECKING

from ..build import PAGE_FILES, BuildFolder, fallback_notebook, read_json, write_json, write_text
from ..errors import NotebookFailed
from ..month import Month
from ..present.commentary import commentary_path
from ..present.pack import Pack
from ..project import Project

if TYPE_CHECKING:
    import nbformat

    from ..present._svg import Draw
    from ._kernels import SharedKernel
    from ._pool import KernelPool

NOTEBOOKS_DIR = "notebooks"
KERNEL = "python3"


@dataclass(frozen=True)
class NotebookJob:
    """One page of the pack: which notebook to run, with which parameters, into which file."""

    page: str
    title: str
    source: Path
    output: str  # relative to the month's build folder
    parameters: dict[str, str]
    order: int
    inputs: tuple[Path, ...] = ()  # files besides the notebook whose bytes the page depends on


@dataclass
class Executed:
    """Which pages a run executed and which it kept as they were."""

    month: Month
    build_dir: Path
    executed: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)


def notebook_source(project: Project, name: str) -> Path:
    """The project's own ``notebooks/<name>.ipynb`` if it has one, else cpb's, written into the build folder."""
    own = project.root / NOTEBOOKS_DIR / f"{name}.ipynb"
    if own.is_file():
        project.inside(own)  # a notebook that is a link to a file outside the project is refused
        return own
    from ..present.notebooks import notebook_text

    fallback = fallback_notebook(project, name)
    text = notebook_text(name)
    if not fallback.is_file() or fallback.read_text(encoding="utf-8") != text:
        write_text(fallback, text)
    return fallback


def plan(pack: Pack) -> list[NotebookJob]:
    """The notebooks to execute for the month, in page order."""
    project, month = pack.project, pack.month
    build = BuildFolder(project, month)
    base = {"month": month.key, "project_dir": str(project.root)}
    commentary = tuple(commentary_path(project, month, d) for d in pack.domains)
    source = {name: notebook_source(project, name) for name in ("summary", "domain", "appendix", "data-quality")}
    jobs = [NotebookJob("summary", "Summary", source["summary"], PAGE_FILES["summary"], base, 0, commentary)]
    for position, domain in enumerate(pack.domains, start=1):
        jobs.append(
            NotebookJob(
                "domain",
                domain,
                source["domain"],
                pack.domain_file(domain),
                {**base, "domain": domain},
                position,
                (commentary_path(project, month, domain),),
            )
        )
    jobs.append(NotebookJob("appendix", "Appendix", source["appendix"], PAGE_FILES["appendix"], base, 90))
    jobs.append(
        NotebookJob(
            "data-quality",
            "Data quality",
            source["data-quality"],
            PAGE_FILES["data-quality"],
            base,
            91,
            (build.checks_json,),
        )
    )
    return jobs


def job_hash(job: NotebookJob, pack: Pack) -> str:
    """What a page is made from: its notebook, parameters, title and order, the month's fingerprint
    (data, settings and cpb's code) and the bytes of its other inputs."""
    digest = hashlib.sha256()
    digest.update(job.source.read_bytes())
    digest.update(json.dumps(job.parameters, sort_keys=True).encode())
    digest.update(f"{job.title}|{job.order}|{pack.fingerprint}".encode())
    for path in job.inputs:
        digest.update(path.name.encode() + (path.read_bytes() if path.is_file() else b"-"))
    return digest.hexdigest()


def _front_matter(nb: nbformat.NotebookNode, job: NotebookJob, pack: Pack) -> nbformat.NotebookNode:
    """Give the executed notebook its page title and order (a YAML raw cell read by Quarto and cpb).

    The strings are written as JSON, which YAML reads as they are: a quote or a colon in a
    council's or a domain's name cannot change the front matter.
    """
    subtitle = f"{pack.config.authority.name}, {pack.month.label}"
    text = f"---\ntitle: {json.dumps(job.title)}\norder: {job.order}\nsubtitle: {json.dumps(subtitle)}\n---"
    cells = [c for c in nb.cells if not (c.cell_type == "raw" and c.source.lstrip().startswith("---"))]
    import nbformat  # not imported when every page is current

    raw = nbformat.v4.new_raw_cell(text)
    raw.id = "front-matter"
    nb.cells = [raw, *cells]
    nb.metadata["cpb"] = {"page": job.page, "title": job.title, "month": pack.month.key, "order": job.order}
    return nb


def _execute(
    job: NotebookJob, pack: Pack, build: BuildFolder, kernel: SharedKernel | None = None,
    finisher: Executor | None = None, draw: Draw | None = None,
) -> Future | None:  # fmt: skip
    """Execute one page into the build folder, in ``kernel`` (cleared first) or in a kernel of its own.

    The executed notebook is finished (:func:`_finish`) here, or by ``finisher``
    while the kernel goes on to its next page; then the future of that is returned.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from ._kernels import ENGINE, SharedKernel

    own = kernel is None
    kernel = kernel or SharedKernel(KERNEL)
    partial = build.running_page(job.output)
    partial.parent.mkdir(parents=True, exist_ok=True)
    try:
        # Saved once at the end (or on failure), not after every cell: each save validates the whole notebook.
        nb = papermill.execute_notebook(
            str(job.source),
            str(partial),
            parameters=job.parameters,
            kernel_name=KERNEL,
            engine_name=ENGINE,
            progress_bar=False,
            log_output=False,
            cwd=str(pack.project.root),
            request_save_on_cell_execute=False,
            kernel=kernel,
        )
    except PapermillExecutionError as exc:
        kernel.close()  # whatever the page left behind goes with its kernel
        failed = build.failed_page(job.output)
        if partial.exists():
            partial.replace(failed)
        first_line = str(exc.source).strip().splitlines()[0] if exc.source else ""
        raise NotebookFailed(
            f"notebook {job.output} ({job.title}, from {job.source.name}) failed in cell {exc.exec_count} "
            f"[{first_line}]: {exc.ename}: {exc.evalue}. The executed notebook is kept at {failed}"
        ) from None
    except Exception as exc:  # the kernel died, timed out or could not be cleared
        kernel.close()
        raise NotebookFailed(
            f"notebook {job.output} ({job.title}, from {job.source.name}) could not run: {exc}"
        ) from exc
    finally:
        if own:
            kernel.close()
    if finisher is not None:
        return finisher.submit(_finish, nb, job, pack, build, draw)
    _finish(nb, job, pack, build, draw)
    return None


def _finish(
    nb: nbformat.NotebookNode, job: NotebookJob, pack: Pack, build: BuildFolder, draw: Draw | None = None
) -> None:
    """Draw the page's charts (with ``draw``, or here), give it its front matter and put it in place."""
    from ..present.charts import add_static_charts

    partial = build.running_page(job.output)
    add_static_charts(nb, draw)  # the kernels left the SVGs to this process (see kernel_pool)
    import nbformat

    nbformat.write(_front_matter(nb, job, pack), partial)
    partial.replace(build.page(job.output))


def _finishing_code() -> None:
    """Import what :func:`_finish` uses (the charts' module brings Altair, about half a second)."""
    import nbformat  # noqa: F401

    from ..present.charts import add_static_charts  # noqa: F401


def kernel_pool(project: Project, workers: int | None = None) -> KernelPool:
    """The kernels pages execute in (one per worker, none started yet).

    They start in the project's folder and are told (``CPB_DEFER_SVG=1``)
    to leave each chart's SVG to this process, which draws them all with one
    JavaScript engine instead of starting one (about a second) in every kernel.
    """
    from ..present._env import DEFER_SVG_ENV
    from ._pool import WARM_UP, KernelPool

    environment = {**os.environ, DEFER_SVG_ENV: "1"}
    return KernelPool(workers or os.cpu_count() or 1, kernel_name=KERNEL, cwd=str(project.root), env=environment,
                      warm_up=WARM_UP)  # fmt: skip


def execute_pages(
    pack: Pack,
    *,
    jobs: list[NotebookJob] | None = None,
    workers: int | None = None,
    force: bool = False,
    on_start: Callable[[NotebookJob], None] | None = None,
    on_done: Callable[[NotebookJob, bool], None] | None = None,
    kernels: KernelPool | None = None,
    draw: Draw | None = None,
) -> Executed:
    """Execute every page of the month's saved ``pack`` (``jobs``: :func:`plan` of it) whose inputs
    changed; see the module notes.

    The data checks and the scoring come first (:func:`cpblib.workflow.build_month`). Without
    ``kernels`` (:func:`kernel_pool`), the run makes and closes its own; a kernel starts only
    when a page needs it. ``draw`` draws each page's charts (default: in this process; a build
    passes :meth:`cpblib.present._svg.ChartDrawing.draw`).
    """
    build = BuildFolder(pack.project, pack.month)
    jobs = plan(pack) if jobs is None else jobs
    previous = read_json(build.hashes) or {}  # missing or damaged: every page executes again
    wanted = {job.output: job_hash(job, pack) for job in jobs}
    result = Executed(month=pack.month, build_dir=build.root)
    todo = []
    for job in jobs:
        if not force and previous.get(job.output) == wanted[job.output] and build.page(job.output).is_file():
            result.reused.append(job.output)
            if on_done:
                on_done(job, False)
        else:
            todo.append(job)
    _remove_stale(build, {job.output for job in jobs})
    done: dict[str, str] = {k: v for k, v in previous.items() if k in wanted and k in result.reused}
    failures: list[NotebookFailed] = []
    queue: SimpleQueue[NotebookJob] = SimpleQueue()
    sizes = pack.scored["domain"].value_counts()
    for job in sorted(
        todo, key=lambda j: _expected_cost(j, sizes), reverse=True
    ):  # longest first: workers end together
        queue.put(job)
    lock = threading.Lock()

    def finished(job: NotebookJob, future: Future | None) -> None:
        error = future.exception() if future is not None else None
        with lock:
            if error is not None:
                failures.append(NotebookFailed(f"notebook {job.output} ({job.title}) could not be written: {error}"))
                return
            done[job.output] = wanted[job.output]
            result.executed.append(job.output)
        if on_done:
            on_done(job, True)

    def worker(kernel: SharedKernel) -> None:
        """Execute pages from the queue in turn, in this worker's kernel."""
        while True:
            try:
                job = queue.get_nowait()
            except Empty:
                return
            if on_start:
                on_start(job)
            try:
                pending = _execute(job, pack, build, kernel, finisher, draw)
            except NotebookFailed as exc:
                with lock:
                    failures.append(exc)
                continue
            if pending is None:
                finished(job, None)
            else:
                pending.add_done_callback(lambda future, job=job: finished(job, future))

    own = kernels is None
    kernels = kernels or kernel_pool(pack.project, workers)
    try:
        # One thread finishes executed pages (charts drawn, file written) while the kernels go on. It first
        # imports what finishing needs, while the first pages execute, so their charts wait for nothing else.
        with ThreadPoolExecutor(max_workers=1) as finisher:
            if todo:
                finisher.submit(_finishing_code)
            for future in kernels.run(len(todo), worker) if todo else []:
                future.result()
    finally:
        if own:
            kernels.close()
        write_json(build.hashes, done)
    if failures:
        raise min(failures, key=str)
    return result


def _expected_cost(job: NotebookJob, domain_sizes) -> tuple[int, int]:
    """Rough order of how long a page takes: the appendix (a table of every indicator, the longest page
    to execute and to typeset), domain pages by their number of indicators, then the rest.

    >>> jobs = [NotebookJob(page, page, Path(page), page, {}, 0) for page in ("summary", "appendix", "data-quality")]
    >>> jobs.append(NotebookJob("domain", "Placement", Path("domain"), "domains/01-placement.ipynb", {}, 1))
    >>> [j.page for j in sorted(jobs, key=lambda j: _expected_cost(j, {"Placement": 8}), reverse=True)]
    ['appendix', 'domain', 'summary', 'data-quality']
    """
    if job.page == "appendix":
        return 2, 0
    if job.page == "domain":
        return 1, int(domain_sizes.get(job.title, 0))
    return 0, int(job.page == "summary")


def _remove_stale(build: BuildFolder, outputs: set[str]) -> None:
    """Drop domain pages of a previous run that the catalogue no longer has (e.g. a renamed domain)."""
    folder = build.domains
    if folder.is_dir():
        for path in folder.glob("*.ipynb"):
            if f"{folder.name}/{path.name}" not in outputs:
                path.unlink()


def clean(project: Project, month: Month) -> None:
    """Remove the month's build folder (its next build starts from nothing)."""
    shutil.rmtree(BuildFolder(project, month).root, ignore_errors=True)
