"""End-to-end backtest: the March 2023 demo month scored from the bundled data, against a table
worked out by hand from the published figures (tests/data/backtest/)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cpblib import scored_month

EXPECTED = Path(__file__).parent / "data" / "backtest" / "2023-03-expected.csv"
NUMBERS = ["value", "previous_value", "target", "england_value", "england_gap", "good_sn_value", "good_sn_gap"]
TEXTS = ["period", "previous_period", "direction", "rag", "exception", "england_year", "good_sn_year"]


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    import shutil

    root = tmp_path_factory.mktemp("backtest") / "demo"
    repo = Path(__file__).resolve().parents[1]
    root.mkdir()
    shutil.copy2(repo / "cpb.toml", root / "cpb.toml")
    shutil.copytree(repo / "data", root / "data", ignore=shutil.ignore_patterns("*.duckdb*"))
    return scored_month(root, "2023-03").set_index("indicator")


@pytest.fixture(scope="module")
def expected():
    return pd.read_csv(
        EXPECTED, dtype={c: str for c in TEXTS}, keep_default_na=False, na_values={c: [""] for c in NUMBERS}
    ).set_index("indicator")


def test_same_indicators_in_the_same_order(scored, expected):
    assert list(scored.index) == list(expected.index)


@pytest.mark.parametrize("column", TEXTS)
def test_text_columns_match(scored, expected, column):
    got = scored[column].astype(object).where(scored[column].notna(), "").astype(str)
    want = expected[column].astype(str)
    mismatches = got[got != want]
    assert mismatches.empty, pd.DataFrame({"got": mismatches, "expected": want[mismatches.index]})


@pytest.mark.parametrize("column", NUMBERS)
def test_number_columns_match(scored, expected, column):
    got = scored[column].astype(float)
    want = expected[column].astype(float)
    same = np.isclose(got, want, atol=1e-6, equal_nan=True)
    assert same.all(), pd.DataFrame({"got": got[~same], "expected": want[~same]})


def test_headline_counts_match_the_published_summary(scored):
    # The pack's front page: 437 children in care (444 last month), 34 UASC, 516 care leavers.
    assert scored.loc["cic-number", ["value", "previous_value"]].tolist() == [437, 444]
    assert scored.loc["cic-uasc-number", "value"] == 34
    assert round(scored.loc["cic-rate", "value"]) == 65
