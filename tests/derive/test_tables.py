"""Finding and reading 903 files: what is read, and what stops the derivation (file, row and column named)."""

from __future__ import annotations

import pytest

from cpblib.derive._tables import collection_year, find_files, read_population, read_tables
from cpblib.errors import InputError

from .conftest import episode, header, write_return

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"


def test_folders_per_year_and_years_in_file_names(tmp_path):
    write_return(tmp_path / "a", [2022, 2023], {"header": [header("A")], "episodes": [episode("A", "01/01/2021")]})
    flat = tmp_path / "b"
    flat.mkdir()
    (flat / "header_2024.csv").write_text(HEADER + "A,1,01/01/2012,WBRI,UN2,,\n", encoding="utf-8")
    (flat / "2023-24 Episodes.csv").write_text(EPISODES + "A,01/01/2021,S,C1,N1,U4,PR1,,,,,,\n", encoding="utf-8")
    (flat / "notes.csv").write_text("x\n1\n", encoding="utf-8")
    found, ignored = find_files([tmp_path / "a", flat])
    assert sorted(found) == [
        (2022, "episodes"),
        (2022, "header"),
        (2023, "episodes"),
        (2023, "header"),
        (2024, "episodes"),
        (2024, "header"),
    ]
    assert [p.name for p in ignored] == ["notes.csv"]


@pytest.mark.parametrize(("name", "year"), [("2022-23", 2023), ("2023", 2023), ("903_2019_20", 2020), ("x", None)])
def test_collection_year_names(name, year):
    assert collection_year(f"{name}/episodes.csv") == year


def test_a_year_that_is_not_one_stops(tmp_path):
    with pytest.raises(InputError, match="not a collection year"):
        collection_year("2022-24/episodes.csv")


def test_a_file_without_a_year_stops(tmp_path):
    (tmp_path / "episodes.csv").write_text(EPISODES, encoding="utf-8")
    with pytest.raises(InputError, match="cannot tell the collection year") as caught:
        find_files([tmp_path / "episodes.csv"])
    assert caught.value.file == "episodes.csv"


def test_a_year_without_episodes_stops(tmp_path):
    (tmp_path / "2023").mkdir()
    (tmp_path / "2023" / "header.csv").write_text(HEADER, encoding="utf-8")
    with pytest.raises(InputError, match="2022-23 collection has no episodes table"):
        find_files([tmp_path])


def test_the_same_table_twice_for_a_year_stops(tmp_path):
    write_return(tmp_path / "a", [2023], {"header": [header("A")], "episodes": [episode("A", "01/01/2021")]})
    (tmp_path / "episodes_2022-23.csv").write_text(EPISODES, encoding="utf-8")
    with pytest.raises(InputError, match="two episodes files for 2022-23"):
        find_files([tmp_path / "a", tmp_path / "episodes_2022-23.csv"])


def test_a_missing_column_stops_naming_file_row_and_column(tmp_path):
    write_return(tmp_path, [2023], {"header": [header("A")], "episodes": [episode("A", "01/01/2021")]})
    path = tmp_path / "2022-23" / "episodes.csv"
    path.write_text(path.read_text().replace("DECOM", "START"), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_tables([tmp_path])
    assert str(caught.value).startswith("episodes.csv, row 1, column 'DECOM': not a episodes table")


def test_a_blank_child_id_stops(tmp_path):
    write_return(tmp_path, [2023], {"header": [header("A"), header("")], "episodes": [episode("A", "01/01/2021")]})
    with pytest.raises(InputError) as caught:
        read_tables([tmp_path])
    assert (caught.value.file, caught.value.row, caught.value.column) == ("header.csv", 3, "CHILD")


def test_an_unreadable_file_stops(tmp_path):
    write_return(tmp_path, [2023], {"header": [header("A")], "episodes": [episode("A", "01/01/2021")]})
    (tmp_path / "2022-23" / "episodes.csv").write_bytes(b"%PDF-1.4 binary")
    with pytest.raises(InputError, match="episodes.csv"):
        read_tables([tmp_path])


def test_a_date_that_is_not_a_date_is_a_finding_not_a_stop(tmp_path):
    write_return(
        tmp_path,
        [2023],
        {"header": [header("A")], "episodes": [episode("A", "31/02/2022"), episode("A", "01/03/2022")]},
    )
    tables, _ = read_tables([tmp_path])
    episodes = next(t for t in tables if t.spec.name == "episodes")
    assert [(n.code, n.row, n.column, n.child) for n in episodes.notices] == [("cpb-date", 2, "DECOM", "A")]
    assert episodes.frame["DECOM"].isna().tolist() == [True, False]


def test_codes_are_read_without_case_or_spaces(tmp_path):
    write_return(tmp_path, [2023], {"header": [header("A")], "episodes": [episode("A", "01/01/2021", ls=" c1 ")]})
    tables, _ = read_tables([tmp_path])
    assert next(t for t in tables if t.spec.name == "episodes").frame["LS"].tolist() == ["C1"]


def test_population_in_dfe_layout_and_as_two_columns(tmp_path):
    ees = tmp_path / "ons.csv"
    ees.write_text(
        "time_period,time_identifier,geographic_level,old_la_code,new_la_code,la_name,age_group,population_estimate\n"
        "2022,Reporting year,Local authority,838,E06000059,Dorset,Children aged 0 to 17 years,66267\n"
        "2022,Reporting year,Local authority,839,E06000058,BCP,Children aged 0 to 17 years,70000\n"
        "2023,Reporting year,Local authority,838,E06000059,Dorset,Children aged 0 to 17 years,66436\n",
        encoding="utf-8",
    )
    assert read_population(ees, ["838"]) == {2022: 66267.0, 2023: 66436.0}
    assert read_population(ees, ["E06000058"]) == {2022: 70000.0}
    simple = tmp_path / "population.csv"
    simple.write_text('year,population\n2022,"66,267"\n', encoding="utf-8")
    assert read_population(simple, ["838"]) == {2022: 66267.0}
    simple.write_text("year,population\n2022,lots\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_population(simple, ["838"])
    assert caught.value.row == 2
    with pytest.raises(InputError, match="no rows of children aged 0 to 17 for LA 999"):
        read_population(ees, ["999"])
