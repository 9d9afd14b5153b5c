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


QUARTO_PROJECT = """\
# The pack's notebooks as a Quarto project of their own, for an analyst trying a page:
#   quarto render notebooks/domain.ipynb -P domain:Placement --execute
# (month and project_dir are parameters too). Quarto writes what it executes back into the
# notebook: the two steps below keep the notebooks as they are (they hold no outputs) and the
# page goes to notebooks/_output/. They need cpb's Python environment on PATH.
project:
  type: default
  output-dir: _output
  pre-render: python3 -m cpblib.present.notebooks keep
  post-render: python3 -m cpblib.present.notebooks restore

lang: en-GB

execute:
  echo: false
  warning: false
"""

GITIGNORE = "/.quarto/\n/_output/\n"

KEPT = Path(".quarto") / "cpb-notebooks"
"""Where the notebooks' own bytes wait (inside the folder) while Quarto executes them."""


def write_notebooks(folder: Path) -> list[Path]:
    """Write every source notebook into ``folder``, with the Quarto project that keeps them as they are
    when an analyst renders one (:func:`keep_notebooks`); returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in NOTEBOOKS:
        path = folder / f"{name}.ipynb"
        path.write_text(notebook_text(name), encoding="utf-8")
        written.append(path)
    for name, text in (("_quarto.yml", QUARTO_PROJECT), (".gitignore", GITIGNORE)):
        (folder / name).write_text(text, encoding="utf-8")
        written.append(folder / name)
    return written


def _executed(path: Path) -> bool:
    """Whether a notebook holds what an execution left: outputs, or Quarto's injected parameters."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    for cell in nb.get("cells", []):
        if cell.get("outputs") or "injected-parameters" in (cell.get("metadata") or {}).get("tags", []):
            return True
    return False


def keep_notebooks(folder: Path) -> None:
    """Before Quarto executes notebooks of ``folder``: keep each one's bytes, or, if an earlier render that
    failed left one executed, put back the bytes kept then.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "summary.ipynb").write_text(notebook_text("summary"))
    >>> before = (folder / "summary.ipynb").read_bytes()
    >>> keep_notebooks(folder)
    >>> executed = json.loads(before); executed["cells"][2]["outputs"] = [{"output_type": "stream", "text": "x"}]
    >>> _ = (folder / "summary.ipynb").write_text(json.dumps(executed))
    >>> restore_notebooks(folder)
    >>> (folder / "summary.ipynb").read_bytes() == before
    True
    """
    kept = folder / KEPT
    kept.mkdir(parents=True, exist_ok=True)
    for path in sorted(folder.glob("*.ipynb")):
        copy = kept / path.name
        if _executed(path):
            if copy.is_file():
                path.write_bytes(copy.read_bytes())
        else:
            copy.write_bytes(path.read_bytes())


def restore_notebooks(folder: Path) -> None:
    """After Quarto has executed notebooks of ``folder``: put back the bytes :func:`keep_notebooks` kept."""
    kept = folder / KEPT
    for copy in sorted(kept.glob("*.ipynb")) if kept.is_dir() else []:
        path = folder / copy.name
        if path.is_file() and path.read_bytes() != copy.read_bytes():
            path.write_bytes(copy.read_bytes())


if __name__ == "__main__":
    import sys

    step = sys.argv[1] if len(sys.argv) > 1 else ""
    if step == "keep":  # Quarto's pre-render step, run in the notebooks' folder
        keep_notebooks(Path.cwd())
    elif step == "restore":  # Quarto's post-render step
        restore_notebooks(Path.cwd())
    else:
        for written_path in write_notebooks(Path.cwd() / "notebooks"):
            print(written_path)
