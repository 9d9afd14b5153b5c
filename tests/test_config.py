from pathlib import Path

import pytest

from cpblib.config import COMPARATORS, find_project_root, load_config, parse_config
from cpblib.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = '[authority]\nname = "Testshire"\nla_code = "999"\n'


def test_demo_project_config_is_valid():
    config = load_config(ROOT)
    assert config.authority.la_code == "838"
    assert len(config.statistical_neighbours.la_codes) == 10
    assert config.publication.protective_marking.startswith("OFFICIAL")


def test_minimal_config_takes_defaults():
    config = parse_config(MINIMAL)
    assert config.comparators.show == list(COMPARATORS)
    assert config.calendar.term_end_months == [3, 7, 12]
    assert config.paths.store == "data/cpb.duckdb"


@pytest.mark.parametrize(
    "extra, key, words",
    [
        ('[rag]\nred_rulez = "x"\n', "rag.red_rulez", "unknown key"),
        ('[rag]\nred_rule = "sometimes"\n', "rag.red_rule", "relative"),
        ("[rag]\ntolerance = -1\n", "rag.tolerance", "greater than or equal to 0"),
        ('[comparators]\nshow = ["wales"]\n', "comparators.show", "'wales' is not a comparator"),
        ('[comparators]\nshow = ["sn", "sn"]\n', "comparators.show", "twice"),
        ('[comparators.labels]\nwales = "Wales"\n', "comparators.labels", "'wales' is not a comparator"),
        ('[comparators]\nshwo = ["sn"]\n', "comparators", "'shwo' is not a key of [comparators]"),
        ("[comparators.Last-Year]\nlabel = 'x'\n", "comparators", "lower-case letters, digits and underscores"),
        ("[comparators.previous]\nlabel = 'x'\n", "comparators", "not previous"),
        ("[comparators.last_year]\nlable = 'x'\n", "comparators.last_year.lable", "unknown key"),
        ("[comparators.last_year]\npublication_lag_months = 2\n", "comparators.last_year.label", "missing"),
        ('[paths]\nexception_rules = "data/x.csv"\n', "paths.exception_rules", "exception_headings"),
        ("[calendar]\nterm_end_months = [13]\n", "calendar.term_end_months", "1 to 12"),
        ('[statistical_neighbours]\nla_codes = ["999"]\n', "statistical_neighbours", "authority itself"),
        ('[statistical_neighbours]\nla_codes = ["12"]\n', "statistical_neighbours.la_codes", "3-digit"),
        (
            '[statistical_neighbours]\nla_codes = ["878"]\ngood_outstanding = ["908"]\n',
            "statistical_neighbours.good_outstanding",
            "908 not in la_codes",
        ),
        ('[commentary]\nillustrative = "perhaps"\n', "commentary.illustrative", "boolean"),
        ('[publication]\nsuppression_threshold = "five"\n', "publication.suppression_threshold", "integer"),
        ("[surprise]\nx = 1\n", "surprise", "unknown key"),
    ],
)
def test_bad_key_or_value_is_named(extra, key, words):
    with pytest.raises(ConfigError) as excinfo:
        parse_config(MINIMAL + extra)
    message = str(excinfo.value)
    assert key in message and words in message


def test_missing_authority_is_named():
    with pytest.raises(ConfigError, match="authority: required key is missing"):
        parse_config("")


def test_bad_toml_is_reported_with_file():
    with pytest.raises(ConfigError, match="my.toml: not valid TOML"):
        parse_config("[authority\n", source="my.toml")


def test_project_root_found_from_a_subfolder(tmp_path):
    (tmp_path / "cpb.toml").write_text(MINIMAL)
    sub = tmp_path / "notebooks" / "deep"
    sub.mkdir(parents=True)
    assert find_project_root(sub) == tmp_path.resolve()


def test_no_project_root_gives_a_hint(tmp_path):
    with pytest.raises(ConfigError, match="cpb init"):
        find_project_root(tmp_path)


COUNCIL = (
    MINIMAL
    + """
[comparators]
show = ["england", "last_year", "outstanding"]
publication_lag_months = 9

[comparators.labels]
region = "South West"

[comparators.last_year]
label = "Own figure last year"
publication_lag_months = 0

[comparators.outstanding]
label = "Outstanding LAs"

[comparators.sn]
label = "Our neighbours"
"""
)


