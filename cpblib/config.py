"""Project configuration: ``cpb.toml`` at the project root.

Declaring the settings (the models below) is kept apart from finding and
reading the file (:func:`load_config`). Every key is validated on load and a
bad key or value is reported by its dotted name.

>>> cfg = ProjectConfig.model_validate({"authority": {"name": "Dorset", "la_code": "838"}})
>>> cfg.rag.red_rule, cfg.calendar.financial_year_start, cfg.comparators.show
('relative', 4, ['england', 'region', 'sn', 'good_sn'])
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import ConfigError
from .limits import MAX_FIGURE, MAX_SETTINGS_BYTES
from .month import Month, MonthError
from .period import Period

CONFIG_FILE = "cpb.toml"

BUILT_IN_COMPARATORS = ("england", "region", "sn", "good_sn")
"""The built-in comparators, filled from DfE data (:mod:`cpblib.dfe`) or typed into ``benchmarks.csv``."""

COMPARATORS = BUILT_IN_COMPARATORS
"""The comparators DfE data gives (the built-in ones); a project declares more in ``cpb.toml`` [comparators]."""

BUILT_IN_LABELS = {
    "england": "England",
    "region": "Region",
    "sn": "Statistical neighbours",
    "good_sn": "Good/Outstanding SN",
}
"""How the built-in comparators are named when ``cpb.toml`` gives no label."""

COMPARATOR_NAME = re.compile(r"[a-z][a-z0-9_]{0,29}")
"""A comparator's name: it becomes part of column names (``<name>_value``...) and of chart layer names."""

RESERVED_COMPARATOR_NAMES = ("previous",)
"""Names whose columns would collide with a scored month's own (``previous_value``)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)  # infinity is no setting


class Authority(_Strict):
    name: str = Field(min_length=1, description="Council name as printed on the pack")
    la_code: str = Field(description="DfE 3-digit LA number, e.g. 838")
    new_la_code: str | None = Field(default=None, description="ONS code, e.g. E06000059")
    region: str | None = Field(default=None, description="Region name as DfE files print it")

    @field_validator("la_code")
    @classmethod
    def _la_code(cls, code: str) -> str:
        if not re.fullmatch(r"\d{3}", code):
            raise ValueError(f"{code!r} is not a DfE LA number (three digits, e.g. 838)")
        return code

    @field_validator("new_la_code")
    @classmethod
    def _new_la_code(cls, code: str | None) -> str | None:
        if code is not None and not re.fullmatch(r"E\d{8}", code):
            raise ValueError(f"{code!r} is not an ONS LA code (E followed by eight digits, e.g. E06000059)")
        return code


class StatisticalNeighbours(_Strict):
    model: str = Field(default="2021", description="Which DfE model the list comes from")
    la_codes: list[str] = Field(default_factory=list, description="3-digit LA numbers of the neighbours")
    average: Literal["mean", "median"] = "mean"
    good_outstanding_as_at: str | None = Field(
        default=None, description="Ofsted judgements as at this date (YYYY-MM-DD) for Good/Outstanding SN"
    )
    good_outstanding: list[str] = Field(
        default_factory=list,
        description="The neighbours judged Good or Outstanding as at good_outstanding_as_at (3-digit LA numbers, "
        "from la_codes): the pack names them beside the Good/Outstanding SN figures",
    )

    @field_validator("good_outstanding_as_at")
    @classmethod
    def _date(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(f"{value!r} is not a date written YYYY-MM-DD")
        return value

    @field_validator("la_codes", "good_outstanding")
    @classmethod
    def _codes(cls, codes: list[str]) -> list[str]:
        for code in codes:
            if not (isinstance(code, str) and code.isdigit() and len(code) == 3):
                raise ValueError(f"{code!r} is not a 3-digit LA number")
        if len(set(codes)) != len(codes):
            raise ValueError("lists a neighbour twice")
        return codes

    @model_validator(mode="after")
    def _good_ones_are_neighbours(self) -> StatisticalNeighbours:
        strangers = [code for code in self.good_outstanding if code not in self.la_codes]
        if strangers:
            raise ValueError(f"good_outstanding: {', '.join(strangers)} not in la_codes (list the neighbours first)")
        return self


class Comparator(_Strict):
    """A comparator declared in ``cpb.toml`` as ``[comparators.<name>]``: a council's own, or a built-in relabelled."""

    label: str = Field(min_length=1, max_length=60, description="How the pack names it, e.g. Outstanding LAs")
    publication_lag_months: int | None = Field(
        default=None,
        ge=0,
        le=36,
        description="Months after its year ends before a pack may quote it (blank: [comparators] publication_lag_months)",
    )


