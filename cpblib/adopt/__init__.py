"""Adopting cpb: a council's existing scorecard into a project, and a starter catalogue of DfE indicators.

* :func:`import_scorecard` reads a scorecard (CSV or workbook) through a mapping file into the project's
  catalogue, targets, benchmarks and an extract, listing every cell it could not place;
* :func:`starter_catalogue` is the catalogue of commonly reported DfE indicators that ``cpb init --starter``
  writes (made from DfE's LAIT dictionary by ``tools/make_starter_catalogue.py``).
"""

from ._mapping import Mapping, MappingError, parse_mapping, read_mapping
from ._scorecard import Placement, Unplaced, place_cells
from ._starter import starter_catalogue, starter_choices, starter_text
from ._write import ImportResult, import_scorecard

__all__ = [
    "ImportResult",
    "Mapping",
    "MappingError",
    "Placement",
    "Unplaced",
    "import_scorecard",
    "parse_mapping",
    "place_cells",
    "read_mapping",
    "starter_catalogue",
    "starter_choices",
    "starter_text",
]
