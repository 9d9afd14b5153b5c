"""Comparators, bands and ranks from the shipped DfE files, checked against figures worked out by hand."""

from __future__ import annotations

import math
import shutil

import pandas as pd
import pytest

from cpblib.config import ProjectConfig, parse_config
from cpblib.dfe import all_bands, all_comparators, bands, comparators, fill_benchmarks, import_files
from cpblib.dfe.comparators import good_or_outstanding
from cpblib.dfe.sources import read_sources
from cpblib.errors import ConfigError, InputError

from .conftest import SOURCES


def config(**neighbours) -> ProjectConfig:
    return ProjectConfig.model_validate(
        {"authority": {"name": "Dorset Council", "la_code": "838"}, "statistical_neighbours": neighbours}
    )


def pick(frame: pd.DataFrame, indicator: str, comparator: str, year: str) -> pd.Series:
    rows = frame.loc[(frame["indicator"] == indicator) & (frame["comparator"] == comparator) & (frame["year"] == year)]
    assert len(rows) == 1, rows
    return rows.iloc[0]


@pytest.fixture(scope="module")
def dorset(dfe_store) -> pd.DataFrame:
    return comparators(dfe_store, config(), SOURCES)


def test_england_rate_per_10000_as_published(dorset):
    # cla_number_and_rate_per_10k_children.csv, National, "Children looked after on 31 March each year":
    # 2023 -> 70, 2024 -> 69 (the 2025 release, with revised populations)
    england_2023 = pick(dorset, "cic-rate", "england", "2022-23")
    england_2024 = pick(dorset, "cic-rate", "england", "2023-24")
    assert (england_2023["value"], england_2024["value"]) == (70.0, 69.0)
    assert england_2024["source"] == "cla_rates-2025-8228ce8c"
    assert england_2024["year_end"] == 2024


def test_the_councils_own_figure_and_the_published_regional_figure(dorset):
    assert pick(dorset, "cic-rate", "la", "2023-24")["value"] == 67.0
    region = pick(dorset, "cic-rate", "region", "2023-24")
    assert region["value"] == 63.0  # South West, as published
    assert region["note"] is None
    assert region["area"] == "South West"
    assert pick(dorset, "cic-rate", "la", "2023-24")["area"] == "Dorset"


def test_statistical_neighbour_mean_by_hand(dorset):
    # 2021 model neighbours of 838 and their 2024 rates: Devon 59, Somerset 52, Shropshire 120,
    # Gloucestershire 64, Worcestershire 87, East Sussex 63, Suffolk 61, Cornwall 58, Wiltshire 46, Norfolk 68
    sn = pick(dorset, "cic-rate", "sn", "2023-24")
    assert sn["value"] == pytest.approx(678 / 10)
    assert sn["n"] == 10
    assert sn["note"] == "mean of 10 of 10 statistical neighbours (2021 model)"
    assert "sn_2021" in sn["source"] and "cla_rates" in sn["source"]


def test_statistical_neighbour_median_by_hand(dfe_store):
    frame = comparators(dfe_store, config(average="median"), SOURCES, indicators=["cic-rate"])
    # sorted: 46 52 58 59 61 63 64 68 87 120 -> (61 + 63) / 2
    assert pick(frame, "cic-rate", "sn", "2023-24")["value"] == 62.0


def test_good_or_outstanding_neighbours_by_hand(dorset, dfe_store):
    # judgements in force on 31 March 2024, the end of 2023-24: Good or Outstanding are Cornwall 58, East Sussex 63,
    # Norfolk 68, Shropshire 120, Somerset 52, Suffolk 61 (Outstanding 2019; Requires improvement only from June
    # 2024), Wiltshire 46 (Outstanding 2023), Worcestershire 87 (Good from May 2023); not Devon or Gloucestershire
    good = pick(dorset, "cic-rate", "good_sn", "2023-24")
    assert good["value"] == pytest.approx(555 / 8)
    assert good["n"] == 8
    assert "as at 2024-03-31" in good["note"]
    # the date the council chose, for every year: as at 31 March 2023 Worcestershire (RI 2019) does not count
    earlier = comparators(dfe_store, config(good_outstanding_as_at="2023-03-31"), SOURCES, indicators=["cic-rate"])
    assert pick(earlier, "cic-rate", "good_sn", "2023-24")["value"] == pytest.approx(468 / 7)
    assert "as at 2023-03-31" in pick(earlier, "cic-rate", "good_sn", "2024-25")["note"]


