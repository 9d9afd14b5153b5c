"""Page sections shown by the notebooks, called directly on a scored month of a small project."""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from cpblib.month import Month
from cpblib.present import pages
from cpblib.present.commentary import DRAFT_END, DRAFT_START, PLACEHOLDER_HEADING, commentary_path
from cpblib.present.pack import APPENDIX_PERIODS, Pack
from cpblib.present.pack import score_pack as build
from cpblib.project import Project

SMALL = Path(__file__).resolve().parents[1] / "notebooks" / "data" / "small-project"
MONTH = Month(2023, 3)


@pytest.fixture
def pack(small_pack, tmp_path) -> Pack:
    """The scored month over a fresh copy of the project's settings and commentary (safe to change)."""
    root = tmp_path / "small"
    root.mkdir()
    shutil.copy2(SMALL / "cpb.toml", root / "cpb.toml")
    shutil.copytree(SMALL / "data" / "commentary", root / "data" / "commentary")
    return dataclasses.replace(small_pack, project=Project.open(root))


@pytest.fixture
def shown(monkeypatch) -> list[dict]:
    """Every bundle the page functions display (charts included, with their metadata under ``_metadata``)."""
    bundles: list[dict] = []
    import IPython.display

    def display(bundle, raw=False, metadata=None):
        bundles.append({**bundle, "_metadata": metadata or {}})

    monkeypatch.setattr(IPython.display, "display", display)
    return bundles


def plain(bundles: list[dict]) -> list[str]:
    return [b.get("text/plain", "") for b in bundles]


# -- commentary ------------------------------------------------------------------------------------------
def test_domain_commentary_is_shown_as_html_markdown_and_text(pack, shown):
    pages.show_domain_commentary(pack, "Profile")
    heading, body = shown
    assert heading["text/markdown"] == "## Commentary"
    written = commentary_path(pack.project, MONTH, "Profile").read_text(encoding="utf-8")
    assert body["text/plain"] == written.strip()
    assert body["text/html"].startswith("<p>The number of children in our care fell")
    assert "fell for the third month running" in body["text/markdown"].replace("\\", "")


def test_illustrative_commentary_says_so_above_it_when_the_setting_is_on(pack, shown):
    pages.show_domain_commentary(pack, "Profile")
    assert not any("Illustrative commentary" in t for t in plain(shown))  # off by default
    config = pack.config.model_copy(
        update={"commentary": pack.config.commentary.model_copy(update={"illustrative": True})}
    )
    demo = dataclasses.replace(pack, project=dataclasses.replace(pack.project, config=config))
    shown.clear()
    pages.show_domain_commentary(demo, "Profile")
    assert plain(shown)[1].startswith("*Illustrative commentary: written to show how the pack reads")


def test_a_domain_without_commentary_says_so_plainly(pack, shown):
    commentary_path(pack.project, MONTH, "Profile").unlink()
    pages.show_domain_commentary(pack, "Profile")
    assert plain(shown) == ["## Commentary", "No commentary has been written for Profile for March 2023."]
    assert "text/html" not in shown[1]


def test_placeholder_section_is_never_shown(pack, shown):
    path = commentary_path(pack.project, MONTH, "Profile")
    words = path.read_text(encoding="utf-8")
    draft = f"{DRAFT_START}\n{PLACEHOLDER_HEADING}\n\n- DRAFT-FACT-LINE 437 in Mar 23\n{DRAFT_END}\n\n"
    path.write_text(draft + words, encoding="utf-8")
    pages.show_domain_commentary(pack, "Profile")
    for bundle in shown:
        for text in bundle.values():
            assert "DRAFT-FACT-LINE" not in text and "Draft facts" not in text and "cpb:draft" not in text
    assert shown[1]["text/plain"] == words.strip()


def test_a_file_holding_only_the_placeholder_counts_as_no_commentary(pack, shown):
    path = commentary_path(pack.project, MONTH, "Profile")
    path.write_text(f"{DRAFT_START}\n{PLACEHOLDER_HEADING}\n\n- a fact\n{DRAFT_END}\n", encoding="utf-8")
    pages.show_domain_commentary(pack, "Profile")
    assert plain(shown)[1] == "No commentary has been written for Profile for March 2023."
    assert pages.domain_overview(pack).set_index("Domain").loc["Profile", "Commentary"] == "Missing"


