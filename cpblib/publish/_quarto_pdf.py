"""The board pack PDF made by Quarto: one Quarto document for the month, rendered with ``quarto render --to typst``.

The quarto engine's PDF is laid out by the same rules as the built-in one, declared once:

* the body is :func:`~cpblib.publish._pdf.assemble_pack`'s pandoc document (same pages and order, tables
  shaped to fit, charts side by side, keys and lists laid out by ``pack.typ``'s functions), written as
  ``board-pack.json``;
* :func:`stage_quarto_pdf` writes a Quarto document around it in a scratch folder (never inside the website
  project, whose render it would change): ``board-pack.qmd``, whose settings (format ``typst``, A4, the
  fonts' folders, the template partials) are in its front matter, as Quarto reads a document's own settings
  wherever it is (it does not read a project in a folder whose path has a hidden folder, such as the
  scratch room), and whose text the Lua filter ``cpb-body.lua`` replaces with that document after Quarto's
  own filters; a ``_quarto.yml`` beside it makes the folder a project of its own;
* the template partials (``_data/site/quarto-pdf/``) put cpb's ``pack.typ`` in place of Quarto's article
  template, so the cover, contents, running header and footer and the landscape appendix are the built-in
  PDF's; the council, title, month and protective marking reach Typst as data (``cpb-pack.json``, read
  with Typst's ``json``), never as Typst code;
* :func:`render_quarto_pdf` runs Quarto, which has pandoc write the Typst (all text escaped, the
  pieces cpb shaped passed as raw Typst) and compiles it, and moves the PDF into place.

Quarto compiles with the Typst it is told of in ``QUARTO_TYPST``: cpb names its own (the ``typst`` Python
package, through :func:`main`, a ``typst compile`` and ``typst --version`` for Quarto), so that both
engines' PDFs are set by the same Typst, and tagged, with each chart's text alternative (Quarto 1.7
bundles Typst 0.13, whose PDFs carry no tags).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

import yaml

from ..config import ProjectConfig
from ..month import Month
from ._html import SITE_DATA
from ._pdf import assemble_pack, font_paths, pack_values
from ._structure import RenderError, failure_reason

QUARTO_PDF_DATA = SITE_DATA / "quarto-pdf"
"""The Quarto document's fixed files: the Lua filter and the two Typst template partials."""

DOCUMENT = "board-pack.qmd"
BODY = "board-pack.json"
VALUES = "cpb-pack.json"
PARTIALS = ("typst-template.typ", "typst-show.typ")
FILTER = "cpb-body.lua"
PLACEHOLDER = "The body of the board pack goes here (cpb-body.lua)."


def quarto_settings(fonts: list[str]) -> dict:
    """The front matter of ``board-pack.qmd``: one Typst document, A4, laid out by cpb's template partials.

    >>> settings = quarto_settings(["/usr/share/fonts/truetype/dejavu"])
    >>> settings["format"]["typst"]["papersize"], settings["format"]["typst"]["filters"][0]["at"]
    ('a4', 'post-render')
    """
    return {
        "format": {
            "typst": {
                "papersize": "a4",
                "shift-heading-level-by": 0,  # as assembled (Quarto shifts a document without level-1 headings)
                "keep-typ": True,
                "template-partials": list(PARTIALS),
                "font-paths": fonts,
                "filters": [{"path": FILTER, "at": "post-render"}],
            }
        },
    }


def stage_quarto_pdf(
    build_dir: Path | str,
    workdir: Path | str,
    month: Month | str,
    *,
    config: ProjectConfig,
    catalogue_domains: Iterable[str] | None = None,
    quarto_config: Path | str | None = None,
) -> Path:
    """Write the Quarto document of the month's PDF into ``workdir`` (an empty folder); return its ``.qmd``.

    >>> import tempfile, nbformat
    >>> from cpblib.config import ProjectConfig
    >>> build = Path(tempfile.mkdtemp()) / "_build" / "2023-03"
    >>> build.mkdir(parents=True)
    >>> for name in ("summary", "appendix", "data-quality"):
    ...     cells = [nbformat.v4.new_markdown_cell(f"# {name.title()}\\n\\nText #1 $2 *3*.")]
    ...     nbformat.write(nbformat.v4.new_notebook(cells=cells), str(build / f"{name}.ipynb"))
    >>> config = ProjectConfig.model_validate({"authority": {"name": "Testshire <#Council>", "la_code": "999"}})
    >>> work = build.parents[1] / "pdf"
    >>> work.mkdir()
    >>> stage_quarto_pdf(build, work, "2023-03", config=config).name
    'board-pack.qmd'
    >>> sorted(p.name for p in work.iterdir() if p.is_file())  # doctest: +NORMALIZE_WHITESPACE
    ['_quarto.yml', 'board-pack.json', 'board-pack.qmd', 'cpb-body.lua', 'cpb-pack.json', 'pack.typ',
     'typst-show.typ', 'typst-template.typ']
    >>> json.loads((work / "cpb-pack.json").read_text())["council"]
    'Testshire <#Council>'
    >>> import shutil; shutil.rmtree(build.parents[1])
    """
    month = config.calendar.period_from_key(month) if isinstance(month, str) else Month.parse(month)
    workdir = Path(workdir)
    document, title = assemble_pack(
        Path(build_dir), workdir, catalogue_domains=catalogue_domains, quarto_config=quarto_config
    )
    (workdir / BODY).write_text(json.dumps(document), encoding="utf-8")
    (workdir / VALUES).write_text(json.dumps(pack_values(config, title, month)), encoding="utf-8")
    shutil.copyfile(SITE_DATA / "pack.typ", workdir / "pack.typ")
    for name in (FILTER, *PARTIALS):
        shutil.copyfile(QUARTO_PDF_DATA / name, workdir / name)
    settings = yaml.safe_dump(quarto_settings(font_paths()), allow_unicode=True, sort_keys=False)
    (workdir / DOCUMENT).write_text(f"---\n{settings}---\n\n{PLACEHOLDER}\n", encoding="utf-8")
    (workdir / "_quarto.yml").write_text("project:\n  type: default\n", encoding="utf-8")
    return workdir / DOCUMENT