def test_neighbours_listed_in_cpb_toml_replace_the_model(dfe_store):
    frame = comparators(dfe_store, config(la_codes=["878", "933", "893"]), SOURCES, indicators=["cic-rate"])
    sn = pick(frame, "cic-rate", "sn", "2023-24")
    assert sn["value"] == pytest.approx((59 + 52 + 120) / 3)
    assert sn["note"] == "mean of 3 of 3 statistical neighbours (as listed in cpb.toml)"
    assert "sn_2021" not in sn["source"]


def test_a_bad_as_at_date_is_a_config_error():
    text = '[authority]\nname = "Dorset Council"\nla_code = "838"\n[statistical_neighbours]\ngood_outstanding_as_at = "31/03/2023"\n'
    with pytest.raises(ConfigError, match="good_outstanding_as_at: '31/03/2023' is not a date"):
        parse_config(text)


def test_the_2025_model_gives_other_neighbours(dfe_store):
    frame = comparators(dfe_store, config(model="2025"), SOURCES, indicators=["cic-rate"])
    sn = pick(frame, "cic-rate", "sn", "2023-24")
    assert "2025 model" in sn["note"] and "sn_2025" in sn["source"]
    assert sn["value"] != pytest.approx(67.8)


def test_region_mean_when_a_file_publishes_no_regional_figure(dfe_dir, tmp_path):
    lines = (dfe_dir / "ees" / "cla_number_and_rate_per_10k_children.csv").read_text(encoding="utf-8-sig").splitlines()
    no_regions = [line for line in lines if ",Regional," not in line]
    path = tmp_path / "cla_without_regions.csv"
    path.write_text("\n".join(no_regions) + "\n", encoding="utf-8")
    store = tmp_path / "cpb.duckdb"
    import_files(store, [path])
    frame = comparators(store, config(), SOURCES, indicators=["cic-rate"])
    region = pick(frame, "cic-rate", "region", "2023-24")
    # the 14 South West LAs with a 2024 rate (Isles of Scilly prints z): 934 / 14
    assert region["value"] == pytest.approx(934 / 14)
    assert region["n"] == 14
    assert region["note"] == "mean of 14 LAs in South West (no regional figure published)"


def catalogue(**polarity) -> pd.DataFrame:
    """A catalogue giving each indicator (keyword, ``_`` for ``-``) its polarity."""
    return pd.DataFrame({"indicator": [k.replace("_", "-") for k in polarity], "polarity": list(polarity.values())})


def test_band_and_rank_low_is_better(dfe_store):
    ranked = bands(dfe_store, config(), SOURCES, indicators=catalogue(cic_rate="low")).set_index("year")
    # 152 LAs have a 2024 rate, 151 without City of London (76); 69 are below Dorset's 67 (four LAs share 67):
    # rank 70, band B
    assert ranked.loc["2023-24", ["value", "rank", "ranked", "band", "polarity"]].tolist() == [
        67.0,
        70,
        151,
        "B",
        "low",
    ]


def test_band_and_rank_high_is_better(dfe_store):
    ranked = bands(dfe_store, config(), SOURCES, indicators=["health-assessment-annual"]).set_index("year")
    # High in DfE's dictionary (LACHealth%). 151 LAs have a 2024 figure (not City of London or the Isles of
    # Scilly); 68 are above Dorset's 92 (seven share 92): rank 69, band B
    assert ranked.loc["2023-24", ["value", "rank", "ranked", "band"]].tolist() == [92.0, 69, 151, "B"]


def test_bands_split_all_las_into_quarters(dfe_store):
    every = all_bands(dfe_store, SOURCES, indicators=catalogue(cic_rate="low"))
    year = every.loc[every["year"] == "2023-24"]
    assert year["rank"].min() == 1
    counts = year["band"].value_counts()
    assert set(counts.index) == {"A", "B", "C", "D"}
    assert counts.sum() == 151
    best = year.loc[year["rank"] == 1, "value"].iloc[0]
    assert best == year["value"].min()  # low is better
    assert year.loc[year["band"] == "A", "value"].max() <= year.loc[year["band"] == "D", "value"].min()


def test_no_polarity_means_no_rank(dfe_store):
    ranked = bands(dfe_store, config(), SOURCES, indicators=["cic-uasc-percent"])
    assert ranked["rank"].isna().all() and ranked["band"].isna().all()


def test_a_council_created_by_reorganisation_has_no_figures_before_it_existed(dorset):
    early = pick(dorset, "sw-caseload", "la", "2017")
    assert math.isnan(early["value"])
    assert "no figure for 838 Dorset" in early["note"]
    assert "Dorset (835), Poole (836) and Bournemouth (837) were replaced" in early["note"]
    assert pick(dorset, "sw-caseload", "la", "2019")["value"] == 17.6


