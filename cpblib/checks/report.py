"""Reporting the checks: a table on the console, ``checks.json`` and the pack's data-quality section.

Text that came from input files (indicator names, cell values, file names)
is escaped wherever it is written: console markup is escaped, Markdown
punctuation and HTML are escaped, and text a spreadsheet would run as a
formula is prefixed with a quote.

>>> from cpblib.checks.result import CheckOutcome, CheckResult
>>> result = CheckResult(month="2023-03", warnings=[CheckOutcome(
...     "a value was revised since the last published month", "warning", file="2023-03.csv",
...     indicator="cic-number", period="2023-01", rows=[4], count=1,
...     examples=[{"row": 4, "revision": '=HYPERLINK("x") -> 5'}])])
>>> text = render_markdown(data_quality(result))
>>> "=HYPERLINK(" in text.replace("'=HYPERLINK", "")
False
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ..month import Month
from ..present.escape import console_text, markdown_text, safe_cell
from .result import CheckOutcome, CheckResult, ChecksFailed

SUITE_LABELS = {
    "catalogue": "Indicator catalogue",
    "values": "Values for the month (store)",
    "targets": "Targets",
    "benchmarks": "Benchmarks",
    "overrides": "RAG overrides",
    "annotations": "Chart annotations",
    "commentary": "Commentary files",
    "ssda903": "Child-level data (SSDA903, DfE's rules)",
}

REVISION_RULES = ("a value was revised since the last published month", "a value published last month has disappeared")


# -- formatting pieces ----------------------------------------------------------------------------
def _example_text(example: dict[str, Any]) -> str:
    """``row 14 (2023-03): value=104`` from an example dict.

    >>> _example_text({"row": 14, "period": "2023-03", "value": 104.0})
    'row 14 (2023-03): value=104'
    """
    parts = []
    row = example.get("row")
    head = f"row {row}" if row is not None else ""
    if example.get("period"):
        head = f"{head} ({example['period']})" if head else str(example["period"])
    for key, value in example.items():
        if key in ("row", "period"):
            continue
        parts.append(f"{key}={_value_text(value)}")
    body = ", ".join(parts)
    return f"{head}: {body}" if head and body else head or body


def _value_text(value: Any) -> str:
    """An example value as text: whole floats without ``.0``, formulas neutralised."""
    if value is None:
        return "blank"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return safe_cell(str(value))


def where_text(outcome: CheckOutcome) -> str:
    """File, indicator, period and column on separate lines of one cell."""
    lines = [outcome.file or "(no file)"]
    if outcome.indicator:
        lines.append(f"indicator {outcome.indicator}")
    if outcome.period:
        lines.append(f"period {outcome.period}")
    if outcome.column:
        lines.append(f"column {outcome.column}")
    return "\n".join(lines)


def rows_text(outcome: CheckOutcome) -> str:
    if not outcome.rows:
        return str(outcome.count)
    shown = ", ".join(str(r) for r in outcome.rows[:5]) + (" ..." if len(outcome.rows) > 5 else "")
    return f"{outcome.count} (row{'s' if len(outcome.rows) > 1 else ''} {shown})"


def examples_text(outcome: CheckOutcome) -> str:
    lines = [_example_text(e) for e in outcome.examples[:5]]
    if outcome.message:
        lines.insert(0, outcome.message)
    return "\n".join(lines)


# -- console -----------------------------------------------------------------------------------------
def print_report(result: CheckResult, console=None) -> None:
    """The readable table of errors and warnings, then a one-line summary."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console(emoji=False)
    new = (result.extraction or {}).get("new") or []
    if new:
        console.print(
            f"Loaded {len(new)} new extract(s) into the store first: {console_text(', '.join(new))}", highlight=False
        )
    failures = [*result.errors, *result.warnings]
    if failures:
        title = result.label or Month.parse(result.month).label
        table = Table(title=f"Data checks for {title}", show_lines=True, title_justify="left")
        table.add_column("Rule", ratio=3, overflow="fold")
        table.add_column("Severity", no_wrap=True)
        table.add_column("Where (file / indicator / period / column)", ratio=3, overflow="fold")
        table.add_column("Rows", ratio=1, overflow="fold")
        table.add_column("Examples", ratio=4, overflow="fold")
        for outcome in failures:
            severity = "[bold red]error[/]" if outcome.severity == "error" else "[yellow]warning[/]"
            table.add_row(
                console_text(outcome.rule),
                severity,
                console_text(where_text(outcome)),
                console_text(rows_text(outcome)),
                console_text(examples_text(outcome)),
            )
        console.print(table)
    counts = result.counts()
    verdict = "[bold red]FAILED[/]" if not result.ok else "[bold green]OK[/]"
    console.print(
        f"{verdict} {counts['errors']} error(s), {counts['warnings']} warning(s), "
        f"{counts['passed']} rule(s) passed; rows checked: "
        + ", ".join(f"{name} {count}" for name, count in result.checked.items()),
        highlight=False,
    )


