"""Fixtures for the real-browser and PDF checks of the rendered demo pack.

The demo is rendered once per session with each engine: the built-in one
(``rendered_demo`` in ``tests/conftest.py``) and Quarto (:func:`rendered_quarto_demo`,
which publishes the same executed notebooks with ``cpb render --engine quarto``).
Every test that reads the pack (through ``demo``) runs against both.
Browser tests drive the Debian ``chromium`` with ``chromedriver`` through
Selenium, headless, with the website served from a threaded ``http.server``
on ``127.0.0.1`` so that every request can be seen; host names other than
the loopback address do not resolve inside the browser. Each test module opens
one browser.

Tools: ``chromium`` and ``chromedriver`` (Debian packages chromium and
chromium-driver), the ``selenium`` Python package (test extra),
``tests/site/node_modules/axe-core`` (``npm ci --prefix tests/site``),
poppler's ``pdftotext``/``pdfinfo``/``pdfimages`` (poppler-utils), ``qpdf`` and
``quarto`` (``../shared/tools/quarto/install.sh``, as ``.ci/run`` does).
A test whose tool is missing is skipped with the reason, or fails when the
environment variable ``CPB_REQUIRE_SITE_TOOLS=1`` is set (as CI does).
"""

from __future__ import annotations

import csv
import functools
import http.server
import json
import os
import shutil
import socketserver
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

MONTH = "2023-03"
MONTH_LABEL = "March 2023"
HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(os.environ.get("CPB_TEST_ARTIFACTS") or REPO / "test-artifacts")
WINDOW = (1280, 1024)


def unavailable(reason: str) -> None:
    """Skip the test (tool not installed), or fail it when ``CPB_REQUIRE_SITE_TOOLS=1``."""
    if os.environ.get("CPB_REQUIRE_SITE_TOOLS") == "1":
        pytest.fail(f"{reason} (CPB_REQUIRE_SITE_TOOLS=1)", pytrace=False)
    pytest.skip(reason)


def require_tools(*names: str) -> dict[str, str]:
    """Paths of the named executables; skips (or fails) when one is missing."""
    found = {name: shutil.which(name) for name in names}
    missing = [name for name, path in found.items() if not path]
    if missing:
        unavailable(f"not installed: {', '.join(missing)}")
    return found  # type: ignore[return-value]


# -- the demo pack ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Demo:
    """The rendered demo project and what its pack should contain for :data:`MONTH`."""

    root: Path
    council: str
    marking: str
    indicators: list[dict] = field(repr=False)  # active rows of data/indicators.csv, file order
    engine: str = "builtin"  # which engine published it
    month: str = MONTH
    month_label: str = MONTH_LABEL

    @property
    def site(self) -> Path:
        return self.root / "_site"

    @property
    def pdf(self) -> Path:
        return self.site / MONTH / f"board-pack-{MONTH}.pdf"

    @property
    def domains(self) -> list[str]:
        return list(dict.fromkeys(row["domain"] for row in self.indicators))

    def indicators_in_pack_order(self) -> list[dict]:
        """Domain by domain (domains in order of first appearance), rows in file order."""
        return [row for domain in self.domains for row in self.indicators if row["domain"] == domain]


def _active(row: dict, month: str) -> bool:
    first, last = (row.get("first_month") or "").strip(), (row.get("last_month") or "").strip()
    return (not first or first <= month) and (not last or last >= month)


