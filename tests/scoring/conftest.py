"""Builders for small catalogues and histories used across the scoring tests."""

from __future__ import annotations

import pandas as pd
import pytest

from cpblib.inputs.catalogue import validate_indicators

DEFAULT_ROW = {
    "indicator": "cic-rate",
    "name": "Children in care per 10,000",
    "domain": "Profile",
    "unit": "rate_per_10000",
    "polarity": "low",
    "decimals": 1,
    "frequency": "monthly",
    "period_type": "snapshot",
    "rag_method": "target",
}


def _catalogue(*rows: dict) -> pd.DataFrame:
    """A validated catalogue (as the loader hands it over) from partial rows."""
    full = [{**DEFAULT_ROW, **row} for row in rows] or [DEFAULT_ROW]
    raw = pd.DataFrame(full).astype(object)
    return validate_indicators(raw.where(raw.notna(), None))


def _values(series: dict[str, dict[str, float | None]], **extra_columns) -> pd.DataFrame:
    """A history from {indicator: {period: value}}; None values become missing with reason 'blank'."""
    records = []
    for indicator, by_period in series.items():
        for period, value in by_period.items():
            records.append(
                {
                    "indicator": indicator,
                    "period": period,
                    "value": float("nan") if value is None else float(value),
                    "missing_reason": "blank" if value is None else None,
                }
            )
    frame = pd.DataFrame.from_records(records, columns=["indicator", "period", "value", "missing_reason"])
    frame["missing_reason"] = frame["missing_reason"].astype(object)
    for name, column in extra_columns.items():
        frame[name] = column
    return frame


@pytest.fixture
def catalogue():
    return _catalogue


@pytest.fixture
def history():
    return _values


def monthly(start: str, figures: list[float | None]) -> dict[str, float | None]:
    """{period: value} for consecutive months from ``start``."""
    from cpblib.month import Month

    first = Month.parse(start)
    return {str(first + i): v for i, v in enumerate(figures)}


@pytest.fixture
def months():
    return monthly
