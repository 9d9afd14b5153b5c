"""The demo website in a real browser (headless Chromium): pages load only from the local
server with no failed request and no console error, the charts and sparklines are drawn, every
link leads to a file of the site, navigation works by clicking, the layout reflows at 320 CSS
pixels, every table fits the page with every column in view at 1366 and 1920 pixels, a phone
reaches every RAG without scrolling sideways, and screenshots of the summary and a domain page are
kept in ``test-artifacts/``."""

from __future__ import annotations

import base64
import re
import struct
import zlib
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from cpblib.naming import slugify

CONSOLE_PROBLEMS = ("SEVERE", "WARNING")


def _report(problems: dict[str, list[str]]) -> str:
    return "\n".join(f"{page}:\n  " + "\n  ".join(items) for page, items in problems.items() if items)


def test_the_site_holds_the_home_page_and_every_page_of_the_month(demo, site_pages):
    published = sorted(p.relative_to(demo.site).as_posix() for p in demo.site.rglob("*.html"))
    assert published == sorted(page.path for page in site_pages)
    titles = [page.title for page in site_pages]
    assert titles[1] == "Summary" and titles[-2:] == ["Appendix", "Data quality"]
    assert titles[2:-2] == demo.domains  # one page per domain active this month, in catalogue order
    assert demo.pdf.is_file()


def test_every_page_loads_from_the_local_server_only_without_errors(visit, site_pages, site_server):
    problems: dict[str, list[str]] = {}
    for page in site_pages:
        seen = len(site_server.requests)
        result = visit(page.path)
        found = problems.setdefault(page.path, [])
        if not result.requested or result.requested[0] != result.url:
            found.append(f"the page itself was not requested first: {result.requested[:3]}")
        # data: URLs (the empty favicon) never reach the network
        local = (site_server.origin + "/", "data:")
        found += [f"request outside the site: {u}" for u in result.requested if not u.startswith(local)]
        found += [f"failed request: {f}" for f in result.failed]
        found += [f"console {e['level']}: {e['message']}" for e in result.console if e["level"] in CONSOLE_PROBLEMS]
        found += [
            f"server answered {status} to {method} {path}"
            for method, path, status in site_server.requests[seen:]
            if status >= 400
        ]
    assert not _report(problems), "\n" + _report(problems)


_CHARTS_JS = """
return Array.from(document.querySelectorAll('main figure.chart')).map(figure => {
  const svg = figure.querySelector('svg'), img = figure.querySelector('img');
  const el = svg || img, box = el ? el.getBoundingClientRect() : {width: 0, height: 0};
  const drawn = svg ? Array.from(svg.querySelectorAll('path, line, rect, circle, polyline, polygon'))
      .filter(m => { const b = m.getBBox(); return b.width > 0 || b.height > 0; }).length : 0;
  const texts = svg ? Array.from(svg.querySelectorAll('text')).filter(t => t.textContent.trim()).length : 0;
  return {
    kind: svg ? 'svg' : (img ? 'img' : 'none'),
    label: svg ? svg.getAttribute('aria-label') : (img ? img.getAttribute('alt') : null),
    role: svg ? svg.getAttribute('role') : null,
    width: box.width, height: box.height,
    visible: el ? el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true}) : false,
    loaded: img ? (img.complete && img.naturalWidth > 0) : true,
    drawn: drawn, texts: texts,
  };
});
"""


_SPARKLINES_JS = """
return Array.from(document.querySelectorAll('main svg.sparkline')).map(svg => {
  const box = svg.getBoundingClientRect();
  return {label: svg.getAttribute('aria-label'), role: svg.getAttribute('role'), width: box.width,
          height: box.height, marks: svg.querySelectorAll('polyline, circle').length,
          row: svg.closest('tr').querySelector('th').textContent.trim()};
});
"""


def _charted(demo) -> dict[str, set[str]]:
    """Per domain, the names of the indicators the full-chart rule picks, read from the scored month."""
    import pickle

    from cpblib.build import PACK_FILE
    from cpblib.present.charts._theme import FULL_CHARTS
    from cpblib.present.guide import full_chart_rows

    scored = pickle.loads((demo.root / "_build" / demo.month / PACK_FILE).read_bytes()).scored
    picked = scored.loc[full_chart_rows(scored, FULL_CHARTS)]
    return {domain: set(picked.loc[picked["domain"] == domain, "name"]) for domain in demo.domains}