def test_summary_lists_the_domains_missing_commentary(pack, shown):
    commentary_path(pack.project, MONTH, "Health & Emotional Wellbeing").unlink()
    overview = pages.domain_overview(pack)
    assert overview["Commentary"].tolist() == ["Written", "Missing"]
    pages.show_summary_domains(pack)
    assert "Commentary has not been written yet for: Health & Emotional Wellbeing." in plain(shown)


def test_summary_says_when_every_domain_has_commentary(pack, shown):
    pages.show_summary_domains(pack)
    assert "Every domain has commentary for this month." in plain(shown)
    assert not any(t.startswith("Commentary has not been written") for t in plain(shown))


def test_summary_links_each_domain_page(pack, shown):
    pages.show_summary_domains(pack)
    links = next(t for t in plain(shown) if t.startswith("- ["))
    assert links.splitlines() == [
        "- [Profile](domains/01-profile.ipynb)",
        "- [Health & Emotional Wellbeing](domains/02-health-emotional-wellbeing.ipynb)",
    ]


# -- summary ----------------------------------------------------------------------------------------------
def test_summary_intro_counts_add_up(pack):
    scored = pack.scored
    text = pages.summary_intro(pack)
    assert text.startswith(f"This pack reports {len(scored)} indicators for Dorset Council in March 2023.")
    rated = scored["rag"].isin(["green", "amber", "red"]).sum()
    assert f"Of the {rated} rated against a target" in text
    for rag in ("green", "amber", "red"):
        assert f"{(scored['rag'] == rag).sum()} {'are ' if rag == 'green' else ''}{rag.title()}" in text


def test_headline_sentences_give_the_latest_figures(pack):
    sentences = pages.headline_sentences(pack)
    assert sentences[:2] == [
        "437 children in care at the end of March 2023 (444 the month before).",
        "A rate of 64.6 per 10,000 children (65.6 in Feb 23).",
    ]
    assert all(s.endswith(".") and not s[0].islower() for s in sentences)


def only(bundles: list[dict], medium: str) -> list[dict]:
    """The bundles a medium (``web`` or ``pdf``) shows: those meant for both, and its own."""
    return [b for b in bundles if b.get("_metadata", {}).get("cpb", {}).get("only") in (None, medium)]


def test_summary_exceptions_follow_the_headings_in_order(pack, shown):
    pages.show_summary_exceptions(pack)
    headings = [t for t in plain(only(shown, "web")) if t.startswith("### ")]
    assert headings == [
        "### Greens to celebrate",
        "### Ambers on watching brief",
        "### Ambers of concern",
        "### Reds on watching brief",
        "### Reds of concern",
    ]
    # the PDF: the same headings in the same order, each saying how many and by which rule, then a list
    printed = [t for t in plain(only(shown, "pdf")) if t.startswith("### ")]
    assert [t.split(" (")[0] for t in printed] == headings
    assert printed[0].startswith("### Greens to celebrate (") and "Green; improving" in printed[0]
    lists = [b for b in only(shown, "pdf") if 'class="cpb-columns"' in b.get("text/html", "")]
    tables = [b for b in only(shown, "web") if "<table" in b.get("text/html", "")]
    assert len(lists) == len(tables) > 0


def test_summary_counts_add_up_and_the_pdf_prints_them_with_the_key_on_its_first_page(pack, shown):
    table = pages.counts_table(pack).set_index("RAG")
    assert table.loc["All", "All"] == len(pack.scored)
    assert (table.drop(index="All").drop(columns="All").sum(axis=1) == table.drop(index="All")["All"]).all()
    assert table.loc["Red", "All"] == (pack.scored["rag"] == "red").sum()
    pages.show_summary_counts(pack)
    front = [b for b in shown if b.get("_metadata", {}).get("cpb", {}).get("pdf") == "front"]
    assert len(front) == 2 and "<table" in front[0]["text/html"] and 'class="key"' in front[1]["text/html"]
    assert "Green: meets its target" in front[1]["text/plain"]
    assert "✘ Worsening: worse than the previous period." in front[1]["text/plain"]


def test_an_exception_list_holds_only_its_own_rag(pack):
    for heading in pack.headings.titles:
        frame = pages.exception_frame(pack, heading)
        allowed = {r.title() for r in pack.headings.rags(heading)}
        assert {text.split(" ")[0] for text in frame["RAG"]} <= allowed, heading


