"""Running the expectation suites with Great Expectations 1.x and reading back the results.

This is the only module that imports Great Expectations, and only inside
:func:`validate` (the import takes seconds; nothing else pays for it). The
context is ephemeral: nothing is written to disk, usage statistics are off and
no progress bars are drawn.

Results are matched to the suite's expectations by expectation type and
keyword arguments (GX does not return them in the suite's order), then turned
into :class:`~cpblib.checks.result.CheckOutcome` rows by
:func:`outcomes_from_results`, a pure function. :func:`run_checks` ties the
steps together: gather the inputs (:mod:`.inputs`), prepare them
(:mod:`.prepare`), validate, and collect the outcomes.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import sys
import types
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ConfigError, InputError
from ..inputs.month_data import MonthData, month_file
from ..inputs.series import main_series
from ..month import Month
from ..project import Project
from .anomalies import anomaly_measures
from .prepare import (
    LOCATION,
    ROW_ID,
    catalogue_lookup,
    prepare_catalogue,
    prepare_commentary,
    prepare_input,
    prepare_values,
    reported_periods,
)
from .result import CheckOutcome, CheckResult
from .rules import parameters, substitute
from .suites import SUITES, load_suites

Validator = Callable[[Mapping[str, pd.DataFrame], Mapping[str, dict[str, Any]], Mapping[str, Any]], dict]
"""Runs the suites on the prepared frames with their parameters: :func:`validate`, here or in a second process."""

MAX_EXAMPLES = 5
MAX_GROUPS = 25
"""Places (file and indicator) reported per failing rule before the rest are summed up."""

INDEX_COLUMNS = [ROW_ID, *LOCATION]

TABLE_LEVEL = frozenset(
    {
        "expect_column_to_exist",
        "expect_table_columns_to_match_set",
        "expect_table_columns_to_match_ordered_list",
        "expect_table_column_count_to_equal",
        "expect_table_column_count_to_be_between",
        "expect_table_row_count_to_equal",
        "expect_table_row_count_to_be_between",
    }
)
"""Expectations about the table as a whole (run even when it has no rows)."""


# -- running GX ----------------------------------------------------------------------------------
def _quiet_environment() -> None:
    os.environ["GX_ANALYTICS_ENABLED"] = "false"  # no usage statistics, whatever the environment says
    os.environ.setdefault("TQDM_DISABLE", "1")


UNUSED_BY_SUITES = ("scipy.stats", "altair")
"""Modules Great Expectations imports as it loads but uses only in expectations and renderers cpb's
suites do not run (the distribution tests, and charts of results): about a second and a half of one
core, which the checks' second process puts off until something uses them (:func:`import_gx`)."""


class _Deferred(types.ModuleType):
    """Stands in for a module not yet imported; the first attribute looked up imports it for real.

    >>> import sys
    >>> sys.modules.pop("colorsys", None) and None
    >>> _defer("colorsys")
    >>> import colorsys
    >>> type(colorsys).__name__
    '_Deferred'
    >>> colorsys.rgb_to_hsv(1.0, 0.0, 0.0)
    (0.0, 1.0, 1.0)
    >>> type(sys.modules["colorsys"]).__name__
    'module'
    """

    def __getattr__(self, name: str) -> Any:  # called only for what the stand-in lacks
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), name)


def _defer(name: str) -> None:
    """Put a :class:`_Deferred` stand-in for module ``name`` in ``sys.modules``, unless it is imported
    already (not thread-safe: for a process with one thread, such as the checks' second process)."""
    if name in sys.modules or (spec := importlib.util.find_spec(name)) is None:
        return
    stand_in = _Deferred(name)
    stand_in.__spec__ = spec  # the import system reads it, and must not import the module to do so
    sys.modules[name] = stand_in


def import_gx(defer: tuple[str, ...] = ()) -> None:
    """Import Great Expectations, quietly: no usage statistics, no progress bars, no deprecation warnings;
    the modules named in ``defer`` (:data:`UNUSED_BY_SUITES`) are imported only when first used."""
    _quiet_environment()
    if "great_expectations" not in sys.modules:
        for name in defer:
            _defer(name)
    with warnings.catch_warnings():  # GX's own imports raise deprecation warnings nobody here can act on
        warnings.simplefilter("ignore", DeprecationWarning)
        import great_expectations  # noqa: F401


