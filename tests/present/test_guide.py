"""The key, comparator groups, where the data came from and the glossary (cpblib.present.guide)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from cpblib.config import ProjectConfig, RagRules, parse_config
from cpblib.month import Month
from cpblib.present import guide

ROOT = Path(__file__).resolve().parents[2]


def demo_config() -> ProjectConfig:
    return parse_config((ROOT / "cpb.toml").read_text(encoding="utf-8"))


def test_the_key_follows_the_projects_rag_rules():
    key = dict(guide.rag_key(RagRules(tolerance=5, red_threshold=20)))
    assert key["Green"].endswith("or misses by no more than 5% of it.")
    assert key["Red"] == "misses its target (or range) by more than 20% of it."
    assert dict(guide.rag_key(RagRules(red_rule="none")))["Red"].startswith("never")
    assert [term for term, _ in guide.direction_key()] == ["✔ Improving", "✘ Worsening", "⚠ Same", "No direction"]


def test_the_demos_comparator_groups_name_the_neighbours_and_give_their_years():
    config = demo_config()
    scored = pd.DataFrame({"england_year": ["2021-22", "2019-20"], "good_sn_year": ["2021-22", None]})
    england, good = guide.comparator_groups(config, scored, config.comparators.shown)
    assert england.sentence == "England: England as a whole. Figures for 2019-20, 2021-22."
    assert good.label == "Good/Outstanding SN" and good.years == ("2021-22",)
    assert good.who == (
        "the mean of the statistical neighbours judged Good or Outstanding by Ofsted as at 31 March 2022: "
        "Cornwall, East Sussex, Shropshire, Suffolk and Wiltshire (5 of 10 neighbours)"
    )


def test_all_statistical_neighbours_are_named_and_an_unknown_council_by_its_number():
    config = parse_config(
        '[authority]\nname = "X"\nla_code = "838"\n[statistical_neighbours]\nla_codes = ["878", "001"]\n'
    )
    (sn,) = guide.comparator_groups(config, pd.DataFrame(), ["sn"])
    assert sn.who == "the mean of the council's 2 statistical neighbours (DfE model 2021): Devon and LA 001"
    assert sn.years == ()


def test_good_outstanding_neighbours_not_listed_are_said_to_be_so():
    config = parse_config('[authority]\nname = "X"\nla_code = "838"\n[statistical_neighbours]\nla_codes = ["878"]\n')
    (good,) = guide.comparator_groups(config, pd.DataFrame({"good_sn_year": ["2021-22"]}), ["good_sn"])
    assert good.who.endswith("(which neighbours they are is not listed in cpb.toml)")


def loads(extracted_on=None) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "load_id": [1, 2, 3],
            "month": ["2023-02", "2023-03", "2023-03"],
            "source_file": ["2023-02.csv", "2023-03.csv", "2023-03-corrected.csv"],
            "loaded_at": pd.to_datetime(["2023-03-06", "2023-04-05", "2023-04-12"]),
            "extracted_on": [None, None, extracted_on],
        }
    )


def test_the_extraction_date_is_the_one_recorded_with_the_months_latest_load():
    note = guide.extraction_note(loads(dt.date(2023, 4, 11)), Month(2023, 3))
    assert (
        note
        == "Figures to the end of March 2023, extracted on 11 April 2023 (2023-03-corrected.csv, loaded on 12 April 2023)."
    )


def test_an_unrecorded_extraction_date_is_said_to_be_so():
    note = guide.extraction_note(loads(), Month(2023, 3))
    assert note.endswith("loaded on 12 April 2023; the date they were extracted was not recorded.")
    assert guide.extraction_note(pd.DataFrame(), Month(2023, 3)).endswith("no load of the data is recorded.")


def test_the_glossary_lists_the_terms_the_pack_uses():
    terms = [term for term, _ in guide.glossary(["% of care leavers aged 19-21 with a pathway plan"])]
    assert "Pathway plan" in terms and "Care leaver" in terms and "RAG" in terms
    assert "SDQ" not in terms and "Agency decision maker (ADM)" not in terms
    assert "Agency decision maker (ADM)" not in [t for t, _ in guide.glossary(["Admissions"])]  # whole words only
