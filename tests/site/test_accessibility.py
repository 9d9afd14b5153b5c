"""WCAG 2.1 AA checks of the demo website in headless Chromium: axe-core on every page, the
skip link as the first stop of the keyboard, and a visible focus indicator on everything the
keyboard reaches.

axe-core comes from npm (``npm ci --prefix tests/site``) and runs inside each page; it finds
about half of what WCAG asks (contrast, names, landmarks, headings, table headers, language...).
"""

from __future__ import annotations

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
  .then(r => done({violations: r.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help, url: v.helpUrl,
      nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200), summary: n.failureSummary}))
    })), rules: r.passes.length + r.violations.length + r.incomplete.length + r.inapplicable.length}))
  .catch(e => done({error: String(e)}));
"""


def _describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} element(s)) {v['url']}")
        for node in v["nodes"][:5]:
            summary = node["summary"].replace("\n", "\n        ")
            lines.append(f"      {node['target']}\n        {node['html']}\n        {summary}")
    return "\n".join(lines)


def test_axe_finds_no_wcag_21_aa_violation_on_any_page(browser, visit, site_pages, axe_source):
    reports, rules = {}, {}
    for page in site_pages:
        visit(page.path)
        browser.execute_script(axe_source)
        result = browser.execute_async_script(_AXE_RUN, WCAG_21_AA)
        assert "error" not in result, f"{page.path}: axe failed: {result.get('error')}"
        rules[page.path] = result["rules"]
        if result["violations"]:
            reports[page.path] = _describe(result["violations"])
    assert not reports, "axe-core found WCAG 2.1 A/AA violations:\n" + "\n".join(
        f"{path}:\n{text}" for path, text in reports.items()
    )
    assert all(count > 20 for count in rules.values()), rules  # axe really ran its WCAG rules


def test_axe_finds_no_violation_on_a_phone_where_tables_are_cards(browser, visit, site_pages, axe_source, demo):
    """The narrow layout (each table row a card) keeps the tables' semantics: axe at 390 CSS pixels."""
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}
    )
    try:
        reports = {}
        for page in (p for p in site_pages if p.title in (demo.domains[0], "Summary", "Appendix")):
            visit(page.path)
            browser.execute_script(axe_source)
            result = browser.execute_async_script(_AXE_RUN, WCAG_21_AA)
            assert "error" not in result, f"{page.path}: axe failed: {result.get('error')}"
            if result["violations"]:
                reports[page.path] = _describe(result["violations"])
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert not reports, "axe-core found WCAG 2.1 A/AA violations at 390 px:\n" + "\n".join(
        f"{path}:\n{text}" for path, text in reports.items()
    )


def _active(browser) -> dict:
    return browser.execute_script(
        """const e = document.activeElement, box = e.getBoundingClientRect();
        return {tag: e.tagName.toLowerCase(), id: e.id, cls: e.className, href: e.getAttribute('href'),
                text: (e.textContent || '').trim().slice(0, 60),
                inMain: !!e.closest('main'), top: box.top, bottom: box.bottom, left: box.left, width: box.width,
                height: box.height, viewport: window.innerHeight};"""
    )


def test_tab_from_the_top_reaches_the_skip_link_which_moves_focus_to_the_main_content(browser, site_server, site_pages):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    for page in site_pages:
        browser.get(f"{site_server.origin}/{page.path}")
        ActionChains(browser).send_keys(Keys.TAB).perform()
        first = _active(browser)
        assert first["tag"] == "a" and "skip-link" in first["cls"] and first["href"] == "#main", (page.path, first)
        # shown on screen while focused (it is hidden off-screen otherwise)
        assert first["top"] >= 0 and first["left"] >= 0 and first["width"] > 20 and first["height"] > 10, first
        ActionChains(browser).send_keys(Keys.ENTER).perform()
        target = _active(browser)
        assert target["tag"] == "main" and target["id"] == "main", (page.path, target)
        # the start of the main content is in the upper half of the window
        assert -5 <= target["top"] < target["viewport"] / 2, f"{page.path}: main content not in view: {target}"
        ActionChains(browser).send_keys(Keys.TAB).perform()
        after = _active(browser)
        assert after["inMain"], f"{page.path}: the next Tab after the skip link left the main content: {after}"


_FOCUS_STYLE = """
const e = document.activeElement, s = getComputedStyle(e);
if (e.dataset.tabSeen) return {repeat: true};
if (e !== document.body) e.dataset.tabSeen = '1';
return {repeat: false, tag: e.tagName.toLowerCase(), text: (e.textContent || '').trim().slice(0, 40),
        href: e.getAttribute('href'),
        outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 ? s.outlineColor : null,
        shadow: s.boxShadow !== 'none' ? s.boxShadow : null, body: e === document.body};
"""


def test_everything_the_keyboard_reaches_shows_where_focus_is(browser, site_server, demo):
    """WCAG 2.4.7: tabbing through the summary page, every stop draws a focus indicator
    (an outline of at least 2px or a box shadow), and every link of the page is reached."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    browser.get(f"{site_server.origin}/{demo.month}/index.html")
    focusable = browser.execute_script(
        "return Array.from(document.querySelectorAll('a[href], summary, [tabindex]:not([tabindex=\"-1\"])'))"
        ".filter(e => e.checkVisibility()).length"
    )
    stops, missing = [], []
    for _ in range(focusable + 5):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        state = browser.execute_script(_FOCUS_STYLE)
        if state["repeat"] or state["body"]:
            break
        stops.append(state)
        if not (state["outline"] or state["shadow"]):
            missing.append(state)
    assert not missing, f"focus not visible on: {missing}"
    assert len(stops) == focusable, f"{len(stops)} keyboard stops for {focusable} focusable elements"