def validate(
    frames: Mapping[str, pd.DataFrame], suites: Mapping[str, dict[str, Any]], params: Mapping[str, Any]
) -> dict[str, list[dict[str, Any]]]:
    """Validate each frame against the suite of the same name; results as JSON dicts per suite."""
    import_gx()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import great_expectations as gx
        from great_expectations.core import ExpectationSuite
        from great_expectations.data_context.types.base import (
            DataContextConfig,
            InMemoryStoreBackendDefaults,
            ProgressBarsConfig,
        )
        from great_expectations.expectations.expectation_configuration import ExpectationConfiguration
        from great_expectations.expectations.registry import get_expectation_impl

    config = DataContextConfig(
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    source = context.data_sources.add_pandas("cpb")
    results: dict[str, list[dict[str, Any]]] = {}
    for name, frame in frames.items():
        expectations = suites[name].get("expectations", [])
        vacuous: list[dict[str, Any]] = []
        if frame.empty:  # row-by-row rules hold on no rows; only the table-level ones need running
            vacuous = [e for e in expectations if e["type"] not in TABLE_LEVEL]
            expectations = [e for e in expectations if e["type"] in TABLE_LEVEL]
        results[name] = [_vacuous_result(e, frame, params) for e in vacuous]
        if not expectations:
            continue
        for expectation in expectations:  # GX would log and drop an unknown type: refuse it instead
            try:
                get_expectation_impl(expectation["type"])
            except Exception:  # noqa: BLE001
                where = suites[name].get("_source", f"{name}.json")
                raise ConfigError(
                    f"{where}: {expectation['type']!r} is not a Great Expectations expectation type"
                ) from None

        def build(chosen: list[dict[str, Any]], suite_name: str = name):
            configs = [{"type": e["type"], "kwargs": e.get("kwargs", {}), "meta": e.get("meta", {})} for e in chosen]
            try:
                return ExpectationSuite(name=suites[suite_name]["name"], expectations=configs)
            except Exception:  # GX raises many kinds for bad arguments: name the culprit
                _raise_bad_expectation(suites[suite_name], chosen, ExpectationConfiguration)
                raise

        batch = (
            source.add_dataframe_asset(name)
            .add_batch_definition_whole_dataframe(f"{name}-all")
            .get_batch(batch_parameters={"dataframe": frame})
        )
        # First pass: pass or fail only (cheap). Second pass: the failures again, with every failing row.
        quick = batch.validate(build(expectations), result_format="BOOLEAN_ONLY", expectation_parameters=dict(params))
        first = [r.to_json_dict() for r in quick.results]
        failed_keys = {_result_key(r) for r in first if not r.get("success")}
        results[name].extend(r for r in first if r.get("success"))
        again = [e for e in expectations if expectation_key(e["type"], e.get("kwargs", {}), params) in failed_keys]
        if again:
            index_columns = [c for c in INDEX_COLUMNS if c in frame.columns]
            validation = batch.validate(
                build(again),
                result_format={
                    "result_format": "COMPLETE",
                    "unexpected_index_column_names": index_columns,
                    "partial_unexpected_count": MAX_EXAMPLES,
                    "return_unexpected_index_query": False,
                },
                expectation_parameters=dict(params),
            )
            results[name].extend(r.to_json_dict() for r in validation.results)
    return results


def _result_key(result: dict[str, Any]) -> str:
    config = result.get("expectation_config", {})
    return expectation_key(config.get("type", ""), config.get("kwargs", {}))


def _raise_bad_expectation(suite: dict[str, Any], expectations: list[dict[str, Any]], configuration: type) -> None:
    """Raise a :class:`ConfigError` naming the suite file and the first expectation GX refuses."""
    source = suite.get("_source", f"{suite.get('name')}.json")
    for expectation in expectations:
        try:
            configuration(
                type=expectation["type"], kwargs=expectation.get("kwargs", {}), meta=expectation.get("meta", {})
            ).to_domain_obj()
        except Exception as exc:  # noqa: BLE001
            text = str(exc).strip()
            reason = text.splitlines()[-1].strip() if text else type(exc).__name__
            label = expectation.get("meta", {}).get("rule") or json.dumps(expectation.get("kwargs", {}))
            raise ConfigError(f"{source}: expectation {expectation['type']} ({label}): {reason}") from None


def _vacuous_result(expectation: dict[str, Any], frame: pd.DataFrame, params: Mapping[str, Any]) -> dict[str, Any]:
    """The result of a row-by-row expectation on a table with no rows (an error if its column is missing)."""
    config = {"type": expectation["type"], "kwargs": substitute(expectation.get("kwargs", {}), params)}
    absent = [c for c in _columns_of(expectation.get("kwargs", {})) if c not in frame.columns]
    if absent:
        message = f'The column "{absent[0]}" in BatchData does not exist.'
        return {
            "success": False,
            "expectation_config": config,
            "result": {},
            "exception_info": {"raised_exception": True, "exception_message": message},
        }
    return {"success": True, "expectation_config": config, "result": {"element_count": 0}}


# -- matching results to expectations ------------------------------------------------------------
def _canonical(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float | np.integer | np.floating):
        return float(value)
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in sorted(value.items())}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return str(value)


