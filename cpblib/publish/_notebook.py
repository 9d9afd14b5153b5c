r"""What of an executed notebook reaches the pack, shared by the HTML and PDF renderers.

Input code never does. Cells are dropped or emptied the way Quarto reads them
(``#| include: false``, ``#| output: false``) and by the tags nbconvert knows
(``remove-cell``, ``remove-output``). Printed text (``stdout``/``stderr``)
and outputs that are only ``text/plain`` are left out: pages show tables
(``text/html``), Markdown (``text/markdown``) and charts (``image/svg+xml``,
with alt text in the output metadata ``{"cpb": {"alt": ...}}``). A chart
output holding only a Vega-Lite spec is drawn to SVG with vl-convert.

>>> cell_options("#| include: false\n#| label: fig-x\nx = 1")
{'include': False, 'label': 'fig-x'}
>>> chart_alt({"metadata": {"cpb": {"alt": "Line chart of rate"}}, "data": {}})
'Line chart of rate'
>>> print(typst_string('Say "hi" \\ bye'))
"Say \"hi\" \\ bye"
"""

from __future__ import annotations

import copy
import re
from typing import Any

import yaml

from ..present.escape import typst_string
from ._structure import _H1

__all__ = [
    "cell_options",
    "chart_alt",
    "chart_caption",
    "exporter_config",
    "typst_string",
    "visible_notebook",
]

OUTPUT_PRIORITY = [
    "image/svg+xml",
    "text/html",
    "text/markdown",
    "image/png",
    "image/jpeg",
    "text/plain",
]
"""Which representation of an output a page shows: a chart's SVG wins over any HTML
(so a chart bundle that also carries a script-based HTML view is drawn from its SVG)."""


def exporter_config():
    """Settings of cpb's nbconvert exporters (HTML and Markdown): which output wins, and no preprocessors.

    The notebook is already reduced to what the page shows (:func:`visible_notebook`):
    nbconvert's own preprocessors would find nothing to do, and it validates the
    notebook again after each one.
    """
    from traitlets.config import Config

    return Config(
        {"NbConvertBase": {"display_data_priority": OUTPUT_PRIORITY}, "Exporter": {"default_preprocessors": []}}
    )


VEGALITE_MIMES = (
    "application/vnd.vegalite.v5+json",
    "application/vnd.vegalite.v4+json",
)

_OPTION_LINE = re.compile(r"^#\|\s*([\w-]+)\s*:\s*(.*?)\s*$")
_REMOVE_CELL_TAGS = {"remove-cell", "remove_cell", "remove"}
_REMOVE_OUTPUT_TAGS = {"remove-output", "remove_output"}


def cell_options(source: str) -> dict[str, Any]:
    """Quarto cell options (leading ``#| key: value`` lines) of a code cell."""
    options: dict[str, Any] = {}
    for line in (source or "").splitlines():
        match = _OPTION_LINE.match(line)
        if not match:
            break
        try:
            value = yaml.safe_load(match.group(2)) if match.group(2) else None
        except yaml.YAMLError:
            value = match.group(2)
        options[match.group(1)] = value
    return options


def chart_alt(output: dict) -> str:
    """Alt text of a chart output: ``metadata.cpb.alt``, then per-mime metadata, then ``text/plain``."""
    metadata = output.get("metadata") or {}
    for where in (metadata, metadata.get("image/svg+xml") or {}, metadata.get("image/png") or {}):
        cpb = where.get("cpb") if isinstance(where, dict) else None
        if isinstance(cpb, dict) and cpb.get("alt"):
            return " ".join(str(cpb["alt"]).split())
    plain = (output.get("data") or {}).get("text/plain")
    if isinstance(plain, list):
        plain = "".join(plain)
    if plain and not str(plain).lstrip().startswith("<"):
        return " ".join(str(plain).split())
    return "Chart (no description was provided)"


def chart_caption(output: dict) -> str | None:
    """Optional visible caption of a chart: ``metadata.cpb.caption``."""
    cpb = (output.get("metadata") or {}).get("cpb")
    if isinstance(cpb, dict) and cpb.get("caption"):
        return str(cpb["caption"])
    return None


