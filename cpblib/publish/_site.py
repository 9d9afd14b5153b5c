"""The built-in website: one folder per month, a home page listing the months.

Layout of ``site_dir``::

    index.html              home: every rendered month, newest first, and a link to the latest
    assets/cpb.css, print.css
    2023-03/index.html      the summary
    2023-03/domains/<slug>.html
    2023-03/appendix.html, data-quality.html
    2019-20-Q4/...          a quarterly pack's folder is named by its quarter

The folders are named by each pack's key (:attr:`cpblib.month.Month.key`) and labelled
by its label (``March 2023``, ``Q4 2019/20``).

The folder is cpb's own: cpb writes a marker file (``.cpb-site``) when it
makes the folder, and refuses to write into a folder that holds files without
that marker (an existing website, say), so it never deletes or overwrites what
it did not write. A website an earlier cpb wrote (its home page, ``assets/``
and months' folders, nothing else) is taken on and marked.

Rendering a month replaces only that month's folder, the home page and the
assets. Everything is first written to a temporary folder inside ``site_dir``
(so renames stay on one file system and nothing is written outside it); only
when every page has been written is the old month folder renamed away, the new
one renamed into place and the old copy removed. An error or a kill before
that point leaves the published site exactly as it was. A kill leaves a
``.render-*`` folder behind, which the next render removes once it is an hour
old.

Pages of older months are not rewritten when a new month is added: their
month switcher lists the months published when they were rendered, and its
"All months" link leads to the home page, which is always current.
"""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import jinja2
import markupsafe

from ..config import Calendar, ProjectConfig
from ..interrupt import stop_if_asked
from ..month import Month
from ..present import escape
from ._html import SITE_DATA, HtmlConverter, tidy_fragment
from ._notebook import visible_notebook
from ._structure import Page, find_quarto_file, load_structure, resolve_pages

ASSETS = ("cpb.css", "print.css")
SITE_MARKER = ".cpb-site"
"""The file that says a folder is a website cpb wrote (and may replace the contents of)."""
SCRATCH_PREFIX = ".render-"
_MARKER_TEXT = (
    "This folder is a board pack website written by cpb. cpb replaces its contents when it renders;\n"
    "do not keep other files here.\n"
)
_MONTH_DIR = re.compile(r"^\d{4}-\d{2}$|^\d{4}(?:-\d{2})?-Q[1-4]$")
_STALE_SECONDS = 3600


@dataclass(frozen=True)
class _Link:
    href: str
    text: str
    current: bool = False


def css_string(text: str) -> markupsafe.Markup:
    """The template filter writing ``text`` as a CSS string (:func:`cpblib.present.escape.css_string`)."""
    return markupsafe.Markup(escape.css_string(text))


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(SITE_DATA / "templates")),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["css_string"] = css_string
    return env


def _rel(from_file: str, to_file: str) -> str:
    """Relative URL from one site file to another (both relative to ``site_dir``)."""
    return posixpath.relpath(to_file, posixpath.dirname(from_file) or ".")


def archive_months(site_dir: Path, calendar: Calendar = Calendar()) -> list[Month]:
    """Months (quarters, for a quarterly project) already published in ``site_dir``: folders named by their key
    (``YYYY-MM``, ``YYYY-YY-Qn``) holding an ``index.html``."""
    if not Path(site_dir).is_dir():
        return []
    months = []
    for child in Path(site_dir).iterdir():
        if child.is_dir() and _MONTH_DIR.match(child.name) and (child / "index.html").is_file():
            try:
                parsed = calendar.period_from_key(child.name)
            except ValueError:  # a folder of the other cadence, or not a pack's
                continue
            if parsed.key == child.name:
                months.append(parsed)
    return sorted(months)


def _nav(pages: list[Page], current: Page, month: Month) -> list:
    here = f"{month.key}/{current.output}"
    items: list = []
    for page in pages:
        link = _Link(_rel(here, f"{month.key}/{page.output}"), page.nav_text, page is current)
        if page.section:
            if items and isinstance(items[-1], dict) and items[-1]["section"] == page.section:
                items[-1]["pages"].append(link)
            else:
                items.append({"section": page.section, "pages": [link]})
        else:
            items.append(link)
    return items


