"""Regenerate the trimmed DfE files in this folder from the full published files.

    python tests/data/dfe/make_trimmed.py [FOLDER]          # write ees/ and lait/ here
    python tests/data/dfe/make_trimmed.py [FOLDER] --check  # only say whether the copies here are current

``FOLDER`` holds the files as downloaded, in ``ees/`` and ``lait/`` (default:
``../shared/dfe`` beside the repository). Every row kept is kept as published:
England, every region and every local authority, every year, for the series
the tests and the shipped mapping (``data/benchmark_sources.csv``) use. The
rules below are the whole of the trimming; see README.md for what each file is.
Nothing is written unless every source file is there.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]

COPY = (
    "ees/LA_Inspection_Outcomes_as_at_31_March_2025.ods",
    "ees/New_Statistical_Neighbour_Groupings_April_2021.csv",
    "ees/sn_model_2025_wide.csv",
    "ees/cla_number_and_rate_per_10k_children.csv",
    "ees/csww_indicators_2017_to_2025.csv",
    "ees/la_cla_swcount.csv",
    "ees/national_cla_adopted_average_time_between_adoption_process_stages.csv",
    "lait/sn_april_2021.xlsx",
    "lait/sn_may_2025.xlsx",
    "lait/la_code_list.xlsx",
)
"""Small files, copied byte for byte."""

ROWS = {
    "ees/la_care_leavers_activity.csv": {
        "breakdown": {"Total in education, employment or training", "Total information not known"},
    },
    "ees/la_care_leavers_accommodation_suitability.csv": {"breakdown": {"Accommodation considered suitable"}},
    "ees/la_cla_placement_stability.csv": {
        "placement_stability": {
            "With 3 or more placements during the year",
            "Living with the same carer for at least 2 years",
        },
    },
    "ees/la_conviction_health_outcome_cla.csv": {
        "breakdown": {
            "Had their annual health assessment",
            "Had their immunisations up to date",
            "Had their teeth checked by a dentist",
            "SDQ score was received",
            "SDQ average score",
        },
    },
    "ees/ons_mid-year_population_estimates_2012_to_2024.csv": {"time_period": {"2022", "2023", "2024"}},
}
"""Explore Education Statistics CSVs: the header and the lines whose cells hold one of the values, as printed."""

LAIT = "lait/bds_long_0.parquet"
DICTIONARY = "lait/lait_data_dictionary.csv"
EXTRA_MEASURES = {"UASC_%_Starting"}
"""Dictionary entries kept besides the mapping's LAIT measures (one with no quartiles)."""
ODD_YEARS = {"0"}
"""LAIT rows whose year is not a year, kept so the reader's report of them is tested."""


def mapped_measures(mapping: Path = REPO / "data" / "benchmark_sources.csv") -> set[str]:
    """The LAIT ``Short Desc`` of every LAIT row of the mapping.

    >>> "LAC" in mapped_measures()
    True
    """
    with mapping.open(encoding="utf-8-sig", newline="") as handle:
        return {row["measure"] for row in csv.DictReader(handle) if row["source"] == "lait"}


def keep_lines(data: bytes, rules: dict[str, set[str]]) -> bytes:
    """The header and the lines whose cells hold one of the wanted values, byte for byte.

    >>> keep_lines(b"a,b\\n1,x\\n2,y\\n", {"b": {"y"}})
    b'a,b\\n2,y\\n'
    """
    lines = data.decode("utf-8").splitlines(keepends=True)
    header = next(csv.reader([lines[0].lstrip("\ufeff")]))
    wanted = {header.index(column): values for column, values in rules.items()}
    kept = [lines[0]]
    for line in lines[1:]:
        cells = next(csv.reader([line]))
        if all(cells[position] in values for position, values in wanted.items()):
            kept.append(line)
    return "".join(kept).encode("utf-8")


def keep_dictionary(data: bytes, measures: set[str]) -> bytes:
    """The dictionary's header and entries for ``measures``, every other field as published."""
    text = data.decode("utf-8")
    ending = "\r\n" if text.split("\n", 1)[0].endswith("\r") else "\n"
    records = list(csv.reader(io.StringIO(text, newline="")))
    column = records[0].index("Measure_short")

    def line(record: list[str]) -> str:
        return ",".join(cell if cell == "NA" else '"' + cell.replace('"', '""') + '"' for cell in record)

    kept = [records[0]] + [r for r in records[1:] if len(r) > column and r[column] in measures]
    return "".join(line(record) + ending for record in kept).encode("utf-8")


def keep_lait(source: Path, measures: set[str]) -> bytes:
    """LAIT's long table with the rows of ``measures`` (and the rows whose year is not a year)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    table = pq.read_table(source)
    mask = pc.or_(
        pc.is_in(table["Short Desc"], pa.array(sorted(measures))), pc.is_in(table["Years"], pa.array(sorted(ODD_YEARS)))
    )
    sink = io.BytesIO()
    pq.write_table(table.filter(mask), sink, compression="zstd")
    return sink.getvalue()


def trimmed(source: Path) -> dict[str, bytes]:
    """Every trimmed file's bytes, by its path under this folder."""
    missing = [name for name in (*COPY, *ROWS, LAIT, DICTIONARY) if not (source / name).is_file()]
    if missing:
        raise SystemExit(f"{source}: missing {', '.join(missing)}")
    measures = mapped_measures()
    files = {name: (source / name).read_bytes() for name in COPY}
    files.update({name: keep_lines((source / name).read_bytes(), rules) for name, rules in ROWS.items()})
    files[LAIT] = keep_lait(source / LAIT, measures)
    files[DICTIONARY] = keep_dictionary((source / DICTIONARY).read_bytes(), measures | EXTRA_MEASURES)
    return dict(sorted(files.items()))


def main(arguments: list[str]) -> int:
    check = "--check" in arguments
    folders = [a for a in arguments if a != "--check"]
    source = Path(folders[0]) if folders else REPO.parent / "shared" / "dfe"
    files = trimmed(source)
    stale = [name for name, data in files.items() if not (HERE / name).is_file() or (HERE / name).read_bytes() != data]
    if check:
        print("up to date" if not stale else "out of date: " + ", ".join(stale))
        return 1 if stale else 0
    for name, data in files.items():
        (HERE / name).parent.mkdir(exist_ok=True)
        (HERE / name).write_bytes(data)
    total = sum(len(data) for data in files.values())
    for name, data in files.items():
        print(f"{len(data):>10,}  {name}")
    print(f"{total:>10,}  in total ({len(stale)} file(s) changed)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
