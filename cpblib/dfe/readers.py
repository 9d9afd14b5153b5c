"""Reading DfE open-data files as they are published, one reader per kind of file.

:func:`read_release` works out what a file is from its columns and content
(never from its name alone), reads all of it, and returns a :class:`Release`:
the rows cpb stores, already parsed and checked. Nothing here touches the
store; a file that cannot be read raises :class:`~cpblib.errors.InputError`.

Kinds of file (``Release.kind``) and the datasets they hold (``Release.dataset``):

* ``ees``: an Explore Education Statistics open-data CSV (``time_period``,
  ``geographic_level``, geography columns, filter columns, measure columns).
  Which dataset it is (``cla_rates``, ``placement_stability``...) is told by
  its columns and content, see :data:`EES_DATASETS`.
* ``lait``: the Local Authority Interactive Tool's long table (``Short Desc``,
  ``Years``, ``LA and Regions``, ``Values``, ``LA Number``), parquet or CSV.
* ``lait_dictionary``: LAIT's data dictionary (``Measure_short``, ``Polarity``...).
* ``sn``: a statistical-neighbour list (each LA with ten neighbours and their
  closeness), CSV or workbook; dataset ``sn_<model year>``, the year read from
  the file name (``..._April_2021.csv`` is model ``2021``).
* ``ofsted``: Ofsted's local authority inspection outcomes workbook (.ods/.xlsx).
* ``la_codes``: LAIT's list of LA numbers, names and regions.

>>> [d.dataset for d in EES_DATASETS][:3]
['cla_rates', 'placement_stability', 'sw_stability']
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from .values import _DURATION, _NUMBER_TEXT, missing_markers, parse_cells, parse_period

SUFFIXES = (".csv", ".parquet", ".xlsx", ".ods")
"""File types :func:`read_release` opens; anything else is refused."""


@dataclass(frozen=True)
class EesDataset:
    """How to recognise one Explore Education Statistics dataset."""

    dataset: str
    title: str
    columns: frozenset[str]
    content: tuple[str, str] | None = None  # (column, a value it must hold), compared case-insensitively


EES_DATASETS: tuple[EesDataset, ...] = (
    EesDataset(
        "cla_rates",
        "Children looked after: numbers and rates per 10,000 children",
        frozenset({"population_type", "rate_per_10000"}),
    ),
    EesDataset(
        "placement_stability",
        "Placement stability of children looked after",
        frozenset({"cla_group", "placement_stability"}),
    ),
    EesDataset(
        "sw_stability", "Number of social workers of children looked after", frozenset({"cla_group", "sw_stability"})
    ),
    EesDataset(
        "care_leavers_accommodation",
        "Care leavers: suitability of accommodation",
        frozenset({"care_leaver_age", "breakdown"}),
        ("breakdown", "accommodation considered suitable"),
    ),
    EesDataset(
        "care_leavers_activity",
        "Care leavers: activity (education, employment, training)",
        frozenset({"care_leaver_age", "breakdown"}),
        ("breakdown", "total in education, employment or training"),
    ),
    EesDataset(
        "health_outcomes",
        "Children looked after: health, SDQ, convictions, substance misuse",
        frozenset({"characteristic", "breakdown"}),
        ("breakdown", "had their annual health assessment"),
    ),
    EesDataset("workforce", "Children's social work workforce", frozenset({"caseload_fte", "agency_rate_fte"})),
    EesDataset(
        "adoption_timeliness",
        "Adoption: average time between stages (England)",
        frozenset({"stage_of_adoption_process"}),
    ),
    EesDataset(
        "population",
        "Mid-year population estimates (children aged 0 to 17)",
        frozenset({"age_group", "population_estimate"}),
    ),
)
"""Explore Education Statistics datasets cpb reads, tried in this order (extend here)."""

DATASETS: dict[str, str] = {
    **{d.dataset: d.title for d in EES_DATASETS},
    "lait": "Local Authority Interactive Tool: all measures (long table)",
    "lait_dictionary": "Local Authority Interactive Tool: data dictionary",
    "ofsted": "Ofsted: local authority children's services inspection outcomes",
    "la_codes": "LA numbers, names and regions",
}
"""Every dataset id with a title (statistical-neighbour models add ``sn_<year>``)."""

_GEOGRAPHY = {
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
    "la_code",
}
_LEVELS = {"national": "national", "regional": "regional", "local authority": "la"}
_LAIT_COLUMNS = ("Short Desc", "Years", "LA and Regions", "Values", "LA Number")
ENGLAND_CODE = "E92000001"

VALUE_COLUMNS = (
    "time_period",
    "year_end",
    "span_label",
    "revision",
    "level",
    "area_code",
    "area_name",
    "region_name",
    "filters",
    "measure",
    "value",
    "value_kind",
    "missing_reason",
    "raw",
)
"""Columns of the long table of figures every figure-holding reader returns (table ``values``).
``raw`` keeps the cell as printed when it is not a plain number (a symbol or a duration)."""


@dataclass(frozen=True)
class Release:
    """One DfE file, read and checked, ready to store."""

    file: str
    kind: str
    dataset: str
    sha256: str
    latest_period: str | None
    latest_year: int | None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def release(self) -> str:
        """Release id: dataset, latest period and the start of the file's SHA-256.

        >>> Release("f.csv", "ees", "cla_rates", "0123456789ab", "2025", 2025).release
        'cla_rates-2025-01234567'
        """
        parts = [self.dataset]
        if self.latest_period and not self.dataset.endswith(self.latest_period):
            parts.append(self.latest_period)
        parts.append(self.sha256[:8])
        return "-".join(parts)

    @property
    def rows(self) -> int:
        return int(sum(len(t) for t in self.tables.values()))


# ----------------------------------------------------------------------------- entry point
def read_release(path: Path | str) -> Release:
    """Read one DfE file of any kind cpb knows, or refuse it with a clear message."""
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise InputError(name, f"file not found: {path}")
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(name, f"not a DfE data file cpb reads (expected {', '.join(SUFFIXES)})")
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    if suffix == ".parquet":
        return _read_parquet(name, data, sha)
    if suffix == ".csv":
        return _read_csv(name, data, sha)
    return _read_workbook(name, data, sha, suffix)


def _unknown(name: str, what: str) -> InputError:
    return InputError(
        name,
        f"not a DfE file cpb recognises ({what}). cpb reads Explore Education Statistics CSVs "
        f"({', '.join(d.dataset for d in EES_DATASETS)}), the LAIT long table and data dictionary, "
        "statistical-neighbour lists, Ofsted's LA inspection outcomes and the LA code list",
    )


def _columns_text(columns) -> str:
    shown = [str(c) for c in columns][:12]
    more = len(columns) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


# ----------------------------------------------------------------------------- CSV
def _decode(name: str, data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(name, "cannot be read as text (not UTF-8 or Windows-1252)")


def _read_csv(name: str, data: bytes, sha: str) -> Release:
    text = _decode(name, data)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(name, f"not a readable CSV table: {str(exc).splitlines()[0]}") from None
    frame = frame.rename(columns=lambda c: str(c).strip())
    columns = set(frame.columns)
    if {"time_period", "geographic_level"} <= columns:
        return _read_ees(name, frame, sha)
    if set(_LAIT_COLUMNS) <= columns:
        return _read_lait(name, frame, sha)
    if {"Measure_short", "Polarity"} <= columns:
        return _read_dictionary(name, frame, sha)
    grid = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, header=None)
    if _find_header(grid, _is_sn_header) is not None:
        return _read_sn(name, {"": grid}, sha)
    raise _unknown(name, f"its columns are {_columns_text(frame.columns)}")


# ----------------------------------------------------------------------------- Explore Education Statistics
def _ees_dataset(name: str, frame: pd.DataFrame) -> EesDataset:
    columns = set(frame.columns)
    for candidate in EES_DATASETS:
        if not candidate.columns <= columns:
            continue
        if candidate.content is not None:
            column, value = candidate.content
            if not frame[column].str.strip().str.lower().eq(value).any():
                continue
        return candidate
    raise InputError(
        name,
        "is an Explore Education Statistics file, but not one of the datasets cpb reads "
        f"({', '.join(d.dataset for d in EES_DATASETS)}); its columns are {_columns_text(frame.columns)}",
    )


def _is_measure(cells: pd.Series, markers: set[str]) -> bool:
    counts = cells.value_counts()  # each distinct cell once, with how often it occurs
    text = pd.Series(counts.index, dtype="object").str.strip()
    weights = pd.Series(counts.to_numpy(), index=text.index)
    keep = text != ""
    text, weights = text[keep], weights[keep]
    if text.empty:
        return False
    cleaned = text.str.replace(",", "", regex=False)
    numbers = cleaned.str.match(_NUMBER_TEXT.pattern) | text.str.match(_DURATION.pattern)
    symbols = text.str.lower().isin(markers)
    # a column of figures may hold a few bad cells (reported when parsed); a filter column holds words
    return bool(numbers.any() and weights[numbers | symbols].sum() >= 0.5 * weights.sum())


def _explode_shared(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows published for two LAs together (``940 / 941``) become one row per LA with the shared figure."""
    shared = frame["area_code"].str.contains("/", regex=False)
    if not shared.any():
        return frame
    parts = frame.loc[shared].copy()
    for column in ("area_code", "area_name", "new_la_code"):
        split = parts[column].str.split(" / ", regex=False)
        parts[column] = split
    lengths = parts["area_code"].str.len()
    for column in ("area_name", "new_la_code"):
        parts[column] = [
            v if isinstance(v, list) and len(v) == n else [None] * n for v, n in zip(parts[column], lengths)
        ]
    parts = parts.explode(["area_code", "area_name", "new_la_code"])
    parts["area_code"] = parts["area_code"].str.strip()
    parts["shared"] = True
    return pd.concat([frame.loc[~shared], parts]).sort_index(kind="stable")


