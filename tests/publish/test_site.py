"""The built-in website: accessible, offline, one folder per month, replaced atomically."""

from __future__ import annotations

import itertools
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import cpblib.publish._site as site_module
from cpblib.publish import render_site

PAGES = [
    "index.html",
    "domains/profile.html",
    "domains/placements.html",
    "domains/care-leavers.html",
    "appendix.html",
    "data-quality.html",
]


def _render(fx, root: Path, month: str, **kwargs) -> Path:
    build = root / "_build" / month
    if not build.exists():
        fx.write_build(root, month, **kwargs.pop("build", {}))
    return render_site(
        build,
        root / "_site",
        month,
        config=fx.pack_config(),
        quarto_config=fx.QUARTO_YML,
        catalogue_domains=fx.CATALOGUE,
        **kwargs,
    )


@pytest.fixture(scope="module")
def published(tmp_path_factory, fx) -> Path:
    """A project folder where three months were rendered in turn; January has no care-leavers page."""
    root = tmp_path_factory.mktemp("site")
    _render(fx, root, "2023-01", build={"domains": fx.DOMAINS[:2]})
    _render(fx, root, "2023-02")
    _render(fx, root, "2023-03")
    return root


@pytest.fixture
def site(published: Path) -> Path:
    """The published site (shared: tests that change it use ``own_site``)."""
    return published / "_site"


@pytest.fixture
def own_site(published: Path, tmp_path: Path) -> Path:
    """A private copy of the project folder (builds and site) for tests that render again."""
    shutil.copytree(published, tmp_path, dirs_exist_ok=True)
    return tmp_path / "_site"


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_every_page_is_written(site: Path):
    for page in PAGES:
        assert (site / "2023-03" / page).is_file(), page
    assert (site / "assets" / "cpb.css").is_file()
    assert (site / "assets" / "print.css").is_file()


@pytest.mark.parametrize("page", PAGES)
def test_page_accessibility_basics(site: Path, page: str, fx):
    soup = _soup(site / "2023-03" / page)
    assert soup.html["lang"] == "en-GB"
    # Skip link first, pointing at main.
    first_link = soup.body.find("a")
    assert "skip-link" in first_link["class"] and first_link["href"] == "#main"
    assert soup.find(id="main").name == "main"
    # Protective marking at the top, before the navigation and the content.
    marking = soup.find(class_="marking")
    assert marking.get_text(" ", strip=True).endswith(fx.MARKING)
    body_text = soup.body.get_text(" ", strip=True)
    assert body_text.index(fx.MARKING) < body_text.index("Summary")
    # One h1; no heading skips a level.
    levels = [int(h.name[1]) for h in soup.find_all(re.compile(r"^h[1-6]$"))]
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels
    # Every header cell says what it heads.
    ths = soup.find_all("th")
    assert ths and all(th.get("scope") in {"col", "row", "colgroup", "rowgroup"} for th in ths)
    # Inputs, printed text and plain-text results never appear.
    html = (site / "2023-03" / page).read_text(encoding="utf-8")
    for marker in (fx.INPUT_MARKER, fx.STDOUT_MARKER, fx.PLAIN_MARKER):
        assert marker not in html


@pytest.mark.parametrize("page", PAGES)
def test_navigation_marks_the_current_page(site: Path, page: str):
    soup = _soup(site / "2023-03" / page)
    nav = soup.find("nav", attrs={"aria-label": "Pack pages"})
    links = nav.find_all("a")
    assert len(links) == len(PAGES)
    current = [a for a in links if a.get("aria-current") == "page"]
    assert len(current) == 1
    target = (site / "2023-03" / page).parent / current[0]["href"]
    assert target.resolve() == (site / "2023-03" / page).resolve()
    for a in links:  # every link leads to a page of this month
        assert ((site / "2023-03" / page).parent / a["href"]).resolve().is_file()


def test_nav_order_and_labels_follow_quarto(site: Path):
    soup = _soup(site / "2023-03" / "index.html")
    nav = soup.find("nav", attrs={"aria-label": "Pack pages"})
    assert [a.get_text(strip=True) for a in nav.find_all("a")] == [
        "Summary",
        "Children in care: profile",
        "Placements & stability",
        "Care leavers",
        "Appendix",
        "Data quality",
    ]


