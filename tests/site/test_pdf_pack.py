"""The demo's PDF board pack (``_site/2023-03/board-pack-2023-03.pdf``, made by each engine: by Quarto with the
quarto engine) read back with poppler
(``pdfinfo``, ``pdftotext``, ``pdfimages``, ``pdftoppm``) and qpdf: a board paper of at most 30 A4
pages, the appendix landscape, the council, month and protective marking, the sections in order,
every indicator in the appendix, RAG words, no word hyphenated and no text over other text, every
chart and sparkline of the pack embedded and drawn, and pictures of its summary and a domain page kept
in ``test-artifacts/``.

Text comparisons: ``pdftotext -raw`` keeps each table cell's text together (content stream
order), but a cell's text is broken over lines and long words are hyphenated (Typst's
hyphenation point comes out as a soft hyphen, U+00AD). Indicator names are therefore compared
"squashed": NFKC-normalised, with all whitespace, soft hyphens and hyphens removed from both
the expected name and the text. Every other character (letters, digits, %, brackets, commas)
must match exactly and in order.
"""

from __future__ import annotations

import base64
import html
import json
import re
import subprocess
import unicodedata
from collections import Counter

import pytest

A4_PT = (595.276, 841.89)


def _run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def pdf(demo, poppler) -> dict:
    """The PDF's info, its text page by page (raw order) and its text laid out."""
    path = demo.pdf
    assert path.is_file(), f"no PDF at {path}"
    raw = _run(poppler["pdftotext"], "-raw", "-enc", "UTF-8", str(path), "-")
    return {
        "path": path,
        "info": _run(poppler["pdfinfo"], "-f", "1", "-l", "100000", str(path)),
        "pages": raw.split("\f")[:-1] if raw.endswith("\f") else raw.split("\f"),
    }


def squash(text: str) -> str:
    """Text without whitespace, soft hyphens or hyphens, for comparing wrapped table cells.

    >>> squash("Unaccompanied asylum-\\nseeking chil\\u00ad\\ndren")
    'Unaccompaniedasylumseekingchildren'
    """
    return re.sub(r"[\s\u00ad\-\u2010\u2011]+", "", unicodedata.normalize("NFKC", text))


def _lines(page: str, marking: str) -> list[str]:
    """A page's non-empty lines without the running header (the marking)."""
    return [line.strip() for line in page.splitlines() if line.strip() and line.strip() != marking]


def _section_pages(pdf: dict, demo) -> dict[str, int]:
    """Index of the page each level-1 section starts on (its title is the page's first line),
    found in pack order after the first page (the title and the contents)."""
    expected = ["Summary", *demo.domains, "Appendix", "Data quality"]
    firsts = [(_lines(p, demo.marking) or [""])[0] for p in pdf["pages"]]
    assert "Contents" in _lines(pdf["pages"][0], demo.marking), "no contents on the first page"
    starts, page = {}, 1
    for title in expected:
        while page < len(firsts) and firsts[page] != title:
            page += 1
        assert page < len(firsts), f"no page starts with the section {title!r} (after {list(starts)})"
        starts[title] = page
        page += 1
    return starts


def _sizes(pdf: dict) -> list[tuple[float, float]]:
    found = re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", pdf["info"], re.MULTILINE)
    return [(float(w), float(h)) for w, h in found]


def _a4(width: float, height: float) -> bool:
    return abs(width - A4_PT[0]) <= 1 and abs(height - A4_PT[1]) <= 1


def test_pdfinfo_reports_at_most_30_a4_pages_portrait_but_for_the_appendix(pdf, demo):
    """A board paper read in twenty minutes: at most 30 pages; the appendix's wide tables landscape."""
    pages = int(re.search(r"^Pages:\s+(\d+)$", pdf["info"], re.MULTILINE).group(1))
    sizes = _sizes(pdf)
    assert 10 <= pages <= 30 and len(sizes) == pages == len(pdf["pages"])
    appendix = range(*_appendix_pages(pdf, demo))
    for number, (width, height) in enumerate(sizes):
        if number in appendix:
            assert _a4(height, width), (number + 1, width, height)  # landscape
        else:
            assert _a4(width, height), (number + 1, width, height)


def test_the_quarto_engine_has_quarto_make_the_pdf_and_both_are_tagged(pdf, demo):
    """Quarto's document marks the PDF it makes (keywords ``Quarto``); the built-in PDF has no keywords. Both
    are set by the same Typst, so both are tagged (each chart's text alternative is in the PDF)."""
    keywords = re.search(r"^Keywords:\s+(.*)$", pdf["info"], re.MULTILINE)
    assert (keywords.group(1) if keywords else "") == ("Quarto" if demo.engine == "quarto" else "")
    assert re.search(r"^Tagged:\s+yes$", pdf["info"], re.MULTILINE)


