"""``[publication] public = true``: no page section, chart, text alternative or ``cpb score`` output shows a
small count (1 to 4 with the demo's threshold of 5), and the store keeps every figure."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from cpblib.cli._score import rich_table, to_csv, to_json
from cpblib.inputs.store import Store
from cpblib.month import Month
from cpblib.present import pages
from cpblib.present.charts import VEGALITE_MIME
from cpblib.present.format import Suppressed
from cpblib.present.pack import score_pack
from cpblib.project import Project

MONTH = Month(2023, 3)
MONTHS = r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d\d"


def _make_public(root, threshold: int = 5, symbol: str = "c") -> None:
    settings = root / "cpb.toml"
    text = settings.read_text(encoding="utf-8").replace("public = false", "public = true")
    text = re.sub(r"suppression_threshold = \d+", f"suppression_threshold = {threshold}", text)
    settings.write_text(text.replace('suppression_symbol = "c"', f'suppression_symbol = "{symbol}"'), encoding="utf-8")


@pytest.fixture(scope="module")
def demo_packs(tmp_path_factory):
    """The demo's March 2023 scored twice on one store: as a private pack, then as a public one."""
    import shutil

    from tests.conftest import ROOT

    root = tmp_path_factory.mktemp("public") / "demo"
    root.mkdir()
    shutil.copy2(ROOT / "cpb.toml", root / "cpb.toml")
    shutil.copytree(ROOT / "data", root / "data", ignore=shutil.ignore_patterns("*.duckdb", "*.duckdb.wal"))
    private = score_pack(Project.open(root), MONTH)
    store = root / "data" / "cpb.duckdb"
    before = store.read_bytes()
    _make_public(root)
    public = score_pack(Project.open(root), MONTH)
    assert store.read_bytes() == before  # the store is never changed
    return private, public


def _capture(monkeypatch) -> list[dict]:
    """Every bundle the page functions display; charts as their spec and text alternative (no SVG drawn)."""
    import IPython.display

    from cpblib.present.charts import DEFER_SVG_ENV

    bundles: list[dict] = []
    monkeypatch.setenv(DEFER_SVG_ENV, "1")
    monkeypatch.setattr(pages, "_display", lambda bundle, *rest, **options: bundles.append(bundle))
    monkeypatch.setattr(
        IPython.display, "display", lambda bundle, raw=False, metadata=None: bundles.append({**bundle, "_m": metadata})
    )
    return bundles


@pytest.fixture
def shown(monkeypatch) -> list[dict]:
    return _capture(monkeypatch)


@pytest.fixture(scope="module")
def public_pages(demo_packs) -> list[dict]:
    """What every page section of the public pack displays."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        bundles = _capture(monkeypatch)
        _every_page(demo_packs[1])
    return bundles


def _small_counts(pack) -> pd.DataFrame:
    """(indicator, name, period, value) of every count from 1 to 4 the month's pages could show."""
    units = pack.inputs.catalogue.set_index("indicator")["unit"]
    names = pack.inputs.catalogue.set_index("indicator")["name"]
    values = pack.history
    numbers = pd.to_numeric(values["value"], errors="coerce")
    small = values.loc[values["indicator"].map(units).eq("count") & numbers.gt(0) & numbers.lt(5)]
    return small.assign(name=small["indicator"].map(names), value=numbers[small.index])


def _every_page(pack) -> None:
    pages.show_summary_headline(pack)
    pages.show_summary_exceptions(pack)
    for domain in pack.domains:
        pages.show_domain_table(pack, domain)
        pages.show_domain_charts(pack, domain)
    pages.show_appendix(pack)


def _count_rows(bundles: list[dict], names: set[str]) -> list[tuple[str, list[str]]]:
    """(indicator name, figure cells) of every table row of a count indicator."""
    rows = []
    for bundle in bundles:
        if "<table" not in str(bundle.get("text/html", "")):
            continue
        table = BeautifulSoup(bundle["text/html"], "html.parser").find("table")
        headings = [th.get_text() for th in table.find("thead").find_all("th")]
        for tr in table.find("tbody").find_all("tr"):
            name = tr.find("th").get_text()
            cells = dict(zip(headings[1:], (td.get_text() for td in tr.find_all("td"))))
            if name in names:
                rows.append((name, [v for k, v in cells.items() if k in ("Value", "Two before", "Previous", "Latest")
                                    or re.fullmatch(MONTHS, k)]))  # fmt: skip
    return rows


