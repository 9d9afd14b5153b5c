"""Placing every cell of a council's scorecard: pure, no file access.

A scorecard is a row per indicator with, beside its name, columns of figures (one per period), targets
or range ends, benchmarks, notes and descriptions. :func:`place_cells` reads each cell through the
mapping (:mod:`cpblib.adopt._mapping`) into what a project keeps: catalogue rows for the indicators the
catalogue does not know yet, targets, benchmarks and the figures of an extract. A cell it cannot place
is listed with its sheet, row, column, text and why, never dropped: a column the mapping does not name,
a target without a polarity to judge it by, a benchmark that is a suppression mark or words. Wrong data
stops the import as it stops ``cpb load``, with one line naming the file, row and column: a figure cpb
cannot read (``about 66``, a formula), a figure on a row that names no indicator, an indicator given on
two rows.

What is placed is written in the forms cpb's readers take (figures as the scorecard writes them, periods
as its headers say), so the project's own checks read it (:mod:`cpblib.adopt._write` runs them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..config import Calendar
from ..errors import InputError
from ..inputs.catalogue import INDICATOR_COLUMNS, SLUG
from ..inputs.extract import (
    PROVISIONAL_MARK,
    cell_problem,
    indicator_lookup,
    looks_like_formula,
    normalise_name,
    parse_cells,
    show,
    words_only,
    yes_no,
)
from ..inputs.files import Table
from ..month import Month, MonthError
from ..naming import slugify
from ..period import Period
from ._mapping import Mapping, MappingError

FREQUENCY_OF_MONTHS = {1: "monthly", 3: "quarterly", 12: "annual"}
"""The frequency of a new indicator whose shortest period column with a figure is this many months long."""

DECIMALS = {"count": 0, "percent": 1, "rate_per_10000": 1, "days": 0, "score": 1, "ratio": 2, "percent_change": 1}
"""Decimal places shown for a new indicator of each unit when the scorecard does not say."""

DESCRIBING = ("alias", "domain", "unit", "polarity", "decimals", "definition", "dfe_ref")
"""Roles that describe an indicator: used for a new one, kept as the catalogue has them for a known one."""

EXTRACT_COLUMNS = ("indicator", "period", "value", "note", "provisional")
"""The long extract the import writes."""


@dataclass(frozen=True)
class Unplaced:
    """A cell of the scorecard that is in none of the files written, and why."""

    sheet: str | None
    row: int
    column: str
    text: str
    why: str


@dataclass(frozen=True)
class PeriodColumn:
    """A column of figures: its header, the period text written to the extract, and the period it is."""

    header: str
    text: str
    period: Period
    provisional: bool


@dataclass(frozen=True)
class Placement:
    """Where every cell of a scorecard went: rows for each of the project's files, and what was left."""

    file: str
    sheet: str | None
    month: Month
    indicators: pd.DataFrame
    matched: tuple[tuple[str, str], ...]
    targets: pd.DataFrame
    benchmarks: pd.DataFrame
    figures: pd.DataFrame
    unplaced: tuple[Unplaced, ...]
    headings: tuple[tuple[int, str], ...] = field(default=())
    warnings: tuple[str, ...] = field(default=())


UNIT_WORDS: tuple[tuple[str, str], ...] = (
    (r"per 10,?000|per 10k\b", "rate_per_10000"),
    (r"^%|%$|\bpercent|\bpercentage\b|\(%\)", "percent"),
    (r"\bdays\b", "days"),
)
"""Words in an indicator's name that say its unit, when no cell or mapping key does (first match wins)."""


def unit_from_name(name: str) -> str | None:
    """The unit an indicator's name gives away, or None.

    >>> [unit_from_name(n) for n in ("CLA rate per 10,000", "% care leavers in EET", "Average days to adoption",
    ...                               "Number of children looked after")]
    ['rate_per_10000', 'percent', 'days', None]
    """
    import re

    return next((unit for words, unit in UNIT_WORDS if re.search(words, name, flags=re.IGNORECASE)), None)


def _number_text(value: float) -> str:
    """A figure as it is written to a project file.

    >>> _number_text(60.0), _number_text(12.25), _number_text(1234567.0)
    ('60', '12.25', '1234567')
    """
    return format(value, ".15g")