# -- domain page ----------------------------------------------------------------------------------------
def test_domain_table_has_a_row_per_indicator_and_the_expected_columns(pack):
    table = pages.domain_table(pack, "Profile")
    rows = pack.scored.loc[pack.scored["domain"] == "Profile"]
    assert table["Indicator"].tolist() == rows["name"].tolist()
    assert table.columns.tolist() == [
        "Indicator", "Good is", "Trend", "Previous", "Latest", "Target",
        "England", "Good/Outstanding SN", "Direction", "RAG", "Exception",
    ]  # fmt: skip
    assert table["Trend"].iloc[0] == "Oct 22 to Mar 23: 447 to 437, down"  # the sparkline's text alternative


def test_domain_table_draws_a_sparkline_per_row_and_leaves_two_columns_to_the_website(pack, shown):
    pages.show_domain_table(pack, "Profile")
    table = next(b["text/html"] for b in shown if "<table" in b.get("text/html", ""))
    rows = (pack.scored["domain"] == "Profile").sum()
    assert table.count('<svg xmlns="http://www.w3.org/2000/svg" class="sparkline"') == rows
    assert 'aria-label="Oct 22 to Mar 23: 447 to 437, down"' in table
    assert table.count('class="web-only"') == 2  # Good is and Exception: the PDF's page is narrower


def test_domain_definitions_come_from_the_catalogue_with_which_way_is_better(pack, shown):
    items = dict(pages.domain_definitions(pack, "Profile"))
    assert len(items) == (pack.scored["domain"] == "Profile").sum()
    catalogue = pack.inputs.catalogue.set_index("name")
    name = "Children in care at end of month"
    assert items[name].startswith(catalogue.loc[name, "definition"].rstrip("."))
    assert items[name].endswith("Lower is better.")
    pages.show_domain_definitions(pack, "Profile")
    assert shown[-1]["text/html"].startswith('<div class="definitions"><dl><dt>')


def test_a_domain_without_a_definition_says_so(pack):
    catalogue = pack.inputs.catalogue.assign(definition=None)
    bare = dataclasses.replace(pack, inputs=dataclasses.replace(pack.inputs, catalogue=catalogue))
    assert {meaning.split(".")[0] for _, meaning in pages.domain_definitions(bare, "Profile")} == {
        "No definition given"
    }


def test_unknown_domain_is_a_clear_error(pack):
    with pytest.raises(KeyError, match="no indicators in domain 'Nowhere'.*Profile"):
        pages.domain_rows(pack, "Nowhere")


def test_domain_charts_show_a_chart_for_each_indicator_the_rule_picks(pack, shown):
    """Red or Amber and not improving, or a headline figure (``[full_charts]`` of charts.toml)."""
    rows = pack.scored.loc[pack.scored["domain"] == "Profile"]
    picked = rows.loc[
        (rows["rag"].isin(["red", "amber"]) & rows["direction"].isin(["worsening", "same"])) | rows["headline"].notna()
    ]
    assert 0 < len(picked) < len(rows)
    pages.show_domain_charts(pack, "Profile")
    charts = [b for b in shown if "alt" in b.get("_metadata", {}).get("cpb", {})]
    assert [b["_metadata"]["cpb"]["caption"] for b in charts] == picked["name"].tolist()
    assert all(b["image/svg+xml"].startswith("<svg") and b["_metadata"]["cpb"]["alt"] for b in charts)


def test_an_indicator_with_fewer_than_two_figures_says_not_enough_data(pack, shown):
    values = pack.inputs.values
    keep = (values["indicator"] != "cic-starts") | (values["period"] == "2023-03")
    thin = dataclasses.replace(pack, inputs=dataclasses.replace(pack.inputs, values=values.loc[keep]))
    thin = dataclasses.replace(thin, scored=thin.scored.assign(headline="x"))  # every indicator charted
    pages.show_domain_charts(thin, "Profile")
    charts = [b for b in shown if "alt" in b.get("_metadata", {}).get("cpb", {})]
    by_text = {b["_metadata"]["cpb"]["title"] or b["text/plain"]: b for b in charts}
    message = "Not enough data to chart Children who started to be in care in the month: fewer than two figures."
    assert message in by_text
    assert "image/svg+xml" not in by_text[message]
    assert sum("image/svg+xml" in b for b in charts) == len(charts) - 1


