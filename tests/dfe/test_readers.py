"""Each DfE file is recognised from its content and read in full; unknown files are refused."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from cpblib.dfe.readers import read_release
from cpblib.errors import InputError

EXPECTED = {
    "ees/LA_Inspection_Outcomes_as_at_31_March_2025.ods": ("ofsted", "ofsted"),
    "ees/New_Statistical_Neighbour_Groupings_April_2021.csv": ("sn", "sn_2021"),
    "ees/cla_number_and_rate_per_10k_children.csv": ("ees", "cla_rates"),
    "ees/csww_indicators_2017_to_2025.csv": ("ees", "workforce"),
    "ees/la_care_leavers_accommodation_suitability.csv": ("ees", "care_leavers_accommodation"),
    "ees/la_care_leavers_activity.csv": ("ees", "care_leavers_activity"),
    "ees/la_cla_placement_stability.csv": ("ees", "placement_stability"),
    "ees/la_cla_swcount.csv": ("ees", "sw_stability"),
    "ees/la_conviction_health_outcome_cla.csv": ("ees", "health_outcomes"),
    "ees/national_cla_adopted_average_time_between_adoption_process_stages.csv": ("ees", "adoption_timeliness"),
    "ees/ons_mid-year_population_estimates_2012_to_2024.csv": ("ees", "population"),
    "ees/sn_model_2025_wide.csv": ("sn", "sn_2025"),
    "lait/bds_long_0.parquet": ("lait", "lait"),
    "lait/lait_data_dictionary.csv": ("lait_dictionary", "lait_dictionary"),
    "lait/sn_april_2021.xlsx": ("sn", "sn_2021"),
    "lait/sn_may_2025.xlsx": ("sn", "sn_2025"),
    "lait/la_code_list.xlsx": ("la_codes", "la_codes"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_shipped_file_is_recognised(dfe_dir, read, name):
    release = read(dfe_dir / name)
    assert (release.kind, release.dataset) == EXPECTED[name]
    assert release.rows > 0
    assert len(release.sha256) == 64


def test_kind_comes_from_content_not_the_file_name(dfe_dir, tmp_path):
    renamed = tmp_path / "download (3).csv"
    shutil.copy(dfe_dir / "ees" / "la_cla_placement_stability.csv", renamed)
    assert read_release(renamed).dataset == "placement_stability"


def test_care_leaver_files_with_the_same_columns_are_told_apart_by_content(dfe_dir, read):
    accommodation = read(dfe_dir / "ees" / "la_care_leavers_accommodation_suitability.csv")
    activity = read(dfe_dir / "ees" / "la_care_leavers_activity.csv")
    assert accommodation.dataset == "care_leavers_accommodation"
    assert activity.dataset == "care_leavers_activity"


def test_ees_rows_carry_filters_levels_and_figures(dfe_dir, read):
    values = read(dfe_dir / "ees" / "cla_number_and_rate_per_10k_children.csv").tables["values"]
    england = values.loc[
        (values["level"] == "national")
        & (values["measure"] == "rate_per_10000")
        & (values["year_end"] == 2024)
        & (values["filters"] == "population_type=Children looked after on 31 March each year")
    ]
    assert england["value"].tolist() == [69.0]
    assert set(values["level"]) == {"national", "regional", "la"}
    assert set(values["measure"]) == {"population_estimate", "children_count", "rate_per_10000"}
    # ghost rows printed for LAs that did not exist that year keep their symbol as the reason
    cumbria_2024 = values.loc[
        (values["area_code"] == "909") & (values["year_end"] == 2024) & (values["measure"] == "rate_per_10000")
    ]
    assert cumbria_2024["value"].isna().all()
    assert set(cumbria_2024["missing_reason"]) == {"not applicable (z)"}


def test_figures_shared_by_two_las_are_given_to_each(dfe_dir, read):
    values = read(dfe_dir / "ees" / "csww_indicators_2017_to_2025.csv").tables["values"]
    caseload = values.loc[(values["measure"] == "caseload_fte") & (values["year_end"] == 2025)]
    shared = caseload.loc[caseload["area_code"].isin(["940", "941", "314", "318"])].set_index("area_code")["value"]
    # the file prints one row '940 / 941' (14.8) and one '314 / 318' (13.9)
    assert shared.to_dict() == {"940": 14.8, "941": 14.8, "314": 13.9, "318": 13.9}


def test_adoption_durations_are_read_as_months(dfe_dir, read):
    values = read(dfe_dir / "ees" / "national_cla_adopted_average_time_between_adoption_process_stages.csv").tables[
        "values"
    ]
    row = values.loc[
        (values["year_end"] == 2025)
        & values["filters"].str.contains("stage_of_adoption_process=1. Average time between entry", regex=False)
        & values["filters"].str.endswith("age_start_poc=Aged 1")
    ]
    assert row["raw"].tolist() == ["00:10"]
    assert row["value"].tolist() == [10.0]
    assert row["value_kind"].tolist() == ["months"]


def test_lait_table_tells_england_regions_and_las_apart(dfe_dir, read):
    release = read(dfe_dir / "lait" / "bds_long_0.parquet")
    values = release.tables["values"]
    lac_2024 = values.loc[(values["measure"] == "LAC") & (values["year_end"] == 2024)]
    by_name = lac_2024.set_index("area_name")
    assert by_name.loc["England", "level"] == "national"
    assert by_name.loc["England", "value"] == 69
    assert by_name.loc["South West", "level"] == "regional"
    assert by_name.loc["London (Inner)", "level"] == "regional"
    assert by_name.loc["Dorset", ["level", "area_code", "region_name", "value"]].tolist() == [
        "la",
        "838",
        "South West",
        67.0,
    ]
    assert any("'0'" in note for note in release.notes)  # rows with a year of 0 are skipped and reported


def test_lait_dictionary_polarity(dfe_dir, read):
    measures = read(dfe_dir / "lait" / "lait_data_dictionary.csv").tables["measures"].set_index("measure")
    assert measures.loc["LACHealth%", "polarity"] == "high"
    assert measures.loc["LACStable_2016on", "polarity"] == "low"
    assert measures.loc["LAC", "polarity"] == "none"
    assert not measures.loc["UASC_%_Starting", "quartiles"]


def test_statistical_neighbour_lists(dfe_dir, read):
    csv_2021 = read(dfe_dir / "ees" / "New_Statistical_Neighbour_Groupings_April_2021.csv")
    neighbours = csv_2021.tables["neighbours"]
    dorset = neighbours.loc[neighbours["la_code"] == "838"].sort_values("rank")
    assert dorset["neighbour"].tolist() == ["878", "933", "893", "916", "885", "845", "935", "908", "865", "926"]
    assert dorset["closeness"].iloc[0] == "Extremely Close"
    assert "835" in set(neighbours["la_code"])  # the groups of LAs before reorganisation are kept
    xlsx_2021 = read(dfe_dir / "lait" / "sn_april_2021.xlsx").tables["neighbours"]
    assert "942" not in set(xlsx_2021["la_code"])  # listed with '-' for every neighbour: no neighbours
    assert xlsx_2021.loc[xlsx_2021["la_code"] == "838", "neighbour"].tolist() == dorset["neighbour"].tolist()
    model_2025 = read(dfe_dir / "ees" / "sn_model_2025_wide.csv").tables["neighbours"]
    assert model_2025.loc[model_2025["la_code"] == "838", "neighbour"].iloc[:3].tolist() == ["933", "878", "893"]
    assert model_2025["closeness"].str.endswith(" ").sum() == 0


def test_ofsted_outcomes(dfe_dir, read):
    inspections = read(dfe_dir / "ees" / "LA_Inspection_Outcomes_as_at_31_March_2025.ods").tables["inspections"]
    devon = inspections.loc[inspections["la_name"] == "Devon"].sort_values("inspection_date")
    assert devon["overall"].tolist() == ["inadequate", "inadequate"]
    assert str(devon["inspection_date"].iloc[-1]) == "2024-09-30"
    assert set(inspections["overall"]) <= {"outstanding", "good", "requires_improvement", "inadequate"}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.csv", "a,b\n1,2\n", "not a DfE file cpb recognises (its columns are a, b)"),
        ("README.md", "# hello\n", "not a DfE data file cpb reads"),
        (
            "other_stats.csv",
            (
                "time_period,time_identifier,geographic_level,country_code,country_name,pupils\n"
                "2024,Academic year,National,E92000001,England,100\n"
            ),
            "is an Explore Education Statistics file, but not one of the datasets cpb reads",
        ),
        ("broken.parquet", "not parquet", "not a readable parquet file"),
        ("broken.xlsx", "not a workbook", "not a readable .xlsx workbook"),
    ],
)
def test_unknown_files_are_refused_clearly(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_release(path)
    assert message in str(caught.value)
    assert str(caught.value).startswith(name)


def test_unknown_parquet_table_is_refused(tmp_path):
    path = tmp_path / "table.parquet"
    pd.DataFrame({"x": [1]}).to_parquet(path)
    with pytest.raises(InputError, match="a parquet table with columns x"):
        read_release(path)


def test_a_bad_cell_in_an_ees_file_names_row_and_column(dfe_dir, tmp_path):
    lines = (dfe_dir / "ees" / "la_cla_swcount.csv").read_text(encoding="utf-8-sig").splitlines()
    lines[4] = lines[4].rsplit(",", 1)[0] + ",n.a."
    path = tmp_path / "la_cla_swcount.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_release(path)
    assert (caught.value.row, caught.value.column) == (5, "percentage")


def test_a_statistical_neighbour_list_needs_its_model_year_in_the_name(dfe_dir, tmp_path):
    path = tmp_path / "neighbours.csv"
    shutil.copy(dfe_dir / "ees" / "sn_model_2025_wide.csv", path)
    with pytest.raises(InputError, match="does not say which model"):
        read_release(path)
