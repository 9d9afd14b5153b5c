"""The mapping file: how a council's own scorecard reads, written once by the analyst (TOML).

Declaring the keys (the models below) is apart from reading the file (:func:`read_mapping`). Every key
is checked when the file is read; the first wrong one stops the import with one line naming the mapping
file, the key and what is wrong. A minimal mapping names the indicator column and nothing else: every
other column whose header reads as a period (``Q4 2019/20``, ``Mar 23``, ``2019/20``) is a period column.

>>> mapping = parse_mapping('[columns]\\nindicator = "Measure"\\ntarget = "Target"\\n', "map.toml")
>>> mapping.columns.indicator, mapping.periods.columns, mapping.unit_code("%"), mapping.polarity_code("High")
('Measure', 'auto', 'percent', 'high')
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .._vocabulary import allowed, vocabulary
from ..errors import CpbError
from ..inputs.catalogue import year_label_ok
from ..inputs.extract import normalise_name
from ..inputs.files import decode_text, read_bytes
from ..limits import MAX_SETTINGS_BYTES
from ..month import Month, MonthError
from ..period import Period


class MappingError(CpbError):
    """A mapping file that cannot be read or holds a wrong key: one line naming the file and the key.

    >>> str(MappingError("map.toml", "columns.indicator", "required key is missing"))
    "map.toml, key 'columns.indicator': required key is missing"
    """

    def __init__(self, file: str, key: str | None, message: str) -> None:
        self.file, self.key, self.message = file, key, message
        super().__init__(f"{file}, key '{key}': {message}" if key else f"{file}: {message}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _header(value: str) -> str:
    if not value.strip():
        raise ValueError("a column header cannot be blank")
    return value.strip()


class Columns(_Strict):
    """Which header of the scorecard holds what, one indicator a row. Only ``indicator`` is required."""

    indicator: str = Field(description="The indicator's name as the scorecard prints it")
    alias: str | None = Field(default=None, description="Another name or the council's own reference for it")
    domain: str | None = Field(default=None, description="The page of the pack (else [defaults] domain)")
    unit: str | None = Field(default=None, description="The unit, in the words of [units]")
    polarity: str | None = Field(default=None, description="Which way is better, in the words of [polarity]")
    decimals: str | None = Field(default=None, description="Decimal places shown")
    target: str | None = Field(default=None, description="A point target")
    range_lower: str | None = Field(default=None, description="The lower end of an expected range")
    range_upper: str | None = Field(default=None, description="The upper end of an expected range")
    note: str | None = Field(default=None, description="A note on the latest figure of the row")
    provisional: str | None = Field(default=None, description="Marks the latest figure of the row provisional")
    definition: str | None = Field(default=None, description="What is counted")
    dfe_ref: str | None = Field(default=None, description="A DfE reference")

    @field_validator("*")
    @classmethod
    def _headers(cls, value: str | None) -> str | None:
        return None if value is None else _header(value)

    def roles(self) -> list[tuple[str, str]]:
        """(role, header) for every column named, in the order of the keys above."""
        return [(role, header) for role, header in self.model_dump().items() if header is not None]


class Periods(_Strict):
    """Which columns hold figures: ``"auto"`` (every header cpb reads as a period) or a list of headers;
    ``read_as`` gives the period a header means when it is not written in a form cpb reads (``Apr-Jun``)."""

    columns: Literal["auto"] | list[str] = "auto"
    read_as: dict[str, str] = Field(default_factory=dict)

    @field_validator("columns", mode="before")
    @classmethod
    def _auto_or_list(cls, value: object) -> object:
        if not (value == "auto" or isinstance(value, list)):
            raise ValueError('write "auto" (every header that reads as a period) or a list of column headers')
        return value


class Defaults(_Strict):
    """What a new indicator gets when its row does not say."""

    domain: str = "Scorecard"
    unit: str = "count"
    polarity: str = "none"
    period_type: str = "snapshot"
    frequency: str | None = None  # default: the shortest period the row has figures for
    source_system: str | None = None

    @model_validator(mode="after")
    def _codes(self) -> Defaults:
        for key, kind in (("unit", "unit"), ("polarity", "polarity"), ("period_type", "period_type")):
            if getattr(self, key) not in allowed(kind):
                raise ValueError(f"{key}: {getattr(self, key)!r} is not one of {', '.join(allowed(kind))}")
        if self.frequency is not None and self.frequency not in allowed("frequency"):
            raise ValueError(f"frequency: {self.frequency!r} is not one of {', '.join(allowed('frequency'))}")
        if not self.domain.strip():
            raise ValueError("domain: cannot be blank")
        return self


class Indicator(_Strict):
    """What a scorecard says of one indicator by its look alone, written in the mapping under its name:
    ``[indicators."CLA rate per 10,000"] unit = "rate_per_10000"``. Wins over the row's cells and the defaults."""

    unit: str | None = None
    polarity: str | None = None
    domain: str | None = None
    decimals: int | None = Field(default=None, ge=0, le=6)
    frequency: str | None = None
    period_type: str | None = None
    year_type: str | None = None
    definition: str | None = None
    dfe_ref: str | None = None

    @model_validator(mode="after")
    def _codes(self) -> Indicator:
        for key in ("unit", "polarity", "frequency", "period_type", "year_type"):
            value = getattr(self, key)
            if value is not None and value not in allowed(key):
                raise ValueError(f"{key}: {value!r} is not one of {', '.join(allowed(key))}")
        return self

    def given(self) -> dict[str, str]:
        """The keys set, as catalogue text."""
        return {k: str(v) for k, v in self.model_dump().items() if v is not None}