_SECTION_KEYS = ("show", "labels", "publication_lag_months", "exclude_from_ranks")


class Comparators(_Strict):
    """The comparators a pack compares with: the built-in ones (filled from DfE data) and any number of the
    council's own, each declared as a table ``[comparators.<name>]`` with a ``label``.

    >>> own = Comparators.model_validate({"last_year": {"label": "Own figure last year"}, "show": ["england", "last_year"]})
    >>> own.declared, own.shown, own.label("last_year"), own.label("sn")
    (('england', 'region', 'sn', 'good_sn', 'last_year'), ['england', 'last_year'], 'Own figure last year', 'Statistical neighbours')
    """

    model_config = ConfigDict(extra="allow", frozen=True)
    __pydantic_extra__: dict[str, Comparator] = Field(init=False)

    show: list[str] = Field(
        default_factory=list, description="Comparators the pages show, in this order (default: every one declared)"
    )
    labels: dict[str, str] = Field(default_factory=dict, description="Labels of comparators, by name")
    publication_lag_months: int = Field(
        default=6,
        ge=0,
        le=36,
        description="A benchmark year is used from this many months after it ends (DfE publishes later)",
    )
    exclude_from_ranks: list[str] = Field(
        default_factory=lambda: ["201", "420"],
        description="LA numbers left out of DfE ranks and quartile bands (default: City of London, Isles of Scilly)",
    )

    @field_validator("exclude_from_ranks")
    @classmethod
    def _la_numbers(cls, codes: list[str]) -> list[str]:
        for code in codes:
            if not (isinstance(code, str) and re.fullmatch(r"\d{3}", code)):
                raise ValueError(f"{code!r} is not a 3-digit LA number")
        return codes

    @model_validator(mode="before")
    @classmethod
    def _tables_and_default_show(cls, data: object) -> object:
        if not isinstance(data, dict):
            return data
        for name, value in data.items():
            if name in _SECTION_KEYS:
                continue
            if not isinstance(value, dict):
                raise ValueError(  # noqa: TRY004 (pydantic reports a ValueError against its key)
                    f"{name!r} is not a key of [comparators] (keys: {', '.join(_SECTION_KEYS)}); "
                    f'a comparator of your own is a table: [comparators.{name}] with label = "..."'
                )
            if not COMPARATOR_NAME.fullmatch(name) or name in RESERVED_COMPARATOR_NAMES:
                raise ValueError(
                    f"[comparators.{name}]: a comparator's name is lower-case letters, digits and underscores, "
                    f"starting with a letter (at most 30 characters), and not {', '.join(RESERVED_COMPARATOR_NAMES)}"
                )
        if "show" not in data:
            tables = [n for n, v in data.items() if n not in _SECTION_KEYS and n not in BUILT_IN_COMPARATORS]
            data = {**data, "show": [*BUILT_IN_COMPARATORS, *tables]}
        return data

    @model_validator(mode="after")
    def _names_are_declared(self) -> Comparators:
        declared = self.declared
        for key, names in (("show", self.show), ("labels", list(self.labels))):
            for name in names:
                if name not in declared:
                    raise ValueError(
                        f"{key}: {name!r} is not a comparator; choose from {', '.join(declared)} "
                        f"(declare one of your own as a table [comparators.{name}] with a label)"
                    )
        if len(set(self.show)) != len(self.show):
            raise ValueError("show: lists a comparator twice")
        return self

    @property
    def tables(self) -> dict[str, Comparator]:
        """The ``[comparators.<name>]`` tables, in file order."""
        return dict(self.__pydantic_extra__ or {})

    @property
    def declared(self) -> tuple[str, ...]:
        """Every comparator scoring compares with: the built-in ones, then the council's own in file order."""
        return (*BUILT_IN_COMPARATORS, *[n for n in self.tables if n not in BUILT_IN_COMPARATORS])

    @property
    def shown(self) -> list[str]:
        """The comparators the pages show, in the order of ``show``."""
        return list(self.show)

    def label(self, comparator: str) -> str:
        """The comparator's name as printed: its table's label, else ``labels``, else the built-in label."""
        table = self.tables.get(comparator)
        if table is not None:
            return table.label
        return self.labels.get(comparator) or BUILT_IN_LABELS.get(comparator, comparator)

    def lag_months(self, comparator: str) -> int:
        """Months after a year ends before a pack may quote this comparator's figure for it."""
        table = self.tables.get(comparator)
        if table is not None and table.publication_lag_months is not None:
            return table.publication_lag_months
        return self.publication_lag_months

    def lags(self) -> dict[str, int]:
        """:meth:`lag_months` of every declared comparator."""
        return {name: self.lag_months(name) for name in self.declared}