# -- the pack's data-quality content -----------------------------------------------------------------
def _rules_frame(result: CheckResult) -> pd.DataFrame:
    records = []
    for status, outcomes in (("error", result.errors), ("warning", result.warnings), ("passed", result.passed)):
        for outcome in outcomes:
            records.append(
                {
                    "input": outcome.suite or "",
                    "rule": outcome.rule,
                    "severity": outcome.severity,
                    "status": status,
                    "rows": outcome.count,
                }
            )
    frame = pd.DataFrame(records, columns=["input", "rule", "severity", "status", "rows"])
    if frame.empty:
        return frame
    grouped = frame.groupby(["input", "rule", "severity"], sort=False).agg(
        status=("status", lambda s: "error" if "error" in set(s) else "warning" if "warning" in set(s) else "passed"),
        places=("status", lambda s: int((s != "passed").sum())),
    )
    return grouped.reset_index()


def _outcomes_frame(outcomes: list[CheckOutcome]) -> pd.DataFrame:
    columns = ["rule", "severity", "file", "indicator", "period", "column", "rows", "count", "examples"]
    return pd.DataFrame(
        [
            {
                "rule": o.rule,
                "severity": o.severity,
                "file": o.file,
                "indicator": o.indicator,
                "period": o.period,
                "column": o.column,
                "rows": ", ".join(str(r) for r in o.rows[:20]),
                "count": o.count,
                "examples": examples_text(o),
            }
            for o in outcomes
        ],
        columns=columns,
    )


def data_quality(
    result: CheckResult, loads: pd.DataFrame | None = None, official_gaps: pd.DataFrame | None = None
) -> dict[str, Any]:
    """What the pack says about its data: a summary, the rules, every warning,
    the revisions since the last published month and when the data was extracted.

    ``loads`` (the store's :meth:`~cpblib.inputs.store.Store.loads`) replaces the
    load details the result carries, when given. ``official_gaps`` lists the
    published DfE figures taken as gaps (:func:`cpblib.dfe.implausible_zeros`).

    >>> content = data_quality(CheckResult(month="2023-03"))
    >>> content["summary"]["ok"], sorted(content)
    (True, ['errors', 'inputs', 'label', 'loads', 'month', 'official_gaps', 'revisions', 'rules', 'summary', 'warnings'])
    """
    extraction = result.extraction or {}
    if loads is not None:
        load_frame = loads.rename(columns={"source_file": "file", "row_count": "rows"})
        load_frame = load_frame.loc[load_frame["month"].astype(str) <= result.month]
    else:
        load_frame = pd.DataFrame(extraction.get("loads", []))
    for column in ("load_id", "month", "file", "loaded_at", "extracted_on", "rows"):
        if column not in load_frame:
            load_frame[column] = None
    load_frame = load_frame[["load_id", "month", "file", "loaded_at", "extracted_on", "rows"]]
    revisions = pd.DataFrame(
        result.revisions, columns=["indicator", "period", "previous_value", "value", "change", "file", "row"]
    )
    rules = _rules_frame(result)
    counts = result.counts()
    inputs = pd.DataFrame(
        [
            {
                "input": name,
                "file": result.files.get(name, ""),
                "rows": rows,
                "rules": int((rules["input"] == name).sum()) if len(rules) else 0,
                "passed": int(((rules["input"] == name) & (rules["status"] == "passed")).sum()) if len(rules) else 0,
                "warnings": sum(o.suite == name for o in result.warnings),
                "errors": sum(o.suite == name for o in result.errors),
            }
            for name, rows in result.checked.items()
        ],
        columns=["input", "file", "rows", "rules", "passed", "warnings", "errors"],
    )
    summary = {
        "month": result.month,
        "ok": result.ok,
        "errors": counts["errors"],
        "warnings": counts["warnings"],
        "rules_run": len(rules),
        "rules_passed": int((rules["status"] == "passed").sum()) if len(rules) else 0,
        "rows_checked": dict(result.checked),
        "previous_month": extraction.get("previous_month"),
        "created": result.created,
    }
    return {
        "month": result.month,
        "label": result.label or Month.parse(result.month).label,
        "summary": summary,
        "inputs": inputs,
        "rules": rules,
        "errors": _outcomes_frame(result.errors),
        "warnings": _outcomes_frame(result.warnings),
        "revisions": revisions,
        "loads": load_frame,
        "official_gaps": official_gaps if official_gaps is not None else pd.DataFrame(),
    }


