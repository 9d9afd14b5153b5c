import pandas as pd

from cpblib.present.tables import html_table, markdown_escape, markdown_table, table_bundle


def test_html_table_escapes_cells_and_marks_headers():
    frame = pd.DataFrame({"Indicator": ['<script>alert("x")</script>'], "RAG": ["Red"]})
    html = html_table(frame, caption="A & B", row_header="Indicator", cell_classes={"RAG": ["rag-red"]})
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<th scope="col">Indicator</th>' in html and '<th scope="row">' in html
    assert "<caption>A &amp; B</caption>" in html and 'class="rag-red"' in html


def test_markdown_table_escapes_pipes_and_markup():
    frame = pd.DataFrame({"Indicator": ["a | b", "=HYPERLINK(x)"], "Value": ["1", "2"]})
    text = markdown_table(frame, numeric=("Value",))
    assert "a \\| b" in text and "|:--|--:|" in text
    assert markdown_escape("[x](javascript:1)") == "\\[x\\]\\(javascript:1\\)"


def test_bundle_offers_html_markdown_and_text():
    bundle = table_bundle(pd.DataFrame({"A": [1]}), caption="Cap")
    assert set(bundle) == {"text/html", "text/markdown", "text/plain"}
    assert bundle["text/markdown"].endswith(": Cap")
