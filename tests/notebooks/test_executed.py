"""The executed notebooks of the rendered demo month (``_build/2023-03/``): what each page shows."""

from __future__ import annotations

import pickle
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from cpblib.build import PACK_FILE
from cpblib.month import Month
from cpblib.present.commentary import DRAFT_END, DRAFT_START, PLACEHOLDER_HEADING, commentary_path, without_placeholder
from cpblib.present.format import period_text
from cpblib.present.pack import APPENDIX_PERIODS

MONTH = "2023-03"
CHART_WINDOW = 24  # periods show_domain_charts draws


@pytest.fixture(scope="module")
def build(rendered_demo) -> Path:
    return rendered_demo / "_build" / MONTH


@pytest.fixture(scope="module")
def pack(build):
    """The month as the notebooks read it (unpickled, never re-prepared: the rendered demo stays as it is)."""
    return pickle.loads((build / PACK_FILE).read_bytes())


@pytest.fixture(scope="module")
def notebooks(build) -> dict[str, nbformat.NotebookNode]:
    return {p.relative_to(build).as_posix(): nbformat.read(p, as_version=4) for p in sorted(build.rglob("*.ipynb"))}


def outputs(nb, call: str | None = None) -> list:
    """Display outputs of the code cells (only the cell whose source contains ``call`` when given)."""
    cells = [c for c in nb.cells if c.cell_type == "code" and (call is None or call in c.source)]
    if call is not None:
        assert len(cells) == 1, f"one cell calls {call}"
    return [o for c in cells for o in c.get("outputs", [])]


def texts(nb, call: str | None = None) -> list[str]:
    return [o.get("data", {}).get("text/plain", "") for o in outputs(nb, call) if o.output_type == "display_data"]


def figures_in_chart_window(pack, row: pd.Series) -> int:
    """How many figures the indicator has in the window its trend chart covers (at most 24 months to its period)."""
    history = pack.history.loc[(pack.history["indicator"] == row["indicator"]) & pack.history["value"].notna()]
    ordinals = history["period"].map(lambda p: Month.parse(p).ordinal)
    if isinstance(row["period"], str):
        end = Month.parse(row["period"]).ordinal
    elif len(ordinals):
        end = int(ordinals.max())
    else:
        return 0
    return int(((ordinals > end - CHART_WINDOW) & (ordinals <= end)).sum())


# -- every page ------------------------------------------------------------------------------------
def test_the_month_has_every_page(pack, notebooks):
    expected = {"summary.ipynb", "appendix.ipynb", "data-quality.ipynb", *(pack.domain_file(d) for d in pack.domains)}
    assert expected <= set(notebooks)
    assert not [name for name in notebooks if name.endswith((".failed.ipynb", ".running.ipynb"))]


def test_no_executed_notebook_has_an_error_output(notebooks):
    for name, nb in notebooks.items():
        errors = [o for o in outputs(nb) if o.output_type == "error"]
        assert not errors, f"{name}: {errors[0].ename}: {errors[0].evalue}"
        streams = [o.text for o in outputs(nb) if o.output_type == "stream" and o.name == "stderr"]
        assert not any("Traceback" in text for text in streams), name


def test_executed_notebooks_carry_their_page_front_matter(pack, notebooks):
    for domain in pack.domains:
        nb = notebooks[pack.domain_file(domain)]
        assert nb.metadata["cpb"]["page"] == "domain" and nb.metadata["cpb"]["title"] == domain
        front = nb.cells[0]
        assert front.cell_type == "raw" and front.source.startswith("---")
        assert f"order: {pack.domains.index(domain) + 1}\n" in front.source and domain in front.source


# -- domain pages: charts ---------------------------------------------------------------------------
def charted(pack, domain: str) -> pd.DataFrame:
    """The domain's indicators the full-chart rule picks (``[full_charts]`` of charts.toml)."""
    from cpblib.present.charts._theme import FULL_CHARTS
    from cpblib.present.guide import full_chart_rows

    rows = pack.scored.loc[pack.scored["domain"] == domain]
    return rows.loc[full_chart_rows(rows, FULL_CHARTS)]