def _md_table(frame: pd.DataFrame, columns: dict[str, str]) -> str:
    header = "| " + " | ".join(columns.values()) + " |"
    rule = "|" + "|".join("---" for _ in columns) + "|"
    lines = [header, rule]
    for record in frame.to_dict("records"):
        cells = []
        for key in columns:
            value = record.get(key)
            if value is None or (isinstance(value, float) and pd.isna(value)):
                text = ""
            else:
                text = _value_text(value) if isinstance(value, float) else str(value)
            cells.append("<br>".join(markdown_text(line) for line in text.split("\n")))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def render_markdown(content: dict[str, Any]) -> str:
    """The data-quality section of the pack as Markdown (all input text escaped)."""
    summary = content["summary"]
    label = content.get("label") or Month.parse(content["month"]).label
    out = [f"## Data quality: {label}", ""]
    if summary["ok"]:
        verdict = "Every error-level check passed"
    else:
        verdict = f"{summary['errors']} error(s) were found: the pack must not be built on these inputs"
    rows = "; ".join(f"{SUITE_LABELS.get(k, k)} {v}" for k, v in summary["rows_checked"].items())
    out += [
        (
            f"{verdict}. {summary['rules_run']} rules were run and {summary['rules_passed']} passed everywhere; "
            f"{summary['warnings']} warning(s) are listed below. Rows checked: {markdown_text(rows) or 'none'}."
        ),
        "",
        "### What was checked",
        "",
    ]
    inputs = content["inputs"]
    if len(inputs):
        out += [
            _md_table(
                inputs.assign(input=inputs["input"].map(lambda s: SUITE_LABELS.get(s, s))),
                {
                    "input": "Input",
                    "file": "File",
                    "rows": "Rows",
                    "rules": "Rules",
                    "passed": "Passed",
                    "warnings": "Warnings",
                    "errors": "Errors",
                },
            ),
            "",
        ]
    else:
        out += ["No checks were run.", ""]
    if len(content["errors"]):
        out += ["### Errors", "", _outcome_table(content["errors"]), ""]
    out += ["### Warnings", ""]
    warnings = content["warnings"]
    warnings = warnings.loc[~warnings["rule"].isin(REVISION_RULES)] if len(warnings) else warnings
    out += [_outcome_table(warnings) if len(warnings) else "No warnings.", ""]
    rules = content["rules"]
    if len(rules):
        order = {name: number for number, name in enumerate(SUITE_LABELS)}
        table = rules.assign(_order=rules["input"].map(order)).sort_values("_order", kind="stable")
        table = table.assign(input=table["input"].map(lambda s: SUITE_LABELS.get(s, s)))
        out += [
            "### Every rule",
            "",
            _md_table(
                table,
                {
                    "input": "Input",
                    "rule": "Rule",
                    "severity": "Severity",
                    "status": "Result",
                    "places": "Places failing",
                },
            ),
            "",
        ]
    previous = summary.get("previous_month")
    since = f" since {Month.parse(previous).label}" if previous else ""
    out += [f"### Revisions{since}", ""]
    revisions = content["revisions"]
    if len(revisions):
        out += [
            _md_table(
                revisions,
                {"indicator": "Indicator", "period": "Period", "change": "Change", "file": "File", "row": "Row"},
            ),
            "",
        ]
    else:
        out += ["No published value was revised or withdrawn.", ""]
    out += ["### When the data was extracted", ""]
    loads = content["loads"]
    if len(loads):
        out += [
            _md_table(
                loads,
                {
                    "file": "File",
                    "month": "Report month",
                    "extracted_on": "Extracted on",
                    "loaded_at": "Loaded (UTC)",
                    "rows": "Rows",
                },
            ),
            "",
        ]
    else:
        out += ["No extract has been loaded.", ""]
    gaps = content.get("official_gaps")
    if gaps is not None and len(gaps):
        out += [
            "### Official figures taken as gaps",
            "",
            "DfE published these figures as 0 where 0 cannot be true; the benchmarks count them as missing.",
            "",
            _md_table(gaps, {"indicator": "Indicator", "year": "Year", "area_name": "Area", "source": "Release"}),
            "",
        ]
    return "\n".join(out)