def test_every_chart_is_drawn_visible_and_named(browser, visit, site_pages, demo):
    """Each page shows its notebook's charts, in order: inline SVG of a readable size, visible,
    with drawn marks and text, announced as one image named by the chart's alt text. A domain page
    has a full chart for each indicator the rule picks and a sparkline for every indicator."""
    problems: dict[str, list[str]] = {}
    trend_charts = notices = 0
    charts_picked = _charted(demo)
    for page in site_pages:
        visit(page.path)
        charts = browser.execute_script(_CHARTS_JS)
        found = problems.setdefault(page.path, [])
        labels = [chart["label"] for chart in charts]
        if labels != page.chart_alts:
            found.append(f"charts shown {labels} but the notebook has {page.chart_alts}")
        for number, chart in enumerate(charts, start=1):
            where = f"chart {number} ({(chart['label'] or '')[:60]})"
            if chart["kind"] == "svg" and chart["role"] != "img":
                found.append(f"{where}: svg role is {chart['role']!r}, not 'img'")
            if chart["width"] < 200 or chart["height"] < 100 or not chart["visible"] or not chart["loaded"]:
                found.append(f"{where}: not visible at a readable size: {chart}")
            if chart["kind"] == "svg" and (chart["drawn"] < 5 or chart["texts"] < 2):
                found.append(f"{where}: too little drawn ({chart['drawn']} marks, {chart['texts']} texts)")
        if page.title in demo.domains:
            text = browser.execute_script("return document.querySelector('main').innerText")
            picked = charts_picked[page.title]
            for row in (r for r in demo.indicators if r["domain"] == page.title):
                charted = sum(1 for label in labels if label.startswith(row["name"] + " from "))
                notice = f"Not enough data to chart {row['name']}: fewer than two figures." in text
                if charted + notice != (1 if row["name"] in picked else 0):
                    found.append(
                        f"{row['name']}: {charted} trend chart(s) and {'a' if notice else 'no'} not-enough-data notice"
                    )
                trend_charts += charted
                notices += notice
            sparklines = browser.execute_script(_SPARKLINES_JS)
            names = [r["name"] for r in demo.indicators if r["domain"] == page.title]
            if [s["row"] for s in sparklines] != names:
                found.append(f"sparklines for {[s['row'] for s in sparklines]}, not {names}")
            for spark in sparklines:
                if spark["role"] != "img" or not spark["label"] or spark["marks"] < 1 or spark["width"] < 40:
                    found.append(f"sparkline of {spark['row']} not drawn or not named: {spark}")
    assert not _report(problems), "\n" + _report(problems)
    # a full chart for each indicator the rule picks (those of concern and the headline figures)
    assert trend_charts + notices == sum(len(names) for names in charts_picked.values())
    assert 15 < trend_charts < 0.6 * len(demo.indicators)


_LINKS_JS = """
const out = [];
for (const el of document.querySelectorAll('[href], [src], [*|href]')) {
  for (const name of ['href', 'src', 'xlink:href']) {
    const value = el.getAttribute(name);
    if (value === null) continue;
    out.push({tag: el.tagName.toLowerCase(), rel: el.getAttribute('rel'), attr: name, value: value,
              url: new URL(value, document.baseURI).href});
  }
}
return out;
"""


def _ids(path: Path, cache: dict[Path, set[str]]) -> set[str]:
    if path not in cache:
        cache[path] = set(re.findall(r'\bid="([^"]+)"', path.read_text(encoding="utf-8")))
    return cache[path]


