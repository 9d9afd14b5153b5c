"""Nothing outside the project is read or written unless cpb.toml names it by an absolute path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cpblib.errors import ConfigError, OutsideProject
from cpblib.inputs.load import ensure_store, extract_files
from cpblib.inputs.month_data import commentary_index, read_month
from cpblib.month import Month
from cpblib.present.commentary import read_commentary
from cpblib.project import Project

SECRET = "root:x:0:0:the secret line\n"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A file outside the project a hostile contributor would like published."""
    secret = tmp_path / "elsewhere" / "passwd"
    secret.parent.mkdir()
    secret.write_text(SECRET, encoding="utf-8")
    return secret


def _set_paths(root: Path, lines: str) -> None:
    with (root / "cpb.toml").open("a", encoding="utf-8") as handle:
        handle.write(f"\n[paths]\n{lines}\n")


def test_a_commentary_file_linked_outside_is_refused_by_the_checks_and_never_read(mini_project, outside):
    folder = mini_project / "data" / "commentary" / "2023-01"
    folder.mkdir(parents=True)
    (folder / "profile.md").symlink_to(outside)
    project = Project.open(mini_project)
    data = read_month(project, Month(2023, 1))
    problems = [(name, str(error)) for name, error in data.problems if name == "commentary"]
    assert problems and "data/commentary/2023-01/profile.md leads outside the project folder" in problems[0][1]
    assert commentary_index(project).empty  # not listed, its size not even looked at
    with pytest.raises(OutsideProject):
        read_commentary(project, Month(2023, 1), "Profile")


def test_an_extract_linked_outside_is_refused(mini_project, tmp_path):
    elsewhere = tmp_path / "2023-02.csv"
    shutil.copy(mini_project / "data" / "extracts" / "2023-01.csv", elsewhere)
    (mini_project / "data" / "extracts" / "2023-02.csv").symlink_to(elsewhere)
    project = Project.open(mini_project)
    with pytest.raises(OutsideProject, match="2023-02.csv leads outside the project folder"):
        extract_files(project)
    with pytest.raises(OutsideProject):
        ensure_store(project)
    assert not project.store_path.exists()


def test_a_link_inside_the_project_is_fine(mini_project):
    extracts = mini_project / "data" / "extracts"
    (mini_project / "data" / "kept.csv").write_bytes((extracts / "2023-01.csv").read_bytes())
    (extracts / "2023-01.csv").unlink()
    (extracts / "2023-01.csv").symlink_to(mini_project / "data" / "kept.csv")
    assert [p.name for p in extract_files(Project.open(mini_project))] == ["2023-01.csv"]


@pytest.mark.parametrize(
    "key, value",
    [("store", "../cpb.duckdb"), ("site", "../www"), ("build", "../../build"), ("commentary", "data/../../c")],
)
def test_a_relative_path_out_of_the_project_is_refused(mini_project, key, value):
    _set_paths(mini_project, f'{key} = "{value}"')
    with pytest.raises(ConfigError, match=rf"\[paths\] {key} = .*leads outside the project folder.*absolute path"):
        Project.open(mini_project)
    assert not (mini_project.parent / "cpb.duckdb").exists()


@pytest.mark.parametrize("folder", ["data", "data/extracts", "data/indicators.csv", "_site", "_build"])
def test_a_folder_that_is_a_link_out_of_the_project_is_refused(mini_project, tmp_path, folder):
    target = tmp_path / "shared"
    if (mini_project / folder).exists():
        shutil.move(mini_project / folder, target)
    else:
        target.mkdir()
    (mini_project / folder).symlink_to(target, target_is_directory=True)
    with pytest.raises(ConfigError, match="leads outside the project folder"):
        Project.open(mini_project)


def test_an_absolute_path_names_a_place_outside_explicitly(mini_project, tmp_path):
    site, store = tmp_path / "www" / "pack", tmp_path / "stores" / "cpb.duckdb"
    _set_paths(mini_project, f'site = "{site}"\nstore = "{store}"')
    project = Project.open(mini_project)
    assert project.path("site") == site and project.path("store") == store
    assert project.inside(site / "2023-01", "site") == (site / "2023-01").resolve()
    with pytest.raises(OutsideProject):
        project.inside(site / "2023-01")  # only where the settings name it
    ensure_store(project)
    assert store.is_file()


def test_the_settings_file_may_not_be_a_link_out(mini_project, tmp_path):
    real = tmp_path / "settings.toml"
    shutil.move(mini_project / "cpb.toml", real)
    (mini_project / "cpb.toml").symlink_to(real)
    with pytest.raises(ConfigError, match="cpb.toml leads outside the project folder"):
        Project.open(mini_project)


def test_project_must_name_a_folder(mini_project):
    with pytest.raises(ConfigError, match="is a file: give the project's folder"):
        Project.open(mini_project / "cpb.toml")
    with pytest.raises(ConfigError, match="no such folder"):
        Project.open(mini_project / "missing")


def test_own_notebooks_suites_and_quarto_file_linked_out_are_refused(mini_project, outside):
    from cpblib.checks.suites import suite_path
    from cpblib.execute._execute import notebook_source
    from cpblib.publish._structure import RenderError, find_quarto_file

    project = Project.open(mini_project)
    (mini_project / "notebooks").mkdir()
    (mini_project / "notebooks" / "summary.ipynb").symlink_to(outside)
    with pytest.raises(OutsideProject):
        notebook_source(project, "summary")
    (mini_project / "expectations").mkdir()
    (mini_project / "expectations" / "values.json").symlink_to(outside)
    with pytest.raises(ConfigError, match="outside the project"):
        suite_path("values", mini_project)
    (mini_project / "_quarto.yml").symlink_to(outside)
    (mini_project / "_build" / "2023-01").mkdir(parents=True)
    with pytest.raises(RenderError, match="outside the project"):
        find_quarto_file(mini_project / "_build" / "2023-01")


def test_a_device_or_pipe_is_never_read_as_a_table(tmp_path):
    import os

    from cpblib.errors import InputError
    from cpblib.inputs.files import read_table

    pipe = tmp_path / "2023-01.csv"
    os.mkfifo(pipe)
    with pytest.raises(InputError, match="not a regular file"):
        read_table(pipe)
