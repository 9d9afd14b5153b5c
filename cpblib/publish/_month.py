"""Publishing a month: checks, notebooks, then the website and the PDF, under a lock, with a log.

This is what ``cpb render`` runs, attended or from a scheduler. It
re-uses every step whose inputs have not changed, so a second render of an
unchanged month takes a few seconds; it records the publication in the store
(the data "as published") and appends one line to ``_build/render.log``
saying whether the pack was published, and if not, why.

Exit codes (:class:`Outcome`): 0 published, 1 bad input or settings,
2 data checks failed, 3 a notebook failed, 4 rendering failed, 5 another
render of the project is running.
"""

from __future__ import annotations

import datetime as dt
import enum
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import CpbError
from ..month import Month
from ..project import Project

LOG_FILE = "render.log"
LOCK_FILE = ".render.lock"
STAMP_FILE = "render.json"
CHECK_STAMP_FILE = "checks.key"


class Outcome(enum.IntEnum):
    PUBLISHED = 0
    BAD_INPUT = 1
    CHECKS_FAILED = 2
    NOTEBOOK_FAILED = 3
    RENDER_FAILED = 4
    LOCKED = 5


class RenderLocked(CpbError):
    """Another render of the same project holds the lock."""


class EngineUnavailable(CpbError):
    """The engine asked for cannot run here."""


@dataclass(frozen=True)
class Published:
    month: Month
    engine: str
    site_dir: Path
    pdf: Path
    rendered: bool  # False when the published pack was already up to date
    seconds: float = 0.0  # spent writing the website and the PDF (after the notebooks)