def test_every_link_and_resource_resolves_to_a_file_of_the_site(browser, visit, site_pages, site_server, demo):
    """Every href/src on every page (navigation, month archive, pager, PDF, skip link, in-page
    links) points inside the site at a file that exists, and a #fragment at an element that exists."""
    problems: dict[str, list[str]] = {}
    ids: dict[Path, set[str]] = {}
    base = site_server.origin + "/"
    for page in site_pages:
        visit(page.path)
        found = problems.setdefault(page.path, [])
        links = browser.execute_script(_LINKS_JS)
        if not any(link["tag"] == "a" for link in links):
            found.append("no links at all")
        for link in links:
            url, what = link["url"], f"<{link['tag']} {link['attr']}={link['value']!r}>"
            if url.startswith("data:"):
                if not (link["tag"] == "link" and link["rel"] == "icon" or link["tag"] in ("img", "image")):
                    found.append(f"{what}: data URL where a link was expected")
                continue
            if not url.startswith(base):
                found.append(f"{what}: leads outside the site ({url})")
                continue
            parts = urlsplit(url)
            relative = unquote(parts.path).lstrip("/") or "index.html"
            target = demo.site / (relative + "index.html" if relative.endswith("/") else relative)
            if not target.is_file():
                found.append(f"{what}: {target.relative_to(demo.site)} does not exist")
            elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in _ids(target, ids):
                found.append(f"{what}: no element with id {parts.fragment!r} in {target.relative_to(demo.site)}")
    assert not _report(problems), "\n" + _report(problems)

    home = (demo.site / "index.html").read_text(encoding="utf-8")
    assert f'href="{demo.month}/index.html">{demo.month_label}</a>' in home  # the month archive


def _h1(browser) -> str:
    return browser.execute_script("return document.querySelector('h1').textContent.trim()")


def _click(browser, css: str, text: str | None = None, *, leads_to: str | None = None) -> None:
    """Click the first element matching ``css`` (and showing ``text``); with ``leads_to``, wait
    until that page has loaded."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    elements = browser.find_elements(By.CSS_SELECTOR, css)
    matching = [e for e in elements if text is None or e.text.strip() == text]
    assert matching, f"nothing to click: {css} {text!r} on {browser.current_url}"
    matching[0].click()
    if leads_to is not None:
        try:
            WebDriverWait(browser, 20).until(
                lambda d: d.current_url == leads_to and d.execute_script("return document.readyState") == "complete"
            )
        except Exception:  # noqa: BLE001 (reported, never raised past this boundary)
            pytest.fail(f"clicking {css} {text!r} led to {browser.current_url}, not {leads_to}")


def test_navigation_by_clicking_reaches_every_page_and_returns_home(browser, site_server, site_pages, demo):
    origin = site_server.origin
    browser.get(f"{origin}/index.html")
    assert _h1(browser) == site_pages[0].title
    summary = f"{origin}/{demo.month}/index.html"
    _click(browser, ".latest a", demo.month_label, leads_to=summary)  # home -> latest month
    assert _h1(browser) == "Summary"

    pack_pages = site_pages[1:]
    for page in pack_pages:  # the sidebar
        _click(browser, ".pack-nav ul a", page.nav_text, leads_to=f"{origin}/{page.path}")
        assert _h1(browser) == page.title
        current = browser.execute_script(
            "return document.querySelector('.pack-nav [aria-current=\"page\"]').textContent.trim()"
        )
        assert current == page.nav_text

    browser.get(summary)
    for page in pack_pages[1:]:  # "Next" from the summary to the last page
        _click(browser, ".pager a[rel=next]", leads_to=f"{origin}/{page.path}")
        assert _h1(browser) == page.title
    assert not browser.execute_script("return document.querySelector('.pager a[rel=next]')")

    pdf = browser.execute_script("return document.querySelector('.pack-download a').href")
    assert pdf == f"{origin}/{demo.month}/board-pack-{demo.month}.pdf"

    _click(browser, ".month-switcher summary")  # month switcher -> All months -> home
    _click(browser, ".month-switcher a", "All months", leads_to=f"{origin}/index.html")


_OVERFLOW_JS = """
const width = document.documentElement.clientWidth, out = [];
for (const el of document.body.querySelectorAll('*')) {
  if (el.closest('.table-scroll') && !el.classList.contains('table-scroll')) continue;  // scrolls on its own
  if (el.closest('svg') && el.tagName.toLowerCase() !== 'svg') continue;
  const box = el.getBoundingClientRect();
  if (box.width === 0 || box.height === 0) continue;
  if (box.left < -1 || box.right > width + 1)
    out.push(`${el.tagName.toLowerCase()}.${el.className.baseVal ?? el.className}: ` +
             `${Math.round(box.left)}..${Math.round(box.right)} of ${width}`);
}
return {scroll: document.documentElement.scrollWidth, width: width, out: out.slice(0, 10)};
"""


def test_pages_reflow_at_320_css_pixels_with_the_month_list_open(browser, site_server, site_pages):
    """WCAG 1.4.10: at 320 CSS px nothing but data tables (in their own scrolling region) needs
    horizontal scrolling; the month switcher's list, when open, stays on screen."""
    problems: dict[str, list[str]] = {}
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": 320, "height": 640, "deviceScaleFactor": 1, "mobile": False}
    )
    try:
        for page in site_pages:
            browser.get(f"{site_server.origin}/{page.path}")
            browser.execute_script("const d = document.querySelector('.month-switcher details'); if (d) d.open = true;")
            result = browser.execute_script(_OVERFLOW_JS)
            found = problems.setdefault(page.path, [])
            if result["scroll"] > result["width"]:
                found.append(f"page scrolls sideways: {result['scroll']} > {result['width']}")
            found += result["out"]
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert not _report(problems), "\n" + _report(problems)


