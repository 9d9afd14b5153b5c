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
import pickle
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from . import __version__
from .config import COMPARATORS
from .month import Month
from .naming import slugify
from .pipeline import MonthInputs, read_inputs, score_month
from .project import Project

PACK_FILE = "pack.pickle"
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


def fingerprint(project: Project, month: Month) -> str:
    """A hash of everything a month's pack is made from (settings, catalogue files, extracts, store, cpb version).

    Cheap: file sizes and modification times for the store and extracts, bytes for the small files.
    """
    digest = hashlib.sha256(f"{__version__}|{month}".encode())
    for name in ("catalogue", "targets", "benchmarks", "overrides", "annotations", "exception_rules"):
        path = project.path(name)
        digest.update(name.encode() + (path.read_bytes() if path.is_file() else b"-"))
    digest.update((project.root / "cpb.toml").read_bytes())
    for path in sorted(project.path("extracts").glob("*")) if project.path("extracts").is_dir() else []:
        stat = path.stat()
        digest.update(f"{path.name}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    store = project.store_path
    if store.exists():
        stat = store.stat()
        digest.update(f"store|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def build(project: Project, month: Month) -> Pack:
    """Read and score the month (no cache)."""
    inputs = read_inputs(project, month)
    scored = score_month(inputs, project)
    return Pack(project=project, month=month, inputs=inputs, scored=scored, fingerprint=fingerprint(project, month))


def prepare(project: Project, month: Month) -> Path:
    """Score the month once and save it in the month's build folder for the notebooks; returns the file."""
    pack = build(project, month)
    folder = project.build_dir(month)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / PACK_FILE
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
    path = project.build_dir(month_value) / PACK_FILE
    if path.is_file():
        pack = pickle.loads(path.read_bytes())
        if isinstance(pack, Pack) and pack.fingerprint == fingerprint(project, month_value):
            return Pack(project=project, month=pack.month, inputs=pack.inputs, scored=pack.scored, fingerprint=pack.fingerprint)
    return build(project, month_value)