class RagRules(_Strict):
    """Default RAG rules; the catalogue may set them per indicator (see :mod:`cpblib.scoring._rag`).

    A figure that meets its target, or is inside its expected range, is Green; one that misses by no more
    than ``tolerance`` is Green too; one that misses by more than ``red_threshold`` is Red; in between, Amber.
    A target's distances are measured from the target, a range's from its nearer end.
    """

    tolerance: float = Field(
        default=0.0, ge=0, lt=MAX_FIGURE, description="How far off target (or outside the range) still counts as Green"
    )
    tolerance_type: Literal["relative", "absolute"] = "relative"
    red_rule: Literal["relative", "absolute", "worse_than_england", "none"] = "relative"
    red_threshold: float = Field(
        default=10.0,
        ge=0,
        lt=MAX_FIGURE,
        description="Percent (relative) or points (absolute) off target before a figure is Red",
    )


class Calendar(_Strict):
    """Years, terms, and how often the pack is made (``cadence``: a pack a month, or a pack a quarter).

    >>> quarterly = Calendar(cadence="quarterly")
    >>> quarterly.report_period("Q4 2019/20").label, quarterly.report_period(Month(2020, 3)).key
    ('Q4 2019/20', '2019-20-Q4')
    >>> Calendar().report_period("2023-03")
    Month(2023, 3)
    """

    financial_year_start: int = Field(default=4, ge=1, le=12)
    academic_year_start: int = Field(default=9, ge=1, le=12)
    term_end_months: list[int] = Field(default_factory=lambda: [3, 7, 12])
    cadence: Literal["monthly", "quarterly"] = Field(
        default="monthly", description="A pack a month, or a pack a quarter (Q4 2019/20) of the financial year"
    )
    quarter_and_year_columns: list[Literal["appendix", "domains"]] = Field(
        default_factory=list,
        description="Pages whose tables show quarter and financial-year figures beside the months (monthly packs)",
    )

    @field_validator("term_end_months")
    @classmethod
    def _terms(cls, months: list[int]) -> list[int]:
        if not months or any(not 1 <= m <= 12 for m in months) or len(set(months)) != len(months):
            raise ValueError("must list distinct month numbers 1 to 12")
        return sorted(months)

    @property
    def report_months(self) -> int:
        """Months one pack covers: 1, or 3 for a quarterly pack."""
        return 3 if self.cadence == "quarterly" else 1

    def report_period(self, value: Month | str, *, latest: bool = False) -> Month:
        """The month or quarter a pack is for, as this project reports: a plain
        :class:`~cpblib.month.Month` for a monthly pack, a :class:`~cpblib.period.Period` of a quarter
        for a quarterly one (given as a quarter in any form :meth:`Period.parse` reads, or as the month
        it ends in). ``latest``: for a month inside a quarter, the latest quarter ended by then (what
        ``--month previous`` means). Raises :class:`~cpblib.month.MonthError` saying what to give.

        >>> Calendar(cadence="quarterly").report_period(Month(2020, 2), latest=True).label
        'Q3 2019/20'
        """
        fy = self.financial_year_start
        if isinstance(value, str) and Month.try_parse(value) is None:
            period = Period.parse(value, financial_year_start=fy)
        else:
            period = Period.of(Month.parse(value), getattr(value, "months", 1), fy)
        if period.months == 12:
            raise MonthError(f"{period.label} is a year: a pack is for a month or, quarterly, for a quarter")
        if self.cadence == "monthly":
            if period.months != 1:
                raise MonthError(
                    f"{period.label} is a quarter, but this project makes a pack a month: give a month such as "
                    f'{period.end.key} (or set [calendar] cadence = "quarterly" in cpb.toml)'
                )
            return period.end
        if period.months == 3:
            return period
        end = period.end
        if latest:
            end = end - (end.month - fy + 1) % 3
        try:
            return Period.of(end, 3, fy)
        except MonthError:
            quarter = Period.of(end + (fy - 1 - end.month) % 3, 3, fy)
            raise MonthError(
                f"{end.label} does not end a quarter, and this project makes a pack a quarter: give a quarter "
                f"such as {quarter.label} (which ends in {quarter.end.label})"
            ) from None

    def period_from_key(self, key: str) -> Month:
        """The report month or quarter a folder name (:attr:`~cpblib.month.Month.key`) names.

        >>> Calendar(cadence="quarterly").period_from_key("2019-20-Q4").label
        'Q4 2019/20'
        """
        return self.report_period(Period.from_key(key, financial_year_start=self.financial_year_start))