# -- appendix and data quality --------------------------------------------------------------------------
def test_appendix_table_has_six_periods_oldest_first(pack):
    table = pages.appendix_table(pack, "Profile")
    columns = table.columns.tolist()
    periods = columns[columns.index("Good is") + 1 : columns.index("Target")]
    assert len(periods) == APPENDIX_PERIODS
    first = table.iloc[0]  # children in care, monthly: Oct 22 to Mar 23
    shown = [re.search(r"\(([^()]+)\)$", str(first[c])) for c in periods]
    months = ["Oct 22", "Nov 22", "Dec 22", "Jan 23", "Feb 23", "Mar 23"]
    assert [m.group(1) if m else c for m, c in zip(shown, periods)] == months
    assert str(first[periods[-1]]).startswith("437")


def test_periods_wide_ends_at_each_indicator_period(pack):
    rows = pack.scored
    wide = pages.periods_wide(pack, rows, 3)
    assert wide["period_2"].tolist() == rows["period"].tolist()
    latest = pack.history.set_index(["indicator", "period"])["value"]
    expected = [latest.get((i, p)) for i, p in zip(rows["indicator"], rows["period"])]
    assert pd.Series(wide["value_2"].to_numpy()).equals(pd.Series(expected, dtype="float64"))


def test_data_quality_page_says_when_the_checks_have_not_run(pack, shown):
    pages.show_data_quality(pack)
    assert shown[0]["text/markdown"].endswith("Run `cpb check --month 2023-03` to produce this page.")
    assert "have not been run for March 2023" in shown[0]["text/markdown"]


# -- a council's own comparators and an analyst's heading ---------------------------------------------------
@pytest.fixture(scope="module")
def council_pack(tmp_path_factory, council_project_maker) -> Pack:
    """The small project with comparators of the council's own shown (Good/Outstanding SN hidden) and an
    analyst's heading for children in care (see ``tests/conftest.py``)."""
    root = council_project_maker(tmp_path_factory.mktemp("council") / "council")
    return build(Project.open(root), MONTH)


def test_domain_table_shows_the_councils_comparators_in_show_order(council_pack):
    table = pages.domain_table(council_pack, "Profile").set_index("Indicator")
    assert table.columns.tolist()[5:8] == ["England", "Own figure last year", "Outstanding LAs"]
    assert "Good/Outstanding SN" not in table.columns
    rate = table.loc["Children in care per 10,000 children"]
    assert (rate["Own figure last year"], rate["Outstanding LAs"]) == ("66.2 (2021-22)", "58.1 (2016-19)")


def test_appendix_follows_show_too(council_pack):
    table = pages.appendix_table(council_pack, "Health & Emotional Wellbeing").set_index("Indicator")
    assert [c for c in table.columns if c in ("England", "Own figure last year", "Outstanding LAs")] == [
        "England", "Own figure last year", "Outstanding LAs",
    ]  # fmt: skip
    assert "Good/Outstanding SN" not in table.columns
    dental = next(name for name in table.index if "dental" in name)
    assert table.loc[dental, "Outstanding LAs"] == "88.5% (2016-19)"


def test_show_hides_a_comparator_from_every_table_and_chart(council_pack, shown):
    hidden = "Good/Outstanding SN"
    pages.show_domain_table(council_pack, "Profile")
    pages.show_domain_charts(council_pack, "Profile")
    pages.show_appendix(council_pack)
    pages.show_summary_exceptions(council_pack)
    text = " ".join(str(v) for bundle in shown for k, v in bundle.items() if k != "_metadata")
    alts = " ".join(b["_metadata"]["cpb"]["alt"] for b in shown if "alt" in b.get("_metadata", {}).get("cpb", {}))
    assert hidden not in text and hidden not in alts
    assert "Outstanding LAs" in text and "Own figure last year 2021-22 66.2" in alts


