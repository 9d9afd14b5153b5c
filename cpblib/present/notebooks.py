"""The pack's source notebooks, defined once here and written into a project's ``notebooks/``.

Each notebook is thin: a ``parameters`` cell of scalars, one cell that opens
the month, then one call per page section. ``cpb init`` writes them into a new
project; the demo project's copies are checked against this definition by the
tests. After changing the cells below, refresh the demo's copies with
``python -m cpblib.present.notebooks``.

>>> sorted(NOTEBOOKS)
['appendix', 'data-quality', 'domain', 'summary']
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_raw_cell

OPEN = "from cpblib.present import open_month, pages\n\npack = open_month(month, project_dir)"

NOTEBOOKS = {
    "summary": (
        "Summary",
        {},
        [
            "pages.show_summary_headline(pack)",
            "pages.show_summary_counts(pack)",
            "pages.show_summary_exceptions(pack)",
            "pages.show_summary_domains(pack)",
        ],
    ),
    "domain": (
        "Domain",
        {"domain": "Profile"},
        [
            "pages.show_domain_intro(pack, domain)",
            "pages.show_domain_table(pack, domain)",
            "pages.show_domain_commentary(pack, domain)",
            "pages.show_domain_charts(pack, domain)",
            "pages.show_domain_definitions(pack, domain)",
        ],
    ),
    "appendix": ("Appendix", {}, ["pages.show_appendix(pack)", "pages.show_glossary(pack)"]),
    "data-quality": ("Data quality", {}, ["pages.show_data_quality(pack)"]),
}


def notebook(title: str, extra: dict[str, str], calls: list[str]) -> nbformat.NotebookNode:
    parameters = [
        'month = "2023-03"  # report month, YYYY-MM',
        'project_dir = ""  # empty: the project above this folder',
    ]
    parameters += [f"{name} = {json.dumps(value)}" for name, value in extra.items()]
    cells = [
        new_raw_cell(f'---\ntitle: "{title}"\n---'),
        new_code_cell("\n".join(parameters), metadata={"tags": ["parameters"]}),
        new_code_cell(OPEN),
        *(new_code_cell(call) for call in calls),
    ]
    for position, cell in enumerate(cells):  # stable ids keep diffs quiet
        cell.id = f"cell-{position}"
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def notebook_text(name: str) -> str:
    """The text of ``notebooks/<name>.ipynb`` as cpb writes it."""
    title, extra, calls = NOTEBOOKS[name]
    nb = notebook(title, extra, calls)
    nbformat.validate(nb)
    return nbformat.writes(nb) + "\n"


def write_notebooks(folder: Path) -> list[Path]:
    """Write every source notebook into ``folder``; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in NOTEBOOKS:
        path = folder / f"{name}.ipynb"
        path.write_text(notebook_text(name), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_notebooks(Path.cwd() / "notebooks"):
        print(written_path)
