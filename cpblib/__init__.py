"""cpb: Corporate Parenting Board performance packs.

The month's build is one recipe (:mod:`cpblib.workflow`); :func:`scored_month`
is the one call a script needs for a scored month.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .month import Month

if TYPE_CHECKING:
    import pandas as pd

__version__ = "0.1.0"


def scored_month(project_dir: Path | str | None, month: Month | str) -> pd.DataFrame:
    """A project's month, checked (an error stops it) and scored: one row per indicator.

    ``scored_month(".", "2023-03")`` is what ``cpb score --month 2023-03`` prints.
    """
    from .project import Project
    from .workflow import Run, Stage, build_month

    run = Run(Project.open(project_dir), Month.parse(month), until=Stage.SCORE)
    return build_month(run).pack.scored


__all__ = ["Month", "__version__", "scored_month"]
