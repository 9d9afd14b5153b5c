"""The SSDA903 definitions: month-end figures from child-level tables (pure functions).

The codes and labels are data (``cpblib/_data/ssda903/definitions.csv``), the
code lists they use too (``codes.toml``); docs/ssda903.md explains each
definition in words. :func:`combine` joins the collection years into one
:class:`Dataset`; :func:`derive` computes every definition for every month end
the data covers and returns aggregates only (definition, period, value,
numerator, denominator, note): no child-level row leaves this module.

>>> sorted(DEFINITIONS)[:3]
['ssda903:adoption-a1', 'ssda903:adoption-a10', 'ssda903:adoption-a2']
>>> CODES["reason_new_episode"]["new_placement"]
['S', 'P', 'T', 'U', 'B']
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

from ..month import Month
from ._tables import RawTable, year_end, year_label, year_start

OUTPUT_COLUMNS = ["definition", "period", "value", "numerator", "denominator", "note"]


def _data(name: str):
    return resources.files("cpblib") / "_data" / "ssda903" / name


@cache
def _definitions() -> pd.DataFrame:
    with _data("definitions.csv").open(encoding="utf-8") as handle:
        return pd.read_csv(handle, dtype=str, keep_default_na=False)


@cache
def _codes() -> dict:
    with _data("codes.toml").open("rb") as handle:
        return tomllib.load(handle)


DEFINITIONS: dict[str, dict[str, str]] = {row["code"]: dict(row) for row in _definitions().to_dict("records")}
"""Definition code -> its label, unit, frequency, tables and description."""

CODES: dict = _codes()
"""The 903 code lists the definitions use (see ``codes.toml``)."""


# -- the data, all years together ------------------------------------------------------------------
@dataclass(frozen=True)
class Dataset:
    """The collection years joined: one row per episode, child, missing episode; OC2 and OC3 by year."""

    years: tuple[int, ...]
    episodes: pd.DataFrame
    header: pd.DataFrame
    uasc: pd.DataFrame
    missing: pd.DataFrame
    oc2: pd.DataFrame
    oc3: pd.DataFrame
    ad1: pd.DataFrame
    population: dict[int, float] = field(default_factory=dict)
    children: pd.DataFrame = field(default_factory=pd.DataFrame)
    """One row per child (index CHILD): DOB, uasc (ever an unaccompanied asylum seeker), DUC."""

    def covers(self, first: pd.Timestamp, last: pd.Timestamp) -> bool:
        """Whether every collection year from ``first`` to ``last`` is loaded."""
        return all(y in self.years for y in range(_year_of(first), _year_of(last) + 1))


def _year_of(day: pd.Timestamp) -> int:
    return day.year + (1 if day.month >= 4 else 0)


def _latest(frames: list[pd.DataFrame], keys: list[str], columns: list[str]) -> pd.DataFrame:
    """Rows of all years, the latest year's copy kept where the same keys appear in several."""
    if not frames:
        return pd.DataFrame(columns=[*columns, "_year"])
    joined = pd.concat([f[[*columns, "_year"]] for f in frames], ignore_index=True)
    return joined.sort_values("_year", kind="stable").drop_duplicates(keys, keep="last").reset_index(drop=True)


