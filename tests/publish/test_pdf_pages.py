"""The PDF's pages made ready one at a time, as the pages are executed: the same PDF as one made all at the
end, and a page that is no longer as it was made ready is made again."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from cpblib.publish import _pdf
from cpblib.publish._pdf import PdfPages, render_pdf


@pytest.fixture
def made(monkeypatch) -> list[list[str]]:
    """The keys of the pages each making of pages was given, from now on."""
    calls: list[list[str]] = []
    original = _pdf._prepare

    def recorded(pages, *args, **kwargs):
        calls.append([page.key for page in pages])
        return original(pages, *args, **kwargs)

    monkeypatch.setattr(_pdf, "_prepare", recorded)
    return calls


def _body(build: Path, out: Path, fx, ready: PdfPages | None = None) -> str:
    """The Typst the PDF is set from."""
    render_pdf(
        build, out / "pack.pdf", "2023-03", config=fx.pack_config(), catalogue_domains=fx.CATALOGUE,
        quarto_config=fx.QUARTO_YML, keep_source=out / "typst", ready=ready,
    )  # fmt: skip
    return (out / "typst" / "body.typ").read_text(encoding="utf-8")


def _ready(build: Path, scratch: Path, expected: list[str] | None = None) -> PdfPages:
    """Every page of ``build`` made ready, as the pages' notebooks would be told of one by one."""
    pages = sorted(p.relative_to(build).as_posix() for p in build.rglob("*.ipynb"))
    ready = PdfPages(scratch)
    for page in pages:
        ready.prepare(build, page, pages if expected is None else expected)
    return ready


def _append(path: Path, text: str, *, first: bool = False) -> None:
    nb = nbformat.read(str(path), as_version=4)
    cell = nbformat.v4.new_markdown_cell(text)
    nb.cells = [cell, *nb.cells] if first else [*nb.cells, cell]
    nbformat.write(nb, str(path))


def test_pages_made_ready_ahead_give_the_same_pdf_and_are_not_made_again(tmp_path, fx, made):
    build = fx.write_build(tmp_path, "2023-03")
    _append(build / "summary.ipynb", "See [the profile](domains/profile.ipynb) for the detail.")
    expected = _body(build, tmp_path / "at-the-end", fx)
    ready = _ready(build, tmp_path / "scratch")
    made.clear()
    try:
        assert _body(build, tmp_path / "ready", fx, ready) == expected
    finally:
        ready.close()
    assert made == []
    assert "#link(<domains-profile>)" in expected  # the link between pages leads to the page's label
    assert not (tmp_path / "scratch").exists() or not any((tmp_path / "scratch").iterdir())


def test_a_page_changed_after_it_was_made_ready_is_made_again(tmp_path, fx, made):
    build = fx.write_build(tmp_path, "2023-03")
    ready = _ready(build, tmp_path / "scratch")
    _append(build / "domains" / "placements.ipynb", "A sentence written after the page was made ready.")
    made.clear()
    body = _body(build, tmp_path / "ready", fx, ready)
    ready.close()
    assert made == [["domains/placements"]]
    assert body == _body(build, tmp_path / "at-the-end", fx)
    assert "A sentence written after the page was made ready." in body


def test_a_page_made_ready_upright_after_a_page_that_turns_the_pages_is_made_again_turned(tmp_path, fx, made):
    build = fx.write_build(tmp_path, "2023-03")
    _append(build / "appendix.ipynb", "```{=typst}\n#set page(flipped: true)\n```", first=True)
    ready = _ready(build, tmp_path / "scratch")
    made.clear()
    body = _body(build, tmp_path / "ready", fx, ready)
    ready.close()
    assert made == [["data-quality"]]  # after the appendix: its table is shaped for a landscape page
    assert body == _body(build, tmp_path / "at-the-end", fx)


def test_a_page_whose_links_lead_elsewhere_once_every_page_is_known_is_made_again(tmp_path, fx, made):
    build = fx.write_build(tmp_path, "2023-03")
    _append(build / "summary.ipynb", "See [the profile](domains/profile.ipynb) for the detail.")
    ready = _ready(build, tmp_path / "scratch", expected=[])  # no other page known as it was made ready
    made.clear()
    body = _body(build, tmp_path / "ready", fx, ready)
    ready.close()
    assert made == [["summary"]]
    assert "#link(<domains-profile>)" in body


def test_pages_made_ready_in_another_folder_are_not_used(tmp_path, fx, made):
    build = fx.write_build(tmp_path, "2023-03")
    ready = _ready(build, tmp_path / "scratch")
    made.clear()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    _pdf.assemble_pack(build, elsewhere, catalogue_domains=fx.CATALOGUE, quarto_config=fx.QUARTO_YML, ready=ready)
    ready.close()
    assert len(made) == 1 and len(made[0]) == 6  # every page made again, its charts written where asked
    assert any((elsewhere / "charts").iterdir())
