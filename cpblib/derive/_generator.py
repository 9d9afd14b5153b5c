"""A synthetic council's SSDA903 return, for demos, tests and benchmarks.

Children enter care at a steady rate, move between placements, change legal
status, go missing, are adopted, return home, are made subject to special
guardianship or grow up and leave care; the simulation runs for some years
before the first collection year so that the first year already has children
in long-term care. Each collection year is then written as DfE's 903 tables,
in DfE's column layout (the episodes table also carries ``PL_DISTANCE`` and
``PL_LOCATION``, worked out from the postcodes as DfE does, as many councils'
extracts do). The same seed always gives the same files. Postcodes are real
ones (``cpblib/_data/ssda903/postcodes.csv``); the home council is Dorset's
area, so distances and locations are true to the map.

Nobody in these files exists: identifiers, dates and codes are drawn at random.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from ._tables import SPECS, year_end, year_label, year_start

HOME_LA = "E06000059"
"""ONS code of the council whose area the synthetic children come from."""

BURN_IN_YEARS = 8
MEAN_STAY_YEARS = 2.2
ENTRY_STAY_YEARS = 1.75
"""Children looked after on a day, over children entering care a year (calibrated to the simulation)."""


@cache
def _postcodes() -> pd.DataFrame:
    with (resources.files("cpblib") / "_data" / "ssda903" / "postcodes.csv").open(encoding="utf-8") as handle:
        frame = pd.read_csv(handle, dtype={"postcode": str, "la": str})
    frame["postcode"] = frame["postcode"].map(lambda p: f"{p.replace(' ', '')[:-3]} {p.replace(' ', '')[-3:]}")
    return frame


@dataclass
class Episode:
    start: pd.Timestamp
    rne: str
    ls: str
    place: str
    provider: str
    pl_post: str
    end: pd.Timestamp | None = None
    rec: str | None = None
    reason_change: str | None = None
    urn: str = "XXXXXXX"


@dataclass
class Child:
    child: str
    sex: str
    dob: pd.Timestamp
    ethnic: str
    upn: str
    uasc: bool
    home_post: str
    episodes: list[Episode] = field(default_factory=list)
    missing: list[tuple[str, pd.Timestamp, pd.Timestamp | None]] = field(default_factory=list)
    match: pd.Timestamp | None = None
    decision: pd.Timestamp | None = None
    foster_carer_adoption: bool = False
    short_breaks: bool = False
    health: tuple[int, int, int] = (1, 1, 1)
    sdq: float | None = None
    leaver: tuple[str, str, str] = ("YES", "F2", "C1")


_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn(la: str, serial: int) -> str:
    """A well-formed Unique Pupil Number (check letter, LA, school, year, serial).

    >>> upn("838", 1234)
    'M838200101234'
    """
    body = f"{la}2001{serial % 100000:05d}"[:12]
    total = sum(int(ch) * weight for ch, weight in zip(body, range(2, 14)))
    return _UPN_LETTERS[total % 23] + body


class _Simulation:
    def __init__(self, children: int, years: int, seed: int, last_year: int, la: str) -> None:
        self.rng = np.random.default_rng(seed)
        self.la = la
        self.first_year = last_year - years + 1
        self.last_year = last_year
        self.begin = year_start(self.first_year) - pd.DateOffset(years=BURN_IN_YEARS)
        self.end = year_end(last_year)
        self.rate = children / (ENTRY_STAY_YEARS * 365.25)
        codes = _postcodes()
        self.home_posts = codes.loc[codes["la"] == HOME_LA, "postcode"].tolist()
        self.near_posts = codes.loc[
            (codes["la"] != HOME_LA) & codes["postcode"].str.startswith("BH"), "postcode"
        ].tolist()
        self.far_posts = codes.loc[~codes["postcode"].isin(self.home_posts + self.near_posts), "postcode"].tolist()
        self.where = codes.set_index("postcode")[["easting", "northing", "la"]]
        self.serial = 0
        local = self.where.loc[self.home_posts]
        self.nearest = {  # the eight postcodes of the council's area nearest each home postcode
            home: np.hypot(local["easting"] - row["easting"], local["northing"] - row["northing"])
            .drop(home)
            .sort_values()
            .index[:8]
            .tolist()
            for home, row in local.iterrows()
        }

    # -- drawing -----------------------------------------------------------------------
    def pick(self, options, weights=None):
        weights = None if weights is None else np.asarray(weights, dtype=float) / np.sum(weights)
        return options[int(self.rng.choice(len(options), p=weights))]

    def days(self, mean: float) -> pd.Timedelta:
        return pd.Timedelta(days=max(1, int(self.rng.exponential(mean))))

    def placement(self, age: float, uasc: bool) -> tuple[str, str]:
        if age >= 16 and self.rng.random() < 0.35:
            return "S1", "PR4"  # semi-independent living
        if age >= 11 and self.rng.random() < 0.22:
            return "K2", self.pick(["PR1", "PR4", "PR5"], [2, 7, 1])  # children's home
        if not uasc and self.rng.random() < 0.05:
            return "P1", "PR0"  # placed with parents
        place = self.pick(["U1", "U3", "U4", "U6"], [1, 2, 3, 6])
        provider = "PR1" if place in ("U1", "U3") else self.pick(["PR1", "PR4"], [6, 4])
        return place, provider

    def placement_post(self, place: str, home: str) -> str:
        if place == "P1":
            return home
        where = self.pick(["in", "near", "far"], [70, 18, 12])
        if where == "in":  # in the council's area, near home (never the home postcode itself)
            return self.pick(self.nearest[home])
        return self.pick(self.near_posts if where == "near" else self.far_posts)

    # -- one child's care -------------------------------------------------------------------
    def child(self, entry: pd.Timestamp) -> Child:
        self.serial += 1
        uasc = self.rng.random() < 0.06
        age = (
            float(self.rng.uniform(15, 17.9))
            if uasc
            else float(self.pick([0.2, 2.5, 7.0, 12.5, 16.5], [22, 18, 20, 30, 10]) + self.rng.uniform(-0.2, 1.8))
        )
        age = max(age, 0.01)
        dob = (entry - pd.Timedelta(days=int(age * 365.25))).normalize()
        sex = "1" if uasc and self.rng.random() < 0.94 else self.pick(["1", "2"], [54, 46])
        ethnic = (
            "OOTH"
            if uasc
            else self.pick(["WBRI", "WOTH", "MWBC", "MOTH", "BAFR", "AOTH", "NOBT"], [78, 5, 5, 4, 2, 3, 3])
        )
        home = self.pick(self.home_posts)
        kid = Child(f"C{self.serial:06d}", sex, dob, ethnic, upn(self.la, self.serial), uasc, home)
        kid.short_breaks = (not uasc) and self.rng.random() < 0.03
        if kid.short_breaks:
            self.short_breaks(kid, entry)
            return kid
        self.care(kid, entry, age)
        return kid

    def short_breaks(self, kid: Child, entry: pd.Timestamp) -> None:
        day = entry
        eighteen = kid.dob + pd.DateOffset(years=18)
        while day < min(self.end, eighteen - pd.Timedelta(days=7)) and len(kid.episodes) < 40:
            stay = pd.Timedelta(days=int(self.rng.integers(1, 4)))
            kid.episodes.append(Episode(day, "S", "V3", "K2", "PR1", "", day + stay, "E13", urn=""))
            day = day + stay + pd.Timedelta(days=int(self.rng.integers(20, 60)))

    def care(self, kid: Child, entry: pd.Timestamp, age: float) -> None:
        eighteen = kid.dob + pd.DateOffset(years=18)
        adoption = (not kid.uasc) and age < 4 and self.rng.random() < 0.3
        legal = "V2" if kid.uasc else self.pick(["V2", "C2", "L1", "L2"], [47, 44, 4, 5])
        if adoption:
            legal = "C2"
        place, provider = self.placement(age, kid.uasc)
        if adoption:
            place, provider = self.pick(["U1", "U4", "U6"], [1, 4, 5]), "PR1"
        stay = self.days(MEAN_STAY_YEARS * 365.25 * (0.5 if legal == "V2" else 1.3))
        leave = min(entry + stay, eighteen)
        events: list[tuple[pd.Timestamp, str]] = []
        if legal == "C2":
            events.append((entry + self.days(200), "care order"))
        if legal in ("L1", "L2"):
            events.append((entry + pd.Timedelta(days=int(self.rng.integers(1, 8))), "interim order"))
        if adoption:
            order = entry + pd.Timedelta(days=int(self.rng.integers(250, 500)))
            placed = order + pd.Timedelta(days=int(self.rng.integers(90, 300)))
            kid.decision = order - pd.Timedelta(days=int(self.rng.integers(20, 80)))
            kid.match = placed - pd.Timedelta(days=int(self.rng.integers(10, 60)))
            kid.foster_carer_adoption = self.rng.random() < 0.15
            events += [(order, "placement order"), (placed, "placed for adoption")]
            leave = placed + pd.Timedelta(days=int(self.rng.integers(120, 400)))
        unstable = self.rng.random() < 0.12
        moves_per_year = 2.5 if unstable else 0.2
        day = entry
        while True:
            day = day + self.days(365.25 / moves_per_year)
            if day >= leave:
                break
            events.append((day, "move"))
        events = sorted((e for e in events if e[0] < leave), key=lambda e: e[0])
        episode = Episode(entry, "S", legal, place, provider, self.placement_post(place, kid.home_post))
        kid.episodes.append(episode)
        for when, what in events:
            if adoption and episode.place.startswith("A") and what == "move":
                continue  # no moves once placed for adoption
            if when <= episode.start:
                continue
            rne, new_legal, new_place, new_provider = "P", episode.ls, episode.place, episode.provider
            if what == "care order":
                rne, new_legal = "L", "C1"
            elif what == "interim order":
                rne, new_legal = "L", "C2"
            elif what == "placement order":
                rne, new_legal = "L", "E1"
            elif what == "placed for adoption":
                rne = "P"
                new_place = "A5" if kid.foster_carer_adoption else "A6"  # with a placement order
                new_provider = "PR1"
            else:
                age_now = (when - kid.dob).days / 365.25
                new_place, new_provider = self.placement(age_now, kid.uasc)
                if self.rng.random() < 0.1:
                    rne = "T"
            post = episode.pl_post if rne == "L" or new_place == "A5" else self.placement_post(new_place, kid.home_post)
            episode.end, episode.rec = when, "X1"
            if rne != "L":  # the reason for a move is recorded on the episode that ends
                episode.reason_change = self.pick(["CARPL", "CHILD", "LAREQ", "PLACE", "OTHER"], [4, 2, 3, 2, 1])
            episode = Episode(when, rne, new_legal, new_place, new_provider, post)
            if new_place == "K2":
                episode.urn = f"SC{int(self.rng.integers(100000, 999999))}"
            kid.episodes.append(episode)
        if leave <= self.end:
            episode.end = leave
            if adoption and episode.place.startswith("A"):
                episode.rec = self.pick(["E11", "E12"], [3, 2])
            elif leave >= eighteen - pd.Timedelta(days=1):
                episode.rec = self.pick(["E17", "E7", "E8", "E5"], [3, 4, 2, 1])
            else:
                episode.rec = self.pick(["E4A", "E13", "E45", "E46", "E41", "E8", "E3"], [30, 8, 8, 8, 5, 8, 3])
        if (kid.dob + pd.DateOffset(years=11)) < leave and self.rng.random() < (0.5 if unstable else 0.25):
            for _ in range(1 + int(self.rng.poisson(2.0))):
                start = max(entry, kid.dob + pd.DateOffset(years=11))
                span = max(1, (min(leave, self.end) - start).days)
                when = start + pd.Timedelta(days=int(self.rng.integers(0, span)))
                back = when + pd.Timedelta(days=int(self.rng.integers(0, 4)))
                kid.missing.append((self.pick(["M", "A"], [8, 2]), when, back))
        kid.health = tuple(int(self.rng.random() < p) for p in (0.9, 0.82, 0.86))
        kid.sdq = float(np.clip(np.round(self.rng.normal(15, 7)), 0, 40)) if self.rng.random() < 0.8 else None
        in_touch = self.pick(["YES", "NO", "REFU", "NREQ", "RHOM"], [88, 4, 3, 3, 2])
        activity = self.pick(
            ["F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5", "G4", "G5", "G6", "0"],
            [6, 1, 18, 3, 12, 6, 4, 2, 10, 26, 8, 4],
        )
        accommodation = self.pick(
            ["C1", "D1", "E1", "H1", "K1", "T1", "U1", "V1", "Y1", "B2", "D2", "Z2", "0"],
            [10, 10, 10, 12, 8, 10, 8, 10, 10, 2, 3, 3, 4],
        )
        kid.leaver = (in_touch, activity, accommodation)

    def run(self) -> list[Child]:
        children = []
        day = self.begin
        while day <= self.end:
            children.extend(self.child(day) for _ in range(int(self.rng.poisson(self.rate * 7))))
            day = day + pd.Timedelta(days=7)
        return children


# -- writing the years ----------------------------------------------------------------------------
def _date(value: pd.Timestamp | None) -> str:
    return "" if value is None or pd.isna(value) else value.strftime("%d/%m/%Y")


def _age(dob: pd.Timestamp, day: pd.Timestamp) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def _distance(sim: _Simulation, home: str, placed: str) -> tuple[str, str]:
    a, b = sim.where.loc[home], sim.where.loc[placed]
    miles = np.hypot(a["easting"] - b["easting"], a["northing"] - b["northing"]) / 1000 / 1.6093
    return f"{miles:.1f}", "IN" if b["la"] == HOME_LA else "OUT"


SEX_CODES_FROM = 2025
"""From the 2024-25 collection DfE codes sex as M, F or U instead of 1 and 2."""


def _header(kid: Child, year: int, mother: str) -> dict:
    sex = {"1": "M", "2": "F"}[kid.sex] if year >= SEX_CODES_FROM else kid.sex
    return {
        "CHILD": kid.child,
        "SEX": sex,
        "DOB": _date(kid.dob),
        "ETHNIC": kid.ethnic,
        "UPN": kid.upn,
        "MOTHER": mother,
        "MC_DOB": "",
        "UASC": "1" if kid.uasc else "0",
    }


def _year_tables(sim: _Simulation, children: list[Child], year: int) -> dict[str, list[dict]]:
    start, end = year_start(year), year_end(year)
    rows: dict[str, list[dict]] = {name: [] for name in SPECS}
    for kid in children:
        during = [e for e in kid.episodes if e.start <= end and (e.end is None or e.end >= start)]
        if not during:
            continue
        dob = _date(kid.dob)
        age_end = _age(kid.dob, end)
        mother = "0" if kid.sex == "2" and not kid.short_breaks else ""
        rows["header"].append(_header(kid, year, mother))
        for e in during:
            closed = e.end is not None and e.end <= end
            distance, location = _distance(sim, kid.home_post, e.pl_post) if e.pl_post else ("", "")
            rows["episodes"].append(
                {
                    "CHILD": kid.child,
                    "DECOM": _date(e.start),
                    "RNE": e.rne,
                    "LS": e.ls,
                    "CIN": "N1" if int(kid.child[1:]) % 3 else "N4",
                    "PLACE": e.place,
                    "PLACE_PROVIDER": e.provider,
                    "DEC": _date(e.end) if closed else "",
                    "REC": (e.rec or "") if closed else "",
                    "REASON_PLACE_CHANGE": e.reason_change or "",
                    "HOME_POST": kid.home_post if e.pl_post else "",
                    "PL_POST": e.pl_post,
                    "URN": e.urn,
                    "PL_DISTANCE": distance,
                    "PL_LOCATION": location,
                }
            )
        if kid.uasc and start <= kid.dob + pd.DateOffset(years=18) <= end:
            rows["uasc"].append(
                {"CHILD": kid.child, "SEX": kid.sex, "DOB": dob, "DUC": _date(kid.dob + pd.DateOffset(years=18))}
            )
        for code, went, back in kid.missing:
            if start <= went <= end:
                rows["missing"].append(
                    {
                        "CHILD": kid.child,
                        "DOB": dob,
                        "MISSING": code,
                        "MIS_START": _date(went),
                        "MIS_END": _date(back) if back <= end else "",
                    }
                )
        first = kid.episodes[0]
        if kid.short_breaks and any(e.rne == "S" and start <= e.start <= end for e in during):
            rows["previous_permanence"].append(
                {"CHILD": kid.child, "DOB": dob, "PREV_PERM": "Z1", "LA_PERM": "", "DATE_PERM": ""}
            )
        if not kid.short_breaks:
            # reviews: 20 working days after entering care, three months later, then every six months
            review = first.start + pd.Timedelta(days=28)
            step = pd.Timedelta(days=91)
            last_day = kid.episodes[-1].end or end
            while review <= min(end, last_day):
                if review >= start:
                    code = "PN0" if _age(kid.dob, review) < 4 else "PN1"
                    rows["reviews"].append(
                        {"CHILD": kid.child, "DOB": dob, "REVIEW": _date(review), "REVIEW_CODE": code}
                    )
                review, step = review + step, pd.Timedelta(days=182)
            if start <= first.start <= end:
                rows["previous_permanence"].append(
                    {"CHILD": kid.child, "DOB": dob, "PREV_PERM": "Z1", "LA_PERM": "", "DATE_PERM": ""}
                )
            last = kid.episodes[-1]
            still_in_care = last.end is None or last.end > end
            if still_in_care and first.start <= end - pd.DateOffset(years=1):  # looked after for the whole year
                assessed, immunised, teeth = kid.health
                sdq_age = 4 <= age_end <= 16
                scored = sdq_age and kid.sdq is not None
                rows["oc2"].append(
                    {
                        "CHILD": kid.child,
                        "DOB": dob,
                        "SDQ_SCORE": f"{kid.sdq:.0f}" if scored else "",
                        "SDQ_REASON": "SDQ2" if sdq_age and not scored else "",
                        "CONVICTED": "0" if age_end >= 10 else "",
                        "HEALTH_CHECK": "1" if age_end < 5 else "",
                        "IMMUNISATIONS": str(immunised),
                        "TEETH_CHECK": str(teeth),
                        "HEALTH_ASSESSMENT": str(assessed),
                        "SUBSTANCE_MISUSE": "0",
                        "INTERVENTION_RECEIVED": "",
                        "INTERVENTION_OFFERED": "",
                    }
                )
            if kid.decision is not None and kid.decision <= end:  # listed every year from the decision on
                rows["placed_for_adoption"].append(
                    {
                        "CHILD": kid.child,
                        "DOB": dob,
                        "DATE_PLACED": _date(kid.decision),
                        "DATE_PLACED_CEASED": "",
                        "REASON_PLACED_CEASED": "",
                    }
                )
            last = kid.episodes[-1]
            if last.rec in ("E11", "E12") and start <= last.end <= end:
                rows["ad1"].append(
                    {
                        "CHILD": kid.child,
                        "DOB": dob,
                        "DATE_INT": _date(kid.decision),
                        "DATE_MATCH": _date(kid.match),
                        "FOSTER_CARE": "1" if kid.foster_carer_adoption else "0",
                        "NB_ADOPTR": "2",
                        "SEX_ADOPTR": "MF",
                        "LS_ADOPTR": "L11",
                    }
                )
    # care leavers: left care at 16 or over after a long enough stay, whose 17th to 21st birthday falls in the year
    for kid in children:
        last = kid.episodes[-1] if kid.episodes else None
        if kid.short_breaks or last is None or last.end is None or last.rec in ("E11", "E12", "X1"):
            continue
        if _age(kid.dob, last.end) < 16 or (last.end - kid.episodes[0].start).days < 91:
            continue
        for age in range(17, 22):
            birthday = kid.dob + pd.DateOffset(years=age)
            if start <= birthday <= end and birthday > last.end:
                in_touch, activity, accommodation = kid.leaver
                blank = in_touch in ("RHOM", "DIED")
                rows["header"].append(_header(kid, year, ""))
                rows["oc3"].append(
                    {
                        "CHILD": kid.child,
                        "DOB": _date(kid.dob),
                        "IN_TOUCH": in_touch,
                        "ACTIV": "" if blank else activity,
                        "ACCOM": "" if blank else accommodation,
                    }
                )
    return rows


def write_synthetic(
    out: Path | str, children: int = 300, years: int = 5, seed: int = 1, last_year: int = 2025, la: str = "838"
) -> list[Path]:
    """Write ``years`` collection years of a synthetic council's 903 return under ``out`` (one folder per year).

    ``children`` is about how many are looked after on any one day. Returns the folders written.

    >>> import tempfile
    >>> folders = write_synthetic(tempfile.mkdtemp(), children=20, years=1, seed=3)
    >>> [f.name for f in folders], sorted(p.name for p in folders[0].iterdir())[:3]
    (['2024-25'], ['ad1.csv', 'episodes.csv', 'header.csv'])
    """
    if children < 1 or years < 1:
        raise ValueError("children and years must be at least 1")
    sim = _Simulation(children, years, seed, last_year, la)
    everyone = sim.run()
    folders = []
    for year in range(sim.first_year, last_year + 1):
        folder = Path(out) / year_label(year)
        folder.mkdir(parents=True, exist_ok=True)
        for name, records in _year_tables(sim, everyone, year).items():
            spec = SPECS[name]
            if name == "header":  # a care leaver looked after earlier in the year is listed once
                records = list({record["CHILD"]: record for record in reversed(records)}.values())[::-1]
            columns = [*spec.columns, *(c for c in spec.extra if name == "episodes" or c == "UASC")]
            if name == "header":
                columns = [*spec.columns, "UASC"]
            with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
                writer.writeheader()
                writer.writerows(records)
        folders.append(folder)
    return folders
