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

CONFIG_FILE = "cpb.toml"

COMPARATORS = ("england", "region", "sn", "good_sn")
"""Comparator ids, in the order packs show them."""


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

    @field_validator("good_outstanding_as_at")
    @classmethod
    def _date(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(f"{value!r} is not a date written YYYY-MM-DD")
        return value

    @field_validator("la_codes")
    @classmethod
    def _codes(cls, codes: list[str]) -> list[str]:
        for code in codes:
            if not (isinstance(code, str) and code.isdigit() and len(code) == 3):
                raise ValueError(f"{code!r} is not a 3-digit LA number")
        if len(set(codes)) != len(codes):
            raise ValueError("lists a neighbour twice")
        return codes


class Comparators(_Strict):
    show: list[str] = Field(default_factory=lambda: list(COMPARATORS))
    labels: dict[str, str] = Field(
        default_factory=lambda: {
            "england": "England",
            "region": "Region",
            "sn": "Statistical neighbours",
            "good_sn": "Good/Outstanding SN",
        }
    )

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

    @field_validator("show")
    @classmethod
    def _known(cls, show: list[str]) -> list[str]:
        for name in show:
            if name not in COMPARATORS:
                raise ValueError(f"{name!r} is not a comparator; choose from {', '.join(COMPARATORS)}")
        return show

    @field_validator("labels")
    @classmethod
    def _label_keys(cls, labels: dict[str, str]) -> dict[str, str]:
        for name in labels:
            if name not in COMPARATORS:
                raise ValueError(f"{name!r} is not a comparator; choose from {', '.join(COMPARATORS)}")
        return labels

    def label(self, comparator: str) -> str:
        defaults = Comparators.model_fields["labels"].default_factory()
        return self.labels.get(comparator, defaults[comparator])


class RagRules(_Strict):
    """Default RAG rules; the catalogue and targets file may override per indicator."""

    tolerance: float = Field(default=0.0, ge=0, lt=MAX_FIGURE, description="How far off target still counts as Green")
    tolerance_type: Literal["relative", "absolute"] = "relative"
    red_rule: Literal["relative", "absolute", "worse_than_england", "none"] = "relative"
    red_threshold: float = Field(
        default=10.0, ge=0, lt=MAX_FIGURE, description="Percent (relative) or points (absolute) off target"
    )


class Calendar(_Strict):
    financial_year_start: int = Field(default=4, ge=1, le=12)
    academic_year_start: int = Field(default=9, ge=1, le=12)
    term_end_months: list[int] = Field(default_factory=lambda: [3, 7, 12])

    @field_validator("term_end_months")
    @classmethod
    def _terms(cls, months: list[int]) -> list[int]:
        if not months or any(not 1 <= m <= 12 for m in months) or len(set(months)) != len(months):
            raise ValueError("must list distinct month numbers 1 to 12")
        return sorted(months)


class Publication(_Strict):
    protective_marking: str = "OFFICIAL"
    suppression_threshold: int = Field(
        default=5, ge=0, le=100, description="Counts below this are suppressed in public output"
    )
    suppression_symbol: str = "c"
    public: bool = Field(default=False, description="Apply small-number suppression to the rendered pack")


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
    exception_rules: str = "data/exception_rules.csv"
    benchmark_sources: str = "data/benchmark_sources.csv"
    extracts: str = "data/extracts"
    commentary: str = "data/commentary"
    store: str = "data/cpb.duckdb"
    build: str = "_build"
    site: str = "_site"


class ProjectConfig(_Strict):
    authority: Authority
    statistical_neighbours: StatisticalNeighbours = Field(default_factory=StatisticalNeighbours)
    comparators: Comparators = Field(default_factory=Comparators)
    rag: RagRules = Field(default_factory=RagRules)
    calendar: Calendar = Field(default_factory=Calendar)
    publication: Publication = Field(default_factory=Publication)
    anomalies: Anomalies = Field(default_factory=Anomalies)
    paths: Paths = Field(default_factory=Paths)

    @model_validator(mode="after")
    def _neighbours_exclude_self(self) -> ProjectConfig:
        if self.authority.la_code in self.statistical_neighbours.la_codes:
            raise ValueError("statistical_neighbours.la_codes lists the authority itself")
        return self


def _format_validation(error: ValidationError, source: str) -> str:
    lines = []
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"]) or "(top level)"
        message = item["msg"].removeprefix("Value error, ")
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
