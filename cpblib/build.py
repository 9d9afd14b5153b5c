"""The build folder: every file cpb keeps under ``_build/`` is named here, and only here.

::

    _build/
      render.log            one line per render, appended
      .render.lock          held while a render runs
      .scratch/             a render's temporary files (emptied when the next render starts)
      .notebooks/           cpb's own page notebooks, for a project without its own
      .extracts-loaded      the extracts and store last found with every extract loaded
      <YYYY-MM>/            (a quarterly pack: <YYYY-YY-Qn>/, the quarter's key)
        checks.json         the data checks' result
        data-quality.md     the data-quality section, as Markdown
        checks.key          what the checks last passed on (inputs, settings, code, suites, day)
        pack.pickle         the scored month every page reads
        .store-state        a digest of what the month reads from the store
        hashes.json         what each executed page was made from
        render.json         what the published website and PDF were made from
        summary.ipynb, domains/01-<domain>.ipynb ..., appendix.ipynb, data-quality.ipynb

Every file is written atomically (a temporary file in the same folder, then a
rename), so a crash or a full disk never leaves half a file behind. The
bookkeeping files are read defensively: a missing, empty or corrupt one reads as
nothing, which means "build again", never a crash.

One :func:`fingerprint` says what a month's pack is made from: the settings,
the catalogue files, the extracts, what the month reads from the store, and
cpb's own code (:func:`code_hash`).

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = write_json(folder / "a.json", {"x": 1}); read_json(folder / "a.json")
{'x': 1}
>>> _ = (folder / "b.json").write_text("", encoding="utf-8"); read_json(folder / "b.json") is None
True
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .limits import MAX_FILE_BYTES, MAX_SETTINGS_BYTES
from .month import Month
from .naming import slugify
from .project import Project

LOG_FILE = "render.log"
EXTRACTS_STATE = ".extracts-loaded"
LOCK_FILE = ".render.lock"
SCRATCH_DIR = ".scratch"
NOTEBOOKS_DIR = ".notebooks"
CHECKS_JSON = "checks.json"
DATA_QUALITY_MD = "data-quality.md"
CHECKS_KEY = "checks.key"
PACK_FILE = "pack.pickle"
STORE_STATE = ".store-state"
HASHES = "hashes.json"
RENDER_STAMP = "render.json"
DOMAINS_DIR = "domains"
PAGE_FILES = {"summary": "summary.ipynb", "appendix": "appendix.ipynb", "data-quality": "data-quality.ipynb"}
"""The executed pages besides the domain pages, relative to the month's folder."""

_CATALOGUE_FILES = ("catalogue", "targets", "benchmarks", "overrides", "annotations", "exception_headings")
"""Project tables (``cpb.toml`` [paths] keys) whose bytes a month's pack depends on."""


# -- writing atomically, reading defensively ------------------------------------------------------------
def write_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file and a rename; the folder is made if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def write_text(path: Path, text: str) -> Path:
    return write_bytes(path, text.encode("utf-8"))