def _month_links(page: Page, month: Month, months: list[Month], site_dir: Path) -> list[dict]:
    here = f"{month.key}/{page.output}"
    links = []
    for other in sorted(months, reverse=True):
        if other == month:
            links.append({"label": other.label, "href": "", "current": True})
            continue
        target = f"{other.key}/{page.output}"
        if not (site_dir / target).is_file():
            target = f"{other.key}/index.html"
        links.append({"label": other.label, "href": _rel(here, target), "current": False})
    return links


def link_pages(body: str, source_dir: Path, targets: dict[Path, str], here: str) -> str:
    r"""Links in a page body to another page's notebook (``domains/01-profile.ipynb``, as the
    notebooks write them for Quarto, which rewrites them the same way) made to lead to that
    page's HTML file. ``targets`` maps each page's notebook (resolved path) to its HTML file
    relative to the site; ``here`` is the page's own file relative to the site.

    >>> targets = {Path("/b/domains/01-profile.ipynb"): "2023-03/domains/profile.html"}
    >>> link_pages('<a href="domains/01-profile.ipynb#trends">Profile</a> <a href="x.ipynb">X</a>',
    ...            Path("/b"), targets, "2023-03/index.html")
    '<a href="domains/profile.html#trends">Profile</a> <a href="x.ipynb">X</a>'
    """
    if ".ipynb" not in body:
        return body

    def replace(match: re.Match) -> str:
        path, _, fragment = match.group(2).partition("#")
        target = targets.get((Path(source_dir) / path).resolve())
        if target is None:
            return match.group(0)
        href = _rel(here, target) + (f"#{fragment}" if fragment else "")
        return f"{match.group(1)}{escape.html_text(href)}{match.group(3)}"

    return re.sub(r'(<a\b[^>]*?\bhref=")([^":?]+\.ipynb(?:#[^"]*)?)(")', replace, body)


def _page_body(converter: HtmlConverter, page: Page, pages: list[Page], month: Month, build_dir: Path) -> str:
    """The page's content as published HTML: what its notebook shows, tidied, links between pages made."""
    here = f"{month.key}/{page.output}"
    nb = visible_notebook(page.notebook, medium="web")
    body = converter.body(
        nb,
        prefix=page.key,
        tidy=lambda html: tidy_fragment(html, page.title, base_dir=page.source.parent, root=build_dir),
    )
    targets = {p.source.resolve(): f"{month.key}/{p.output}" for p in pages}
    return link_pages(body, page.source.parent, targets, here)


def _write_page(
    env: jinja2.Environment,
    body: str,
    page: Page,
    pages: list[Page],
    month: Month,
    switcher_months: list[Month],
    site_dir: Path,
    month_dir: Path,
    config: ProjectConfig,
    site_title: str,
    pdf: dict | None,
) -> None:
    here = f"{month.key}/{page.output}"
    index = pages.index(page)
    previous = pages[index - 1] if index > 0 else None
    following = pages[index + 1] if index + 1 < len(pages) else None
    html = env.get_template("page.html.j2").render(
        page_title=page.title,
        month_label=month.label,
        council=config.authority.name,
        site_title=site_title,
        marking=config.publication.protective_marking,
        assets=_rel(here, "assets/x")[:-1],
        home=_rel(here, "index.html"),
        months=_month_links(page, month, switcher_months, site_dir),
        nav=_nav(pages, page, month),
        section=page.section,
        body=markupsafe.Markup(body),  # tidied by tidy_fragment
        previous=_Link(_rel(here, f"{month.key}/{previous.output}"), previous.nav_text) if previous else None,
        next=_Link(_rel(here, f"{month.key}/{following.output}"), following.nav_text) if following else None,
        pdf={"href": _rel(here, f"{month.key}/{pdf['name']}"), "size": pdf["size"]} if pdf else None,
    )
    target = month_dir / page.output
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")


def _home_html(env: jinja2.Environment, months: list[Month], config: ProjectConfig, site_title: str) -> str:
    newest_first = sorted(set(months), reverse=True)
    links = [{"label": m.label, "href": f"{m.key}/index.html"} for m in newest_first]
    return env.get_template("home.html.j2").render(
        site_title=site_title,
        council=config.authority.name,
        marking=config.publication.protective_marking,
        assets="assets/",
        home="index.html",
        latest=links[0] if links else None,
        months=links,
    )


