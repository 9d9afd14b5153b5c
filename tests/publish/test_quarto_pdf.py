"""The quarto engine's PDF: made by Quarto from its own document, laid out as the built-in PDF, text kept as text.

Rendering needs ``quarto`` on PATH (``../shared/tools/quarto/install.sh``) and poppler's ``pdftotext`` and
``pdfinfo``; without them those tests are skipped, or fail when ``CPB_REQUIRE_SITE_TOOLS=1`` (as in CI).
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from cpblib.config import ProjectConfig
from cpblib.publish import RenderError, render_pdf
from cpblib.publish._quarto_pdf import main as typst_command
from cpblib.publish._quarto_pdf import render_quarto_pdf

UNTRUSTED = 'Testshire #Council $x$ *y* <z> @w ] {{< meta title >}} `#eval("1")` \\ end'
"""A council name made of what means something to Typst, Markdown or Quarto: printed as it is."""


def _tools() -> None:
    missing = [name for name in ("quarto", "pdftotext", "pdfinfo") if not shutil.which(name)]
    if missing:
        reason = f"not installed: {', '.join(missing)}"
        if os.environ.get("CPB_REQUIRE_SITE_TOOLS") == "1":
            pytest.fail(f"{reason} (CPB_REQUIRE_SITE_TOOLS=1)", pytrace=False)
        pytest.skip(reason)


def _text(pdf: Path, *options: str) -> str:
    return subprocess.run(["pdftotext", *options, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def _config(fx, council: str) -> ProjectConfig:
    return ProjectConfig.model_validate(
        {"authority": {"name": council, "la_code": "999"}, "publication": {"protective_marking": fx.MARKING}}
    )


@pytest.fixture(scope="module")
def made(tmp_path_factory, fx) -> dict:
    """The fake month's PDF made by Quarto (its document kept), and the built-in PDF of the same month."""
    _tools()
    root = tmp_path_factory.mktemp("quarto-pdf")
    build = fx.write_build(root, "2023-03")
    source = root / "quarto-source"
    scratch = root / "_build" / ".scratch"  # as a project's scratch room: Quarto reads no project in a hidden folder
    scratch.mkdir(parents=True)
    arguments = {"config": _config(fx, UNTRUSTED), "catalogue_domains": fx.CATALOGUE, "quarto_config": fx.QUARTO_YML}
    quarto = render_quarto_pdf(
        build, root / "out" / "q.pdf", "2023-03", keep_source=source, scratch=scratch, **arguments
    )
    builtin = render_pdf(build, root / "out" / "b.pdf", "2023-03", **arguments)
    return {"quarto": quarto, "builtin": builtin, "source": source, "scratch": scratch, "fx": fx}


def test_quarto_makes_the_pdf_from_its_own_document_with_the_built_in_layout(made):
    source = made["source"]
    assert sorted(p.name for p in made["scratch"].iterdir()) == []  # its working folder is gone
    assert (source / "board-pack.qmd").is_file() and (source / "_quarto.yml").is_file()
    written = (source / "board-pack.typ").read_text(encoding="utf-8")  # the Typst Quarto wrote
    assert "quartosubfloatcounter" in written  # Quarto's own definitions come first
    assert '#import "pack.typ": *' in written and "#show: pack.with(" in written  # then cpb's layout
    assert len(re.findall(r"\bcpb-chart\(", written)) == len(made["fx"].CHART_PAGES)
    info = subprocess.run(["pdfinfo", str(made["quarto"])], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Keywords:\s+Quarto$", info, re.MULTILINE)
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE)  # charts keep their text alternative
    assert re.search(r"^Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info, re.MULTILINE)
    builtin = subprocess.run(["pdfinfo", str(made["builtin"])], capture_output=True, text=True, check=True).stdout
    assert "Quarto" not in builtin
    # the same pages, tables and charts, broken over the same lines and pages
    assert _text(made["quarto"], "-layout") == _text(made["builtin"], "-layout")


def test_untrusted_text_is_printed_as_it_is(made):
    fx = made["fx"]
    text = _text(made["quarto"], "-raw")
    pages = text.split("\f")
    flat = " ".join(text.split()).replace("\u201c", '"').replace("\u201d", '"')  # Typst's smart quotes
    assert UNTRUSTED in " ".join(pages[0].split())  # the cover
    assert f"{UNTRUSTED} · March 2023" in " ".join(pages[1].split())  # the running footer
    assert fx.MARKING in pages[0] and fx.COMMENTARY in flat
    for marker in (fx.INPUT_MARKER, fx.STDOUT_MARKER, fx.PLAIN_MARKER):
        assert marker not in text


@pytest.fixture
def failing_quarto(tmp_path, monkeypatch) -> Path:
    """A ``quarto`` on PATH that fails as Quarto does, with a message over several lines."""
    fake = tmp_path / "bin" / "quarto"
    fake.parent.mkdir()
    fake.write_text(
        f"#!{sys.executable}\nimport sys\nprint('ERROR: compile failed\\n  at line 3\\n  in board-pack.typ', "
        "file=sys.stderr)\nsys.exit(1)\n",
        encoding="utf-8",
    )
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    return fake


def test_a_failed_quarto_render_is_one_line_and_writes_nothing(tmp_path, fx, failing_quarto):
    build = fx.write_build(tmp_path, "2023-03")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    with pytest.raises(RenderError) as failed:
        render_quarto_pdf(
            build, tmp_path / "out" / "q.pdf", "2023-03", config=fx.pack_config(), quarto_config=fx.QUARTO_YML,
            scratch=scratch,
        )  # fmt: skip
    message = str(failed.value)
    assert "\n" not in message and "Quarto could not make the PDF (exit 1)" in message and "at line 3" in message
    assert not (tmp_path / "out").exists() and not list(scratch.iterdir())


def test_typst_for_quarto_compiles_and_reports_a_failure_in_one_line(tmp_path, capsys):
    """What Quarto runs as ``typst`` (``QUARTO_TYPST``): the Typst the built-in engine uses."""
    assert typst_command(["--version"]) == 0 and capsys.readouterr().out.startswith("typst ")
    (tmp_path / "ok.typ").write_text("Hello", encoding="utf-8")
    assert typst_command(["compile", "--root", str(tmp_path), str(tmp_path / "ok.typ"), str(tmp_path / "ok.pdf")]) == 0
    assert (tmp_path / "ok.pdf").read_bytes()[:5] == b"%PDF-"
    (tmp_path / "bad.typ").write_text("#let x = (", encoding="utf-8")
    assert typst_command(["compile", str(tmp_path / "bad.typ")]) == 1
    error = capsys.readouterr().err
    assert error.startswith("error: ") and error.count("\n") == 1
    assert not (tmp_path / "bad.pdf").exists()
