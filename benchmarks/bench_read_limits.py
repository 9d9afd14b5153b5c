"""Benchmark: how long, and how much memory, reading a hostile or oversized table takes before it is refused.

Makes each file in a temporary folder, then reads it with ``read_table`` in a
new Python process and prints the wall-clock time, the process's peak memory
(resident set size) and the first words of the message:

* a 5 KB workbook whose one far cell is XFD1048576 (its dimension record says so);
* the same with the dimension record left out, and with one that says A1:B2;
* a workbook of 1,048,576 rows (the most a sheet can hold);
* a CSV of 2,000,000 rows (under the 50 MB file limit);
* for scale, the demo's March 2023 extract as a workbook.

Run: ``python benchmarks/bench_read_limits.py``. Every hostile file should be
refused in about a second and well under ``cpblib.limits.READ_MEMORY_BYTES``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import openpyxl

from cpblib.limits import READ_MEMORY_BYTES

DATA = Path(__file__).resolve().parents[1] / "data"

PROBE = """
import resource, sys
from cpblib.errors import InputError
from cpblib.inputs.files import read_table
try:
    table = read_table(sys.argv[1])
    outcome = f"read: {len(table.frame)} rows"
except InputError as exc:
    outcome = f"refused: {str(exc)[:90]}"
print(outcome)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _workbook(path: Path, sheet_xml: bytes) -> Path:
    book = openpyxl.Workbook()
    book.active["A1"] = "indicator"
    template = path.with_name("template.xlsx")
    book.save(template)
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, sheet_xml if item.filename == "xl/worksheets/sheet1.xml" else source.read(item))
    return path


def _sheet(rows: str, dimension: str | None) -> bytes:
    ref = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{ref}<sheetData>{rows}</sheetData></worksheet>"
    ).encode()


def _far(dimension: str | None) -> bytes:
    cell = '<c r="{0}" t="inlineStr"><is><t>{1}</t></is></c>'
    rows = f'<row r="1">{cell.format("A1", "indicator")}</row><row r="1048576">{cell.format("XFD1048576", "x")}</row>'
    return _sheet(rows, dimension)


def files(folder: Path) -> list[tuple[str, Path]]:
    made = [
        ("one cell at XFD1048576", _workbook(folder / "far.xlsx", _far("A1:XFD1048576"))),
        ("  ... no dimension record", _workbook(folder / "far-none.xlsx", _far(None))),
        ("  ... dimension says A1:B2", _workbook(folder / "far-lies.xlsx", _far("A1:B2"))),
    ]
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, 1_048_577))
    made.append(("1,048,576 rows (no dimension)", _workbook(folder / "tall.xlsx", _sheet(rows, None))))
    tall = folder / "tall.csv"
    tall.write_text("indicator,period,value\n" + "cic-number,2023-03,1\n" * 2_000_000, encoding="utf-8")
    made.append(("CSV of 2,000,000 rows", tall))
    demo = openpyxl.Workbook()
    for line in (DATA / "extracts" / "2023-03.csv").read_text(encoding="utf-8").splitlines():
        demo.active.append(line.split(","))
    demo.save(folder / "2023-03.xlsx")
    made.append(("the demo's extract (for scale)", folder / "2023-03.xlsx"))
    return made


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'file':34} {'size':>9} {'seconds':>8} {'peak MB':>8}  outcome")
        for label, path in files(Path(tmp)):
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, check=True)
            seconds = time.perf_counter() - started
            outcome, peak_kb = done.stdout.strip().splitlines()
            size = path.stat().st_size
            print(f"{label:34} {size / 1024:>7.0f}KB {seconds:>8.2f} {int(peak_kb) / 1024:>8.0f}  {outcome}")
    print(f"documented ceiling: {READ_MEMORY_BYTES / 1024 / 1024:.0f} MB")


if __name__ == "__main__":
    main()
