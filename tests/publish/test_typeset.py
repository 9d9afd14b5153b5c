"""The PDF's second process: stopped with its pandoc processes and its temporary folder when a render is
abandoned (a failure elsewhere, Ctrl-C, a stop signal)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import nbformat
import pytest

from cpblib.config import ProjectConfig
from cpblib.publish._typeset import PdfProcess

CONFIG = ProjectConfig.model_validate({"authority": {"name": "Testshire Council", "la_code": "999"}})
PROC = Path("/proc")


def _group(pgid: int) -> list[str]:
    """Names of the processes in process group ``pgid`` (Linux)."""
    names = []
    for stat in PROC.glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, rest = text[text.index("(") + 1 : text.rindex(")")], text[text.rindex(")") + 2 :].split()
        if rest[0] != "Z" and int(rest[2]) == pgid:
            names.append(name)
    return names


def _wait(condition, seconds: float = 60.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.01)
    return False


@pytest.mark.skipif(not PROC.is_dir(), reason="reads the process table from /proc")
def test_closing_a_busy_pdf_process_stops_its_group_and_removes_its_temporary_folder(tmp_path):
    build = tmp_path / "_build" / "2023-03"
    build.mkdir(parents=True)
    text = "\n\n".join(f"Paragraph {n} with some words to typeset, *emphasis* and `code`." for n in range(3000))
    for name in ("summary", "appendix", "data-quality"):
        cells = [nbformat.v4.new_markdown_cell(f"# {name.title()}\n\n{text}")]
        nbformat.write(nbformat.v4.new_notebook(cells=cells), str(build / f"{name}.ipynb"))
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    side = PdfProcess()
    pid = side._process.pid
    side.typeset(build, tmp_path / "pack.pdf", "2023-03", config=CONFIG, scratch=scratch)
    assert _wait(lambda: any(scratch.iterdir())), "the PDF process never started its work"
    _wait(lambda: "pandoc" in _group(pid), seconds=20)  # best effort: stop it while pandoc runs
    side.close()
    assert _wait(lambda: not _group(pid), seconds=5), _group(pid)
    assert list(scratch.iterdir()) == []
    assert not (tmp_path / "pack.pdf").exists()


def test_the_pdf_process_makes_the_pages_it_is_told_of_ready_and_typesets_at_the_pages_priority(tmp_path):
    from cpblib.sideprocess import PAGE_WORK_NICENESS

    build = tmp_path / "_build" / "2023-03"
    build.mkdir(parents=True)
    pages = [f"{name}.ipynb" for name in ("summary", "appendix", "data-quality")]
    for page in pages:
        cells = [nbformat.v4.new_markdown_cell(f"# {page.title()}\n\nText of {page}.")]
        nbformat.write(nbformat.v4.new_notebook(cells=cells), str(build / page))
    scratch = tmp_path / "scratch"
    with PdfProcess() as side:
        for page in [*pages, "not-a-page.ipynb"]:  # a page that cannot be made ready is left to the typesetting
            side.prepare(build, page, pages, scratch)
        side.typeset(build, tmp_path / "pack.pdf", "2023-03", config=CONFIG, scratch=scratch)
        assert side.wait().read_bytes()[:5] == b"%PDF-"
        niceness = os.getpriority(os.PRIO_PROCESS, side._process.pid)
    assert niceness == min(os.nice(0) + PAGE_WORK_NICENESS, 19)
    assert list(scratch.iterdir()) == []  # the pages' folder went with the PDF


def test_the_pdf_process_leaves_the_terminal_process_group():
    """Ctrl-C reaches cpb alone; cpb then stops the PDF's process as above."""
    side = PdfProcess()
    try:
        assert os.getpgid(side._process.pid) == side._process.pid != os.getpgid(0)
    finally:
        side.close()


@pytest.mark.skipif(not PROC.is_dir(), reason="reads the process table from /proc")
def test_closing_the_process_while_quarto_makes_the_pdf_stops_quarto_and_its_children(tmp_path, monkeypatch):
    """With the quarto engine Quarto's processes are in the PDF process's group: they stop with it."""
    build = tmp_path / "_build" / "2023-03"
    build.mkdir(parents=True)
    for name in ("summary", "appendix", "data-quality"):
        cells = [nbformat.v4.new_markdown_cell(f"# {name.title()}\n\nText.")]
        nbformat.write(nbformat.v4.new_notebook(cells=cells), str(build / f"{name}.ipynb"))
    fake = tmp_path / "bin" / "quarto"  # a Quarto that starts a child and works for a long time
    fake.parent.mkdir()
    fake.write_text(f'#!/bin/sh\ntouch "{tmp_path}/quarto-started"\nsleep 120 &\nwait\n', encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    side = PdfProcess()
    pid = side._process.pid
    side.typeset(build, tmp_path / "pack.pdf", "2023-03", config=CONFIG, scratch=scratch, engine="quarto")
    assert _wait(lambda: (tmp_path / "quarto-started").exists()), "Quarto was never started"
    assert _wait(lambda: "sleep" in _group(pid), seconds=10), _group(pid)
    side.close()
    assert _wait(lambda: not _group(pid), seconds=5), _group(pid)
    assert list(scratch.iterdir()) == []
    assert not (tmp_path / "pack.pdf").exists()


def test_a_file_named_like_a_library_in_the_working_folder_is_not_imported_in_the_second_process(tmp_path, monkeypatch):
    from cpblib.sideprocess import SideProcess

    work, modules = tmp_path / "work", tmp_path / "modules"
    work.mkdir(), modules.mkdir()
    (work / "timeit.py").write_text("raise SystemExit('the wrong timeit')\n", encoding="utf-8")
    (modules / "probe.py").write_text(
        "from cpblib.sideprocess import serve\nimport timeit\nserve(lambda: timeit.__file__)\n", encoding="utf-8"
    )
    monkeypatch.chdir(work)
    monkeypatch.setenv("PYTHONPATH", str(modules))
    with SideProcess("probe") as side:
        side.send(())
        found = side.result()
    assert not found.startswith(str(work))
