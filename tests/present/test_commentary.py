"""Commentary files: reading, the placeholder section, pre-filling, and untrusted text kept inert."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from cpblib.config import ProjectConfig
from cpblib.month import Month
from cpblib.present.commentary import (
    DRAFT_END,
    DRAFT_START,
    PLACEHOLDER_HEADING,
    commentary_html,
    commentary_markdown,
    commentary_path,
    prefill,
    prefill_text,
    read_commentary,
    without_placeholder,
)
from cpblib.project import Project

MONTH = Month(2023, 3)
CONFIG = '[authority]\nname = "Testshire Council"\nla_code = "999"\n'

ATTACKS = """Numbers fell <script>alert(1)</script> this month.

<img src=x onerror="alert(2)">

Read [the note](javascript:alert(3)), [this](JavaScript:alert(4)), [that](jav&#x61;script:alert(5)),
<javascript:alert(6)> and ![chart](javascript:alert(7)).

[ref]: javascript:alert(8)

See [ref] and <a href="javascript:alert(9)">here</a>.
"""


class _Markup(HTMLParser):
    """The tags of an HTML text: (tag, attributes) pairs and the text inside <script> elements."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def assert_inert(html: str) -> None:
    """No script with the attack, no event handler, no javascript: link or image, no <img> from the text."""
    markup = _Markup(html)
    assert not any("alert" in script for script in markup.scripts)
    for tag, attributes in markup.tags:
        assert not [name for name in attributes if name.lower().startswith("on")], (tag, attributes)
        for name in ("href", "src", "action", "formaction"):
            value = attributes.get(name, "").strip().lower()
            assert not value.startswith(("javascript:", "vbscript:")), (tag, attributes)
        assert tag not in ("iframe", "object", "embed"), (tag, attributes)


@pytest.fixture
def project(tmp_path) -> Project:
    (tmp_path / "cpb.toml").write_text(CONFIG, encoding="utf-8")
    return Project.open(tmp_path)


def scored_rows() -> pd.DataFrame:
    """Three scored indicators of one domain: one improving and Red, one the same and Green, one missing."""
    return pd.DataFrame(
        {
            "indicator": ["cic-rate", "stability", "iha"],
            "name": ["Children in care per 10,000", "Placement stability", "Health assessments"],
            "domain": ["Profile"] * 3,
            "unit": ["rate_per_10000", "percent", "percent"],
            "decimals": [1, 0, 0],
            "period": ["2023-03", "2023-03", "2023-02"],
            "value": [64.6, 70.0, float("nan")],
            "missing_reason": [None, None, "blank"],
            "previous_period": ["2023-02", "2023-02", "2023-01"],
            "previous_value": [65.6, 70.0, 50.0],
            "direction": ["improving", "same", None],
            "direction_reason": [None, None, "no figure for Feb 23"],
            "target": [60.0, 68.0, 90.0],
            "rag": ["red", "green", None],
            "england_value": [70.0, None, None],
            "england_year": ["2021-22", None, None],
            "england_gap": [-5.4, float("nan"), float("nan")],
        }
    )


# -- reading -------------------------------------------------------------------------------------------------
def test_commentary_lives_in_a_month_folder_named_by_domain_slug(project):
    assert commentary_path(project, MONTH, "Health & Emotional Wellbeing") == (
        project.root / "data" / "commentary" / "2023-03" / "health-emotional-wellbeing.md"
    )


def test_read_commentary_drops_the_placeholder_and_a_byte_order_mark(project):
    path = commentary_path(project, MONTH, "Profile")
    path.parent.mkdir(parents=True)
    path.write_bytes(f"\ufeff{DRAFT_START}\n{PLACEHOLDER_HEADING}\n- fact\n{DRAFT_END}\n\nNumbers fell.\n".encode())
    assert read_commentary(project, MONTH, "Profile") == "Numbers fell."
    assert read_commentary(project, MONTH, "Safety") is None


def test_a_file_with_only_the_placeholder_or_blank_is_no_commentary(project):
    path = commentary_path(project, MONTH, "Profile")
    path.parent.mkdir(parents=True)
    path.write_text(prefill_text("Profile", MONTH, scored_rows(), {}), encoding="utf-8")
    assert read_commentary(project, MONTH, "Profile") is None
    path.write_text("  \n\n", encoding="utf-8")
    assert read_commentary(project, MONTH, "Profile") is None


def test_an_unclosed_placeholder_hides_everything_after_its_start():
    assert without_placeholder(f"Kept.\n{DRAFT_START}\n- unfinished fact") == "Kept."


def test_text_around_several_placeholders_is_kept():
    text = f"One.\n{DRAFT_START}\nx\n{DRAFT_END}\nTwo.\n{DRAFT_START}\ny\n{DRAFT_END}\nThree."
    assert without_placeholder(text).split() == ["One.", "Two.", "Three."]


# -- pre-filling ---------------------------------------------------------------------------------------------
def test_prefill_text_puts_the_facts_between_the_markers():
    text = prefill_text("Profile", MONTH, scored_rows(), {"england": "England"})
    assert text.startswith(f"{DRAFT_START}\n{PLACEHOLDER_HEADING}\n")
    assert text.rstrip().endswith(DRAFT_END)
    assert without_placeholder(text) == ""
    headings = r"\*\*What moved\*\*|\*\*Off target\*\*|\*\*Against benchmarks\*\*"
    moved, off_target, benchmarks = re.split(headings, text)[1:]
    assert "- Children in care per 10,000: 64.6 in Mar 23; 65.6 in Feb 23; improving; Red against target 60.0." in moved
    assert "Placement stability" not in moved  # the same: did not move
    assert "Red against target 60.0" in off_target and "Placement stability" not in off_target
    assert "-5.4 against England 2021-22" in benchmarks
    assert "Health assessments: no figure for Feb 23" in benchmarks


def test_prefill_text_says_so_when_nothing_moved_or_is_off_target():
    rows = scored_rows().iloc[[1]]
    text = prefill_text("Profile", MONTH, rows, {})
    assert "- Nothing moved since the previous period." in text
    assert "- Every rated indicator is on target." in text


def test_prefill_creates_missing_files_and_never_overwrites(project):
    rows = pd.concat([scored_rows(), scored_rows().assign(domain="Safety", indicator=lambda f: f["indicator"] + "-s")])
    kept = commentary_path(project, MONTH, "Profile")
    kept.parent.mkdir(parents=True)
    kept.write_bytes(b"Already written \xe2\x80\x93 by hand.\r\n")
    before = kept.read_bytes()
    results = prefill(project, MONTH, rows)
    assert results == [(kept, False), (commentary_path(project, MONTH, "Safety"), True)]
    assert kept.read_bytes() == before
    created = commentary_path(project, MONTH, "Safety").read_text(encoding="utf-8")
    assert created.startswith(DRAFT_START) and "Safety, March 2023" in created
    again = prefill(project, MONTH, rows)
    assert [created for _, created in again] == [False, False]
    assert commentary_path(project, MONTH, "Safety").read_text(encoding="utf-8") == created


# -- untrusted text: HTML ---------------------------------------------------------------------------------------
def test_no_markup_from_commentary_reaches_the_html():
    html = commentary_html(ATTACKS)
    assert_inert(html)
    assert {tag for tag, _ in _Markup(html).tags} == {"p"}  # paragraphs only: every attack is text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as the text it is


def test_commentary_markdown_and_headings_are_kept():
    html = commentary_html("# Placements\n\n**strong** and *soft*, a [DfE link](https://www.gov.uk).\n\n- one")
    assert html.startswith("<h3>Placements</h3>")
    assert "<strong>strong</strong>" in html and '<a href="https://www.gov.uk">DfE link</a>' in html
    assert "<li>one</li>" in html
    assert commentary_html("Title\n=====\n\n###### deep").startswith("<h3>Title</h3>\n<h6>deep</h6>")


# -- untrusted text: the PDF's Markdown -----------------------------------------------------------------------------
PDF_ATTACKS = (
    ATTACKS
    + """
```{=typst}
#place(center)[RAW-TYPST-BLOCK]
```

Inline `#upper("shout")`{=typst} and $x^2$ and @citation and \\newpage and [span]{.hidden} done.
"""
)


def pandoc_tree(markdown: str) -> dict:
    pypandoc = pytest.importorskip("pypandoc")
    from cpblib.publish._pdf import MARKDOWN_FORMAT

    try:
        return json.loads(pypandoc.convert_text(markdown, "json", format=MARKDOWN_FORMAT))
    except OSError:
        pytest.skip("pandoc is not installed")


def nodes(tree, kinds: set[str]) -> list[dict]:
    found = []
    if isinstance(tree, dict):
        if tree.get("t") in kinds:
            found.append(tree)
        for value in tree.values():
            found += nodes(value, kinds)
    elif isinstance(tree, list):
        for value in tree:
            found += nodes(value, kinds)
    return found


def test_commentary_markdown_gives_pandoc_no_raw_output_math_citation_or_unsafe_link():
    tree = pandoc_tree(commentary_markdown(PDF_ATTACKS))
    assert nodes(tree, {"RawBlock", "RawInline", "Math", "Cite", "Image", "Span", "Div"}) == []
    assert nodes(tree, {"Link"}) == []  # none of the links is http(s) or mailto


def test_commentary_markdown_keeps_the_words_and_safe_structure():
    text = "# Placements\n\nFell **5%** to 64.6 (England 70.0); see [DfE](https://gov.uk/x_(y)) & <b>this</b>.\n\n- one"
    tree = pandoc_tree(commentary_markdown(text))
    header, _paragraph, bullet = tree["blocks"]
    assert header["t"] == "Header" and header["c"][0] == 3
    assert [link["c"][2][0] for link in nodes(tree, {"Link"})] == ["https://gov.uk/x_(y)"]
    assert nodes(tree, {"Strong"}) and bullet["t"] == "BulletList"
    pypandoc = pytest.importorskip("pypandoc")
    from cpblib.publish._pdf import MARKDOWN_FORMAT

    markdown = commentary_markdown(text)
    plain = pypandoc.convert_text(markdown, "plain", format=MARKDOWN_FORMAT, extra_args=["--wrap=none"])
    assert "Fell 5% to 64.6 (England 70.0); see DfE & <b>this</b>." in plain


# -- untrusted text through the renderer ----------------------------------------------------------------------------
def minimal_build(folder: Path, commentary: str, *, markdown_only: bool = False) -> Path:
    """A month's build folder: three plain pages and one domain page showing ``commentary`` as pages.py does
    (or only its Markdown twin, as a front end that prefers Markdown reads it)."""
    build = folder / "_build" / "2023-03"
    (build / "domains").mkdir(parents=True)
    for name in ("summary", "appendix", "data-quality"):
        cells = [nbformat.v4.new_markdown_cell(f"# {name.title()}\n\nText.")]
        nbformat.write(nbformat.v4.new_notebook(cells=cells), build / f"{name}.ipynb")
    cell = nbformat.v4.new_code_cell("pages.show_domain_commentary(pack, domain)")
    bundle = {
        "text/html": commentary_html(commentary),
        "text/markdown": commentary_markdown(commentary),
        "text/plain": commentary,
    }
    if markdown_only:
        del bundle["text/html"]
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/markdown": "## Commentary", "text/plain": "## Commentary"}),
        nbformat.v4.new_output("display_data", data=bundle),
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_raw_cell('---\ntitle: "Profile"\norder: 1\n---'), cell])
    nb.metadata["cpb"] = {"page": "domain", "title": "Profile", "month": "2023-03", "order": 1}
    nbformat.write(nb, build / "domains" / "01-profile.ipynb")
    return build


