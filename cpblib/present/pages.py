"""The sections of each page of the pack, displayed from a notebook.

Each ``show_*`` function displays one section (Markdown, an accessible
table with a Markdown twin for the PDF, or charts with text alternatives)
and returns nothing. The text-building functions beside them are pure and
tested on their own.
"""

from __future__ import annotations

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
from .commentary import commentary_html, commentary_markdown, read_commentary
from .figures import benchmark_text, cells, notes, span_figures, span_periods
from .format import (
    MISSING,
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


# -- display primitives ------------------------------------------------------------------------
def _display(bundle: dict) -> None:
    from IPython.display import display

    display(bundle, raw=True)


def show_markdown(text: str) -> None:
    """Display Markdown (trusted text written by cpb; untrusted text must be escaped first)."""
    _display({"text/markdown": text, "text/plain": text})


def show_table(frame: pd.DataFrame, **options) -> None:
    _display(table_bundle(frame, **options))


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
    lookup = pack.history.set_index(["indicator", "period"])["value"]
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


# -- summary page --------------------------------------------------------------------------------
@cache
def _headline_templates() -> dict:
    return tomllib.loads(resources.files("cpblib").joinpath("_data/headline.toml").read_text(encoding="utf-8"))


def headline_sentences(pack: Pack) -> list[str]:
    """The headline facts as short sentences, in catalogue order.

    Uses the wording in ``_data/headline.toml`` for known roles.
    """
    facts = headline_facts(pack.scored)
    sentences = []
    for fact in facts.itertuples(index=False):
        template = _headline_templates().get(
            fact.role, {"sentence": "{name}: {value} in {period}", "previous": "{previous_value} in {previous_period}"}
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
    show_markdown(markdown_escape(summary_intro(pack)))
    sentences = headline_sentences(pack)
    if sentences:
        show_markdown("## Headlines\n\n" + "\n".join(f"- {markdown_escape(s)}" for s in sentences))


def show_summary_charts(pack: Pack) -> None:
    from .charts import direction_count_chart, display_chart, rag_count_chart

    show_markdown("## Ratings and direction of travel")
    summary = summarise(pack.scored)
    display_chart(rag_count_chart(summary, title="Indicators by RAG rating"))
    display_chart(direction_count_chart(summary, title="Indicators by direction of travel"))


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


def show_summary_exceptions(pack: Pack) -> None:
    """One section per exception heading, in the headings file's order (``None this month.`` when empty)."""
    show_markdown("## Exceptions")
    for heading in pack.headings.titles:
        frame = exception_frame(pack, heading)
        show_markdown(f"### {markdown_escape(heading)}")
        show_markdown(heading_rules_text(pack, heading))
        if frame.empty:
            show_markdown("None this month.")
            continue
        rag_classes = [RAG_CLASS.get(r.split(" ")[0].lower()) for r in frame["RAG"]]
        show_table(frame, caption=f"{heading}: {len(frame)} indicators", row_header="Indicator",
                   cell_classes={"RAG": rag_classes}, numeric=("Value", "Target"))  # fmt: skip


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
    show_markdown("## Domains")
    overview = domain_overview(pack)
    links = "\n".join(f"- [{markdown_escape(d)}]({pack.domain_file(d)})" for d in overview["Domain"])
    show_markdown(links)
    show_table(overview, caption="Indicators by domain", row_header="Domain",
               numeric=("Indicators", "Green", "Amber", "Red", "Improving", "Worsening"))  # fmt: skip
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


def domain_table(pack: Pack, domain: str) -> pd.DataFrame:
    """The domain's indicator table: name, good is, benchmarks with year, target, three periods, direction, RAG."""
    rows = domain_rows(pack, domain)
    wide = periods_wide(pack, rows, 3)
    table = pd.DataFrame(
        {
            "Indicator": rows["name"],
            "Good is": [
                label("polarity", p).replace(" is better", "") if p != "none" else MISSING for p in rows["polarity"]
            ],
            "Latest period": [_period_note(r, pack) for _, r in rows.iterrows()],
        }
    )
    by_step = _step_cells(pack, rows, wide, 3)
    for step, heading in ((0, "Two before"), (1, "Previous"), (2, "Latest")):
        table[heading] = [
            cell.text(u, d, s) for cell, u, d, s in zip(by_step[step], rows["unit"], rows["decimals"], _second(rows))
        ]
    if "domains" in pack.config.calendar.quarter_and_year_columns:
        _add_span_columns(pack, rows, table, quarters=1)
    table["Target"] = [_target_cell(r) for _, r in rows.iterrows()]
    for comparator in pack.comparators:
        table[pack.label(comparator)] = [_benchmark_cell(r, comparator) for _, r in rows.iterrows()]
    table["Direction"] = [direction_text(d) for d in rows["direction"]]
    table["RAG"] = [_rag_with_override(r) for _, r in rows.iterrows()]
    table["Exception"] = [_exception_cell(r, pack.headings) for _, r in rows.iterrows()]
    return table.reset_index(drop=True)


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
    show_markdown("## Indicators")
    table = domain_table(pack, domain)
    rag_classes = [RAG_CLASS.get(str(r).split(" ")[0].lower()) for r in table["RAG"]]
    numeric = ("Two before", "Previous", "Latest", "Target")
    show_table(table, caption=f"{domain} indicators, {pack.month.label}", row_header="Indicator",
               cell_classes={"RAG": rag_classes}, numeric=numeric)  # fmt: skip
    rows = domain_rows(pack, domain)
    _show_notes(pack, rows, periods_wide(pack, rows, 3), 3)
    show_markdown(
        "Direction compares the latest period with the previous one of the same frequency: "
        "✔ Improving, ✘ Worsening, ⚠ Same. Benchmarks show their year in brackets." + _like_with_like_text(pack, rows)
    )
    note = late_note(domain_rows(pack, domain))
    if note:
        show_markdown(note)


def show_domain_charts(pack: Pack, domain: str, periods: int = 24) -> None:
    from .charts import Axis, display_chart, trend_chart

    show_markdown("## Trends")
    rows = domain_rows(pack, domain)
    labels = {c: pack.label(c) for c in pack.comparators}
    calendar = pack.config.calendar
    axis = Axis(calendar.report_months, calendar.financial_year_start)
    for _, row in rows.iterrows():
        show_markdown(f"### {markdown_escape(row['name'])}")
        history = pack.history.loc[pack.history["indicator"] == row["indicator"]]
        chart = trend_chart(
            history, row, targets=pack.inputs.targets.loc[pack.inputs.targets["indicator"] == row["indicator"]],
            annotations=pack.inputs.annotations, periods=periods, comparators=pack.comparators, labels=labels,
            axis=axis,
        )  # fmt: skip
        display_chart(
            chart,
            alt_text=None if chart is not None else f"Not enough data to chart {row['name']}: fewer than two figures.",
        )
        if row.get("rag_reason"):
            rag, reason = _rag_with_override(row), str(row["rag_reason"])
            sentence = f"RAG: {rag}." if reason.casefold() == rag.casefold() else f"RAG: {rag}. {reason}"
            show_markdown(markdown_escape(sentence))
        if bool(row.get("exception_override")):
            heading = row.get("exception") or "no exception heading"
            show_markdown(markdown_escape(f"Exception: {heading}, {row['exception_reason']}."))


def show_domain_commentary(pack: Pack, domain: str) -> None:
    show_markdown("## Commentary")
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
    table = pd.DataFrame({"Indicator": rows["name"], "Unit": [label("unit", u) for u in rows["unit"]],
                          "Good is": [label("polarity", p).replace(" is better", "") if p != "none" else MISSING for p in rows["polarity"]]})  # fmt: skip
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
    for comparator in pack.comparators:
        table[pack.label(comparator)] = [_benchmark_cell(r, comparator) for _, r in rows.iterrows()]
    table["Direction"] = [direction_text(d) for d in rows["direction"]]
    table["RAG"] = [_rag_with_override(r) for _, r in rows.iterrows()]
    return table.reset_index(drop=True)


def show_appendix(pack: Pack) -> None:
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
        show_table(table, caption=f"{domain}: last {APPENDIX_PERIODS} periods", row_header="Indicator",
                   cell_classes={"RAG": rag_classes})  # fmt: skip
        rows = domain_rows(pack, domain)
        spans = []
        if "appendix" in pack.config.calendar.quarter_and_year_columns:
            spans = _add_span_columns(pack, rows, pd.DataFrame(index=rows.index), quarters=2)
        _show_notes(pack, rows, periods_wide(pack, rows, APPENDIX_PERIODS), APPENDIX_PERIODS, spans)


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
    name for name in dir() if name.startswith(("show_", "headline_", "summary_", "domain_", "appendix_", "exception_"))
]
