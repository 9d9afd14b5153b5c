"""DfE's own conventions, one test each: what enters a comparator, a rank or a band, and what does not.

Each figure is read from the trimmed DfE files in tests/data/dfe (see README.md there).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from cpblib import dfe
from cpblib.config import ProjectConfig, parse_config
from cpblib.dfe import all_bands, all_comparators, bands, comparators
from cpblib.dfe.readers import read_release
from cpblib.dfe.sources import read_sources
from cpblib.errors import ConfigError

from .conftest import SOURCES


def config(la_code: str = "838", **comparators) -> ProjectConfig:
    return ProjectConfig.model_validate(
        {"authority": {"name": "Council", "la_code": la_code}, "comparators": comparators}
    )


def row(frame: pd.DataFrame, comparator: str, year: str, la_code: str | None = None, indicator: str | None = None):
    keep = (frame["comparator"] == comparator) & (frame["year"] == year)
    if la_code is not None:
        keep &= frame["la_code"] == la_code
    if indicator is not None:
        keep &= frame["indicator"] == indicator
    rows = frame.loc[keep]
    assert len(rows) == 1, rows
    return rows.iloc[0]


# ----------------------------------------------------------------------------- care leavers in touch
def test_care_leavers_in_touch_counts_only_those_not_in_touch(dfe_store, dfe_dir):
    frame = comparators(dfe_store, config(), SOURCES, indicators=["cl-in-touch"])
    assert row(frame, "england", "2024-25")["value"] == 96.0  # LAIT: 4% not in touch
    # 100 minus 'information not known' (6%) would be 94: it also counts those who refused contact or no
    # longer need services
    activity = pd.read_csv(dfe_dir / "ees" / "la_care_leavers_activity.csv", dtype=str)
    not_known = activity.loc[
        (activity["geographic_level"] == "National")
        & (activity["time_period"] == "2025")
        & (activity["care_leaver_age"] == "19 to 21 years")
        & (activity["breakdown"] == "Total information not known"),
        "care_leaver_percent",
    ]
    assert 100 - float(not_known.item()) == 94.0


# ----------------------------------------------------------------------------- rounds to zero
def test_a_figure_printed_as_low_counts_as_zero_in_figures_ranks_and_averages(dfe_store):
    # csww_indicators: Sunderland's agency rate is printed 'low' (rounds to zero) for 2023 to 2025
    frame = all_comparators(
        dfe_store, SOURCES, ["394", "838"], indicators=["sw-agency-rate"], neighbours={"838": ["394", "878"]}
    )
    sunderland = row(frame, "la", "2025", "394")
    assert sunderland["value"] == 0.0
    assert sunderland["note"] == "printed as low (rounds to zero): counted as 0"
    # Dorset's neighbours listed as Sunderland (0) and Devon (24.3)
    sn = row(frame, "sn", "2025", "838")
    assert (sn["value"], sn["n"]) == (pytest.approx(24.3 / 2), 2)
    ranked = all_bands(dfe_store, SOURCES, ["394"], indicators=["sw-agency-rate"]).set_index("year")
    assert ranked.loc["2025", ["value", "rank", "band"]].tolist() == [0.0, 1, "A"]  # Low is better (DfE)


def test_a_figure_printed_as_k_counts_as_zero(dfe_store):
    # la_care_leavers_activity: Wirral, 19 to 21, 'Total information not known' is printed 'k' in 2025
    mapping = pd.DataFrame(
        {
            "indicator": ["cl-not-known"],
            "source": ["care_leavers_activity"],
            "measure": ["care_leaver_percent"],
            "filter": ["care_leaver_age=19 to 21 years;breakdown=Total information not known"],
            "period": ["year"],
        }
    )
    frame = all_comparators(dfe_store, mapping, ["344"])
    wirral = row(frame, "la", "2024-25", "344")
    assert (wirral["value"], wirral["note"]) == (0.0, "printed as k (rounds to zero): counted as 0")


def test_the_store_keeps_the_symbol_as_printed(dfe_dir):
    values = read_release(dfe_dir / "ees" / "csww_indicators_2017_to_2025.csv").tables["values"]
    cell = values.loc[
        (values["area_code"] == "394") & (values["measure"] == "agency_rate_fte") & (values["year_end"] == 2025)
    ].iloc[0]
    assert (cell["raw"], cell["missing_reason"]) == ("low", "rounds to zero (low)")
    assert math.isnan(cell["value"])


# ----------------------------------------------------------------------------- Ofsted judgements by year
def test_good_outstanding_neighbours_use_the_judgements_in_force_at_each_years_end(dfe_store):
    frame = comparators(dfe_store, config(), SOURCES, indicators=["cic-rate", "sw-caseload"])
    this_year = frame.loc[(frame["indicator"] == "cic-rate") & (frame["comparator"] == "good_sn")].set_index("year")
    # 31 March 2025: Suffolk (Requires improvement, June 2024) no longer counts; 31 March 2024: it does
    assert this_year.loc["2024-25", "n"] == 7 and "as at 2025-03-31" in this_year.loc["2024-25", "note"]
    assert this_year.loc["2023-24", "n"] == 8 and "as at 2024-03-31" in this_year.loc["2023-24", "note"]
    # the workforce is counted on 30 September (LAIT's year type 'Annual (end of Sept)')
    workforce = row(frame, "good_sn", "2024", indicator="sw-caseload")
    assert "as at 2024-09-30" in workforce["note"]
    later = row(frame, "good_sn", "2025", indicator="sw-caseload")
    assert "(the latest Ofsted file is as at 2025-03-31)" in later["note"]


def test_a_year_the_ofsted_file_cannot_say_gives_no_good_outstanding_figure(dfe_store):
    # the file's inspection history starts in 2018: no neighbour's judgement in force on 31 March 2018 is known
    frame = comparators(dfe_store, config(), SOURCES, indicators=["cic-rate"])
    early = row(frame, "good_sn", "2017-18")
    assert math.isnan(early["value"]) and early["n"] == 0
    assert early["note"].startswith(
        "no neighbour known to be judged Good or Outstanding as at 2018-03-31 "
        "(the Ofsted file holds no judgement in force then for 845 East Sussex"
    )
    # some known, some not: the unknown are named and left out
    partly = row(frame, "good_sn", "2021-22")
    assert partly["n"] == 5
    assert partly["note"].endswith("no judgement on record at that date for 926 Norfolk, 933 Somerset")


# ----------------------------------------------------------------------------- City of London, Isles of Scilly
def test_city_of_london_and_the_isles_of_scilly_are_not_ranked_by_default(dfe_store):
    every = all_bands(dfe_store, SOURCES, indicators=pd.DataFrame({"indicator": ["cic-rate"], "polarity": ["low"]}))
    year = every.loc[every["year"] == "2023-24"].set_index("la_code")
    assert pd.isna(year.loc["201", "rank"]) and pd.isna(year.loc["201", "band"])
    assert year["ranked"].dropna().unique().tolist() == [151]  # 152 LAs have a 2024 rate
    included = all_bands(
        dfe_store,
        SOURCES,
        ["201"],
        indicators=pd.DataFrame({"indicator": ["cic-rate"], "polarity": ["low"]}),
        unranked=(),
    )
    assert included.set_index("year").loc["2023-24", ["value", "rank", "ranked"]].tolist() == [76.0, 88, 152]


def test_a_setting_includes_them(dfe_store):
    catalogue = pd.DataFrame({"indicator": ["cic-rate"], "polarity": ["low"]})
    default = bands(dfe_store, config("201"), SOURCES, indicators=catalogue).set_index("year")
    assert pd.isna(default.loc["2023-24", "rank"])
    included = bands(dfe_store, config("201", exclude_from_ranks=[]), SOURCES, indicators=catalogue)
    assert included.set_index("year").loc["2023-24", ["rank", "ranked", "band"]].tolist() == [88, 152, "C"]


def test_the_setting_takes_only_la_numbers():
    with pytest.raises(ConfigError, match="comparators.exclude_from_ranks: '20' is not a 3-digit LA number"):
        parse_config('[authority]\nname = "C"\nla_code = "838"\n[comparators]\nexclude_from_ranks = ["20"]\n')


# ----------------------------------------------------------------------------- implausible zeros
def test_a_published_zero_that_cannot_be_true_is_a_gap(dfe_store):
    # la_conviction_health_outcome_cla: North Northamptonshire's immunisations are printed 0 for 2023 and 2024
    frame = all_comparators(
        dfe_store, SOURCES, ["940", "838"], indicators=["immunisations"], neighbours={"838": ["940", "878"]}
    )
    own = row(frame, "la", "2023-24", "940")
    assert math.isnan(own["value"])
    assert own["note"] == "published as 0, taken as a gap (0 is not a credible figure for this measure)"
    sn = row(frame, "sn", "2023-24", "838")
    assert (sn["value"], sn["n"]) == (65.0, 1)  # Devon only
    assert sn["note"].endswith("published 0 taken as a gap for 940 North Northamptonshire")
    ranked = all_bands(dfe_store, SOURCES, ["940"], indicators=["immunisations"])
    assert "2023-24" not in set(ranked["year"])
    assert row(frame, "la", "2024-25", "940")["value"] == 48.0  # a real figure the next year


def test_an_average_score_of_zero_is_a_gap(dfe_store):
    frame = all_comparators(dfe_store, SOURCES, ["201"], indicators=["sdq-average-score"])
    assert math.isnan(row(frame, "la", "2023-24", "201")["value"])  # City of London, SDQ average printed 0


def test_zeros_are_kept_where_the_mapping_allows_them(dfe_store):
    # an agency rate of 0 is credible (Kirklees, 2025): not a gap
    frame = all_comparators(dfe_store, SOURCES, ["382"], indicators=["sw-agency-rate"])
    assert row(frame, "la", "2025", "382")["value"] == 0.0


def test_implausible_zeros_are_listed_for_the_data_quality_page(dfe_store):
    listed = dfe.implausible_zeros(dfe_store, SOURCES)
    assert list(listed.columns) == ["indicator", "year", "level", "area_code", "area_name", "measure", "source", "note"]
    found = set(zip(listed["indicator"], listed["year"], listed["area_code"]))
    assert found == {
        ("immunisations", "2022-23", "940"),
        ("immunisations", "2022-23", "941"),
        ("immunisations", "2023-24", "940"),
        ("immunisations", "2023-24", "941"),
        ("sdq-average-score", "2016-17", "314"),
        ("sdq-average-score", "2021-22", "201"),
        ("sdq-average-score", "2023-24", "201"),
        ("attainment-8", "2016-17", "315"),
    }
    assert set(read_sources(SOURCES).loc[lambda m: m["zero_is_gap"], "indicator"]) == {
        "health-assessment-annual",
        "dental-check",
        "immunisations",
        "sdq-average-score",
        "attainment-8",
    }


# ----------------------------------------------------------------------------- polarity
def test_no_band_without_polarity_from_dfe_or_the_catalogue(dfe_store):
    # DfE's dictionary gives the CLA rate no polarity ('-'): no rank, no band
    ranked = bands(dfe_store, config(), SOURCES, indicators=["cic-rate"])
    assert ranked["rank"].isna().all() and ranked["band"].isna().all()
    assert set(ranked["polarity"]) == {"none"}
    # the catalogue may give one
    catalogue = pd.DataFrame({"indicator": ["cic-rate"], "polarity": ["low"]})
    assert bands(dfe_store, config(), SOURCES, indicators=catalogue)["band"].notna().all()


def test_polarity_comes_from_dfes_dictionary(dfe_store):
    ranked = all_bands(dfe_store, SOURCES, ["838"])
    polarity = ranked.groupby("indicator")["polarity"].first()
    assert polarity["sw-caseload"] == "low"  # Work_Force_AvgNumCase_SW: Low
    assert polarity["health-assessment-annual"] == "high"  # LACHealth%: High
    assert polarity["cl-in-touch"] == "high"  # 100 minus CareLeavers_LA_NotInTouch (Low)
    assert polarity["cic-uasc-percent"] == "none"  # '-'
    assert polarity["cl-eet-17-18"] == "none"  # no LAIT measure: DfE's dictionary does not describe it


def test_the_data_quality_page_lists_them(project):
    from cpblib.checks.report import write_reports
    from cpblib.checks.result import CheckResult
    from cpblib.project import Project

    _, markdown = write_reports(Project.open(project), CheckResult(month="2023-03"))
    text = markdown.read_text(encoding="utf-8")
    assert "### Official figures taken as gaps" in text
    assert "| immunisations | 2023-24 | North Northamptonshire | health\\_outcomes-2025-8d99eba1 |" in text