def test_the_domain_web_page_shows_attacks_as_text(tmp_path):
    from cpblib.publish import render_site

    build = minimal_build(tmp_path, ATTACKS)
    config = ProjectConfig.model_validate({"authority": {"name": "Testshire Council", "la_code": "999"}})
    month_dir = render_site(build, tmp_path / "_site", "2023-03", config=config, catalogue_domains=["Profile"])
    page = next(p for p in month_dir.rglob("*.html") if "profile" in p.name)
    html = page.read_text(encoding="utf-8")
    assert "Numbers fell &lt;script&gt;alert(1)&lt;/script&gt; this month." in html  # the words are there ...
    assert_inert(html)  # ... but never as markup


@pytest.mark.parametrize("engine", ["builtin", "quarto"])
@pytest.mark.parametrize("markdown_only", [False, True], ids=["as-shown", "markdown-twin"])
def test_the_pdf_shows_attacks_as_text(tmp_path, markdown_only, engine):
    """With either engine (the quarto engine's PDF made by Quarto, which also reads shortcodes)."""
    import os

    from cpblib.publish import render_pdf
    from cpblib.publish._quarto_pdf import render_quarto_pdf

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    if engine == "quarto" and shutil.which("quarto") is None:
        if os.environ.get("CPB_REQUIRE_SITE_TOOLS") == "1":
            pytest.fail("quarto is not installed (CPB_REQUIRE_SITE_TOOLS=1)", pytrace=False)
        pytest.skip("quarto is not installed")
    render_pdf = render_quarto_pdf if engine == "quarto" else render_pdf
    build = minimal_build(tmp_path, PDF_ATTACKS + "\n\nQuarto's {{< meta title >}} stays.", markdown_only=markdown_only)
    config = ProjectConfig.model_validate({"authority": {"name": "Testshire Council", "la_code": "999"}})
    pdf = render_pdf(build, tmp_path / "pack.pdf", "2023-03", config=config, catalogue_domains=["Profile"])
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert "<script>alert(1)</script>" in flat
    assert 'onerror="alert(2)"' in flat or "onerror=“alert(2)”" in flat
    assert '#upper("shout")' in flat and "SHOUT" not in flat  # raw Typst stays text
    assert "#place(center)[RAW-TYPST-BLOCK]" in flat
    assert "Quarto's {{< meta title >}} stays." in flat.replace("\u2019", "'")


