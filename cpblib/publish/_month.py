"""Rendering and publishing a month: the website and the PDF, the lock, the log, the record of publication.

:func:`cpblib.workflow.publish_month` runs a month's whole build under the
project's render lock (:func:`render_lock`) and appends one line to
``_build/render.log`` (:func:`log_line`) saying whether the pack was
published, and if not, why. This module renders the website and the PDF with
the engine chosen (:func:`render_month`), says whether the published copy is
still current (:func:`published_current`), and records the publication in the
store (:func:`record_publication`).

Exit codes (:class:`Outcome`): 0 published, 1 bad input or settings (or a
project folder cpb cannot write), 2 data checks failed, 3 a notebook failed,
4 rendering failed, 5 another render of the project is running, 130
interrupted (Ctrl-C or a stop signal; the processes and temporary folders of
the render are cleaned up and the published pack is left as it was).
"""

from __future__ import annotations

import datetime as dt
import enum
import fcntl
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..build import BuildFolder, clear_scratch, code_hash, lock_file, log_file, read_json, scratch_root, write_json
from ..errors import CpbError, os_error_text
from ..interrupt import stop_if_asked
from ..month import Month
from ..present.escape import terminal_text
from ..project import Project

if TYPE_CHECKING:
    from ._typeset import PdfProcess


class Outcome(enum.IntEnum):
    PUBLISHED = 0
    BAD_INPUT = 1
    CHECKS_FAILED = 2
    NOTEBOOK_FAILED = 3
    RENDER_FAILED = 4
    LOCKED = 5
    INTERRUPTED = 130


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
    path = lock_file(project)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RenderLocked(
                f"another cpb render of {project.root} is running (lock {path}); nothing was changed"
            ) from None
        try:
            handle.write(f"{os.getpid()}\n")
            handle.flush()
            clear_scratch(project)  # what a killed render left behind
            yield
        finally:
            clear_scratch(project)  # what an interrupted or failed render was writing
            fcntl.flock(handle, fcntl.LOCK_UN)


def log_line(project: Project, month: Month | str, outcome: Outcome, message: str) -> str:
    """Append one line to ``_build/render.log`` and return it."""
    path = log_file(project)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    status = (
        "PUBLISHED" if outcome is Outcome.PUBLISHED else f"NOT PUBLISHED ({outcome.name.lower().replace('_', ' ')})"
    )
    key = month.key if isinstance(month, Month) else month
    line = f"{stamp} month={key} exit={int(outcome)} {status}: {terminal_text(' '.join(message.split()))}"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
    except OSError as exc:  # the line is still printed; the log is not worth a second failure
        return f"{line} (not written to {path.name}: {os_error_text(exc)})"
    return line


# -- engines -----------------------------------------------------------------------------------------
def choose_engine(engine: str, project_root: Path | None = None) -> str:
    """``auto`` is Quarto when a ``quarto`` executable is on PATH and the project (``project_root``, when given)
    has a ``_quarto.yml`` for it to render, else the built-in renderer, which uses the one shipped with cpb
    when the project has none."""
    from ._structure import QUARTO_FILE

    configured = project_root is None or (Path(project_root) / QUARTO_FILE).is_file()
    if engine == "auto":
        return "quarto" if configured and shutil.which("quarto") else "builtin"
    if engine == "quarto" and not shutil.which("quarto"):
        raise EngineUnavailable(
            "the quarto engine was asked for but no 'quarto' executable is on PATH: install Quarto "
            "(quarto.org, 'Get Started') or render with --engine builtin, which needs nothing else"
        )
    if engine == "quarto" and not configured:
        raise EngineUnavailable(
            f"the quarto engine was asked for but {project_root} has no {QUARTO_FILE} for Quarto to render: "
            f"copy the one 'cpb init' writes into the project, or render with --engine builtin"
        )
    return engine