def _filled(cell: object) -> bool:
    return isinstance(cell, str) and bool(cell.strip())


def period_columns(
    headers: list[str], mapping: Mapping, mapping_file: str, taken: set[str], calendar: Calendar
) -> list[PeriodColumn]:
    """The period columns of a scorecard: the mapping's list, or (``auto``) every other header that reads as a
    period; each header's period through ``[periods] read_as`` when given there.

    >>> from cpblib.adopt._mapping import parse_mapping
    >>> m = parse_mapping('[columns]\\nindicator = "Name"\\n[periods.read_as]\\n"Apr-Jun" = "Q1 2019/20"\\n', "m.toml")
    >>> [(p.header, p.period.label) for p in period_columns(["Name", "Apr-Jun", "2019/20 (p)", "RAG"], m, "m.toml",
    ...  {"Name"}, Calendar())]
    [('Apr-Jun', 'Q1 2019/20'), ('2019/20 (p)', '2019/20')]
    """
    fy = calendar.financial_year_start
    explicit = mapping.periods.columns != "auto"
    chosen = list(mapping.periods.columns) if explicit else [h for h in headers if h not in taken]
    for header in mapping.periods.read_as:
        if header not in headers:
            raise MappingError(mapping_file, f"periods.read_as.{header}", f"no column {header!r} in the scorecard")
        if header not in chosen:
            chosen.append(header)
    found: list[PeriodColumn] = []
    for index, header in enumerate(chosen):
        key = f"periods.read_as.{header}" if header in mapping.periods.read_as else f"periods.columns[{index}]"
        if explicit and header not in headers:
            raise MappingError(mapping_file, key, f"no column {header!r} in the scorecard")
        if header in taken:
            raise MappingError(mapping_file, key, f"the column {header!r} is named for another role too")
        text = mapping.periods.read_as.get(header, PROVISIONAL_MARK.sub("", header))
        try:
            period = Period.parse(text, financial_year_start=fy, academic_year_start=calendar.academic_year_start)
        except MonthError as exc:
            if explicit or header in mapping.periods.read_as:
                raise MappingError(mapping_file, key, f"{header!r} is not a period cpb reads: {exc}") from None
            continue  # auto: a column that is no period is listed cell by cell as not in the mapping
        twin = next((p for p in found if (p.period.end, p.period.months) == (period.end, period.months)), None)
        if twin is not None:
            raise MappingError(mapping_file, key, f"columns {twin.header!r} and {header!r} are both {period.label}")
        found.append(PeriodColumn(header, text, period, PROVISIONAL_MARK.search(header) is not None))
    return sorted(found, key=lambda p: (p.period.end, p.period.months))


def unnamed_column_why(header: str, calendar: Calendar = Calendar()) -> str:
    """Why a cell of a column the mapping does not name is left; for a header with figures in it, what to write
    if the column holds a period's figures.

    >>> unnamed_column_why("RAG")
    'the mapping does not name this column'
    >>> unnamed_column_why("Q1 23/24")
    "the mapping does not name this column; if it holds a period's figures, give the period in [periods.read_as] (cpb does not read 'Q1 23/24' as one)"
    """
    import re

    why = "the mapping does not name this column"
    if not re.search(r"\d", header):
        return why
    try:
        Period.parse(PROVISIONAL_MARK.sub("", header), financial_year_start=calendar.financial_year_start)
    except MonthError:
        return f"{why}; if it holds a period's figures, give the period in [periods.read_as] (cpb does not read {show(header)} as one)"
    return f"{why}: it is a period, but not one of the mapping's [periods] columns"


def _roles(headers: list[str], mapping: Mapping, mapping_file: str) -> dict[str, str]:
    """Header -> role for every column the mapping names (periods apart); a header missing from the
    scorecard, or named twice, is the mapping's mistake."""
    roles: dict[str, str] = {}
    named = [(f"columns.{role}", header, role) for role, header in mapping.columns.roles()]
    named += [(f"benchmarks[{i}].column", b.column, f"benchmark:{i}") for i, b in enumerate(mapping.benchmarks)]
    for key, header, role in named:
        if header not in headers:
            shown = ", ".join(repr(h) for h in headers[:20])
            raise MappingError(mapping_file, key, f"no column {header!r} in the scorecard (its columns: {shown})")
        if header in roles:
            raise MappingError(mapping_file, key, f"the column {header!r} is named for another role too")
        roles[header] = role
    return roles


