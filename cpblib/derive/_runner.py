"""Run DfE's SSDA903 validation rules on one collection year: JSON in on stdin, JSON out on stdout.

This file is a script for the validator's own environment (``cpb derive setup``
makes it), where DfE's ``csc-validator-be-903`` package and its old pandas live.
It imports nothing from cpb and only the standard library and that package.

Input::

    {"collection_year": "2025", "local_authority": "E06000059",
     "tables": {"Episodes": {"columns": [...], "rows": [2, 3], "data": [[...], [...]]}, ...},
     "previous": {...the previous year's tables, optional...}}

Output::

    {"ok": true, "package": "0.1.17", "ruleset": "lac2024_25", "rules": 300, "not_run": ["123"],
     "findings": [{"code": "103", "message": "...", "table": "Header", "row": 7, "child": "C1", "fields": [...]}],
     "places": [[row, miles or null, "IN" / "OUT" or null], ...]}

or ``{"ok": false, "reason": "..."}``. Nothing is written to disk and nothing
but the result is written to stdout; the package's log lines go nowhere.
"""

import contextlib
import io
import json
import logging
import math
import sys


def _csv(columns, table):
    """The table as CSV text in the validator's column layout (absent columns blank)."""
    import csv

    given = [str(c).strip().upper() for c in table["columns"]]
    position = {name: i for i, name in enumerate(given)}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for record in table["data"]:
        writer.writerow(
            ["" if position.get(c) is None or record[position[c]] is None else record[position[c]] for c in columns]
        )
    return out.getvalue().encode("utf-8")


def _number(value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _recode_sex(request):
    """Code last year's sex as this year's rules do (1 and 2 became M and F in 2024-25), so that
    the change of coding is not reported as a change of sex."""
    this = (request.get("tables") or {}).get("Header")
    last = (request.get("previous") or {}).get("Header")
    if not this or not last:
        return

    def sexes(table):
        columns = [str(c).strip().upper() for c in table["columns"]]
        return columns.index("SEX") if "SEX" in columns else None

    now, before = sexes(this), sexes(last)
    if now is None or before is None:
        return
    if any(str(r[now]).strip().upper() in ("M", "F") for r in this["data"]):
        for record in last["data"]:
            record[before] = {"1": "M", "2": "F"}.get(str(record[before]).strip(), record[before])


def run(request):
    logging.disable(logging.CRITICAL)
    from importlib import import_module, metadata

    import pandas as pd
    from lac_validator import lac_validator
    from lac_validator.config import column_names

    logging.disable(logging.CRITICAL)  # the package turns its logging on when imported
    year = str(request["collection_year"])
    ruleset = f"lac{int(year) - 1}_{year[2:4]}"
    try:
        registry = import_module(f"lac_validator.rules.{ruleset}").registry
    except ModuleNotFoundError:
        return {"ok": False, "reason": "the installed rules have no ruleset for that year"}
    _recode_sex(request)
    files = []
    for description, key in (("This year", "tables"), ("Prev year", "previous")):
        for name, table in (request.get(key) or {}).items():
            if name in column_names:
                files.append(
                    {"name": f"{name}.csv", "description": description, "file_content": _csv(column_names[name], table)}
                )
    metadata_ = {"collectionYear": year, "localAuthority": request.get("local_authority") or ""}
    validator = lac_validator.LacValidator(metadata=metadata_, files=files, registry=registry, selected_rules=None)
    rows = {name: table["rows"] for name, table in request["tables"].items()}
    findings = []
    for name, frame in validator.ds_results.items():
        if name not in rows or not isinstance(frame, pd.DataFrame):
            continue
        for column in (c for c in frame.columns if str(c).startswith("ERR_")):
            code = column[4:]
            rule = registry.get(code)
            hit = frame.index[frame[column].fillna(False).astype(bool)]
            for index in hit:
                position = int(index)
                if not 0 <= position < len(rows[name]):
                    continue
                child = frame.at[index, "CHILD"] if "CHILD" in frame.columns else None
                findings.append(
                    {
                        "code": str(code),
                        "message": str(getattr(rule, "message", "")),
                        "table": name,
                        "row": rows[name][position],
                        "child": None
                        if child is None or (isinstance(child, float) and math.isnan(child))
                        else str(child),
                        "fields": sorted(str(f) for f in (getattr(rule, "affected_fields", None) or [])),
                    }
                )
    places = []
    episodes = validator.ds_results.get("Episodes")
    if isinstance(episodes, pd.DataFrame) and "Episodes" in rows:
        for index in range(min(len(episodes), len(rows["Episodes"]))):
            distance = _number(episodes["PL_DISTANCE"].iloc[index]) if "PL_DISTANCE" in episodes else None
            location = episodes["PL_LOCATION"].iloc[index] if "PL_LOCATION" in episodes else None
            location = location if isinstance(location, str) and location in ("IN", "OUT") else None
            if request.get("local_authority") in (None, ""):
                location = None
            places.append([rows["Episodes"][index], distance, location])
    return {
        "ok": True,
        "package": metadata.version("csc-validator-be-903"),
        "ruleset": ruleset,
        "rules": len(registry),
        "not_run": sorted(str(c) for c in validator.fails),
        "findings": findings,
        "places": places,
    }


def main():
    request = json.load(sys.stdin)
    stdout = sys.stdout
    try:
        with contextlib.redirect_stdout(sys.stderr):  # stray prints must not spoil the answer
            answer = run(request)
    except Exception as exc:  # noqa: BLE001  (the reason is named by type only: messages can quote data)
        answer = {"ok": False, "reason": f"the validator stopped with {type(exc).__name__}"}
    json.dump(answer, stdout)
    stdout.write("\n")


if __name__ == "__main__":
    main()