_NO_DEFAULT = object()
_DEFAULTS: dict[str, Any] = {"exact_match": True}
"""Arguments Great Expectations drops from the configuration it returns when they hold their default."""


def expectation_key(type_: str, kwargs: Mapping[str, Any], params: Mapping[str, Any] | None = None) -> str:
    """Identity of an expectation: its type and keyword arguments (parameters filled in, batch_id
    dropped, and so are arguments given at the value Great Expectations leaves out of its results).

    >>> a = expectation_key("expect_column_values_to_be_between", {"column": "x", "max_value": 3, "batch_id": "b"})
    >>> a == expectation_key("expect_column_values_to_be_between", {"max_value": 3.0, "column": "x"})
    True
    >>> b = expectation_key("expect_table_columns_to_match_set", {"column_set": ["a"], "exact_match": True})
    >>> b == expectation_key("expect_table_columns_to_match_set", {"column_set": ["a"]})
    True
    """
    clean = {k: v for k, v in kwargs.items() if k != "batch_id" and _DEFAULTS.get(k, _NO_DEFAULT) != v}
    return json.dumps([type_, _canonical(substitute(clean, params or {}))], sort_keys=True, default=str)


def match_results(
    suite: dict[str, Any], results: list[dict[str, Any]], params: Mapping[str, Any]
) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
    """Pair each expectation of ``suite`` with its result (``None`` if GX returned none)."""
    by_key: dict[str, list[dict[str, Any]]] = {}
    for result in results:
        config = result.get("expectation_config", {})
        by_key.setdefault(expectation_key(config.get("type", ""), config.get("kwargs", {})), []).append(result)
    paired = []
    for expectation in suite.get("expectations", []):
        found = by_key.get(expectation_key(expectation["type"], expectation.get("kwargs", {}), params), [])
        paired.append((expectation, found.pop(0) if found else None))
    return paired


# -- turning results into outcomes ---------------------------------------------------------------
def _exception_message(result: dict[str, Any]) -> str | None:
    info = result.get("exception_info") or {}
    if info.get("raised_exception"):
        return str(info.get("exception_message") or "the check could not run")
    for value in info.values():
        if isinstance(value, dict) and value.get("raised_exception"):
            return str(value.get("exception_message") or "the check could not run")
    return None


def _columns_of(kwargs: Mapping[str, Any]) -> list[str]:
    if "column" in kwargs:
        return [kwargs["column"]]
    for key in ("column_list", "column_set"):
        if key in kwargs and isinstance(kwargs[key], list):
            return list(kwargs[key])
    return [kwargs[k] for k in ("column_A", "column_B") if k in kwargs]