class Targets(_Strict):
    """The month the scorecard's targets and ranges apply from, and where they were set."""

    from_month: str | None = None  # default: the first month of the earliest period column
    source: str | None = None

    @field_validator("from_month")
    @classmethod
    def _month(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                Month.parse(value)
            except MonthError as exc:
                raise ValueError(str(exc)) from None
        return value


class Benchmark(_Strict):
    """A column of figures for one comparator and year."""

    column: str
    comparator: str
    year: str
    source: str | None = None

    @field_validator("column")
    @classmethod
    def _column(cls, value: str) -> str:
        return _header(value)

    @field_validator("year")
    @classmethod
    def _year(cls, value: str) -> str:
        if not year_label_ok(value):
            raise ValueError(f"{value!r} does not name a year or years (write e.g. 2021-22, 2022 or 2016-19)")
        return value.strip()


class Mapping(_Strict):
    """A whole mapping file (see docs/adopting.md)."""

    sheet: str | None = None
    header_row: int | None = Field(default=None, ge=1, le=1_000_000)
    month: str | None = None
    headings: bool = True
    columns: Columns
    periods: Periods = Periods()
    polarity: dict[str, list[str]] = Field(default_factory=dict)
    units: dict[str, list[str]] = Field(default_factory=dict)
    defaults: Defaults = Defaults()
    targets: Targets = Targets()
    benchmarks: list[Benchmark] = Field(default_factory=list)
    indicators: dict[str, Indicator] = Field(default_factory=dict)

    @field_validator("polarity")
    @classmethod
    def _polarity(cls, words: dict[str, list[str]]) -> dict[str, list[str]]:
        return _words(words, "polarity")

    @field_validator("units")
    @classmethod
    def _units(cls, words: dict[str, list[str]]) -> dict[str, list[str]]:
        return _words(words, "unit")

    @field_validator("month")
    @classmethod
    def _report(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                Period.parse(value)
            except MonthError as exc:
                raise ValueError(str(exc)) from None
        return value

    def about(self, name: str) -> dict[str, str]:
        """What ``[indicators]`` says of the indicator named ``name`` (case and spacing ignored)."""
        key = normalise_name(name)
        return next((i.given() for n, i in self.indicators.items() if normalise_name(n) == key), {})

    def polarity_code(self, text: object) -> str | None:
        """The polarity a cell's words name (the codes, cpb's labels and the mapping's words), or None."""
        return _lookup(text, self.polarity, "polarity")

    def unit_code(self, text: object) -> str | None:
        """The unit a cell's words name (the codes, cpb's labels and the mapping's words), or None."""
        return _lookup(text, self.units, "unit")


def _words(words: dict[str, list[str]], kind: str) -> dict[str, list[str]]:
    for code, texts in words.items():
        if code not in allowed(kind):
            raise ValueError(f"{code}: not one of {', '.join(allowed(kind))}")
        if any(not t.strip() for t in texts):
            raise ValueError(f"{code}: a word cannot be blank")
    seen: dict[str, str] = {}
    for code, texts in words.items():
        for text in texts:
            other = seen.setdefault(normalise_name(text), code)
            if other != code:
                raise ValueError(f"{code}: {text!r} is given for {other} too")
    return words


def _lookup(text: object, words: dict[str, list[str]], kind: str) -> str | None:
    if not isinstance(text, str) or not text.strip():
        return None
    key = normalise_name(text)
    for code, texts in words.items():
        if key in {normalise_name(t) for t in texts}:
            return code
    for code, shown in vocabulary()[kind].items():
        if key in (normalise_name(code), normalise_name(shown), normalise_name(code.replace("_", " "))):
            return code
    return None


def parse_mapping(text: str, source: str) -> Mapping:
    """Validate the text of a mapping file; :class:`MappingError` names the first wrong key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(source, None, f"not valid TOML: {exc}") from None
    try:
        return Mapping.model_validate(data)
    except ValidationError as exc:
        item = exc.errors()[0]
        parts = [p for p in item["loc"] if isinstance(p, int) or "[" not in p]  # not pydantic's union member tags
        key = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts).lstrip(".") or "(top level)"
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "unknown key (check the spelling; docs/adopting.md lists the keys a mapping takes)"
        elif item["type"] == "missing":
            message = "required key is missing"
        elif ": " in message and item["type"] == "value_error" and message.split(": ", 1)[0].isidentifier():
            inner, message = message.split(": ", 1)
            key = f"{key}.{inner}"
        raise MappingError(source, key, message) from None


def read_mapping(path: Path | str) -> Mapping:
    """Read and check a mapping file (UTF-8, at most 1 MB)."""
    path = Path(path)
    data = read_bytes(path, MAX_SETTINGS_BYTES)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = decode_text(path.name, data)
    return parse_mapping(text, path.name)