def test_an_analysts_heading_shows_with_its_reason(council_pack, shown):
    frame = pages.exception_frame(council_pack, "Ambers of concern").set_index("Indicator")
    assert frame.loc["Children in care at end of month", "Note"] == "Set by the analyst: numbers rose again in April"
    watched = pages.exception_frame(council_pack, "Ambers on watching brief")
    assert "Children in care at end of month" not in watched["Indicator"].tolist()
    assert "Note" not in watched.columns  # no analyst put anything there: no column of blanks
    table = pages.domain_table(council_pack, "Profile").set_index("Indicator")
    assert table.loc["Children in care at end of month", "Exception"] == "Concern (set by the analyst)"
    assert table.loc["Children in care per 10,000 children", "Exception"] == "Watching brief"
    pages.show_summary_exceptions(council_pack)
    assert any("Set by the analyst: numbers rose again in April" in b.get("text/html", "") for b in shown)
    assert "Listed by its rule: Amber; improving or no direction." in plain(shown)
    printed = " ".join(b.get("text/plain", "") for b in only(shown, "pdf"))
    assert "Set by the analyst: numbers rose again in April" in printed  # the PDF's list says so too
    pages.show_domain_charts(council_pack, "Profile")
    notes = [b["_metadata"]["cpb"].get("note", "") for b in shown if "alt" in b.get("_metadata", {}).get("cpb", {})]
    assert any("Exception: Ambers of concern, set by the analyst: numbers rose again in April." in n for n in notes)


# -- late figures ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def late_pack(tmp_path_factory) -> Pack:
    """March 2023 with the children-in-care count's March figure blank in the extract."""
    root = tmp_path_factory.mktemp("late") / "small"
    shutil.copytree(SMALL, root)
    extract = root / "data" / "extracts" / "2023-03.csv"
    lines = extract.read_text(encoding="utf-8").splitlines()
    extract.write_text(
        "\n".join(re.sub(r"^cic-number,2023-03,[^,]*,", "cic-number,2023-03,,", line) for line in lines) + "\n",
        encoding="utf-8",
    )
    return build(Project.open(root), MONTH)


def test_a_late_figure_shows_its_period_as_latest_available_with_the_reason_under_the_table(late_pack, shown):
    table = pages.domain_table(late_pack, "Profile")
    first = table.iloc[0]
    assert (first["Previous"], first["Latest"]) == ("449", "444 (Feb 23, latest available)")
    assert first["Trend"] == "Oct 22 to Feb 23: 447 to 444, down"  # the sparkline ends at the figure shown
    pages.show_domain_table(late_pack, "Profile")
    notes = [t for t in plain(shown) if t.startswith("Late figures")]
    expected = (
        "Late figures: Children in care at end of month has no figure for Mar 23 (blank), so the latest "
        "available, Feb 23, is shown. A late figure's direction of travel is from the period before the one "
        "shown; the data-quality page lists every late figure."
    )
    assert notes == [expected]


def test_figures_on_time_leave_no_late_note(small_pack, shown):
    pages.show_domain_table(small_pack, "Profile")
    assert not [t for t in plain(shown) if t.startswith("Late figures")]


# -- a baseline ---------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def baseline_pack(tmp_path_factory) -> Pack:
    """The small project with a baseline beside two targets: children in care's in force this month, the
    rate's only in a year before (a later target row without one replaced it)."""
    root = tmp_path_factory.mktemp("baseline") / "small"
    shutil.copytree(SMALL, root)
    targets = root / "data" / "targets.csv"
    lines = targets.read_text(encoding="utf-8").splitlines()
    lines[0] = "indicator,from_month,target,range_lower,range_upper,baseline,source"
    rows = [line.rsplit(",", 1) for line in lines[1:]]
    baseline = {("cic-number", "2022-04"): "460", ("cic-rate", "2020-04"): "70"}
    lines[1:] = [f"{head},{baseline.get(tuple(head.split(',')[:2]), '')},{tail}" for head, tail in rows]
    lines.append("cic-rate,2022-04,60,,,,Board pack March 2023")
    targets.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return build(Project.open(root), MONTH)


def test_a_baseline_in_the_targets_file_shows_in_the_tables_as_the_target_does(baseline_pack, small_pack):
    table = pages.domain_table(baseline_pack, "Profile").set_index("Indicator")
    assert table.columns.tolist().index("Baseline") == table.columns.tolist().index("Target") + 1
    assert table.loc["Children in care at end of month", "Baseline"] == "460"
    assert table.loc["Children in care per 10,000 children", "Baseline"] == "–"  # not in force any more
    appendix = pages.appendix_table(baseline_pack, "Profile")
    assert "Baseline" in appendix.columns
    # no baseline in the targets file, no column
    assert "Baseline" not in pages.domain_table(small_pack, "Profile").columns