def test_a_council_declares_comparators_of_its_own():
    comparators = parse_config(COUNCIL).comparators
    assert comparators.declared == ("england", "region", "sn", "good_sn", "last_year", "outstanding")
    assert comparators.shown == ["england", "last_year", "outstanding"]
    labels = [comparators.label(c) for c in comparators.declared]
    assert labels == ["England", "South West", "Our neighbours", "Good/Outstanding SN", "Own figure last year",
                      "Outstanding LAs"]  # fmt: skip
    assert comparators.lags() == {
        "england": 9, "region": 9, "sn": 9, "good_sn": 9, "last_year": 0, "outstanding": 9,
    }  # fmt: skip


def test_show_defaults_to_every_declared_comparator():
    config = parse_config(MINIMAL + '[comparators.outstanding]\nlabel = "Outstanding LAs"\n')
    assert config.comparators.shown == [*COMPARATORS, "outstanding"]


def test_a_byte_order_mark_is_accepted(tmp_path):
    (tmp_path / "cpb.toml").write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode())
    assert load_config(tmp_path).authority.name == "Testshire"


def test_a_file_that_is_not_utf8_is_named_with_its_line_and_column(tmp_path):
    (tmp_path / "cpb.toml").write_bytes(MINIMAL.replace("Testshire", "Testsh\xe9re").encode("latin-1"))
    with pytest.raises(
        ConfigError, match=r"cpb.toml, line 2, column 15: byte 0xe9 is not UTF-8; save the file as UTF-8"
    ):
        load_config(tmp_path)


@pytest.mark.parametrize(
    "extra, key",
    [
        ("[rag]\ntolerance = inf\n", "rag.tolerance"),
        ("[rag]\nred_threshold = nan\n", "rag.red_threshold"),
        ("[rag]\ntolerance = 1e308\n", "rag.tolerance"),
        ("[anomalies]\nz_score = inf\n", "anomalies.z_score"),
        ("[publication]\nsuppression_threshold = 1000000000000\n", "publication.suppression_threshold"),
    ],
)
def test_impossible_numbers_in_settings_are_refused(extra, key):
    with pytest.raises(ConfigError, match=rf"{key}: "):
        parse_config(MINIMAL + extra)


# -- cadence and report periods ---------------------------------------------------------------------------------
def test_a_quarterly_project_reports_quarters():
    from cpblib.month import Month, MonthError

    calendar = parse_config('[authority]\nname = "X"\nla_code = "999"\n[calendar]\ncadence = "quarterly"\n').calendar
    q4 = calendar.report_period("Q4 2019/20")
    assert (q4.label, q4.key, str(q4)) == ("Q4 2019/20", "2019-20-Q4", "2020-03")
    assert calendar.report_period("2019-20-Q4") == q4 == calendar.report_period(Month(2020, 3))
    assert calendar.report_period("2019-Q4").label == "Q3 2019/20"
    assert calendar.report_period(Month(2020, 2), latest=True).label == "Q3 2019/20"
    with pytest.raises(MonthError, match="does not end a quarter.*such as Q4 2019/20"):
        calendar.report_period(Month(2020, 2))
    with pytest.raises(MonthError, match="is a year"):
        calendar.report_period("2019/20")


def test_a_monthly_project_refuses_a_quarter_and_says_how_to_report_quarterly():
    from cpblib.month import Month, MonthError

    calendar = parse_config('[authority]\nname = "X"\nla_code = "999"\n').calendar
    assert calendar.report_period("2023-03") == Month(2023, 3)
    with pytest.raises(MonthError, match='this project makes a pack a month.*cadence = "quarterly"'):
        calendar.report_period("Q4 2022/23")


def test_a_bad_cadence_or_period_column_setting_is_named():
    with pytest.raises(ConfigError, match="calendar.cadence"):
        parse_config('[authority]\nname = "X"\nla_code = "999"\n[calendar]\ncadence = "weekly"\n')
    with pytest.raises(ConfigError, match="calendar.quarter_and_year_columns"):
        parse_config('[authority]\nname = "X"\nla_code = "999"\n[calendar]\nquarter_and_year_columns = ["summary"]\n')