def combine(
    tables: list[RawTable], population: dict[int, float] | None = None, places: pd.DataFrame | None = None
) -> Dataset:
    """Join the years' tables (pure). ``places``: distance and location per (year, file row) worked out
    from postcodes elsewhere, used where the episodes file does not carry them."""
    by_name: dict[str, list[pd.DataFrame]] = {}
    for raw in tables:
        frame = raw.frame
        if raw.spec.name == "episodes" and places is not None and len(places):
            mine = places.loc[places["year"] == raw.year].set_index("row")
            distance = frame["_row"].map(mine["distance"]) if "distance" in mine else None
            location = frame["_row"].map(mine["location"]) if "location" in mine else None
            frame = frame.assign(
                PL_DISTANCE=frame["PL_DISTANCE"].fillna(distance) if distance is not None else frame["PL_DISTANCE"],
                PL_LOCATION=frame["PL_LOCATION"].fillna(location) if location is not None else frame["PL_LOCATION"],
            )
        by_name.setdefault(raw.spec.name, []).append(frame)
    episodes = _latest(
        by_name.get("episodes", []),
        ["CHILD", "DECOM"],
        ["CHILD", "DECOM", "RNE", "LS", "PLACE", "DEC", "REC", "PL_DISTANCE", "PL_LOCATION"],
    )
    episodes = episodes.loc[episodes["DECOM"].notna()]
    header = _latest(by_name.get("header", []), ["CHILD"], ["CHILD", "DOB", "UASC"])
    uasc = _latest(by_name.get("uasc", []), ["CHILD"], ["CHILD", "DUC"])
    missing = _latest(by_name.get("missing", []), ["CHILD", "MIS_START", "MISSING"], ["CHILD", "MISSING", "MIS_START"])
    oc2 = (
        pd.concat(by_name["oc2"], ignore_index=True)
        if "oc2" in by_name
        else pd.DataFrame(
            columns=["CHILD", "DOB", "SDQ_SCORE", "HEALTH_ASSESSMENT", "IMMUNISATIONS", "TEETH_CHECK", "_year"]
        )
    )
    oc3 = (
        pd.concat(by_name["oc3"], ignore_index=True)
        if "oc3" in by_name
        else pd.DataFrame(columns=["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM", "_year"])
    )
    ad1 = _latest(by_name.get("ad1", []), ["CHILD"], ["CHILD", "DATE_MATCH", "FOSTER_CARE"])
    years = tuple(sorted({raw.year for raw in tables}))
    missing = missing.loc[missing["MISSING"].isin(CODES["missing"]["missing"]) & missing["MIS_START"].notna()]
    flagged = set(header.loc[header["UASC"].astype(str).eq("1"), "CHILD"]) | set(uasc["CHILD"])
    children = header.set_index("CHILD")[["DOB"]].join(uasc.set_index("CHILD")[["DUC"]], how="outer")
    children["uasc"] = children.index.isin(list(flagged))
    return Dataset(
        years, _with_spells(episodes), header, uasc, missing, oc2, oc3, ad1, dict(population or {}), children
    )


def _with_spells(episodes: pd.DataFrame) -> pd.DataFrame:
    """Episodes (short breaks left out) with the start of their period of care and of their placement.

    A period of care runs on while each episode starts the day the one before ended
    and is not a new start (reason S). ``placement_start`` treats a placement for
    adoption with the child's own foster carers as continuing the foster placement.
    """
    eps = episodes.loc[~episodes["LS"].isin(CODES["legal_status"]["short_breaks"])]
    eps = eps.sort_values(["CHILD", "DECOM"], kind="stable").reset_index(drop=True)
    same_child = eps["CHILD"].eq(eps["CHILD"].shift())
    prev_dec = eps["DEC"].shift()
    prev_place = eps["PLACE"].shift()
    new_period = ~same_child | eps["RNE"].isin(CODES["reason_new_episode"]["started"]) | prev_dec.ne(eps["DECOM"])
    period = new_period.cumsum()
    first = eps.groupby(period)["RNE"].transform("first")
    placement = CODES["placement"]
    continues_with_carer = eps["PLACE"].isin(placement["adoption_with_foster_carer"]) & prev_place.isin(
        placement["foster"]
    )
    new_place = new_period | (eps["RNE"].isin(CODES["reason_new_episode"]["new_placement"]) & ~continues_with_carer)
    is_adoption = eps["PLACE"].isin(placement["adoption"])
    new_run = is_adoption & (new_period | ~is_adoption.shift(fill_value=False) | ~same_child)
    run = new_run.cumsum().where(is_adoption)
    order = eps["DECOM"].where(eps["LS"].isin(CODES["legal_status"]["placement_order"]))
    ceased = eps["REC"].notna() & ~eps["REC"].isin(CODES["reason_ceased"]["continuing"])
    return eps.assign(
        started=eps["RNE"].isin(CODES["reason_new_episode"]["started"]),
        ceased=ceased,
        adopted=eps["REC"].isin(CODES["reason_ceased"]["adopted"]) & eps["DEC"].notna(),
        placement_order=order.groupby(period).transform("min"),
        period_start=eps.groupby(period)["DECOM"].transform("min"),
        period_known=first.isin(CODES["reason_new_episode"]["started"]),
        placement_start=eps.groupby(new_place.cumsum())["DECOM"].transform("min"),
        adoption_start=eps["DECOM"].groupby(run).transform("min").where(is_adoption),
        new_placement=eps["RNE"].isin(CODES["reason_new_episode"]["new_placement"]),
    )


