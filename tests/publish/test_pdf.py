"""The PDF board pack: A4, cover, contents, every section, charts and tables, marking on each page.

Text checks need poppler's ``pdftotext``/``pdfinfo`` (package poppler-utils);
without them those tests are skipped, and the page size is still checked
from the PDF's MediaBox entries.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cpblib.publish import RenderError, render_pdf

POPPLER = shutil.which("pdftotext") and shutil.which("pdfinfo")
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext, pdfinfo) is not installed")


@pytest.fixture(scope="module")
def pack(tmp_path_factory, fx) -> dict:
    root = tmp_path_factory.mktemp("pdf")
    build = fx.write_build(root, "2023-03")
    source = root / "typst-source"
    out = render_pdf(
        build,
        root / "out" / "pack-2023-03.pdf",
        "2023-03",
        config=fx.pack_config(),
        catalogue_domains=fx.CATALOGUE,
        quarto_config=fx.QUARTO_YML,
        keep_source=source,
    )
    text = ""
    if POPPLER:
        text = subprocess.run(
            ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=False
        ).stdout
    return {"pdf": out, "source": source, "text": text, "fx": fx}


def _pages_text(text: str) -> list[str]:
    return text.split("\f")


def test_pdf_is_written_where_asked_and_nothing_else(pack):
    assert pack["pdf"].is_file()
    assert pack["pdf"].read_bytes().startswith(b"%PDF-")
    assert [p.name for p in pack["pdf"].parent.iterdir()] == [pack["pdf"].name]


def test_every_page_is_a4(pack):
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pack["pdf"].read_bytes())
    assert boxes
    for width, height in boxes:
        assert round(float(width)) == 595 and round(float(height)) == 842


@needs_poppler
def test_pdfinfo_reports_a4(pack):
    info = subprocess.run(["pdfinfo", str(pack["pdf"])], capture_output=True, text=True, check=False).stdout
    assert re.search(r"Page size:\s+595(\.\d+)? x 841\.89 pts \(A4\)", info)
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) >= 7


@needs_poppler
def test_cover_names_council_month_and_marking(pack):
    fx = pack["fx"]
    cover = _pages_text(pack["text"])[0]
    for expected in (fx.COUNCIL, "March 2023", fx.MARKING, "Corporate Parenting Board pack"):
        assert expected in cover


@needs_poppler
def test_contents_then_sections_in_order(pack):
    text = pack["text"]
    assert "Contents" in _pages_text(text)[0]  # under the title: a board paper, not a book
    headings = [
        "Summary",
        "Children in care: profile",
        "Placements & stability",
        "Care leavers",
        "Appendix",
        "Data quality",
    ]
    body = "\f".join(_pages_text(text)[1:])
    positions = [re.search(rf"^{re.escape(h)}$", body, re.MULTILINE).start() for h in headings]
    assert positions == sorted(positions)


@needs_poppler
def test_every_page_carries_the_marking_and_a_number(pack):
    fx = pack["fx"]
    pages = [p for p in _pages_text(pack["text"]) if p.strip()]
    total = len(pages)
    for number, page in enumerate(pages, start=1):
        assert fx.MARKING in page
        if number > 1:
            assert f"Page {number} of {total}" in page


@needs_poppler
def test_charts_are_embedded_as_vectors_with_their_text(pack):
    fx = pack["fx"]
    for page in fx.CHART_PAGES:
        assert pack["text"].count(fx.chart_title(page)) == 1
    body = (pack["source"] / "body.typ").read_text(encoding="utf-8")
    assert len(re.findall(r"\bcpb-chart\(", body)) == len(fx.CHART_PAGES)
    assert len(list((pack["source"] / "charts").glob("*.svg"))) == len(fx.CHART_PAGES)
    # alt text reaches Typst as an escaped string
    assert '\\"2022\\"' in body


@needs_poppler
def test_html_tables_become_typst_tables(pack):
    body = (pack["source"] / "body.typ").read_text(encoding="utf-8")
    # 5 HTML tables (summary, three domains, data quality) + 2 Markdown tables
    assert body.count("table.header(") == 7
    for page in ("summary", "profile", "care-leavers", "data-quality"):
        assert re.search(rf"Rate {page}\s+67\.1\s+65\.0\s+71\.0", pack["text"])


@needs_poppler
def test_commentary_text_is_escaped_not_interpreted(pack):
    fx = pack["fx"]
    flat = " ".join(pack["text"].split()).replace("\u201c", '"').replace("\u201d", '"')  # Typst's smart quotes
    assert fx.COMMENTARY in flat
    for marker in (fx.INPUT_MARKER, fx.STDOUT_MARKER, fx.PLAIN_MARKER):
        assert marker not in pack["text"]


def test_a_missing_build_is_reported(tmp_path: Path, fx):
    with pytest.raises(RenderError, match="does not exist"):
        render_pdf(
            tmp_path / "nowhere", tmp_path / "x.pdf", "2023-03", config=fx.pack_config(), quarto_config=fx.QUARTO_YML
        )
    assert not (tmp_path / "x.pdf").exists()


@needs_poppler
def test_markdown_images_inside_the_build_are_printed_others_become_alt_text(tmp_path: Path, fx):
    import nbformat
    import vl_convert

    build = fx.write_build(tmp_path, "2023-03", domains=[])
    (build / "logo.png").write_bytes(vl_convert.vegalite_to_png({"mark": "point"}))
    (tmp_path / "secret.png").write_bytes((build / "logo.png").read_bytes())
    nb = nbformat.read(str(build / "appendix.ipynb"), as_version=4)
    nb.cells.append(
        nbformat.v4.new_markdown_cell("![Council logo](logo.png) ![Missing map](map.png) ![Secret](../../secret.png)")
    )
    nbformat.write(nb, str(build / "appendix.ipynb"))
    source = tmp_path / "typst"
    pdf = render_pdf(
        build, tmp_path / "p.pdf", "2023-03", config=fx.pack_config(), quarto_config=fx.QUARTO_YML, keep_source=source
    )
    (copied,) = (source / "images").iterdir()  # only the logo, named for its page
    assert copied.name.startswith("image-appendix-") and copied.suffix == ".png"
    assert copied.read_bytes() == (build / "logo.png").read_bytes()
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=False).stdout
    assert len(listing.strip().splitlines()) - 2 >= 1  # the logo is embedded as a raster
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=False).stdout
    assert "Missing map" in text and "Secret" in text


def test_a_pdf_typeset_in_a_second_process_fails_with_the_reason_here(tmp_path, config):
    from cpblib.publish import PdfProcess, RenderError

    empty = tmp_path / "_build" / "2023-03"
    empty.mkdir(parents=True)  # no executed notebooks: nothing to typeset
    process = PdfProcess()
    process.typeset(empty, tmp_path / "pack.pdf", "2023-03", config=config)
    with pytest.raises(RenderError, match="summary"):
        process.wait()
    assert not (tmp_path / "pack.pdf").exists()