class Publication(_Strict):
    protective_marking: str = "OFFICIAL"
    suppression_threshold: int = Field(
        default=5, ge=0, le=100, description="Counts below this are suppressed in public output"
    )
    suppression_symbol: str = "c"
    public: bool = Field(default=False, description="Apply small-number suppression to the rendered pack")


class Commentary(_Strict):
    illustrative: bool = Field(
        default=False,
        description="Say on every page that shows commentary that it is illustrative, not the council's words "
        "(for demonstration and training packs)",
    )


class Anomalies(_Strict):
    """Thresholds for the anomaly warnings of the data checks."""

    z_score: float = Field(default=3.0, gt=0, le=100)
    percent_change: float = Field(default=50.0, gt=0, lt=MAX_FIGURE)
    history_months: int = Field(default=12, ge=3, le=600)
    flat_months: int = Field(default=6, ge=3, le=600)


class Paths(_Strict):
    catalogue: str = "data/indicators.csv"
    targets: str = "data/targets.csv"
    benchmarks: str = "data/benchmarks.csv"
    overrides: str = "data/overrides.csv"
    annotations: str = "data/annotations.csv"
    exception_headings: str = "data/exception_headings.csv"
    benchmark_sources: str = "data/benchmark_sources.csv"
    extracts: str = "data/extracts"
    commentary: str = "data/commentary"
    store: str = "data/cpb.duckdb"
    build: str = "_build"
    site: str = "_site"

    @model_validator(mode="before")
    @classmethod
    def _no_exception_rules(cls, data: object) -> object:
        if isinstance(data, dict) and "exception_rules" in data:
            raise ValueError(
                "exception_rules: cpb no longer reads exception rules; exception headings replace them: "
                "name your headings file with exception_headings (see docs/headings-and-comparators.md)"
            )
        return data


