"""The month's pack as the page notebooks see it: everything scored once, shown in small steps.

A notebook opens the month with :func:`open_month` and calls the section
functions of :mod:`cpblib.present.pages`, which display tables, charts and
text; no scoring happens in a notebook. A build saves the scored month once
(:func:`save_pack`) and every page reads it; a notebook opened by hand in
Jupyter, with no current saved pack, reads and scores the month itself.

>>> APPENDIX_PERIODS
6
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from ..build import BuildFolder, fingerprint, write_bytes
from ..inputs.month_data import MonthInputs
from ..month import Month
from ..project import Project

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
        return BuildFolder.domain_page(self.domains.index(domain) + 1, domain)

    @property
    def comparators(self) -> list[str]:
        """The comparators every table and chart of the pack shows, in ``[comparators] show`` order."""
        return self.config.comparators.shown

    def label(self, comparator: str) -> str:
        return self.config.comparators.label(comparator)

    @property
    def headings(self):
        """The exception headings (:class:`cpblib.scoring.Headings`): the project's, else cpb's own five."""
        from ..scoring import packaged_headings

        return self.inputs.exception_headings or packaged_headings()

    @cached_property
    def history(self) -> pd.DataFrame:
        """The series the month was scored from (:func:`cpblib.scoring.scoring_series`: each indicator's main
        figure, by quarter in a quarterly pack), periods not after the month."""
        from ..scoring import scoring_series

        values = scoring_series(self.inputs.values, self.inputs.catalogue, self.config.calendar)
        return values.loc[values["period"] <= str(self.month)].reset_index(drop=True)

    @cached_property
    def figures(self) -> pd.DataFrame:
        """Every figure as published for the month (second figures, quarters and years given beside the
        months), periods not after the month."""
        values = self.inputs.values
        return values.loc[values["period"] <= str(self.month)].reset_index(drop=True)

    @cached_property
    def history_values(self) -> pd.Series:
        """:attr:`history`'s values by indicator and period (made once; the pages look figures up in it)."""
        return self.history.set_index(["indicator", "period"])["value"]

    def period_text(self, period: str | None, frequency: str | None = None) -> str:
        """How the pack heads a figure's period: ``Mar 23``; in a quarterly pack, a quarterly figure's quarter
        (``Q4 2019/20``) and an annual one's year (``2019/20``)."""
        from .format import period_text

        return period_text(period, frequency, self.config.calendar)


def save_pack(pack: Pack) -> Pack:
    """Save the scored month in its build folder for the pages (atomically); returns it."""
    write_bytes(BuildFolder(pack.project, pack.month).pack, pickle.dumps(pack, protocol=pickle.HIGHEST_PROTOCOL))
    return pack


def saved_pack(project: Project, month: Month, current: str | None = None) -> Pack | None:
    """The month's saved pack when it was made from the inputs it has now (``current``: their
    :func:`~cpblib.build.fingerprint`, worked out here when not given); None when there is none,
    it is out of date, or the file is damaged (the month is then scored again)."""
    path = BuildFolder(project, month).pack
    try:
        pack = pickle.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 (a damaged or foreign file means "score again", never a crash)
        return None
    if not isinstance(pack, Pack) or pack.fingerprint != (current or fingerprint(project, month)):
        return None
    return Pack(project=project, month=pack.month, inputs=pack.inputs, scored=pack.scored, fingerprint=pack.fingerprint)


def score_pack(project: Project, month: Month) -> Pack:
    """Read and score the month now, without the data checks (for a notebook opened by hand); extracts
    not in the store yet are loaded first."""
    from ..inputs.month_data import load_new_extracts, read_month, typed_inputs
    from ..scoring import score_month
    from .public import for_publication

    loaded = load_new_extracts(project)
    key = fingerprint(project, month)
    inputs = typed_inputs(project, read_month(project, month, loaded))
    return for_publication(Pack(project, month, inputs, score_month(inputs, project.config), key))


def open_month(month: str, project_dir: str = "") -> Pack:
    """The scored month for a page notebook: the saved pack when it is current, else scored now.

    ``project_dir`` empty means the project above the working directory (a
    notebook opened from ``notebooks/``).
    """
    project = Project.open(project_dir or None)
    month_value = project.report_period(month)
    return saved_pack(project, month_value) or score_pack(project, month_value)