def _render_builtin(project: Project, month: Month, domains: list[str], side: PdfProcess | None) -> Path:
    """The website, and the PDF typeset meanwhile by ``side`` (a started :class:`~cpblib.publish.PdfProcess`)."""
    from ._pdf import render_pdf
    from ._site import render_site

    build = BuildFolder(project, month).root
    room = scratch_root(project)
    room.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cpb-pdf-", dir=room) as scratch:
        target = Path(scratch) / f"board-pack-{month.key}.pdf"
        if side is not None:
            side.typeset(build, target, month, config=project.config, catalogue_domains=domains, scratch=room)
            pdf = side.wait
        else:
            made = render_pdf(build, target, month, config=project.config, catalogue_domains=domains, scratch=room)
            pdf = lambda: made
        return render_site(
            build, project.path("site"), month, config=project.config, catalogue_domains=domains, pdf=pdf
        )


def _render_quarto(project: Project, month: Month, domains: list[str]) -> Path:
    """Stage the month in ``pack/``, let Quarto render its pages into a scratch folder (Quarto clears the folder
    it renders into, so never ``_site``) while a second process has Quarto make the PDF (its own document, in
    the scratch room: :mod:`~cpblib.publish._quarto_pdf`), then publish the pages at ``_site/<month>/`` as the
    built-in website does (home page, month switcher, PDF link)."""
    from ._quarto import publish_quarto_site, run_quarto, stage_quarto
    from ._site import claim_site
    from ._typeset import PdfProcess

    build = BuildFolder(project, month).root
    site = claim_site(project.path("site"))
    stage_quarto(build, project.root, month, config=project.config, catalogue_domains=domains)
    room = scratch_root(project)
    room.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cpb-quarto-", dir=room) as scratch, closing(PdfProcess()) as side:
        side.typeset(
            build, Path(scratch) / f"board-pack-{month.key}.pdf", month, config=project.config,
            catalogue_domains=domains, scratch=room, engine="quarto",
        )  # fmt: skip
        out = run_quarto(project.root, Path(scratch) / "quarto")
        stop_if_asked()
        return publish_quarto_site(
            build, site, month, out, config=project.config, catalogue_domains=domains, pdf=side.wait
        )


def render_month(
    project: Project, month: Month, engine: str, domains: list[str], side: PdfProcess | None = None
) -> Path:
    """Write the month's website and PDF into ``_site/<YYYY-MM>/`` with ``engine`` (chosen: quarto or builtin);
    the folder is replaced in one rename, so a failed render leaves the previous one as it was."""
    if engine == "quarto":
        return _render_quarto(project, month, domains)
    return _render_builtin(project, month, domains, side)


# -- re-use ----------------------------------------------------------------------------------------------
def render_stamp(project: Project, month: Month, engine: str) -> str:
    """What the published website and PDF are made from: the engine, cpb's code, the executed pages'
    hashes, the checks' result and the pack's settings."""
    build = BuildFolder(project, month)
    digest = hashlib.sha256(f"{engine}|{code_hash()}".encode())
    quarto = (project.root / "_quarto.yml", project.root / "_quarto-cpb.yml")
    for path in (build.hashes, build.checks_json, *quarto, project.root / "cpb.toml"):
        digest.update(path.name.encode() + (path.read_bytes() if path.is_file() else b"-"))
    return digest.hexdigest()


def published_current(project: Project, month: Month, stamp: str) -> bool:
    """Whether the month's published website and PDF were made from ``stamp`` and are still there."""
    site_month = project.path("site") / month.key
    if not ((site_month / "index.html").is_file() and (project.path("site") / "index.html").is_file()):
        return False
    saved = read_json(BuildFolder(project, month).render_stamp) or {}
    return saved.get("stamp") == stamp


def save_render_stamp(project: Project, month: Month, stamp: str, engine: str) -> None:
    write_json(BuildFolder(project, month).render_stamp, {"stamp": stamp, "engine": engine})


def record_publication(project: Project, month: Month) -> None:
    """Record in the store that ``month`` is published with the loads it has now (its figures as published)."""
    from ..inputs.store import Store

    with Store.open(project.store_path, read_only=False) as store:
        store.record_publication(month, republish=True)
