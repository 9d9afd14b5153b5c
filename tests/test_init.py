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
