"""Execute the pack's notebooks for a month with papermill: in parallel, only what changed.

``cpb run`` checks the data (fail closed), scores the month once
(:func:`cpblib.pack.prepare`), then executes one notebook per page into the
month's build folder::

    _build/2023-03/summary.ipynb
    _build/2023-03/domains/01-profile.ipynb ... one per domain, in catalogue order
    _build/2023-03/appendix.ipynb
    _build/2023-03/data-quality.ipynb

A page whose inputs (its notebook, its parameters, the month's data and
settings, its commentary, the cpb code) have not changed since the last run
is not executed again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import nbformat

from .commentary import commentary_path
from .errors import CpbError
from .month import Month
from .pack import DOMAINS_DIR, PACK_FILE, PAGE_FILES, Pack
from .project import Project

HASHES_FILE = "hashes.json"
NOTEBOOKS_DIR = "notebooks"
KERNEL = "python3"


class NotebookFailed(CpbError):
    """A page's notebook raised an error while executing."""


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
class RunResult:
    month: Month
    build_dir: Path
    executed: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)


def notebook_source(project: Project, name: str) -> Path:
    """The project's own ``notebooks/<name>.ipynb`` if it has one, else cpb's, written into the build folder."""
    own = project.root / NOTEBOOKS_DIR / f"{name}.ipynb"
    if own.is_file():
        return own
    from .notebooks import notebook_text

    fallback = project.path("build") / ".notebooks" / f"{name}.ipynb"
    text = notebook_text(name)
    if not fallback.is_file() or fallback.read_text(encoding="utf-8") != text:
        fallback.parent.mkdir(parents=True, exist_ok=True)
        fallback.write_text(text, encoding="utf-8")
    return fallback


def plan(pack: Pack) -> list[NotebookJob]:
    """The notebooks to execute for the month, in page order."""
    project, month = pack.project, pack.month
    base = {"month": str(month), "project_dir": str(project.root)}
    commentary = tuple(commentary_path(project, month, d) for d in pack.domains)
    jobs = [NotebookJob("summary", "Summary", notebook_source(project, "summary"), PAGE_FILES["summary"], base, 0, commentary)]
    for position, domain in enumerate(pack.domains, start=1):
        jobs.append(
            NotebookJob(
                "domain", domain, notebook_source(project, "domain"), pack.domain_file(domain),
                {**base, "domain": domain}, position, (commentary_path(project, month, domain),),
            )  # fmt: skip
        )
    checks = project.build_dir(month) / "checks.json"
    jobs.append(NotebookJob("appendix", "Appendix", notebook_source(project, "appendix"), PAGE_FILES["appendix"], base, 90))
    jobs.append(
        NotebookJob("data-quality", "Data quality", notebook_source(project, "data-quality"), PAGE_FILES["data-quality"], base, 91, (checks,))
    )
    return jobs