def _periods(name: str, periods: pd.Series, identifiers: pd.Series, rows: pd.Series) -> pd.DataFrame:
    pairs = periods.astype(str) + "\x00" + identifiers.astype(str)
    codes, uniques = pd.factorize(pairs)
    parsed = []
    for position, pair in enumerate(uniques):
        period, identifier = pair.split("\x00")
        result = parse_period(period, identifier)
        if result is None:
            first = rows.iloc[int(np.flatnonzero(codes == position)[0])]
            raise InputError(
                name, f"{period!r} is not a year this reader understands", row=int(first), column="time_period"
            )
        parsed.append(result)
    table = pd.DataFrame(parsed, columns=["year_end", "span_label", "revision"])
    picked = table.iloc[codes].set_axis(periods.index)
    return picked.astype({"year_end": "int64", "revision": "int64", "span_label": "object"})


def _read_ees(name: str, frame: pd.DataFrame, sha: str) -> Release:
    dataset = _ees_dataset(name, frame)
    frame = frame.assign(_row=np.arange(len(frame)) + 2)
    for column in (
        "time_identifier",
        "country_code",
        "region_code",
        "region_name",
        "old_la_code",
        "new_la_code",
        "la_name",
    ):
        if column not in frame.columns:
            frame[column] = ""
    level = frame["geographic_level"].str.strip().str.lower().map(_LEVELS)
    dropped = int(level.isna().sum())
    frame = frame.loc[level.notna()].assign(level=level[level.notna()])
    if frame.empty:
        raise InputError(name, "holds no national, regional or local authority rows")

    markers = set(missing_markers())
    candidates = [
        c
        for c in frame.columns
        if c not in _GEOGRAPHY and c not in {"_row", "level"} and not c.endswith(("_code", "_name"))
    ]
    measures = [c for c in candidates if _is_measure(frame[c], markers)]
    filters = [c for c in candidates if c not in measures]
    if not measures:
        raise InputError(name, "has no column of figures (every column holds text)")

    national = frame["level"] == "national"
    regional = frame["level"] == "regional"
    la_code = frame["old_la_code"].str.strip()
    if "la_code" in frame.columns:
        la_code = la_code.where(la_code != "", frame["la_code"].str.strip())
    area_code = np.select(
        [national, regional],
        [frame["country_code"].replace("", ENGLAND_CODE), frame["region_code"]],
        la_code,
    )
    area_name = np.select([national, regional], [frame["country_name"], frame["region_name"]], frame["la_name"])
    base = pd.DataFrame(
        {
            "time_period": frame["time_period"].str.strip(),
            "level": frame["level"],
            "area_code": pd.Series(area_code, index=frame.index).astype("object"),
            "area_name": pd.Series(area_name, index=frame.index).astype("object"),
            "region_name": frame["region_name"].where(~national, None).replace("", None),
            "new_la_code": frame["new_la_code"].replace("", None),
            "_row": frame["_row"],
        },
        index=frame.index,
    )
    bad_la = (base["level"] == "la") & ~base["area_code"].fillna("").str.match(r"^\d{3}(\s*/\s*\d{3})*$")
    if bad_la.any():
        first = base.loc[bad_la].iloc[0]
        raise InputError(
            name,
            f"local authority row without a 3-digit LA number ({first['area_code']!r})",
            row=int(first["_row"]),
            column="old_la_code",
        )
    if filters:
        pieces = [(c + "=") + frame[c].str.strip() for c in filters]
        filter_text = pieces[0]
        for piece in pieces[1:]:
            filter_text = filter_text + ";" + piece
        base["filters"] = filter_text
    else:
        base["filters"] = ""
    base = base.join(_periods(name, base["time_period"], frame["time_identifier"].str.strip(), frame["_row"]))
    base = _explode_shared(base.assign(shared=False)).rename_axis("_src").reset_index()

    long = []
    for measure in measures:
        cells = frame[measure].reindex(base["_src"]).set_axis(base.index)
        parsed = parse_cells(cells, name, measure, rows=base["_row"])
        parsed = parsed.assign(raw=cells.str.strip().where(parsed["value_kind"] != "number", None))
        long.append(base.assign(measure=measure).join(parsed))
    values = pd.concat(long, ignore_index=True).loc[:, list(VALUE_COLUMNS)]
    areas = _areas_from_values(base)
    latest_year, latest_period = _latest(values)
    notes = (f"skipped {dropped} rows at other geographic levels",) if dropped else ()
    return Release(
        name, "ees", dataset.dataset, sha, latest_period, latest_year, {"values": values, "areas": areas}, notes
    )


