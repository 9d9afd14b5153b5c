"""The starter catalogue: commonly reported DfE-defined indicators, shipped as data for a council to pick from.

``cpblib/_data/starter/indicators.csv`` is a valid catalogue made from DfE's LAIT dictionary by
``tools/make_starter_catalogue.py``; ``topics.csv`` beside it gives each indicator's LAIT topic. A council
takes all of it, or the indicators of some topics (``children-looked-after``) or pages (``care-leavers``).

>>> catalogue = starter_catalogue("care-leavers")
>>> sorted(set(catalogue["domain"])), "care-leavers-eet" in set(catalogue["indicator"])
(['Care leavers'], True)
>>> starter_catalogue("adoption,workforce")["domain"].unique().tolist()
['Adoption', 'Workforce']
"""

from __future__ import annotations

import io
from importlib import resources

import pandas as pd

from ..errors import CpbError
from ..inputs.catalogue import INDICATOR_COLUMNS
from ..naming import slugify

ALL = "all"


def _read(name: str) -> pd.DataFrame:
    text = resources.files("cpblib").joinpath(f"_data/starter/{name}").read_text(encoding="utf-8")
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def starter_choices() -> dict[str, tuple[str, ...]]:
    """Each name ``--starter`` takes (a LAIT topic or a page of the pack, as a slug) -> its indicators.

    >>> choices = starter_choices()
    >>> "children-looked-after" in choices and "placements" in choices
    True
    """
    catalogue, topics = _read("indicators.csv"), _read("topics.csv")
    choices: dict[str, list[str]] = {}
    for indicator, topic in zip(topics["indicator"], topics["topic"]):
        choices.setdefault(topic, []).append(indicator)
    for indicator, domain in zip(catalogue["indicator"], catalogue["domain"]):
        choices.setdefault(slugify(domain), []).append(indicator)
    return {name: tuple(dict.fromkeys(ids)) for name, ids in sorted(choices.items())}


def starter_catalogue(choose: str | None = ALL) -> pd.DataFrame:
    """The starter catalogue as text cells in cpb's catalogue columns: every indicator (``all``), or those of
    the topics and pages named, comma-separated; an unknown name is refused, listing the names there are."""
    catalogue = _read("indicators.csv").reindex(columns=[c.name for c in INDICATOR_COLUMNS]).astype(object)
    catalogue = catalogue.where(catalogue.notna(), "")
    names = [n.strip().lower() for n in (choose or ALL).split(",") if n.strip()]
    if not names or ALL in names:
        return catalogue
    choices = starter_choices()
    unknown = [n for n in names if n not in choices]
    if unknown:
        raise CpbError(
            f"--starter: {unknown[0]!r} is not a topic or page of the starter catalogue; choose from "
            f"{', '.join(choices)} (or all)"
        )
    wanted = {i for n in names for i in choices[n]}
    return catalogue.loc[catalogue["indicator"].isin(wanted)].reset_index(drop=True)


def starter_text(choose: str | None = ALL) -> str:
    """The starter catalogue (or the part chosen) as the text of ``data/indicators.csv``."""
    return starter_catalogue(choose).to_csv(index=False, lineterminator="\n")