def _size_label(size: int) -> str:
    """``'245 KB'``, ``'1.2 MB'``.

    >>> _size_label(250_000), _size_label(1_234_567)
    ('244 KB', '1.2 MB')
    """
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def claim_site(site_dir: Path | str) -> Path:
    """Make sure ``site_dir`` is cpb's own website folder (see the module notes); returns it.

    A missing or empty folder is made cpb's with the marker file; a folder holding the marker is
    cpb's already, and so is a website an earlier cpb wrote (given the marker now); any other folder is refused with :class:`~cpblib.errors.ConfigError`, naming
    what is in it.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp()) / "_site"
    >>> claim_site(folder) == folder and (folder / SITE_MARKER).is_file()
    True
    >>> other = Path(tempfile.mkdtemp()); _ = (other / "index.html").write_text("<p>intranet</p>")
    >>> claim_site(other)
    Traceback (most recent call last):
    ...
    cpblib.errors.ConfigError: ... holds files cpb did not write (index.html); ...
    """
    from ..errors import ConfigError

    site_dir = Path(site_dir)
    marker = site_dir / SITE_MARKER
    if marker.is_file():
        return site_dir
    if site_dir.exists() and not site_dir.is_dir():
        raise ConfigError(f"{site_dir} is a file: [paths] site must name a folder for the website")
    if site_dir.is_dir():
        others = sorted(p.name for p in site_dir.iterdir() if not p.name.startswith(SCRATCH_PREFIX))
        if others and not _written_by_earlier_cpb(site_dir, others):
            shown = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
            raise ConfigError(
                f"the website folder {site_dir} holds files cpb did not write ({shown}); cpb would replace them. "
                f"Set [paths] site in cpb.toml to a new or empty folder (if an earlier cpb wrote this one, "
                f"delete it or create an empty file {SITE_MARKER} in it)"
            )
    site_dir.mkdir(parents=True, exist_ok=True)
    marker.write_text(_MARKER_TEXT, encoding="utf-8")
    return site_dir


def _written_by_earlier_cpb(site_dir: Path, names: list[str]) -> bool:
    """Whether a folder without the marker is a website an earlier cpb wrote: nothing in it but the home
    page (which loads cpb's style sheet), cpb's ``assets/`` and months' folders, each with its own home page.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> for name in ("assets/cpb.css", "2023-03/index.html"):
    ...     (folder / name).parent.mkdir(parents=True, exist_ok=True); _ = (folder / name).write_text("x")
    >>> _ = (folder / "index.html").write_text('<link rel="stylesheet" href="assets/cpb.css">')
    >>> _written_by_earlier_cpb(folder, ["2023-03", "assets", "index.html"])
    True
    >>> _ = (folder / "intranet.html").write_text("<p>news</p>")
    >>> _written_by_earlier_cpb(folder, ["2023-03", "assets", "index.html", "intranet.html"])
    False
    """
    home = site_dir / "index.html"
    if not home.is_file() or not (site_dir / "assets" / "cpb.css").is_file():
        return False
    for name in names:
        path = site_dir / name
        if name in ("index.html", "assets"):
            continue
        if not (_MONTH_DIR.match(name) and path.is_dir() and (path / "index.html").is_file()):
            return False
    with open(home, encoding="utf-8", errors="replace") as handle:
        return 'href="assets/cpb.css"' in handle.read(20_000)


def scratch_folder(site_dir: Path, prefix: str) -> Path:
    """A new temporary folder inside ``site_dir`` for a render to write into (stale ones removed first)."""
    _clean_stale(site_dir, SCRATCH_PREFIX)
    return Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{prefix}-", dir=site_dir))


def _clean_stale(parent: Path, prefix: str) -> None:
    """Remove temporary folders a killed render left behind (older than an hour)."""
    now = time.time()
    for child in parent.glob(prefix + "*"):
        try:
            if child.is_dir() and now - child.stat().st_mtime > _STALE_SECONDS:
                shutil.rmtree(child, ignore_errors=True)
        except OSError:
            pass


