"""The sections of each page of the pack, displayed from a notebook.

Each ``show_*`` function displays one section (Markdown, an accessible
table with a Markdown twin for the PDF, or charts with text alternatives)
and returns nothing. The text-building functions beside them are pure and
tested on their own.
"""

from __future__ import annotations

import html
import tomllib
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

from .._vocabulary import label
from ..build import BuildFolder
from ..month import Month
from ..scoring import exceptions, headline_facts, summarise
from ..scoring._periods import period_ordinals, to_periods
from ..scoring._trend import TREND_PERIODS
from . import guide
from .commentary import commentary_html, commentary_markdown, read_commentary
from .figures import benchmark_text, cells, notes, span_figures, span_periods
from .format import (
    MISSING,
    Suppressed,
    direction_text,
    exception_text,
    format_value,
    period_cell,
    period_text,
    rag_text,
    value_cell,
)
from .pack import APPENDIX_PERIODS, Pack
from .tables import markdown_escape, table_bundle

RAG_CLASS = {"green": "rag-green", "amber": "rag-amber", "red": "rag-red"}

SPARKLINE_PERIODS = 6
"""Periods each table row's sparkline shows (the same six as the appendix)."""


# -- display primitives ------------------------------------------------------------------------
def _display(bundle: dict, only: str | None = None, pdf: str | None = None) -> None:
    """Display a bundle; ``only`` (``web`` or ``pdf``) shows it in that one, ``pdf="front"`` prints it on
    the PDF's first page rather than here (see :mod:`cpblib.publish`)."""
    from IPython.display import display

    about = {key: value for key, value in (("only", only), ("pdf", pdf)) if value}
    if not about:
        display(bundle, raw=True)
    else:
        display(bundle, raw=True, metadata={"cpb": about})


def show_markdown(text: str, only: str | None = None) -> None:
    """Display Markdown (trusted text written by cpb; untrusted text must be escaped first)."""
    _display({"text/markdown": text, "text/plain": text}, only)


def show_html(markup: str, text: str, only: str | None = None, pdf: str | None = None) -> None:
    """Display HTML written by cpb (every piece of input text in it escaped) with its plain-text twin."""
    _display({"text/html": markup, "text/plain": text}, only, pdf)


def show_table(frame: pd.DataFrame, only: str | None = None, **options) -> None:
    _display(table_bundle(frame, **options), only)


def terms_html(items: list[tuple[str, str]], css: str) -> str:
    """A description list (``<dl>``) of terms and their meanings, escaped, in a ``div`` of class ``css``
    (``key``, ``definitions`` or ``terms``: the site and the PDF each lay them out their own way).

    >>> terms_html([("Red <b>", "misses by more than 10%.")], "key")
    '<div class="key"><dl><dt>Red &lt;b&gt;</dt><dd>misses by more than 10%.</dd></dl></div>'
    """
    rows = "".join(f"<dt>{html.escape(term)}</dt><dd>{html.escape(meaning)}</dd>" for term, meaning in items)
    return f'<div class="{css}"><dl>{rows}</dl></div>'


# -- shared pieces -------------------------------------------------------------------------------
def periods_wide(pack: Pack, rows: pd.DataFrame, steps: int) -> pd.DataFrame:
    """For each scored row, its latest ``steps`` periods (oldest first) and their values.

    The latest is the row's ``period``: the due period, or for a late figure the latest period that has
    one. Returns two frames side by side: ``period_0..`` labels and ``value_0..`` numbers.
    """
    reach = steps + TREND_PERIODS  # a late figure is at most TREND_PERIODS - 1 periods back
    ordinals = period_ordinals(rows, pack.month, pack.config.calendar, steps=reach)[:, ::-1]
    every = to_periods(ordinals)
    latest = rows["period"].to_numpy(dtype=object)
    found = every == latest[:, None]
    end = np.where(found.any(axis=1), found.argmax(axis=1), reach - 1)
    periods = every[np.arange(len(rows))[:, None], end[:, None] - np.arange(steps)[::-1][None, :]]
    lookup = pack.history_values
    keys = pd.MultiIndex.from_arrays([np.repeat(rows["indicator"].to_numpy(), steps), periods.ravel()])
    values = lookup.reindex(keys).to_numpy().reshape(len(rows), steps)
    frame = pd.DataFrame(index=rows.index)
    for step in range(steps):
        frame[f"period_{step}"] = periods[:, step]
        frame[f"value_{step}"] = values[:, step]
    return frame