def _unique_slug(name: str, taken: set[str]) -> str:
    base = slugify(name)[:60].strip("-") or "indicator"
    slug, number = base, 2
    while slug in taken or not SLUG.match(slug):
        slug, number = f"{base}-{number}", number + 1
    taken.add(slug)
    return slug


def place_cells(
    table: Table,
    mapping: Mapping,
    mapping_file: str,
    catalogue: pd.DataFrame,
    calendar: Calendar = Calendar(),
    month: Month | str | None = None,
) -> Placement:
    """Place every cell of ``table`` (a scorecard read by :func:`cpblib.inputs.files.read_table`) through
    ``mapping`` beside the project's typed ``catalogue``; ``month`` is the report month or quarter the
    extract is for (default: the mapping's ``month``, else the latest period column's end).

    Indicators are matched to the catalogue by id, name or alias; a known indicator keeps its catalogue
    row (its describing cells are listed as unplaced), a new one gets a row. ``table`` is not modified.

    >>> from cpblib.adopt._mapping import parse_mapping
    >>> from cpblib.inputs.load import empty_table
    >>> frame = pd.DataFrame([["Visits", "88%", "awaiting data", "A"]], columns=["Name", "Q3 2022/23", "Q4 2022/23", "RAG"])
    >>> placed = place_cells(Table("card.csv", frame, (2,)), parse_mapping('[columns]\\nindicator = "Name"', "m"),
    ...                      "m", empty_table(INDICATOR_COLUMNS))
    >>> placed.indicators.loc[0, ["indicator", "unit", "frequency"]].tolist(), placed.figures["value"].tolist()
    (['visits', 'percent', 'quarterly'], ['88%', 'awaiting data'])
    >>> [(u.row, u.column, u.text, u.why) for u in placed.unplaced]
    [(2, 'RAG', 'A', 'the mapping does not name this column')]
    """
    headers = [str(h) for h in table.frame.columns]
    roles = _roles(headers, mapping, mapping_file)
    periods = period_columns(headers, mapping, mapping_file, set(roles), calendar)
    if not periods:
        raise MappingError(
            mapping_file, "periods.columns", f"no column of {table.file} reads as a period (such as Q4 2019/20)"
        )
    by_header = {p.header: p for p in periods}
    report = _report_month(month if month is not None else mapping.month, periods, calendar, mapping_file)
    from_month = mapping.targets.from_month or str(min(p.period.first for p in periods))
    lookup = indicator_lookup(catalogue) if len(catalogue) else {}
    known_units = dict(zip(catalogue["indicator"], catalogue["unit"])) if len(catalogue) else {}
    known_methods = dict(zip(catalogue["indicator"], catalogue["rag_method"])) if len(catalogue) else {}
    slugs = set(catalogue["indicator"]) if len(catalogue) else set()
    sheet = table.sheet
    unplaced: list[Unplaced] = []
    new_rows: list[dict[str, object]] = []
    matched: list[tuple[str, str]] = []
    targets: list[dict[str, object]] = []
    benchmarks: list[dict[str, object]] = []
    figures: list[dict[str, object]] = []
    headings: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    domain = mapping.defaults.domain
    name_column = mapping.columns.indicator

    def leave(row: int, header: str, text: object, why: str) -> None:
        unplaced.append(Unplaced(sheet, row, header, str(text), why))

    aim_headers = [getattr(mapping.columns, r) for r in ("target", "range_lower", "range_upper")]
    reads = {p.header: _read_column(table.frame[p.header], unmark=True) for p in periods}
    reads |= {h: _read_column(table.frame[h]) for h in [*aim_headers, *(b.column for b in mapping.benchmarks)] if h}

    for position, row in enumerate(table.rows):
        cells = {h: c for h, c in zip(headers, table.frame.iloc[position].tolist()) if _filled(c)}
        if not cells:
            continue
        name = " ".join(str(cells.get(name_column, "")).split())
        others = [h for h in cells if h != name_column]
        if not name:
            figure = next((h for h in others if h in by_header), None)
            if figure is not None:  # a figure nobody can say the indicator of
                raise InputError(table.file, "a figure on a row that names no indicator", row=row, column=figure)
            for header in others:
                leave(row, header, cells[header], "the row names no indicator")
            continue
        if looks_like_formula(name):
            raise InputError(table.file, cell_problem(name), row=row, column=name_column)
        alias = " ".join(str(cells.get(mapping.columns.alias or "", "")).replace("|", "/").split())
        found = lookup.get(normalise_name(name)) or (lookup.get(normalise_name(alias)) if alias else None)
        if not others and found is None and mapping.headings:  # a section heading, such as "Health"
            headings.append((row, name))
            if mapping.columns.domain is None:
                domain = name
            else:
                leave(row, name_column, name, "a name with nothing beside it: taken as a heading, not an indicator")
            continue
        if isinstance(found, tuple):
            raise InputError(
                table.file,
                f"{show(name)} matches more than one indicator of the catalogue ({', '.join(found)}); use the id",
                row=row,
                column=name_column,
            )
        key = found or normalise_name(name)
        if key in seen:
            raise InputError(
                table.file, f"the indicator {show(name)} is on row {seen[key]} already", row=row, column=name_column
            )
        seen[key] = row

        # -- figures -------------------------------------------------------------------------------
        placed: list[dict[str, object]] = []
        percent = False
        for header in others:
            column = by_header.get(header)
            if column is None:
                continue
            text, read = cells[header], reads[header][position]
            if not read.ok and not read.words:
                raise InputError(
                    table.file, cell_problem(PROVISIONAL_MARK.sub("", text).strip()), row=row, column=header
                )
            percent = percent or read.percent
            placed.append(
                {
                    "period": column.text,
                    "value": text,
                    "note": None,
                    "provisional": "yes" if column.provisional else None,
                    "source_row": row,
                    "source_column": header,
                    "_number": read.value,
                    "_end": column.period.end,
                    "_months": column.period.months,
                }
            )
        latest = max(placed, key=lambda f: (f["_end"], -f["_months"])) if placed else None
        for role, why_none in (("note", "a note"), ("provisional", "a provisional mark")):
            header = getattr(mapping.columns, role)
            if header is None or header not in cells:
                continue
            text = cells[header]
            if latest is None:
                leave(row, header, text, f"{why_none} but the row has no figure to attach it to")
            elif role == "note" and looks_like_formula(text):
                leave(row, header, text, cell_problem(text))
            elif role == "note":
                latest["note"] = " ".join(text.split())
            else:
                flag = yes_no(pd.Series([text], dtype=object)).iloc[0]
                if flag["problem"] is not None:
                    leave(row, header, text, flag["problem"])
                elif flag["flag"]:
                    latest["provisional"] = "yes"

        # -- the indicator --------------------------------------------------------------------------
        if found is not None:
            slug = found
            matched.append((name, slug))
            unit, method = known_units[slug], known_methods[slug]
            for header in others:
                if roles.get(header) == "alias" and lookup.get(normalise_name(alias)) == slug:
                    continue  # the catalogue knows it by this name too
                if roles.get(header) in DESCRIBING:
                    leave(row, header, cells[header], f"{slug} is in the catalogue already: its description is kept")
            polarity = None
        else:
            slug = _unique_slug(name, slugs)
            described = {**_describe(row, cells, mapping, roles, leave), **mapping.about(name)}
            if mapping.columns.domain is not None and described.get("domain"):
                domain = described["domain"]  # carried down to rows below whose cell is blank (merged cells)
            unit = described.get("unit") or ("percent" if percent else unit_from_name(name) or mapping.defaults.unit)
            polarity = described.get("polarity") or mapping.defaults.polarity
            shortest = min((f["_months"] for f in placed), default=min(p.period.months for p in periods))
            method = "none"
            new_rows.append(
                {
                    "indicator": slug,
                    "name": name,
                    "domain": described.get("domain") or domain,  # a blank cell: the page of the row above
                    "unit": unit,
                    "polarity": polarity,
                    "decimals": described.get("decimals") or str(DECIMALS.get(unit, 1)),
                    "frequency": described.get("frequency")
                    or mapping.defaults.frequency
                    or FREQUENCY_OF_MONTHS[shortest],
                    "period_type": described.get("period_type") or mapping.defaults.period_type,
                    "year_type": described.get("year_type"),
                    "rag_method": "none",
                    "dfe_ref": described.get("dfe_ref"),
                    "definition": described.get("definition"),
                    "source_system": mapping.defaults.source_system,
                    "aliases": None if alias in ("", name) or looks_like_formula(alias) else alias,
                    "source_row": row,
                    "source_column": name_column,
                }
            )
        figures += [{"indicator": slug, **f} for f in placed]

        # -- target or range --------------------------------------------------------------------------
        aims = {}
        for role in ("target", "range_lower", "range_upper"):
            header = getattr(mapping.columns, role)
            if header is None or header not in cells:
                continue
            read = reads[header][position]
            if not read.ok and read.words:
                leave(row, header, cells[header], "words, not a number: nothing to rate against")
                continue
            if not read.ok:
                raise InputError(table.file, cell_problem(cells[header].strip()), row=row, column=header)
            if read.value is None:
                leave(row, header, cells[header], f"no figure ({read.reason}): nothing to rate against")
                continue
            aims[role] = (header, read.value)
        ends = [r for r in ("range_lower", "range_upper") if r in aims]
        if len(ends) == 1:
            header, value = aims.pop(ends[0])
            leave(row, header, cells[header], "a range needs both ends, and the other is blank")
        elif len(ends) == 2 and "target" in aims:
            header, _ = aims.pop("target")
            leave(row, header, cells[header], "the row gives a range too: the indicator is rated against the range")
        wanted = "range" if "range_lower" in aims else "target" if "target" in aims else None
        if wanted is not None and found is None and wanted == "target" and polarity not in ("high", "low"):
            header, _ = aims.pop("target")
            leave(
                row, header, cells[header], "a target needs a polarity (high or low) to judge by, and the row has none"
            )
            wanted = None
        if wanted is not None and found is not None and method != wanted:
            for role in list(aims):
                header, _ = aims.pop(role)
                leave(row, header, cells[header], f"{slug} is rated by rag_method '{method}' in the catalogue")
            wanted = None
        if wanted is not None:
            if found is None:
                new_rows[-1]["rag_method"] = wanted
            targets.append(
                {
                    "indicator": slug,
                    "from_month": from_month,
                    "target": _number_text(aims["target"][1]) if wanted == "target" else None,
                    "range_lower": _number_text(aims["range_lower"][1]) if wanted == "range" else None,
                    "range_upper": _number_text(aims["range_upper"][1]) if wanted == "range" else None,
                    "source": mapping.targets.source,
                    "source_row": row,
                    "source_column": aims["target" if wanted == "target" else "range_lower"][0],
                }
            )

        # -- benchmarks ----------------------------------------------------------------------------
        for index, bench in enumerate(mapping.benchmarks):
            if bench.column not in cells:
                continue
            text, read = cells[bench.column], reads[bench.column][position]
            if not read.ok and read.words:
                leave(row, bench.column, text, "words, not a number: benchmarks are figures")
                continue
            if not read.ok:
                raise InputError(table.file, cell_problem(text.strip()), row=row, column=bench.column)
            if read.value is None:
                leave(row, bench.column, text, f"no figure ({read.reason}): benchmarks are figures")
                continue
            value = read.value
            benchmarks.append(
                {
                    "indicator": slug,
                    "comparator": bench.comparator,
                    "year": bench.year,
                    "value": _number_text(value),
                    "source": bench.source,
                    "figure": None,
                    "source_row": row,
                    "source_column": bench.column,
                }
            )

        # -- everything else -----------------------------------------------------------------------
        for header in others:
            if header not in roles and header not in by_header:
                leave(row, header, cells[header], unnamed_column_why(header, calendar))

    warnings = fraction_warnings(figures, {**known_units, **{r["indicator"]: r["unit"] for r in new_rows}})
    return Placement(
        file=table.file,
        sheet=sheet,
        month=report,
        indicators=pd.DataFrame(
            new_rows, columns=[*(c.name for c in INDICATOR_COLUMNS), "source_row", "source_column"], dtype=object
        ),
        matched=tuple(matched),
        targets=pd.DataFrame(targets, dtype=object),
        benchmarks=pd.DataFrame(benchmarks, dtype=object),
        figures=pd.DataFrame(
            [{k: v for k, v in f.items() if not k.startswith("_")} for f in figures],
            columns=[*EXTRACT_COLUMNS, "source_row", "source_column"],
            dtype=object,
        ),
        unplaced=tuple(sorted(unplaced, key=lambda u: (u.row, headers.index(u.column)))),
        headings=tuple(headings),
        warnings=warnings,
    )


