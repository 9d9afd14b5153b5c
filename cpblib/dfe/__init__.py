"""Benchmarks from official DfE open data.

Import the files as published (:func:`import_files`), map local indicators to
official measures (``data/benchmark_sources.csv``, :func:`read_sources`) and
compute each indicator's comparators (:func:`comparators`), rank and quartile
band (:func:`bands`), then merge them under the council's own benchmarks
(:func:`fill_benchmarks`).

>>> import tempfile
>>> from pathlib import Path
>>> import pandas as pd
>>> from cpblib.config import ProjectConfig
>>> folder = Path(tempfile.mkdtemp())
>>> rows = ["time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
...         "old_la_code,la_name,new_la_code,population_type,population_estimate,children_count,rate_per_10000"]
>>> for level, code, name, rate in [("National", "", "", 69), ("Regional", "", "", 63),
...                                 ("Local authority", "838", "Dorset", 67), ("Local authority", "878", "Devon", 59),
...                                 ("Local authority", "908", "Cornwall", "c")]:
...     region = "E12000009,South West" if level != "National" else ","
...     rows.append(f"2024,Reporting year,{level},E92000001,England,{region},{code},{name},,"
...                 f"Children looked after on 31 March each year,1000,10,{rate}")
>>> _ = (folder / "cla.csv").write_text("".join(row + chr(10) for row in rows), encoding="utf-8")
>>> store = folder / "cpb.duckdb"
>>> import_files(store, [folder / "cla.csv"])[["dataset", "status"]].values.tolist()
[['cla_rates', 'imported']]
>>> releases(store)[["release", "file_name", "latest_period"]].values.tolist()  # doctest: +ELLIPSIS
[['cla_rates-2024-...', 'cla.csv', '2024']]
>>> config = ProjectConfig.model_validate({"authority": {"name": "Dorset", "la_code": "838"},
...                                        "statistical_neighbours": {"la_codes": ["878", "908"]}})
>>> sources = pd.DataFrame({"indicator": ["cic-rate"], "source": ["cla_rates"], "measure": ["rate_per_10000"],
...     "filter": ["population_type=Children looked after on 31 March each year"], "period": ["year"]})
>>> frame = comparators(store, config, sources)
>>> frame[["comparator", "year", "value"]].values.tolist()
[['la', '2023-24', 67.0], ['england', '2023-24', 69.0], ['region', '2023-24', 63.0],
 ['sn', '2023-24', 59.0], ['good_sn', '2023-24', nan]]
>>> frame.loc[frame["comparator"] == "sn", "note"].item()
'mean of 1 of 2 statistical neighbours (as listed in cpb.toml); no figure for 908 Cornwall'
>>> bands(store, config, sources)[["year", "rank", "band", "polarity"]].values.tolist()  # no polarity: no band
[['2023-24', <NA>, None, 'none']]
>>> catalogue = pd.DataFrame({"indicator": ["cic-rate"], "polarity": ["low"]})  # the catalogue's polarity
>>> bands(store, config, sources, indicators=catalogue)[["year", "rank", "ranked", "band"]].values.tolist()
[['2023-24', 2, 2, 'C']]

Modules: :mod:`.values` (cells, suppression symbols, durations, year labels),
:mod:`.readers` (one reader per kind of DfE file), :mod:`.store` (the ``dfe_``
tables in DuckDB), :mod:`.importer`, :mod:`.sources` (the mapping) and
:mod:`.comparators`.
"""

from .comparators import (
    COMPARATOR_ORDER,
    LA_CHANGES,
    UNRANKED,
    all_bands,
    all_comparators,
    bands,
    choose_releases,
    comparators,
    dictionary_terms,
    fill_benchmarks,
    good_or_outstanding,
    implausible_zeros,
    judgements_in_force,
    ranks_and_bands,
)
from .importer import expand_paths, import_files
from .readers import DATASETS, EES_DATASETS, Release, read_release
from .sources import SOURCE_COLUMNS, parse_filter, read_sources, validate_sources
from .store import open_store
from .values import parse_cells, parse_duration, parse_period, rounds_to_zero, year_end_date, year_label


def releases(store_path):
    """Every imported release (``release``, ``dataset``, ``kind``, ``file_name``, ``sha256``,
    ``imported_at``, ``latest_period``, ``latest_year``, ``rows``, ``notes``)."""
    with open_store(store_path) as store:
        return store.releases()


__all__ = [
    "COMPARATOR_ORDER",
    "DATASETS",
    "EES_DATASETS",
    "LA_CHANGES",
    "SOURCE_COLUMNS",
    "UNRANKED",
    "Release",
    "all_bands",
    "all_comparators",
    "bands",
    "choose_releases",
    "comparators",
    "dictionary_terms",
    "expand_paths",
    "fill_benchmarks",
    "good_or_outstanding",
    "implausible_zeros",
    "import_files",
    "judgements_in_force",
    "parse_cells",
    "parse_duration",
    "parse_filter",
    "parse_period",
    "ranks_and_bands",
    "read_release",
    "read_sources",
    "releases",
    "rounds_to_zero",
    "validate_sources",
    "year_end_date",
    "year_label",
]