def chart_outputs_of(nb) -> list:
    return [o for o in outputs(nb, "show_domain_charts") if "alt" in o.get("metadata", {}).get("cpb", {})]


def test_each_indicator_the_rule_picks_has_a_chart_or_says_there_is_not_enough_data(pack, notebooks):
    checked = {"chart": 0, "text": 0}
    for domain in pack.domains:
        rows = charted(pack, domain)
        shown = chart_outputs_of(notebooks[pack.domain_file(domain)])
        assert len(shown) == len(rows), f"{domain}: one chart output per indicator the rule picks"
        for (_, row), output in zip(rows.iterrows(), shown):
            data, alt = output["data"], output["metadata"]["cpb"]["alt"]
            if figures_in_chart_window(pack, row) >= 2:
                assert data.get("image/svg+xml", "").lstrip().startswith("<svg"), row["indicator"]
                assert alt and "Not enough data" not in alt, row["indicator"]
                assert row["name"] in output["metadata"]["cpb"]["title"]
                checked["chart"] += 1
            else:
                assert "image/svg+xml" not in data, row["indicator"]
                assert "not enough data" in data["text/plain"].lower(), row["indicator"]
                checked["text"] += 1
    # about a third of the demo's indicators: those of concern and the headline figures
    assert 15 < checked["chart"] < 0.6 * len(pack.scored), checked


def test_chart_captions_name_the_indicators_in_catalogue_order(pack, notebooks):
    for domain in pack.domains:
        captions = [o["metadata"]["cpb"]["caption"] for o in chart_outputs_of(notebooks[pack.domain_file(domain)])]
        assert captions == charted(pack, domain)["name"].tolist()


def test_every_indicator_has_a_sparkline_in_its_domain_table_named_by_its_trend(pack, notebooks):
    for domain in pack.domains:
        rows = pack.scored.loc[pack.scored["domain"] == domain]
        tables = [o["data"]["text/html"] for o in outputs(notebooks[pack.domain_file(domain)], "show_domain_table")
                  if "<table" in o.get("data", {}).get("text/html", "")]  # fmt: skip
        assert len(tables) == 1, domain
        labels = re.findall(r'<svg[^>]*class="sparkline"[^>]*aria-label="([^"]+)"', tables[0])
        assert len(labels) == len(rows), domain
        assert all(re.match(r"^(\w{3} \d\d to \w{3} \d\d: .+, (up|down|the same)|\w{3} \d\d: .+ \(one figure\))", t)
                   for t in labels), labels  # fmt: skip


def test_each_domain_page_defines_its_indicators_from_the_catalogue(pack, notebooks):
    catalogue = pack.inputs.catalogue.set_index("indicator")
    for domain in pack.domains:
        shown = outputs(notebooks[pack.domain_file(domain)], "show_domain_definitions")
        listed = next(o["data"]["text/plain"] for o in shown if "text/html" in o.get("data", {}))
        rows = pack.scored.loc[pack.scored["domain"] == domain]
        for indicator, name in zip(rows["indicator"], rows["name"]):
            definition = " ".join(str(catalogue.loc[indicator, "definition"]).split()).rstrip(".")
            assert f"{name}: {definition}." in listed, (domain, indicator)


# -- domain pages: commentary -----------------------------------------------------------------------
def test_each_domain_page_shows_its_commentary_without_the_placeholder(rendered_demo, pack, notebooks):
    for domain in pack.domains:
        path = commentary_path(pack.project, pack.month, domain)
        assert path.is_file(), f"the demo has commentary for {domain}"
        written = without_placeholder(path.read_text(encoding="utf-8-sig"))
        shown = outputs(notebooks[pack.domain_file(domain)], "show_domain_commentary")
        bundles = [o["data"] for o in shown if "text/html" in o.get("data", {})]
        assert len(bundles) == 1, domain
        assert bundles[0]["text/plain"] == written
        first_words = " ".join(written.split()[:8])
        assert first_words in " ".join(re.sub(r"<[^>]+>", " ", bundles[0]["text/html"]).split())
        for bundle in bundles:
            for text in bundle.values():
                assert DRAFT_START not in text and DRAFT_END not in text and PLACEHOLDER_HEADING not in text