def test_private_pages_show_the_small_counts(demo_packs, shown):
    private, _ = demo_packs
    small = _small_counts(private)
    assert len(small) >= 20
    _every_page(private)
    cells = [cell.split(" (")[0] for _, row in _count_rows(shown, set(small["name"])) for cell in row]
    assert {"1", "2", "3", "4"} <= set(cells)


def test_public_tables_show_the_symbol_instead_of_small_counts_with_a_note(demo_packs, public_pages):
    shown = public_pages
    names = set(_small_counts(demo_packs[0])["name"])
    rows = _count_rows(shown, names)
    assert rows
    for name, cells in rows:
        for cell in cells:
            assert cell.split(" (")[0] not in ("1", "2", "3", "4"), (name, cells)
    suppressed = 0
    for bundle in shown:
        html = str(bundle.get("text/html", ""))
        if "<table" not in html:
            continue
        cells = [td.get_text().split(" (")[0] for td in BeautifulSoup(html, "html.parser").find_all(["td", "th"])]
        has_symbol, has_note = "c" in cells, 'class="table-note"' in html
        assert has_symbol == has_note, html[:300]
        if has_note:
            suppressed += 1
            assert "c: not shown because it is a small number \\(1 to 4\\)" in bundle["text/markdown"]
    assert suppressed >= 3


def test_public_charts_neither_plot_label_nor_describe_small_counts(demo_packs, public_pages):
    shown = public_pages
    small = _small_counts(demo_packs[0])
    charts = [b for b in shown if VEGALITE_MIME in b or "image/svg+xml" in b or (b.get("_m") or {}).get("cpb")]
    by_name = {}
    for chart in charts:
        alt = chart["_m"]["cpb"]["alt"]
        by_name.setdefault(alt.split(" from ")[0].split(":")[0], []).append(chart)
    checked = 0
    for name in set(small["name"]):
        for chart in by_name.get(name, []):
            alt = chart["_m"]["cpb"]["alt"]
            assert not re.search(rf"(?<![\d.,])[1-4] in {MONTHS}", alt), alt
            assert not re.search(r"(?<![\d.,])from [1-4] in", alt), alt
            spec = chart.get(VEGALITE_MIME)
            if spec:
                plotted = [r.get("value") for rows in spec.get("datasets", {}).values() for r in rows]
                assert not [v for v in plotted if isinstance(v, float | int) and 0 < v < 5], (name, plotted)
                labels = [r.get("text", "") for rows in spec["datasets"].values() for r in rows if "value" in r]
                assert not [t for t in labels if re.search(r"(?<![\d.,])[1-4]$", str(t))], (name, labels)
            checked += 1
    assert checked >= 2  # only indicators of concern and headline figures get a full chart
    sparks = []
    for bundle in shown:
        if "<table" not in str(bundle.get("text/html", "")):
            continue
        table = BeautifulSoup(bundle["text/html"], "html.parser").find("table")
        for tr in table.find("tbody").find_all("tr"):
            if tr.find("th").get_text() not in set(small["name"]):
                continue
            for svg in tr.find_all("svg"):
                described = " ".join(t.get_text() for t in svg.find_all(["title", "desc", "text"]))
                assert not re.search(r"(?<![\d.,])[1-4](?![\d.,%])", described.split(":", 1)[-1]), described
                sparks.append(described)
    assert len(sparks) >= 5
    assert any("not shown: small numbers" in text for text in sparks)


def test_headlines_and_reasons_never_quote_a_suppressed_figure(demo_packs, public_pages):
    _, public = demo_packs
    headlines = [b["text/markdown"] for b in public_pages if b.get("text/markdown", "").startswith("## Headlines")]
    assert headlines and not re.search(rf"(?<![\d.,])[1-4] in {MONTHS}", headlines[0])
    for row in public.scored.loc[public.scored["suppressed"]].itertuples():
        assert row.rag_reason in (None, "figure suppressed (small number)") or pd.isna(row.rag_reason)
        for comparator in ("england", "good_sn"):
            assert pd.isna(getattr(row, f"{comparator}_gap"))