# -- the lock and the log ---------------------------------------------------------------------------
@contextmanager
def render_lock(project: Project) -> Iterator[None]:
    """Hold the project's render lock (a file lock released by the OS if the process dies)."""
    folder = project.path("build")
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK_FILE, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RenderLocked(
                f"another cpb render of {project.root} is running (lock {folder / LOCK_FILE}); nothing was changed"
            ) from None
        try:
            handle.write(f"{os.getpid()}\n")
            handle.flush()
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def log_line(project: Project, month: Month | str, outcome: Outcome, message: str) -> str:
    """Append one line to ``_build/render.log`` and return it."""
    folder = project.path("build")
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    status = (
        "PUBLISHED" if outcome is Outcome.PUBLISHED else f"NOT PUBLISHED ({outcome.name.lower().replace('_', ' ')})"
    )
    line = f"{stamp} month={month} exit={int(outcome)} {status}: {' '.join(message.split())}"
    with open(folder / LOG_FILE, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
    return line


# -- engines -----------------------------------------------------------------------------------------
def choose_engine(engine: str) -> str:
    """``auto`` is Quarto when a ``quarto`` executable is on PATH, else the built-in renderer."""
    if engine == "auto":
        return "quarto" if shutil.which("quarto") else "builtin"
    if engine == "quarto" and not shutil.which("quarto"):
        raise EngineUnavailable(
            "the quarto engine was asked for but no 'quarto' executable is on PATH: install Quarto "
            "(quarto.org, 'Get Started') or render with --engine builtin, which needs nothing else"
        )
    return engine


def _catalogue_domains(project: Project) -> list[str]:
    from ..inputs.load import read_catalogue

    return list(dict.fromkeys(read_catalogue(project)["domain"]))


PDF_IN_SIDE_PROCESS = True
"""Typeset the PDF in a second process while this one writes the website (off: one after the other, here)."""


def _render_builtin(project: Project, month: Month, domains: list[str], side=None) -> Path:
    """The website, and the PDF typeset meanwhile by ``side`` (a started :class:`~cpblib.publish.PdfProcess`)."""
    from .. import publish as render

    build = project.build_dir(month)
    with tempfile.TemporaryDirectory(prefix="cpb-pdf-") as scratch:
        target = Path(scratch) / f"board-pack-{month}.pdf"
        if side is not None:
            side.typeset(build, target, month, config=project.config, catalogue_domains=domains)
            pdf = side.wait
        else:
            made = render.render_pdf(build, target, month, config=project.config, catalogue_domains=domains)
            pdf = lambda: made
        return render.render_site(
            build, project.path("site"), month, config=project.config, catalogue_domains=domains, pdf=pdf
        )


def _render_quarto(project: Project, month: Month, domains: list[str]) -> Path:
    """Stage the month for Quarto, let Quarto render the website, publish it at ``_site/<month>/``."""
    from . import render_pdf, stage_quarto

    build = project.build_dir(month)
    stage_quarto(build, project.root, month, config=project.config, catalogue_domains=domains)
    site = project.path("site")
    site.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{site.name}.quarto-{month}-", dir=site.parent))
    try:
        output = scratch / "out"
        completed = subprocess.run(
            ["quarto", "render", "--output-dir", str(output)],
            cwd=project.root,
            capture_output=True,
            text=True,
            check=False,
        )
        if completed.returncode != 0:
            raise CpbError(f"quarto render failed (exit {completed.returncode}): {completed.stderr.strip()[-2000:]}")
        render_pdf(build, output / f"board-pack-{month}.pdf", month, config=project.config, catalogue_domains=domains)
        target = site / str(month)
        old = scratch / "old"
        if target.exists():
            os.replace(target, old)
        os.replace(output, target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target


# -- re-use ----------------------------------------------------------------------------------------------
def _stamp(project: Project, month: Month, engine: str) -> str:
    from ..execute._execute import HASHES_FILE, code_hash

    build = project.build_dir(month)
    digest = hashlib.sha256(f"{engine}|{code_hash()}".encode())
    for path in (build / HASHES_FILE, build / "checks.json", project.root / "_quarto.yml", project.root / "cpb.toml"):
        digest.update(path.name.encode() + (path.read_bytes() if path.is_file() else b"-"))
    return digest.hexdigest()


def _published_unchanged(project: Project, month: Month, stamp: str) -> bool:
    path = project.build_dir(month) / STAMP_FILE
    site_month = project.path("site") / str(month)
    if not (
        path.is_file() and (site_month / "index.html").is_file() and (project.path("site") / "index.html").is_file()
    ):
        return False
    return json.loads(path.read_text(encoding="utf-8")).get("stamp") == stamp


# -- checks, re-used while their inputs are unchanged --------------------------------------------------------
def checks_key(project: Project, month: Month) -> str:
    from ..execute._execute import code_hash
    from ..present.pack import fingerprint

    digest = hashlib.sha256(f"{fingerprint(project, month)}|{code_hash()}|{dt.date.today()}".encode())
    folder = project.root / "expectations"
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        digest.update(path.name.encode() + path.read_bytes())
    # The commentary checks look at which files exist and whether they are empty (not at their words),
    # so adding a missing commentary file runs the checks again and the data-quality page follows.
    commentary = project.path("commentary")
    for path in sorted(commentary.glob("*/*.md")) if commentary.is_dir() else []:
        digest.update(f"{path.relative_to(commentary).as_posix()}|{path.stat().st_size > 0}".encode())
    return digest.hexdigest()


def check_month(project: Project, month: Month, console=None, meanwhile: Callable[[], object] | None = None) -> bool:
    """Run the data checks (fail closed) unless they already passed on exactly these inputs today.

    ``meanwhile`` is called just before the checks run (not when they are
    re-used): ``cpb run`` starts its kernels then. Returns True when the
    checks ran, False when the earlier result was re-used.
    """
    from ..inputs.load import ensure_store

    ensure_store(project)
    build = project.build_dir(month)
    key = checks_key(project, month)
    stamp = build / CHECK_STAMP_FILE
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == key and (build / "checks.json").is_file():
        return False
    from ..checks import require_clean

    if meanwhile is not None:
        meanwhile()
    stamp.unlink(missing_ok=True)
    require_clean(project, month, console=console)  # raises ChecksFailed on any error; writes checks.json
    build.mkdir(parents=True, exist_ok=True)
    stamp.write_text(key, encoding="utf-8")
    return True


def publish(
    project: Project,
    month: Month,
    *,
    engine: str = "auto",
    run: Callable[[Project, Month], object],
    force: bool = False,
) -> Published:
    """Run (or re-use) the month's notebooks through ``run`` and publish the site and the PDF.

    Records the publication in the store. Raises the step's own error when
    a step fails; the previous site stays as it was.
    """
    from ..inputs.store import Store

    chosen = choose_engine(engine)
    side = None
    if chosen == "builtin" and PDF_IN_SIDE_PROCESS:
        from . import PdfProcess

        side = PdfProcess()  # loads its libraries while the notebooks run
    try:
        run(project, month)
        stamp = _stamp(project, month, chosen)
        site_month = project.path("site") / str(month)
        rendered = force or not _published_unchanged(project, month, stamp)
        started = time.perf_counter()
        if rendered:
            domains = _catalogue_domains(project)
            if chosen == "quarto":
                site_month = _render_quarto(project, month, domains)
            else:
                site_month = _render_builtin(project, month, domains, side)
            (project.build_dir(month) / STAMP_FILE).write_text(
                json.dumps({"stamp": stamp, "engine": chosen}), encoding="utf-8"
            )
    finally:
        if side is not None:
            side.close()
    with Store.open(project.store_path, read_only=False) as store:
        store.record_publication(month, republish=True)
    return Published(
        month=month, engine=chosen, site_dir=site_month, pdf=site_month / f"board-pack-{month}.pdf", rendered=rendered,
        seconds=time.perf_counter() - started if rendered else 0.0,
    )  # fmt: skip
