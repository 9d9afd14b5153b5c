"""Comparators from the imported DfE releases: England, region, statistical neighbours.

For each indicator of the mapping (``benchmark_sources.csv``) and each year
the chosen release holds, cpb works out for a council:

* ``la``: the council's own published figure;
* ``england``: the figure published for England;
* ``region``: the figure published for the council's region (when a file
  publishes no regional figure, the mean of the region's LAs, said so in ``note``);
* ``sn``: the mean (or median, ``[statistical_neighbours] average``) of the
  published figures of the council's statistical neighbours that have one;
* ``good_sn``: the same over the neighbours whose Ofsted overall
  effectiveness judgement in force at the end of that year (or on
  ``good_outstanding_as_at``, when the council set one) is Good or Outstanding;

and, among all LAs with a figure (City of London and the Isles of Scilly left
out unless the settings include them), the council's rank (1 = best, through
the polarity; ties share the best rank of the tie) and quartile band A to D
(band = ``ABCD[floor(4 * (rank - 1) / n)]`` for ``n`` LAs ranked).

DfE's own conventions are followed: a figure printed as ``k`` or ``low``
(rounds to zero) counts as 0; a published 0 where the mapping says a 0 cannot
be true (``zero_is_gap``) is a gap, listed by :func:`implausible_zeros`;
polarity comes from DfE's data dictionary unless the catalogue gives one.

Every row carries the year label it belongs to (``2023-24``, or ``2024`` for a
31 March snapshot) and its source (release ids).

>>> ranks_and_bands(pd.Series([10.0, 20.0, 20.0, 40.0]), "low")
(array([1, 2, 2, 4]), array(['A', 'B', 'B', 'D'], dtype=object))
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..config import COMPARATORS, ProjectConfig
from ..errors import ConfigError, InputError, StoreError
from ..inputs.catalogue import BENCHMARK_COLUMNS, YEAR_LABEL
from .sources import DAYS_PER_MONTH, as_sources, parse_filter
from .store import StoreReader, open_store
from .values import name_key, region_key, rounds_to_zero, year_end_date, year_label

COMPARATOR_ORDER = ("la", "england", "region", "sn", "good_sn")
"""Comparator ids in output order: the council itself, then the pack's comparators."""

OUTPUT_COLUMNS = ("indicator", "comparator", "year", "value", "source", "year_end", "area", "n", "note")
BAND_COLUMNS = ("indicator", "year", "value", "rank", "ranked", "band", "polarity", "source", "year_end")
BANDS = np.array(list("ABCD"), dtype=object)
GOOD = ("good", "outstanding")
UNRANKED = ("201", "420")
"""LAs left out of ranks and bands by default: City of London (201) and the Isles of Scilly (420),
whose few children make their percentages and rates swing from one extreme to the other."""
FLIP = {"high": "low", "low": "high"}
"""Polarity of ``100 minus`` a measure (the ``complement`` transform)."""
ZERO_GAP = "published as 0, taken as a gap (0 is not a credible figure for this measure)"
ROUNDED = " (rounds to zero): counted as 0"
GAP_COLUMNS = ("indicator", "year", "level", "area_code", "area_name", "measure", "source", "note")

LA_CHANGES: tuple[tuple[str, tuple[str, ...], tuple[str, ...], str], ...] = (
    (
        "2019-04-01",
        ("835", "836", "837"),
        ("838", "839"),
        (
            "Dorset (835), Poole (836) and Bournemouth (837) were replaced by Dorset (838) and "
            "Bournemouth, Christchurch and Poole (839) on 1 April 2019"
        ),
    ),
    (
        "2021-04-01",
        ("928",),
        ("940", "941"),
        (
            "Northamptonshire (928) was replaced by North Northamptonshire (940) and West Northamptonshire (941) "
            "on 1 April 2021"
        ),
    ),
    (
        "2023-04-01",
        ("909",),
        ("942", "943"),
        "Cumbria (909) was replaced by Cumberland (942) and Westmorland and Furness (943) on 1 April 2023",
    ),
)
"""Local government reorganisations that changed LA numbers: a council has no figures
under its number for years before it existed (or after it ceased)."""

_CHANGE_NOTE = {code: text for _, old, new, text in LA_CHANGES for code in (*old, *new)}


# ----------------------------------------------------------------------------- releases
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$")


def choose_releases(releases: pd.DataFrame, release: str | Sequence[str] | None = None) -> dict[str, str]:
    """The release used for each dataset: the latest, unless pinned.

    ``release`` may name releases (full id, a unique start of an id, or a
    start of the file's SHA-256 of at least 6 characters), each pinning its
    dataset, and/or one date (``YYYY-MM-DD``): datasets not pinned then use
    the latest release imported on or before that day. "Latest" means the
    release holding the latest period, then the last imported.

    >>> r = pd.DataFrame({"release": ["cla_rates-2024-aa", "cla_rates-2025-bb"], "dataset": ["cla_rates"] * 2,
    ...                   "sha256": ["aa11", "bb22"], "latest_year": [2024, 2025],
    ...                   "imported_at": pd.to_datetime(["2024-11-01", "2025-11-01"])})
    >>> choose_releases(r), choose_releases(r, "cla_rates-2024"), choose_releases(r, "2025-01-31")
    ({'cla_rates': 'cla_rates-2025-bb'}, {'cla_rates': 'cla_rates-2024-aa'}, {'cla_rates': 'cla_rates-2024-aa'})
    """
    tokens = [release] if isinstance(release, str) else list(release or [])
    pinned: dict[str, str] = {}
    as_of = None
    for token in (t.strip() for t in tokens if t and t.strip()):
        if _DATE.match(token):
            moment = pd.Timestamp(token)
            as_of = moment + pd.Timedelta(days=1) if len(token) == 10 else moment
            continue
        hits = releases.loc[
            (releases["release"] == token)
            | releases["release"].str.startswith(token)
            | ((len(token) >= 6) & releases["sha256"].str.startswith(token))
        ]
        if (releases["release"] == token).any():
            hits = releases.loc[releases["release"] == token]
        if hits.empty:
            raise StoreError(f"no imported release matches {token!r} (see 'cpb benchmarks releases')")
        if len(hits) > 1:
            raise StoreError(f"{token!r} matches several releases: {', '.join(hits['release'])}")
        dataset = hits["dataset"].iloc[0]
        if dataset in pinned:
            raise StoreError(f"two releases pinned for {dataset}: {pinned[dataset]} and {hits['release'].iloc[0]}")
        pinned[dataset] = hits["release"].iloc[0]
    pool = releases if as_of is None else releases.loc[releases["imported_at"] < as_of]
    latest = (
        pool.assign(_year=pool["latest_year"].fillna(-1))
        .sort_values(["dataset", "_year", "imported_at", "release"], kind="stable")
        .drop_duplicates("dataset", keep="last")
    )
    chosen = dict(zip(latest["dataset"], latest["release"]))
    chosen.update(pinned)
    return chosen