@pytest.fixture(scope="session")
def rendered_quarto_demo(rendered_demo: Path, tmp_path_factory) -> Path:
    """The demo published by Quarto: a copy of the built-in engine's project (its store, not its website)
    rendered with ``cpb render --engine quarto``; returns the project root. Fails, never skips, in CI
    (``CPB_REQUIRE_SITE_TOOLS=1``) when Quarto is not on PATH."""
    import sys

    require_tools("quarto")
    root = tmp_path_factory.mktemp("rendered-quarto") / "demo"
    shutil.copytree(rendered_demo, root, ignore=shutil.ignore_patterns("_site", "pack", ".quarto", "*.lock"))
    shutil.copy2(REPO / "_quarto-cpb.yml", root / "_quarto-cpb.yml")
    command = [sys.executable, "-m", "cpblib", "render", "--month", MONTH, "--engine", "quarto", "--project", str(root)]
    completed = subprocess.run(command, capture_output=True, text=True, cwd=root, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return root


@pytest.fixture(scope="session", params=["builtin", "quarto"])
def engine(request) -> str:
    """The engine whose pack the test reads."""
    return request.param


@pytest.fixture(scope="session")
def demo(engine: str, request) -> Demo:
    import tomllib

    rendered_demo = request.getfixturevalue("rendered_demo" if engine == "builtin" else "rendered_quarto_demo")
    config = tomllib.loads((rendered_demo / "cpb.toml").read_text(encoding="utf-8"))
    with open(rendered_demo / "data" / "indicators.csv", newline="", encoding="utf-8-sig") as handle:
        rows = [row for row in csv.DictReader(handle) if _active(row, MONTH)]
    return Demo(
        root=rendered_demo,
        council=config["authority"]["name"],
        marking=config["publication"]["protective_marking"],
        indicators=rows,
        engine=engine,
    )


@dataclass(frozen=True)
class SitePage:
    path: str  # relative to _site, with '/'
    title: str  # the page's h1 (pack pages) or the site title (home)
    nav_text: str = ""  # its link text in the sidebar
    notebook: object | None = field(default=None, repr=False)  # the executed notebook behind the page

    @property
    def chart_alts(self) -> list[str]:
        """Text alternatives of the notebook's charts (SVG or PNG outputs), in order."""
        return [chart_alt(output) for output in chart_outputs(self.notebook)]


@pytest.fixture(scope="session")
def site_pages(demo: Demo) -> list[SitePage]:
    """Home page, then the month's pages in pack order, each with its notebook."""
    from cpblib.publish import find_quarto_file, load_structure, resolve_pages

    build = demo.root / "_build" / MONTH
    structure = load_structure(find_quarto_file(build))
    pages = resolve_pages(structure, build, catalogue_domains=demo.domains)
    return [SitePage("index.html", structure.title)] + [
        SitePage(f"{MONTH}/{page.output}", page.title, page.nav_text, page.notebook) for page in pages
    ]


def chart_outputs(notebook) -> list[dict]:
    """Outputs of a notebook that are charts (SVG or PNG images), in order."""
    charts = []
    for cell in getattr(notebook, "cells", []):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = output.get("data") or {}
            if "image/svg+xml" in data or "image/png" in data:
                charts.append(output)
    return charts


def chart_alt(output: dict) -> str:
    """The chart's text alternative as the notebook stores it, whitespace normalised."""
    return " ".join(str(((output.get("metadata") or {}).get("cpb") or {}).get("alt", "")).split())


# -- serving the site ----------------------------------------------------------------------------------
class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass

    def log_request(self, code="-", size="-"):
        self.server.requests.append((self.command, self.path, int(getattr(code, "value", code))))


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    requests: list


@dataclass
class SiteServer:
    origin: str
    requests: list  # (method, path, status) as the server saw them


@pytest.fixture(scope="session")
def site_server(demo: Demo):
    """The demo's ``_site`` over ``http://127.0.0.1:<free port>``."""
    handler = functools.partial(_Handler, directory=str(demo.site))
    server = _Server(("127.0.0.1", 0), handler)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield SiteServer(f"http://127.0.0.1:{server.server_address[1]}", server.requests)
    finally:
        server.shutdown()
        server.server_close()


# -- the browser -------------------------------------------------------------------------------------
def _chromium() -> tuple[str, str]:
    try:
        import selenium  # noqa: F401
    except ImportError:
        unavailable("the selenium package is not installed (pip install -e '.[test]')")
    browser = next((shutil.which(n) for n in ("chromium", "chromium-browser") if shutil.which(n)), None)
    driver = shutil.which("chromedriver")
    if not browser or not driver:
        unavailable("chromium and chromedriver are not installed (Debian: apt-get install chromium chromium-driver)")
    return browser, driver


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """One headless Chromium for the test module, with browser and network logs enabled."""
    browser_path, driver_path = _chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = browser_path
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-extensions",
        "--disable-dev-shm-usage",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
        "--force-device-scale-factor=1",
        "--hide-scrollbars",
        "--lang=en-GB",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    service = Service(executable_path=driver_path, log_output=subprocess.DEVNULL)
    driver = webdriver.Chrome(options=options, service=service)  # a driver path given: no Selenium Manager
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(120)
    driver.get("about:blank")
    try:
        yield driver
    finally:
        driver.quit()


@dataclass
class Visit:
    url: str
    requested: list[str]  # every URL the page asked for (the page itself first)
    failed: list[str]  # "<url>: <error or HTTP status>"
    console: list[dict]  # browser log entries


_BROWSER_OWN = ("chrome:", "chrome-untrusted:", "devtools:", "chrome-extension:")
"""Documents of the browser itself (its start page), whose requests are not the site's."""


def _network(entries: list[dict]) -> tuple[list[str], list[str]]:
    requested, failed, urls = [], [], {}
    for entry in entries:
        message = json.loads(entry["message"])["message"]
        method, params = message.get("method"), message.get("params", {})
        if method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            if str(params.get("documentURL", "")).startswith(_BROWSER_OWN):
                continue
            urls[params["requestId"]] = url
            requested.append(url)
        elif method == "Network.responseReceived" and params.get("requestId") in urls:
            status = int(params["response"]["status"])
            if status >= 400:
                failed.append(f"{params['response']['url']}: HTTP {status}")
        elif method == "Network.loadingFailed" and params.get("requestId") in urls:
            failed.append(f"{urls.get(params['requestId'], params['requestId'])}: {params.get('errorText')}")
    return requested, failed


@pytest.fixture(scope="module")
def visit(browser, site_server):
    """``visit("2023-03/index.html")`` loads a page of the site and reports its requests and console."""

    def _visit(path: str) -> Visit:
        browser.get_log("browser")  # drop what earlier pages left
        browser.get_log("performance")
        url = f"{site_server.origin}/{path}"
        browser.get(url)
        browser.execute_script("return document.readyState")
        requested, failed = _network(browser.get_log("performance"))
        return Visit(url, requested, failed, browser.get_log("browser"))

    return _visit


@pytest.fixture(scope="session")
def artifacts_dir(demo: Demo) -> Path:
    """Where screenshots go: ``<repo>/test-artifacts`` (git-ignored) or ``$CPB_TEST_ARTIFACTS``; the Quarto
    engine's in its ``quarto/`` folder."""
    folder = ARTIFACTS if demo.engine == "builtin" else ARTIFACTS / demo.engine
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script, installed from npm by ``npm ci --prefix tests/site``."""
    if not AXE_JS.is_file():
        unavailable(f"axe-core is not installed: run 'npm ci --prefix tests/site' ({AXE_JS} is missing)")
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def poppler() -> dict[str, str]:
    """Paths of pdftotext, pdfinfo, pdfimages and pdftoppm (Debian package poppler-utils)."""
    return require_tools("pdftotext", "pdfinfo", "pdfimages", "pdftoppm")


@pytest.fixture(scope="session")
def qpdf() -> str:
    """Path of qpdf (Debian package qpdf), used to read the PDF's structure and content streams."""
    return require_tools("qpdf")["qpdf"]