def test_month_switcher_links_the_same_page_in_other_months(site: Path):
    page = site / "2023-03" / "domains" / "placements.html"
    switcher = _soup(page).find("nav", attrs={"aria-label": "Months"})
    assert switcher.find("details") is not None  # works without script
    links = {a.get_text(strip=True): a["href"] for a in switcher.find_all("a")}
    assert links["February 2023"] == "../../2023-02/domains/placements.html"
    assert links["January 2023"] == "../../2023-01/domains/placements.html"
    assert (page.parent / links["All months"]).resolve() == (site / "index.html").resolve()
    assert switcher.find(attrs={"aria-current": "true"}).get_text(strip=True) == "March 2023"
    # A page the other month does not have: that month's summary instead.
    leavers = _soup(site / "2023-03" / "domains" / "care-leavers.html").find("nav", attrs={"aria-label": "Months"})
    links = {a.get_text(strip=True): a["href"] for a in leavers.find_all("a")}
    assert links["January 2023"] == "../../2023-01/index.html"
    assert not list(site.parent.glob("._site.render-*"))  # no scratch folder left


def test_months_available_limits_the_switcher(tmp_path: Path, fx):
    _render(fx, tmp_path, "2023-01")
    _render(fx, tmp_path, "2023-02")
    _render(fx, tmp_path, "2023-03", months_available=["2023-01", "2023-03"])
    switcher = _soup(tmp_path / "_site" / "2023-03" / "index.html").find("nav", attrs={"aria-label": "Months"})
    labels = [li.get_text(strip=True) for li in switcher.find_all("li")]
    assert labels == ["March 2023", "January 2023", "All months"]


def test_charts_are_inline_svg_with_alt_text(site: Path, fx):
    for page, key in [("index.html", "summary"), ("domains/profile.html", "profile")]:
        soup = _soup(site / "2023-03" / page)
        svgs = soup.select("figure.chart svg")
        assert len(svgs) == 1
        assert svgs[0]["role"] == "img"
        assert svgs[0]["aria-label"] == fx.chart_alt_text(key)


def test_external_links_become_text(site: Path):
    soup = _soup(site / "2023-03" / "appendix.html")
    span = soup.find(class_="external-link")
    assert span.get_text() == "DfE statistics (https://explore-education-statistics.service.gov.uk/x)"


def test_nothing_is_loaded_or_linked_from_another_site(site: Path):
    remote = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)
    files = list(site.rglob("*.html"))
    assert len(files) >= 3 * 5
    for path in files:
        soup = _soup(path)
        for tag in soup.find_all(True):
            for attr in ("src", "href", "xlink:href", "srcset", "action", "poster", "data"):
                value = tag.get(attr)
                assert not (value and remote.match(str(value))), f"{path}: <{tag.name} {attr}={value!r}>"
        assert not soup.find("script")
    for css in site.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text and "@import" not in text


def test_home_lists_months_newest_first_and_opens_the_latest(site: Path, fx):
    soup = _soup(site / "index.html")
    assert soup.html["lang"] == "en-GB"
    assert fx.MARKING in soup.get_text()
    items = [a.get_text(strip=True) for a in soup.select(".month-list a")]
    assert items == ["March 2023", "February 2023", "January 2023"]
    latest = soup.select_one(".latest a")
    assert latest["href"] == "2023-03/index.html" and latest.get_text(strip=True) == "March 2023"


def test_rerendering_an_older_month_replaces_only_that_month(own_site: Path, fx, tmp_path: Path):
    site = own_site
    before = {p: p.read_bytes() for p in (site / "2023-03").rglob("*.html")}
    (tmp_path / "_build" / "2023-01" / "appendix.ipynb").write_text(
        (tmp_path / "_build" / "2023-01" / "appendix.ipynb").read_text().replace("Definitions", "Glossary")
    )
    _render(fx, tmp_path, "2023-01")
    assert "Glossary" in (site / "2023-01" / "appendix.html").read_text(encoding="utf-8")
    assert {p: p.read_bytes() for p in (site / "2023-03").rglob("*.html")} == before
    assert next(a.get_text(strip=True) for a in _soup(site / "index.html").select(".month-list a")) == "March 2023"