def _latest(values: pd.DataFrame) -> tuple[int | None, str | None]:
    if values.empty:
        return None, None
    with_value = values.loc[values["value"].notna()]
    pool = with_value if not with_value.empty else values
    latest = int(pool["year_end"].max())
    printed = pool.loc[pool["year_end"] == latest, "time_period"].iloc[0]
    printed = re.sub(r"\s*\(.*\)$", "", str(printed))
    return latest, printed.replace("/", "-")


def _areas_from_values(values: pd.DataFrame) -> pd.DataFrame:
    la = values.loc[values["level"] == "la", ["area_code", "new_la_code", "area_name", "region_name", "year_end"]]
    la = la.drop_duplicates()
    areas = (
        la.groupby(["area_code", "new_la_code", "area_name", "region_name"], dropna=False, sort=True)["year_end"]
        .max()
        .reset_index()
        .rename(columns={"area_code": "la_code", "area_name": "la_name"})
    )
    return areas.loc[:, ["la_code", "new_la_code", "la_name", "region_name", "year_end"]]


# ----------------------------------------------------------------------------- LAIT
def _read_parquet(name: str, data: bytes, sha: str) -> Release:
    try:
        frame = pd.read_parquet(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001  (pyarrow raises many kinds for a damaged file)
        raise InputError(name, f"not a readable parquet file: {str(exc).splitlines()[0]}") from None
    if set(_LAIT_COLUMNS) <= set(frame.columns):
        return _read_lait(name, frame, sha)
    raise _unknown(name, f"a parquet table with columns {_columns_text(frame.columns)}")


def _by_unique(series: pd.Series, func) -> pd.Series:
    """Apply ``func`` (a function of a Series) to the distinct values only, then spread back.

    >>> _by_unique(pd.Series([" a", "b", " a", None]), lambda s: s.str.strip()).tolist()
    ['a', 'b', 'a', None]
    """
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    mapped = pd.Series(
        func(pd.Series(uniques, dtype="object")).to_numpy(dtype=object).tolist() + [None], dtype="object"
    )
    return pd.Series(mapped.to_numpy()[np.where(codes < 0, len(uniques), codes)], index=series.index, dtype="object")


def _read_lait(name: str, frame: pd.DataFrame, sha: str) -> Release:
    rows = pd.Series(np.arange(len(frame)) + 2, index=frame.index)
    area_name = _by_unique(frame["LA and Regions"], lambda s: s.where(s.notna(), None).str.strip())
    number = pd.to_numeric(frame["LA Number"].astype("object").replace("", None), errors="coerce")
    if "Region" in frame.columns:
        region = _by_unique(frame["Region"], lambda s: s.where(s.fillna("NA").str.strip().str.upper() != "NA", None))
    else:
        region = pd.Series(None, index=frame.index, dtype="object")
    # England and the regions carry LAIT's own numbers (970, 980-990) and no region: tell them by that
    is_england = _by_unique(area_name, lambda s: s.fillna("").str.lower() == "england").astype(bool).to_numpy()
    is_la = ~is_england & number.notna().to_numpy() & region.notna().to_numpy()
    level = np.select([is_la, is_england], ["la", "national"], "regional")
    area_code = _by_unique(number, lambda s: s.map(lambda n: f"{int(n):03d}" if pd.notna(n) else None))
    area_code = area_code.where(is_la, None).where(~is_england, ENGLAND_CODE)
    region_name = region.where(is_la, area_name.where(level == "regional", None))

    years = _by_unique(frame["Years"], lambda s: s.astype(str).str.strip())
    parsed = {y: parse_period(y) for y in pd.unique(years)}
    unreadable = sorted(y for y, p in parsed.items() if p is None)
    keep = ~years.isin(unreadable).to_numpy()
    lookup = pd.DataFrame(
        [parsed[y] or (0, None, 0) for y in parsed], index=list(parsed), columns=["year_end", "span_label", "revision"]
    )
    period = lookup.reindex(years.to_numpy()).set_axis(frame.index)
    cells = parse_cells(frame["Values"], name, "Values", rows=rows)
    values = (
        pd.DataFrame(
            {
                "time_period": years,
                "year_end": period["year_end"],
                "span_label": period["span_label"].astype("object"),
                "revision": period["revision"],
                "level": level,
                "area_code": area_code,
                "area_name": area_name,
                "region_name": region_name,
                "filters": "",
                "measure": _by_unique(frame["Short Desc"], lambda s: s.astype(str).str.strip()),
                "value": cells["value"],
                "value_kind": cells["value_kind"],
                "missing_reason": cells["missing_reason"],
                "raw": frame["Values"].where(cells["value_kind"] != "number", None),
            },
            index=frame.index,
        )
        .loc[keep]
        .reset_index(drop=True)
    )
    values["year_end"] = values["year_end"].astype("int64")
    values["revision"] = values["revision"].astype("int64")
    areas = (
        values.loc[values["level"] == "la"]
        .groupby(["area_code", "area_name", "region_name"], dropna=False)["year_end"]
        .max()
        .reset_index()
        .rename(columns={"area_code": "la_code", "area_name": "la_name"})
        .assign(new_la_code=None)
        .loc[:, ["la_code", "new_la_code", "la_name", "region_name", "year_end"]]
    )
    latest_year, latest_period = _latest(values)
    notes = ()
    if unreadable:
        skipped = int((~keep).sum())
        notes = (f"skipped {skipped} rows whose year is not a year ({', '.join(map(repr, unreadable))})",)
    return Release(name, "lait", "lait", sha, latest_period, latest_year, {"values": values, "areas": areas}, notes)


_POLARITY = {"high": "high", "low": "low", "-": "none", "": "none"}


def _read_dictionary(name: str, frame: pd.DataFrame, sha: str) -> Release:
    def column(label: str) -> pd.Series:
        return frame[label].str.strip() if label in frame.columns else pd.Series("", index=frame.index)

    measure = column("Measure_short")
    polarity_text = column("Polarity").str.lower().replace({"na": "", "nan": ""})
    polarity = polarity_text.map(_POLARITY)
    bad = polarity.isna()
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            name,
            f"polarity {frame['Polarity'].iloc[position]!r} is not High, Low or -",
            row=position + 2,
            column="Polarity",
        )
    decimals = pd.to_numeric(column("dps").replace({"NA": ""}), errors="coerce").astype("Int64")
    measures = pd.DataFrame(
        {
            "measure": measure,
            "name": column("Measure"),
            "topic": column("Topic"),
            "polarity": polarity,
            "unit": column("y_axis_name").replace({"NA": ""}),
            "decimals": decimals,
            "year_type": column("Year_Type").replace({"NA": ""}),
            "quartiles": ~column("No_Quartile").str.upper().eq("N"),
        }
    )
    measures = measures.loc[measures["measure"] != ""].drop_duplicates("measure", keep="first").reset_index(drop=True)
    return Release(name, "lait_dictionary", "lait_dictionary", sha, None, None, {"measures": measures})


