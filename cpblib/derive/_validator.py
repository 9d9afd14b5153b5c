"""The boundary with DfE's SSDA903 validator, which runs in an environment of its own.

DfE's rules (the ``csc-validator-be-903`` package) pin libraries older than
cpb's, so they cannot be imported here. ``cpb derive setup`` makes a virtual
environment inside the project (``<build>/ssda903-validator``) and installs
them there; :func:`validate_year` sends one collection year's tables to the
script :mod:`cpblib.derive._runner` in that environment as JSON on stdin and
reads its answer as JSON on stdout. The tables cross in memory only: nothing is
written to disk, and the validator's own log lines (which can quote rows) are
dropped, never shown.

An environment named by ``CPB_SSDA903_PYTHON`` (the Python executable of an
environment where the package is installed) is used instead, when set.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CpbError
from ..project import Project
from ._tables import RawTable

PACKAGE = "csc-validator-be-903"
REQUIREMENTS = (f"{PACKAGE}==0.1.17", "pandas==1.5.3", "numpy==1.24.4", "rich<14", "pytest<9")
"""What ``cpb derive setup`` installs: DfE's rules and the library versions they were checked with."""

ENV_FOLDER = "ssda903-validator"
PYTHON_VARIABLE = "CPB_SSDA903_PYTHON"
RUNNER = Path(__file__).with_name("_runner.py")
TIMEOUT_SECONDS = 900

INSTALL_HINT = "DfE's 903 rules were not run: install them once with 'cpb derive setup' (needs PyPI)"


class ValidatorError(CpbError):
    """DfE's validator could not be set up or run."""


def env_folder(project: Project) -> Path:
    return project.path("build") / ENV_FOLDER


def _python_in(folder: Path) -> Path:
    return folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def find_python(project: Project) -> Path | None:
    """The validator environment's Python: ``CPB_SSDA903_PYTHON``, else the project's own, else None."""
    named = os.environ.get(PYTHON_VARIABLE)
    if named:
        path = Path(named)
        if not path.is_file():
            raise ValidatorError(f"{PYTHON_VARIABLE} names {named}, which is not a file")
        return path
    python = _python_in(env_folder(project))
    return python if python.is_file() else None


def setup(project: Project, python: Path | str | None = None, *, quiet: bool = True) -> Path:
    """Make the validator's environment inside the project and install DfE's rules into it.

    ``python``: the interpreter to build it from (default: the one running cpb;
    DfE's pinned pandas needs Python 3.11 or older).
    """
    folder = env_folder(project)
    base = str(python or sys.executable)
    steps = [
        [base, "-m", "venv", str(folder)],
        [str(_python_in(folder)), "-m", "pip", "install", *(["-q"] if quiet else []), *REQUIREMENTS],
    ]
    for step in steps:
        try:
            completed = subprocess.run(step, capture_output=quiet, text=True, check=False)
        except OSError as exc:
            raise ValidatorError(f"cannot run {step[0]}: {exc.strerror or exc}") from None
        if completed.returncode != 0:
            last = (completed.stderr or "").strip().splitlines()[-1:] if quiet else []
            raise ValidatorError(
                f"setting up DfE's 903 rules failed at '{' '.join(step[:4])} ...'" + (f": {last[0]}" if last else "")
            )
    return _python_in(folder)


# -- one year through the rules -------------------------------------------------------------------
@dataclass
class YearResult:
    """What DfE's rules said about one collection year (child ids stay inside the derivation)."""

    year: int
    ran: bool
    reason: str | None = None
    package: str | None = None
    ruleset: str | None = None
    rules: int = 0
    not_run: list[str] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    places: list[list] = field(default_factory=list)


def table_payload(raw: RawTable) -> dict:
    """One table as the runner takes it: columns, file row numbers and text cells."""
    frame = raw.table.frame
    cells = frame.astype(object).where(frame.notna(), None)
    return {
        "columns": [str(c) for c in frame.columns],
        "rows": [int(r) for r in raw.table.rows],
        "data": cells.values.tolist(),
    }


def request(year: int, tables: list[RawTable], local_authority: str | None) -> dict:
    """The JSON request for ``year``: its tables, and the year before's where given."""
    this = {raw.spec.validator_name: table_payload(raw) for raw in tables if raw.year == year}
    last = {raw.spec.validator_name: table_payload(raw) for raw in tables if raw.year == year - 1}
    return {"collection_year": str(year), "local_authority": local_authority or "", "tables": this, "previous": last}


def parse_answer(year: int, text: str) -> YearResult:
    """The runner's answer read back; a broken answer is a :class:`ValidatorError`.

    >>> parse_answer(2023, '{"ok": false, "reason": "no ruleset"}').reason
    'no ruleset'
    >>> parse_answer(2023, '{"ok": true, "package": "0.1.17", "ruleset": "lac2022_23", "rules": 2, '
    ...     '"not_run": [], "findings": [], "places": []}').ruleset
    'lac2022_23'
    """
    try:
        answer = json.loads(text)
    except json.JSONDecodeError:
        raise ValidatorError("DfE's 903 validator gave an answer cpb cannot read") from None
    if not isinstance(answer, dict) or "ok" not in answer:
        raise ValidatorError("DfE's 903 validator gave an answer cpb cannot read")
    if not answer["ok"]:
        return YearResult(year, False, str(answer.get("reason") or "the validator did not run"))
    return YearResult(
        year,
        True,
        package=answer.get("package"),
        ruleset=answer.get("ruleset"),
        rules=int(answer.get("rules") or 0),
        not_run=[str(c) for c in answer.get("not_run") or []],
        findings=list(answer.get("findings") or []),
        places=list(answer.get("places") or []),
    )


def validate_year(python: Path, year: int, tables: list[RawTable], local_authority: str | None) -> YearResult:
    """Run DfE's rules on one collection year in the validator's environment."""
    payload = json.dumps(request(year, tables, local_authority))
    try:
        completed = subprocess.run(
            [str(python), "-I", str(RUNNER)],
            check=False,
            input=payload,
            capture_output=True,  # stderr holds the package's log lines, which can quote rows: never shown
            text=True,
            timeout=TIMEOUT_SECONDS,
            cwd=RUNNER.parent.parent.parent,
        )
    except subprocess.TimeoutExpired:
        raise ValidatorError(f"DfE's 903 validator took more than {TIMEOUT_SECONDS} s on {year}") from None
    except OSError as exc:
        raise ValidatorError(f"cannot run DfE's 903 validator ({python}): {exc.strerror or exc}") from None
    if completed.returncode != 0 or not completed.stdout.strip():
        raise ValidatorError(
            f"DfE's 903 validator failed (exit code {completed.returncode}); "
            f"run 'cpb derive setup' again, or derive without DfE's rules with --no-validate"
        )
    return parse_answer(year, completed.stdout)
