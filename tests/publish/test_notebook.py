"""What of a notebook reaches a page, and how a page body is made fit to publish."""

from __future__ import annotations

import base64

import nbformat
from bs4 import BeautifulSoup

from cpblib.publish._html import HtmlConverter, tidy_fragment
from cpblib.publish._notebook import chart_alt, visible_notebook


def _nb(*cells):
    return nbformat.v4.new_notebook(cells=list(cells))


def _code(source, *outputs):
    cell = nbformat.v4.new_code_cell(source=source)
    cell.outputs = list(outputs)
    return cell


def _display(data, metadata=None):
    return nbformat.v4.new_output("display_data", data=data, metadata=metadata or {})


def test_cells_and_outputs_are_filtered_like_quarto(fx):
    nb = _nb(
        nbformat.v4.new_raw_cell("---\ntitle: X\n---"),
        _code("#| include: false\nsetup()", _display({"text/markdown": "HIDDEN-INCLUDE"})),
        _code("#| output: false\nx", _display({"text/markdown": "HIDDEN-OUTPUT"})),
        _code("y", _display({"text/markdown": "HIDDEN-TAG"})),
        _code(
            "z",
            nbformat.v4.new_output("stream", name="stdout", text="HIDDEN-STREAM"),
            _display({"text/markdown": "SHOWN"}),
        ),
        _code("w", nbformat.v4.new_output("execute_result", data={"text/plain": "HIDDEN-PLAIN"}, execution_count=1)),
    )
    nb.cells[3].metadata["tags"] = ["remove-output"]
    before = nbformat.writes(nb)
    shown = visible_notebook(nb)
    assert nbformat.writes(nb) == before  # the input notebook is not changed
    text = nbformat.writes(shown)
    assert "SHOWN" in text
    for hidden in ("HIDDEN-INCLUDE", "HIDDEN-OUTPUT", "HIDDEN-TAG", "HIDDEN-STREAM", "HIDDEN-PLAIN", "title: X"):
        assert hidden not in text
    assert all(cell.source == "" for cell in shown.cells if cell.cell_type == "code")


def test_a_vegalite_only_chart_is_drawn_to_svg(fx):
    spec = fx.chart_spec("Spec only chart")
    nb = _nb(_code("chart", _display({"application/vnd.vegalite.v5+json": spec}, {"cpb": {"alt": "Spec chart"}})))
    output = visible_notebook(nb).cells[0].outputs[0]
    assert output["data"]["image/svg+xml"].lstrip().startswith("<svg")
    body = HtmlConverter().body(visible_notebook(nb), prefix="page")
    svg = BeautifulSoup(body, "html.parser").find("svg")
    assert svg["role"] == "img" and svg["aria-label"] == "Spec chart"


def test_chart_bundle_prefers_svg_over_scripted_html(fx):
    bundle = {
        "text/html": '<div id="vis"></div><script src="https://cdn.example/vega.js"></script>',
        "image/svg+xml": fx.chart_svg("Both views"),
        "text/plain": "alt from plain text",
    }
    body = HtmlConverter().body(visible_notebook(_nb(_code("c", _display(bundle)))), prefix="p")
    soup = BeautifulSoup(body, "html.parser")
    assert soup.find("svg")["aria-label"] == "alt from plain text"
    assert soup.find("script") is None


def test_png_chart_is_an_inline_image_with_alt():
    png = base64.b64encode(b"\x89PNG\r\n\x1a\nfake").decode()
    nb = _nb(_code("p", _display({"image/png": png, "text/plain": "<Figure>"}, {"cpb": {"alt": "Bar chart of x"}})))
    img = BeautifulSoup(HtmlConverter().body(visible_notebook(nb), prefix="p"), "html.parser").find("img")
    assert img["alt"] == "Bar chart of x" and img["src"].startswith("data:image/png;base64,")


def test_chart_alt_falls_back_to_plain_text_then_a_notice():
    assert chart_alt({"data": {"text/plain": "Rates by month"}}) == "Rates by month"
    assert chart_alt({"data": {"text/plain": "<Figure size 640x480>"}}).startswith("Chart (no description")