def _given(value: Any) -> bool:
    """Whether a cell of an outcomes frame holds something (pandas turns a missing text into NaN).

    >>> _given("cic-rate"), _given(None), _given(float("nan")), _given("")
    (True, False, False, False)
    """
    return isinstance(value, str) and bool(value)


def _outcome_table(frame: pd.DataFrame) -> str:
    located = frame.assign(
        where=[
            "\n".join(
                part
                for part in (
                    r["file"] if _given(r["file"]) else None,
                    f"indicator {r['indicator']}" if _given(r["indicator"]) else None,
                    f"period {r['period']}" if _given(r["period"]) else None,
                    f"column {r['column']}" if _given(r["column"]) else None,
                    f"rows {r['rows']}" if _given(r["rows"]) else None,
                )
                if part
            )
            for r in frame.to_dict("records")
        ]
    )
    return _md_table(located, {"rule": "Rule", "where": "Where", "count": "Rows", "examples": "Examples"})


# -- files ----------------------------------------------------------------------------------------------
def write_reports(project, result: CheckResult) -> tuple[Path, Path]:
    """Write ``checks.json`` and ``data-quality.md`` into the month's build folder (atomically)."""
    from ..build import BuildFolder, write_text

    folder = BuildFolder(project, project.report_period(result.key) if result.key else Month.parse(result.month))
    json_path = write_text(folder.checks_json, result.to_json() + "\n")
    if project.config.publication.public:  # the page of a public pack quotes no figure from the data
        from ..present.public import without_figures

        result = without_figures(result)
    content = data_quality(result, official_gaps=_official_gaps(project))
    markdown_path = write_text(folder.data_quality_md, render_markdown(content))
    return json_path, markdown_path


def _official_gaps(project) -> pd.DataFrame | None:
    """Published DfE zeros the benchmarks take as gaps, when DfE data has been imported."""
    sources = project.path("benchmark_sources")
    if not sources.is_file() or not project.store_path.exists():
        return None
    from .. import dfe
    from ..errors import StoreError

    try:
        return dfe.implausible_zeros(project.store_path, sources)
    except StoreError:  # nothing imported from DfE
        return None


def require_clean(project, data, console=None) -> CheckResult:
    """Run the checks on the month's data, print the report and write it; raise :class:`ChecksFailed`
    on any error.

    Every command that builds on a month (``cpb score``, ``cpb run``, ``cpb render``) runs this first:
    a pack is never built on inputs with errors (warnings do not stop it).
    """
    from .runner import run_checks

    result = run_checks(project, data)
    print_report(result, console)
    write_reports(project, result)
    if not result.ok:
        raise ChecksFailed(result)
    return result


__all__ = ["data_quality", "print_report", "render_markdown", "require_clean", "safe_cell", "write_reports"]
