"""The mapping of local indicators to official measures (data/benchmark_sources.csv)."""

from __future__ import annotations

import pandas as pd
import pytest

from cpblib.dfe import all_comparators
from cpblib.dfe.sources import parse_filter, read_sources, validate_sources
from cpblib.errors import InputError

from .conftest import CATALOGUE, SOURCES

EXTRA = "Not in the demo catalogue"


def test_the_shipped_mapping_is_valid():
    mapping = read_sources(SOURCES)
    assert len(mapping) >= 30
    assert mapping["priority"].tolist() == list(range(len(mapping)))


def test_mapped_slugs_are_in_the_demo_catalogue_or_marked_as_extra():
    if not CATALOGUE.is_file():
        pytest.skip("no demo catalogue in data/")
    catalogue = set(pd.read_csv(CATALOGUE, dtype=str)["indicator"])
    mapping = read_sources(SOURCES)
    for row in mapping.itertuples(index=False):
        if row.indicator not in catalogue:
            assert row.notes and row.notes.startswith(EXTRA), row.indicator
        else:
            assert not (row.notes or "").startswith(EXTRA), row.indicator


def test_the_required_topics_are_covered():
    mapped = set(read_sources(SOURCES)["indicator"])
    required = {
        "cic-rate",
        "cic-starts-rate",
        "cic-ceased-rate",
        "cic-uasc-percent",
        "three-plus-placements",
        "long-term-stability",
        "placed-over-20-miles",
        "health-assessment-annual",
        "dental-check",
        "immunisations",
        "sdq-completed",
        "sdq-average-score",
        "cl-in-touch",
        "cl-in-touch-17-18",
        "cl-suitable-accommodation",
        "cl-eet",
        "days-care-to-adoptive-family",
        "days-order-to-match",
        "sw-caseload",
        "sw-agency-rate",
    }
    assert required <= mapped


def test_every_mapping_row_finds_england_figures_in_the_shipped_files(dfe_store):
    frame = all_comparators(dfe_store, SOURCES, ["838"])
    england = frame.loc[(frame["comparator"] == "england") & frame["value"].notna()]
    assert set(england["indicator"]) == set(read_sources(SOURCES)["indicator"])


def row(**cells) -> pd.DataFrame:
    base = {
        "indicator": "cic-rate",
        "source": "cla_rates",
        "measure": "rate_per_10000",
        "filter": "population_type=Children looked after on 31 March each year",
        "transform": None,
        "period": "year",
        "polarity": "low",
        "notes": None,
    }
    base.update(cells)
    return pd.DataFrame([base])


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ({"source": "ofsted"}, "source", "'ofsted' is not a dataset cpb reads"),
        ({"period": "annual"}, "period", "'annual' is not snapshot or year"),
        ({"transform": "x100"}, "transform", "'x100' is not a transform"),
        ({"filter": "population_type"}, "filter", "filter 'population_type' is not column=value"),
        ({"filter": "a=1;a=2"}, "filter", "filter names 'a' twice"),
        ({"source": "lait", "measure": "LAC"}, "filter", "LAIT measures take no filter"),
        ({"polarity": "up"}, "polarity", "'up' is not allowed"),
        ({"indicator": "CIC rate"}, "indicator", "is not an indicator id"),
    ],
)
def test_bad_rows_are_reported_by_row_and_column(cells, column, message):
    with pytest.raises(InputError) as caught:
        validate_sources(row(**cells))
    assert (caught.value.row, caught.value.column) == (2, column)
    assert message in str(caught.value)


def test_a_repeated_row_is_refused():
    with pytest.raises(InputError, match="repeats an earlier row"):
        validate_sources(pd.concat([row(), row()], ignore_index=True))


def test_filters_keep_commas_and_inner_spaces():
    text = "care_leaver_age=19 to 21 years; breakdown=Total in education, employment or training"
    assert parse_filter(text) == {
        "care_leaver_age": "19 to 21 years",
        "breakdown": "Total in education, employment or training",
    }