def test_tidy_removes_anything_remote_or_active():
    fragment = (
        '<p onclick="steal()">Hi <img src="https://x.test/a.png" alt="Logo"> '
        '<img src="data:image/png;base64,AAAA" alt="Local"></p>'
        '<script>alert(1)</script><iframe src="//x.test"></iframe>'
        "<style>@import url(https://fonts.test/a.css);</style><style>td {color: red}</style>"
        '<a href="javascript:alert(1)">bad</a><a href="#local">local</a>'
        '<link rel="stylesheet" href="https://cdn.test/a.css">'
    )
    soup = BeautifulSoup(tidy_fragment(fragment, "Page"), "html.parser")
    assert soup.find("script") is None and soup.find("iframe") is None and soup.find("link") is None
    assert soup.find("p").get("onclick") is None
    assert [img["alt"] for img in soup.find_all("img")] == ["Local"]
    assert soup.find(class_="image-removed").get_text() == "Logo"
    assert [s.get_text() for s in soup.find_all("style")] == ["td {color: red}"]
    assert [a["href"] for a in soup.find_all("a")] == ["#local"]


def test_an_image_given_no_alt_text_is_named_as_having_no_description():
    from cpblib.publish._html import UNDESCRIBED_IMAGE

    fragment = '<p><img src="data:image/png;base64,AAAA"><img src="data:image/png;base64,AAAA" alt=""></p>'
    soup = BeautifulSoup(tidy_fragment(fragment, "Page"), "html.parser")
    assert [img["alt"] for img in soup.find_all("img")] == [UNDESCRIBED_IMAGE, ""]  # decorative stays decorative


def test_tidy_makes_one_h1_and_no_skipped_levels():
    fragment = "<h1>First</h1><h4>Deep</h4><h1>Second</h1><h3>Under second</h3><h2>Same</h2><h2>Same</h2>"
    soup = BeautifulSoup(tidy_fragment(fragment, "Ignored title"), "html.parser")
    headings = [(h.name, h.get_text(), h["id"]) for h in soup.find_all(["h1", "h2", "h3", "h4"])]
    assert headings == [
        ("h1", "First", "first"),
        ("h2", "Deep", "deep"),
        ("h2", "Second", "second"),
        ("h3", "Under second", "under-second"),
        ("h2", "Same", "same"),
        ("h2", "Same", "same-2"),
    ]


def test_tidy_gives_every_header_cell_a_scope():
    fragment = (
        "<table><thead><tr><th></th><th colspan='2'>2023</th></tr><tr><th>Indicator</th><th>Feb</th><th>Mar</th></tr>"
        "</thead><tbody><tr><th rowspan='2'>Group</th><td>1</td><td>2</td></tr>"
        "<tr><td>3</td><td>4</td></tr></tbody></table>"
    )
    soup = BeautifulSoup(tidy_fragment(fragment, "T"), "html.parser")
    assert [(th.get_text(), th["scope"]) for th in soup.find_all("th")] == [
        ("2023", "colgroup"),
        ("Indicator", "col"),
        ("Feb", "col"),
        ("Mar", "col"),
        ("Group", "rowgroup"),
    ]
    region = soup.find(class_="table-scroll")
    assert region["role"] == "region" and region["tabindex"] == "0" and region["aria-label"] == "Table 1"


def test_local_images_are_embedded_and_others_become_alt_text(tmp_path):
    import vl_convert

    build = tmp_path / "build"
    (build / "domains").mkdir(parents=True)
    (build / "logo.png").write_bytes(vl_convert.vegalite_to_png({"mark": "point"}))
    (tmp_path / "outside.png").write_bytes((build / "logo.png").read_bytes())
    fragment = (
        '<p><img src="../logo.png" alt="Council logo"> <img src="missing.png" alt="Missing chart"> '
        '<img src="../../outside.png" alt="Outside the build"></p>'
    )
    soup = BeautifulSoup(tidy_fragment(fragment, "T", base_dir=build / "domains", root=build), "html.parser")
    images = soup.find_all("img")
    assert len(images) == 1 and images[0]["src"].startswith("data:image/png;base64,")
    assert [s.get_text() for s in soup.find_all(class_="image-removed")] == ["Missing chart", "Outside the build"]
