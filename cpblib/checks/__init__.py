"""Data checks: every input of a report month is checked before anything is scored or rendered.

Declaring the checks (the JSON suites in ``expectations/``, read by
:mod:`.suites`) is kept apart from preparing the inputs (:mod:`.prepare`,
:mod:`.anomalies`, pure), running them with Great Expectations
(:mod:`.runner`, the only place GX is imported, lazily) and reporting
(:mod:`.report`). Importing this package does not import Great Expectations.

>>> result = CheckResult(month="2023-03")
>>> result.ok
True
"""

from __future__ import annotations

from .result import SEVERITIES, CheckOutcome, CheckResult, ChecksFailed

__all__ = [
    "SEVERITIES",
    "CheckOutcome",
    "CheckResult",
    "ChecksFailed",
    "data_quality",
    "render_data_quality",
    "require_clean",
    "run_checks",
    "validation_process",
    "write_reports",
]


def run_checks(project, data, validator=None) -> CheckResult:
    """Run every suite on the month's data (:class:`cpblib.inputs.month_data.MonthData`);
    see :func:`cpblib.checks.runner.run_checks`."""
    from .runner import run_checks as _run

    return _run(project, data, validator)


def validation_process():
    """A second process that imports Great Expectations now and runs the suites later
    (:class:`cpblib.checks._gx_process.ValidationProcess`; close it when done)."""
    from ._gx_process import ValidationProcess

    return ValidationProcess()


def require_clean(project, data, console=None) -> CheckResult:
    """Run the checks, print the report, write checks.json and data-quality.md; raise
    :class:`ChecksFailed` when there is any error (warnings never stop)."""
    from .report import require_clean as _require

    return _require(project, data, console)


def write_reports(project, result: CheckResult):
    """Write ``checks.json`` and ``data-quality.md`` into the month's build folder."""
    from .report import write_reports as _write

    return _write(project, result)


def data_quality(result: CheckResult, loads=None) -> dict:
    """The data-quality content of the pack (``loads``: the store's loads, optional);
    see :func:`cpblib.checks.report.data_quality`."""
    from .report import data_quality as _dq

    return _dq(result, loads)


def render_data_quality(result: CheckResult) -> str:
    """The data-quality section as Markdown."""
    from .report import render_markdown

    return render_markdown(data_quality(result))