TYPST_COMMAND = "typst"
"""The script in the document's folder that Quarto runs as Typst (``QUARTO_TYPST``): this Python's cpb."""


def quarto_environment(workdir: Path) -> dict[str, str]:
    """The environment Quarto runs in: this one without what names another Quarto project or profile (set
    when cpb runs inside a ``quarto render`` of the website, from its post-render step), with cpb's Typst
    as Quarto's, through a script written in ``workdir``."""
    import importlib.metadata
    import sys

    script = workdir / TYPST_COMMAND
    version = shlex.quote(f"typst {importlib.metadata.version('typst')}")  # Quarto asks first: answered at once
    script.write_text(
        f'#!/bin/sh\nif [ "$1" = --version ]; then echo {version}; exit 0; fi\n'
        f'exec {shlex.quote(sys.executable)} -m cpblib.publish._quarto_pdf "$@"\n',
        encoding="utf-8",
    )
    script.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUARTO_PROJECT") and k != "QUARTO_PROFILE"}
    return {**env, "QUARTO_TYPST": str(script), "NO_COLOR": "1"}  # messages without colour codes


def render_quarto_pdf(
    build_dir: Path | str,
    out_pdf: Path | str,
    month: Month | str,
    *,
    config: ProjectConfig,
    catalogue_domains: Iterable[str] | None = None,
    quarto_config: Path | str | None = None,
    keep_source: Path | str | None = None,
    scratch: Path | str | None = None,
) -> Path:
    """The month's board pack made by Quarto at ``out_pdf``; returns its path. Arguments as
    :func:`~cpblib.publish.render_pdf`'s; ``keep_source`` keeps the Quarto document, the Typst Quarto wrote
    (``board-pack.typ``) and the charts. A failure is a :class:`RenderError` of one line and writes nothing."""
    out_pdf = Path(out_pdf)
    with tempfile.TemporaryDirectory(prefix="cpb-quarto-pdf-", dir=scratch) as tmp:
        workdir = Path(tmp)
        document = stage_quarto_pdf(
            build_dir, workdir, month, config=config, catalogue_domains=catalogue_domains, quarto_config=quarto_config
        )
        command = ["quarto", "render", document.name, "--to", "typst"]
        try:
            completed = subprocess.run(
                command, cwd=workdir, capture_output=True, text=True, check=False, env=quarto_environment(workdir)
            )
        except OSError as exc:
            raise RenderError(f"{out_pdf}: Quarto could not be run to make the PDF: {exc}") from exc
        if keep_source is not None:
            shutil.copytree(
                workdir, Path(keep_source), dirs_exist_ok=True, ignore=shutil.ignore_patterns(".quarto", TYPST_COMMAND)
            )
        made = document.with_suffix(".pdf")
        if completed.returncode != 0 or not made.is_file():
            raise RenderError(
                f"{out_pdf}: Quarto could not make the PDF (exit {completed.returncode}): "
                f"{failure_reason(completed.stderr or completed.stdout)}"
            )
        out_pdf.parent.mkdir(parents=True, exist_ok=True)
        partial = out_pdf.with_name(f".{out_pdf.name}.partial")
        shutil.move(made, partial)
        os.replace(partial, out_pdf)
    return out_pdf


def main(argv: list[str] | None = None) -> int:
    """``typst --version`` and ``typst compile [--root DIR] INPUT [--font-path DIR]... [OUTPUT]``, as Quarto runs
    Typst, done by the ``typst`` Python package (``python -m cpblib.publish._quarto_pdf``).

    >>> main(["--version"])  # doctest: +ELLIPSIS
    typst ...
    0
    """
    import importlib.metadata
    import sys

    import typst

    parser = argparse.ArgumentParser(prog="typst", add_help=False)
    parser.add_argument("--version", "-V", action="store_true")
    parser.add_argument("command", nargs="?", choices=["compile", "c"])
    parser.add_argument("input", nargs="?")
    parser.add_argument("output", nargs="?")
    parser.add_argument("--root")
    parser.add_argument("--font-path", action="append", default=[])
    args = parser.parse_intermixed_args(sys.argv[1:] if argv is None else argv)
    if args.version:
        print(f"typst {importlib.metadata.version('typst')}")
        return 0
    if not args.command or not args.input:
        print("usage: typst compile [--root DIR] INPUT [--font-path DIR]... [OUTPUT]", file=sys.stderr)
        return 2
    output = args.output or str(Path(args.input).with_suffix(".pdf"))
    try:
        typst.compile(args.input, output=output, root=args.root, font_paths=args.font_path)
    except Exception as exc:  # noqa: BLE001 (Quarto shows what a failed Typst prints)
        print(f"error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