def _appendix_pages(pdf: dict, demo) -> tuple[int, int]:
    """First and last-plus-one page of the appendix's tables (the key and glossary after them are portrait)."""
    starts = _section_pages(pdf, demo)
    firsts = [(_lines(p, demo.marking) or [""])[0] for p in pdf["pages"]]
    glossary = firsts.index("Key and glossary", starts["Appendix"])
    return starts["Appendix"], glossary


def test_cover_names_the_council_month_and_marking_and_every_page_carries_the_marking(pdf, demo):
    cover = " ".join(pdf["pages"][0].split())
    for expected in (demo.council, demo.month_label, demo.marking, "Corporate Parenting Board pack"):
        assert expected in cover
    unmarked = [n for n, page in enumerate(pdf["pages"], start=1) if demo.marking not in page]
    assert not unmarked, f"pages without the protective marking: {unmarked}"
    # the running footer names the council and the month
    assert all(f"{demo.council} · {demo.month_label}" in page for page in pdf["pages"][1:])


def test_sections_start_pages_in_pack_order_with_every_active_domain(pdf, demo):
    starts = _section_pages(pdf, demo)
    assert list(starts) == ["Summary", *demo.domains, "Appendix", "Data quality"]
    assert list(starts.values()) == sorted(starts.values())
    contents = " ".join(" ".join(pdf["pages"][: starts["Summary"]]).split())  # the first page: title, contents
    assert "Contents" in contents
    assert all(domain in contents for domain in demo.domains)


def test_appendix_lists_every_indicator_of_the_month_in_catalogue_order(pdf, demo):
    first, last = _appendix_pages(pdf, demo)
    appendix = squash("\n".join(pdf["pages"][first:last]))
    position, missing, out_of_order = 0, [], []
    for row in demo.indicators_in_pack_order():
        name = squash(row["name"])
        found = appendix.find(name, position)
        if found < 0:
            (out_of_order if name in appendix else missing).append(row["name"])
            continue
        position = found + len(name)
    assert not missing, f"not in the appendix: {missing}"
    assert not out_of_order, f"in the appendix but out of catalogue order: {out_of_order}"
    for domain in demo.domains:  # one sub-heading per domain
        assert squash(f"{domain}: last 6 periods") in appendix


def test_rag_words_green_amber_and_red_appear_and_every_indicator_has_one_rating(pdf, demo):
    first, last = _appendix_pages(pdf, demo)
    appendix = "\n".join(pdf["pages"][first:last])
    tally = Counter(" ".join(k.split()) for k in re.findall(r"\b(Green|Amber|Red|Not\s+rated)\b", appendix))
    assert tally["Green"] and tally["Amber"] and tally["Red"], tally
    assert sum(tally.values()) == len(demo.indicators), tally  # one RAG cell per indicator row
    everything = " ".join(pdf["pages"])
    for word in ("Green", "Amber", "Red"):
        assert re.search(rf"\b{word}\b", everything)


# -- charts ------------------------------------------------------------------------------------------
# Typst draws an SVG chart as vector graphics straight into the page's content stream (no image
# XObject) and, the PDF being tagged, wraps it in a /Figure structure element whose /Alt is the
# chart's text alternative and whose marked content (/MCID) is the drawing. qpdf's JSON gives the
# structure elements and the decoded content streams; the operators inside each figure's marked
# content are counted. A chart counts as embedded when its figure holds path-painting operators
# (the axes, marks and gridlines) and text (its labels), or an image XObject for a raster chart.

_TOKEN = re.compile(
    rb"\((?:\\.|[^\\()]|\((?:\\.|[^\\()])*\))*\)"  # literal string (one level of nesting)
    rb"|<<|>>|<[0-9A-Fa-f\s]*>"  # dictionary brackets, hex string
    rb"|/[^\s/\[\]()<>{}%]*"  # name
    rb"|[-+]?(?:\d+\.?\d*|\.\d+)"  # number
    rb"|[A-Za-z'\"*]+[0-9]?\*?"  # operator
    rb"|[\[\]{}]"
)
PAINT = {b"f", b"F", b"f*", b"S", b"s", b"B", b"B*", b"b", b"b*", b"sh"}
SEGMENTS = {b"l", b"c", b"v", b"y", b"re"}
SHOW_TEXT = {b"Tj", b"TJ", b"'", b'"'}


