import pandas as pd

from cpblib.scoring import summarise


def scored():
    return pd.DataFrame(
        {
            "la": ["838", "838", "838", "839"],
            "domain": ["Profile", "Health", "Profile", "Profile"],
            "rag": ["green", "red", None, "amber"],
            "direction": ["improving", None, "worsening", "same"],
        }
    )


def test_counts_by_domain_in_order_of_appearance_with_overall_row():
    out = summarise(scored())
    assert out.columns.tolist() == [
        "domain",
        "indicators",
        "green",
        "amber",
        "red",
        "no_rag",
        "improving",
        "same",
        "worsening",
        "no_direction",
    ]
    assert out["domain"].tolist() == ["Profile", "Health", "All"]
    assert out.set_index("domain").loc["Profile"].tolist() == [3, 1, 1, 0, 1, 1, 1, 1, 0]
    assert out.set_index("domain").loc["All"].tolist() == [4, 1, 1, 1, 1, 1, 1, 1, 1]


def test_counts_by_several_columns():
    out = summarise(scored(), by=["la", "domain"])
    assert out[["la", "domain", "indicators"]].values.tolist() == [
        ["838", "Profile", 2],
        ["838", "Health", 1],
        ["839", "Profile", 1],
        ["All", "All", 4],
    ]


def test_rows_add_up_to_the_overall_row():
    out = summarise(scored()).set_index("domain")
    assert (out.drop(index="All").sum() == out.loc["All"]).all()
    assert (out[["green", "amber", "red", "no_rag"]].sum(axis=1) == out["indicators"]).all()