def chart_note(output: dict) -> str | None:
    """Optional sentence shown under a chart: ``metadata.cpb.note``.

    >>> chart_note({"metadata": {"cpb": {"note": "RAG: Red."}}})
    'RAG: Red.'
    """
    cpb = (output.get("metadata") or {}).get("cpb")
    if isinstance(cpb, dict) and cpb.get("note"):
        return str(cpb["note"])
    return None


MEDIA = ("web", "pdf")
"""Where an output can be shown only: ``metadata.cpb.only`` is one of these (absent: both)."""


def shown_in(output: dict, medium: str | None) -> bool:
    """Whether an output is shown in ``medium`` (``web`` or ``pdf``; None: everywhere).

    >>> shown_in({"metadata": {"cpb": {"only": "web"}}}, "pdf"), shown_in({"metadata": {}}, "pdf")
    (False, True)
    """
    cpb = (output.get("metadata") or {}).get("cpb")
    only = cpb.get("only") if isinstance(cpb, dict) else None
    return medium is None or only not in MEDIA or only == medium


def _vegalite_svg(spec: Any) -> str | None:
    try:
        import vl_convert

        return vl_convert.vegalite_to_svg(spec)
    except Exception:  # a chart that cannot be drawn is left out, not fatal  # noqa: BLE001 (reported, never raised past this boundary)
        return None


def _keep_output(output: dict) -> dict | None:
    kind = output.get("output_type")
    if kind not in ("display_data", "execute_result"):
        return copy.deepcopy(output) if kind == "error" else None
    data = dict(output.get("data") or {})
    if "image/svg+xml" not in data:
        for mime in VEGALITE_MIMES:
            if mime in data:
                svg = _vegalite_svg(data[mime])
                if svg:
                    data["image/svg+xml"] = svg
                break
    if "image/svg+xml" in data:  # the spec is drawn already; no page reads it
        data = {mime: value for mime, value in data.items() if mime not in VEGALITE_MIMES}
    shown = [mime for mime in OUTPUT_PRIORITY[:-1] if mime in data]
    if not shown:
        return None
    kept = copy.deepcopy({key: value for key, value in output.items() if key != "data"})
    kept["data"] = data  # strings only, shared with the executed notebook (never changed)
    return kept


def visible_notebook(nb, *, drop_title_heading: str | None = None, medium: str | None = None):
    """A copy of ``nb`` holding only what a published page shows.

    ``drop_title_heading`` removes a leading level-1 heading equal to that
    text from the first Markdown cell (used when the title is printed by the
    page itself). ``medium`` (``web`` or ``pdf``) leaves out the outputs meant
    only for the other (:func:`shown_in`).
    """
    import nbformat

    shown = nbformat.v4.new_notebook(metadata=copy.deepcopy(dict(nb.metadata)))
    title_dropped = drop_title_heading is None
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []) or [])
        if tags & _REMOVE_CELL_TAGS:
            continue
        if cell.cell_type == "raw":
            continue
        if cell.cell_type == "markdown":
            source = cell.source or ""
            if not title_dropped and source.strip():
                match = _H1.search(source)
                if match and match.group(1).strip() == drop_title_heading and not source[: match.start()].strip():
                    source = source[match.end() :].lstrip("\n")
                title_dropped = True
            if source.strip():
                shown.cells.append(nbformat.v4.new_markdown_cell(source, metadata=copy.deepcopy(dict(cell.metadata))))
            continue
        if cell.cell_type != "code":
            continue
        options = cell_options(cell.source)
        if options.get("include") is False:
            continue
        outputs = []
        if not (tags & _REMOVE_OUTPUT_TAGS or options.get("output") is False):
            outputs = [
                kept for kept in (_keep_output(o) for o in cell.get("outputs", []) if shown_in(o, medium)) if kept
            ]
        if outputs:
            new = nbformat.v4.new_code_cell(source="", metadata=copy.deepcopy(dict(cell.metadata)))
            new.outputs = [nbformat.from_dict(o) for o in outputs]
            shown.cells.append(new)
    return shown