# ----------------------------------------------------------------------------- workbooks and grids
def _read_workbook(name: str, data: bytes, sha: str, suffix: str) -> Release:
    engine = "odf" if suffix == ".ods" else "openpyxl"
    try:
        book = pd.ExcelFile(io.BytesIO(data), engine=engine)
    except Exception as exc:  # noqa: BLE001  (zip, XML and odf errors)
        raise InputError(name, f"not a readable {suffix} workbook: {str(exc).splitlines()[0]}") from None
    with book:
        sheets = pd.read_excel(book, sheet_name=None, header=None, dtype=object)
    ofsted = {s: g for s, g in sheets.items() if _find_header(g, _is_ofsted_header) is not None}
    if ofsted:
        return _read_ofsted(name, ofsted, sha)
    sn = {s: g for s, g in sheets.items() if _find_header(g, _is_sn_header) is not None}
    if sn:
        return _read_sn(name, sn, sha)
    codes = {s: g for s, g in sheets.items() if _find_header(g, _is_code_list_header) is not None}
    if codes:
        return _read_code_list(name, codes, sha)
    raise _unknown(name, f"a workbook with sheets {', '.join(sheets)}")


def _cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _header_cells(grid: pd.DataFrame, row: int) -> list[str]:
    return [_cell_text(v).lower() for v in grid.iloc[row].tolist()]


