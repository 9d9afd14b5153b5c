"""Make cpb's starter catalogue from DfE's LAIT data dictionary.

The starter catalogue (``cpblib/_data/starter/indicators.csv``, with each indicator's LAIT topic in
``topics.csv`` beside it) is what ``cpb init DIR --starter`` writes: commonly reported indicators defined by
DfE, ready to pick from. Which measures it holds, and the words that describe them, are chosen in
``tools/starter_selection.csv`` (one row a measure: the LAIT measure's name, the indicator id, the page of
the pack, the unit, the period type, the 903 definition cpb derives it by, and a short definition). The
facts come from the dictionary: the measure's name, polarity, decimal places, year type, short code and
topic; a 903 definition's frequency comes from ``cpblib/_data/ssda903/definitions.csv``.

Run it from the repository's root after DfE publishes a new dictionary:

    python tools/make_starter_catalogue.py ../shared/dfe/lait/lait_data_dictionary.csv

``--check`` writes nothing and exits 1 when the shipped files differ from what the dictionary makes.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SELECTION = ROOT / "tools" / "starter_selection.csv"
DEFINITIONS = ROOT / "cpblib" / "_data" / "ssda903" / "definitions.csv"
OUT = ROOT / "cpblib" / "_data" / "starter"

COLUMNS = (
    "indicator",
    "name",
    "domain",
    "unit",
    "polarity",
    "decimals",
    "frequency",
    "period_type",
    "year_type",
    "rag_method",
    "dfe_ref",
    "definition",
    "aliases",
    "notes",
    "derivation",
)
POLARITY = {"high": "high", "low": "low"}
YEAR_TYPE = {"Academic Year": "academic"}
DECIMALS = {"count": 0, "percent": 1, "rate_per_10000": 1, "days": 0, "score": 1, "ratio": 1}


def _slug(text: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("'", "")).strip("-")


def _csv(header: tuple[str, ...], rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def build(dictionary: Path, selection: Path = SELECTION, definitions: Path = DEFINITIONS) -> dict[str, str]:
    """The starter files' text (``indicators.csv``, ``topics.csv``) made from the dictionary."""
    lait = pd.read_csv(dictionary, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    chosen = pd.read_csv(selection, dtype=str, keep_default_na=False)
    frequency = pd.read_csv(definitions, dtype=str).set_index("code")["frequency"]
    measures = lait["Measure"].str.strip()
    titles = lait["Chart_title"].str.strip()
    indicators, topics = [], []
    for choice in chosen.to_dict("records"):
        found = lait.loc[measures == choice["measure"].strip()]
        if len(found) != 1:
            raise SystemExit(f"{selection.name}: {choice['measure']!r} is {len(found)} measures of the dictionary")
        row = found.iloc[0]
        unit = choice["unit"]
        title = " ".join(row["Chart_title"].split())
        alias = title if title != row["Measure"].strip() and (titles == row["Chart_title"].strip()).sum() == 1 else ""
        code = row["Measure_code"] if row["Measure_code"] not in ("", "NA") else "none"
        derivation = choice["derivation"]
        indicators.append(
            {
                "indicator": choice["indicator"],
                "name": " ".join(row["Measure"].split()),
                "domain": choice["domain"],
                "unit": unit,
                "polarity": POLARITY.get(row["Polarity"].strip().lower(), "none"),
                "decimals": row["dps"] if row["dps"].isdigit() else str(DECIMALS[unit]),
                "frequency": frequency[derivation] if derivation else "annual",
                "period_type": choice["period_type"],
                "year_type": YEAR_TYPE.get(row["Year_Type"], "financial"),
                "rag_method": "none",
                "dfe_ref": row["Measure_short"].strip(),
                "definition": choice["definition"],
                "aliases": alias.replace("|", "/"),
                "notes": f"LAIT measure code {code}; DfE year: {row['Year_Type']}",
                "derivation": derivation,
            }
        )
        topics.append({"indicator": choice["indicator"], "topic": _slug(row["Topic"])})
    return {
        "indicators.csv": _csv(COLUMNS, indicators),
        "topics.csv": _csv(("indicator", "topic"), topics),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dictionary", type=Path, help="DfE's LAIT data dictionary (lait_data_dictionary.csv)")
    parser.add_argument("--check", action="store_true", help="compare with the shipped files; write nothing")
    args = parser.parse_args(argv)
    files = build(args.dictionary)
    if args.check:
        stale = [name for name, text in files.items() if (OUT / name).read_text(encoding="utf-8") != text]
        for name in stale:
            print(f"{OUT / name} differs from what {args.dictionary} makes", file=sys.stderr)
        return 1 if stale else 0
    OUT.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (OUT / name).write_text(text, encoding="utf-8")
        print(f"wrote {OUT / name} ({text.count(chr(10)) - 1} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
