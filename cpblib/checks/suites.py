"""Where the expectation suites live and what a valid one looks like.

The checks are declared, not coded: each input has one Great Expectations
1.x suite kept as JSON in ``expectations/<input>.json``::

    {"name": "targets",
     "expectations": [
       {"type": "expect_column_values_to_be_between",
        "kwargs": {"column": "percent_target", "min_value": 0, "max_value": 100},
        "meta": {"severity": "error", "column": "target",
                 "rule": "a percentage target is between 0 and 100"}}]}

``meta.severity`` is ``error`` (stops the pack) or ``warning`` (shown);
``meta.rule`` is the sentence the report prints; ``meta.column`` names the
input column to report when the expectation looks at a derived column;
``meta.show`` lists extra columns to print with each failing example. Values
written ``{"$PARAMETER": "name"}`` are filled in when the suite runs (see
:func:`cpblib.checks.rules.parameters`).

The same suites decide what loading accepts: :mod:`cpblib.checks.rules` evaluates
their error-severity expectations without Great Expectations when a file is
loaded or a table typed, so a rule written here is applied everywhere.

A project may keep its own ``expectations/`` folder (beside ``cpb.toml``); a
suite found there replaces the one shipped with cpb. Reading the JSON needs
no Great Expectations import.

>>> suite = load_suite("targets")
>>> suite["name"], all(e["meta"]["severity"] in SEVERITIES for e in suite["expectations"])
('targets', True)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..limits import MAX_SETTINGS_BYTES
from .result import SEVERITIES

SUITES = ("catalogue", "values", "targets", "benchmarks", "overrides", "annotations", "commentary")
"""One suite per input, in the order they are checked and reported."""

_PACKAGE = Path(__file__).resolve().parents[1]
DEFAULT_DIR = next(
    (folder for folder in (_PACKAGE / "expectations", _PACKAGE.parent / "expectations") if folder.is_dir()),
    _PACKAGE.parent / "expectations",
)
"""The suites shipped with cpb: ``expectations/`` of the repository, packaged as ``cpblib/expectations/``."""

SUITE_DIR = "expectations"
"""A project's own suites, relative to its root."""


def suite_path(name: str, project_root: Path | None = None) -> Path:
    """The file the suite ``name`` is read from: the project's own, else cpb's."""
    if project_root is not None:
        own = Path(project_root) / SUITE_DIR / f"{name}.json"
        if own.is_file():
            if not own.resolve().is_relative_to(Path(project_root).resolve()):
                raise ConfigError(f"{own}: the suite is a link to {own.resolve()}, outside the project; cpb refuses it")
            return own
    return DEFAULT_DIR / f"{name}.json"


def load_suite(name: str, project_root: Path | None = None) -> dict[str, Any]:
    """Read and check one suite's JSON; a broken suite is a :class:`ConfigError`."""
    path = suite_path(name, project_root)
    try:
        if path.stat().st_size > MAX_SETTINGS_BYTES:
            raise ConfigError(f"{path}: {path.stat().st_size:,} bytes is too large for an expectation suite")
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: expectation suite not found") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{path}: not a readable JSON expectation suite: {exc}") from None
    suite = validate_suite(data, str(path))
    return {**suite, "_source": str(path)}


def validate_suite(data: Any, source: str) -> dict[str, Any]:
    """Check a suite's shape: name, expectations each with type, kwargs and meta.severity/rule.

    >>> validate_suite({"name": "x", "expectations": [{"type": "expect_column_to_exist",
    ...     "kwargs": {"column": "a"}, "meta": {"severity": "fatal", "rule": "a"}}]}, "x.json")
    Traceback (most recent call last):
    ...
    cpblib.errors.ConfigError: x.json: expectation 1 (expect_column_to_exist): meta.severity must be error or warning, not 'fatal'
    """
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        raise ConfigError(f"{source}: a suite is a JSON object with a 'name' and a list of 'expectations'")
    expectations = data.get("expectations")
    if not isinstance(expectations, list):
        raise ConfigError(f"{source}: 'expectations' must be a list")
    for number, item in enumerate(expectations, start=1):
        label = f"{source}: expectation {number}"
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            raise ConfigError(f"{label}: needs a 'type' such as expect_column_values_to_be_between")
        label += f" ({item['type']})"
        if not isinstance(item.get("kwargs", {}), dict):
            raise ConfigError(f"{label}: 'kwargs' must be an object")
        meta = item.get("meta")
        if not isinstance(meta, dict):
            raise ConfigError(f"{label}: needs 'meta' with a severity (error or warning) and a rule")
        if meta.get("severity") not in SEVERITIES:
            raise ConfigError(f"{label}: meta.severity must be error or warning, not {meta.get('severity')!r}")
        if not isinstance(meta.get("rule"), str) or not meta["rule"].strip():
            raise ConfigError(f"{label}: meta.rule must say in words what is checked")
    return data


def load_suites(project_root: Path | None = None) -> dict[str, dict[str, Any]]:
    """All suites by input name."""
    return {name: load_suite(name, project_root) for name in SUITES}
