"""The mapping file: every key checked when it is read, the first wrong one named in one line."""

import pytest

from cpblib.adopt import MappingError, parse_mapping, read_mapping
from cpblib.errors import InputError


def test_a_minimal_mapping_takes_the_defaults():
    mapping = parse_mapping('[columns]\nindicator = "Measure"\n', "m.toml")
    assert mapping.periods.columns == "auto"
    assert (mapping.defaults.domain, mapping.defaults.unit, mapping.defaults.polarity) == ("Scorecard", "count", "none")
    assert mapping.benchmarks == []


def test_words_for_units_and_polarity_add_to_cpbs_own():
    mapping = parse_mapping(
        '[columns]\nindicator = "M"\n[units]\nrate_per_10000 = ["Per 10k"]\n[polarity]\nhigh = ["Up is good"]\n', "m"
    )
    assert [mapping.unit_code(t) for t in ("per 10K", "%", "Number", "rate per 10,000", "pounds")] == [
        "rate_per_10000",
        "percent",
        "count",
        "rate_per_10000",
        None,
    ]
    assert [mapping.polarity_code(t) for t in ("UP IS GOOD", "Lower is better", "high", "sideways")] == [
        "high",
        "low",
        "high",
        None,
    ]


@pytest.mark.parametrize(
    ("text", "key", "what"),
    [
        ('[columns]\nindicator = " "\n', "columns.indicator", "a column header cannot be blank"),
        ('[columns]\nindicator = "M"\n[units]\npounds = ["£"]\n', "units.pounds", "not one of"),
        ('[columns]\nindicator = "M"\n[targets]\nfrom_month = "soon"\n', "targets.from_month", "soon"),
        ('header_row = 0\n[columns]\nindicator = "M"\n', "header_row", "greater than or equal to 1"),
        ('month = "Q4 2019"\n[columns]\nindicator = "M"\n', "month", "calendar or a financial quarter"),
        ('[columns]\nindicator = "M"\n[periods]\ncolumns = "some"\n', "periods.columns", ""),
        ('[columns]\nindicator = "M"\n[defaults]\nfrequency = "weekly"\n', "defaults.frequency", "'weekly'"),
        (
            '[columns]\nindicator = "M"\n[[benchmarks]]\ncolumn = "E"\ncomparator = "england"\n',
            "benchmarks[0].year",
            "",
        ),
    ],
)
def test_a_wrong_key_is_named(text, key, what):
    with pytest.raises(MappingError) as caught:
        parse_mapping(text, "m.toml")
    assert str(caught.value).startswith(f"m.toml, key '{key}': ")
    assert what in str(caught.value) and "\n" not in str(caught.value)


def test_a_mapping_file_is_read_bounded_and_as_utf8(tmp_path):
    path = tmp_path / "m.toml"
    path.write_bytes(b"\xef\xbb\xbf" + '[columns]\nindicator = "Mesure \u00e9"\n'.encode())
    assert read_mapping(path).columns.indicator == "Mesure \u00e9"
    path.write_bytes(b"#" * (2 * 1024 * 1024))
    with pytest.raises(InputError, match="over cpb's limit"):
        read_mapping(path)
    with pytest.raises(InputError, match="file not found"):
        read_mapping(tmp_path / "missing.toml")