def test_split_councils_say_which_years_they_lack(dfe_store):
    frame = all_comparators(dfe_store, SOURCES, ["942", "909"], indicators=["cic-rate"])
    cumberland_2022 = frame.loc[
        (frame["la_code"] == "942") & (frame["comparator"] == "la") & (frame["year"] == "2021-22")
    ].iloc[0]
    assert math.isnan(cumberland_2022["value"])
    assert cumberland_2022["note"].startswith("not applicable (z); Cumbria (909) was replaced by Cumberland (942)")
    cumbria = frame.loc[(frame["la_code"] == "909") & (frame["comparator"] == "la")].set_index("year")["value"]
    assert cumbria["2022-23"] == 82.0 and math.isnan(cumbria["2023-24"])
    # the 2021 model lists no neighbours for Cumberland
    sn = frame.loc[(frame["la_code"] == "942") & (frame["comparator"] == "sn") & (frame["year"] == "2023-24")]
    assert sn["note"].iloc[0] == "no neighbours listed for this LA (2021 model)"


def test_a_neighbour_without_a_figure_is_named(dorset):
    sn = pick(dorset, "sw-caseload", "sn", "2018")
    assert sn["n"] == 9
    assert sn["note"].endswith("no figure for 935 Suffolk")


def test_year_labels_follow_the_mapping(dorset):
    assert "2024" in set(dorset.loc[dorset["indicator"] == "sw-caseload", "year"])  # 30 September snapshot
    assert "2023-24" in set(dorset.loc[dorset["indicator"] == "cic-rate", "year"])  # year ending 31 March
    # years before the EES file starts come from LAIT (second mapping row)
    early = pick(dorset, "cic-rate", "england", "2019-20")
    assert early["value"] == 68.0 and early["source"].startswith("lait-")


def test_england_only_datasets_give_england_only(dorset):
    adoption = dorset.loc[dorset["indicator"] == "days-care-to-adoptive-family"]
    assert set(adoption["comparator"]) == {"england"}
    # 2024-25 stage 4, all ages: published as 1:07 (19 months)
    assert pick(dorset, "days-care-to-adoptive-family", "england", "2024-25")["value"] == pytest.approx(
        19 * 365.25 / 12
    )


def test_in_touch_is_the_complement_of_not_in_touch(dorset):
    # LAIT CareLeavers_LA_NotInTouch, England: 5% in 2024, 4% in 2025
    assert pick(dorset, "cl-in-touch", "england", "2023-24")["value"] == 95.0
    assert pick(dorset, "cl-in-touch", "england", "2024-25")["value"] == 96.0


def test_comparators_for_every_council_at_once(dfe_store):
    frame = all_comparators(dfe_store, SOURCES, indicators=["cic-rate", "sw-caseload"])
    assert frame["la_code"].nunique() > 150
    one = frame.loc[frame["la_code"] == "838"].drop(columns="la_code").reset_index(drop=True)
    alone = all_comparators(dfe_store, SOURCES, ["838"], indicators=["cic-rate", "sw-caseload"])
    pd.testing.assert_frame_equal(one, alone.drop(columns="la_code").reset_index(drop=True))  # to float rounding


def test_catalogue_order_and_polarity_are_used(dfe_store):
    frame = comparators(dfe_store, config(), SOURCES, indicators=catalogue(sw_caseload="high", cic_rate="low"))
    assert list(dict.fromkeys(frame["indicator"])) == ["sw-caseload", "cic-rate"]
    ranked = bands(dfe_store, config(), SOURCES, indicators=catalogue(sw_caseload="high", cic_rate="low"))
    assert set(ranked.loc[ranked["indicator"] == "sw-caseload", "polarity"]) == {"high"}  # DfE says Low


def test_ofsted_judgements_as_at_31_march_match_the_published_sheet(dfe_dir, read):
    ofsted = dfe_dir / "ees" / "LA_Inspection_Outcomes_as_at_31_March_2025.ods"
    inspections = read(ofsted).tables["inspections"]
    areas = read(dfe_dir / "ees" / "cla_number_and_rate_per_10k_children.csv").tables["areas"]
    areas = (
        areas.groupby("la_code")
        .agg(la_name=("la_name", "last"), new_la_codes=("new_la_code", lambda s: sorted(set(s.dropna()))))
        .reset_index()
    )
    judged, as_at = good_or_outstanding(inspections, areas, "2025-03-31")
    assert as_at == "2025-03-31"
    sheet = pd.read_excel(ofsted, engine="odf", sheet_name="Inspections_as_at_31_March", header=2)
    expected = dict(zip(sheet["Local authority area code"], sheet["Overall effectiveness"].str.lower()))
    by_code = {code: la for la, codes in zip(areas["la_code"], areas["new_la_codes"]) for code in codes}
    ours = dict(zip(judged["la_code"], judged["overall"]))
    words = {"requires improvement to be good": "requires_improvement"}
    compared = 0
    for code, overall in expected.items():
        if code in by_code:
            assert ours[by_code[code]] == words.get(overall, overall), code
            compared += 1
    assert compared >= 150


