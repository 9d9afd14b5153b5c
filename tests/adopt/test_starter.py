"""The starter catalogue: DfE's indicators shipped as data, made by tools/make_starter_catalogue.py."""

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from cpblib.adopt import starter_catalogue, starter_choices, starter_text
from cpblib.derive._definitions import DEFINITIONS
from cpblib.errors import CpbError
from cpblib.inputs.catalogue import validate_indicators

ROOT = Path(__file__).resolve().parents[2]
DICTIONARY = ROOT.parent / "shared" / "dfe" / "lait" / "lait_data_dictionary.csv"


def _script():
    spec = importlib.util.spec_from_file_location(
        "make_starter_catalogue", ROOT / "tools" / "make_starter_catalogue.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not DICTIONARY.exists(), reason=f"DfE's LAIT dictionary is not at {DICTIONARY}")
def test_the_shipped_files_are_what_the_script_makes_from_the_dictionary():
    made = _script().build(DICTIONARY)
    shipped = ROOT / "cpblib" / "_data" / "starter"
    assert made == {name: (shipped / name).read_text(encoding="utf-8") for name in made}
    assert _script().main([str(DICTIONARY), "--check"]) == 0


@pytest.mark.skipif(not DICTIONARY.exists(), reason=f"DfE's LAIT dictionary is not at {DICTIONARY}")
def test_no_sentence_of_the_dictionary_is_copied_into_a_definition():
    lait = pd.read_csv(DICTIONARY, dtype=str, keep_default_na=False)
    text = " ".join(" ".join(lait[c]) for c in ("Description", "Methodology")).casefold()
    for definition in starter_catalogue()["definition"]:
        assert definition.casefold().rstrip(".") not in text


def test_the_starter_catalogue_is_a_valid_catalogue_with_known_derivations():
    catalogue = starter_catalogue()
    typed = validate_indicators(catalogue.replace("", None), "indicators.csv")
    assert len(typed) == len(catalogue) > 40
    assert typed["dfe_ref"].notna().all() and typed["definition"].notna().all()
    derived = typed.loc[typed["derivation"].notna()]
    assert len(derived) >= 10
    for code, unit in zip(derived["derivation"], derived["unit"]):
        assert code in DEFINITIONS and DEFINITIONS[code]["unit"] == unit


def test_a_subset_is_chosen_by_topic_or_page():
    choices = starter_choices()
    by_topic = starter_catalogue("children-looked-after")
    assert set(by_topic["indicator"]) == set(choices["children-looked-after"])
    assert "care-leavers-eet" in set(by_topic["indicator"])  # care leavers are a LAIT topic's measures
    both = starter_catalogue("Care-Leavers, workforce")
    assert set(both["domain"]) == {"Care leavers", "Workforce"}
    assert starter_text("all") == starter_text(None)


def test_an_unknown_topic_is_refused_naming_the_choices():
    with pytest.raises(CpbError, match=r"--starter: 'fostering' is not a topic or page .* choose from adoption"):
        starter_catalogue("care-leavers,fostering")
