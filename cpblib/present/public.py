"""The public view of a pack: small numbers suppressed before any page is made.

With ``[publication] public = true`` in ``cpb.toml`` a build scores the month on
its true figures, then :func:`for_publication` replaces, in the frames every
page reads (the scored month and the history of figures), each figure that
:func:`cpblib.scoring.hidden_figures` says must not be shown by a
:class:`~cpblib.present.format.Suppressed` marker. The pages, the charts, their
text alternatives, the PDF and ``cpb score`` then print the symbol wherever
the figure would have been, because they format figures in one place
(:func:`~cpblib.present.format.format_values`): a suppressed figure is never
plotted, labelled, described or used in a sentence, and the figures that would
reveal it (its gaps to the benchmarks, the RAG reason that quotes it) are
blanked. A table with a suppressed cell has the note that explains the symbol
under it; the data-quality page explains it too (:func:`suppression_section`)
and names no figure from the data (:func:`without_figures`). The store is never
touched: a private render of the same month shows every figure.

>>> import pandas as pd
>>> catalogue = pd.DataFrame({"indicator": ["uasc"], "unit": ["count"]})
>>> shown = public_frame(pd.DataFrame({"indicator": ["uasc", "uasc"], "value": [3.0, 12.0]}), catalogue, 5, "c")
>>> shown["value"].tolist(), shown["suppressed"].tolist()
(['c', 12.0], [True, False])
"""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
import pandas as pd

from ..config import COMPARATORS
from ..scoring import hidden_figures
from ..scoring._suppress import SUPPRESSED_REASON
from .escape import markdown_escape
from .format import Suppressed, suppression_note

RATIO_UNITS = ("percent", "rate_per_10000", "ratio", "days", "score")
"""Units of figures computed over a number of children (checkable only when the denominator is given)."""


def public_frame(frame: pd.DataFrame, catalogue: pd.DataFrame, threshold: int, symbol: str) -> pd.DataFrame:
    """A copy of ``frame`` (a scored month or a history of figures) with the figures public output must not
    show replaced by a :class:`~cpblib.present.format.Suppressed` marker, the figures that would reveal them
    blanked, and a ``suppressed`` column saying whether ``value`` was; ``frame`` is left as it is."""
    hidden = hidden_figures(frame, catalogue, threshold)
    marker = Suppressed(symbol, threshold)
    changed: dict[str, pd.Series] = {}
    for column in hidden.columns:
        cells = frame[column].to_numpy(dtype=object, na_value=np.nan).copy()
        cells[hidden[column].to_numpy()] = marker
        changed[column] = pd.Series(cells, index=frame.index, dtype=object)
    value_hidden = hidden["value"].to_numpy() if "value" in hidden else np.zeros(len(frame), dtype=bool)
    if "rag_reason" in frame:
        reasons = frame["rag_reason"].to_numpy(dtype=object).copy()
        reasons[value_hidden] = SUPPRESSED_REASON
        changed["rag_reason"] = pd.Series(reasons, index=frame.index, dtype=object)
    for comparator in COMPARATORS:
        gap = f"{comparator}_gap"
        if gap in frame:
            changed[gap] = frame[gap].mask(pd.Series(value_hidden, index=frame.index))
    return frame.assign(**changed, suppressed=value_hidden)


def for_publication(pack):
    """The pack as its pages must show it: unchanged for a private pack, else with small figures suppressed
    in the scored month and the history (see the module notes)."""
    publication = pack.config.publication
    if not publication.public or "suppressed" in pack.scored:
        return pack
    catalogue = pack.inputs.catalogue
    threshold, symbol = publication.suppression_threshold, publication.suppression_symbol
    values = public_frame(pack.inputs.values, catalogue, threshold, symbol)
    scored = public_frame(pack.scored, catalogue, threshold, symbol)
    inputs = dataclasses.replace(pack.inputs, values=values)
    return dataclasses.replace(pack, inputs=inputs, scored=scored)


def _suppressed(cells: pd.Series) -> int:
    return int(cells.map(lambda cell: isinstance(cell, Suppressed)).sum())


def suppression_section(pack) -> str:
    """The data-quality page's section on small numbers (Markdown, every piece escaped), for a public pack."""
    publication = pack.config.publication
    symbol, threshold = publication.suppression_symbol, publication.suppression_threshold
    scored, history = pack.scored, pack.history
    latest = _suppressed(scored["value"]) if "value" in scored else 0
    earlier = _suppressed(history["value"]) if "value" in history else 0
    unchecked = scored.loc[
        scored["unit"].isin(RATIO_UNITS)
        & scored["value"].map(lambda v: not isinstance(v, Suppressed) and pd.notna(v))
        & scored.get("denominator", pd.Series(np.nan, index=scored.index)).isna(),
        "name",
    ]
    lines = [
        "### Small numbers",
        "",
        markdown_escape(
            f"This pack is published with small numbers suppressed. {suppression_note(symbol, threshold)} "
            f"A percentage or rate is suppressed too when its numerator is, as its denominator would give the "
            f"numerator back. This month {latest} of the latest figures and {earlier} figures in the tables and "
            "charts of this and earlier months are suppressed."
        ),
        "",
    ]
    if len(unchecked):
        lines += [
            markdown_escape(
                f"{len(unchecked)} percentages, rates or averages have no denominator in the extracts, so cpb "
                f"cannot tell whether they rest on fewer than {threshold} children; they are shown as they are. "
                "Give them numerator and denominator columns in the extract to have them checked: "
                + ", ".join(str(name) for name in unchecked)
                + "."
            ),
            "",
        ]
    return "\n".join(lines)


def without_figures(result):
    """A copy of a :class:`~cpblib.checks.CheckResult` that quotes no figure from the data, for the
    data-quality page of a public pack: each warning keeps where it is (file, indicator, period, rows) and
    its rule, not the values of its examples; a revision says that the figure was revised or withdrawn,
    not from what to what."""
    quiet = copy.deepcopy(result)
    for outcome in (*quiet.errors, *quiet.warnings):
        outcome.examples = [
            {key: example[key] for key in ("row", "period") if key in example} for example in outcome.examples
        ]
        if outcome.message and any(ch.isdigit() for ch in outcome.message.replace(str(outcome.period or ""), "")):
            outcome.message = None
    for revision in quiet.revisions:
        withdrawn = "withdrawn" in str(revision.get("change") or "")
        revision.update(previous_value=None, value=None, change="withdrawn" if withdrawn else "revised")
    return quiet


__all__ = ["for_publication", "public_frame", "suppression_section", "without_figures"]
