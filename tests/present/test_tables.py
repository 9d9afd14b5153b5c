import pandas as pd

from cpblib.present.tables import html_table, markdown_escape, markdown_table, table_bundle


def test_html_table_escapes_cells_and_marks_headers():
    frame = pd.DataFrame({"Indicator": ['<script>alert("x")</script>'], "RAG": ["Red"]})
    html = html_table(frame, caption="A & B", row_header="Indicator", cell_classes={"RAG": ["rag-red"]})
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<th scope="col" role="columnheader">Indicator</th>' in html and '<th scope="row"' in html
    assert "<caption>A &amp; B</caption>" in html and 'class="c-rag rag-red"' in html


def test_every_cell_names_its_column_for_the_cards_a_phone_shows():
    frame = pd.DataFrame({"Indicator": ["Rate"], "Good/Outstanding SN": ['61.2 "x"']})
    html = html_table(frame, row_header="Indicator")
    assert 'data-label="Good/Outstanding SN"' in html and 'class="c-good-outstanding-sn"' in html
    assert ">Good/<wbr>Outstanding SN</th>" in html  # a long header may break after the slash
    assert 'role="table"' in html and html.count('role="cell"') == 1 and 'role="rowheader"' in html


def test_html_cells_show_markup_made_by_cpb_and_keep_the_text_elsewhere():
    frame = pd.DataFrame({"Indicator": ["Rate"], "Trend": ["Feb 23 to Mar 23: 1 to 2, up"]})
    bundle = table_bundle(frame, html_cells={"Trend": ['<svg class="sparkline"></svg>']}, web_only=("Trend",))
    assert (
        '<td role="cell" class="c-trend web-only" data-label="Trend"><svg class="sparkline"></svg></td>'
        in (bundle["text/html"])
    )
    assert "Feb 23 to Mar 23: 1 to 2, up" in bundle["text/markdown"] and "<svg" not in bundle["text/markdown"]


def test_markdown_table_escapes_pipes_and_markup():
    frame = pd.DataFrame({"Indicator": ["a | b", "=HYPERLINK(x)"], "Value": ["1", "2"]})
    text = markdown_table(frame, numeric=("Value",))
    assert "a \\| b" in text and "|:--|--:|" in text
    assert markdown_escape("[x](javascript:1)") == "\\[x\\]\\(javascript:1\\)"


def test_bundle_offers_html_markdown_and_text():
    bundle = table_bundle(pd.DataFrame({"A": [1]}), caption="Cap")
    assert set(bundle) == {"text/html", "text/markdown", "text/plain"}
    assert bundle["text/markdown"].endswith(": Cap")
