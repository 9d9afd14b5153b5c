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

from .display import format_gap, format_value, period_text
from .month import Month
from .naming import slugify
from .project import Project
from .tables import markdown_escape

PLACEHOLDER_HEADING = "## Draft facts for the writer (not shown in the pack)"
DRAFT_START = "<!-- cpb:draft -->"
DRAFT_END = "<!-- /cpb:draft -->"
"""The pre-filled section sits between these two markers and is never shown in the pack."""

_PLACEHOLDER = re.compile(rf"{re.escape(DRAFT_START)}.*?(?:{re.escape(DRAFT_END)}|\Z)", re.S)
_HEADING = re.compile(r"^(#{1,4})(?=\s)", re.M)


def commentary_path(project: Project, month: Month, domain: str) -> Path:
    return project.path("commentary") / str(month) / f"{slugify(domain)}.md"


def read_commentary(project: Project, month: Month, domain: str) -> str | None:
    """The published commentary for a domain (placeholder section removed), or None if there is none."""
    path = commentary_path(project, month, domain)
    if not path.is_file():
        return None
    text = without_placeholder(path.read_text(encoding="utf-8-sig"))
    return text or None


def without_placeholder(text: str) -> str:
    return _PLACEHOLDER.sub("", text).strip()


def _demoted(text: str, top: int) -> str:
    """Shift Markdown headings so the commentary's ``#`` sits at level ``top`` (keeps the page's heading order)."""
    return _HEADING.sub(lambda m: "#" * min(6, len(m[1]) + top - 1), text)


_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


def commentary_html(text: str, top_heading: int = 3) -> str:
    """Commentary as HTML with raw HTML escaped and headings starting at ``top_heading``."""
    return _MARKDOWN.render(_demoted(text, top_heading))


def commentary_markdown(text: str, top_heading: int = 3) -> str:
    """Commentary as Markdown for the PDF: headings demoted and every ``<`` made literal (no raw HTML)."""
    return _demoted(text, top_heading).replace("<", "&lt;")


def _domain_facts(rows: pd.DataFrame, labels: dict[str, str]) -> list[str]:
    facts = []
    for row in rows.itertuples(index=False):
        value = format_value(row.value, row.unit, row.decimals)
        if pd.isna(row.value):
            facts.append(f"- {markdown_escape(row.name)}: no figure for {period_text(row.period)} ({row.direction_reason or row.missing_reason or 'missing'}).")
            continue
        parts = [f"{value} in {period_text(row.period)}"]
        if not pd.isna(row.previous_value):
            parts.append(f"{format_value(row.previous_value, row.unit, row.decimals)} in {period_text(row.previous_period)}")
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


def prefill_text(domain: str, month: Month, rows: pd.DataFrame, labels: dict[str, str]) -> str:
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
        *(_domain_facts(moved, {}) or ["- Nothing moved since the previous period."]),
        "",
        "**Off target**",
        "",
        *(_domain_facts(off_target, {}) or ["- Every rated indicator is on target."]),
        "",
        "**Against benchmarks**",
        "",
        *(_domain_facts(rows, labels) or ["- No indicators."]),
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
            handle.write(prefill_text(domain, month, rows, labels))
        results.append((path, True))
    return results
