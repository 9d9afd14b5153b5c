"""What a run of the data checks found: one :class:`CheckOutcome` per rule and place.

Outcomes are plain data (no Great Expectations objects), so reporting,
the command line and the pack's pages can use them without importing GX.

>>> bad = CheckOutcome("percentage between 0 and 100", "error", file="2023-03.csv",
...                    column="value", indicator="care-leavers-eet", period="2023-03",
...                    rows=[14], count=1, examples=[{"row": 14, "value": 104.0}])
>>> result = CheckResult(month="2023-03", errors=[bad])
>>> result.ok, result.counts()
(False, {'errors': 1, 'warnings': 0, 'passed': 0})
>>> bad.where()
"2023-03.csv, row 14, column 'value', indicator 'care-leavers-eet', period 2023-03"
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import sys
from dataclasses import asdict, dataclass, field
from typing import Any

from ..errors import CpbError
from ..present.escape import safe_cell

SEVERITIES = ("error", "warning")
"""``error`` stops the pack; ``warning`` is shown in the report and the pack."""


@dataclass
class CheckOutcome:
    """One rule's result at one place.

    ``rows`` are row numbers as a person sees them in ``file`` (header =
    row 1); ``count`` is how many rows failed (or, for a passed rule, how
    many were checked); ``examples`` holds up to five failing rows.
    """

    rule: str
    severity: str
    file: str | None = None
    column: str | None = None
    indicator: str | None = None
    period: str | None = None
    rows: list[int] = field(default_factory=list)
    count: int = 0
    examples: list[dict[str, Any]] = field(default_factory=list)
    suite: str | None = None
    expectation: str | None = None
    message: str | None = None

    def where(self) -> str:
        """The place in words: file, row(s), column, indicator and period."""
        parts = [self.file or "(no file)"]
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows[:5])
            more = f" and {len(self.rows) - 5} more" if len(self.rows) > 5 else ""
            parts.append(f"row{'s' if len(self.rows) > 1 else ''} {shown}{more}")
        if self.column:
            parts.append(f"column '{self.column}'")
        if self.indicator:
            parts.append(f"indicator '{self.indicator}'")
        if self.period:
            parts.append(f"period {self.period}")
        return ", ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict; text from input files is made safe for spreadsheets."""
        return _safe(asdict(self))


class ChecksFailed(CpbError):
    """The data checks found errors: the pack is not built on these inputs."""

    def __init__(self, result: CheckResult) -> None:
        self.result = result
        first = result.errors[0] if result.errors else None
        detail = f"; first: {first.where()}: {first.message or first.rule}" if first else ""
        super().__init__(
            f"the data checks for {result.month} found {len(result.errors)} error(s){detail}. "
            f"Fix the inputs and run 'cpb check --month {result.month}' again."
        )


@dataclass
class CheckResult:
    """Every outcome of the checks for one report month."""

    month: str
    errors: list[CheckOutcome] = field(default_factory=list)
    warnings: list[CheckOutcome] = field(default_factory=list)
    passed: list[CheckOutcome] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)
    """Rows checked per input (suite name -> rows)."""
    files: dict[str, str] = field(default_factory=dict)
    """File read per input (suite name -> file name)."""
    extraction: dict[str, Any] = field(default_factory=dict)
    """Loads behind the month's values: file, loaded_at, extracted_on (see :func:`cpblib.checks.runner.extraction_info`)."""
    revisions: list[dict[str, Any]] = field(default_factory=list)
    """Values revised or withdrawn since the last published month (indicator, period, previous_value, value, change, file, row)."""
    created: str = field(default_factory=lambda: _dt.datetime.now().isoformat(timespec="seconds"))
    key: str = ""
    """The report period's key (``2023-03``, ``2019-20-Q4``: its folder); blank means ``month``."""
    label: str = ""
    """The report period as the pack names it (``March 2023``, ``Q4 2019/20``); blank: from ``month``."""

    @property
    def ok(self) -> bool:
        """True when there are no errors (warnings never stop the pack)."""
        return not self.errors

    def counts(self) -> dict[str, int]:
        return {"errors": len(self.errors), "warnings": len(self.warnings), "passed": len(self.passed)}

    def add(self, outcome: CheckOutcome) -> None:
        """File an outcome under errors or warnings by its severity."""
        (self.errors if outcome.severity == "error" else self.warnings).append(outcome)

    def to_dict(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "key": self.key or self.month,
            "label": self.label,
            "ok": self.ok,
            "created": self.created,
            "counts": self.counts(),
            "checked": dict(self.checked),
            "files": _safe(self.files),
            "extraction": _safe(self.extraction),
            "revisions": _safe(self.revisions),
            "errors": [o.to_dict() for o in self.errors],
            "warnings": [o.to_dict() for o in self.warnings],
            "passed": [o.to_dict() for o in self.passed],
        }

    def to_json(self, indent: int | None = 2) -> str:
        """Machine-readable result (written as ``checks.json``).

        >>> json.loads(CheckResult(month="2023-03").to_json())["ok"]
        True
        """
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, default=str)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CheckResult:
        def outcomes(key: str) -> list[CheckOutcome]:
            return [CheckOutcome(**item) for item in data.get(key, [])]

        return cls(
            month=data["month"],
            errors=outcomes("errors"),
            warnings=outcomes("warnings"),
            passed=outcomes("passed"),
            checked=dict(data.get("checked", {})),
            files=dict(data.get("files", {})),
            extraction=dict(data.get("extraction", {})),
            revisions=list(data.get("revisions", [])),
            created=data.get("created", ""),
            key=data.get("key", ""),
            label=data.get("label", ""),
        )


def _safe(value: Any) -> Any:
    """Make a nested structure JSON-clean: no NaN, numpy scalars unwrapped, text neutralised."""
    if isinstance(value, dict):
        return {str(k): _safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_safe(v) for v in value]
    pandas = sys.modules.get("pandas")  # its missing values exist only once it is imported
    if pandas is not None and (value is pandas.NA or value is pandas.NaT):
        return None
    if hasattr(value, "item") and not isinstance(value, str):  # numpy / pandas scalars
        try:
            value = value.item()
        except (AttributeError, ValueError):
            value = str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return safe_cell(value)
    return safe_cell(str(value))