def test_the_demos_commentary_says_on_every_page_that_it_is_illustrative(pack, notebooks):
    for domain in pack.domains:
        shown = texts(notebooks[pack.domain_file(domain)], "show_domain_commentary")
        assert shown[1].startswith("*Illustrative commentary: written to show how the pack reads"), domain


def test_summary_says_every_domain_has_commentary(pack, notebooks):
    shown = texts(notebooks["summary.ipynb"], "show_summary_domains")
    assert "Every domain has commentary for this month." in shown
    assert not any(t.startswith("Commentary has not been written") for t in shown)


def test_summary_links_every_domain_page(pack, notebooks):
    links = next(t for t in texts(notebooks["summary.ipynb"], "show_summary_domains") if t.startswith("- ["))
    targets = [line.split("](")[1].rstrip(")") for line in links.splitlines()]
    assert targets == [pack.domain_file(d) for d in pack.domains]


# -- appendix -------------------------------------------------------------------------------------------
class _Rows(HTMLParser):
    """Rows of HTML tables as lists of cell texts (header row included)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def cell_period(cell: str, heading: str) -> str:
    """The period a figure of the appendix is for: its own, in brackets, or else its column's."""
    found = re.search(r"\(([^()]+)\)$", cell)
    return found.group(1) if found else heading


def test_appendix_lists_every_indicator_with_six_periods(pack, notebooks):
    parser = _Rows()
    for output in outputs(notebooks["appendix.ipynb"], "show_appendix"):
        if "text/html" in output.get("data", {}):
            parser.feed(output["data"]["text/html"])
    assert len(parser.tables) == len(pack.domains)
    seen = []
    for table, domain in zip(parser.tables, pack.domains):
        header, *body = table
        first, last = header.index("Good is") + 1, header.index("Target")
        assert last - first == APPENDIX_PERIODS, (domain, header)
        rows = pack.scored.loc[pack.scored["domain"] == domain]
        assert [r[0] for r in body] == rows["name"].tolist()
        for cells, (_, row) in zip(body, rows.iterrows()):
            periods = [cell_period(c, h) for c, h in zip(cells[first:last], header[first:last])]
            assert len(set(periods)) == APPENDIX_PERIODS, (row["indicator"], periods)
            if isinstance(row["period"], str):
                assert periods[-1] == period_text(row["period"]), row["indicator"]
            seen.append(row["indicator"])
    assert sorted(seen) == sorted(pack.scored["indicator"])


def test_data_quality_page_shows_the_month_checks(notebooks, build):
    shown = "\n".join(texts(notebooks["data-quality.ipynb"], "show_data_quality"))
    assert "have not been run" not in shown
    assert (build / "data-quality.md").read_text(encoding="utf-8").replace("<br>", "; ").strip()[:200] in shown


def test_without_a_commentary_file_the_page_and_the_summary_say_so(rendered_demo, pack, tmp_path, monkeypatch):
    """The demo month over a copy of its commentary with one file removed, through the page functions."""
    import dataclasses

    from cpblib.present import pages
    from cpblib.project import Project

    root = tmp_path / "demo"
    root.mkdir()
    shutil.copy2(rendered_demo / "cpb.toml", root / "cpb.toml")
    shutil.copytree(rendered_demo / "data" / "commentary", root / "data" / "commentary")
    copy = dataclasses.replace(pack, project=Project.open(root))
    commentary_path(copy.project, copy.month, "Safety").unlink()
    shown: list[dict] = []
    monkeypatch.setattr(pages, "_display", lambda bundle, *rest: shown.append(bundle))

    pages.show_domain_commentary(copy, "Safety")
    message = "No commentary has been written for Safety for March 2023."
    assert [b["text/plain"] for b in shown][::2] == ["## Commentary", message]  # after the illustrative note
    shown.clear()
    pages.show_domain_commentary(copy, "Placement")
    assert "text/html" in shown[2] and shown[2]["text/plain"].strip()
    shown.clear()
    pages.show_summary_domains(copy)
    assert "Commentary has not been written yet for: Safety." in [b["text/plain"] for b in shown]
