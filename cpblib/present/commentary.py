"""Service managers' commentary: one Markdown file per month and domain.

Files live at ``data/commentary/<YYYY-MM>/<domain-slug>.md``. Commentary is
untrusted text: it is rendered with raw HTML switched off, so no markup or
script from a file reaches a page. ``cpb commentary`` pre-fills a month's
files with the facts a writer needs under a placeholder heading, which the
pack never shows.

>>> text = f"{DRAFT_START}\\n## Draft facts for the writer\\n- moved\\n{DRAFT_END}\\n\\nNumbers fell <script>x</script>."
>>> without_placeholder(text)
'Numbers fell <script>x</script>.'
>>> commentary_html("Numbers **fell** <script>x</script>.")
'<p>Numbers <strong>fell</strong> &lt;script&gt;x&lt;/script&gt;.</p>\\n'
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from markdown_it import MarkdownIt

from ..limits import MAX_COMMENTARY_BYTES, WORD_BREAK
from ..month import Month
from ..naming import slugify
from ..project import Project
from .escape import markdown_escape
from .format import format_gap, format_value, period_text

PLACEHOLDER_HEADING = "## Draft facts for the writer (not shown in the pack)"
DRAFT_START = "<!-- cpb:draft -->"
DRAFT_END = "<!-- /cpb:draft -->"
"""The pre-filled section sits between these two markers and is never shown in the pack."""

_PLACEHOLDER = re.compile(rf"{re.escape(DRAFT_START)}.*?(?:{re.escape(DRAFT_END)}|\Z)", re.DOTALL)


def commentary_path(project: Project, month: Month, domain: str) -> Path:
    return project.path("commentary") / getattr(month, "key", str(month)) / f"{slugify(domain)}.md"


def read_commentary(project: Project, month: Month, domain: str) -> str | None:
    """The published commentary for a domain (placeholder section removed, cut to
    :data:`~cpblib.limits.MAX_COMMENTARY_BYTES`), or None if there is none."""
    path = commentary_path(project, month, domain)
    if not path.is_file():
        return None
    project.inside(path, "commentary")  # a link to a file outside the project is never read
    with path.open("rb") as handle:  # never more than the pack can show (the size says what is left)
        data = handle.read(MAX_COMMENTARY_BYTES + 1)
    rest = max(0, path.stat().st_size - len(data))
    text = without_placeholder(data.decode("utf-8-sig", errors="replace"))
    return bounded(text, rest) or None


def bounded(text: str, rest: int = 0) -> str:
    """``text`` cut to :data:`~cpblib.limits.MAX_COMMENTARY_BYTES` at the last paragraph that fits, with a
    note saying how much is not shown (never cut silently); ``rest`` counts bytes already left unread.

    >>> bounded("Short.")
    'Short.'
    >>> cut = bounded("a " * 15_000 + "\\n\\n" + "b " * 15_000)
    >>> cut.count("a "), cut.count("b "), cut.splitlines()[-1][:72]
    (15000, 0, '*The rest of this commentary (30,003 characters) is not shown: it is lon')
    """
    data = text.encode("utf-8")
    if len(data) <= MAX_COMMENTARY_BYTES and not rest:
        return text
    head = data[:MAX_COMMENTARY_BYTES].decode("utf-8", errors="ignore")
    cut = head.rfind("\n\n")
    kept = (head[:cut] if cut > len(head) // 2 else head).rstrip()
    left = len(text) - len(kept) + rest
    note = (
        f"*The rest of this commentary ({left:,} characters) is not shown: it is longer than the "
        f"{MAX_COMMENTARY_BYTES:,} bytes a pack shows for one domain. The data-quality page names the file.*"
    )
    return f"{kept}\n\n{note}"


def without_placeholder(text: str) -> str:
    return _PLACEHOLDER.sub("", text).strip()


_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")

PDF_LINK_SCHEMES = ("http://", "https://", "mailto:")
"""Link targets kept as links in the PDF; any other link (javascript:, file:, relative) shows as its text."""


def _tokens(text: str, top_heading: int) -> list:
    """The commentary parsed as CommonMark (raw HTML kept as text), headings moved to start at ``top_heading``."""
    tokens = _MARKDOWN.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1:]) + top_heading - 1)}"
    return tokens


def commentary_html(text: str, top_heading: int = 3) -> str:
    """Commentary as HTML with raw HTML escaped, unsafe links left as text and headings starting at ``top_heading``.

    >>> commentary_html("# Placements\\n\\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>")
    '<h3>Placements</h3>\\n<p>[x](javascript:alert(1)) &lt;img src=x onerror=alert(1)&gt;</p>\\n'
    """
    return _MARKDOWN.renderer.render(_tokens(text, top_heading), _MARKDOWN.options, {})


def commentary_markdown(text: str, top_heading: int = 3) -> str:
    """Commentary as Markdown for the PDF, parsed exactly as for the website and written back with every
    piece of text escaped, so pandoc finds no raw HTML, raw Typst, maths, citation or unsafe link in it.

    Headings start at ``top_heading``; a picture shows as its text alternative.

    >>> print(commentary_markdown("# Placements\\n\\nFell <b>5%</b>, see [DfE](https://gov.uk) or [notes](a.html)."))
    ### Placements
    <BLANKLINE>
    Fell \\<b\\>5%\\</b\\>, see [DfE](<https://gov.uk>) or notes\\.
    >>> print(commentary_markdown("`#panic()`{=typst}"))
    `#panic()`\\{=typst\\}
    """
    return _blocks_markdown(_tokens(text, top_heading)).strip()


_LONG_WORD = re.compile(rf"\S{{{WORD_BREAK}}}(?=\S)")


def _literal(text: str) -> str:
    """Text that pandoc reads back as exactly this text (:func:`cpblib.present.escape.markdown_escape`),
    with a break allowed (a zero-width space) after every :data:`~cpblib.limits.WORD_BREAK` characters of a
    longer word, so that Typst wraps it instead of letting it run off the page.

    >>> print(_literal("5 < 10 {=typst} $x$ @team"))
    5 \\< 10 \\{=typst\\} \\$x\\$ \\@team
    """
    return markdown_escape(_LONG_WORD.sub(lambda match: match[0] + "\u200b", text))


def _code_span(content: str) -> str:
    fence = "`" * (max((len(run) for run in re.findall("`+", content)), default=0) + 1)
    pad = " " if content.startswith("`") or content.endswith("`") else ""
    return f"{fence}{pad}{content}{pad}{fence}"


def _inline_markdown(children: list) -> str:
    parts: list[str] = []
    links: list[str | None] = []  # the href of each open link kept as a link, None for one shown as text
    for token in children:
        kind = token.type
        if kind == "softbreak":
            parts.append("\n")
        elif kind == "hardbreak":
            parts.append("\\\n")
        elif kind == "code_inline":
            parts.append(_code_span(token.content))
        elif kind in ("em_open", "em_close"):
            parts.append("*")
        elif kind in ("strong_open", "strong_close"):
            parts.append("**")
        elif kind == "link_open":
            href = str(token.attrGet("href") or "")
            links.append(href if href.lower().startswith(PDF_LINK_SCHEMES) and ">" not in href else None)
            parts.append("[" if links[-1] else "")
        elif kind == "link_close":
            href = links.pop() if links else None
            parts.append(f"](<{href}>)" if href else "")
        elif kind == "image":
            parts.append(_inline_markdown(token.children or []))
        else:  # text, and anything else as its text
            parts.append(_literal(token.content))
    return "".join(parts)


def _indented(text: str, first: str, rest: str) -> str:
    lines = text.split("\n")
    return "\n".join([first + lines[0], *((rest + line) if line else "" for line in lines[1:])])


def _blocks_markdown(tokens: list, start: int = 0, stop: int | None = None) -> str:
    """Markdown of the block tokens ``tokens[start:stop]``, blocks separated by blank lines."""
    stop = len(tokens) if stop is None else stop
    blocks: list[str] = []
    tight = False
    i = start
    while i < stop:
        token = tokens[i]
        kind = token.type
        if kind in ("paragraph_open", "heading_open"):
            inline = _inline_markdown(tokens[i + 1].children or [])
            if kind == "heading_open":
                inline = "#" * int(token.tag[1:]) + " " + inline.replace("\n", " ")
            blocks.append(inline)
            tight = tight or token.hidden
            i += 3
        elif kind in ("fence", "code_block"):
            body = token.content.rstrip("\n")
            fence = "`" * max(3, max((len(run) for run in re.findall("`+", body)), default=0) + 1)
            blocks.append(f"{fence}\n{body}\n{fence}")
            i += 1
        elif kind == "hr":
            blocks.append("* * *")
            i += 1
        elif kind in ("blockquote_open", "bullet_list_open", "ordered_list_open", "table_open"):
            close = _closing(tokens, i)
            if kind == "blockquote_open":
                inner = _blocks_markdown(tokens, i + 1, close)
                blocks.append("\n".join("> " + line if line else ">" for line in inner.split("\n")))
            elif kind == "table_open":
                blocks.append(_table_markdown(tokens[i + 1 : close]))
            else:
                blocks.append(_list_markdown(tokens, i, close))
            i = close + 1
        else:
            i += 1
    return ("\n" if tight else "\n\n").join(blocks)


def _closing(tokens: list, i: int) -> int:
    """Index of the token closing ``tokens[i]``."""
    depth = 0
    for j in range(i, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j
    return len(tokens) - 1


def _list_markdown(tokens: list, open_index: int, close_index: int) -> str:
    ordered = tokens[open_index].type == "ordered_list_open"
    number = int(tokens[open_index].attrGet("start") or 1) if ordered else 0
    items, tight = [], True
    i = open_index + 1
    while i < close_index:
        end = _closing(tokens, i)
        body = _blocks_markdown(tokens, i + 1, end)
        tight = tight and all(t.hidden for t in tokens[i + 1 : end] if t.type == "paragraph_open")
        marker = f"{number + len(items)}." if ordered else "-"
        marker = marker.ljust(max(4, len(marker) + 1))
        items.append(_indented(body, marker, " " * len(marker)))
        i = end + 1
    return ("\n" if tight else "\n\n").join(items)


def _table_markdown(tokens: list) -> str:
    rows: list[list[str]] = []
    aligns: list[str] = []
    for token in tokens:
        if token.type == "tr_open":
            rows.append([])
        elif token.type in ("th_open", "td_open"):
            if token.type == "th_open":
                aligns.append(str(token.attrGet("style") or "").replace("text-align:", ""))
        elif token.type == "inline":
            rows[-1].append(_inline_markdown(token.children or []).replace("\n", " "))
    if not rows:
        return ""
    rule = {"left": ":---", "right": "---:", "center": ":---:"}
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "|".join(rule.get(a, "---") for a in aligns) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    return "\n".join(lines)


def _domain_facts(rows: pd.DataFrame, labels: dict[str, str], calendar=None) -> list[str]:
    facts = []
    for row in rows.itertuples(index=False):
        value = format_value(row.value, row.unit, row.decimals)
        period = period_text(row.period, getattr(row, "frequency", None), calendar)
        if pd.isna(row.value):
            facts.append(
                f"- {markdown_escape(row.name)}: no figure for {period} ({row.direction_reason or row.missing_reason or 'missing'})."
            )
            continue
        parts = [f"{value} in {period}"]
        if not pd.isna(row.previous_value):
            parts.append(
                f"{format_value(row.previous_value, row.unit, row.decimals)} in "
                f"{period_text(row.previous_period, getattr(row, 'frequency', None), calendar)}"
            )
        if row.direction:
            parts.append(str(row.direction))
        if row.rag:
            parts.append(f"{row.rag.title()} against target {format_value(row.target, row.unit, row.decimals)}")
        for comparator, label in labels.items():
            gap = getattr(row, f"{comparator}_gap", None)
            if gap is not None and not pd.isna(gap):
                year = getattr(row, f"{comparator}_year")
                parts.append(f"{format_gap(gap, row.unit, row.decimals)} against {label} {year}")
        facts.append(f"- {markdown_escape(row.name)}: " + "; ".join(parts) + ".")
    return facts


def prefill_text(domain: str, month: Month, rows: pd.DataFrame, labels: dict[str, str], calendar=None) -> str:
    """The text of a new commentary file: a title line and the facts under the placeholder heading."""
    moved = rows.loc[rows["direction"].isin(["improving", "worsening"])]
    off_target = rows.loc[rows["rag"].isin(["amber", "red"])]
    lines = [
        DRAFT_START,
        PLACEHOLDER_HEADING,
        "",
        f"{domain}, {month.label}. Write the commentary below the end marker; this section stays out of the pack.",
        "",
        "**What moved**",
        "",
        *(_domain_facts(moved, {}, calendar) or ["- Nothing moved since the previous period."]),
        "",
        "**Off target**",
        "",
        *(_domain_facts(off_target, {}, calendar) or ["- Every rated indicator is on target."]),
        "",
        "**Against benchmarks**",
        "",
        *(_domain_facts(rows, labels, calendar) or ["- No indicators."]),
        DRAFT_END,
        "",
    ]
    return "\n".join(lines)


def prefill(project: Project, month: Month, scored: pd.DataFrame) -> list[tuple[Path, bool]]:
    """Create the month's commentary files that do not exist yet; never overwrite. Returns (path, created)."""
    labels = {c: project.config.comparators.label(c) for c in project.config.comparators.show}
    results = []
    for domain, rows in scored.groupby("domain", sort=False):
        path = commentary_path(project, month, domain)
        if path.exists():
            results.append((path, False))
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
            handle.write(prefill_text(domain, month, rows, labels, project.config.calendar))
        results.append((path, True))
    return results