def _find_header(grid: pd.DataFrame, test, scan: int = 15) -> int | None:
    for row in range(min(scan, len(grid))):
        if test(_header_cells(grid, row)):
            return row
    return None


_SN_CODE_HEADERS = ("la num", "la number", "old_la_code", "la_code", "la code")


def _is_sn_header(cells: list[str]) -> bool:
    return any(re.fullmatch(r"sn_?1", c) for c in cells) and any(c in _SN_CODE_HEADERS for c in cells)


def _is_ofsted_header(cells: list[str]) -> bool:
    return "local authority area code" in cells and "overall effectiveness" in cells


def _is_code_list_header(cells: list[str]) -> bool:
    return {"la number", "la name", "region"} <= set(cells)


def _model_year(name: str) -> str:
    years = re.findall(r"(?<!\d)(20\d{2})(?!\d)", name)
    if not years:
        raise InputError(
            name,
            "is a statistical-neighbour list but the file name does not say which model (year) it is; "
            "rename it to include the year, e.g. sn_model_2025.csv",
        )
    return years[-1]


def _read_sn(name: str, sheets: dict[str, pd.DataFrame], sha: str) -> Release:
    model = _model_year(name)
    frames, areas = [], []
    for grid in sheets.values():
        header = _find_header(grid, _is_sn_header)
        cells = _header_cells(grid, header)
        code_col = next(i for i, c in enumerate(cells) if c in _SN_CODE_HEADERS)
        name_col = next((i for i, c in enumerate(cells) if c in ("la name", "la_name")), None)
        region_col = next((i for i, c in enumerate(cells) if c in ("goreg", "region_name", "region")), None)
        ranks = [(i, int(m[1])) for i, c in enumerate(cells) if (m := re.fullmatch(r"sn_?(\d+)", c))]
        body = grid.iloc[header + 1 :]
        codes = body.iloc[:, code_col].map(_cell_text)
        sheet_rows = pd.Series(body.index + 1, index=body.index)  # the sheet's own row number (row 1 = first line)
        neighbour_cells = body.iloc[:, [i for i, _ in ranks]].map(_cell_text)
        is_la = codes.str.fullmatch(r"\d{3}")
        stray = ~is_la & neighbour_cells.ne("").any(axis=1)
        if stray.any():
            where = stray.idxmax()
            raise InputError(
                name,
                f"row has neighbours but no 3-digit LA number ({codes[where]!r})",
                row=int(sheet_rows[where]),
                column=cells[code_col] or None,
            )
        body, codes, sheet_rows = body.loc[is_la], codes[is_la], sheet_rows[is_la]
        for position, rank in ranks:
            neighbour = body.iloc[:, position].map(_cell_text)
            closeness = body.iloc[:, position + 1].map(_cell_text) if position + 1 < body.shape[1] else ""
            listed = ~neighbour.str.lower().isin(set(missing_markers()))
            bad = listed & ~neighbour.str.fullmatch(r"\d{3}")
            if bad.any():
                where = bad.idxmax()
                raise InputError(
                    name,
                    f"neighbour {neighbour[where]!r} is not a 3-digit LA number",
                    row=int(sheet_rows[where]),
                    column=f"SN{rank}",
                )
            frames.append(
                pd.DataFrame(
                    {
                        "model": model,
                        "la_code": codes,
                        "la_name": body.iloc[:, name_col].map(_cell_text) if name_col is not None else None,
                        "rank": rank,
                        "neighbour": neighbour,
                        "closeness": closeness,
                    }
                ).loc[listed]
            )
        areas.append(
            pd.DataFrame(
                {
                    "la_code": codes,
                    "new_la_code": None,
                    "la_name": body.iloc[:, name_col].map(_cell_text) if name_col is not None else None,
                    "region_name": body.iloc[:, region_col].map(_cell_text) if region_col is not None else None,
                    "year_end": int(model),
                }
            )
        )
    neighbours = pd.concat(frames, ignore_index=True).sort_values(["la_code", "rank"], kind="stable")
    duplicate = neighbours.duplicated(["la_code", "rank"])
    if duplicate.any():
        code = neighbours.loc[duplicate, "la_code"].iloc[0]
        raise InputError(name, f"lists LA {code} twice")
    area_frame = pd.concat(areas, ignore_index=True).drop_duplicates("la_code")
    return Release(
        name,
        "sn",
        f"sn_{model}",
        sha,
        model,
        int(model),
        {"neighbours": neighbours.reset_index(drop=True), "areas": area_frame},
    )