@dataclass(frozen=True)
class _Read:
    """A cell read as cpb reads a figure: its value (None when missing or unread), the missing-value reason,
    whether it read at all, whether it had a % sign, and whether it is words and no figure."""

    value: float | None
    reason: str | None
    ok: bool
    percent: bool
    words: bool


def _read_column(texts: pd.Series, unmark: bool = False) -> list[_Read]:
    """Every cell of a column read at once (``unmark``: without a provisional mark such as ``(p)``).

    >>> [(r.value, r.ok, r.words) for r in _read_column(pd.Series(["58.0 (p)", "tbc", "about 6"]), unmark=True)]
    [(58.0, True, False), (None, False, True), (None, False, False)]
    """
    bare = texts.astype(object).map(lambda t: PROVISIONAL_MARK.sub("", t) if unmark and isinstance(t, str) else t)
    read, words = parse_cells(bare), words_only(bare)
    return [
        _Read(None if pd.isna(v) else float(v), r, bool(o), bool(p), bool(w))
        for v, r, o, p, w in zip(read["value"], read["missing_reason"], read["ok"], read["percent_sign"], words)
    ]


def fraction_warnings(figures: list[dict[str, object]], units: dict[str, str]) -> tuple[str, ...]:
    """A warning for each percentage whose every figure lies between 0 and 1: most likely a share typed as a
    fraction (0.91 for 91%), which would be read as 0.91%.

    >>> fraction_warnings([{"indicator": "eet", "value": "0.55", "_number": 0.55},
    ...                    {"indicator": "eet", "value": "0.6", "_number": 0.6}], {"eet": "percent"})
    ('eet: every figure is between 0 and 1, so 0.55 is read as 0.55%; if the scorecard holds fractions (0.91 for 91%), show them as percentages in the workbook or multiply them by 100',)
    """
    by_indicator: dict[str, list[tuple[str, float]]] = {}
    for figure in figures:
        if units.get(str(figure["indicator"])) != "percent":
            continue
        if figure.get("_number") is not None:
            by_indicator.setdefault(str(figure["indicator"]), []).append((str(figure["value"]), figure["_number"]))
    return tuple(
        f"{slug}: every figure is between 0 and 1, so {values[0][0]} is read as {values[0][0]}%; if the scorecard "
        "holds fractions (0.91 for 91%), show them as percentages in the workbook or multiply them by 100"
        for slug, values in by_indicator.items()
        if all(0 < v < 1 for _, v in values) and not any(text.endswith("%") for text, _ in values)
    )