# -- helpers ------------------------------------------------------------------------------------------------
def month_end(month: Month) -> pd.Timestamp:
    return pd.Timestamp(month.year, month.month, 1) + pd.offsets.MonthEnd(0)


def _months_back(day: pd.Timestamp, months: int) -> pd.Timestamp:
    """The month end ``months`` before the month end ``day``."""
    return day - pd.offsets.MonthEnd(months)


def _ages(dob: pd.Series, day: pd.Timestamp) -> pd.Series:
    """Whole years of age on ``day`` (NaN where the date of birth is unknown)."""
    years = day.year - dob.dt.year
    before_birthday = (dob.dt.month > day.month) | ((dob.dt.month == day.month) & (dob.dt.day > day.day))
    return (years - before_birthday.astype("float64")).where(dob.notna())


def _open_at(eps: pd.DataFrame, day: pd.Timestamp) -> pd.Series:
    return (eps["DECOM"] <= day) & (eps["DEC"].isna() | (eps["DEC"] > day))


def _current(eps: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """Each child's open episode at the end of ``day`` (the later one if the data holds two)."""
    return eps.loc[_open_at(eps, day)].drop_duplicates("CHILD", keep="last").set_index("CHILD")


def _looked_after_during(eps: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp) -> pd.Index:
    during = (eps["DECOM"] <= last) & (eps["DEC"].isna() | (eps["DEC"] >= first))
    return pd.Index(eps.loc[during, "CHILD"].unique())


def _uasc_at(data: Dataset, children: pd.Index, day: pd.Timestamp) -> pd.Series:
    known = data.children.reindex(children)
    return known["uasc"].fillna(False).astype(bool) & ~(known["DUC"] <= day)


def _population_year(day: pd.Timestamp) -> int:
    """The mid-year (30 June) estimate a figure for ``day`` uses: the latest on or before it."""
    return day.year if (day.month, day.day) >= (6, 30) else day.year - 1


def _record(rows: list, code: str, period: str, value, numerator=None, denominator=None, note=None) -> None:
    rows.append((code, period, value, numerator, denominator, note))


def _share(rows: list, code: str, period: str, numerator: int, denominator: int, note: str | None = None) -> None:
    if denominator == 0:
        _record(rows, code, period, None, 0, 0, note or "no children in the denominator")
    else:
        _record(rows, code, period, round(100 * numerator / denominator, 6), numerator, denominator, note)


def _average(rows: list, code: str, period: str, days: pd.Series, note: str | None = None) -> None:
    days = days.dropna()
    if days.empty:
        _record(rows, code, period, None, None, 0, note or "no child to average over")
    else:
        _record(rows, code, period, round(float(days.mean()), 6), None, len(days), note)


def _join(*notes: str | None) -> str | None:
    text = "; ".join(n for n in notes if n)
    return text or None


# -- the month-end figures ---------------------------------------------------------------------------------
def _monthly(data: Dataset, day: pd.Timestamp, rows: list) -> None:
    period = f"{day:%Y-%m}"
    eps = data.episodes
    first_of_month = day.replace(day=1)
    current = _current(eps, day)
    children = current.index
    count = len(children)
    _record(rows, "ssda903:cla-count", period, count)

    year = _population_year(day)
    known = [y for y in data.population if y <= year]
    if known:
        used = max(known)
        note = None if used == year else f"ONS mid-{year} estimate not available; mid-{used} used"
        population = data.population[used]
        _record(rows, "ssda903:cla-rate", period, round(count / population * 10000, 6), count, population, note)
    else:
        _record(rows, "ssda903:cla-rate", period, None, count, None, f"no ONS mid-{year} population estimate given")

    started = eps["started"] & eps["DECOM"].between(first_of_month, day)
    _record(rows, "ssda903:started", period, eps.loc[started, "CHILD"].nunique())
    ceased = eps["ceased"] & eps["DEC"].between(first_of_month, day)
    _record(rows, "ssda903:ceased", period, eps.loc[ceased, "CHILD"].nunique())

    uasc = _uasc_at(data, children, day)
    _record(rows, "ssda903:uasc-count", period, int(uasc.sum()))
    _share(rows, "ssda903:uasc-percent", period, int(uasc.sum()), count)

    # three or more placements in the 12 months to the month end
    start = _months_back(day, 12)
    if data.covers(start + pd.Timedelta(days=1), day):
        moves = eps["new_placement"] & (eps["DECOM"] > start) & (eps["DECOM"] <= day)
        placements = eps.loc[moves, "CHILD"].value_counts().reindex(children, fill_value=0)
        placements += children.isin(eps.loc[_open_at(eps, start), "CHILD"]).astype(int)
        _share(rows, "ssda903:three-plus-placements", period, int((placements >= 3).sum()), count)
    else:
        _record(rows, "ssda903:three-plus-placements", period, None, note=_needs(start))

    # long-term stability: under 16, looked after 30 months or more, same placement 24 months or more
    under_16 = _ages(data.children["DOB"].reindex(children), day) < 16
    long_enough = current["period_start"] <= _months_back(day, 30)
    unsure = under_16 & ~long_enough & ~current["period_known"]
    cohort = under_16 & long_enough
    stable = cohort & (current["placement_start"] <= _months_back(day, 24))
    note = (
        f"{int(unsure.sum())} child(ren) whose care began before the earliest year loaded left out"
        if unsure.any()
        else None
    )
    _share(rows, "ssda903:long-term-stability", period, int(stable.sum()), int(cohort.sum()), note)

    # distance and location of the placement
    far_miles = CODES["distance"]["far_miles"]
    distance = pd.to_numeric(current["PL_DISTANCE"], errors="coerce")
    unknown = int(distance.isna().sum())
    if count and unknown == count:
        for code in ("ssda903:placed-over-20-miles", "ssda903:placed-over-20-miles-excl-uasc"):
            _record(
                rows,
                code,
                period,
                None,
                None,
                count,
                "no placement distance is known (no PL_DISTANCE and no postcodes worked out)",
            )
    else:
        far = distance > far_miles
        note = f"distance not known for {unknown} children" if unknown else None
        _share(rows, "ssda903:placed-over-20-miles", period, int(far.sum()), count, note)
        keep = ~uasc
        unknown_kept = int((distance.isna() & keep).sum())
        _share(
            rows,
            "ssda903:placed-over-20-miles-excl-uasc",
            period,
            int((far & keep).sum()),
            int(keep.sum()),
            f"distance not known for {unknown_kept} children" if unknown_kept else None,
        )
    location = current["PL_LOCATION"].astype("object")
    if count and location.isna().all():
        _record(
            rows,
            "ssda903:placed-outside-area",
            period,
            None,
            None,
            count,
            "no placement location is known (no PL_LOCATION and no postcodes worked out)",
        )
    else:
        missing_location = int(location.isna().sum())
        _share(
            rows,
            "ssda903:placed-outside-area",
            period,
            int(location.eq("OUT").sum()),
            count,
            f"location not known for {missing_location} children" if missing_location else None,
        )

    _missing(data, day, rows)
    _adoption(data, day, rows)


def _needs(start: pd.Timestamp) -> str:
    first = _year_of(start + pd.Timedelta(days=1))
    return f"needs the 903 data of {year_label(first)}, which was not given"


def _missing(data: Dataset, day: pd.Timestamp, rows: list) -> None:
    period = f"{day:%Y-%m}"
    eps = data.episodes
    went = data.missing
    year_ago, half_year_ago = _months_back(day, 12), _months_back(day, 6)
    if data.covers(year_ago + pd.Timedelta(days=1), day):
        in_year = went.loc[(went["MIS_START"] > year_ago) & (went["MIS_START"] <= day), "CHILD"]
        during_year = _looked_after_during(eps, year_ago + pd.Timedelta(days=1), day)
        _share(rows, "ssda903:missing-12-months", period, int(during_year.isin(in_year).sum()), len(during_year))
        during_half = _looked_after_during(eps, half_year_ago + pd.Timedelta(days=1), day)
        _share(rows, "ssda903:missing-annex-a", period, int(during_half.isin(in_year).sum()), len(during_half))
        in_half = went.loc[(went["MIS_START"] > half_year_ago) & (went["MIS_START"] <= day), "CHILD"].value_counts()
        repeat = in_half.reindex(during_half, fill_value=0) >= 2
        _share(rows, "ssda903:missing-repeat-annex-a", period, int(repeat.sum()), len(during_half))
    else:
        for code in ("ssda903:missing-12-months", "ssda903:missing-annex-a", "ssda903:missing-repeat-annex-a"):
            _record(rows, code, period, None, note=_needs(year_ago))


def _adoption(data: Dataset, day: pd.Timestamp, rows: list) -> None:
    period = f"{day:%Y-%m}"
    eps = data.episodes
    adopted = eps["adopted"]
    first_of_month = day.replace(day=1)
    _record(rows, "ssda903:adoptions", period, int((adopted & eps["DEC"].between(first_of_month, day)).sum()))
    year_ago = _months_back(day, 12)
    if data.covers(year_ago + pd.Timedelta(days=1), day):
        _record(
            rows,
            "ssda903:adoptions-12-months",
            period,
            int((adopted & (eps["DEC"] > year_ago) & (eps["DEC"] <= day)).sum()),
        )
    else:
        _record(rows, "ssda903:adoptions-12-months", period, None, note=_needs(year_ago))
    three_years_ago = _months_back(day, 36)
    codes = ("ssda903:adoption-a1", "ssda903:adoption-a10", "ssda903:adoption-a2")
    if not data.covers(three_years_ago + pd.Timedelta(days=1), day):
        for code in codes:
            _record(rows, code, period, None, note=_needs(three_years_ago))
        return
    done = eps.loc[adopted & (eps["DEC"] > three_years_ago) & (eps["DEC"] <= day)]
    unknown_start = int((~done["period_known"]).sum())
    start_note = (
        f"{unknown_start} child(ren) whose care began before the earliest year loaded left out"
        if unknown_start
        else None
    )
    known = done.loc[done["period_known"]]
    not_placed = int(known["adoption_start"].isna().sum())
    placed_note = (
        f"{not_placed} adopted child(ren) with no placement for adoption (A3 to A6) left out" if not_placed else None
    )
    _average(
        rows,
        codes[0],
        period,
        (known["adoption_start"] - known["period_start"]).dt.days,
        _join(start_note, placed_note),
    )
    foster_carer = (
        known["CHILD"].map(data.ad1.set_index("CHILD")["FOSTER_CARE"]).astype(str).eq("1") if len(data.ad1) else False
    )
    with_carer = known["PLACE"].isin(CODES["placement"]["adoption_with_foster_carer"]) | foster_carer
    moved_in = known["adoption_start"].where(~with_carer, known["placement_start"])
    _average(rows, codes[1], period, (moved_in - known["period_start"]).dt.days, _join(start_note, placed_note))
    # A2: placement order (first E1 episode of the period of care) to the match with adopters; children not
    # placed for adoption before the order, or without an order, are left out; a match before the order counts 0
    placed = known.loc[known["adoption_start"].notna()]
    match = (
        placed["CHILD"].map(data.ad1.set_index("CHILD")["DATE_MATCH"])
        if len(data.ad1)
        else pd.Series(pd.NaT, index=placed.index)
    )
    days = (pd.to_datetime(match) - placed["placement_order"]).dt.days
    lacking = int(days.isna().sum())
    _average(
        rows,
        codes[2],
        period,
        days.clip(lower=0),
        _join(
            start_note,
            f"{lacking} adopted child(ren) without a placement order or match date left out" if lacking else None,
        ),
    )


def _annual(data: Dataset, year: int, rows: list) -> None:
    period = f"{year}-03"
    day = year_end(year)
    oc2 = data.oc2.loc[data.oc2["_year"] == year]
    if len(oc2):
        yes = CODES["oc2"]["yes"]
        total = len(oc2)
        for code, column in (
            ("ssda903:health-assessment", "HEALTH_ASSESSMENT"),
            ("ssda903:dental-check", "TEETH_CHECK"),
            ("ssda903:immunisations", "IMMUNISATIONS"),
        ):
            _share(rows, code, period, int(oc2[column].astype(str).isin(yes).sum()), total)
        ages = _ages(pd.to_datetime(oc2["DOB"]), day)
        sdq_age = ages.between(CODES["oc2"]["sdq_min_age"], CODES["oc2"]["sdq_max_age"])
        scores = pd.to_numeric(oc2.loc[sdq_age, "SDQ_SCORE"], errors="coerce")
        _share(rows, "ssda903:sdq-completed", period, int(scores.notna().sum()), int(sdq_age.sum()))
        _average(rows, "ssda903:sdq-average", period, scores)
    oc3 = data.oc3.loc[data.oc3["_year"] == year]
    if len(oc3):
        dob = pd.to_datetime(oc3["DOB"])
        # the age reached at the birthday that falls in the collection year
        birthday_year = np.where(dob.dt.month >= 4, year - 1, year)
        age = pd.Series(birthday_year - dob.dt.year, index=oc3.index).where(dob.notna())
        cohort = oc3.loc[age.isin(CODES["oc3"]["ages"])]
        total = len(cohort)
        codes = CODES["oc3"]
        suitable = cohort["ACCOM"].fillna("").astype(str).str.endswith(codes["suitable_suffix"])
        _share(rows, "ssda903:care-leavers-suitable-accommodation", period, int(suitable.sum()), total)
        _share(rows, "ssda903:care-leavers-eet", period, int(cohort["ACTIV"].isin(codes["eet"]).sum()), total)
        _share(
            rows, "ssda903:care-leavers-in-touch", period, int(cohort["IN_TOUCH"].isin(codes["in_touch"]).sum()), total
        )


def covered_months(data: Dataset, through: Month) -> list[Month]:
    """Month ends from the start of the earliest year loaded to ``through``, inside the loaded years."""
    first = Month(data.years[0] - 1, 4)
    months = []
    month = first
    while month <= through:
        if _year_of(month_end(month)) in data.years:
            months.append(month)
        month = month + 1
    return months


def derive(data: Dataset, through: Month) -> pd.DataFrame:
    """Every definition for every month end the data covers up to ``through``: aggregates only.

    Columns: definition, period, value, numerator, denominator, note.
    """
    rows: list = []
    for month in covered_months(data, through):
        _monthly(data, month_end(month), rows)
        if month.month == 3:
            _annual(data, month.year, rows)
    frame = pd.DataFrame(rows, columns=OUTPUT_COLUMNS)
    for column in ("value", "numerator", "denominator"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    return frame


def default_through(data: Dataset, today: Month) -> Month:
    """The latest month end with data: the end of the last year loaded, or the month before ``today``."""
    return min(Month(data.years[-1], 3), today - 1)


def start_month(data: Dataset) -> Month:
    start = year_start(data.years[0])
    return Month(start.year, start.month)