def test_a_mapping_row_that_matches_nothing_names_its_row_and_column(dfe_store, tmp_path):
    mapping = read_sources(SOURCES).drop(columns="priority").head(1).copy()
    mapping.loc[0, "filter"] = "population_type=Children in care on 31 March"
    with pytest.raises(InputError) as caught:
        comparators(dfe_store, config(), mapping)
    assert (caught.value.row, caught.value.column) == (2, "filter")
    assert "values printed for population_type" in str(caught.value)


def test_a_mapping_row_that_matches_several_series_is_refused(dfe_store):
    mapping = read_sources(SOURCES).drop(columns="priority").head(1).copy()
    mapping.loc[0, "filter"] = None
    with pytest.raises(InputError, match="several values of population_type"):
        comparators(dfe_store, config(), mapping)


def test_an_unknown_measure_is_refused_with_close_names(dfe_store):
    mapping = read_sources(SOURCES).drop(columns="priority").head(1).copy()
    mapping.loc[0, "measure"] = "rate_per_1000"
    with pytest.raises(InputError, match="close: rate_per_10000"):
        comparators(dfe_store, config(), mapping)


def test_datasets_not_imported_are_skipped(dfe_dir, tmp_path):
    store = tmp_path / "cpb.duckdb"
    import_files(store, [dfe_dir / "ees" / "la_cla_swcount.csv"])
    frame = comparators(store, config(), SOURCES)
    assert set(frame["indicator"]) == {"cic-three-plus-social-workers"}
    sn = frame.loc[frame["comparator"] == "sn"].iloc[0]
    assert math.isnan(sn["value"]) and sn["note"] == "statistical-neighbour model 2021 not imported"


def test_reading_comparators_does_not_change_the_store(dfe_store, tmp_path):
    store = tmp_path / "cpb.duckdb"
    shutil.copy(dfe_store, store)
    before = store.read_bytes()
    comparators(store, config(), SOURCES, indicators=["cic-rate"])
    assert store.read_bytes() == before


# ----------------------------------------------------------------------------- fill_benchmarks
def test_typed_benchmarks_win_and_imported_ones_fill_the_gaps(dorset):
    manual = pd.DataFrame(
        {
            "indicator": ["cic-rate", "cic-rate"],
            "comparator": ["england", "good_sn"],
            "year": ["2023-24", "2023-24"],
            "value": [70.0, None],
            "source": ["Board pack", "Board pack"],
        }
    )
    filled = fill_benchmarks(manual, dorset)
    assert list(filled.columns) == ["indicator", "comparator", "year", "value", "source", "figure"]
    row = filled.loc[(filled["indicator"] == "cic-rate") & (filled["year"] == "2023-24")].set_index("comparator")
    assert row.loc["england", ["value", "source"]].tolist() == [70.0, "Board pack"]
    assert row.loc["good_sn", "value"] == pytest.approx(555 / 8)  # blank in the typed file: filled
    assert row.loc["sn", "value"] == pytest.approx(67.8)
    assert "la" not in set(filled["comparator"])
    assert filled["value"].notna().all()
    replaced = fill_benchmarks(manual, dorset, replace=True)
    assert (
        replaced.loc[
            (replaced["indicator"] == "cic-rate")
            & (replaced["year"] == "2023-24")
            & (replaced["comparator"] == "england"),
            "value",
        ].item()
        == 69.0
    )


def test_fill_benchmarks_does_not_change_its_inputs(dorset):
    manual = pd.DataFrame(
        {
            "indicator": ["cic-rate"],
            "comparator": ["england"],
            "year": ["2023-24"],
            "value": [70.0],
            "source": ["typed"],
        }
    )
    before_manual, before_imported = manual.copy(), dorset.copy()
    fill_benchmarks(manual, dorset)
    pd.testing.assert_frame_equal(manual, before_manual)
    pd.testing.assert_frame_equal(dorset, before_imported)


def test_a_typed_year_and_an_imported_year_ending_the_same_year_are_one_year(dorset):
    manual = pd.DataFrame(
        {
            "indicator": ["sw-caseload"],
            "comparator": ["england"],
            "year": ["2023-24"],
            "value": [15.0],
            "source": ["typed"],
        }
    )
    filled = fill_benchmarks(manual, dorset)
    england = filled.loc[(filled["indicator"] == "sw-caseload") & (filled["comparator"] == "england")]
    years = england.set_index("year")["value"]
    assert years["2023-24"] == 15.0 and "2024" not in years.index  # imported 2024 is the same year
    assert years["2025"] == 15.2