def _describe(row: int, cells: dict[str, str], mapping: Mapping, roles: dict[str, str], leave) -> dict[str, str]:
    """A new indicator's describing cells, read; a cell that reads as nothing the mapping knows is left."""
    described: dict[str, str] = {}
    for header, role in roles.items():
        if role not in DESCRIBING or header not in cells:
            continue
        text = " ".join(cells[header].split())
        if looks_like_formula(text):
            leave(row, header, text, cell_problem(text))
        elif role == "unit":
            code = mapping.unit_code(text)
            if code is None:
                leave(row, header, text, "not a unit: add it to the mapping's [units]")
            else:
                described[role] = code
        elif role == "polarity":
            code = mapping.polarity_code(text)
            if code is None:
                leave(row, header, text, "not a polarity: add it to the mapping's [polarity] (high, low or none)")
            else:
                described[role] = code
        elif role == "decimals":
            if text.isdigit() and int(text) <= 6:
                described[role] = text
            else:
                leave(row, header, text, "decimal places are a whole number from 0 to 6")
        else:
            described[role] = text
    return described


def _report_month(value: Month | str | None, periods: list[PeriodColumn], calendar: Calendar, file: str) -> Month:
    latest = max(p.period.end for p in periods)
    try:
        return calendar.report_period(latest if value is None else value)
    except MonthError as exc:
        if value is None:
            raise MappingError(
                file, "month", f"the latest period column ends in {latest.label}, which is no report period: {exc}"
            ) from None
        raise MappingError(file, "month", str(exc)) from None
