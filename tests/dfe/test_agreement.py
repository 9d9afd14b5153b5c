"""Every mapped measure worked out again from the raw files, without cpb's readers, and checked twice:

1. against cpb: the council's, England's and the region's figure, every LA, every year;
2. against DfE's Local Authority Interactive Tool (LAIT), for every Explore Education Statistics (EES)
   measure that LAIT also publishes: the same figure for every area and year both hold.

The raw files are the trimmed copies in tests/data/dfe (every area and year of these series). The
conventions applied are DfE's (docs/benchmarks.md): ``k`` and ``low`` are 0; a 0 where the mapping says
``zero_is_gap`` is no figure; other symbols are no figure.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from cpblib.dfe import all_comparators

from .conftest import SOURCES

ROUNDS_TO_ZERO = {"k", "low"}
EES_FILES = {
    "cla_rates": "cla_number_and_rate_per_10k_children.csv",
    "placement_stability": "la_cla_placement_stability.csv",
    "health_outcomes": "la_conviction_health_outcome_cla.csv",
    "care_leavers_activity": "la_care_leavers_activity.csv",
    "care_leavers_accommodation": "la_care_leavers_accommodation_suitability.csv",
    "sw_stability": "la_cla_swcount.csv",
    "workforce": "csww_indicators_2017_to_2025.csv",
    "adoption_timeliness": "national_cla_adopted_average_time_between_adoption_process_stages.csv",
}
NOT_IN_LAIT = {
    "sdq-completed": "LAIT publishes no SDQ completion rate",
    "cl-suitable-accommodation-17-18": "LAIT's care-leaver measures are for 19 to 21 year olds",
    "cl-eet-17-18": "LAIT's care-leaver measures are for 19 to 21 year olds",
    "days-care-to-adoptive-family": "published for England only, not in LAIT",
    "days-order-to-match": "published for England only, not in LAIT",
}
"""EES measures of the mapping LAIT does not publish (docs/benchmarks.md says so): checked against cpb only."""


def region(name: object) -> str:
    text = " ".join(str(name).lower().split())
    match = re.fullmatch(r"london \((inner|outer)\)", text)
    return f"{match[1]} london" if match else text


def number(cells: pd.Series) -> pd.Series:
    """Figures as DfE prints them: numbers, years:months as months, rounds-to-zero symbols as 0."""
    text = cells.fillna("").astype(str).str.strip()
    value = pd.to_numeric(text.str.replace(",", ""), errors="coerce")
    months = text.str.extract(r"^(\d+):(\d{2})$").astype(float)
    value = value.where(value.notna(), months[0] * 12 + months[1])
    return value.where(~text.str.lower().isin(ROUNDS_TO_ZERO), 0.0)


def ees_figures(folder, row) -> pd.DataFrame:
    frame = pd.read_csv(folder / "ees" / EES_FILES[row.source], dtype=str, keep_default_na=False)
    for pair in (row.filter or "").split(";"):
        if pair.strip():
            column, value = pair.split("=", 1)
            frame = frame.loc[frame[column.strip()].str.strip() == value.strip()]
    frame = frame.assign(**{c: "" for c in ("region_name", "old_la_code") if c not in frame})  # England-only files
    level = frame["geographic_level"].map({"National": "national", "Regional": "regional", "Local authority": "la"})
    area = np.select(
        [level == "national", level == "regional"], ["england", frame["region_name"].map(region)], frame["old_la_code"]
    )
    out = pd.DataFrame(
        {"level": level, "area": area, "year_end": frame["time_period"].astype(int), "raw": frame[row.measure]}
    ).dropna(subset=["level"])
    out["area"] = out["area"].str.split(" / ")  # one row printed for two LAs (940 / 941) counts for each
    return out.explode("area").reset_index(drop=True)


def lait_figures(folder, row) -> pd.DataFrame:
    frame = pd.read_parquet(folder / "lait" / "bds_long_0.parquet")
    frame = frame.loc[(frame["Short Desc"] == row.measure) & frame["Years"].str.fullmatch(r"\d{4}")]
    england = frame["LA and Regions"] == "England"
    is_region = ~england & (frame["Region"].isna() | (frame["Region"] == "NA"))
    level = np.select([england, is_region], ["national", "regional"], "la")
    area = np.select(
        [england, is_region],
        ["england", frame["LA and Regions"].map(region)],
        frame["LA Number"].map(lambda n: f"{int(n):03d}" if pd.notna(n) else ""),
    )
    return pd.DataFrame(
        {"level": level, "area": area, "year_end": frame["Years"].astype(int), "raw": frame["Values"]}
    ).reset_index(drop=True)


def figures(folder, row) -> pd.DataFrame:
    """One mapping row's figures by level, area and year, DfE's conventions and the row's transform applied."""
    frame = lait_figures(folder, row) if row.source == "lait" else ees_figures(folder, row)
    value = number(frame["raw"])
    if str(row.zero_is_gap).lower() == "yes":
        value = value.mask((value == 0) & ~frame["raw"].str.strip().str.lower().isin(ROUNDS_TO_ZERO))
    if row.transform == "complement":
        value = 100 - value
    elif row.transform == "months_to_days":
        value = value * 365.25 / 12
    return frame.assign(value=value).drop(columns="raw")


