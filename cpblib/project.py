"""A cpb project on disk: its root folder and validated configuration.

Every path cpb reads or writes resolves from the project root, never from
the working directory.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .config import ProjectConfig, find_project_root, load_config


@dataclass(frozen=True)
class Project:
    root: Path
    config: ProjectConfig

    @classmethod
    def open(cls, project_dir: Path | str | None = None) -> Project:
        """Open the project at ``project_dir``, or the nearest one above the working directory."""
        root = Path(project_dir).resolve() if project_dir else find_project_root()
        return cls(root=root, config=load_config(root))

    def path(self, name: str) -> Path:
        """Absolute path of a configured location, e.g. ``project.path("store")``."""
        return self.root / getattr(self.config.paths, name)

    @property
    def catalogue_path(self) -> Path:
        return self.path("catalogue")

    @property
    def store_path(self) -> Path:
        return self.path("store")

    def build_dir(self, month) -> Path:
        return self.path("build") / getattr(month, "key", str(month))

    def report_period(self, key: str):
        """The report month, or quarter for a quarterly project, that a folder name or a notebook's ``month``
        parameter names (``2023-03``, ``2019-20-Q4``)."""
        return self.config.calendar.period_from_key(key)