class ProjectConfig(_Strict):
    authority: Authority
    statistical_neighbours: StatisticalNeighbours = Field(default_factory=StatisticalNeighbours)
    comparators: Comparators = Field(default_factory=Comparators)
    rag: RagRules = Field(default_factory=RagRules)
    calendar: Calendar = Field(default_factory=Calendar)
    publication: Publication = Field(default_factory=Publication)
    commentary: Commentary = Field(default_factory=Commentary)
    anomalies: Anomalies = Field(default_factory=Anomalies)
    paths: Paths = Field(default_factory=Paths)

    @model_validator(mode="after")
    def _neighbours_exclude_self(self) -> ProjectConfig:
        if self.authority.la_code in self.statistical_neighbours.la_codes:
            raise ValueError("statistical_neighbours.la_codes lists the authority itself")
        return self


_INNER_KEY = re.compile(r"([a-z_]+): (.*)", re.DOTALL)


def _format_validation(error: ValidationError, source: str) -> str:
    lines = []
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"]) or "(top level)"
        message = item["msg"].removeprefix("Value error, ")
        inner = _INNER_KEY.match(message) if item["type"] == "value_error" else None
        if inner:  # a section's own check names the key it is about: "show: ..." reads "comparators.show: ..."
            key, message = f"{key}.{inner[1]}", inner[2]
        if item["type"] == "extra_forbidden":
            message = "unknown key (check the spelling; see the README for the keys cpb.toml takes)"
        elif item["type"] == "missing":
            message = "required key is missing"
        lines.append(f"{source}: {key}: {message}")
    return "\n".join(lines)


def parse_config(text: str, source: str = CONFIG_FILE) -> ProjectConfig:
    """Validate the text of a ``cpb.toml``.

    >>> parse_config('[authority]\\nname = "Dorset"\\nla_code = "838"\\n').authority.name
    'Dorset'
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from None
    try:
        return ProjectConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_format_validation(exc, source)) from None


def find_project_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` that holds a ``cpb.toml``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise ConfigError(
        f"no {CONFIG_FILE} found in {here} or any folder above it; "
        "run cpb inside a project, pass --project DIR, or create one with 'cpb init DIR'"
    )


def decode_config(data: bytes, source: str = CONFIG_FILE) -> str:
    r"""The text of a ``cpb.toml``: UTF-8, with or without a byte-order mark; any other encoding is
    refused with the line and column of the first byte that is not UTF-8.

    >>> decode_config("\ufeffname = 'Dorset'".encode())
    "name = 'Dorset'"
    >>> decode_config(b'[authority]\nname = "Testsh\xe9re"\n')
    Traceback (most recent call last):
    ...
    cpblib.errors.ConfigError: cpb.toml, line 2, column 15: byte 0xe9 is not UTF-8; save the file as UTF-8 (in Notepad: Save as, Encoding UTF-8)
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        read, start = bytes(exc.object), exc.start  # the bytes decoded (after any byte-order mark)
        line = read.count(b"\n", 0, start) + 1
        column = start - (read.rfind(b"\n", 0, start) + 1) + 1
        raise ConfigError(
            f"{source}, line {line}, column {column}: byte 0x{read[start]:02x} is not UTF-8; "
            "save the file as UTF-8 (in Notepad: Save as, Encoding UTF-8)"
        ) from None


def load_config(root: Path) -> ProjectConfig:
    path = Path(root) / CONFIG_FILE
    try:
        if path.stat().st_size > MAX_SETTINGS_BYTES:
            raise ConfigError(f"{path}: {path.stat().st_size:,} bytes is too large for a settings file")
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}: not found") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return parse_config(decode_config(data, str(path)), source=str(path))
