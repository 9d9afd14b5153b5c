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
        "zero_is_gap": None,
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
        ({"zero_is_gap": "no"}, "zero_is_gap", "'no' is not yes or blank"),
        ({"indicator": "CIC rate"}, "indicator", "is not an indicator id"),
    ],
)
def test_bad_rows_are_reported_by_row_and_column(cells, column, message):
    with pytest.raises(InputError) as caught:
        validate_sources(row(**cells))
    assert (caught.value.row, caught.value.column) == (2, column)
    assert message in str(caught.value)


def test_a_mapping_with_the_old_polarity_column_is_refused_with_what_to_do():
    with pytest.raises(InputError) as caught:
        validate_sources(row().assign(polarity="low"))
    assert (caught.value.row, caught.value.column) == (1, "polarity")
    assert "polarity comes from DfE's data dictionary" in str(caught.value)


def test_no_mapping_row_says_in_touch_is_100_minus_information_not_known():
    # DfE's figure counts only young people the LA is not in touch with (LAIT CareLeavers_LA_NotInTouch);
    # 'information not known' also counts those who refused contact or no longer need services
    mapping = read_sources(SOURCES)
    assert not mapping["filter"].fillna("").str.contains("information not known").any()
    in_touch = mapping.loc[mapping["indicator"] == "cl-in-touch"]
    assert in_touch[["source", "measure", "transform"]].values.tolist() == [
        ["lait", "CareLeavers_LA_NotInTouch", "complement"]
    ]


def test_a_repeated_row_is_refused():
    with pytest.raises(InputError, match="repeats an earlier row"):
        validate_sources(pd.concat([row(), row()], ignore_index=True))


def test_filters_keep_commas_and_inner_spaces():
    text = "care_leaver_age=19 to 21 years; breakdown=Total in education, employment or training"
    assert parse_filter(text) == {
        "care_leaver_age": "19 to 21 years",
        "breakdown": "Total in education, employment or training",
    }
