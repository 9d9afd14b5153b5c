"""The month's pack as the notebooks see it: everything scored once, shown in small steps.

A notebook opens the month with :func:`open_month` and calls the page
functions (:func:`show_summary_headline`, :func:`show_domain_table`, ...),
which display tables, charts and text; no scoring happens in a notebook.
``cpb run`` prepares the month once (:func:`prepare`) and every notebook
reads that; a notebook opened by hand in Jupyter prepares it itself.

>>> PAGE_FILES["summary"], PAGE_FILES["appendix"]
('summary.ipynb', 'appendix.ipynb')
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from .. import __version__
from ..config import COMPARATORS
from ..inputs.month_data import MonthInputs, read_inputs, score_month
from ..month import Month
from ..naming import slugify
from ..project import Project

PACK_FILE = "pack.pickle"
STORE_STATE_FILE = ".store-state"
PAGE_FILES = {"summary": "summary.ipynb", "appendix": "appendix.ipynb", "data-quality": "data-quality.ipynb"}
DOMAINS_DIR = "domains"
APPENDIX_PERIODS = 6


@dataclass(frozen=True)
class Pack:
    """One report month, scored: what every page of the pack is built from."""

    project: Project
    month: Month
    inputs: MonthInputs
    scored: pd.DataFrame
    fingerprint: str

    @property
    def config(self):
        return self.project.config

    @property
    def domains(self) -> list[str]:
        """Domains with at least one indicator this month, in catalogue order."""
        return list(dict.fromkeys(self.scored["domain"]))

    def domain_file(self, domain: str) -> str:
        """The domain page's notebook, relative to the build folder: ``domains/01-profile.ipynb``."""
        return f"{DOMAINS_DIR}/{self.domains.index(domain) + 1:02d}-{slugify(domain)}.ipynb"

    @property
    def comparators(self) -> list[str]:
        return [c for c in COMPARATORS if c in self.config.comparators.show]

    def label(self, comparator: str) -> str:
        return self.config.comparators.label(comparator)

    @cached_property
    def history(self) -> pd.DataFrame:
        """Values as published for the month, periods not after the month."""
        values = self.inputs.values
        return values.loc[values["period"] <= str(self.month)].reset_index(drop=True)


def _read_store_state(project: Project, month: Month) -> str:
    """What a month's pack reads from the store, as text: its loads and, when DfE releases fill benchmarks,
    the releases and the month's first publication date (which picks the releases a published month keeps).
    """
    from ..inputs.store import Store

    with Store.open(project.store_path, read_only=True) as store:
        loads = store.loads()
        first_published = store.first_published_at(month)
    state = loads[["load_id", "month", "sha256"]].to_csv(index=False)
    if project.path("benchmark_sources").is_file():  # as pipeline.official_benchmarks
        from .. import dfe
        from ..errors import StoreError

        try:
            releases = dfe.releases(project.store_path)
        except StoreError:  # nothing imported from DfE
            return state
        if not releases.empty:
            state += releases.to_csv(index=False) + f"first published {first_published}"
    return state


def _store_state(project: Project, month: Month) -> str:
    """A digest of :func:`_read_store_state`: the store's content, not its size and time, since recording a
    publication changes the file but not the pack.

    Kept in the month's build folder under the file's size and time, so the notebooks of a run (which all
    check the fingerprint) need not open the store again.
    """
    path = project.store_path
    if not path.exists():
        return "-"
    stat = path.stat()
    key = f"{stat.st_size}|{stat.st_mtime_ns}"
    cache = project.build_dir(month) / STORE_STATE_FILE
    try:
        saved_key, saved_state = cache.read_text(encoding="utf-8").split("\n", 1)
        if saved_key == key:
            return saved_state
    except (OSError, ValueError):
        pass
    state = hashlib.sha256(_read_store_state(project, month).encode()).hexdigest()
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        temporary = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
        temporary.write_text(f"{key}\n{state}", encoding="utf-8")
        temporary.replace(cache)
    except OSError:  # a read-only build folder: no cache, only slower
        pass
    return state


def fingerprint(project: Project, month: Month) -> str:
    """A hash of everything a month's pack is made from (settings, catalogue files, extracts, store, cpb version).

    Cheap: file sizes and modification times for the extracts, bytes for the small files, the list of
    loads for the store.
    """
    digest = hashlib.sha256(f"{__version__}|{month}".encode())
    for name in ("catalogue", "targets", "benchmarks", "overrides", "annotations", "exception_rules"):
        path = project.path(name)
        digest.update(name.encode() + (path.read_bytes() if path.is_file() else b"-"))
    digest.update((project.root / "cpb.toml").read_bytes())
    for path in sorted(project.path("extracts").glob("*")) if project.path("extracts").is_dir() else []:
        stat = path.stat()
        digest.update(f"{path.name}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    digest.update(b"store|" + _store_state(project, month).encode())
    return digest.hexdigest()


def build(project: Project, month: Month) -> Pack:
    """Read and score the month (no cache)."""
    inputs = read_inputs(project, month)
    scored = score_month(inputs, project)
    return Pack(project=project, month=month, inputs=inputs, scored=scored, fingerprint=fingerprint(project, month))


def _current(project: Project, month: Month) -> Pack | None:
    """The prepared pack of the month when its inputs have not changed since, else None."""
    path = project.build_dir(month) / PACK_FILE
    if not path.is_file():
        return None
    pack = pickle.loads(path.read_bytes())
    if not (isinstance(pack, Pack) and pack.fingerprint == fingerprint(project, month)):
        return None
    return Pack(project=project, month=pack.month, inputs=pack.inputs, scored=pack.scored, fingerprint=pack.fingerprint)


def prepare(project: Project, month: Month) -> Path:
    """Score the month once and save it in the month's build folder for the notebooks; returns the file.

    A prepared pack whose inputs have not changed is kept as it is (nothing is scored again).
    """
    path = project.build_dir(month) / PACK_FILE
    if _current(project, month) is not None:
        return path
    pack = build(project, month)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(pickle.dumps(pack, protocol=pickle.HIGHEST_PROTOCOL))
    temporary.replace(path)
    return path


def open_month(month: str, project_dir: str = "") -> Pack:
    """The scored month for a notebook: the prepared pack when it is current, else scored now.

    ``project_dir`` empty means the project above the working directory (a
    notebook opened from ``notebooks/``).
    """
    project = Project.open(project_dir or None)
    month_value = Month.parse(month)
    return _current(project, month_value) or build(project, month_value)
