"""The pack's source notebooks: defined once in cpblib.present.notebooks, committed as written, without outputs."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from cpblib.present.notebooks import (
    GITIGNORE,
    NOTEBOOKS,
    QUARTO_PROJECT,
    keep_notebooks,
    notebook_text,
    restore_notebooks,
    write_notebooks,
)

REPO = Path(__file__).resolve().parents[2]
COMMITTED = REPO / "notebooks"


def test_the_repository_has_exactly_the_defined_notebooks():
    assert sorted(p.stem for p in COMMITTED.glob("*.ipynb")) == sorted(NOTEBOOKS)


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_committed_notebook_equals_its_definition(name):
    committed = (COMMITTED / f"{name}.ipynb").read_text(encoding="utf-8")
    assert committed == notebook_text(name), (
        f"notebooks/{name}.ipynb differs from cpblib.present.notebooks; refresh it with 'python -m cpblib.present.notebooks'"
    )


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_committed_notebook_has_no_outputs_or_execution_counts(name):
    nb = nbformat.read(COMMITTED / f"{name}.ipynb", as_version=4)
    nbformat.validate(nb)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code
    assert all(cell.outputs == [] for cell in code)
    assert all(cell.execution_count is None for cell in code)
    assert "papermill" not in nb.metadata
    assert all("papermill" not in cell.metadata and "execution" not in cell.metadata for cell in nb.cells)


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_notebook_has_one_parameters_cell_of_scalars_then_opens_the_month(name):
    nb = nbformat.reads(notebook_text(name), as_version=4)
    tagged = [cell for cell in nb.cells if "parameters" in cell.metadata.get("tags", [])]
    assert len(tagged) == 1
    names = {}
    for line in tagged[0].source.splitlines():
        key, _, value = line.partition("=")
        names[key.strip()] = json.loads(value.split("#")[0].strip())
    assert names["month"] == "2023-03" and names["project_dir"] == ""
    assert set(names) == {"month", "project_dir", *NOTEBOOKS[name][1]}
    following = nb.cells[nb.cells.index(tagged[0]) + 1]
    assert "open_month(month, project_dir)" in following.source
    # one page-section call per remaining cell, nothing else
    calls = [cell.source for cell in nb.cells[nb.cells.index(following) + 1 :]]
    assert calls == NOTEBOOKS[name][2]
    assert all(call.startswith("pages.show_") for call in calls)


def test_domain_notebook_defaults_to_a_domain_of_the_demo():
    from cpblib.inputs.load import read_catalogue
    from cpblib.project import Project

    default = NOTEBOOKS["domain"][1]["domain"]
    assert default in set(read_catalogue(Project.open(REPO))["domain"])


def test_cell_ids_are_stable_between_writes():
    first = nbformat.reads(notebook_text("summary"), as_version=4)
    second = nbformat.reads(notebook_text("summary"), as_version=4)
    assert [c.id for c in first.cells] == [c.id for c in second.cells] == [f"cell-{i}" for i in range(len(first.cells))]


def test_write_notebooks_writes_every_notebook_and_their_quarto_project(tmp_path):
    written = write_notebooks(tmp_path / "notebooks")
    assert sorted(p.name for p in written) == sorted([f"{n}.ipynb" for n in NOTEBOOKS] + ["_quarto.yml", ".gitignore"])
    for path in written:
        if path.suffix == ".ipynb":
            assert path.read_text(encoding="utf-8") == notebook_text(path.stem)
    assert (tmp_path / "notebooks" / "_quarto.yml").read_text(encoding="utf-8") == QUARTO_PROJECT


def test_the_demo_notebooks_folder_is_as_cpb_writes_it():
    for name, text in (("_quarto.yml", QUARTO_PROJECT), (".gitignore", GITIGNORE)):
        assert (REPO / "notebooks" / name).read_text(encoding="utf-8") == text, name


def test_an_executed_notebook_is_put_back_as_it_was_kept(tmp_path):
    """Quarto writes outputs and injected parameters into a notebook it executes: the bytes kept before come back,
    also after a render that failed before its last step."""
    folder = tmp_path / "notebooks"
    write_notebooks(folder)
    before = {p.name: p.read_bytes() for p in folder.glob("*.ipynb")}
    keep_notebooks(folder)
    nb = nbformat.read(str(folder / "domain.ipynb"), as_version=4)
    nb.cells.insert(2, nbformat.v4.new_code_cell('domain = "Placement"', metadata={"tags": ["injected-parameters"]}))
    nbformat.write(nb, str(folder / "domain.ipynb"))
    keep_notebooks(folder)  # the next render starts: the executed copy is not kept, the committed one comes back
    assert {p.name: p.read_bytes() for p in folder.glob("*.ipynb")} == before
    nb.cells[3].outputs = [nbformat.v4.new_output("stream", text="x")]
    nbformat.write(nb, str(folder / "summary.ipynb"))
    restore_notebooks(folder)
    assert {p.name: p.read_bytes() for p in folder.glob("*.ipynb")} == before
