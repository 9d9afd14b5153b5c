"""Benchmark: ``cpb render`` of the demo month, cold and warm.

Prints

* the cold ``cpb render --month 2023-03 --engine builtin`` on a fresh copy of
  the demo project (store built, data checks, every notebook executed, website
  and PDF written; target: under 12 s on 2 cores), with its notebook phase as
  the command reports it;
* of which rendering after notebook execution: as the cold render reports it
  (``website and PDF written in ... s``), and rendering the executed month
  again (the render step of the recipe, in a new process; target: under 5 s),
  and the PDF and the website each timed on its own (the recipe runs them
  side by side);
* the warm ``cpb render`` with nothing changed: nothing read, executed or
  rendered (target: under 1.5 s);
* with ``--baseline REF``: the cold renders of the code at commit ``REF``, each run
  just before one of this code's (so both meet the machine in the same state), the
  ratio of the medians, and what that ratio makes of the reference time the cold
  target was set against (:data:`BASELINE_SECONDS`, the code before the month's
  build became one recipe, on a quiet 2-core machine). A busy or slower machine
  stretches both renders alike, so the ratio carries over where absolute times do not.

Everything happens in a temporary copy; nothing is written in the repository but
Python's bytecode cache (``__pycache__``, which an installed cpb has): the commands run
with it, whatever ``PYTHONDONTWRITEBYTECODE`` says here (:func:`installed_python`).
Run: ``python benchmarks/bench_render.py [--month 2023-03] [--repeat 1] [--baseline 59cafb7]``.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COLD_TARGET_SECONDS = 12.0
RENDER_TARGET_SECONDS = 5.0
WARM_TARGET_SECONDS = 1.5
BASELINE_SECONDS = 16.0
"""The cold render of the code the cold target was set against (commit 59cafb7), on a quiet 2-core machine."""

# Publishing an executed month again, timed step by step (run in a new process, as the command would).
RENDER_AGAIN = """
import contextlib, json, sys, tempfile, time
from pathlib import Path
started = time.perf_counter()
import cpblib.publish
from cpblib import workflow
from cpblib.build import BuildFolder
from cpblib.inputs.load import read_catalogue
from cpblib.month import Month
from cpblib.project import Project

imported = time.perf_counter() - started
project = Project.open(sys.argv[1])
month = Month.parse(sys.argv[2])
domains = list(dict.fromkeys(read_catalogue(project)["domain"]))
t = time.perf_counter()
with contextlib.closing(cpblib.publish.PdfProcess()) as side:
    workflow.publish(workflow.Run(project, month, force=True), "builtin", side, cpblib.publish.render_month)
steps = {"imports": imported, "publish": time.perf_counter() - t}
# The two halves on their own, one after the other (the recipe runs them side by side).
build = BuildFolder(project, month).root
with tempfile.TemporaryDirectory() as scratch:
    t = time.perf_counter()
    cpblib.publish.render_pdf(build, Path(scratch) / "pack.pdf", month, config=project.config, catalogue_domains=domains)
    steps["pdf"] = time.perf_counter() - t
    t = time.perf_counter()
    cpblib.publish.render_site(build, Path(scratch) / "site", month, config=project.config, catalogue_domains=domains)
    steps["website"] = time.perf_counter() - t
print(json.dumps(steps))
"""


def copy_demo(target: Path, source: Path = REPO) -> Path:
    """A fresh copy of the demo project of the code in ``source`` (this repository, or a baseline's files)."""
    target.mkdir(parents=True)
    for name in ("cpb.toml", "_quarto.yml", "index.qmd"):
        if (source / name).is_file():
            shutil.copy2(source / name, target / name)
    for folder in ("data", "notebooks", "expectations"):
        if (source / folder).is_dir():
            shutil.copytree(source / folder, target / folder, ignore=shutil.ignore_patterns("*.duckdb", "*.duckdb.wal"))
    return target


def baseline_files(ref: str, target: Path) -> Path:
    """The repository's files at commit ``ref`` in ``target``, its cpb's bytecode compiled."""
    import compileall

    archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", ref], capture_output=True, check=False)
    if archive.returncode != 0:
        sys.exit(f"--baseline {ref}: not a commit of {REPO}: {archive.stderr.decode(errors='replace').strip()}")
    target.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    compileall.compile_dir(target / "cpblib", quiet=1)
    return target


def cold_render(args: list[str], code: Path = REPO) -> float:
    """One cold render in a fresh copy of the demo project of the code in ``code`` (run with that code)."""
    with tempfile.TemporaryDirectory(prefix="cpb-bench-render-") as folder:
        return timed_command(copy_demo(Path(folder) / "demo", code), *args, code=code)[0]


def installed_python() -> dict[str, str]:
    """The environment commands are timed in: Python's bytecode cache written and read, as in an
    installation (pip compiles it; an editable install writes it on first use), and cpb's compiled now."""
    import compileall
    import os

    compileall.compile_dir(REPO / "cpblib", quiet=1)
    return {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def timed_command(root: Path, *args: str, code: Path = REPO) -> tuple[float, str]:
    environment = installed_python()
    if code != REPO:  # a baseline's cpb, in the command and in the kernels it starts
        environment["PYTHONPATH"] = str(code)
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, *args], cwd=root, capture_output=True, text=True, check=False, env=environment
    )
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        output = (completed.stdout + completed.stderr)[-3000:]
        sys.exit(f"{' '.join(args)} failed (exit {completed.returncode}):\n{output}")
    return elapsed, completed.stdout + completed.stderr