def late_figures(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows whose due figure is late or missing and whose latest available one stands in for it."""
    if "due_period" not in rows:
        return rows.iloc[0:0]
    return rows.loc[rows["due_period"].notna() & rows["period"].ne(rows["due_period"])]


def late_note(rows: pd.DataFrame) -> str | None:
    """A sentence per late figure: which period was due, why it has no figure, which period is shown
    (Markdown, escaped); None when every figure is on time.

    >>> rows = pd.DataFrame({"name": ["Dental checks"], "period": ["2022-12"], "due_period": ["2023-03"],
    ...                      "missing_reason": ["blank"]})
    >>> print(late_note(rows))
    Late figures: Dental checks has no figure for Mar 23 (blank), so the latest available, Dec 22, is shown. A late figure's direction of travel is from the period before the one shown; the data-quality page lists every late figure.
    """
    late = late_figures(rows)
    if late.empty:
        return None
    parts = [
        f"{markdown_escape(r['name'])} has no figure for {period_text(r['due_period'])} "
        f"({markdown_escape(r.get('missing_reason') or 'not in the data')}), so the latest available, "
        f"{period_text(r['period'])}, is shown"
        for _, r in late.iterrows()
    ]
    return (
        "Late figures: " + "; ".join(parts) + ". A late figure's direction of travel is from the period before "
        "the one shown; the data-quality page lists every late figure."
    )


def _benchmark_cell(row: pd.Series, comparator: str) -> str:
    return benchmark_text(row, comparator)


def _target_cell(row: pd.Series) -> str:
    if row.get("rag_method") == "range" and not pd.isna(row.get("range_lower")):
        return f"{format_value(row['range_lower'], row['unit'], row['decimals'])} to {format_value(row['range_upper'], row['unit'], row['decimals'])}"
    return format_value(row.get("target"), row["unit"], row["decimals"])


def _period_note(row: pd.Series, pack: Pack | None = None) -> str:
    heading_of = (lambda p: pack.period_text(p, row.get("frequency"))) if pack is not None else period_text
    note = period_cell(row["period"], row.get("due_period"), heading_of)
    arrears = row.get("arrears_months")
    if arrears is not None and not pd.isna(arrears) and int(arrears) > 0:
        note += f" ({int(arrears)} month{'s' if int(arrears) > 1 else ''} in arrears)"
    cadence = "quarterly" if pack is not None and pack.config.calendar.cadence == "quarterly" else "monthly"
    if row.get("frequency") not in (None, "monthly", cadence):
        note += f", {label('frequency', row['frequency']).lower()}"
    return note


def _step_cells(pack: Pack, rows: pd.DataFrame, wide: pd.DataFrame, steps: int) -> list[list]:
    """The :class:`~cpblib.present.figures.Cell` of each row at each step of ``wide`` (:func:`periods_wide`)."""
    indicators = list(rows["indicator"]) * steps
    periods = [p for step in range(steps) for p in wide[f"period_{step}"]]
    found = cells(pack, indicators, periods)
    return [found[step * len(rows) : (step + 1) * len(rows)] for step in range(steps)]


def _show_notes(pack: Pack, rows: pd.DataFrame, wide: pd.DataFrame, steps: int, extra: list | None = None) -> None:
    """The key and notes of a table's marks (provisional, rolled up, words), when it has any."""
    by_step = _step_cells(pack, rows, wide, steps)
    shown = [
        (name, pack.period_text(wide[f"period_{step}"].iloc[i], frequency), by_step[step][i])
        for step in range(steps)
        for i, (name, frequency) in enumerate(zip(rows["name"], rows["frequency"]))
    ]
    text = notes(pack, rows, shown + list(extra or []))
    if text:
        show_markdown(text)


def _second(rows: pd.DataFrame) -> list:
    """Each row's second figure's unit (None when it has none)."""
    if "second_figure" not in rows:
        return [None] * len(rows)
    return [u if isinstance(u, str) and u else None for u in rows["second_figure"]]


def _add_span_columns(pack: Pack, rows: pd.DataFrame, table: pd.DataFrame, quarters: int) -> list:
    """Add quarter and financial-year columns to ``table`` (``[calendar] quarter_and_year_columns``); returns the
    (name, period label, cell) of each figure added, for the notes."""
    from ..period import period_label

    start = pack.config.calendar.financial_year_start
    spans = span_periods(pack, quarters)
    shown = []
    for (period, months), found in span_figures(pack, rows, spans).items():
        heading = period_label(period, months, start)
        table[heading] = [c.text(u, d) for c, u, d in zip(found, rows["unit"], rows["decimals"])]
        shown += [(name, heading, cell) for name, cell in zip(rows["name"], found)]
    return shown


def _like_with_like_text(pack: Pack, rows: pd.DataFrame) -> str:
    """What the direction of a year-to-date or six-monthly figure compares, when the table has one."""
    from ..scoring._periods import compare_back

    back = compare_back(rows, pack.config.calendar)
    if not (back > 0).any():
        return ""
    return (
        " Year-to-date figures are compared with the same point of the year before, and six-monthly figures "
        "with six months before, so that the periods compared do not overlap."
    )


def _rag_with_override(row: pd.Series) -> str:
    text = rag_text(row["rag"])
    return f"{text} (override)" if bool(row.get("rag_override")) else text


ANALYST = "set by the analyst"
"""How a page says an indicator's exception heading was set by hand, not by the headings' rules."""


def _exception_cell(row: pd.Series, headings) -> str:
    """The short heading for a table cell; ``(set by the analyst)`` when an analyst set it."""
    text = exception_text(row.get("exception"), headings)
    if bool(row.get("exception_override")):
        return f"{text} ({ANALYST})" if text else f"None ({ANALYST})"
    return text


def _analyst_note(row: pd.Series) -> str:
    """``Set by the analyst: <reason>`` for an indicator an analyst put under its heading, else blank."""
    if not bool(row.get("exception_override")):
        return ""
    reason = str(row.get("exception_reason") or ANALYST)
    return reason[:1].upper() + reason[1:]


def heading_rules_text(pack: Pack, heading: str) -> str:
    """What puts an indicator under a heading, in words (Markdown, escaped): its rule, or a list of its rules.

    >>> from types import SimpleNamespace
    >>> from cpblib.scoring import packaged_headings
    >>> print(heading_rules_text(SimpleNamespace(headings=packaged_headings()), "Ambers of concern"))
    Listed by its rule: Amber; same or worsening.
    """
    rules = [markdown_escape(rule.description) for rule in pack.headings.rules if rule.heading == heading]
    if len(rules) == 1:
        return f"Listed by its rule: {rules[0]}."
    return "Listed by any of its rules:\n\n" + "\n".join(f"- {rule}." for rule in rules)


def sparklines(pack: Pack, rows: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Each row's sparkline over its latest :data:`SPARKLINE_PERIODS` periods: the SVG and its text alternative."""
    from .charts import sparkline_svg, sparkline_text

    wide = periods_wide(pack, rows, SPARKLINE_PERIODS)
    steps = range(SPARKLINE_PERIODS)
    cells = wide[[f"value_{k}" for k in steps]].to_numpy(dtype=object)  # plain arrays: no pandas per cell
    hidden = np.vectorize(lambda cell: isinstance(cell, Suppressed), otypes=[bool])(cells)  # a public pack's
    values = np.where(hidden, np.nan, cells).astype("float64")
    periods = wide[[f"period_{k}" for k in steps]].to_numpy(dtype=object)
    labels_of: dict = {}
    svgs, texts = [], []
    for position, (unit, decimals, rag, frequency) in enumerate(
        zip(rows["unit"], rows["decimals"], rows["rag"], rows["frequency"])
    ):
        figures = values[position].tolist()
        labels = [
            labels_of.get((period, frequency))
            or labels_of.setdefault((period, frequency), pack.period_text(period, frequency))
            for period in periods[position]
        ]
        text = sparkline_text(figures, labels, unit, decimals)
        if hidden[position].any():
            not_shown = [label for label, gone in zip(labels, hidden[position]) if gone]
            text += f" ({' and '.join(not_shown)} not shown: small numbers)"
        texts.append(text)
        svgs.append(sparkline_svg(figures, labels, unit, decimals, rag=rag, text=text) or MISSING)
    return svgs, texts


def baselines(pack: Pack) -> pd.Series | None:
    """Each indicator's baseline in force this month (``targets.csv`` ``baseline``, by ``from_month`` like its
    target), or None when no target row gives one: the tables show a Baseline column only when there is one."""
    from ..inputs.catalogue import targets_for

    targets = pack.inputs.targets
    if targets is None or "baseline" not in targets or targets["baseline"].isna().all():
        return None
    in_force = targets_for(targets, pack.month)
    found = in_force.set_index("indicator")["baseline"]
    return found if found.notna().any() else None


def _baseline_cells(pack: Pack, rows: pd.DataFrame, found: pd.Series) -> list[str]:
    values = rows["indicator"].map(found)
    return [format_value(v, u, d) for v, u, d in zip(values, rows["unit"], rows["decimals"])]


def benchmark_note(pack: Pack) -> str:
    """One sentence naming the comparator groups a table shows (their years are in the cells)."""
    groups = guide.comparator_groups(pack.config, pack.scored, pack.comparators)
    if not groups:
        return ""
    parts = [f"{g.label}, {g.who}" for g in groups]
    return "Benchmarks (year in brackets): " + "; ".join(parts) + "."


def key_items(pack: Pack) -> list[tuple[str, str]]:
    """The key to the tables: what each RAG rating and direction of travel means."""
    items = guide.rag_key(pack.config.rag) + guide.direction_key()
    own = guide.own_rules(pack.inputs.catalogue) if pack.inputs.catalogue is not None else 0
    if own:
        items.append(("Own rules", f"{own} indicators have RAG thresholds of their own, set in the catalogue."))
    return items


def show_key(pack: Pack, pdf: str | None = None) -> None:
    """The key to RAG and direction of travel, as a short list (``pdf="front"``: printed on the PDF's first
    page, under the contents, rather than here)."""
    items = key_items(pack)
    show_html(terms_html(items, "key"), "\n".join(f"{term}: {meaning}" for term, meaning in items), pdf=pdf)


# -- summary page --------------------------------------------------------------------------------
@cache
def _headline_templates() -> dict:
    return tomllib.loads(resources.files("cpblib").joinpath("_data/headline.toml").read_text(encoding="utf-8"))


def headline_sentences(pack: Pack) -> list[str]:
    """The headline facts as short sentences, in catalogue order.

    Uses the wording in ``_data/headline.toml`` for known roles; other facts read ``name: value``, with
    the period when it is not the report month.
    """
    facts = headline_facts(pack.scored)
    sentences = []
    for fact in facts.itertuples(index=False):
        this_month = isinstance(fact.period, str) and fact.period == str(pack.month)
        default = "{name}: {value}" if this_month else "{name}: {value} in {period}"
        template = _headline_templates().get(
            fact.role, {"sentence": default, "previous": "{previous_value} in {previous_period}"}
        )
        fields = {
            "name": fact.name,
            "value": format_value(fact.value, fact.unit, fact.decimals),
            "previous_value": format_value(fact.previous_value, fact.unit, fact.decimals),
            "period": _period_label(pack, fact.period),
            "previous_period": pack.period_text(fact.previous_period),
        }
        if pd.isna(fact.value):
            sentences.append(f"{fact.name}: no figure yet for {fields['period']}.")
            continue
        sentence = template["sentence"].format(**fields)
        if "previous" in template and not pd.isna(fact.previous_value):
            sentence += f" ({template['previous'].format(**fields)})"
        sentences.append(sentence[0].upper() + sentence[1:] + ".")
    return sentences


def _period_label(pack: Pack, period: object) -> str:
    """A period in full, as a sentence says it: ``March 2023``; in a quarterly pack, ``Q4 2019/20``."""
    if not isinstance(period, str):
        return MISSING
    if pack.config.calendar.cadence == "quarterly":
        return pack.period_text(period)
    return Month.parse(period).label


def summary_intro(pack: Pack) -> str:
    """Opening paragraph of the summary page: what the pack covers and the RAG and direction counts."""
    totals = summarise(pack.scored).iloc[-1]
    rated = int(totals["green"] + totals["amber"] + totals["red"])
    return (
        f"This pack reports {int(totals['indicators'])} indicators for {pack.config.authority.name} "
        f"in {pack.month.label}. Of the {rated} rated against a target, {int(totals['green'])} are Green, "
        f"{int(totals['amber'])} Amber and {int(totals['red'])} Red. Compared with the previous period, "
        f"{int(totals['improving'])} improved, {int(totals['worsening'])} worsened and {int(totals['same'])} stayed the same."
    )


def show_summary_headline(pack: Pack) -> None:
    """The opening paragraph, when the figures were extracted, and the headline facts (in two columns
    where there is room)."""
    show_markdown(markdown_escape(summary_intro(pack)))
    show_markdown(markdown_escape(guide.extraction_note(pack.inputs.loads, pack.month)))
    sentences = headline_sentences(pack)
    if sentences:
        show_markdown("## Headlines")
        items = "".join(f"<li>{html.escape(s)}</li>" for s in sentences)
        show_html(f'<div class="cpb-columns"><ul>{items}</ul></div>', "\n".join(f"- {s}" for s in sentences))


def counts_table(pack: Pack) -> pd.DataFrame:
    """Indicators by RAG rating (rows) and direction of travel (columns), with totals.

    The rows are Green, Amber, Red, Not rated and All; the columns Improving, Same, Worsening,
    No direction and All.
    """
    scored = pack.scored
    rag = scored["rag"].map({"green": "Green", "amber": "Amber", "red": "Red"}).fillna("Not rated")
    direction = scored["direction"].map({"improving": "Improving", "same": "Same", "worsening": "Worsening"})
    direction = direction.fillna("No direction")
    rows, columns = ["Green", "Amber", "Red", "Not rated"], ["Improving", "Same", "Worsening", "No direction"]
    table = pd.crosstab(rag, direction).reindex(index=rows, columns=columns, fill_value=0)
    table["All"] = table.sum(axis=1)
    table.loc["All"] = table.sum(axis=0)
    return table.rename_axis(index="RAG", columns=None).reset_index()


def show_summary_counts(pack: Pack) -> None:
    """Counts by RAG and direction of travel in one table, and the key to both."""
    # The PDF prints both on its first page, under the contents, so that its summary keeps to one page
    # (whose opening paragraph gives the counts in words).
    show_markdown("## Ratings and direction of travel", only="web")
    table = counts_table(pack)
    numeric = [c for c in table.columns if c != "RAG"]
    _display(table_bundle(table, caption="Indicators by RAG rating and direction of travel", row_header="RAG",
                          numeric=numeric, kind="counts"), pdf="front")  # fmt: skip
    show_key(pack, pdf="front")


def show_summary_charts(pack: Pack) -> None:
    """The counts by RAG and direction (the name kept for notebooks written before they became a table)."""
    show_summary_counts(pack)


def exception_frame(pack: Pack, heading: str) -> pd.DataFrame:
    """The indicators under one exception heading, Reds first; ``Note`` says which an analyst put there, and
    why (the column is left out when none was)."""
    listed = exceptions(pack.scored, pack.headings)
    rows = listed.loc[listed["exception"] == heading]
    frame = pd.DataFrame(
        {
            "Indicator": rows["name"],
            "Domain": rows["domain"],
            "Period": [
                period_cell(p, d, lambda period, f=f: pack.period_text(period, f))
                for p, d, f in zip(rows["period"], rows.get("due_period", rows["period"]), rows["frequency"])
            ],
            "Value": [
                value_cell(
                    r["value"],
                    r["unit"],
                    r["decimals"],
                    provisional=bool(r.get("provisional")),
                    reason=r.get("missing_reason"),
                )
                for _, r in rows.iterrows()
            ],
            "Target": [_target_cell(r) for _, r in rows.iterrows()],
            "Direction": [direction_text(d) for d in rows["direction"]],
            "RAG": [_rag_with_override(r) for _, r in rows.iterrows()],
            "Note": [_analyst_note(r) for _, r in rows.iterrows()],
        }
    ).reset_index(drop=True)
    return frame if frame["Note"].astype(bool).any() else frame.drop(columns="Note")


def exception_items(frame: pd.DataFrame) -> list[str]:
    """An exception heading's indicators as one line each (the PDF's summary lists them so, to keep to a
    page; the domain pages have the rest): name, value, target, direction.

    >>> frame = pd.DataFrame({"Indicator": ["Dental checks"], "Domain": ["Health"], "Period": ["Mar 23"],
    ...     "Value": ["56.7%"], "Target": ["85.0%"], "Direction": ["✔ Improving"], "RAG": ["Red"]})
    >>> exception_items(frame)
    ['Dental checks: 56.7%, target 85.0%, ✔ Improving']
    """
    items = []
    for row in frame.to_dict("records"):
        target = f", target {row['Target']}" if row["Target"] != MISSING else ""
        note = f"; {row['Note']}" if row.get("Note") else ""
        items.append(f"{row['Indicator']}: {row['Value']}{target}, {row['Direction']}{note}")
    return items


def show_summary_exceptions(pack: Pack) -> None:
    """One section per exception heading, in the headings file's order (``None this month.`` when empty):
    a table on the website, a list in two columns in the PDF."""
    show_markdown("## Exceptions")
    for heading in pack.headings.titles:
        frame = exception_frame(pack, heading)
        rule = " ".join(heading_rules_text(pack, heading).removeprefix("Listed by its rule: ").split())
        # The PDF keeps its summary to a page: the heading says how many and by which rule, then a list.
        show_markdown(f"### {markdown_escape(heading)}", only="web")
        show_markdown(heading_rules_text(pack, heading), only="web")
        show_markdown(f"### {markdown_escape(heading)} ({len(frame)}): {markdown_escape(rule)}", only="pdf")
        if frame.empty:
            show_markdown("None this month.")
            continue
        rag_classes = [RAG_CLASS.get(r.split(" ")[0].lower()) for r in frame["RAG"]]
        show_table(frame, only="web", caption=f"{heading}: {len(frame)} indicators", row_header="Indicator",
                   cell_classes={"RAG": rag_classes}, numeric=("Value", "Target"), kind="exceptions")  # fmt: skip
        items = exception_items(frame.assign(Value=[f"{v} ({p})" if p != pack.month.short_label else v
                                                    for v, p in zip(frame["Value"], frame["Period"])]))  # fmt: skip
        listed = "".join(f"<li>{html.escape(item)}</li>" for item in items)
        show_html(f'<div class="cpb-columns"><ul>{listed}</ul></div>', "\n".join(items), only="pdf")


def domain_overview(pack: Pack) -> pd.DataFrame:
    summary = summarise(pack.scored).iloc[:-1]
    has_commentary = [read_commentary(pack.project, pack.month, d) is not None for d in summary["domain"]]
    return pd.DataFrame(
        {
            "Domain": summary["domain"],
            "Indicators": summary["indicators"],
            "Green": summary["green"],
            "Amber": summary["amber"],
            "Red": summary["red"],
            "Improving": summary["improving"],
            "Worsening": summary["worsening"],
            "Commentary": ["Written" if c else "Missing" for c in has_commentary],
        }
    ).reset_index(drop=True)


def show_summary_domains(pack: Pack) -> None:
    """The domains with their counts and links (the website's; the PDF's contents list the domains), and
    which have no commentary yet."""
    show_markdown("## Domains", only="web")
    overview = domain_overview(pack)
    links = "\n".join(f"- [{markdown_escape(d)}]({pack.domain_file(d)})" for d in overview["Domain"])
    # The PDF's contents list the domains: the links and the overview are the website's.
    show_markdown(links, only="web")
    show_table(overview, only="web", caption="Indicators by domain", row_header="Domain",
               numeric=("Indicators", "Green", "Amber", "Red", "Improving", "Worsening"), kind="domains")  # fmt: skip
    missing = overview.loc[overview["Commentary"] == "Missing", "Domain"].tolist()
    if missing:
        show_markdown(
            "Commentary has not been written yet for: " + ", ".join(markdown_escape(d) for d in missing) + "."
        )
    else:
        show_markdown("Every domain has commentary for this month.")


# -- domain page ---------------------------------------------------------------------------------
def domain_rows(pack: Pack, domain: str) -> pd.DataFrame:
    rows = pack.scored.loc[pack.scored["domain"] == domain]
    if rows.empty:
        raise KeyError(f"no indicators in domain {domain!r} for {pack.month}; domains are {', '.join(pack.domains)}")
    return rows


def _good_is(polarity: str) -> str:
    return label("polarity", polarity).replace(" is better", "") if polarity != "none" else MISSING


def _latest_cell(pack: Pack, row: pd.Series, text: str) -> str:
    """The latest figure as the table prints it (``text``), with its period in brackets when that is not the
    report period (a figure in arrears, termly or annual, or a late one)."""
    heading_of = lambda p: pack.period_text(p, row.get("frequency"))
    period = period_cell(row["period"], row.get("due_period"), heading_of)
    if row["period"] != str(pack.month) or period != heading_of(row["period"]):
        text += f" ({period})"
    return text


def domain_table(pack: Pack, domain: str) -> pd.DataFrame:
    """The domain's indicator table: name, which way is good, the trend over six periods (its text
    alternative here; the page draws it), previous and latest figures (the latest with its period when
    that is not the report month), target (and baseline, when the targets file gives one), benchmarks with
    year, direction, RAG and exception."""
    return _domain_table(pack, domain)[0]


def _domain_table(pack: Pack, domain: str) -> tuple[pd.DataFrame, list[str]]:
    """:func:`domain_table` and each row's sparkline, made together."""
    rows = domain_rows(pack, domain)
    svgs, trends = sparklines(pack, rows)
    table = pd.DataFrame(
        {
            "Indicator": rows["name"],
            "Good is": [_good_is(p) for p in rows["polarity"]],
            "Trend": trends,
        }
    )
    wide = periods_wide(pack, rows, 2)
    by_step = _step_cells(pack, rows, wide, 2)
    seconds = _second(rows)
    table["Previous"] = [
        cell.text(u, d, s) for cell, u, d, s in zip(by_step[0], rows["unit"], rows["decimals"], seconds)
    ]
    table["Latest"] = [
        _latest_cell(pack, r, cell.text(r["unit"], r["decimals"], s))
        for (_, r), cell, s in zip(rows.iterrows(), by_step[1], seconds)
    ]
    if "domains" in pack.config.calendar.quarter_and_year_columns:
        _add_span_columns(pack, rows, table, quarters=1)
    table["Target"] = [_target_cell(r) for _, r in rows.iterrows()]
    found = baselines(pack)
    if found is not None:
        table["Baseline"] = _baseline_cells(pack, rows, found)
    for comparator in pack.comparators:
        table[pack.label(comparator)] = [_benchmark_cell(r, comparator) for _, r in rows.iterrows()]
    table["Direction"] = [direction_text(d) for d in rows["direction"]]
    table["RAG"] = [_rag_with_override(r) for _, r in rows.iterrows()]
    table["Exception"] = [_exception_cell(r, pack.headings) for _, r in rows.iterrows()]
    return table.reset_index(drop=True), svgs


def show_domain_intro(pack: Pack, domain: str) -> None:
    rows = domain_rows(pack, domain)
    totals = summarise(rows).iloc[-1]
    show_markdown(
        markdown_escape(
            f"{pack.config.authority.name}, {pack.month.label}. {int(totals['indicators'])} indicators: "
            f"{int(totals['green'])} Green, {int(totals['amber'])} Amber, {int(totals['red'])} Red, "
            f"{int(totals['no_rag'])} not rated; {int(totals['improving'])} improving, "
            f"{int(totals['worsening'])} worsening, {int(totals['same'])} the same."
        )
    )


def show_domain_table(pack: Pack, domain: str) -> None:
    """The domain's table (a sparkline in each row), then what its symbols and benchmarks mean."""
    show_markdown("## Indicators")
    rows = domain_rows(pack, domain)
    table, svgs = _domain_table(pack, domain)
    rag_classes = [RAG_CLASS.get(str(r).split(" ")[0].lower()) for r in table["RAG"]]
    numeric = [c for c in ("Previous", "Latest", "Target", "Baseline") if c in table]
    # The PDF's page is narrower than a screen: which way is good is in the definitions, the exception
    # heading on the summary page.
    show_table(table, caption=f"{domain} indicators, {pack.month.label}", row_header="Indicator",
               cell_classes={"RAG": rag_classes, "Trend": ["spark"] * len(table)}, numeric=numeric,
               html_cells={"Trend": svgs}, kind="domain", web_only=("Good is", "Exception"))  # fmt: skip
    _show_notes(pack, rows, periods_wide(pack, rows, 2), 2)
    show_markdown(
        markdown_escape(
            "Trend: the latest six periods, the last marked in its RAG colour. Latest: the figure for "
            f"{pack.month.label}, or for the period in brackets. Direction compares the latest period with the "
            "previous one of the same frequency: ✔ Improving, ✘ Worsening, ⚠ Same (the key is on the summary "
            "page)." + _like_with_like_text(pack, rows) + " " + benchmark_note(pack)
        )
    )
    note = late_note(rows)
    if note:
        show_markdown(note)


def domain_definitions(pack: Pack, domain: str) -> list[tuple[str, str]]:
    """Each indicator's definition from the catalogue, with which way is better: (name, meaning).

    An indicator the catalogue gives no definition says so.
    """
    rows = domain_rows(pack, domain)
    catalogue = pack.inputs.catalogue
    found = {}
    if catalogue is not None and "definition" in catalogue:
        found = dict(zip(catalogue["indicator"], catalogue["definition"]))
    items = []
    for _, row in rows.iterrows():
        text = found.get(row["indicator"])
        text = " ".join(str(text).split()) if isinstance(text, str) and text.strip() else "No definition given."
        extra = [label("polarity", row["polarity"])] if row["polarity"] in ("high", "low") else []
        reported = _reporting(row)
        if reported:
            extra.append(reported)
        items.append((str(row["name"]), " ".join([f"{text.rstrip('.')}.", *(f"{e}." for e in extra)])))
    return items


def _reporting(row: pd.Series) -> str:
    """How a figure is reported when that is not simply monthly: ``Termly``, ``1 month in arrears``.

    >>> _reporting(pd.Series({"frequency": "monthly", "arrears_months": 1}))
    'Reported 1 month in arrears'
    >>> _reporting(pd.Series({"frequency": "termly", "arrears_months": 0}))
    'Termly'
    """
    parts = []
    if row.get("frequency") not in (None, "monthly"):
        parts.append(label("frequency", row["frequency"]))
    arrears = row.get("arrears_months")
    if arrears is not None and not pd.isna(arrears) and int(arrears) > 0:
        parts.append(f"reported {int(arrears)} month{'s' if int(arrears) > 1 else ''} in arrears")
    text = ", ".join(parts)
    return text[:1].upper() + text[1:]


def show_domain_definitions(pack: Pack, domain: str) -> None:
    """Definitions of the domain's indicators, from the catalogue."""
    items = domain_definitions(pack, domain)
    show_markdown("## Definitions")
    show_html(terms_html(items, "definitions"), "\n".join(f"{name}: {meaning}" for name, meaning in items))


def charted_rows(pack: Pack, domain: str) -> pd.DataFrame:
    """The domain's indicators that get a full chart (``[full_charts]`` of ``charts.toml``)."""
    from .charts._theme import FULL_CHARTS

    rows = domain_rows(pack, domain)
    return rows.loc[guide.full_chart_rows(rows, FULL_CHARTS)]


def show_domain_charts(pack: Pack, domain: str, periods: int = 24) -> None:
    """Full trend charts for the indicators that need one (Red or Amber and not improving, and headline
    figures: ``[full_charts]`` of ``charts.toml``), two side by side where there is room; every other
    indicator's trend is its sparkline in the table and its six periods in the appendix."""
    from .charts import Axis, display_chart, trend_chart
    from .charts._theme import COMPACT_HEIGHT, COMPACT_WIDTH

    rows = charted_rows(pack, domain)
    if rows.empty:
        return
    show_markdown("## Trends")
    show_markdown(
        "Indicators rated Red or Amber that are not improving, and the headline figures, over up to "
        f"{periods} months; each chart's title says what it counts and which way is better."
    )
    labels = {c: pack.label(c) for c in pack.comparators}
    calendar = pack.config.calendar
    axis = Axis(calendar.report_months, calendar.financial_year_start)
    for _, row in rows.iterrows():
        history = pack.history.loc[pack.history["indicator"] == row["indicator"]]
        chart = trend_chart(
            history, row, targets=pack.inputs.targets.loc[pack.inputs.targets["indicator"] == row["indicator"]],
            annotations=pack.inputs.annotations, periods=periods, comparators=pack.comparators, labels=labels,
            width=COMPACT_WIDTH, height=COMPACT_HEIGHT,
            axis=axis,
        )  # fmt: skip
        notes = []
        if row.get("rag_reason"):
            rag, reason = _rag_with_override(row), str(row["rag_reason"])
            notes.append(f"RAG: {rag}." if reason.casefold() == rag.casefold() else f"RAG: {rag}. {reason}")
        if bool(row.get("exception_override")):
            heading = row.get("exception") or "no exception heading"
            notes.append(f"Exception: {heading}, {row['exception_reason']}.")
        display_chart(
            chart,
            alt_text=None if chart is not None else f"Not enough data to chart {row['name']}: fewer than two figures.",
            caption=str(row["name"]),
            note=" ".join(notes) or None,
        )


def show_domain_commentary(pack: Pack, domain: str) -> None:
    show_markdown("## Commentary")
    if pack.config.commentary.illustrative:
        show_markdown(f"*{markdown_escape(guide.ILLUSTRATIVE_NOTE)}*")
    text = read_commentary(pack.project, pack.month, domain)
    if text is None:
        message = f"No commentary has been written for {domain} for {pack.month.label}."
        _display({"text/markdown": f"*{markdown_escape(message)}*", "text/plain": message})
        return
    _display({"text/html": commentary_html(text), "text/markdown": commentary_markdown(text), "text/plain": text})


# -- appendix --------------------------------------------------------------------------------------
def appendix_table(pack: Pack, domain: str) -> pd.DataFrame:
    """Every indicator of a domain with its last six periods, unit, polarity, target, benchmarks, direction, RAG.

    The period columns are headed by the months most indicators report (e.g. ``Oct 22`` to ``Mar 23``);
    a figure for another period (arrears, termly, annual) carries its own period in brackets.
    """
    rows = domain_rows(pack, domain)
    wide = periods_wide(pack, rows, APPENDIX_PERIODS)
    period_columns = [f"period_{step}" for step in range(APPENDIX_PERIODS)]
    common = wide[period_columns].astype(str).agg("|".join, axis=1).mode().iloc[0].split("|")
    table = pd.DataFrame(
        {
            "Indicator": rows["name"],
            "Unit": [label("unit", u) for u in rows["unit"]],
            "Good is": [_good_is(p) for p in rows["polarity"]],
        }
    )
    by_step = _step_cells(pack, rows, wide, APPENDIX_PERIODS)
    seconds = _second(rows)
    for step, heading in enumerate(common):
        texts = []
        for cell, period, unit, decimals, second, frequency in zip(
            by_step[step], wide[f"period_{step}"], rows["unit"], rows["decimals"], seconds, rows["frequency"]
        ):
            text = cell.text(unit, decimals, second)
            texts.append(text if period == heading else f"{text} ({pack.period_text(period, frequency)})")
        table[pack.period_text(heading)] = texts
    if "appendix" in pack.config.calendar.quarter_and_year_columns:
        _add_span_columns(pack, rows, table, quarters=2)
    table["Target"] = [_target_cell(r) for _, r in rows.iterrows()]
    found = baselines(pack)
    if found is not None:
        table["Baseline"] = _baseline_cells(pack, rows, found)
    for comparator in pack.comparators:
        table[pack.label(comparator)] = [_benchmark_cell(r, comparator) for _, r in rows.iterrows()]
    table["Direction"] = [direction_text(d) for d in rows["direction"]]
    table["RAG"] = [_rag_with_override(r) for _, r in rows.iterrows()]
    return table.reset_index(drop=True)


PDF_PAGE = {"landscape": "#set page(flipped: true)", "portrait": "#set page(flipped: false)"}
"""Typst that turns the PDF's pages from here on (a raw block only the PDF reads)."""


def show_pdf_pages(orientation: str) -> None:
    """Turn the PDF's pages ``landscape`` or ``portrait`` from here on (the website is not affected)."""
    show_markdown(f"```{{=typst}}\n{PDF_PAGE[orientation]}\n```", only="pdf")


def show_appendix(pack: Pack) -> None:
    show_pdf_pages("landscape")
    show_markdown(
        markdown_escape(
            f"Every indicator in the {pack.month.label} pack with its last {APPENDIX_PERIODS} periods "
            "(oldest first; a figure for a different period, such as one reported in arrears or each term, "
            "shows its period in brackets), target, benchmarks, direction and RAG."
        )
    )
    for domain in pack.domains:
        show_markdown(f"## {markdown_escape(domain)}")
        table = appendix_table(pack, domain)
        rag_classes = [RAG_CLASS.get(str(r).split(" ")[0].lower()) for r in table["RAG"]]
        numeric = [c for c in table.columns if c not in ("Indicator", "Unit", "Good is", "Direction", "RAG")]
        show_table(table, caption=f"{domain}: last {APPENDIX_PERIODS} periods", row_header="Indicator",
                   cell_classes={"RAG": rag_classes}, numeric=numeric[: APPENDIX_PERIODS + 1], kind="appendix")  # fmt: skip
        rows = domain_rows(pack, domain)
        spans = []
        if "appendix" in pack.config.calendar.quarter_and_year_columns:
            spans = _add_span_columns(pack, rows, pd.DataFrame(index=rows.index), quarters=2)
        _show_notes(pack, rows, periods_wide(pack, rows, APPENDIX_PERIODS), APPENDIX_PERIODS, spans)


def show_glossary(pack: Pack) -> None:
    """The key, the exception headings' rules, who the comparators are, where the figures came from, and
    the terms a reader meets in the pack."""
    show_pdf_pages("portrait")
    show_markdown("## Key and glossary")
    show_markdown("### Ratings and direction of travel")
    show_key(pack)
    show_markdown("### Exception headings")
    show_markdown(
        "The summary page lists indicators under these headings, each by its rule; the first rule an indicator "
        "meets decides its heading."
    )
    rules = [(h, heading_rules_text(pack, h).removeprefix("Listed by its rule: ")) for h in pack.headings.titles]
    show_html(
        terms_html([(h, " ".join(r.split())) for h, r in rules], "terms"), "\n".join(f"{h}: {r}" for h, r in rules)
    )
    show_markdown("### Benchmarks")
    groups = guide.comparator_groups(pack.config, pack.scored, pack.comparators)
    show_html(
        terms_html([(g.label, g.sentence.removeprefix(f"{g.label}: ")) for g in groups], "terms"),
        "\n".join(g.sentence for g in groups),
    )
    show_markdown("### The data")
    show_markdown(markdown_escape(guide.extraction_note(pack.inputs.loads, pack.month)))
    show_markdown("### Terms")
    catalogue = pack.inputs.catalogue
    texts = list(pack.scored["name"])
    if catalogue is not None and "definition" in catalogue:
        texts += list(catalogue.loc[catalogue["indicator"].isin(pack.scored["indicator"]), "definition"].dropna())
    if baselines(pack) is not None:
        texts.append("baseline")
    items = guide.glossary(texts)
    show_html(terms_html(items, "terms"), "\n".join(f"{t}: {m}" for t, m in items))


# -- data quality -----------------------------------------------------------------------------------
def show_data_quality(pack: Pack) -> None:
    """The data-quality page written by the month's checks (``data-quality.md`` beside ``checks.json``)."""
    path = BuildFolder(pack.project, pack.month).data_quality_md
    if not path.is_file():
        show_markdown(
            markdown_escape(f"The data checks have not been run for {pack.month.label}.")
            + f" Run `cpb check --month {pack.month}` to produce this page."
        )
        return
    # The report escapes every piece of input text; line breaks inside table cells become "; " so the
    # same Markdown reads well on the site and in the PDF.
    show_markdown(path.read_text(encoding="utf-8").replace("<br>", "; "))
    if pack.config.publication.public:
        from .public import suppression_section

        show_markdown(suppression_section(pack))


__all__ = [
    name
    for name in dir()
    if name.startswith(("show_", "headline_", "summary_", "domain_", "appendix_", "exception_", "counts_", "key_"))
]
