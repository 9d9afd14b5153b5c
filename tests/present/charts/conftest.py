"""Demo inputs for the chart tests: the bundled Dorset catalogue, targets, benchmarks, notes and figures.

The files are only read (never written); the history is the three demo
extracts in long layout, as the store would return them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cpblib.inputs import catalogue as cat

DEMO = Path(__file__).resolve().parents[3] / "data"


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(DEMO / name, dtype=str, keep_default_na=False).replace("", None)


@pytest.fixture(scope="session")
def demo() -> dict[str, pd.DataFrame]:
    catalogue = cat.validate_indicators(_read("indicators.csv"))
    extracts = sorted((DEMO / "extracts").glob("*.csv"))
    history = (
        pd.concat([pd.read_csv(path, dtype={"period": str}) for path in extracts], ignore_index=True)
        .drop_duplicates(["indicator", "period"])
        .astype({"value": "float64"})
        .reset_index(drop=True)
    )
    return {
        "catalogue": catalogue,
        "targets": cat.validate_targets(_read("targets.csv"), catalogue),
        "benchmarks": cat.validate_benchmarks(_read("benchmarks.csv"), catalogue),
        "annotations": cat.validate_annotations(_read("annotations.csv"), catalogue),
        "history": history,
    }


@pytest.fixture(scope="session")
def demo_row(demo):
    """The catalogue row of an indicator, as a dict."""

    def row(indicator: str, **extra) -> dict:
        found = demo["catalogue"].loc[demo["catalogue"]["indicator"] == indicator]
        return found.iloc[0].to_dict() | extra

    return row


@pytest.fixture(scope="session")
def demo_inputs(demo):
    """Keyword inputs of trend_chart for the demo project (targets, benchmarks and notes)."""
    return {key: demo[key] for key in ("targets", "benchmarks", "annotations")}