def verdict(seconds: float, target: float) -> str:
    return f"(target under {target:g} s) {'OK' if seconds < target else 'OVER'}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--month", default="2023-03")
    parser.add_argument("--repeat", type=int, default=1, help="cold renders, each in a fresh copy (median shown)")
    parser.add_argument("--baseline", metavar="REF", help="a commit whose cold renders alternate with this code's")
    args = parser.parse_args()
    render = ["-m", "cpblib", "render", "--month", args.month, "--engine", "builtin"]

    colds: list[float] = []
    bases: list[float] = []
    with tempfile.TemporaryDirectory(prefix="cpb-bench-baseline-") as folder:
        baseline = baseline_files(args.baseline, Path(folder) / "code") if args.baseline else None
        for turn in range(max(1, args.repeat)):
            if baseline is not None:
                bases.append(cold_render(render, baseline))
            if turn < max(1, args.repeat) - 1:  # the last one is timed below, with the steps after it
                colds.append(cold_render(render))
    with tempfile.TemporaryDirectory(prefix="cpb-bench-render-") as folder:
        root = copy_demo(Path(folder) / "demo")
        cold, output = timed_command(root, *render)
        colds.append(cold)
        flat = " ".join(output.split())
        found = re.search(r"(\d+) notebook\(s\) executed, \d+ unchanged, in ([\d.]+) s", flat)
        executed, notebooks = (int(found.group(1)), float(found.group(2))) if found else (0, float("nan"))
        written = re.search(r"website and PDF written in ([\d.]+) s", flat)
        in_cold = float(written.group(1)) if written else float("nan")

        _again, output = timed_command(root, "-c", RENDER_AGAIN, str(root), args.month)
        steps = json.loads(output.strip().splitlines()[-1])

        warm, output = timed_command(root, *render)
        unchanged = "unchanged since the last render" in output
        warm_found = re.search(r"(\d+) notebook\(s\) executed", " ".join(output.split()))

        print(f"Demo month {args.month}, built-in engine")
        median = statistics.median(colds)
        each = f" (median of {len(colds)}: {', '.join(f'{c:.1f}' for c in colds)})" if len(colds) > 1 else ""
        print(f"cold `cpb render`: {median:.1f} s {verdict(median, COLD_TARGET_SECONDS)}{each}")
        print(
            f"  notebooks: {executed} executed in {notebooks:.1f} s (checks, store and start-up: "
            f"{cold - notebooks - steps['publish']:.1f} s)"
        )
        rendering = steps["publish"]
        print(
            f"  rendering after the notebooks, within the cold render: {in_cold:.1f} s "
            f"{verdict(in_cold, RENDER_TARGET_SECONDS)} (the PDF's process started with the command)"
        )
        print(
            f"  rendering after the notebooks, again in a new process: {rendering:.1f} s {verdict(rendering, RENDER_TARGET_SECONDS)}"
            f" (imports before it {steps['imports']:.1f} s); the PDF ({steps['pdf']:.1f} s on its own) is typeset"
            f" in a second process while the website ({steps['website']:.1f} s on its own) is written"
        )
        print(
            f"warm `cpb render`, nothing changed: {warm:.1f} s {verdict(warm, WARM_TARGET_SECONDS)}; "
            f"{warm_found.group(1) if warm_found else '?'} notebook(s) executed, "
            f"{'nothing rendered' if unchanged else 'RENDERED AGAIN'}"
        )
        if bases:
            base, ratio = statistics.median(bases), median / statistics.median(bases)
            scaled = ratio * BASELINE_SECONDS
            print(
                f"baseline {args.baseline}, cold, alternating: {base:.1f} s (median of {len(bases)}: "
                f"{', '.join(f'{b:.1f}' for b in bases)}); this code takes {ratio:.2f} of it, which is "
                f"{scaled:.1f} s where the baseline takes {BASELINE_SECONDS:g} s {verdict(scaled, COLD_TARGET_SECONDS)}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