def write_json(path: Path, content: Any) -> Path:
    return write_text(path, json.dumps(content, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


def read_text(path: Path) -> str | None:
    """The file's text, or None when it is missing, unreadable or not UTF-8."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def read_json(path: Path) -> dict | None:
    """A JSON object from ``path``, or None when the file is missing, empty, corrupt or not an object."""
    text = read_text(path)
    if not text:
        return None
    try:
        content = json.loads(text)
    except ValueError:
        return None
    return content if isinstance(content, dict) else None


# -- the folders -----------------------------------------------------------------------------------------------
def build_root(project: Project) -> Path:
    """``_build/`` (or ``[paths] build``)."""
    return project.path("build")


def log_file(project: Project) -> Path:
    return build_root(project) / LOG_FILE


def lock_file(project: Project) -> Path:
    return build_root(project) / LOCK_FILE


def scratch_root(project: Project) -> Path:
    """Where a render keeps its temporary files (inside the project, never the system's temporary folder)."""
    return build_root(project) / SCRATCH_DIR


def clear_scratch(project: Project) -> None:
    """Remove what a render that was killed left in :func:`scratch_root` (call it holding the render lock)."""
    import shutil

    shutil.rmtree(scratch_root(project), ignore_errors=True)


def extracts_state_file(project: Project) -> Path:
    return build_root(project) / EXTRACTS_STATE


def extracts_state(project: Project, files: list[Path]) -> str | None:
    """The extracts' names, sizes and times and the store file's size and time, as text (None without a store)."""
    store = project.store_path
    if not store.is_file():
        return None
    lines = [f"{p.name}|{p.stat().st_size}|{p.stat().st_mtime_ns}" for p in files]
    stat = store.stat()
    return "\n".join([*lines, f"store|{stat.st_size}|{stat.st_mtime_ns}"])


def remember_extracts_state(project: Project, files: list[Path]) -> None:
    """Note that every extract in ``files`` is in the store as it is now (a read-only build folder: not noted)."""
    state = extracts_state(project, files)
    if state is not None:
        try:
            write_text(extracts_state_file(project), state)
        except OSError:
            pass


def fallback_notebook(project: Project, name: str) -> Path:
    """Where cpb writes its own notebook ``name`` for a project that has none in ``notebooks/``."""
    return build_root(project) / NOTEBOOKS_DIR / f"{name}.ipynb"


@dataclass(frozen=True)
class BuildFolder:
    """A month's folder under ``_build/`` and the files in it.

    >>> from cpblib.config import parse_config
    >>> project = Project(Path("/p"), parse_config('[authority]\\nname = "X"\\nla_code = "999"\\n'))
    >>> folder = BuildFolder(project, Month(2023, 3))
    >>> folder.root.as_posix(), folder.pack.name, folder.domain_page(2, "Care leavers")
    ('/p/_build/2023-03', 'pack.pickle', 'domains/02-care-leavers.ipynb')
    """

    project: Project
    month: Month

    @property
    def root(self) -> Path:
        return build_root(self.project) / self.month.key

    @property
    def checks_json(self) -> Path:
        return self.root / CHECKS_JSON

    @property
    def data_quality_md(self) -> Path:
        return self.root / DATA_QUALITY_MD

    @property
    def checks_key(self) -> Path:
        return self.root / CHECKS_KEY

    @property
    def pack(self) -> Path:
        return self.root / PACK_FILE

    @property
    def store_state(self) -> Path:
        return self.root / STORE_STATE

    @property
    def hashes(self) -> Path:
        return self.root / HASHES

    @property
    def render_stamp(self) -> Path:
        return self.root / RENDER_STAMP

    @property
    def domains(self) -> Path:
        return self.root / DOMAINS_DIR

    @staticmethod
    def domain_page(position: int, domain: str) -> str:
        """A domain page's file, relative to the month's folder: ``domains/01-profile.ipynb``."""
        return f"{DOMAINS_DIR}/{position:02d}-{slugify(domain)}.ipynb"

    def page(self, output: str) -> Path:
        """An executed page (``output`` relative to the month's folder, as :data:`PAGE_FILES` names them)."""
        return self.root / output

    def failed_page(self, output: str) -> Path:
        """Where a page that failed is kept for the analyst to open."""
        target = self.page(output)
        return target.with_name(f"{target.stem}.failed.ipynb")

    def running_page(self, output: str) -> Path:
        """Where a page is written while it executes (renamed into place when done)."""
        target = self.page(output)
        return target.with_name(f".{target.stem}.running.ipynb")


# -- what a month is made from ---------------------------------------------------------------------------------
_CODE_SUFFIXES = (".py", ".toml", ".csv", ".json", ".ipynb", ".j2", ".css", ".typ", ".js")


@cache
def code_hash() -> str:
    """Hash of cpb's own code and packaged data: a change to any of it builds every month again."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in _CODE_SUFFIXES and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _read_store_state(project: Project, month: Month) -> str:
    """What a month's pack reads from the store, as text: its loads and, when DfE releases fill
    benchmarks, the releases and the month's first publication (which picks the releases a published
    month keeps)."""
    from .inputs.store import Store

    with Store.open(project.store_path, read_only=True) as store:
        loads = store.loads()
        first_published = store.first_published_at(month)
    state = loads[["load_id", "month", "sha256"]].to_csv(index=False)
    if project.path("benchmark_sources").is_file():
        from . import dfe
        from .errors import StoreError

        try:
            releases = dfe.releases(project.store_path)
        except StoreError:  # nothing imported from DfE
            return state
        if not releases.empty:
            state += releases.to_csv(index=False) + f"first published {first_published}"
    return state


def store_state(project: Project, month: Month) -> str:
    """A digest of what ``month`` reads from the store: its content, not the file's size and time.

    Kept in the month's folder under the file's size and time, so the pages of a run, which all
    check the fingerprint, need not open the store again.
    """
    path = project.store_path
    if not path.exists():
        return "-"
    stat = path.stat()
    key = f"{stat.st_size}|{stat.st_mtime_ns}"
    cache_file = BuildFolder(project, month).store_state
    saved = read_text(cache_file)
    if saved and "\n" in saved:
        saved_key, saved_state = saved.split("\n", 1)
        if saved_key == key and saved_state:
            return saved_state
    state = hashlib.sha256(_read_store_state(project, month).encode()).hexdigest()
    try:
        write_text(cache_file, f"{key}\n{state}")
    except OSError:  # a read-only build folder: no cache, only slower
        pass
    return state


def fingerprint(project: Project, month: Month) -> str:
    """A hash of everything a month's pack is made from: settings, catalogue files, extracts, store, cpb's code.

    Cheap: bytes for the small files, sizes and times for the extracts (which the store has loaded),
    a cached digest of the store's content.
    """
    digest = hashlib.sha256(f"{code_hash()}|{month.key if isinstance(month, Month) else month}".encode())
    digest.update((project.root / "cpb.toml").read_bytes())
    for name in _CATALOGUE_FILES:
        path = project.path(name)
        digest.update(name.encode() + _bytes_or_size(path, MAX_FILE_BYTES))
    extracts = project.path("extracts")
    for path in sorted(extracts.glob("*")) if extracts.is_dir() else []:
        stat = path.stat()
        digest.update(f"{path.name}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    digest.update(b"store|" + store_state(project, month).encode())
    return digest.hexdigest()


def _bytes_or_size(path: Path, limit: int) -> bytes:
    """A file's bytes for a digest; its size and time when it is larger than ``limit`` (it is refused when
    read, never read whole here); ``-`` when it is not a file."""
    if not path.is_file():
        return b"-"
    stat = path.stat()
    return path.read_bytes() if stat.st_size <= limit else f"{stat.st_size}|{stat.st_mtime_ns}".encode()


def checks_key(project: Project, month: Month, current: str) -> str:
    """What the data checks of ``month`` look at, besides its inputs (``current``: their :func:`fingerprint`):
    the suites, which commentary files exist and are not empty, and the day (checks such as "not in the
    future" depend on it). Checks that passed on the same key need not run again.
    """
    digest = hashlib.sha256(f"{current}|{_today()}".encode())
    suites = project.root / "expectations"
    for path in sorted(suites.glob("*.json")) if suites.is_dir() else []:
        inside = path.resolve().is_relative_to(project.root.resolve())  # a link out is refused when suites load
        digest.update(path.name.encode() + (_bytes_or_size(path, MAX_SETTINGS_BYTES) if inside else b"-"))
    # The commentary checks look at which files exist and whether they are empty (not at their words),
    # so adding a missing commentary file runs the checks again and the data-quality page follows.
    commentary = project.path("commentary")
    for path in sorted(commentary.glob("*/*.md")) if commentary.is_dir() else []:
        digest.update(f"{path.relative_to(commentary).as_posix()}|{path.stat().st_size > 0}".encode())
    return digest.hexdigest()


def _today():
    import datetime as dt

    return dt.date.today()
