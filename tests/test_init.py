import pandas as pd
import pytest

from cpblib.config import load_config
from cpblib.errors import CpbError
from cpblib.init import init_project, render_config
from cpblib.inputs.catalogue import validate_indicators

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]


def test_init_creates_a_valid_empty_project(tmp_path):
    folder = tmp_path / "testshire"
    init_project(folder, name='Testshire "County" Council', la_code="999", region="North East")
    config = load_config(folder)
    assert config.authority.name == 'Testshire "County" Council'
    assert config.authority.region == "North East"
    catalogue = pd.read_csv(folder / "data" / "indicators.csv", dtype=str)
    assert catalogue.empty
    assert validate_indicators(catalogue).empty
    for name in ("targets", "benchmarks", "overrides", "annotations"):
        assert (folder / "data" / f"{name}.csv").read_text().strip()
    assert (folder / "data" / "extracts").is_dir()
    assert sorted(p.name for p in (folder / "notebooks").glob("*.ipynb")) == [
        "appendix.ipynb",
        "data-quality.ipynb",
        "domain.ipynb",
        "summary.ipynb",
    ]
    assert (folder / "_quarto.yml").read_text() == (ROOT / "_quarto.yml").read_text()
    assert (folder / "data" / "benchmark_sources.csv").read_text().startswith("indicator,source,measure")


def test_init_never_overwrites(tmp_path):
    init_project(tmp_path, name="Testshire", la_code="999")
    before = (tmp_path / "cpb.toml").read_bytes()
    with pytest.raises(CpbError, match="already exists"):
        init_project(tmp_path, name="Other", la_code="998")
    assert (tmp_path / "cpb.toml").read_bytes() == before


def test_init_rejects_a_bad_code_before_writing(tmp_path):
    with pytest.raises(CpbError, match="three digits"):
        init_project(tmp_path / "x", name="Testshire", la_code="99")
    assert not (tmp_path / "x").exists()


def test_rendered_config_is_valid_toml_for_odd_names():
    assert "la_code" in render_config("St. Helens \\ Test", "343")


def test_init_writes_the_five_default_headings_for_the_council_to_change(tmp_path):
    from cpblib.inputs.files import read_table
    from cpblib.scoring import packaged_headings, parse_headings

    init_project(tmp_path, name="Testshire", la_code="999")
    table = read_table(tmp_path / "data" / "exception_headings.csv")
    assert parse_headings(table.frame).titles == packaged_headings().titles
    assert (tmp_path / "data" / "overrides.csv").read_text().strip() == "month,indicator,rag,heading,reason"


def test_init_rag_defaults_give_green_amber_and_red_on_a_spread_of_figures():
    from cpblib.config import parse_config
    from cpblib.scoring import score

    rules = parse_config(render_config("Testshire", "999")).rag
    assert rules.red_threshold > rules.tolerance and rules.tolerance_type == rules.red_rule
    catalogue = pd.DataFrame(
        {"indicator": ["health-checks", "placement-moves"], "name": ["Health checks", "Placement moves"],
         "domain": ["Health", "Placements"], "unit": ["percent", "count"], "polarity": ["high", "none"],
         "decimals": [1, 0], "frequency": ["monthly"] * 2, "period_type": ["snapshot"] * 2,
         "rag_method": ["target", "range"]}
    )  # fmt: skip
    targets = pd.DataFrame(
        {"indicator": ["health-checks", "placement-moves"], "from_month": ["2023-04"] * 2, "target": [90.0, None],
         "range_lower": [None, 20.0], "range_upper": [None, 40.0]}
    )  # fmt: skip
    spread = {"health-checks": [95.0, 90.0, 88.0, 81.0, 80.9, 60.0], "placement-moves": [30, 20, 43, 18, 45, 10]}
    rags = {}
    for indicator, figures in spread.items():
        for figure in figures:
            values = pd.DataFrame({"indicator": [indicator], "period": ["2024-03"], "value": [float(figure)]})
            out = score(values, catalogue, "2024-03", targets=targets, rules=rules).set_index("indicator")
            rags[(indicator, figure)] = out.loc[indicator, "rag"]
    assert [rags[("health-checks", f)] for f in spread["health-checks"]] == [
        "green", "green", "amber", "amber", "red", "red",
    ]  # fmt: skip
    assert [rags[("placement-moves", f)] for f in spread["placement-moves"]] == [
        "green", "green", "amber", "amber", "red", "red",
    ]  # fmt: skip