@pytest.fixture(scope="module")
def mapping() -> pd.DataFrame:
    frame = pd.read_csv(SOURCES, dtype=str, keep_default_na=False).astype(object)
    return frame.where(frame != "", None)


@pytest.fixture(scope="module")
def expected(dfe_dir, mapping) -> pd.DataFrame:
    """Per indicator, area and year, the figure of the first mapping row with a figure for that year."""
    frames = []
    for priority, row in enumerate(mapping.itertuples(index=False)):
        frames.append(figures(dfe_dir, row).assign(indicator=row.indicator, priority=priority))
    every = pd.concat(frames, ignore_index=True)
    first = every.dropna(subset=["value"]).groupby(["indicator", "year_end"])["priority"].min().rename("first")
    every = every.merge(first.reset_index(), on=["indicator", "year_end"])
    return every.loc[every["priority"] == every["first"]].drop(columns=["priority", "first"])


@pytest.fixture(scope="module")
def computed(dfe_store) -> pd.DataFrame:
    return all_comparators(dfe_store, SOURCES)


def same(left: pd.Series, right: pd.Series) -> pd.Series:
    return (left.isna() & right.isna()) | np.isclose(left, right, rtol=0, atol=1e-9)


def test_cpb_gives_every_councils_own_figure_as_recomputed(expected, computed):
    ours = computed.loc[computed["comparator"] == "la", ["indicator", "year_end", "la_code", "value"]]
    theirs = expected.loc[expected["level"] == "la"].rename(columns={"area": "la_code"})
    joined = ours.merge(
        theirs[["indicator", "year_end", "la_code", "value"]],
        how="left",
        on=["indicator", "year_end", "la_code"],
        suffixes=("", "_raw"),
    )
    agree = same(joined["value"], joined["value_raw"])
    assert agree.all(), joined.loc[~agree].head(10)
    print(f"councils' own figures: {len(joined)} compared, {int(joined['value'].notna().sum())} with a figure")
    assert joined["value"].notna().sum() > 30_000