# ----------------------------------------------------------------------------- bands
def ranks_and_bands(values: pd.Series, polarity: str) -> tuple[np.ndarray, np.ndarray]:
    """Rank (1 = best; ties share the best rank) and quartile band of each value among those with a value.

    Blank values, and every value when the polarity is ``none``, get no rank (NaN) and no band (None).

    >>> ranks_and_bands(pd.Series([3.0, None, 1.0]), "high")
    (array([ 1., nan,  2.]), array(['A', None, 'C'], dtype=object))
    """
    values = pd.Series(values, dtype="float64").reset_index(drop=True)
    if polarity not in ("high", "low"):
        return np.full(len(values), np.nan), np.full(len(values), None, dtype=object)
    signed = -values if polarity == "high" else values
    rank = signed.rank(method="min").to_numpy()
    count = max(int(values.notna().sum()), 1)
    index = np.floor(4 * (np.nan_to_num(rank, nan=1.0) - 1) / count).clip(0, 3).astype(int)
    band = np.where(np.isnan(rank), None, BANDS[index])
    if not np.isnan(rank).any():
        rank = rank.astype(int)
    return rank, band


# ----------------------------------------------------------------------------- loading
@dataclass(frozen=True)
class _Loaded:
    values: pd.DataFrame  # indicator, priority, year_end, year, level, area_code, area_name, region_name,
    #                       region_key, value, missing_reason, flag, measure, source
    chosen: dict[str, str]
    areas: pd.DataFrame  # la_code, la_name, new_la_code, region_key
    neighbours: pd.DataFrame  # release, model, la_code, rank, neighbour
    inspections: pd.DataFrame
    polarity: dict[str, str]  # every indicator: high, low or none
    year_types: dict[str, str]  # LAIT's Year_Type of the indicator's measure, when the dictionary has it
    ofsted_as_at: str | None  # the date the chosen Ofsted file is as at (YYYY-MM-DD)
    order: dict[str, int]
    skipped: tuple[str, ...]


def _select_indicators(mapping: pd.DataFrame, indicators) -> tuple[pd.DataFrame, dict[str, str], dict[str, int]]:
    """The mapping rows wanted, the catalogue's polarity (when given) and the output order."""
    if indicators is None:
        order = {slug: i for i, slug in enumerate(dict.fromkeys(mapping["indicator"]))}
        return mapping, {}, order
    polarity = {}
    if isinstance(indicators, pd.DataFrame):
        slugs = list(indicators["indicator"])
        if "polarity" in indicators.columns:
            polarity = {
                k: str(v).strip().lower()
                for k, v in zip(indicators["indicator"], indicators["polarity"])
                if isinstance(v, str) and v.strip()
            }
    else:
        slugs = [indicators] if isinstance(indicators, str) else list(indicators)
    order = {slug: i for i, slug in enumerate(dict.fromkeys(slugs))}
    return mapping.loc[mapping["indicator"].isin(order)], polarity, order


def dictionary_terms(mapping: pd.DataFrame, measures: pd.DataFrame) -> tuple[dict[str, str], dict[str, str]]:
    """Each indicator's polarity and year type as DfE's data dictionary gives them.

    An indicator is linked to the dictionary through its first LAIT row whose
    measure the dictionary describes (the Explore Education Statistics files
    carry no polarity). ``complement`` (100 minus the figure) turns High into
    Low and back. Indicators without such a row are absent: no polarity.

    >>> mapping = pd.DataFrame({"indicator": ["cl-in-touch", "cic-rate", "cic-rate"],
    ...     "source": ["lait", "cla_rates", "lait"], "measure": ["NotInTouch", "rate_per_10000", "LAC"],
    ...     "transform": ["complement", None, None]})
    >>> measures = pd.DataFrame({"measure": ["NotInTouch", "LAC"], "polarity": ["low", "none"],
    ...                          "year_type": ["Financial Year", "Annual"]})
    >>> dictionary_terms(mapping, measures)
    ({'cl-in-touch': 'high', 'cic-rate': 'none'}, {'cl-in-touch': 'Financial Year', 'cic-rate': 'Annual'})
    """
    entries = {m: (p, y) for m, p, y in zip(measures["measure"], measures["polarity"], measures["year_type"])}
    polarity: dict[str, str] = {}
    year_types: dict[str, str] = {}
    for row in mapping.itertuples(index=False):
        if row.source != "lait" or row.measure not in entries or row.indicator in polarity:
            continue
        sign, year_type = entries[row.measure]
        sign = sign or "none"
        polarity[row.indicator] = FLIP.get(sign, sign) if row.transform == "complement" else sign
        if year_type:
            year_types[row.indicator] = year_type
    return polarity, year_types