def test_a_failure_mid_render_leaves_the_published_site_intact(own_site: Path, fx, tmp_path: Path, monkeypatch):
    site = own_site
    month_dir = site / "2023-03"
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    changes = [("summary", "This month in brief", "Changed summary"), ("appendix", "Definitions", "Changed")]
    for name, old, new in changes:
        notebook = tmp_path / "_build" / "2023-03" / f"{name}.ipynb"
        notebook.write_text(notebook.read_text().replace(old, new))
    real = site_module._write_page
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("simulated crash mid-render")
        return real(*args, **kwargs)

    monkeypatch.setattr(site_module, "_write_page", failing)
    with pytest.raises(RuntimeError, match="simulated crash"):
        _render(fx, tmp_path, "2023-03")
    after = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before
    assert month_dir.is_dir()
    assert not list(site.parent.glob("._site.render-*"))


def test_printed_pages_repeat_the_marking_in_their_margins(site: Path, fx):
    style = _soup(site / "2023-03" / "appendix.html").find("style", attrs={"media": "print"}).get_text()
    contents = re.findall(r'@(top|bottom)-center \{ content: "([^"]*)"', style)
    assert [where for where, _ in contents] == ["top", "bottom"]
    for _, literal in contents:
        decoded = re.sub(r"\\([0-9A-F]{6})", lambda m: chr(int(m.group(1), 16)), literal)
        assert decoded == fx.MARKING
        assert "<" not in literal


def test_the_board_pack_pdf_is_published_with_the_month(tmp_path: Path, fx):
    pdf = tmp_path / "pack.pdf"
    pdf.write_bytes(b"%PDF-1.7 test\n" * 100)
    month_dir = _render(fx, tmp_path, "2023-03", pdf=pdf)
    assert (month_dir / "board-pack-2023-03.pdf").read_bytes() == pdf.read_bytes()
    for page, href in [("index.html", "board-pack-2023-03.pdf"), ("domains/profile.html", "../board-pack-2023-03.pdf")]:
        link = _soup(month_dir / page).select_one(".pack-download a")
        assert link["href"] == href and "PDF" in link.get_text()


def test_a_chart_that_links_or_loads_anything_is_tidied_and_a_plain_one_kept_as_drawn(fx):
    from cpblib.publish._html import HtmlConverter, tidy_fragment
    from cpblib.publish._notebook import visible_notebook

    plain = '<svg width="10"><g><text>Plain</text></g></svg>'
    risky = '<svg width="10"><image href="https://example.org/x.png"/><script>alert(1)</script></svg>'

    def body(svg: str) -> str:
        output = {"output_type": "display_data", "data": {"image/svg+xml": svg}, "metadata": {"cpb": {"alt": "A"}}}
        nb = fx._notebook([fx._code([output], 1)])
        return HtmlConverter().body(visible_notebook(nb), prefix="page", tidy=lambda html: tidy_fragment(html, "T"))

    assert "<g><text>Plain</text></g>" in body(plain)
    tidied = body(risky)
    assert "<svg" in tidied and "example.org" not in tidied and "<script" not in tidied


def test_the_archive_lists_the_packs_of_the_project_cadence_by_their_key(tmp_path):
    from cpblib.config import Calendar
    from cpblib.month import Month
    from cpblib.publish import archive_months

    for name in ("2019-20-Q3", "2019-20-Q4", "2020-03", "2019-20", "notes"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "index.html").write_text("<p>pack</p>", encoding="utf-8")
    quarterly = archive_months(tmp_path, Calendar(cadence="quarterly"))
    assert [(p.key, p.label) for p in quarterly] == [("2019-20-Q3", "Q3 2019/20"), ("2019-20-Q4", "Q4 2019/20")]
    assert archive_months(tmp_path) == [Month(2020, 3)]