def _swap_dir(new: Path, target: Path, scratch: Path) -> None:
    """Put ``new`` where ``target`` is: rename the old copy away, rename the new in, delete the old."""
    old = None
    if target.exists():
        old = scratch / f"old-{target.name}"
        os.replace(target, old)
    os.replace(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def render_site(
    build_dir: Path | str,
    site_dir: Path | str,
    month: Month | str,
    *,
    config: ProjectConfig,
    months_available: Iterable[Month | str] | None = None,
    catalogue_domains: Iterable[str] | None = None,
    quarto_config: Path | str | None = None,
    pdf: Path | str | Callable[[], Path | str] | None = None,
    page_bodies: Callable[[list[Page]], list[str]] | None = None,
) -> Path:
    """Render one month's executed notebooks into ``site_dir/<YYYY-MM>/``; return that folder.

    ``build_dir`` holds the month's executed notebooks (``summary.ipynb``,
    ``domains/*.ipynb``, ``appendix.ipynb``, ``data-quality.ipynb``); which
    pages are published, in what order and under what titles comes from
    ``quarto_config`` (default: the project's ``_quarto.yml`` found above
    ``build_dir``, else the one shipped with cpb). ``catalogue_domains``
    (domain names in catalogue order) orders the domain pages.

    The month switcher on each page links to the same page in every other
    month that is both published in ``site_dir`` and in ``months_available``
    (default: all published months). The home page ``site_dir/index.html``
    lists every published month, newest first. ``pdf`` (the month's board pack
    from :func:`~cpblib.publish.render_pdf`) is published with the pages as
    ``board-pack-<YYYY-MM>.pdf`` and linked from each of them; it may be given
    as a function returning the file, called once the pages' contents are made
    (so that the PDF can be typeset meanwhile, in another process). ``page_bodies`` gives the pages'
    contents made by another engine (Quarto: :func:`~cpblib.publish._quarto.quarto_bodies`) in place of
    nbconvert's; the pages around them (navigation, month switcher, PDF link, home page) are the same.

    >>> import tempfile, nbformat
    >>> from cpblib.config import ProjectConfig
    >>> build = Path(tempfile.mkdtemp()) / "_build" / "2023-03"
    >>> build.mkdir(parents=True)
    >>> for name in ("summary", "appendix", "data-quality"):
    ...     cells = [nbformat.v4.new_markdown_cell(f"# {name.title()}\\n\\nText.")]
    ...     nbformat.write(nbformat.v4.new_notebook(cells=cells), str(build / f"{name}.ipynb"))
    >>> config = ProjectConfig.model_validate({"authority": {"name": "Testshire Council", "la_code": "999"}})
    >>> out = render_site(build, build.parents[1] / "_site", "2023-03", config=config)
    >>> sorted(p.name for p in out.iterdir()), (out.parent / "index.html").is_file()
    (['appendix.html', 'data-quality.html', 'index.html'], True)
    >>> import shutil; shutil.rmtree(build.parents[1])
    """
    calendar = config.calendar
    month = calendar.period_from_key(month) if isinstance(month, str) else month
    build_dir = Path(build_dir)
    site_dir = Path(site_dir)
    structure = load_structure(quarto_config or find_quarto_file(build_dir))
    pages = resolve_pages(structure, build_dir, catalogue_domains=catalogue_domains)

    published = set(archive_months(site_dir, calendar)) | {month}
    if months_available is not None:
        wanted = {calendar.period_from_key(m) if isinstance(m, str) else m for m in months_available}
        switcher = sorted((published & wanted) | {month})
    else:
        switcher = sorted(published)

    claim_site(site_dir)
    scratch = scratch_folder(site_dir, month.key)
    try:
        env = _environment()
        month_dir = scratch / month.key
        month_dir.mkdir()
        if page_bodies is not None:
            bodies = page_bodies(pages)
        else:
            converter = HtmlConverter()
            bodies = [_page_body(converter, page, pages, month, build_dir) for page in pages]
        pdf_info = None
        if pdf is not None:
            name = f"board-pack-{month.key}.pdf"
            shutil.copyfile(pdf() if callable(pdf) else pdf, month_dir / name)
            pdf_info = {"name": name, "size": _size_label((month_dir / name).stat().st_size)}
        for page, body in zip(pages, bodies):
            _write_page(env, body, page, pages, month, switcher, site_dir, month_dir, config, structure.title, pdf_info)
        assets = scratch / "assets"
        assets.mkdir()
        for name in ASSETS:
            shutil.copyfile(SITE_DATA / "assets" / name, assets / name)
        (scratch / "index.html").write_text(
            _home_html(env, sorted(published), config, structure.title), encoding="utf-8"
        )

        # Every file is written: publish (unless a stop was asked for). Only renames from here on.
        stop_if_asked()
        _swap_dir(month_dir, site_dir / month.key, scratch)
        _swap_dir(assets, site_dir / "assets", scratch)
        os.replace(scratch / "index.html", site_dir / "index.html")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return site_dir / month.key