def _scalar(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
        if isinstance(value, float) and np.isnan(value):
            return None
    return value


def _period_text(periods: list[str]) -> str | None:
    unique = sorted({p for p in periods if p})
    if not unique:
        return None
    if len(unique) <= 3:
        return ", ".join(unique)
    return f"{unique[0]} to {unique[-1]} ({len(unique)} periods)"


def _files_text(frame: pd.DataFrame, default: str | None) -> str | None:
    files = sorted({f for f in frame.get("file", pd.Series(dtype=object)).dropna().unique()}) if len(frame) else []
    return ", ".join(files) if files else default


def outcomes_from_results(
    suite_name: str,
    suite: dict[str, Any],
    frame: pd.DataFrame,
    results: list[dict[str, Any]],
    params: Mapping[str, Any],
    default_file: str | None = None,
    header_row: int = 1,
) -> tuple[list[CheckOutcome], list[CheckOutcome]]:
    """Failures (errors and warnings) and passes of one suite, located by file, row, indicator and period
    (``header_row``: where the file's header is, for failures about the table as a whole)."""
    failed: list[CheckOutcome] = []
    passed: list[CheckOutcome] = []
    rows_by_id = frame.set_index(ROW_ID, drop=False) if ROW_ID in frame else frame
    pairs = match_results(suite, results, params)
    missing_columns = _reported_missing(pairs)
    for expectation, result in pairs:
        meta = expectation.get("meta", {})
        kwargs = expectation.get("kwargs", {})
        columns = _columns_of(kwargs)
        base = {
            "rule": meta.get("rule", expectation["type"]),
            "severity": meta.get("severity", "error"),
            "column": meta.get("column") or ", ".join(columns) or None,
            "suite": suite_name,
            "expectation": expectation["type"],
        }
        if result is None:
            failed.append(
                CheckOutcome(**{**base, "severity": "error"}, file=default_file, message="the check returned no result")
            )
            continue
        error = _exception_message(result)
        if error is not None:
            if any(c in missing_columns for c in columns):
                continue  # a missing input column is reported once, by the suite's column check
            failed.append(  # a rule that cannot run leaves the data unchecked: that stops the pack
                CheckOutcome(
                    **{**base, "severity": "error"}, file=default_file, message=f"the check could not run: {error}"
                )
            )
            continue
        details = result.get("result", {}) or {}
        if result.get("success"):
            checked = details.get("element_count", len(frame))
            passed.append(CheckOutcome(**base, file=_files_text(frame, default_file), count=int(checked or 0)))
            continue
        index_list = details.get("unexpected_index_list")
        if not index_list:
            failed.append(_table_outcome(base, expectation, details, frame, suite_name, default_file, header_row))
            continue
        failed.extend(_located(base, meta, index_list, rows_by_id, default_file, columns))
    return failed, passed


def _reported_missing(pairs: list[tuple[dict[str, Any], dict[str, Any] | None]]) -> set[str]:
    """Columns that a failed column check of the suite already reports as missing."""
    missing: set[str] = set()
    for expectation, result in pairs:
        if result is None or result.get("success"):
            continue
        if expectation["type"] == "expect_column_to_exist":
            missing.add(expectation.get("kwargs", {}).get("column"))
        elif expectation["type"] == "expect_table_columns_to_match_set":
            details = (result.get("result") or {}).get("details") or {}
            missing.update((details.get("mismatched") or {}).get("missing") or [])
    return missing


def _table_outcome(
    base: dict[str, Any],
    expectation: dict[str, Any],
    details: dict[str, Any],
    frame: pd.DataFrame,
    suite_name: str,
    default_file: str | None,
    header_row: int = 1,
) -> CheckOutcome:
    """A failure about the table as a whole, e.g. a missing or unknown column (reported at the header row)."""
    header = [] if suite_name in ("values", "commentary") else [header_row]
    mismatched = (details.get("details") or {}).get("mismatched") or {}
    missing, unknown = mismatched.get("missing") or [], mismatched.get("unexpected") or []
    if expectation["type"] == "expect_table_columns_to_match_set" and (missing or unknown):
        said = ([f"required column(s) missing: {', '.join(missing)}"] if missing else []) + (
            [f"unknown column(s): {', '.join(unknown)}"] if unknown else []
        )
        return CheckOutcome(
            **{**base, "column": ", ".join([*missing, *unknown])},
            file=_files_text(frame, default_file),
            rows=header,
            count=len(missing) + len(unknown),
            message="; ".join(said),
        )
    if expectation["type"] == "expect_column_to_exist":
        return CheckOutcome(
            **base, file=_files_text(frame, default_file), rows=header, count=1, message="the column is missing"
        )
    observed = details.get("observed_value")
    return CheckOutcome(
        **base,
        file=_files_text(frame, default_file),
        count=int(details.get("unexpected_count") or 1),
        message=None if observed is None else f"observed {observed!r}",
    )


def _located(
    base: dict[str, Any],
    meta: Mapping[str, Any],
    index_list: list[dict[str, Any]],
    rows_by_id: pd.DataFrame,
    default_file: str | None,
    checked: tuple[str, ...] | list[str] = (),
) -> list[CheckOutcome]:
    ids = [item.get(ROW_ID) for item in index_list if item.get(ROW_ID) is not None]
    rows = rows_by_id.loc[[i for i in dict.fromkeys(ids) if i in rows_by_id.index]]
    report_column = None if meta.get("column_from") else base["column"]
    show = [c for c in meta.get("show", []) if c in rows.columns]
    column_from = meta.get("column_from")
    by = ["file", "indicator"] + ([column_from] if column_from in rows.columns else [])
    keys = rows[by].astype(object).fillna("\0")
    groups = [
        (tuple(None if k == "\0" else k for k in key), group)
        for key, group in rows.groupby([keys[c] for c in by], sort=False, dropna=False)
    ]
    outcomes = []
    for number, (key, group) in enumerate(groups):
        file, indicator = key[0], key[1]
        column = key[2] if len(key) > 2 else base["column"]
        if number == MAX_GROUPS:
            rest = pd.concat([g for _, g in groups[MAX_GROUPS:]])
            outcomes.append(
                CheckOutcome(
                    **base,
                    file=_files_text(rest, default_file),
                    rows=sorted({int(r) for r in rest["source_row"].dropna()}),
                    count=len(rest),
                    message=f"and {len(groups) - MAX_GROUPS} more indicators",
                )
            )
            break
        examples = []
        for _, row in group.head(MAX_EXAMPLES).iterrows():
            example: dict[str, Any] = {"row": _scalar(row.get("source_row"))}
            if row.get("period") is not None:
                example["period"] = _scalar(row.get("period"))
            named = [report_column] if report_column else [c.strip() for c in str(column or "").split(",")]
            for name in named:
                if name and name in row.index:
                    example[name] = _scalar(row[name])
            for extra in show:
                example[extra] = _scalar(row[extra])
            for name in checked:  # a derived check column says what is wrong in words
                if name not in example and name in row.index and isinstance(row[name], str):
                    example["problem" if name != column else name] = row[name]
            examples.append(example)
        outcomes.append(
            CheckOutcome(
                **{**base, "column": column},
                file=file or default_file,
                indicator=indicator,
                period=_period_text([p for p in group["period"] if isinstance(p, str)]),
                rows=sorted({int(r) for r in group["source_row"].dropna()}),
                count=len(group),
                examples=examples,
            )
        )
    return outcomes


# -- the whole run ------------------------------------------------------------------------------
def _problem_outcome(name: str, error: Exception, default_file: str | None) -> CheckOutcome:
    if isinstance(error, InputError):
        return CheckOutcome(
            rule=f"the {name} input can be read and loaded",
            severity="error",
            file=Path(error.file).name if error.file else default_file,
            column=error.column,
            indicator=error.indicator,
            rows=[error.row] if error.row is not None else [],
            count=1,
            suite=name,
            message=error.message,
        )
    return CheckOutcome(
        rule=f"the {name} input can be read and loaded",
        severity="error",
        file=default_file,
        count=1,
        suite=name,
        message=str(error),
    )


def prepare_inputs(project: Project, data: MonthData) -> dict[str, pd.DataFrame]:
    """Prepared frame per suite from the month's data (pure given ``data``)."""
    month = data.month
    frames: dict[str, pd.DataFrame] = {}
    lookup = None
    table = data.tables.get("catalogue")
    if table is not None:
        frames["catalogue"] = prepare_catalogue(table.frame, table.rows, table.file)
        lookup = catalogue_lookup(frames["catalogue"])
    for name in ("targets", "benchmarks", "overrides", "annotations"):
        table = data.tables.get(name)
        if table is not None:
            frames[name] = prepare_input(name, table.frame, table.rows, table.file, lookup, month)
    if data.values is not None:
        settings = project.config.anomalies
        measures = None
        if lookup is not None:
            measures = anomaly_measures(
                main_series(data.values),
                month,
                history_months=settings.history_months,
                monthly=set(lookup.loc[lookup["frequency"].eq("monthly"), "indicator"]),
                counts=set(lookup.loc[lookup["unit"].eq("count"), "indicator"]),
                min_count_change=project.config.publication.suppression_threshold,
            )
            reported = reported_periods(lookup, month, project.config.calendar)[["indicator", "period"]]
            measures = measures.merge(reported, on=["indicator", "period"], how="inner")
        extract = month_file(data.loads, month)
        frames["values"] = prepare_values(
            data.values,
            lookup,
            month,
            previous=data.previous,
            calendar=project.config.calendar,
            anomalies=measures,
            month_file=extract,
            check_due=extract is not None,
        )
    if data.commentary is not None:
        frames["commentary"] = prepare_commentary(data.commentary, lookup, month)
    return frames


def run_checks(project: Project, data: MonthData | Month | str, validator: Validator | None = None) -> CheckResult:
    """Check every input of the report month in ``data`` (:func:`cpblib.inputs.month_data.read_month`):
    the catalogue, the values the month publishes, targets, benchmarks, overrides and the commentary files.

    ``data`` may also be a month: its new extracts are then loaded (a bad one is reported and
    changes nothing) and its data read here. Never raises for bad input: every problem is an
    outcome in the result. ``validator`` runs the suites (default: :func:`validate`, here; the build
    passes a :class:`~cpblib.checks._gx_process.ValidationProcess`'s, started early).
    """
    if not isinstance(data, MonthData):
        from ..inputs.month_data import load_new_extracts, read_month

        data = read_month(project, Month.parse(data), load_new_extracts(project))
    month = data.month
    result = CheckResult(month=str(month), key=month.key, label=month.label)
    suites = load_suites(project.root)
    for name, error in data.problems:
        result.add(_problem_outcome(name, error, data.files.get(name)))
    if data.values is not None and month_file(data.loads, month) is None:
        result.add(
            CheckOutcome(
                rule="an extract is loaded for the report month",
                severity="error",
                file=project.path("extracts").name,
                period=str(month),
                suite="values",
                message=f"no extract for {month.label} is in the store: put one named {month.key}-....csv or .xlsx in "
                f"{project.config.paths.extracts} or run 'cpb load FILE --month {month.key}'",
            )
        )
    frames = prepare_inputs(project, data)
    params = parameters(project.config.anomalies, project.config.comparators.declared)
    results = (validator or validate)(frames, suites, params)
    defaults = dict(data.files)
    defaults["values"] = f"{data.files.get('values', 'store')} (the values {month.label} publishes)"
    for name in SUITES:
        if name not in frames:
            continue
        header_row = data.tables[name].header_row if name in data.tables else 1
        failed, passed = outcomes_from_results(
            name, suites[name], frames[name], results.get(name, []), params, defaults.get(name), header_row
        )
        for outcome in failed:
            result.add(outcome)
        result.passed.extend(passed)
        source = data.tables[name].frame if name in data.tables else getattr(data, name, None)
        result.checked[name] = 0 if source is None else len(source)
    result.files = {name: defaults.get(name, "") for name in SUITES if name in frames}
    from ..derive import add_findings_to_checks  # rule findings of the child-level (903) data, as warnings

    add_findings_to_checks(project, month, result)
    result.extraction = extraction_info(data)
    if "values" in frames:
        result.revisions = revision_list(frames["values"])
    return result


def revision_list(values: pd.DataFrame) -> list[dict[str, Any]]:
    """Every value revised or withdrawn since the last published month, from a prepared values frame."""
    changed = values.loc[values["revision"].notna() | ~values["still_published"].astype(bool)]
    records = []
    for row in changed.sort_values(["indicator", "period"]).itertuples(index=False):
        withdrawn = not bool(row.still_published)
        records.append(
            {
                "indicator": row.indicator,
                "period": row.period,
                "previous_value": _scalar(row.previous_value),
                "value": _scalar(row.value),
                "change": row.disappeared if withdrawn else row.revision,
                "file": row.file,
                "row": _scalar(row.source_row),
            }
        )
    return records


def extraction_info(inputs: MonthData) -> dict[str, Any]:
    """When the data was extracted and loaded: one entry per load used for the month,
    the month revisions are measured from, and the extracts this run loaded (``new``)."""
    loads = inputs.loads
    new = [receipt.source_file for receipt in inputs.new_loads]
    if loads is None or loads.empty:
        return {"loads": [], "previous_month": inputs.previous_month, "new": new}
    used = loads.loc[loads["month"].astype(str) <= str(inputs.month)]
    entries = [
        {
            "load_id": int(row.load_id),
            "month": row.month,
            "file": row.source_file,
            "loaded_at": None if pd.isna(row.loaded_at) else pd.Timestamp(row.loaded_at).isoformat(timespec="seconds"),
            "extracted_on": None if pd.isna(row.extracted_on) else str(pd.Timestamp(row.extracted_on).date()),
            "rows": int(row.row_count),
        }
        for row in used.itertuples(index=False)
    ]
    return {"loads": entries, "previous_month": inputs.previous_month, "new": new}
