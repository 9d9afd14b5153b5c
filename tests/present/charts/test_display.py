"""Display bundle: valid in a notebook, static SVG with the house font and no remote references."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import vl_convert as vlc
from nbformat.v4 import new_code_cell, new_notebook, new_output

from cpblib.present import charts
from cpblib.present.charts import (
    NOT_ENOUGH_DATA,
    SVG_MIME,
    VEGALITE_MIME,
    _display,
    chart_bundle,
    chart_metadata,
    describe,
    display_chart,
    rag_count_chart,
    trend_chart,
    write_js_bundle,
)

XML_NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}

ROW = {
    "indicator": "x",
    "name": "Care leavers in touch",
    "unit": "percent",
    "decimals": 1,
    "polarity": "high",
    "target": 90.0,
    "rag": "red",
    "england_value": 91.0,
    "england_year": "2021-22",
}
HISTORY = pd.DataFrame({"indicator": "x", "period": ["2023-01", "2023-02", "2023-03"], "value": [88.0, 85.0, 80.0]})


@pytest.fixture(scope="module")
def chart():
    return trend_chart(HISTORY, ROW)


@pytest.fixture(scope="module")
def bundle(chart):
    return chart_bundle(chart)


def notebook_with(data: dict, metadata: dict) -> nbformat.NotebookNode:
    output = new_output("display_data", data=data, metadata=metadata)
    return new_notebook(cells=[new_code_cell("display_chart(chart)", outputs=[output])])


def test_bundle_holds_svg_the_vegalite_spec_and_the_text_alternative(chart, bundle):
    assert set(bundle) == {SVG_MIME, VEGALITE_MIME, "text/plain"}
    assert bundle[SVG_MIME].startswith("<svg")
    assert isinstance(bundle[VEGALITE_MIME], dict) and bundle[VEGALITE_MIME]["layer"]
    assert bundle["text/plain"] == describe(chart)
    assert chart_bundle(chart, alt_text="Custom.")["text/plain"] == "Custom."


def test_bundle_is_valid_in_a_notebook(chart, bundle):
    nbformat.validate(notebook_with(bundle, chart_metadata(chart)))


def test_altairs_own_mime_key_would_be_rejected(bundle):
    # Why the bundle uses the +json key: Altair 6's key makes nbformat expect text, and the notebook fails.
    data = {key: value for key, value in bundle.items() if key != VEGALITE_MIME}
    data["application/vnd.vegalite.v6.json"] = bundle[VEGALITE_MIME]
    with pytest.raises(nbformat.ValidationError):
        nbformat.validate(notebook_with(data, {}))


def test_svg_uses_the_house_font_and_no_remote_references(bundle):
    svg = bundle[SVG_MIME]
    families = set(re.findall(r'font-family="([^"]+)"', svg))
    assert families and all(family.startswith("DejaVu Sans") for family in families)
    assert set(re.findall(r"https?://[^\s\"'<>)]+", svg)) <= XML_NAMESPACES
    assert "href" not in svg and "@import" not in svg and "url(" not in svg


def test_svg_carries_the_text_alternative(chart, bundle):
    svg = bundle[SVG_MIME]
    opening = re.match(r"<svg\b[^>]*>", svg).group(0)
    assert 'role="img"' in opening and "aria-label=" in opening
    assert "<title>Care leavers in touch</title>" in svg
    assert f"<desc>{describe(chart)}</desc>" in svg


def test_metadata_carries_title_and_alt_text(chart):
    assert chart_metadata(chart) == {"cpb": {"alt": describe(chart), "title": "Care leavers in touch"}}


def test_spec_draws_the_same_with_vega_lite_5(bundle):
    # JupyterLab renders the +json key with its bundled Vega-Lite 5.
    assert vlc.vegalite_to_svg(bundle[VEGALITE_MIME], vl_version="5.21") == vlc.vegalite_to_svg(bundle[VEGALITE_MIME])


def test_png_is_optional_and_small(chart):
    bundle = chart_bundle(chart, png=True)
    assert len(bundle["image/png"]) < 120_000  # base64 characters


def test_house_style_applies_whatever_theme_is_active(chart):
    import altair as alt

    with alt.theme.enable("dark"):
        spec = chart_bundle(chart)[VEGALITE_MIME]
    assert spec["config"]["font"].startswith("DejaVu Sans") and spec["background"] == "white"


def test_display_chart_shows_one_raw_bundle_with_metadata(monkeypatch, chart):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *objs, **kw: shown.append((objs, kw)))
    display_chart(chart)
    display_chart(None, alt_text="Care leavers in touch: not enough data to chart.")
    (first, first_kw), (second, _second_kw) = shown
    assert first_kw["raw"] is True and set(first[0]) == {SVG_MIME, VEGALITE_MIME, "text/plain"}
    assert first_kw["metadata"]["cpb"]["alt"] == describe(chart)
    assert second[0]["text/plain"] == "Care leavers in touch: not enough data to chart."
    assert describe(None) == NOT_ENOUGH_DATA


def test_a_deferred_chart_is_drawn_afterwards_exactly_as_it_would_have_been(monkeypatch, chart, bundle):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *objs, **kw: shown.append((objs, kw)))
    monkeypatch.setenv(charts.DEFER_SVG_ENV, "1")
    display_chart(chart)
    ((objs, kw),) = shown
    assert set(objs[0]) == {VEGALITE_MIME, "text/plain"}  # no SVG drawn in the kernel
    nb = notebook_with(objs[0], kw["metadata"])
    assert charts.add_static_charts(nb) == 1 and charts.add_static_charts(nb) == 0  # drawn once
    assert nb.cells[0].outputs[0]["data"][SVG_MIME] == bundle[SVG_MIME]
    nbformat.validate(nb)


def test_a_pages_deferred_charts_are_drawn_in_one_request_as_they_would_have_been(monkeypatch, chart, bundle):
    """The build hands a page's specs to the charts' process at once; the SVGs come out as drawn here."""
    from cpblib.present import _svg

    shown, requests = [], []
    monkeypatch.setattr("IPython.display.display", lambda *objs, **kw: shown.append((objs, kw)))
    monkeypatch.setenv(charts.DEFER_SVG_ENV, "1")
    display_chart(chart)
    display_chart(chart)
    nb = notebook_with(shown[0][0][0], shown[0][1]["metadata"])
    nb.cells[0].outputs.append(nbformat.from_dict(nb.cells[0].outputs[0]))
    with _svg.ChartDrawing() as drawing:

        def draw(specs):
            requests.append(len(specs))
            return drawing.draw(specs)

        assert charts.add_static_charts(nb, draw) == 2
    assert requests == [2]
    assert [o["data"][SVG_MIME] for o in nb.cells[0].outputs] == [bundle[SVG_MIME]] * 2


def test_summary_chart_bundle_is_valid_too():
    chart = rag_count_chart(pd.DataFrame({"rag": ["green", "amber", None]}))
    nbformat.validate(notebook_with(chart_bundle(chart), chart_metadata(chart)))


def test_write_js_bundle_writes_a_self_contained_classic_script(tmp_path, monkeypatch):
    monkeypatch.setattr(_display.vlc, "javascript_bundle", lambda: "const n=1;window.vegaEmbed=function(){};")
    _display.javascript_bundle.cache_clear()
    try:
        path = write_js_bundle(tmp_path / "site" / "js")
        assert path == tmp_path / "site" / "js" / charts.JS_BUNDLE_NAME
        text = path.read_text(encoding="utf-8")
        assert text.startswith("(function () {") and "window.vegaEmbed=" in text and text.rstrip().endswith("})();")
    finally:
        _display.javascript_bundle.cache_clear()


def test_a_notebook_that_displays_a_chart_executes_and_keeps_it(tmp_path):
    nbclient = pytest.importorskip("nbclient")
    source = "\n".join(
        [
            "import pandas as pd",
            "from cpblib.present.charts import trend_chart, display_chart",
            f"history = pd.DataFrame({HISTORY.to_dict('list')!r})",
            f"display_chart(trend_chart(history, {ROW!r}))",
        ]
    )
    notebook = new_notebook(cells=[new_code_cell(source)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    client = nbclient.NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    path = Path(tmp_path) / "executed.ipynb"
    nbformat.write(notebook, path)
    executed = nbformat.read(path, as_version=4)
    nbformat.validate(executed)
    outputs = [output for output in executed.cells[0].outputs if output.output_type == "display_data"]
    assert len(outputs) == 1
    data = outputs[0].data
    assert data[SVG_MIME].startswith("<svg") and "DejaVu Sans" in data[SVG_MIME]
    assert data[VEGALITE_MIME]["layer"]
    alt_text = outputs[0].metadata["cpb"]["alt"]
    assert alt_text.startswith("Care leavers in touch from Jan 23 to Mar 23: 80.0% in Mar 23 (Red)")


def test_the_spec_made_without_altairs_copies_is_altairs_own(chart):
    """chart_spec serialises a trend chart without the deep copies Altair's to_dict starts with: same spec."""
    import altair as alt

    from cpblib.present.charts import chart_spec

    with alt.theme.enable(charts.THEME_NAME):
        own = chart.to_dict(validate=False)
    assert chart_spec(chart) == own
    assert chart_spec(chart) == chart_spec(chart, validate=True)
