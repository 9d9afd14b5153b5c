"""Data-quality findings of a derivation: aggregated by rule and file, kept beside the extract, shown as warnings.

A finding is one rule failing on one row of one file (DfE's rules, or cpb's own
notices such as a date it could not read). :func:`aggregate` groups them by rule
and file: a count, the rows (file row numbers) and the child ids, a few of each.
The groups are written as ``<extract stem>.findings.json`` beside the extract
(:func:`write_findings`) and :func:`outcomes` turns them into warnings of the
data checks, so that they reach the data-quality page. When the project is
published (``[publication] public = true``), the warnings carry counts only: no
child id and no row.

>>> groups = aggregate([
...     {"code": "103", "message": "Ethnicity code not valid.", "file": "header.csv", "row": 4, "child": "C9"},
...     {"code": "103", "message": "Ethnicity code not valid.", "file": "header.csv", "row": 2, "child": "C3"},
... ])
>>> groups[0]["count"], groups[0]["rows"], groups[0]["children"]
(2, [2, 4], ['C3', 'C9'])
>>> [o.examples for o in outcomes({"rules": groups}, public=True)], outcomes({"rules": groups})[0].rows
([[]], [2, 4])
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..checks.result import CheckOutcome
from ..errors import InputError

SUFFIX = ".findings.json"
FORMAT = 1
MAX_LISTED = 50
"""Rows and child ids kept per rule and file (the count is always whole)."""

SUITE = "ssda903"


def aggregate(findings: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Findings grouped by rule code and file, in rule order."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for item in findings:
        key = (str(item["code"]), str(item["file"]))
        group = groups.setdefault(
            key,
            {
                "code": key[0],
                "message": str(item.get("message") or ""),
                "file": key[1],
                "table": item.get("table"),
                "count": 0,
                "rows": set(),
                "children": set(),
            },
        )
        group["count"] += 1
        if item.get("row") is not None:
            group["rows"].add(int(item["row"]))
        if item.get("child"):
            group["children"].add(str(item["child"]))
    out = []
    for key in sorted(groups, key=lambda k: (_rule_order(k[0]), k[1])):
        group = groups[key]
        out.append(
            {
                **group,
                "rows": sorted(group["rows"])[:MAX_LISTED],
                "children_count": len(group["children"]),
                "children": sorted(group["children"])[:MAX_LISTED],
            }
        )
    return out


def _rule_order(code: str) -> tuple:
    digits = "".join(ch for ch in code if ch.isdigit())
    return (code.startswith("cpb"), int(digits) if digits else 0, code)


def findings_path(extract: Path) -> Path:
    return extract.with_name(extract.stem + SUFFIX)


def write_findings(path: Path, content: dict[str, Any]) -> None:
    """Write the findings file (``content``: extract, month, validator, rows_checked, rules)."""
    document = {"format": FORMAT, "created": _dt.datetime.now().isoformat(timespec="seconds"), **content}
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)


def read_findings(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(path.name, f"cannot read the 903 findings: {exc}") from None
    if (
        not isinstance(document, dict)
        or document.get("format") != FORMAT
        or not isinstance(document.get("rules"), list)
    ):
        raise InputError(path.name, "not a findings file written by 'cpb derive ssda903'")
    return document


def outcomes(document: dict[str, Any], *, public: bool = False) -> list[CheckOutcome]:
    """One warning per rule and file; without rows or child ids when ``public``."""
    result = []
    for group in document.get("rules", []):
        code, message = str(group.get("code")), str(group.get("message") or "").strip()
        count = int(group.get("count") or 0)
        children = int(group.get("children_count") or 0)
        examples = []
        if not public:
            ids = list(group.get("children") or [])  # the rows are shown beside, under "Where"
            if ids:
                shown = ", ".join(ids[:10]) + (f" and {children - 10} more" if children > 10 else "")
                examples = [{"children": shown}]
        result.append(
            CheckOutcome(
                rule=f"903 rule {code}: {message}" if message else f"903 rule {code}",
                severity="warning",
                file=str(group.get("file") or ""),
                rows=[] if public else [int(r) for r in group.get("rows") or []],
                count=count,
                examples=examples,
                suite=SUITE,
                message=f"{count} row(s) of {children} child(ren)" if children else f"{count} row(s)",
            )
        )
    return result