@cache
def code_hash() -> str:
    """Hash of cpb's own code and packaged data: a change to cpblib re-runs every page."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".toml", ".csv", ".json", ".ipynb", ".j2", ".css", ".typ"):
            digest.update(path.relative_to(package).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


def job_hash(job: NotebookJob, pack: Pack) -> str:
    digest = hashlib.sha256()
    digest.update(job.source.read_bytes())
    digest.update(json.dumps(job.parameters, sort_keys=True).encode())
    digest.update(f"{job.title}|{job.order}|{pack.fingerprint}|{code_hash()}".encode())
    for path in job.inputs:
        digest.update(path.name.encode() + (path.read_bytes() if path.is_file() else b"-"))
    return digest.hexdigest()


def _front_matter(nb: nbformat.NotebookNode, job: NotebookJob, pack: Pack) -> nbformat.NotebookNode:
    """Give the executed notebook its page title and order (a YAML raw cell read by Quarto and cpb)."""
    title = job.title.replace('"', "'")
    text = f'---\ntitle: "{title}"\norder: {job.order}\nsubtitle: "{pack.config.authority.name}, {pack.month.label}"\n---'
    cells = [c for c in nb.cells if not (c.cell_type == "raw" and c.source.lstrip().startswith("---"))]
    raw = nbformat.v4.new_raw_cell(text)
    raw.id = "front-matter"
    nb.cells = [raw, *cells]
    nb.metadata["cpb"] = {"page": job.page, "title": job.title, "month": str(pack.month), "order": job.order}
    return nb


def _execute(job: NotebookJob, pack: Pack, build_dir: Path) -> None:
    import papermill
    from papermill.exceptions import PapermillExecutionError
    from traitlets.config import Config

    sockets = Path(tempfile.mkdtemp(prefix="cpb-kernel-"))
    config = Config()
    config.KernelManager.transport = "ipc"  # local sockets: no TCP ports, no plain-text warning from the kernel
    config.KernelManager.ip = str(sockets / "k")  # one socket folder per kernel: parallel kernels never collide

    target = build_dir / job.output
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.stem}.running.ipynb")
    try:
        papermill.execute_notebook(
            str(job.source), str(partial), parameters=job.parameters, kernel_name=KERNEL,
            progress_bar=False, log_output=False, cwd=str(pack.project.root), config=config,
        )  # fmt: skip
    except PapermillExecutionError as exc:
        failed = target.with_name(f"{target.stem}.failed.ipynb")
        if partial.exists():
            partial.replace(failed)
        first_line = str(exc.source).strip().splitlines()[0] if exc.source else ""
        raise NotebookFailed(
            f"notebook {job.output} ({job.title}, from {job.source.name}) failed in cell {exc.exec_count} "
            f"[{first_line}]: {exc.ename}: {exc.evalue}. The executed notebook is kept at {failed}"
        ) from None
    finally:
        shutil.rmtree(sockets, ignore_errors=True)
    nb = nbformat.read(partial, as_version=4)
    nbformat.write(_front_matter(nb, job, pack), partial)
    partial.replace(target)


def run_month(
    project: Project,
    month: Month,
    *,
    workers: int | None = None,
    force: bool = False,
    on_start: Callable[[NotebookJob], None] | None = None,
    on_done: Callable[[NotebookJob, bool], None] | None = None,
) -> RunResult:
    """Prepare the month and execute every page whose inputs changed; see the module notes.

    The data checks are not run here: callers run them first (``cpb run`` does).
    """
    from .pack import open_month, prepare

    build_dir = project.build_dir(month)
    prepare(project, month)
    pack = open_month(str(month), str(project.root))  # the prepared pack, exactly as the notebooks read it
    jobs = plan(pack)
    hashes_path = build_dir / HASHES_FILE
    previous = json.loads(hashes_path.read_text(encoding="utf-8")) if hashes_path.is_file() else {}
    wanted = {job.output: job_hash(job, pack) for job in jobs}
    result = RunResult(month=month, build_dir=build_dir)
    todo = []
    for job in jobs:
        if not force and previous.get(job.output) == wanted[job.output] and (build_dir / job.output).is_file():
            result.reused.append(job.output)
            if on_done:
                on_done(job, False)
        else:
            todo.append(job)
    _remove_stale(build_dir, {job.output for job in jobs})
    done: dict[str, str] = {k: v for k, v in previous.items() if k in wanted and k in result.reused}
    failure: NotebookFailed | None = None
    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        futures = {}
        for job in todo:
            if on_start:
                on_start(job)
            futures[pool.submit(_execute, job, pack, build_dir)] = job
        for future in as_completed(futures):
            job = futures[future]
            try:
                future.result()
            except NotebookFailed as exc:
                failure = failure or exc
                continue
            done[job.output] = wanted[job.output]
            result.executed.append(job.output)
            if on_done:
                on_done(job, True)
    hashes_path.write_text(json.dumps(done, indent=1, sort_keys=True), encoding="utf-8")
    if failure:
        raise failure
    return result


def _remove_stale(build_dir: Path, outputs: set[str]) -> None:
    """Drop domain pages of a previous run that the catalogue no longer has (e.g. a renamed domain)."""
    folder = build_dir / DOMAINS_DIR
    if folder.is_dir():
        for path in folder.glob("*.ipynb"):
            if f"{DOMAINS_DIR}/{path.name}" not in outputs:
                path.unlink()


def clean(project: Project, month: Month) -> None:
    shutil.rmtree(project.build_dir(month), ignore_errors=True)


__all__ = ["NotebookFailed", "NotebookJob", "RunResult", "clean", "plan", "run_month", "PACK_FILE"]