JUDGEMENTS = {
    "outstanding": "outstanding",
    "good": "good",
    "requires improvement to be good": "requires_improvement",
    "requires improvement": "requires_improvement",
    "inadequate": "inadequate",
}
"""Ofsted overall effectiveness judgements as printed (lower case) and as stored."""


_AS_AT = re.compile(r"\bas at (\d{1,2} [A-Za-z]+ \d{4})\b")


def _as_at(grid: pd.DataFrame, header: int) -> pd.Timestamp | None:
    """The date a sheet's title says its judgements are as at (``... as at 31 March 2025``), if it says one.

    >>> _as_at(pd.DataFrame([["Local authority inspection judgements as at 31 March 2025"], ["Web link"]]), 1)
    Timestamp('2025-03-31 00:00:00')
    """
    for row in range(header):
        for cell in grid.iloc[row].tolist():
            match = _AS_AT.search(_cell_text(cell))
            if match:
                moment = pd.to_datetime(match[1], format="%d %B %Y", errors="coerce")
                if pd.notna(moment):
                    return moment
    return None


def _read_ofsted(name: str, sheets: dict[str, pd.DataFrame], sha: str) -> Release:
    frames = []
    stated = []
    for sheet, grid in sheets.items():
        header = _find_header(grid, _is_ofsted_header)
        cells = _header_cells(grid, header)
        stated.append(_as_at(grid, header))

        def find(test, cells=cells) -> int | None:
            return next((i for i, c in enumerate(cells) if test(c)), None)

        code_col = cells.index("local authority area code")
        overall_col = cells.index("overall effectiveness")
        name_col = find(lambda c: c == "local authority name")
        date_col = find(lambda c: c.startswith("inspection") and c.endswith("date"))
        published_col = find(lambda c: c == "publication date")
        type_col = find(lambda c: c.startswith("inspection") and c.endswith("type"))
        if date_col is None:
            raise InputError(name, f"sheet {sheet!r} has no inspection date column", row=header + 1)
        body = grid.iloc[header + 1 :]
        overall_text = body.iloc[:, overall_col].map(_cell_text)
        body = body.loc[overall_text != ""]
        overall_text = overall_text.loc[body.index]
        overall = overall_text.str.lower().map(JUDGEMENTS)
        if overall.isna().any():
            where = overall.isna().idxmax()
            raise InputError(
                name,
                f"{overall_text[where]!r} is not an Ofsted judgement "
                "(Outstanding, Good, Requires improvement to be good, Inadequate)",
                row=int(where) + 1,
                column="Overall effectiveness",
            )
        inspected = pd.to_datetime(body.iloc[:, date_col], errors="coerce")
        if inspected.isna().any():
            where = inspected.isna().idxmax()
            raise InputError(
                name,
                f"{_cell_text(body.loc[where].iloc[date_col])!r} is not a date",
                row=int(where) + 1,
                column=cells[date_col],
            )
        published = (
            pd.to_datetime(body.iloc[:, published_col], errors="coerce")
            if published_col is not None
            else pd.Series(pd.NaT, index=body.index)
        )
        frames.append(
            pd.DataFrame(
                {
                    "area_code": body.iloc[:, code_col].map(_cell_text),
                    "la_name": body.iloc[:, name_col].map(_cell_text) if name_col is not None else None,
                    "inspection_type": body.iloc[:, type_col].map(_cell_text) if type_col is not None else None,
                    "inspection_date": inspected.dt.date,
                    "publication_date": published.dt.date.where(published.notna(), None),
                    "overall": overall,
                }
            )
        )
    inspections = (
        pd.concat(frames, ignore_index=True)
        .sort_values(["area_code", "inspection_date", "inspection_type"], na_position="first", kind="stable")
        .drop_duplicates(["area_code", "inspection_date"], keep="last")
        .reset_index(drop=True)
    )
    if inspections.empty:
        raise InputError(name, "holds no inspection judgements")
    # the release's period: the date the file says it is as at, else its latest inspection
    latest = max([max(inspections["inspection_date"]), *(d.date() for d in stated if d is not None)])
    return Release(name, "ofsted", "ofsted", sha, latest.isoformat(), latest.year, {"inspections": inspections})


def _read_code_list(name: str, sheets: dict[str, pd.DataFrame], sha: str) -> Release:
    frames = []
    for grid in sheets.values():
        header = _find_header(grid, _is_code_list_header)
        cells = _header_cells(grid, header)
        body = grid.iloc[header + 1 :]
        codes = body.iloc[:, cells.index("la number")].map(_cell_text)
        keep = codes.str.fullmatch(r"\d{3}")
        frames.append(
            pd.DataFrame(
                {
                    "la_code": codes[keep],
                    "new_la_code": None,
                    "la_name": body.loc[keep].iloc[:, cells.index("la name")].map(_cell_text),
                    "region_name": body.loc[keep].iloc[:, cells.index("region")].map(_cell_text),
                    "year_end": None,
                }
            )
        )
    areas = pd.concat(frames, ignore_index=True).drop_duplicates("la_code")
    return Release(name, "la_codes", "la_codes", sha, None, None, {"areas": areas})