def _match_filters(row, release: str, available: list[str], store: StoreReader, file: str) -> list[str]:
    """The filter text of ``release`` that a mapping row's filter picks, or a clear error."""
    wanted = parse_filter(row.filter)
    line = int(row.priority) + 2
    if not available:
        measures = store.measures_of(release)
        close = difflib.get_close_matches(row.measure, measures, n=3)
        hint = f" (close: {', '.join(close)})" if close else ""
        raise InputError(
            file, f"{row.measure!r} is not a measure of release {release}{hint}", row=line, column="measure"
        )
    parsed = {text: parse_filter(text) for text in available}
    matched = [text for text, pairs in parsed.items() if all(pairs.get(k) == v for k, v in wanted.items())]
    if not matched:
        for column, value in wanted.items():
            printed = sorted({pairs.get(column) for pairs in parsed.values()} - {None})
            if value not in printed:
                shown = "; ".join(printed[:12]) if printed else "none: no such column"
                raise InputError(
                    file,
                    f"{column}={value!r} matches no rows of release {release}; values printed for {column}: {shown}",
                    row=line,
                    column="filter",
                )
        raise InputError(file, f"no rows of release {release} match {row.filter!r}", row=line, column="filter")
    if len(matched) > 1:
        varying = sorted({k for text in matched for k in parsed[text] if len({parsed[t].get(k) for t in matched}) > 1})
        raise InputError(
            file,
            f"matches rows for several values of {', '.join(varying)} in release {release}; "
            "add the one wanted to the filter",
            row=line,
            column="filter",
        )
    return matched


def _mapping_values(row, frame: pd.DataFrame, release: str) -> pd.DataFrame:
    """One mapping row's figures, transformed and labelled.

    A cell printed as ``k`` or ``low`` (rounds to zero) becomes 0; a published
    0 becomes a gap when the row says ``zero_is_gap``. ``flag`` says which.
    """
    symbols = frame["raw"].dropna()  # cells printed as something other than a plain number
    symbols = symbols.loc[rounds_to_zero(symbols)].astype(str).str.strip()
    rounded = frame.index.isin(symbols.index)
    zero_gap = bool(getattr(row, "zero_is_gap", False)) & (frame["value"] == 0).to_numpy()
    value = frame["value"].where(~rounded, 0.0).mask(zero_gap)
    reason = frame["missing_reason"].where(~rounded, None).where(~zero_gap, ZERO_GAP)
    flag = np.where(zero_gap, "zero_gap", np.where(rounded, "rounds_to_zero", None))
    note = ("printed as " + symbols + ROUNDED).reindex(frame.index).astype(object)
    note = note.where(note.notna(), None)
    if row.transform == "complement":
        value = 100.0 - value
    elif row.transform == "months_to_days":
        value = value * DAYS_PER_MONTH
    plain = {y: year_label(y, None, row.period) for y in pd.unique(frame["year_end"])}
    year = frame["span_label"].where(frame["span_label"].notna(), frame["year_end"].map(plain))
    return pd.DataFrame(
        {
            "indicator": row.indicator,
            "priority": int(row.priority),
            "year_end": frame["year_end"].astype("int64"),
            "year": year,
            "level": frame["level"],
            "area_code": frame["area_code"],
            "area_name": frame["area_name"],
            "region_name": frame["region_name"],
            "value": value.astype("float64"),
            "missing_reason": reason,
            "flag": flag,
            "flag_note": note,
            "measure": row.measure,
            "source": release,
        }
    )


def _unique_map(series: pd.Series, func) -> pd.Series:
    """``series.map(func)``, calling ``func`` once per distinct value."""
    lookup = {value: func(value) for value in pd.unique(series)}
    return series.map(lookup)


def _load(store_path, sources, indicators, release, file: str) -> _Loaded:
    mapping = as_sources(sources)
    mapping, catalogue_polarity, order = _select_indicators(mapping, indicators)
    with open_store(store_path) as store:
        releases = store.releases()
        chosen = choose_releases(releases, release)
        rows = [row for row in mapping.itertuples(index=False) if row.source in chosen]
        skipped = tuple(
            f"{row.indicator}: no {row.source} release imported"
            for row in mapping.itertuples(index=False)
            if row.source not in chosen
        )
        sets = store.filter_sets([(chosen[row.source], row.measure) for row in rows])
        available = sets.groupby(["release", "measure"])["filters"].agg(list).to_dict()
        picked = [
            (
                row,
                chosen[row.source],
                _match_filters(
                    row, chosen[row.source], available.get((chosen[row.source], row.measure), []), store, file
                )[0],
            )
            for row in rows
        ]
        figures = store.values([(r, row.measure, f) for row, r, f in picked])
        areas = store.table("areas", chosen.values())
        neighbours = store.table("neighbours", [r for d, r in chosen.items() if d.startswith("sn_")])
        inspections = store.table("inspections", [chosen["ofsted"]] if "ofsted" in chosen else [])
        measures = store.table("measures", [chosen["lait_dictionary"]] if "lait_dictionary" in chosen else [])
    polarity, year_types = dictionary_terms(mapping, measures)
    polarity = {slug: catalogue_polarity.get(slug) or polarity.get(slug) or "none" for slug in order}
    groups = dict(tuple(figures.groupby(["release", "measure", "filters"], sort=False)))
    frames = [
        _mapping_values(row, groups[(r, row.measure, f)], r) for row, r, f in picked if (r, row.measure, f) in groups
    ]
    columns = [
        "indicator",
        "priority",
        "year_end",
        "year",
        "level",
        "area_code",
        "area_name",
        "region_name",
        "value",
        "missing_reason",
        "flag",
        "flag_note",
        "measure",
        "source",
    ]
    values = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    values["region_key"] = _unique_map(values["region_name"], region_key)
    if not values.empty:
        # per indicator and year, the first mapping row whose source has a figure for that year
        has_value = values.loc[values["value"].notna()]
        first = has_value.groupby(["indicator", "year_end"])["priority"].min().rename("_first").reset_index()
        values = values.merge(first, on=["indicator", "year_end"], how="inner")
        values = values.loc[values["priority"] == values["_first"]].drop(columns="_first").reset_index(drop=True)
    ofsted = releases.loc[releases["release"] == chosen.get("ofsted"), "latest_period"]
    ofsted_as_at = str(ofsted.iloc[0])[:10] if len(ofsted) and pd.notna(ofsted.iloc[0]) else None
    return _Loaded(
        values, chosen, _area_table(areas), neighbours, inspections, polarity, year_types, ofsted_as_at, order, skipped
    )