@pytest.fixture(scope="module")
def structure(demo, qpdf) -> dict:
    """qpdf's JSON of the pack (objects with decoded stream data)."""
    out = _run(qpdf, "--json=2", "--json-stream-data=inline", "--decode-level=generalized", str(demo.pdf))
    return json.loads(out)


def _objects(structure: dict) -> dict:
    return structure["qpdf"][1]


def _content(objects: dict, ref: str) -> bytes:
    value = objects[f"obj:{ref}"]
    return base64.b64decode(value["stream"]["data"])


_OPERATOR = re.compile(rb"[A-Za-z'\"*]+[0-9]?\*?")


def _operators(data: bytes) -> Counter:
    """How often each operator occurs in a content stream."""
    return Counter(t for t in _TOKEN.findall(data) if _OPERATOR.fullmatch(t) and t not in (b"true", b"false", b"null"))


def _marked_content(objects: dict, page_ref: str) -> dict[int, Counter]:
    """Operators of a page's content stream inside each marked-content sequence (by MCID),
    following form XObjects drawn inside it."""
    page = objects[f"obj:{page_ref}"]["value"]
    contents = page["/Contents"]
    data = b"\n".join(_content(objects, ref) for ref in (contents if isinstance(contents, list) else [contents]))
    resources = page.get("/Resources")
    resources = objects[f"obj:{resources}"]["value"] if isinstance(resources, str) else (resources or {})
    xobjects = resources.get("/XObject") or {}
    xobjects = objects[f"obj:{xobjects}"]["value"] if isinstance(xobjects, str) else xobjects

    counts: dict[int, Counter] = {}
    stack: list[int | None] = []
    operands: list[bytes] = []
    pending_mcid: int | None = None
    for token in _TOKEN.findall(data):
        if token == b"/MCID":
            operands.append(token)
            continue
        if operands and operands[-1] == b"/MCID" and re.fullmatch(rb"\d+", token):
            pending_mcid = int(token)
            operands.append(token)
            continue
        if _OPERATOR.fullmatch(token) and token not in (b"true", b"false", b"null"):
            if token == b"BDC":
                stack.append(pending_mcid)
                pending_mcid = None
            elif token == b"BMC":
                stack.append(None)
            elif token == b"EMC":
                if stack:
                    stack.pop()
            else:
                found = Counter({token: 1})
                if token == b"Do" and operands:
                    ref = xobjects.get(operands[-1].decode("latin-1"))
                    xobject = objects.get(f"obj:{ref}", {}).get("stream", {})
                    subtype = str(xobject.get("dict", {}).get("/Subtype", "?"))
                    found[b"Do:" + subtype.encode()] += 1
                    if subtype == "/Form":  # what the form draws counts as drawn here
                        found.update(_operators(base64.b64decode(xobject.get("data", ""))))
                for mcid in {m for m in stack if m is not None}:
                    counts.setdefault(mcid, Counter()).update(found)
            operands = []
        else:
            operands.append(token)
    return counts


def _figures(structure: dict) -> list[dict]:
    """Tagged figures with alt text: their alt, page and the operators of their marked content."""
    objects = _objects(structure)
    per_page: dict[str, dict[int, Counter]] = {}
    figures = []
    for value in (o.get("value") for o in objects.values()):
        if not isinstance(value, dict) or value.get("/S") != "/Figure" or "/Alt" not in value:
            continue
        alt = str(value["/Alt"])
        alt = alt[2:] if alt.startswith(("u:", "b:")) else alt
        operators: Counter = Counter()
        kids = value.get("/K")
        for kid in kids if isinstance(kids, list) else [kids]:
            mcid, page = (kid, value.get("/Pg")) if isinstance(kid, int) else (None, None)
            if isinstance(kid, dict) and "/MCID" in kid:
                mcid, page = kid["/MCID"], kid.get("/Pg", value.get("/Pg"))
            if mcid is None or page is None:
                continue
            if page not in per_page:
                per_page[page] = _marked_content(objects, page)
            operators += per_page[page].get(mcid, Counter())
        figures.append({"alt": " ".join(alt.split()), "operators": operators})
    return figures


def _sparkline_alts(site_pages) -> list[str]:
    """The text alternatives of the sparklines the pages' tables draw, in order."""
    found = []
    for page in site_pages:
        for cell in getattr(page.notebook, "cells", []):
            for output in cell.get("outputs", []):
                markup = str((output.get("data") or {}).get("text/html", ""))
                found += re.findall(r'<svg[^>]*class="sparkline"[^>]*aria-label="([^"]+)"', markup)
    return [" ".join(alt.split()) for alt in found]