def _png_size_and_colours(data: bytes) -> tuple[int, int, int]:
    """Width, height and the number of distinct byte values of a PNG's pixel data."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    chunks, position = [], 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        if kind == b"IDAT":
            chunks.append(data[position + 8 : position + 8 + length])
        position += 12 + length
    pixels = zlib.decompress(b"".join(chunks))
    return width, height, len(set(pixels[: 4 * width * min(height, 400)]))


def test_summary_page_screenshot_is_saved(browser, site_server, demo, artifacts_dir):
    """A full-page screenshot of the summary at 1280 px wide: test-artifacts/summary.png."""
    browser.get(f"{site_server.origin}/{demo.month}/index.html")
    width, height = browser.execute_script(
        "return [document.documentElement.clientWidth, document.documentElement.scrollHeight]"
    )
    shot = browser.execute_cdp_cmd(
        "Page.captureScreenshot",
        {"format": "png", "captureBeyondViewport": True,
         "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}},
    )  # fmt: skip
    data = base64.b64decode(shot["data"])
    target = artifacts_dir / "summary.png"
    target.write_bytes(data)
    shot_width, shot_height, colours = _png_size_and_colours(data)
    assert (shot_width, shot_height) == (width, height) and width >= 1200 and height > 1024
    assert colours > 32, "the screenshot is (nearly) blank"


# -- tables that fit the page -------------------------------------------------------------------------------
_TABLES_JS = """
const out = [];
for (const table of document.querySelectorAll('main table')) {
  const region = table.closest('.table-scroll') || table.parentElement;
  const box = region.getBoundingClientRect(), own = table.getBoundingClientRect();
  const caption = (table.querySelector('caption') || {textContent: ''}).textContent.trim();
  const hidden = Array.from(table.querySelectorAll('thead th')).filter(th => {
    const b = th.getBoundingClientRect();
    return b.right > box.right + 1 || b.left < box.left - 1 || b.width < 8;
  }).map(th => th.textContent.trim());
  out.push({caption, table: Math.round(own.width), region: Math.round(box.width),
            scroll: region.scrollWidth, client: region.clientWidth, hidden,
            page: Math.round(document.documentElement.scrollWidth), window: document.documentElement.clientWidth});
}
return out;
"""


def _at_width(browser, width: int, height: int = 900, mobile: bool = False) -> None:
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
    )


@pytest.mark.parametrize("width", [1366, 1920])
def test_every_table_fits_its_page_with_every_column_in_view(browser, site_server, site_pages, width):
    """At common screen widths no table is clipped, scrolls sideways or is wider than its container."""
    problems: dict[str, list[str]] = {}
    _at_width(browser, width)
    try:
        for page in site_pages[1:]:
            browser.get(f"{site_server.origin}/{page.path}")
            found = problems.setdefault(page.path, [])
            for table in browser.execute_script(_TABLES_JS):
                if table["scroll"] > table["client"] + 1 or table["table"] > table["region"] + 1:
                    found.append(f"{table['caption']}: {table['table']} px wide in {table['region']} px")
                if table["hidden"]:
                    found.append(f"{table['caption']}: columns out of view: {table['hidden']}")
                if table["page"] > table["window"]:
                    found.append(f"the page scrolls sideways: {table['page']} > {table['window']}")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert not _report(problems), "\n" + _report(problems)


_PHONE_JS = """
const width = document.documentElement.clientWidth, out = [];
for (const row of document.querySelectorAll('main table.cpb-table tbody tr')) {
  const name = row.querySelector('th'), rag = row.querySelector('td.c-rag');
  if (!rag) continue;
  const box = rag.getBoundingClientRect(), region = row.closest('.table-scroll');
  if (box.right > width + 1 || box.left < -1 || box.width < 40 || (region && region.scrollWidth > region.clientWidth + 1))
    out.push(`${name ? name.textContent.trim() : '?'}: RAG at ${Math.round(box.left)}..${Math.round(box.right)} of ${width}`);
  const label = getComputedStyle(rag, '::before').content;
  if (!label.includes('RAG')) out.push(`${name ? name.textContent.trim() : '?'}: the RAG cell does not say it is the RAG`);
}
return {rows: document.querySelectorAll('main table.cpb-table tbody tr td.c-rag').length, out: out.slice(0, 10),
        scroll: document.documentElement.scrollWidth, width: width};