def _area_table(areas: pd.DataFrame) -> pd.DataFrame:
    """One row per LA number: latest name and region; every ONS code seen for it."""
    if areas.empty:
        return pd.DataFrame(columns=["la_code", "la_name", "region_key", "new_la_codes"])
    areas = areas.assign(
        region_key=_unique_map(areas["region_name"], region_key), _year=areas["year_end"].fillna(0)
    ).sort_values(["la_code", "_year"], kind="stable")
    named = areas.loc[areas["la_name"].notna() & (areas["la_name"] != "")]
    name = named.groupby("la_code")["la_name"].last()
    regional = areas.loc[areas["region_key"].notna()]
    region = regional.groupby("la_code")["region_key"].last()
    codes = areas.loc[areas["new_la_code"].notna()].groupby("la_code")["new_la_code"].agg(lambda s: sorted(set(s)))
    table = pd.DataFrame({"la_name": name, "region_key": region, "new_la_codes": codes})
    table.index.name = "la_code"
    return table.reset_index()


# ----------------------------------------------------------------------------- Ofsted
def _as_at_date(as_at: str | None) -> pd.Timestamp | None:
    if not as_at:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(as_at)):
            raise ValueError(as_at)
        return pd.Timestamp(as_at)
    except ValueError:
        raise ConfigError(
            f"statistical_neighbours.good_outstanding_as_at: {as_at!r} is not a date (write it as YYYY-MM-DD)"
        ) from None