def test_every_chart_and_sparkline_of_the_pack_is_embedded_and_drawn(structure, site_pages, demo, poppler):
    """As many charts as the pack's notebooks drew (the trend charts of the indicators the rule picks)
    and a sparkline for every indicator, each a tagged figure carrying its alt text whose marked
    content really draws it; raster charts would show up in pdfimages."""
    charts = [alt for page in site_pages for alt in page.chart_alts]
    sparklines = _sparkline_alts(site_pages)
    assert len(sparklines) == len(demo.indicators)
    assert 15 < len(charts) < 0.6 * len(demo.indicators)  # full charts only where they add something

    figures = _figures(structure)
    assert Counter(f["alt"] for f in figures) == Counter(charts + sparklines)
    undrawn = []
    for figure in figures:
        ops = figure["operators"]
        paint = sum(ops[op] for op in PAINT) + ops[b"Do:/Form"]
        segments = sum(ops[op] for op in SEGMENTS)
        text = sum(ops[op] for op in SHOW_TEXT)
        if figure["alt"] in sparklines:  # a line and a dot, no words
            drawn = paint >= 1 and segments >= 2
        else:  # a trend chart paints its lines and marks, and its labels
            drawn = ops[b"Do:/Image"] or (paint >= 3 and segments >= 8 and text >= 2)
        if not drawn:
            undrawn.append((figure["alt"][:70], dict(ops.most_common(8))))
    assert not undrawn, f"figures without a drawing: {undrawn}"

    images = _run(poppler["pdfimages"], "-list", str(demo.pdf)).splitlines()[2:]
    rasters = sum(1 for f in figures if f["operators"][b"Do:/Image"])
    assert len(images) >= rasters  # every raster chart is a real image of the file


# -- a board paper that reads cleanly ---------------------------------------------------------------------
def test_no_word_is_hyphenated(pdf):
    """Typst marks a word it breaks with a soft hyphen; tables are set so that none needs breaking."""
    hyphenated = [(n, line.strip()) for n, page in enumerate(pdf["pages"], 1) for line in page.splitlines()
                  if "\u00ad" in line]  # fmt: skip
    assert not hyphenated, hyphenated[:10]


_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')


def test_no_text_runs_over_other_text(demo, poppler):
    """No two words of a page overlap (table cells, chart labels, headers): compared by the boxes
    ``pdftotext -bbox`` gives each word, allowing a point for glyphs' side bearings."""
    out = _run(poppler["pdftotext"], "-bbox", str(demo.pdf), "-")
    clashes = []
    for number, page in enumerate(out.split("<page ")[1:], start=1):
        words = [(float(a), float(b), float(c), float(d), html.unescape(t)) for a, b, c, d, t in _WORD.findall(page)]
        for i, (x0, y0, x1, y1, text) in enumerate(words):
            for u0, v0, u1, v1, other in words[i + 1 :]:
                if min(x1, u1) - max(x0, u0) > 1.0 and min(y1, v1) - max(y0, v0) > 1.0:
                    clashes.append((number, text, other))
    assert not clashes, clashes[:10]


def test_pictures_of_the_summary_and_a_domain_page_are_kept(pdf, demo, artifacts_dir, poppler):
    """``test-artifacts/pdf-summary.png`` and ``pdf-domain.png`` (the first domain's first page), to look at."""
    tool = poppler["pdftoppm"]
    starts = _section_pages(pdf, demo)
    for name, page in (("pdf-summary", starts["Summary"]), ("pdf-domain", starts[demo.domains[0]])):
        target = artifacts_dir / name
        subprocess.run([tool, "-r", "80", "-png", "-singlefile", "-f", str(page + 1), "-l", str(page + 1),
                        str(demo.pdf), str(target)], check=True, capture_output=True)  # fmt: skip
        assert target.with_suffix(".png").stat().st_size > 20_000


def test_the_summary_is_one_page_with_its_headings_and_the_first_page_has_the_key(pdf, demo):
    starts = _section_pages(pdf, demo)
    assert starts[demo.domains[0]] == starts["Summary"] + 1  # the summary keeps to one page
    summary = " ".join(pdf["pages"][starts["Summary"]].split())
    for heading in ("Headlines", "Exceptions", "Greens to celebrate", "Reds of concern"):
        assert heading in summary
    first = " ".join(pdf["pages"][0].split())
    for words in ("At a glance", "Key", "Green meets its target", "Indicators by RAG rating and direction of travel"):
        assert words in first