def test_prefilled_facts_quote_only_the_comparators_shown(council_project):
    from cpblib.present.commentary import prefill
    from cpblib.present.pack import score_pack

    project = Project.open(council_project)
    month = Month(2023, 3)
    (council_project / "data" / "commentary" / "2023-03" / "profile.md").unlink()
    prefill(project, month, score_pack(project, month).scored)
    text = (council_project / "data" / "commentary" / "2023-03" / "profile.md").read_text(encoding="utf-8")
    assert "against Own figure last year 2021-22" in text and "against Outstanding LAs 2016-19" in text
    assert "Good/Outstanding SN" not in text


def test_commentary_over_the_limit_is_cut_with_a_note_never_silently(tmp_path):
    from cpblib.config import parse_config
    from cpblib.limits import MAX_COMMENTARY_BYTES
    from cpblib.month import Month
    from cpblib.present.commentary import commentary_markdown, commentary_path, read_commentary
    from cpblib.project import Project

    project = Project(tmp_path, parse_config('[authority]\nname = "X"\nla_code = "999"\n'))
    path = commentary_path(project, Month(2023, 3), "Profile")
    path.parent.mkdir(parents=True)
    path.write_text("Placements are stable.\n\n" + "x" * 200_000 + "\n", encoding="utf-8")
    text = read_commentary(project, Month(2023, 3), "Profile")
    assert len(text.encode()) < MAX_COMMENTARY_BYTES + 500
    assert text.startswith("Placements are stable.")
    assert "is not shown: it is longer than the 50,000 bytes a pack shows" in text
    assert "is not shown: it is longer than the 50,000 bytes" in commentary_markdown(text)


def test_a_long_word_may_break_in_the_pdf():
    from cpblib.limits import WORD_BREAK
    from cpblib.present.commentary import commentary_markdown

    word = "https://example.org/" + "a" * 300
    pieces = commentary_markdown(f"See {word} for more.").split("\u200b")
    assert len(pieces) == 1 + len(word) // WORD_BREAK
    assert "".join(pieces).replace("\\", "") == f"See {word} for more."


def test_the_size_limit_is_the_one_the_data_quality_page_warns_about():
    import json
    from pathlib import Path

    from cpblib.limits import MAX_COMMENTARY_BYTES

    suite = json.loads((Path(__file__).resolve().parents[2] / "expectations" / "commentary.json").read_text())
    sizes = [e["kwargs"]["max_value"] for e in suite["expectations"] if e["kwargs"].get("column") == "content_bytes"
             and "max_value" in e["kwargs"]]  # fmt: skip
    assert sizes == [MAX_COMMENTARY_BYTES]
