"""The 903 definitions on small hand-made returns; every expected figure is worked out by hand in the comments."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from cpblib.derive._definitions import CODES, DEFINITIONS, combine, covered_months, default_through, derive
from cpblib.derive._tables import read_tables
from cpblib.month import Month

from .conftest import episode, figure, header, write_return

MARCH = "2023-03"


def run(tmp_path, years, tables, population=None, through=MARCH, extra=()):
    write_return(tmp_path / "903", years, tables, extra)
    raw, _ = read_tables([tmp_path / "903"])
    return derive(combine(raw, population), Month.parse(through))


def test_every_definition_is_documented_and_computed(tmp_path):
    frame = run(tmp_path, [2023], {"header": [header("A")], "episodes": [episode("A", "01/01/2022")]})
    assert set(frame["definition"]) <= set(DEFINITIONS)
    monthly = {code for code, d in DEFINITIONS.items() if d["frequency"] == "monthly"}
    assert monthly <= set(frame["definition"])
    for row in DEFINITIONS.values():
        assert (
            row["label"]
            and row["description"]
            and row["unit"] in ("count", "percent", "rate_per_10000", "days", "score")
        )


def test_the_guide_explains_every_definition():
    from .conftest import REPO

    guide = (REPO / "docs" / "ssda903.md").read_text(encoding="utf-8")
    for code in DEFINITIONS:
        assert f"`{code}`" in guide, code
    assert CODES["legal_status"]["short_breaks"] == ["V3", "V4"]


# -- counting children looked after ------------------------------------------------------------------
COUNTING = {
    "header": [header(c) for c in "ABCDEFGHI"] + [],
    "episodes": [
        episode("A", "01/01/2022"),  # looked after since 2022
        episode("B", "10/03/2023", ls="V2"),  # started in March
        episode("C", "01/06/2022", ls="C2", dec="15/03/2023", rec="E4A"),  # ceased in March
        episode("D", "05/03/2023", ls="V3", place="K2", dec="07/03/2023", rec="E13"),  # short break: never counted
        episode("D", "30/03/2023", ls="V3", place="K2"),  # short break open at the month end
        episode("E", "01/02/2023", ls="V2"),  # UASC until 20/03/2023
        episode("F", "01/02/2023", ls="V2"),  # UASC
        episode("G", "31/03/2023", ls="V2"),  # starts on the last day: counted
        episode("H", "01/01/2023", dec="31/03/2023", rec="E13"),  # ceased on the last day: not counted
        episode("I", "01/01/2022", dec="15/03/2023", rec="X1"),  # a new placement, not a leaving
        episode("I", "15/03/2023", rne="P", place="U6"),
    ],
    "uasc": [{"CHILD": "E", "SEX": "1", "DOB": "20/03/2005", "DUC": "20/03/2023"}],
}
COUNTING["header"][4]["UASC"] = "1"  # E
COUNTING["header"][5]["UASC"] = "1"  # F


def test_children_looked_after_at_the_month_end(tmp_path):
    frame = run(tmp_path, [2023], COUNTING, population={2022: 60000.0, 2021: 59000.0})
    # open at the end of 31 March: A, B, E, F, G, I (C and H ceased, D only has short breaks)
    assert figure(frame, "ssda903:cla-count", MARCH)["value"] == 6
    # 6 / 60,000 (the mid-2022 estimate, the latest 30 June before 31 March 2023) x 10,000 = 1.0
    rate = figure(frame, "ssda903:cla-rate", MARCH)
    assert (rate["value"], rate["numerator"], rate["denominator"]) == (1.0, 6, 60000)
    # started in March: B and G (S episodes); E and F started in February; D's short break is left out
    assert figure(frame, "ssda903:started", MARCH)["value"] == 2
    assert figure(frame, "ssda903:started", "2023-02")["value"] == 2
    # ceased in March: C and H; I's X1 is a move and D's short break is left out
    assert figure(frame, "ssda903:ceased", MARCH)["value"] == 2
    # UASC on 31 March: F only (E's status ceased on 20 March); 1 of 6
    assert figure(frame, "ssda903:uasc-count", MARCH)["value"] == 1
    share = figure(frame, "ssda903:uasc-percent", MARCH)
    assert (share["numerator"], share["denominator"]) == (1, 6)
    assert share["value"] == pytest.approx(100 / 6)
    # in February E was still UASC: E and F of A, C, E, F, H, I = 2 of 6
    assert figure(frame, "ssda903:uasc-count", "2023-02")["value"] == 2


def test_rate_uses_the_latest_estimate_given_and_says_so(tmp_path):
    frame = run(tmp_path, [2023], COUNTING, population={2021: 50000.0})
    rate = figure(frame, "ssda903:cla-rate", MARCH)
    assert rate["value"] == pytest.approx(6 / 50000 * 10000)
    assert "mid-2021 used" in rate["note"]
    frame = run(tmp_path / "none", [2023], COUNTING)
    assert math.isnan(figure(frame, "ssda903:cla-rate", MARCH)["value"])


# -- placements ---------------------------------------------------------------------------------------
PLACEMENTS = {
    "header": [
        header(c, dob)
        for c, dob in (
            ("P", "01/01/2012"),
            ("Q", "01/01/2012"),
            ("S1", "01/01/2012"),
            ("S2", "01/01/2010"),
            ("S3", "01/01/2007"),
            ("S4", "01/01/2012"),
        )
    ],
    "episodes": [
        # P: in placement when the 12 months began, two moves and a change of legal status only: 3 placements
        episode("P", "01/01/2021", dec="01/06/2022", rec="X1"),
        episode("P", "01/06/2022", rne="P", dec="01/09/2022", rec="X1"),
        episode("P", "01/09/2022", rne="L", ls="E1", dec="01/12/2022", rec="X1"),
        episode("P", "01/12/2022", rne="P", ls="E1", place="U6"),
        # Q: a change of legal status only: 1 placement
        episode("Q", "01/01/2021", dec="01/06/2022", rec="X1"),
        episode("Q", "01/06/2022", rne="L", ls="E1"),
        # S1: 39 months in care, same placement throughout: stable
        episode("S1", "01/01/2020"),
        # S2: 34 months in care, placement since June 2022: in the cohort, not stable
        episode("S2", "01/06/2020", dec="01/06/2022", rec="X1"),
        episode("S2", "01/06/2022", rne="P", place="U6"),
        # S3: 16 on 31 March 2023: too old for the measure
        episode("S3", "01/01/2019"),
        # S4: the first episode the data shows is a move in June 2021; when care began is not known
        episode("S4", "01/06/2021", rne="P"),
    ],
}


def test_three_or_more_placements_in_the_last_12_months(tmp_path):
    frame = run(tmp_path, [2023], PLACEMENTS)
    # 6 children looked after; only P had 3 placements (S2 had 2: the one at the start and June's move)
    row = figure(frame, "ssda903:three-plus-placements", MARCH)
    assert (row["numerator"], row["denominator"]) == (1, 6)


def test_long_term_stability(tmp_path):
    frame = run(tmp_path, [2023], PLACEMENTS)
    # under 16 and in care 30 months or more: S1 (39 months) and S2 (34); P and Q 27 months; S3 is 16;
    # S4's care began at an unknown date before June 2021 (22 months seen): left out, and the note says so
    row = figure(frame, "ssda903:long-term-stability", MARCH)
    assert (row["numerator"], row["denominator"], row["value"]) == (1, 2, 50.0)
    assert row["note"].startswith("1 child(ren)")


def test_a_placement_for_adoption_with_the_foster_carers_continues_the_placement(tmp_path):
    tables = {
        "header": [header("F", "01/01/2012")],
        "episodes": [
            episode("F", "01/01/2020", place="U4", dec="01/12/2022", rec="X1"),
            episode("F", "01/12/2022", rne="P", ls="E1", place="A5"),  # same carers, now adopting
        ],
    }
    assert figure(run(tmp_path, [2023], tables), "ssda903:long-term-stability", MARCH)["value"] == 100.0
    tables["episodes"][1] = episode("F", "01/12/2022", rne="P", ls="E1", place="A6")  # new adopters
    assert figure(run(tmp_path / "new", [2023], tables), "ssda903:long-term-stability", MARCH)["value"] == 0.0


def test_rolling_figures_need_the_year_before(tmp_path):
    frame = run(tmp_path, [2023], PLACEMENTS, through="2023-03")
    # the 12 months to 30 April 2022 reach back into 2021-22, which was not given
    row = figure(frame, "ssda903:three-plus-placements", "2022-04")
    assert math.isnan(row["value"]) and "2021-22" in row["note"]


# -- distance and location -------------------------------------------------------------------------------
def test_distance_and_location_of_the_placement(tmp_path):
    tables = {
        "header": [header("A"), header("B"), header("C", uasc="1")],
        "episodes": [
            episode("A", "01/01/2022", PL_DISTANCE="25.0", PL_LOCATION="OUT"),
            episode("B", "01/01/2022", PL_DISTANCE="5.0", PL_LOCATION="IN"),
            episode("C", "01/01/2022", PL_DISTANCE="", PL_LOCATION=""),
        ],
    }
    frame = run(tmp_path, [2023], tables, extra=("PL_DISTANCE", "PL_LOCATION"))
    far = figure(frame, "ssda903:placed-over-20-miles", MARCH)
    # A only, of all three (C's distance is not known and stays in the denominator, as in DfE's tables)
    assert (far["numerator"], far["denominator"]) == (1, 3) and far["note"] == "distance not known for 1 children"
    # leaving out C (UASC): A of A and B
    assert figure(frame, "ssda903:placed-over-20-miles-excl-uasc", MARCH)["value"] == 50.0
    out = figure(frame, "ssda903:placed-outside-area", MARCH)
    assert (out["numerator"], out["denominator"]) == (1, 3)


def test_distance_without_any_distance_is_missing(tmp_path):
    frame = run(tmp_path, [2023], {"header": [header("A")], "episodes": [episode("A", "01/01/2022")]})
    row = figure(frame, "ssda903:placed-over-20-miles", MARCH)
    assert math.isnan(row["value"]) and "no placement distance" in row["note"]


def test_distances_worked_out_elsewhere_fill_the_gaps(tmp_path):
    write_return(tmp_path / "903", [2023], {"header": [header("A")], "episodes": [episode("A", "01/01/2022")]})
    raw, _ = read_tables([tmp_path / "903"])
    places = pd.DataFrame({"year": [2023], "row": [2], "distance": [30.5], "location": ["OUT"]})
    frame = derive(combine(raw, None, places), Month(2023, 3))
    assert figure(frame, "ssda903:placed-over-20-miles", MARCH)["value"] == 100.0
    assert figure(frame, "ssda903:placed-outside-area", MARCH)["value"] == 100.0


# -- missing -----------------------------------------------------------------------------------------------
def test_missing_episodes(tmp_path):
    tables = {
        "header": [header(c) for c in ("M1", "M2", "M3", "M4")],
        "episodes": [
            episode("M1", "01/01/2022"),
            episode("M2", "01/01/2022"),
            episode("M3", "01/01/2022", dec="01/06/2022", rec="E4A"),
            episode("M4", "01/01/2022"),
        ],
        "missing": [
            {"CHILD": "M1", "DOB": "01/01/2012", "MISSING": "M", "MIS_START": "01/02/2023", "MIS_END": "02/02/2023"},
            {"CHILD": "M1", "DOB": "01/01/2012", "MISSING": "M", "MIS_START": "01/03/2023", "MIS_END": "02/03/2023"},
            {"CHILD": "M2", "DOB": "01/01/2012", "MISSING": "A", "MIS_START": "01/03/2023", "MIS_END": "02/03/2023"},
            {"CHILD": "M3", "DOB": "01/01/2012", "MISSING": "M", "MIS_START": "01/05/2022", "MIS_END": "02/05/2022"},
        ],
    }
    frame = run(tmp_path, [2023], tables)
    # looked after at some time in the 12 months: all four; missing (M): M1 and M3 (M2 was away, code A)
    row = figure(frame, "ssda903:missing-12-months", MARCH)
    assert (row["numerator"], row["denominator"]) == (2, 4)
    # looked after in the last six months: M1, M2, M4; of them missing in the 12 months: M1
    row = figure(frame, "ssda903:missing-annex-a", MARCH)
    assert (row["numerator"], row["denominator"]) == (1, 3)
    # missing twice or more in the six months: M1
    assert figure(frame, "ssda903:missing-repeat-annex-a", MARCH)["numerator"] == 1
    # a month earlier the 12 months reach into 2021-22, not given: no figure, and the note says why
    earlier = figure(frame, "ssda903:missing-repeat-annex-a", "2023-02")
    assert math.isnan(earlier["value"]) and "2021-22" in earlier["note"]


# -- OC2 and OC3 (annual) ------------------------------------------------------------------------------------
def test_health_from_oc2(tmp_path):
    def oc2(child, dob, assessed, teeth, immunised, sdq=""):
        return {
            "CHILD": child,
            "DOB": dob,
            "SDQ_SCORE": sdq,
            "HEALTH_ASSESSMENT": assessed,
            "TEETH_CHECK": teeth,
            "IMMUNISATIONS": immunised,
            "SUBSTANCE_MISUSE": "0",
        }

    tables = {
        "header": [header("A")],
        "episodes": [episode("A", "01/01/2020")],
        "oc2": [
            oc2("K1", "01/01/2020", "1", "1", "1"),  # aged 3: outside the SDQ ages
            oc2("K2", "01/01/2015", "1", "0", "1", "10"),  # aged 8, score 10
            oc2("K3", "01/01/2010", "1", "0", "0", "20"),  # aged 13, score 20
            oc2("K4", "01/06/2006", "0", "0", "0"),  # aged 16, no score
        ],
    }
    frame = run(tmp_path, [2023], tables)
    assert figure(frame, "ssda903:health-assessment", MARCH)["value"] == 75.0  # 3 of 4
    assert figure(frame, "ssda903:dental-check", MARCH)["value"] == 25.0  # 1 of 4
    assert figure(frame, "ssda903:immunisations", MARCH)["value"] == 50.0  # 2 of 4
    sdq = figure(frame, "ssda903:sdq-completed", MARCH)
    assert (sdq["numerator"], sdq["denominator"]) == (2, 3)  # K2 and K3 of K2, K3, K4
    average = figure(frame, "ssda903:sdq-average", MARCH)
    assert (average["value"], average["denominator"]) == (15.0, 2)  # (10 + 20) / 2
    assert not (frame["definition"] == "ssda903:health-assessment").loc[frame["period"] != MARCH].any()


def test_care_leavers_from_oc3(tmp_path):
    tables = {
        "header": [header("A")],
        "episodes": [episode("A", "01/01/2020")],
        "oc3": [
            {"CHILD": "L1", "DOB": "15/05/2003", "IN_TOUCH": "YES", "ACTIV": "F2", "ACCOM": "C1"},  # 19 on 15/05/2022
            {"CHILD": "L2", "DOB": "10/02/2002", "IN_TOUCH": "NO", "ACTIV": "G5", "ACCOM": "B2"},  # 21 on 10/02/2023
            {"CHILD": "L3", "DOB": "01/09/2004", "IN_TOUCH": "YES", "ACTIV": "F1", "ACCOM": "C1"},  # 18: not counted
            {"CHILD": "L4", "DOB": "01/01/2001", "IN_TOUCH": "YES", "ACTIV": "F1", "ACCOM": "C1"},  # 22: not counted
        ],
    }
    frame = run(tmp_path, [2023], tables)
    for code in ("care-leavers-suitable-accommodation", "care-leavers-eet", "care-leavers-in-touch"):
        row = figure(frame, f"ssda903:{code}", MARCH)
        assert (row["numerator"], row["denominator"]) == (1, 2), code


# -- adoption ---------------------------------------------------------------------------------------------------
ADOPTION = {
    "header": [header("AA", "01/01/2020"), header("AB", "01/06/2019")],
    "episodes": [
        # AA: in care 01/02/2020, placement order 01/11/2020, placed with adopters 01/03/2021, adopted 01/10/2021
        episode("AA", "01/02/2020", ls="C2", dec="01/08/2020", rec="X1"),
        episode("AA", "01/08/2020", rne="L", ls="C1", dec="01/11/2020", rec="X1"),
        episode("AA", "01/11/2020", rne="L", ls="E1", dec="01/03/2021", rec="X1"),
        episode("AA", "01/03/2021", rne="P", ls="E1", place="A4", dec="01/10/2021", rec="E11"),
        # AB: in care 01/07/2019, moved to the carers who adopt 01/01/2020, placement order 01/06/2020,
        # placed for adoption with them 01/12/2020, adopted 01/09/2021
        episode("AB", "01/07/2019", ls="C2", dec="01/01/2020", rec="X1"),
        episode("AB", "01/01/2020", rne="P", ls="C2", place="U6", dec="01/06/2020", rec="X1"),
        episode("AB", "01/06/2020", rne="L", ls="E1", place="U6", dec="01/12/2020", rec="X1"),
        episode("AB", "01/12/2020", rne="P", ls="E1", place="A5", dec="01/09/2021", rec="E12"),
    ],
    "ad1": [
        {"CHILD": "AA", "DOB": "01/01/2020", "DATE_MATCH": "01/02/2021", "FOSTER_CARE": "0", "year": 2022},
        {"CHILD": "AB", "DOB": "01/06/2019", "DATE_MATCH": "01/11/2020", "FOSTER_CARE": "1", "year": 2022},
    ],
}


def test_adoption_timeliness(tmp_path):
    frame = run(tmp_path, [2020, 2021, 2022, 2023], ADOPTION)
    # A1: AA 01/02/2020 -> 01/03/2021 = 394 days; AB 01/07/2019 -> 01/12/2020 = 519 days; mean 456.5
    a1 = figure(frame, "ssda903:adoption-a1", MARCH)
    assert (a1["value"], a1["denominator"]) == (456.5, 2)
    # A10: AB counts from moving in with the carers who adopted: 01/07/2019 -> 01/01/2020 = 184; (394 + 184) / 2
    assert figure(frame, "ssda903:adoption-a10", MARCH)["value"] == 289.0
    # A2: AA 01/11/2020 -> 01/02/2021 = 92 days; AB 01/06/2020 -> 01/11/2020 = 153 days; mean 122.5
    assert figure(frame, "ssda903:adoption-a2", MARCH)["value"] == 122.5
    assert figure(frame, "ssda903:adoptions", "2021-10")["value"] == 1
    assert figure(frame, "ssda903:adoptions-12-months", "2022-03")["value"] == 2
    assert figure(frame, "ssda903:adoptions-12-months", MARCH)["value"] == 0


def test_a_match_before_the_placement_order_counts_zero_days(tmp_path):
    tables = {**ADOPTION, "ad1": [{**ADOPTION["ad1"][0], "DATE_MATCH": "01/10/2020"}, ADOPTION["ad1"][1]]}
    frame = run(tmp_path, [2020, 2021, 2022, 2023], tables)
    # AA matched a month before its order: 0 days; AB 153 days; mean 76.5
    assert figure(frame, "ssda903:adoption-a2", MARCH)["value"] == 76.5


def test_adoption_without_the_start_of_care_is_left_out(tmp_path):
    # without 2019-20 the data does not show when AB's care began (its first visible episode is a move)
    frame = run(tmp_path, [2021, 2022, 2023], ADOPTION)
    a1 = figure(frame, "ssda903:adoption-a1", MARCH)
    assert (a1["value"], a1["denominator"]) == (394.0, 1)
    assert a1["note"].startswith("1 child(ren) whose care began before")


# -- which months -------------------------------------------------------------------------------------------------
def test_months_covered_and_default_through(tmp_path):
    write_return(tmp_path / "903", [2022, 2023], {"header": [header("A")], "episodes": [episode("A", "01/01/2020")]})
    raw, _ = read_tables([tmp_path / "903"])
    data = combine(raw)
    months = covered_months(data, Month(2023, 1))
    assert (str(months[0]), str(months[-1]), len(months)) == ("2021-04", "2023-01", 22)
    assert default_through(data, Month(2026, 1)) == Month(2023, 3)
    assert default_through(data, Month(2023, 2)) == Month(2023, 1)