def test_the_data_quality_page_explains_the_symbol(demo_packs, shown, tmp_path):
    from cpblib.build import BuildFolder, write_text

    _, public = demo_packs
    write_text(BuildFolder(public.project, MONTH).data_quality_md, "## Data quality: March 2023\n")
    pages.show_data_quality(public)
    text = "\n".join(b.get("text/markdown", "") for b in shown)
    assert "Small numbers" in text and "not shown because it is a small number \\(1 to 4\\)" in text
    assert re.search(r"This month \d+ of the latest figures", text)
    assert "have no denominator in the extracts" in text


def test_cpb_score_output_suppresses_small_counts(demo_packs):
    private, public = demo_packs
    small = private.scored.loc[
        (private.scored["unit"] == "count") & private.scored["value"].between(1, 4, inclusive="both")
    ]
    assert len(small) >= 3
    records = {r["indicator"]: r for r in json.loads(to_json(public.scored))}
    for indicator in small["indicator"]:
        assert records[indicator]["value"] == "c"
    csv = pd.read_csv(pd.io.common.StringIO(to_csv(public.scored)), dtype=str).set_index("indicator")
    assert (csv.loc[small["indicator"], "value"] == "c").all()
    from rich.console import Console

    console = Console(width=200, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(rich_table(public.scored, "public"))
    text = console.export_text()
    for name in small["name"]:
        line = next(line for line in text.splitlines() if name[:25] in line)
        _, _, _, value, previous, *_ = line.split("│")
        assert value.strip() == "c" and previous.strip() not in ("1", "2", "3", "4"), line


def test_suppression_settings_are_followed(tmp_path):
    import shutil

    from tests.conftest import ROOT

    root = tmp_path / "demo"
    root.mkdir()
    shutil.copy2(ROOT / "cpb.toml", root / "cpb.toml")
    shutil.copytree(ROOT / "data", root / "data", ignore=shutil.ignore_patterns("*.duckdb", "*.duckdb.wal"))
    _make_public(root, threshold=10, symbol="[x]")
    pack = score_pack(Project.open(root), MONTH)
    hidden = pack.scored.loc[pack.scored["suppressed"]]
    assert (hidden["value"] == "[x]").all() and all(isinstance(v, Suppressed) for v in hidden["value"])
    with Store.open(root / "data" / "cpb.duckdb") as store:
        stored = store.values(as_at=MONTH)
    true = stored.set_index(["indicator", "period"])["value"]
    for row in hidden.itertuples():
        assert 0 < true[(row.indicator, row.period)] < 10 or row.unit != "count"


def test_the_data_quality_page_of_a_public_pack_quotes_no_figure_from_the_data():
    from cpblib.checks.report import data_quality, render_markdown
    from cpblib.checks.result import CheckOutcome, CheckResult
    from cpblib.present.public import without_figures

    result = CheckResult(
        month="2023-03",
        warnings=[
            CheckOutcome(
                "a value moved more than usual", "warning", file="2023-03.csv", indicator="iro-escalations",
                period="2023-03", rows=[14], count=1, examples=[{"row": 14, "period": "2023-03", "value": 3.0}],
                message="observed 3 against a median of 11",
            )
        ],
        revisions=[{"indicator": "iro-escalations", "period": "2023-02", "previous_value": 2.0, "value": 4.0,
                    "change": "2 -> 4", "file": "2023-03.csv", "row": 12}],
    )  # fmt: skip
    private = render_markdown(data_quality(result))
    assert "value=3" in private and "2 -&gt; 4" in private and "observed 3" in private
    public = render_markdown(data_quality(without_figures(result)))
    assert "value=3" not in public and "2 -&gt; 4" not in public and "observed 3" not in public
    assert "row 14 (2023-03)" in public and "| iro-escalations | 2023-02 | revised |" in public
    assert result.revisions[0]["change"] == "2 -> 4"  # the result itself is left as it was
