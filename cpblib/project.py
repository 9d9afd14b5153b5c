"""A cpb project on disk: its root folder and validated configuration.

Every path cpb reads or writes resolves from the project root, never from
the working directory, and stays inside the project folder. The one way out
is to name the place in ``cpb.toml``: a ``[paths]`` entry written as an
absolute path (``site = "/srv/www/board-pack"``) is used as it is. A relative
entry that leads outside the project (``../site``, or a folder that is a
symbolic link to somewhere else) is refused when the project is opened, and so
is a file inside the project that is a link to a file outside it (a
commentary file, an extract, a notebook, a suite): git keeps symbolic links, so
anyone who can change the project could otherwise publish any file the
render can read.

>>> import tempfile
>>> from cpblib.config import parse_config
>>> root = Path(tempfile.mkdtemp())
>>> project = Project(root, parse_config('[authority]\\nname = "X"\\nla_code = "999"\\n'))
>>> project.inside(root / "data" / "commentary" / "2023-03" / "profile.md") == root.resolve() / "data/commentary/2023-03/profile.md"
True
>>> (root / "data").mkdir(); (root / "data" / "leak.md").symlink_to("/nonexistent-outside-file")
>>> project.inside(root / "data" / "leak.md")
Traceback (most recent call last):
...
cpblib.errors.OutsideProject: data/leak.md leads outside the project folder, to /nonexistent-outside-file; cpb reads and writes only inside the project, or where cpb.toml's [paths] names an absolute path
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePath

from .config import CONFIG_FILE, ProjectConfig, find_project_root, load_config
from .errors import ConfigError, OutsideProject


@dataclass(frozen=True)
class Project:
    root: Path
    config: ProjectConfig

    @classmethod
    def open(cls, project_dir: Path | str | None = None) -> Project:
        """Open the project at ``project_dir``, or the nearest one above the working directory.

        Refuses a ``project_dir`` that is not a folder, and settings whose ``[paths]`` lead outside the
        project other than by an absolute path (see the module notes).
        """
        if project_dir:
            given = Path(project_dir)
            if given.is_file():
                raise ConfigError(
                    f"{given} is a file: give the project's folder (the one holding cpb.toml), e.g. --project "
                    f"{given.parent if given.name == 'cpb.toml' else 'DIR'}"
                )
            if not given.is_dir():
                raise ConfigError(f"{given}: no such folder; give the project's folder (the one holding cpb.toml)")
            root = given.resolve()
        else:
            root = find_project_root()
        settings = root / CONFIG_FILE
        if settings.exists() and not settings.resolve().is_relative_to(root.resolve()):
            raise ConfigError(str(OutsideProject(CONFIG_FILE, settings.resolve())))
        project = cls(root=root, config=load_config(root))
        project.check_paths()
        return project

    def path(self, name: str) -> Path:
        """Absolute path of a configured location, e.g. ``project.path("store")``."""
        return self.root / getattr(self.config.paths, name)

    def named_outside(self, name: str) -> bool:
        """Whether ``cpb.toml`` names the location ``name`` by an absolute path (it may then be anywhere)."""
        return PurePath(getattr(self.config.paths, name)).is_absolute()

    def check_paths(self) -> None:
        """Refuse ``[paths]`` entries written as relative paths that lead outside the project (through
        ``..`` or a symbolic link); raises :class:`~cpblib.errors.ConfigError` naming the first."""
        for name in type(self.config.paths).model_fields:
            if self.named_outside(name):
                continue
            try:
                self.inside(self.path(name))
            except OutsideProject as exc:
                value = getattr(self.config.paths, name)
                raise ConfigError(
                    f"{self.root / 'cpb.toml'}: [paths] {name} = {value!r}: {exc.reason}; write it as an absolute "
                    "path if cpb is meant to use that place"
                ) from None

    def inside(self, path: Path | str, name: str | None = None) -> Path:
        """``path`` with every link followed, when it is inside the project (or inside the location
        ``name`` where cpb.toml names it by an absolute path); raises
        :class:`~cpblib.errors.OutsideProject` otherwise. The path need not exist."""
        path = Path(path)
        target = path.resolve()
        homes = [self.root.resolve()]
        if name is not None and self.named_outside(name):
            homes.append(self.path(name).resolve())
        if any(target.is_relative_to(home) for home in homes):
            return target
        try:
            shown = path.relative_to(self.root).as_posix()
        except ValueError:
            shown = str(path)
        raise OutsideProject(shown, target)

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
