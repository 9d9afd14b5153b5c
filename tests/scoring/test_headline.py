import pandas as pd

from cpblib.scoring import headline_facts


def scored(headline=True):
    frame = pd.DataFrame(
        {
            "indicator": ["cic", "cic-rate", "other"],
            "name": ["Children in care", "Rate", "Other"],
            "period": ["2023-03"] * 3,
            "value": [437.0, 64.8, 1.0],
            "previous_period": ["2023-02"] * 3,
            "previous_value": [449.0, 65.2, 2.0],
            "unit": ["count", "rate_per_10000", "count"],
            "decimals": [0, 1, 0],
            "direction": ["improving", "improving", None],
            "missing_reason": [None, None, None],
        }
    )
    if headline:
        frame["headline"] = ["children_in_care", "cic_rate", None]
    return frame


def test_headline_facts_follow_roles_in_order():
    out = headline_facts(scored())
    assert out.columns.tolist()[:9] == [
        "role",
        "indicator",
        "name",
        "period",
        "value",
        "previous_period",
        "previous_value",
        "unit",
        "decimals",
    ]
    assert out[["role", "value", "previous_value"]].values.tolist() == [
        ["children_in_care", 437.0, 449.0],
        ["cic_rate", 64.8, 65.2],
    ]


def test_roles_can_come_from_the_catalogue():
    catalogue = pd.DataFrame({"indicator": ["cic", "cic-rate", "other"], "headline": [None, "cic_rate", ""]})
    assert headline_facts(scored(headline=False), catalogue)["indicator"].tolist() == ["cic-rate"]


def test_no_roles_no_facts():
    assert headline_facts(scored(headline=False)).empty