def test_cpb_gives_england_and_every_region_as_recomputed(expected, computed):
    for level, comparator in (("national", "england"), ("regional", "region")):
        ours = computed.loc[computed["comparator"] == comparator, ["indicator", "year_end", "area", "value", "note"]]
        ours = ours.assign(area=ours["area"].map(region)).drop_duplicates(["indicator", "year_end", "area"])
        assert not ours["note"].fillna("").str.contains("no regional figure published").any()
        theirs = expected.loc[expected["level"] == level, ["indicator", "year_end", "area", "value"]]
        joined = ours.merge(theirs, how="left", on=["indicator", "year_end", "area"], suffixes=("", "_raw"))
        agree = same(joined["value"], joined["value_raw"])
        assert agree.all(), joined.loc[~agree].head(10)
        print(f"{comparator}: {len(joined)} compared, {int(joined['value'].notna().sum())} with a figure")
        assert joined["value"].notna().sum() > (250 if level == "national" else 2_500)


def paired(mapping: pd.DataFrame) -> list[tuple[object, object]]:
    """(EES row, LAIT row) of every indicator mapped to both: the same measure from two DfE products."""
    rows = list(mapping.itertuples(index=False))
    pairs = []
    for ees in (r for r in rows if r.source != "lait"):
        lait = next((r for r in rows if r.source == "lait" and r.indicator == ees.indicator), None)
        if lait is not None:
            pairs.append((ees, lait))
    return pairs


def test_every_ees_measure_is_either_in_lait_or_documented_as_not(mapping):
    with_lait = {ees.indicator for ees, _ in paired(mapping)}
    ees_only = set(mapping.loc[mapping["source"] != "lait", "indicator"]) - with_lait
    assert ees_only == set(NOT_IN_LAIT)


def test_ees_and_lait_publish_the_same_figures(dfe_dir, mapping):
    compared = 0
    measures = {(ees.source, ees.measure, ees.filter, lait.measure): (ees, lait) for ees, lait in paired(mapping)}
    for ees_row, lait_row in measures.values():
        ees = figures(dfe_dir, ees_row)
        lait = figures(dfe_dir, lait_row)
        joined = ees.merge(lait, on=["level", "area", "year_end"], suffixes=("_ees", "_lait"))
        assert len(joined), ees_row.indicator
        agree = same(joined["value_ees"], joined["value_lait"])
        assert agree.all(), (ees_row.indicator, joined.loc[~agree].head())
        # and neither publishes a figure for an area and year the other leaves out
        outer = ees.merge(
            lait, on=["level", "area", "year_end"], how="outer", suffixes=("_ees", "_lait"), indicator=True
        )
        overlap = outer["year_end"].isin(set(ees["year_end"]) & set(lait["year_end"]))
        one_sided = outer.loc[overlap & (outer["_merge"] != "both")]
        assert one_sided[["value_ees", "value_lait"]].isna().all(axis=None), (ees_row.indicator, one_sided.head())
        compared += int(joined["value_ees"].notna().sum())
    print(f"EES and LAIT: {compared} figures compared over {len(measures)} measures")
    assert compared > 14_000


def test_in_touch_is_where_the_definitions_differ(dfe_dir, mapping):
    # 100 minus EES 'Total information not known' is not DfE's in-touch figure (documented in docs/benchmarks.md)
    not_known = mapping.iloc[0].copy()
    not_known[["indicator", "source", "measure", "filter", "transform", "zero_is_gap"]] = [
        "cl-in-touch",
        "care_leavers_activity",
        "care_leaver_percent",
        "care_leaver_age=19 to 21 years;breakdown=Total information not known",
        "complement",
        None,
    ]
    ees_row = next(pd.DataFrame([not_known]).itertuples(index=False))
    lait_row = next(r for r in mapping.itertuples(index=False) if r.indicator == "cl-in-touch")
    joined = (
        figures(dfe_dir, ees_row)
        .merge(figures(dfe_dir, lait_row), on=["level", "area", "year_end"], suffixes=("_ees", "_lait"))
        .dropna()
    )
    england = joined.loc[joined["area"] == "england"].set_index("year_end")
    assert england.loc[2025, ["value_ees", "value_lait"]].tolist() == [94.0, 96.0]
    assert (joined["value_ees"] != joined["value_lait"]).mean() > 0.5  # for most areas and years
