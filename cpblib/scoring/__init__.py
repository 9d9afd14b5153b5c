"""Scoring: from a history of figures to the judged report month.

Pure, vectorised functions over DataFrames; nothing here reads or writes
files. :func:`score` builds the scored month (direction of travel, RAG,
benchmark comparisons against every declared comparator, exception
headings, trend); :func:`summarise`, :func:`exceptions` and
:func:`headline_facts` shape it for the pack;
:func:`rollup` gives quarter and financial-year figures and
:func:`suppress` the display strings for public output.
"""

from ._compare import benchmarks_known_by, year_end
from ._exceptions import Headings, exceptions, packaged_headings, parse_headings
from ._figures import scoring_series
from ._headline import headline_facts
from ._numbers import format_numbers, round_half_away
from ._periods import latest_period, previous_period
from ._rollup import rollup
from ._score import SCORED_COLUMNS, score, score_month, scored_columns
from ._summary import summarise
from ._suppress import hidden_figures, suppress

__all__ = [
    "SCORED_COLUMNS",
    "Headings",
    "benchmarks_known_by",
    "exceptions",
    "format_numbers",
    "headline_facts",
    "hidden_figures",
    "latest_period",
    "packaged_headings",
    "parse_headings",
    "previous_period",
    "rollup",
    "round_half_away",
    "score",
    "score_month",
    "scored_columns",
    "scoring_series",
    "summarise",
    "suppress",
    "year_end",
]