"""


def test_a_phone_reaches_every_rag_without_scrolling_sideways(browser, site_server, site_pages, demo):
    """At 390 CSS pixels each table row is a card, its name first and its RAG (labelled) beside it."""
    problems: dict[str, list[str]] = {}
    rows = 0
    _at_width(browser, 390, 844, mobile=True)
    try:
        for page in site_pages[1:]:
            browser.get(f"{site_server.origin}/{page.path}")
            result = browser.execute_script(_PHONE_JS)
            rows += result["rows"]
            found = problems.setdefault(page.path, [])
            found += result["out"]
            if result["scroll"] > result["width"]:
                found.append(f"page scrolls sideways: {result['scroll']} > {result['width']}")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert not _report(problems), "\n" + _report(problems)
    assert rows >= 2 * len(demo.indicators)  # every domain table and the appendix


def test_the_protective_marking_spans_the_page(browser, site_server, demo):
    _at_width(browser, 1366)
    try:
        browser.get(f"{site_server.origin}/{demo.month}/index.html")
        widths = browser.execute_script(
            "return [document.documentElement.clientWidth,"
            " ...Array.from(document.querySelectorAll('.marking')).map(m => m.getBoundingClientRect().width)]"
        )
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    page, *markings = widths
    assert len(markings) == 2 and all(abs(width - page) <= 1 for width in markings), widths


def _screenshot(browser, target: Path) -> tuple[int, int, int]:
    width, height = browser.execute_script(
        "return [document.documentElement.clientWidth, document.documentElement.scrollHeight]"
    )
    shot = browser.execute_cdp_cmd(
        "Page.captureScreenshot",
        {"format": "png", "captureBeyondViewport": True,
         "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}},
    )  # fmt: skip
    data = base64.b64decode(shot["data"])
    target.write_bytes(data)
    return _png_size_and_colours(data)


@pytest.mark.parametrize("width, name", [(1366, "domain.png"), (390, "domain-phone.png")])
def test_domain_page_screenshots_are_saved(browser, site_server, demo, artifacts_dir, width, name):
    """The first domain page at 1366 pixels and on a phone: test-artifacts/domain.png, domain-phone.png."""
    _at_width(browser, width, 900, mobile=width < 600)
    try:
        browser.get(f"{site_server.origin}/{demo.month}/domains/{slugify(demo.domains[0])}.html")
        shot_width, shot_height, colours = _screenshot(browser, artifacts_dir / name)
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert shot_width == width and shot_height > 900 and colours > 32
