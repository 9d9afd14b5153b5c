"""Untrusted text escaped for each place it is written: CSS, HTML and SVG, Typst, regex replacements,
terminals and spreadsheets."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
import tinycss2

from cpblib.cli._score import to_csv, to_json
from cpblib.present import escape
from cpblib.present.charts._display import _accessible
from cpblib.publish._html import chart_figure_html, inline_svg
from cpblib.publish._site import _environment
from cpblib.scoring import SCORED_COLUMNS

HOSTILE = [
    'OFFICIAL"; } @import url(http://evil.example/x.css); p { x: "',
    "OFFICIAL\x0c} @page { @top-center { content: url(http://evil.example/p.png) } } x{",
    "OFFICIAL\n</style><script>alert(1)</script>",
    "OFFICIAL \\\\ \\22 \x00 \r \x0b end",
]


@pytest.mark.parametrize("marking", HOSTILE)
def test_a_marking_stays_one_css_string_in_the_print_style(marking):
    page = _environment().get_template("home.html.j2").render(
        site_title="Pack", council="Testshire", marking=marking, assets="assets/", home="index.html", latest=None,
        months=[],
    )  # fmt: skip
    style = re.search(r'<style media="print">(.*?)</style>', page, re.DOTALL).group(1)
    rules = tinycss2.parse_stylesheet(style, skip_whitespace=True, skip_comments=True)
    assert len(rules) == 1 and rules[0].type == "at-rule" and rules[0].lower_at_keyword == "page"
    inner = tinycss2.parse_blocks_contents(rules[0].content, skip_whitespace=True)
    contents = [
        token
        for block in inner
        for token in tinycss2.parse_blocks_contents(block.content, skip_whitespace=True)
        if token.type == "declaration" and token.lower_name == "content"
    ]
    assert len(contents) == 2
    for declaration in contents:
        values = [t for t in declaration.value if t.type != "whitespace"]
        assert [t.type for t in values] == ["string"]
        assert values[0].value == marking.replace("\x00", "\ufffd")


def test_css_strings_escape_every_character_that_could_end_them():
    text = escape.css_string("a\x0cb\nc\rd\"e'f\\g<h>i&j")
    assert re.fullmatch(r'"[A-Za-z0-9 ,.!?:;_()\'/\\-]*"', text)
    for ch in '\x0c\n\r"<>&':
        assert ch not in text[1:-1]


def test_a_backslash_in_a_chart_name_is_kept_and_breaks_nothing():
    svg = '<svg width="10"><g/></svg>'
    for alt in (r"S:\Reports\new", r"\1 \g<0> \\"):
        html = inline_svg(svg, alt, "c1")
        assert f'aria-label="{escape.html_text(alt)}"' in html
        output = {"data": {"image/svg+xml": svg}, "metadata": {"cpb": {"alt": alt, "caption": alt}}}
        assert f"<figcaption>{escape.html_text(alt)}</figcaption>" in chart_figure_html(output, "c2")


def test_a_chart_svg_stays_valid_xml_whatever_its_text_alternative_holds():
    svg = _accessible('<svg xmlns="http://www.w3.org/2000/svg" width="10"></svg>', "T\x0c", 'A "b" <c> & \x01d')
    root = ET.fromstring(svg)
    assert root.get("aria-label") == 'A "b" <c> &  d'


def test_typst_strings_hold_no_line_break_quote_or_control_character():
    text = escape.typst_string('a\x0cb\nc"d\\e\u2028f')
    assert text == '"a b c\\"d\\\\e f"'


def test_markdown_escape_leaves_no_syntax():
    assert escape.markdown_escape("[x](javascript:1)") == "\\[x\\]\\(javascript:1\\)"
    assert escape.markdown_escape("- item\n# heading") == "\\- item \\# heading"
    assert escape.markdown_escape("1. first") == "1\\. first"
    assert escape.markdown_escape("`{=typst}` @cite $x$ ^sup^") == "\\`\\{=typst\\}\\` \\@cite \\$x\\$ \\^sup\\^"


def test_terminal_text_shows_control_characters_instead_of_sending_them():
    text = escape.terminal_text("file\x1b]0;owned\x07\x1b[2J\r\u202egnp.csv")
    assert not re.search(r"[\x00-\x1f\x7f-\x9f\u202e]", text)
    assert "\\x1b" in text and "\\u202e" in text
    assert escape.console_text("[red]x[/] :x:") == "\\[red]x\\[/] :x:"


def _scored(name: str) -> pd.DataFrame:
    row = dict.fromkeys(SCORED_COLUMNS)
    row.update(indicator="x", name=name, domain="=1+1", unit="count", decimals=0, value=3.0, rag_override=False)
    return pd.DataFrame([row])


def test_score_csv_and_json_are_safe_to_open_in_a_spreadsheet():
    name = "+ cmd|' /C calc'!A0"
    csv = to_csv(_scored(name))
    assert "'+ cmd|' /C calc'!A0" in csv and "'=1+1" in csv
    assert "\n+ cmd" not in csv and ",+ cmd" not in csv
    assert '"name": "\'+ cmd|\' /C calc\'!A0"' in to_json(_scored(name))