def _inspections_by_la(inspections: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """Inspections with the LA number each belongs to (``la_code``) and the date as a timestamp (``_date``).

    Ofsted lists LAs by ONS area code: they are matched to LA numbers through
    the codes the DfE files print beside each LA number, or failing that by name.
    """
    by_code = {
        code: la
        for la, codes in zip(areas["la_code"], areas["new_la_codes"])
        if isinstance(codes, list)
        for code in codes
    }
    by_name = {name_key(n): la for la, n in zip(areas["la_code"], areas["la_name"]) if name_key(n)}
    la_code = inspections["area_code"].map(by_code)
    la_code = la_code.where(la_code.notna(), inspections["la_name"].map(name_key).map(by_name))
    return (
        inspections.assign(la_code=la_code, _date=pd.to_datetime(inspections["inspection_date"]))
        .loc[lambda f: f["la_code"].notna()]
        .sort_values(["la_code", "_date"], kind="stable")
    )


def good_or_outstanding(
    inspections: pd.DataFrame, areas: pd.DataFrame, as_at: str | None = None
) -> tuple[pd.DataFrame, str | None]:
    """Each LA's judgement in force on ``as_at``: its latest overall effectiveness judgement inspected by then.

    Returns a frame (``la_code``, ``inspection_date``, ``overall``, ``good``) and the
    date used (default: the latest inspection in the file). An LA with no
    inspection on or before the date in the file is absent: the file cannot say
    which judgement was in force. A judgement counts from its inspection date
    (as Ofsted's own "as at" tables count it), not from its publication.
    """
    columns = ["la_code", "inspection_date", "overall", "good"]
    if inspections.empty:
        return pd.DataFrame(columns=columns), None
    cutoff = _as_at_date(as_at)
    judged = _inspections_by_la(inspections, areas)
    if cutoff is None:
        cutoff = pd.to_datetime(inspections["inspection_date"]).max()
    latest = judged.loc[judged["_date"] <= cutoff].drop_duplicates("la_code", keep="last")
    latest = latest.assign(good=latest["overall"].isin(GOOD))
    return latest.loc[:, columns].reset_index(drop=True), cutoff.date().isoformat()


def judgements_in_force(inspections: pd.DataFrame, areas: pd.DataFrame, dates: Iterable[str]) -> pd.DataFrame:
    """The judgement in force for every LA on each date (``as_at``, ``la_code``, ``overall``, ``good``).

    An LA the file holds no inspection for on or before a date is absent for
    that date (see :func:`good_or_outstanding`).
    """
    columns = ["as_at", "la_code", "overall", "good"]
    dates = sorted(set(dates))
    if inspections.empty or not dates:
        return pd.DataFrame(columns=columns)
    judged = _inspections_by_la(inspections, areas)
    frames = []
    for date in dates:
        latest = judged.loc[judged["_date"] <= pd.Timestamp(date)].drop_duplicates("la_code", keep="last")
        frames.append(latest.assign(as_at=date, good=latest["overall"].isin(GOOD)).loc[:, columns])
    return pd.concat(frames, ignore_index=True)


# ----------------------------------------------------------------------------- computing
def _la_label(code: str, areas: Mapping[str, str]) -> str:
    name = areas.get(code)
    return f"{code} {name}" if name else str(code)


def _neighbour_pairs(
    loaded: _Loaded, la_codes: Sequence[str], model: str, neighbours: Mapping[str, Sequence[str]] | None
) -> tuple[pd.DataFrame, str, str | None]:
    """(la_code, neighbour) pairs, a label for the model and its release (None if not imported)."""
    dataset = f"sn_{model}"
    release = loaded.chosen.get(dataset)
    stored = loaded.neighbours.loc[loaded.neighbours["release"] == release] if release else loaded.neighbours.iloc[0:0]
    frames = []
    custom = {k: list(v) for k, v in (neighbours or {}).items() if v}
    for code in la_codes:
        if code in custom:
            frames.append(pd.DataFrame({"la_code": code, "neighbour": custom[code]}))
    default = [c for c in la_codes if c not in custom]
    frames.append(stored.loc[stored["la_code"].isin(default), ["la_code", "neighbour"]])
    pairs = pd.concat(frames, ignore_index=True).drop_duplicates()
    if not default:  # every council named its own neighbours: the model is not used
        return pairs, "as listed in cpb.toml", None
    return pairs, f"{model} model", release


def _listing(frame: pd.DataFrame, keys: list[str], column: str, name: str) -> pd.DataFrame:
    """``column``'s codes joined by commas (sorted) per ``keys``, as column ``name``.

    >>> f = pd.DataFrame({"k": [1, 1, 2], "c": ["908", "878", "935"]})
    >>> _listing(f, ["k"], "c", "codes").values.tolist()
    [[1, '878,908'], [2, '935']]
    """
    ordered = frame.loc[:, [*keys, column]].sort_values([*keys, column], kind="stable")
    groups: dict[tuple, list[str]] = {}
    for *key, code in zip(*(ordered[c].to_numpy(dtype=object) for c in (*keys, column))):
        groups.setdefault(tuple(key), []).append(code)
    joined = pd.DataFrame([(*key, ",".join(codes)) for key, codes in groups.items()], columns=[*keys, name])
    return joined.astype(frame[keys].dtypes.to_dict())


def _average_rows(grid: pd.DataFrame, pairs: pd.DataFrame, la_values: pd.DataFrame, average: str) -> pd.DataFrame:
    """Mean or median over each LA's neighbours (``pairs``) of the figures in ``la_values``.

    ``pairs`` holds ``la_code`` and ``neighbour``, and may hold ``indicator``
    and ``year_end`` when the group changes with them. Columns: la_code,
    indicator, year_end, value, n (neighbours with a figure), total
    (neighbours in the group), missing (codes of those without a figure,
    comma-separated) and gaps (those whose published 0 was taken as a gap).
    """
    keys = ["la_code", "indicator", "year_end"]
    if pairs.empty:
        return pd.DataFrame(columns=[*keys, "value", "n", "total", "missing", "gaps"])
    wide = (
        grid.loc[:, keys]
        .drop_duplicates()
        .merge(pairs, on=[k for k in keys if k in pairs.columns], how="inner")
        .merge(
            la_values.rename(columns={"area_code": "neighbour"}), on=["indicator", "year_end", "neighbour"], how="left"
        )
    )
    stats = wide.groupby(keys, sort=False)["value"].agg(["mean", "median", "count", "size"]).reset_index()
    gap = wide["flag"].eq("zero_gap")
    for name, rows in (("missing", wide["value"].isna() & ~gap), ("gaps", gap)):
        listed = _listing(wide.loc[rows], keys, "neighbour", name)
        stats = stats.merge(listed, on=keys, how="left")
    return pd.DataFrame(
        {
            **{k: stats[k] for k in keys},
            "value": np.where(stats["count"] > 0, stats[average], np.nan),
            "n": stats["count"],
            "total": stats["size"],
            "missing": stats["missing"].fillna(""),
            "gaps": stats["gaps"].fillna(""),
        }
    )


def _good_neighbours(
    loaded: _Loaded, grid: pd.DataFrame, pairs: pd.DataFrame, as_at: str | None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Neighbours judged Good or Outstanding, per council, indicator and year.

    The judgement is the one in force on ``as_at`` when given, else at the end
    of each year (:func:`~cpblib.dfe.values.year_end_date`, by the measure's
    year type in DfE's dictionary). Returns the pairs (``la_code``,
    ``indicator``, ``year_end``, ``neighbour``), the neighbours whose
    judgement on that date the file cannot give (``unknown``, comma-separated
    codes) and the date used per indicator and year (``as_at``).
    """
    keys = ["indicator", "year_end"]
    as_of = grid.loc[:, keys].drop_duplicates()
    fixed = _as_at_date(as_at)
    if fixed is not None:
        dates = [fixed.date().isoformat()] * len(as_of)
    else:
        dates = [year_end_date(y, loaded.year_types.get(i)) for i, y in zip(as_of["indicator"], as_of["year_end"])]
    as_of = as_of.assign(as_at=dates)
    judged = judgements_in_force(loaded.inspections, loaded.areas, as_of["as_at"])
    wide = (
        grid.loc[:, ["la_code", *keys]]
        .drop_duplicates()
        .merge(pairs, on="la_code")
        .merge(as_of, on=keys)
        .merge(judged.rename(columns={"la_code": "neighbour"}), on=["as_at", "neighbour"], how="left")
    )
    good = wide.loc[wide["good"].eq(True), ["la_code", *keys, "neighbour"]]
    unknown = _listing(wide.loc[wide["overall"].isna()], ["la_code", *keys], "neighbour", "unknown")
    return good, unknown, as_of


def _compute(
    loaded: _Loaded,
    la_codes: Sequence[str],
    *,
    model: str,
    average: str,
    as_at: str | None,
    neighbours: Mapping[str, Sequence[str]] | None,
    regions: Mapping[str, str] | None,
) -> pd.DataFrame:
    values = loaded.values
    columns = ["la_code", *OUTPUT_COLUMNS]
    if values.empty or not la_codes:
        return pd.DataFrame(columns=columns)
    names = dict(zip(loaded.areas["la_code"], loaded.areas["la_name"]))
    keys = ["indicator", "year_end"]
    labels = values.groupby(keys, sort=False).agg(year=("year", "first"), source=("source", "first")).reset_index()
    grid = labels.merge(pd.DataFrame({"la_code": list(dict.fromkeys(la_codes))}), how="cross")
    region_of = dict(zip(loaded.areas["la_code"], loaded.areas["region_key"]))
    region_of.update({k: region_key(v) for k, v in (regions or {}).items() if v})
    grid["region_key"] = grid["la_code"].map(region_of)
    printed = values.dropna(subset=["region_key"]).drop_duplicates("region_key")
    region_names = dict(zip(printed["region_key"], printed["region_name"]))
    region_names.update({region_key(v): v for v in (regions or {}).values() if v})
    # a dataset published for England only (adoption timeliness) gives no LA, region or neighbour rows
    levels = values.drop_duplicates(["indicator", "level"]).groupby("indicator")["level"].agg(frozenset).to_dict()
    has_la = grid["indicator"].map({i: "la" in v for i, v in levels.items()}).fillna(False).to_numpy(dtype=bool)
    has_region = (
        grid["indicator"]
        .map({i: bool({"la", "regional"} & v) for i, v in levels.items()})
        .fillna(False)
        .to_numpy(dtype=bool)
    )

    la_values = values.loc[
        values["level"] == "la", [*keys, "area_code", "value", "missing_reason", "flag", "flag_note", "region_key"]
    ]
    la_values = la_values.drop_duplicates([*keys, "area_code"])
    parts = []

    # the council itself
    own = grid.merge(
        la_values.drop(columns="region_key").rename(columns={"area_code": "la_code"}), on=[*keys, "la_code"], how="left"
    )
    why = np.where(
        own["missing_reason"].notna(),
        own["missing_reason"],
        "no figure for " + _unique_map(own["la_code"], lambda c: _la_label(c, names)) + " in " + own["source"],
    )
    change = own["la_code"].map(_CHANGE_NOTE).where(own["flag"].ne("zero_gap"))
    why = np.where(change.notna(), why + "; " + change.fillna(""), why)
    parts.append(
        own.assign(
            comparator="la",
            area=_unique_map(own["la_code"], lambda c: names.get(c, c)),
            n=own["value"].notna().astype(int),
            note=np.where(own["value"].isna(), why, own["flag_note"]),
        ).loc[has_la]
    )

    # England
    national = values.loc[values["level"] == "national", [*keys, "value", "missing_reason", "flag_note"]]
    england = grid.merge(national.drop_duplicates(keys), on=keys, how="left")
    parts.append(
        england.assign(
            comparator="england",
            area="England",
            n=england["value"].notna().astype(int),
            note=np.where(
                england["value"].isna(), england["missing_reason"].fillna("no figure for England"), england["flag_note"]
            ),
        )
    )

    # region: the published regional figure, else the mean of the region's LAs
    regional = values.loc[values["level"] == "regional", [*keys, "region_key", "value", "missing_reason", "flag_note"]]
    regional = regional.drop_duplicates([*keys, "region_key"])
    region = grid.merge(regional, on=[*keys, "region_key"], how="left", indicator="_published")
    published = (region["_published"] == "both").to_numpy()
    fallback = (
        la_values.dropna(subset=["value"]).groupby([*keys, "region_key"])["value"].agg(["mean", "count"]).reset_index()
    )
    region = region.merge(fallback, on=[*keys, "region_key"], how="left")
    use_mean = ~published & region["mean"].notna().to_numpy()
    region_label = region["region_key"].map(region_names).fillna("an unknown region")
    region_note = np.where(
        use_mean,
        "mean of "
        + region["count"].fillna(0).astype(int).astype(str)
        + " LAs in "
        + region_label
        + " (no regional figure published)",
        np.where(
            region["value"].isna(),
            region["missing_reason"].where(region["missing_reason"].notna(), "no regional figure for " + region_label),
            region["flag_note"],
        ),
    )
    region = region.assign(
        value=np.where(use_mean, region["mean"], region["value"]),
        n=np.where(use_mean, region["count"].fillna(0), region["value"].notna().astype(int)).astype(int),
        comparator="region",
        note=region_note,
        area=region["region_key"].map(region_names),
    )
    parts.append(region.drop(columns=["_published", "mean", "count"]).loc[has_region])

    # statistical neighbours, all and Good/Outstanding
    pairs, model_label, sn_release = _neighbour_pairs(loaded, la_codes, model, neighbours)
    neighbour_values = la_values.loc[:, [*keys, "area_code", "value", "flag"]]
    listed = grid["la_code"].isin(set(pairs["la_code"])).to_numpy()
    have_model = sn_release is not None or model_label == "as listed in cpb.toml"
    have_ofsted = not loaded.inspections.empty
    file_end = loaded.ofsted_as_at or ""
    good_pairs, unknown, as_of = _good_neighbours(loaded, grid, pairs, as_at)
    for comparator, chosen_pairs in (("sn", pairs), ("good_sn", good_pairs)):
        stats = _average_rows(grid, chosen_pairs, neighbour_values, average)
        rows = grid.merge(stats, on=["la_code", *keys], how="left")
        n = rows["n"].fillna(0).astype(int)
        total = rows["total"].fillna(0).astype(int)

        def named(codes: pd.Series) -> pd.Series:
            return _unique_map(
                codes.fillna(""), lambda text: ", ".join(_la_label(c, names) for c in text.split(",") if c)
            )

        missing, gaps = named(rows["missing"]), named(rows["gaps"])
        detail = np.where(missing != "", "; no figure for " + missing, "") + np.where(
            gaps != "", "; published 0 taken as a gap for " + gaps, ""
        )
        if comparator == "sn":
            group = pd.Series(f"statistical neighbours ({model_label})", index=rows.index)
            empty = pd.Series("no neighbour has a figure", index=rows.index)
        else:
            when = rows[keys].merge(as_of, on=keys, how="left")["as_at"].fillna("").to_numpy()
            unknown_rows = rows[["la_code", *keys]].merge(unknown, on=["la_code", *keys], how="left")
            not_on_record = named(unknown_rows["unknown"].set_axis(rows.index))
            detail = detail + np.where(
                not_on_record != "", "; no judgement on record at that date for " + not_on_record, ""
            )
            beyond = np.where(
                (when > file_end) & (file_end != ""), " (the latest Ofsted file is as at " + file_end + ")", ""
            )
            group = (
                "neighbours judged Good or Outstanding by Ofsted as at "
                + pd.Series(when, index=rows.index)
                + beyond
                + f" ({model_label})"
            )
            empty = np.where(
                not_on_record != "",
                "no neighbour known to be judged Good or Outstanding as at "
                + when
                + " (the Ofsted file holds no judgement in force then for "
                + not_on_record
                + ")",
                "no neighbour judged Good or Outstanding as at " + when,
            )
        if not have_model:
            reason = np.full(len(rows), f"statistical-neighbour model {model} not imported", dtype=object)
        elif comparator == "good_sn" and not have_ofsted:
            reason = np.where(
                ~listed, f"no neighbours listed for this LA ({model_label})", "no Ofsted inspection outcomes imported"
            )
        else:
            reason = np.where(
                ~listed,
                f"no neighbours listed for this LA ({model_label})",
                np.where(total > 0, "no neighbour of the group has a figure" + detail, empty),
            )
        note = np.where(
            n > 0, average + " of " + n.astype(str) + " of " + total.astype(str) + " " + group + detail, reason
        )
        source = rows["source"]
        if sn_release:
            source = source + "; " + sn_release
        if comparator == "good_sn" and "ofsted" in loaded.chosen:
            source = source + "; " + loaded.chosen["ofsted"]
        parts.append(rows.assign(comparator=comparator, n=n, note=note, source=source, area=None).loc[has_la])

    result = pd.concat([p.loc[:, columns] for p in parts], ignore_index=True)
    result["value"] = result["value"].astype("float64")
    result["n"] = result["n"].astype("int64")
    for column in ("note", "area"):
        result[column] = result[column].astype("object").where(result[column].notna(), None)
    return _sorted(result, loaded.order, ["la_code"])


def _sorted(frame: pd.DataFrame, order: Mapping[str, int], first: list[str]) -> pd.DataFrame:
    """Rows by ``first`` columns, then indicator order, year and comparator order."""
    keys = [pd.factorize(frame[c], sort=True)[0] for c in first]
    keys.append(frame["indicator"].map(order).to_numpy())
    keys.append(frame["year_end"].to_numpy())
    if "comparator" in frame.columns:
        keys.append(frame["comparator"].map({c: i for i, c in enumerate(COMPARATOR_ORDER)}).to_numpy())
    positions = np.lexsort(keys[::-1])
    return frame.iloc[positions].reset_index(drop=True)


def _bands(loaded: _Loaded, la_codes: Sequence[str] | None, unranked: Iterable[str] = UNRANKED) -> pd.DataFrame:
    values = loaded.values
    columns = ["la_code", *BAND_COLUMNS]
    la = values.loc[(values["level"] == "la") & values["value"].notna()]
    la = la.drop_duplicates(["indicator", "year_end", "area_code"])
    if la.empty:
        return pd.DataFrame(columns=columns)
    polarity = la["indicator"].map(loaded.polarity).fillna("none")
    left_out = la["area_code"].isin(set(unranked)).to_numpy()
    signed = pd.Series(np.where(polarity == "high", -la["value"], la["value"]), index=la.index).mask(left_out)
    ranked = la.assign(polarity=polarity, _signed=signed)
    groups = ranked.groupby(["indicator", "year_end"])["_signed"]
    ranked = ranked.assign(rank=groups.rank(method="min"), ranked=groups.transform("count"))
    banded = ranked["polarity"].isin(["high", "low"]) & ranked["rank"].notna()
    band_index = np.floor(4 * (ranked["rank"].fillna(1) - 1) / ranked["ranked"].clip(lower=1)).clip(0, 3).astype(int)
    ranked = ranked.assign(
        rank=ranked["rank"].where(banded).astype("Int64"),
        ranked=ranked["ranked"].where(banded).astype("Int64"),
        band=np.where(banded, BANDS[band_index], None),
        la_code=ranked["area_code"],
    )
    if la_codes is not None:
        ranked = ranked.loc[ranked["la_code"].isin(list(la_codes))]
    return _sorted(ranked.loc[:, columns], loaded.order, ["la_code"])


def _gaps(loaded: _Loaded) -> pd.DataFrame:
    flagged = loaded.values.loc[loaded.values["flag"].eq("zero_gap")]
    frame = flagged.assign(
        level=flagged["level"].map({"la": "LA", "regional": "region", "national": "England"}),
        area_code=flagged["area_code"].where(flagged["level"] == "la", None),
        note=flagged["missing_reason"],
        _order=flagged["indicator"].map(loaded.order),
    )
    frame = frame.sort_values(["_order", "year_end", "level", "area_code"], kind="stable")
    return frame.loc[:, list(GAP_COLUMNS)].reset_index(drop=True)


# ----------------------------------------------------------------------------- public API
def _settings(config: ProjectConfig) -> dict:
    sn = config.statistical_neighbours
    la = config.authority.la_code
    return {
        "la_codes": [la],
        "model": sn.model,
        "average": sn.average,
        "as_at": sn.good_outstanding_as_at,
        "neighbours": {la: sn.la_codes} if sn.la_codes else None,
        "regions": {la: config.authority.region} if config.authority.region else None,
    }


def all_comparators(
    store_path: Path | str,
    sources: pd.DataFrame | Path | str,
    la_codes: Iterable[str] | None = None,
    *,
    model: str = "2021",
    average: str = "mean",
    as_at: str | None = None,
    neighbours: Mapping[str, Sequence[str]] | None = None,
    regions: Mapping[str, str] | None = None,
    indicators=None,
    release: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Comparators for many councils at once (default: every LA in the releases).

    Columns ``la_code`` then as :func:`comparators`. ``neighbours`` gives
    neighbour lists that replace the model's for some LAs, ``regions`` region
    names that replace the files' for some LAs.
    """
    if average not in ("mean", "median"):
        raise ValueError("average must be mean or median")
    loaded = _load(store_path, sources, indicators, release, _file_name(sources))
    codes = list(la_codes) if la_codes is not None else _all_la_codes(loaded)
    return _compute(
        loaded, codes, model=str(model), average=average, as_at=as_at, neighbours=neighbours, regions=regions
    )


def all_bands(
    store_path: Path | str,
    sources: pd.DataFrame | Path | str,
    la_codes: Iterable[str] | None = None,
    *,
    indicators=None,
    release: str | Sequence[str] | None = None,
    unranked: Iterable[str] = UNRANKED,
) -> pd.DataFrame:
    """Rank and quartile band of every LA (or of ``la_codes``), per indicator and year.

    LAs in ``unranked`` (default :data:`UNRANKED`: City of London and the Isles
    of Scilly) are left out: they get no rank or band and do not count in ``ranked``.
    """
    loaded = _load(store_path, sources, indicators, release, _file_name(sources))
    return _bands(loaded, None if la_codes is None else list(la_codes), unranked)


def implausible_zeros(
    store_path: Path | str,
    sources: pd.DataFrame | Path | str,
    indicators=None,
    release: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Published zeros taken as gaps (mapping rows marked ``zero_is_gap``), for the data-quality page.

    One row per figure: ``indicator``, ``year`` (label), ``level`` (``LA``,
    ``region`` or ``England``), ``area_code`` (LA number, blank otherwise),
    ``area_name``, ``measure``, ``source`` (release id) and ``note``. Each of
    these counts as no figure in every comparator, rank and band.
    """
    return _gaps(_load(store_path, sources, indicators, release, _file_name(sources)))


def comparators(
    store_path: Path | str,
    config: ProjectConfig,
    sources: pd.DataFrame | Path | str,
    indicators=None,
    release: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """England, region, statistical-neighbour and Good/Outstanding-neighbour figures for the council.

    One row per indicator, comparator (``la``, ``england``, ``region``,
    ``sn``, ``good_sn``) and year, with columns ``indicator``, ``comparator``,
    ``year`` (label, e.g. ``2023-24`` or ``2024``), ``value`` (NaN when there is
    none, ``note`` says why), ``source`` (release ids), ``year_end`` (the
    calendar year the period ends in, for sorting), ``area`` (the council's,
    England's or the region's name; blank for neighbour averages), ``n`` (how
    many LAs the figure averages; 1 for a published figure) and ``note``.

    ``indicators``: None (every indicator of the mapping), a list of slugs,
    or the catalogue frame (its order and polarity are used). ``release``:
    see :func:`choose_releases`.
    """
    settings = _settings(config)
    result = all_comparators(store_path, sources, indicators=indicators, release=release, **settings)
    return result.drop(columns="la_code").reset_index(drop=True)


def bands(
    store_path: Path | str,
    config: ProjectConfig,
    sources: pd.DataFrame | Path | str,
    indicators=None,
    release: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """The council's national rank and quartile band per indicator and year.

    Columns ``indicator``, ``year``, ``value`` (the council's figure),
    ``rank`` (1 = best), ``ranked`` (how many LAs have a figure), ``band``
    (A = best quarter ... D), ``polarity``, ``source``, ``year_end``. Rank and
    band are blank for an indicator without polarity (DfE's dictionary, or the
    catalogue's ``polarity`` when ``indicators`` is the catalogue) and for the
    LAs of ``[comparators] exclude_from_ranks``.
    """
    result = all_bands(
        store_path,
        sources,
        [config.authority.la_code],
        indicators=indicators,
        release=release,
        unranked=config.comparators.exclude_from_ranks,
    )
    return result.drop(columns="la_code").reset_index(drop=True)


def _file_name(sources) -> str:
    return Path(sources).name if isinstance(sources, (str, Path)) else "benchmark_sources.csv"


def _all_la_codes(loaded: _Loaded) -> list[str]:
    la = loaded.values.loc[loaded.values["level"] == "la", "area_code"].dropna()
    return sorted(set(la))


def _year_key(label: object) -> object:
    """The calendar year a year label ends in (``2023-24`` and ``2024`` both give 2024), else the label.

    >>> _year_key("2023-24"), _year_key("2024"), _year_key("1999-00"), _year_key("2014-16")
    (2024, 2024, 2000, '2014-16')
    """
    match = YEAR_LABEL.match(str(label))
    if not match:
        return label
    start = int(match[1])
    if match[2] is None:
        return start
    if (start + 1) % 100 != int(match[2]):
        return str(label)
    return start + 1


def fill_benchmarks(manual: pd.DataFrame, imported: pd.DataFrame, replace: bool = False) -> pd.DataFrame:
    """Benchmarks in the shape of ``data/benchmarks.csv``: the council's own rows, completed from DfE.

    For each indicator, comparator and year, a row typed by the council
    (``manual``) wins, and an imported figure only fills what it leaves blank;
    with ``replace=True`` imported figures win wherever they exist. Years
    match by the calendar year they end in, so a typed ``2023-24`` and an
    imported ``2024`` (or the other way round) are the same year, and the
    winning row keeps its own label. Imported rows without a value, and the
    council's own figure (comparator ``la``), are not used.

    >>> manual = pd.DataFrame({"indicator": ["cic-rate"], "comparator": ["england"], "year": ["2023-24"],
    ...                        "value": [71.0], "source": ["typed"]})
    >>> imported = pd.DataFrame({"indicator": ["cic-rate"] * 3, "comparator": ["england", "sn", "la"],
    ...                          "year": ["2023-24"] * 3, "value": [69.0, 58.2, 67.0], "source": ["dfe"] * 3})
    >>> fill_benchmarks(manual, imported)[["comparator", "value", "source"]].values.tolist()
    [['england', 71.0, 'typed'], ['sn', 58.2, 'dfe']]
    >>> fill_benchmarks(manual, imported, replace=True)["value"].tolist()
    [69.0, 58.2]
    """
    names = [c.name for c in BENCHMARK_COLUMNS]
    own = manual.reindex(columns=names).loc[lambda f: pd.to_numeric(f["value"], errors="coerce").notna()]
    dfe = imported.reindex(columns=names).loc[lambda f: f["comparator"].isin(COMPARATORS) & f["value"].notna()]
    first, second = (dfe, own) if replace else (own, dfe)
    combined = pd.concat([first.astype("object"), second.astype("object")], ignore_index=True)
    combined = combined.assign(_year=combined["year"].map(_year_key).astype(str))
    combined = combined.drop_duplicates(["indicator", "comparator", "_year", "figure"], keep="first")
    rank = {c: i for i, c in enumerate(COMPARATORS)}
    combined = (
        combined.assign(_c=combined["comparator"].map(rank))
        .sort_values(["indicator", "_c", "_year"], kind="stable")
        .drop(columns=["_c", "_year"])
        .reset_index(drop=True)
    )
    combined["value"] = pd.to_numeric(combined["value"]).astype("float64")
    for column in ("indicator", "comparator", "year", "source", "figure"):
        combined[column] = combined[column].astype("object").where(combined[column].notna(), None)
    return combined.loc[:, names]
