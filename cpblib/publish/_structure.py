"""The pages of a pack: read from ``_quarto.yml``, found in a month's build folder.

Both engines publish the pages that the sidebar of ``_quarto.yml`` lists, in
its order, under its titles. Sidebar entries point into :data:`PACK_DIR`
(``pack/``), where ``cpb render`` stages the month's build for Quarto; the
built-in renderer reads the same files straight from ``_build/<YYYY-MM>/``.

A glob entry (``pack/domains/*.ipynb``) stands for the domain pages. Quarto
orders a glob by file name, so staging names the copies ``01-<slug>.ipynb``,
``02-...`` in the order :func:`resolve_pages` decides: catalogue order when the
catalogue's domain names are given, then a numeric ``order`` in the
notebook's front matter, then file name.

>>> entries = parse_sidebar({"website": {"sidebar": {"contents": [
...     {"text": "Summary", "href": "pack/summary.ipynb"},
...     {"section": "Domains", "contents": "pack/domains/*.ipynb"}]}}})
>>> [(e.text, e.path, e.glob, e.section) for e in entries]
[('Summary', 'summary.ipynb', False, None), (None, 'domains/*.ipynb', True, 'Domains')]
>>> slugify("Children in care: profile & placements")
'children-in-care-profile-placements'
>>> page_slug("domains/03-care-leavers.ipynb")
'domains/care-leavers'
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ..errors import ConfigError, CpbError
from ..limits import MAX_SETTINGS_BYTES
from ..naming import slugify

PACK_DIR = "pack"
"""Folder (relative to the project root) that the sidebar of ``_quarto.yml`` points into."""

QUARTO_FILE = "_quarto.yml"

DEFAULT_SITE_TITLE = "Corporate Parenting Board pack"

_ORDER_PREFIX = re.compile(r"^\d+[-_ ]+")
_GLOB_CHARS = re.compile(r"[*?\[]")


class RenderError(CpbError):
    """The pack cannot be rendered as asked (a missing page, a bad notebook)."""


_COLOUR = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def printed_lines(printed: str) -> list[str]:
    """The non-blank lines a command printed, stripped, without colour codes."""
    return [line.strip() for line in _COLOUR.sub("", printed).splitlines() if line.strip()]


def failure_reason(printed: str) -> str:
    """What Quarto printed when it failed, on one line: its last three lines, without colour codes.

    >>> failure_reason("[typst]: Compiling...\\n\\x1b[31mERROR\\x1b[39m: compile failed\\n  at line 3\\n\\n")
    '[typst]: Compiling... / ERROR: compile failed / at line 3'
    """
    return " / ".join(printed_lines(printed)[-3:])[-600:] or "no message"


@dataclass(frozen=True)
class SidebarEntry:
    """One entry of the ``_quarto.yml`` sidebar that names pack pages.

    ``path`` is relative to the pack folder (``summary.ipynb``,
    ``domains/*.ipynb``); ``glob`` says whether it is a pattern.
    """

    text: str | None
    path: str
    glob: bool
    section: str | None = None


@dataclass(frozen=True)
class SiteStructure:
    """What ``_quarto.yml`` says about the pack: site title and sidebar entries."""

    title: str
    entries: tuple[SidebarEntry, ...]
    source: str = QUARTO_FILE


@dataclass(frozen=True)
class Page:
    """A page of the pack for one month.

    ``key`` names the page the same way in every month (``summary``,
    ``domains/placements``); ``output`` is the HTML file of the built-in site,
    relative to the month folder; ``nav_text`` is the sidebar label and
    ``title`` the page's own heading.
    """

    key: str
    title: str
    nav_text: str
    source: Path
    output: str
    section: str | None = None
    order: int = 0
    domain: str | None = None
    from_glob: bool = False
    notebook: Any = field(default=None, compare=False, repr=False)


# -- reading _quarto.yml ---------------------------------------------------------------------------
def _entry_path(href: str, source: str) -> str | None:
    """``pack/summary.ipynb`` -> ``summary.ipynb``; ``None`` for pages outside the pack (the home page)."""
    text = str(href).strip().removeprefix("./").removeprefix("/")
    clean = posixpath.normpath(text) if text else ""
    if not clean.startswith(PACK_DIR + "/"):
        return None
    rest = clean[len(PACK_DIR) + 1 :]
    if not rest.endswith(".ipynb"):
        raise ConfigError(f"{source}: sidebar entry {href!r}: pack pages must be notebooks (.ipynb)")
    return rest


def _walk_contents(contents: Any, section: str | None, source: str) -> list[SidebarEntry]:
    if contents is None:
        return []
    if isinstance(contents, str):
        contents = [{"auto": contents}] if _GLOB_CHARS.search(contents) else [contents]
    if not isinstance(contents, list):
        raise ConfigError(f"{source}: website.sidebar.contents must be a list of pages")
    entries: list[SidebarEntry] = []
    for item in contents:
        if isinstance(item, str):
            path = _entry_path(item, source)
            if path is not None:
                entries.append(SidebarEntry(None, path, bool(_GLOB_CHARS.search(path)), section))
        elif isinstance(item, Mapping):
            if "section" in item and "contents" in item:
                entries.extend(_walk_contents(item["contents"], str(item["section"]), source))
            elif "auto" in item:
                path = _entry_path(str(item["auto"]), source)
                if path is not None:
                    entries.append(SidebarEntry(None, path, True, section))
            elif "href" in item:
                path = _entry_path(str(item["href"]), source)
                if path is not None:
                    text = item.get("text")
                    entries.append(SidebarEntry(None if text is None else str(text), path, False, section))
            elif "contents" in item:
                entries.extend(_walk_contents(item["contents"], section, source))
        else:
            raise ConfigError(f"{source}: sidebar entry {item!r} is neither a page nor a section")
    return entries


def parse_sidebar(config: Mapping[str, Any], source: str = QUARTO_FILE) -> list[SidebarEntry]:
    """The pack pages a parsed ``_quarto.yml`` lists in ``website.sidebar.contents``, in order."""
    website = config.get("website") or {}
    sidebar = website.get("sidebar")
    if isinstance(sidebar, list):  # several sidebars: the first one is the pack's
        sidebar = sidebar[0] if sidebar else None
    if not isinstance(sidebar, Mapping):
        raise ConfigError(f"{source}: website.sidebar is missing; it lists the pages of the pack")
    entries = _walk_contents(sidebar.get("contents"), None, source)
    if not entries:
        raise ConfigError(f"{source}: website.sidebar.contents names no page under {PACK_DIR}/")
    return entries


@cache
def _load_structure_cached(path: str, mtime_ns: int) -> SiteStructure:
    try:
        config = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(config, Mapping):
        raise ConfigError(f"{path}: expected a mapping of Quarto settings")
    title = (config.get("website") or {}).get("title") or DEFAULT_SITE_TITLE
    return SiteStructure(str(title), tuple(parse_sidebar(config, path)), path)


def load_structure(quarto_yml: Path | str) -> SiteStructure:
    """Read the site title and the pack's pages from a ``_quarto.yml``."""
    path = Path(quarto_yml)
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise ConfigError(f"{path}: not found") from None
    if stat.st_size > MAX_SETTINGS_BYTES:
        raise ConfigError(f"{path}: {stat.st_size:,} bytes is too large for a settings file")
    return _load_structure_cached(str(path.resolve()), stat.st_mtime_ns)


def default_quarto_file() -> Path:
    """The ``_quarto.yml`` that ships with cpb (new projects get a copy)."""
    return Path(__file__).resolve().parent.parent / "_data" / "site" / "quarto" / QUARTO_FILE


def find_quarto_file(build_dir: Path) -> Path:
    """The project's ``_quarto.yml`` above ``build_dir``, else the one shipped with cpb."""
    for folder in Path(build_dir).resolve().parents:
        candidate = folder / QUARTO_FILE
        if candidate.is_file():
            if not candidate.resolve().is_relative_to(folder.resolve()):
                raise RenderError(
                    f"{candidate} is a link to {candidate.resolve()}, outside the project; cpb refuses it"
                )
            return candidate
        if (folder / "cpb.toml").is_file():
            break
    return default_quarto_file()


# -- names -------------------------------------------------------------------------------------------
def page_slug(relative: str) -> str:
    """Stable page key from a notebook path: the folder kept, an ``NN-`` order prefix dropped."""
    folder, name = posixpath.split(relative)
    stem = _ORDER_PREFIX.sub("", name.removesuffix(".ipynb")) or name.removesuffix(".ipynb")
    return posixpath.join(folder, stem) if folder else stem


def output_name(key: str, first: bool) -> str:
    """HTML file of a page inside the month folder: the first page is ``index.html``."""
    return "index.html" if first else f"{key}.html"


def _humanise(key: str) -> str:
    words = posixpath.basename(key).replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


# -- notebooks ------------------------------------------------------------------------------------
_FRONT_MATTER = re.compile(r"^\s*---\s*\n(.*?)\n---\s*$", re.DOTALL)
_H1 = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)


def read_notebook(path: Path):
    """Read an executed notebook, reporting an unreadable one by file name.

    A version 4 notebook is read without the schema validation (cpb wrote and
    validated it when it was executed); an older one is converted.
    """
    try:
        import nbformat  # only when a page is read

        nb = nbformat.v4.reads(Path(path).read_text(encoding="utf-8"))
        if isinstance(nb, dict) and nb.get("nbformat") == 4 and isinstance(nb.get("cells"), list):
            return nb
        return nbformat.read(str(path), as_version=4)
    except FileNotFoundError:
        raise RenderError(f"{path}: page not found in the month's build") from None
    except Exception as exc:  # nbformat raises several types for damaged files  # noqa: BLE001 (reported, never raised past this boundary)
        raise RenderError(f"{path}: not a readable notebook: {exc}") from None


def front_matter(nb) -> dict[str, Any]:
    """YAML front matter from a leading raw cell (Quarto's convention), else ``{}``."""
    for cell in nb.cells:
        if cell.cell_type == "raw":
            match = _FRONT_MATTER.match(cell.source or "")
            if match:
                try:
                    data = yaml.safe_load(match.group(1))
                except yaml.YAMLError:
                    return {}
                return data if isinstance(data, dict) else {}
            return {}
        if cell.cell_type == "markdown" and not (cell.source or "").strip():
            continue
        return {}
    return {}


def notebook_title(nb) -> str | None:
    """Front-matter title, else notebook metadata title, else the first level-1 heading."""
    title = front_matter(nb).get("title") or nb.metadata.get("title")
    if title:
        return str(title).strip()
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = _H1.search(cell.source or "")
            if match:
                return match.group(1).strip()
    return None


def page_title(nb, text: str | None, key: str) -> str:
    """A page's title: its notebook's (:func:`notebook_title`), else the sidebar's ``text`` for it, else
    made from its ``key``."""
    return notebook_title(nb) or text or _humanise(key)


def sidebar_text(structure: SiteStructure, relative: str) -> str | None:
    """The text of the sidebar entry that names the notebook ``relative`` itself (pages a pattern finds have none)."""
    return next((entry.text for entry in structure.entries if not entry.glob and entry.path == relative), None)


def notebook_domain(nb) -> str | None:
    """The catalogue domain a notebook reports on, if it says so."""
    domain = front_matter(nb).get("domain") or (nb.metadata.get("cpb") or {}).get("domain")
    return str(domain) if domain else None


# -- resolving pages ---------------------------------------------------------------------------------
def _glob_sort_key(relative: str, nb, catalogue_slugs: dict[str, int], catalogue_names: dict[str, int]) -> tuple:
    domain = notebook_domain(nb)
    slug = posixpath.basename(page_slug(relative))
    position = None
    if domain is not None:
        position = catalogue_names.get(domain.casefold(), catalogue_slugs.get(slugify(domain)))
    if position is None:
        position = catalogue_slugs.get(slug)
    order = front_matter(nb).get("order")
    order = order if isinstance(order, int | float) and not isinstance(order, bool) else None
    big = float("inf")
    return (big if position is None else position, big if order is None else order, relative)


def resolve_pages(
    structure: SiteStructure,
    build_dir: Path,
    *,
    catalogue_domains: Iterable[str] | None = None,
) -> list[Page]:
    """The month's pages, in sidebar order, with titles, read from ``build_dir``.

    A page the sidebar names that is missing from the build is an error; a glob
    that matches nothing contributes no page.
    """
    build_dir = Path(build_dir)
    if not build_dir.is_dir():
        raise RenderError(f"{build_dir}: the month's build folder does not exist (run the notebooks first)")
    names = list(catalogue_domains or [])
    catalogue_slugs = {slugify(name): i for i, name in enumerate(names)}
    catalogue_names = {name.casefold(): i for i, name in enumerate(names)}
    pages: list[Page] = []
    seen: set[str] = set()
    for entry in structure.entries:
        if entry.glob:
            found = sorted(p.relative_to(build_dir).as_posix() for p in build_dir.glob(entry.path) if p.is_file())
            books = {rel: read_notebook(build_dir / rel) for rel in found}
            ordered = sorted(found, key=lambda rel: _glob_sort_key(rel, books[rel], catalogue_slugs, catalogue_names))
            matches = [(rel, books[rel], None) for rel in ordered]
        else:
            source = build_dir / entry.path
            if not source.is_file():
                raise RenderError(f"{source}: page {entry.path!r} named in {structure.source} is not in the build")
            matches = [(entry.path, read_notebook(source), entry.text)]
        for rel, nb, text in matches:
            key = page_slug(rel)
            if key in seen:
                raise RenderError(f"{structure.source}: page {rel!r} is listed twice")
            seen.add(key)
            title = page_title(nb, text, key)
            pages.append(
                Page(
                    key=key,
                    title=title,
                    nav_text=text or title,
                    source=build_dir / rel,
                    output=output_name(key, not pages),
                    section=entry.section,
                    order=len(pages),
                    domain=notebook_domain(nb),
                    from_glob=entry.glob,
                    notebook=nb,
                )
            )
    if not pages:
        raise RenderError(f"{build_dir}: none of the pages {structure.source} lists is in the build")
    return pages
