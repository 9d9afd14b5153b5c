"""Measures behind the anomaly warnings, computed from a value history.

For the latest value of each indicator (the one the pack reports):

* ``z_score``: how many standard deviations it lies from the mean of the
  ``history_months`` before it (at least three earlier values, and they must
  vary);
* ``percent_change``: the size of the change from the previous value, as a
  percentage of it;
* ``flat_run``: for a monthly series that normally moves (it changed at
  least twice in the ``history_months`` before), how many consecutive months
  it has held the same value.

The suites compare these with the ``[anomalies]`` thresholds of cpb.toml.

>>> history = pd.DataFrame({"indicator": ["a"] * 6, "period": [f"2022-{m:02d}" for m in range(1, 7)],
...                         "value": [10.0, 11.0, 9.0, 10.0, 11.0, 30.0]})
>>> measures = anomaly_measures(history, Month(2022, 6), history_months=12)
>>> row = measures.iloc[0]
>>> row["indicator"], row["period"], round(float(row["percent_change"]), 1), round(float(row["z_score"]), 1)
('a', '2022-06', 172.7, 23.7)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..month import Month
from .prepare import period_ordinal

MIN_HISTORY = 3
"""Fewest earlier values a z-score is computed from."""

MIN_CHANGES = 2
"""Changes a series must show before its flat run to count as one that normally moves."""


def anomaly_measures(
    history: pd.DataFrame,
    month: Month,
    *,
    history_months: int = 12,
    monthly: set[str] | None = None,
    counts: set[str] | None = None,
    min_count_change: float = 0.0,
) -> pd.DataFrame:
    """One row per indicator: its latest period not after ``month`` and the three measures,
    with ``history_mean`` and ``value_before`` to show beside them.

    ``monthly`` lists the indicators with a monthly frequency (only they are
    judged flat); ``None`` treats every indicator as monthly. For the
    indicators in ``counts``, a change smaller than ``min_count_change``
    (e.g. 2 children to 4) is never reported as a percentage jump.
    """
    columns = ["indicator", "period", "value", "z_score", "history_mean", "percent_change", "value_before", "flat_run"]
    data = history.loc[:, ["indicator", "period", "value"]].assign(ordinal=period_ordinal(history["period"]))
    data = data.loc[data["value"].notna() & data["ordinal"].notna() & (data["ordinal"] <= month.ordinal)]
    data = (
        data.drop_duplicates(["indicator", "period"], keep="last")
        .sort_values(["indicator", "ordinal"])
        .reset_index(drop=True)
    )
    if data.empty:
        return pd.DataFrame(
            {c: pd.Series(dtype="float64" if c not in ("indicator", "period") else "object") for c in columns}
        )
    group = data.groupby("indicator", sort=False)
    latest = group.tail(1).set_index("indicator")

    # z-score against the window before the latest value
    window = data.join(latest["ordinal"].rename("latest_ordinal"), on="indicator")
    window = window.loc[
        (window["ordinal"] < window["latest_ordinal"])
        & (window["ordinal"] >= window["latest_ordinal"] - history_months)
    ]
    stats = window.groupby("indicator")["value"].agg(["mean", "std", "count"])
    stats = stats.reindex(latest.index)
    usable = (stats["count"] >= MIN_HISTORY) & (stats["std"] > 0)
    z = ((latest["value"] - stats["mean"]).abs() / stats["std"]).where(usable)

    # percent change from the value before (within the history window)
    previous = window.groupby("indicator").tail(1).set_index("indicator")["value"].reindex(latest.index)
    change = (latest["value"] - previous).abs()
    small = latest.index.isin(list(counts or ())) & (change < min_count_change)
    pct = (change / previous.abs() * 100).where(previous.notna() & previous.ne(0) & ~small)

    # trailing run of equal values in consecutive months
    step = group["ordinal"].diff()
    moved = group["value"].diff().fillna(1).ne(0)
    starts = moved | step.ne(1)
    run_id = starts.astype(int).groupby(data["indicator"]).cumsum()
    last_run = run_id.groupby(data["indicator"]).transform("max")
    in_run = run_id.eq(last_run)
    run_length = in_run.groupby(data["indicator"]).sum().reindex(latest.index)
    run_start = data["ordinal"].where(in_run).groupby(data["indicator"]).min().reindex(latest.index)
    before = data.join(run_start.rename("run_start"), on="indicator")
    before_mask = (before["ordinal"] < before["run_start"]) & (
        before["ordinal"] >= before["run_start"] - history_months
    )
    changes = (moved & ~step.isna() & before_mask).groupby(data["indicator"]).sum().reindex(latest.index).fillna(0)
    changes = changes + (
        (moved & in_run & ~step.isna() & step.eq(1)).groupby(data["indicator"]).sum().reindex(latest.index).fillna(0)
    )
    is_monthly = latest.index.isin(list(monthly)) if monthly is not None else np.ones(len(latest), dtype=bool)
    flat = run_length.astype("float64").where((changes >= MIN_CHANGES) & is_monthly)

    out = pd.DataFrame(
        {
            "indicator": latest.index.astype("object"),
            "period": latest["period"].to_numpy(dtype=object),
            "value": latest["value"].to_numpy(dtype="float64"),
            "z_score": z.round(2).to_numpy(dtype="float64"),
            "history_mean": stats["mean"].round(2).to_numpy(dtype="float64"),
            "percent_change": pct.round(1).to_numpy(dtype="float64"),
            "value_before": previous.to_numpy(dtype="float64"),
            "flat_run": flat.to_numpy(dtype="float64"),
        }
    )
    return out.reset_index(drop=True)
