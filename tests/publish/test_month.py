"""Publishing a month: the lock, the log, the engine, re-use, and a site that is never left half-written.

Most tests publish from a copy of the session's rendered demo, with the
notebook step replaced by one that keeps the executed notebooks already there,
so no kernel starts here.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import stat
from pathlib import Path

import pytest

from cpblib import workflow
from cpblib.build import LOCK_FILE, LOG_FILE, BuildFolder, checks_key, fingerprint
from cpblib.build import RENDER_STAMP as STAMP_FILE
from cpblib.execute import _execute as execute_module
from cpblib.inputs.store import Store
from cpblib.month import Month
from cpblib.project import Project
from cpblib.publish import (
    EngineUnavailable,
    Outcome,
    RenderLocked,
    choose_engine,
    log_line,
    published_current,
    render_lock,
    render_stamp,
)
from cpblib.workflow import Run, Stage, build_month

MARCH = Month(2023, 3)
JANUARY = Month(2022, 1)
LINE = re.compile(
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ month=(\d{4}-\d\d) exit=(\d+) (PUBLISHED|NOT PUBLISHED \(([a-z ]+)\)): (.+)$"
)
SMALL = Path(__file__).resolve().parents[1] / "notebooks" / "data" / "small-project"


def publish(project, month, *, engine="builtin", force=False):
    return build_month(Run(project, month, engine=engine, force=force)).published


@pytest.fixture(autouse=True)
def keep_notebooks(monkeypatch):
    """Pages are not executed again: the rendered demo's executed notebooks are kept as they are."""
    monkeypatch.setattr(execute_module, "_execute", lambda *args, **kwargs: None)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def published(rendered_demo, tmp_path) -> Project:
    """A copy of the rendered demo: March 2023 executed, published and recorded."""
    root = tmp_path / "demo"
    shutil.copytree(rendered_demo, root)
    return Project.open(root)


@pytest.fixture
def no_quarto(monkeypatch, tmp_path):
    """PATH without any ``quarto`` executable."""
    folders = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and not (Path(p) / "quarto").exists()]
    monkeypatch.setenv("PATH", os.pathsep.join(folders))
    assert shutil.which("quarto") is None


# -- exit codes and the log ------------------------------------------------------------------------------
def test_outcomes_are_the_documented_exit_codes():
    assert {o.name: int(o) for o in Outcome} == {
        "PUBLISHED": 0, "BAD_INPUT": 1, "CHECKS_FAILED": 2, "NOTEBOOK_FAILED": 3, "RENDER_FAILED": 4, "LOCKED": 5,
        "INTERRUPTED": 130,
    }  # fmt: skip


def test_log_lines_say_what_happened_one_line_each(tmp_path):
    (tmp_path / "cpb.toml").write_text('[authority]\nname = "X"\nla_code = "999"\n', encoding="utf-8")
    project = Project.open(tmp_path)
    first = log_line(project, MARCH, Outcome.PUBLISHED, "March 2023 published")
    second = log_line(project, "2023-04", Outcome.CHECKS_FAILED, "the data checks found 2 error(s);\n  first: x.csv")
    assert LINE.match(first).groups()[1:] == ("0", "PUBLISHED", None, "March 2023 published")
    assert LINE.match(second).groups() == ("2023-04", "2", "NOT PUBLISHED (checks failed)", "checks failed",
                                           "the data checks found 2 error(s); first: x.csv")  # fmt: skip
    assert (tmp_path / "_build" / LOG_FILE).read_text(encoding="utf-8").splitlines() == [first, second]
    for outcome in Outcome:
        line = log_line(project, MARCH, outcome, "m")
        assert LINE.match(line) and f"exit={int(outcome)} " in line


# -- the lock ---------------------------------------------------------------------------------------------
def test_the_render_lock_refuses_a_second_render_and_is_released(tmp_path):
    (tmp_path / "cpb.toml").write_text('[authority]\nname = "X"\nla_code = "999"\n', encoding="utf-8")
    project = Project.open(tmp_path)
    lock = tmp_path / "_build" / LOCK_FILE
    with render_lock(project):
        assert lock.read_text(encoding="utf-8").strip() == str(os.getpid())
        with (
            pytest.raises(RenderLocked, match="another cpb render of .* is running .*nothing was changed"),
            render_lock(project),
        ):
            pass  # pragma: no cover
    with render_lock(project):  # released
        pass


def test_the_render_lock_respects_a_lock_held_with_flock(tmp_path):
    (tmp_path / "cpb.toml").write_text('[authority]\nname = "X"\nla_code = "999"\n', encoding="utf-8")
    project = Project.open(tmp_path)
    (tmp_path / "_build").mkdir()
    with open(tmp_path / "_build" / LOCK_FILE, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(RenderLocked), render_lock(project):
            pass  # pragma: no cover
        fcntl.flock(handle, fcntl.LOCK_UN)
    with render_lock(project):
        pass


# -- engines ------------------------------------------------------------------------------------------------
def test_auto_picks_builtin_without_quarto(no_quarto):
    assert choose_engine("auto") == "builtin"
    assert choose_engine("builtin") == "builtin"


def test_asking_for_quarto_without_it_says_how_to_get_it(no_quarto):
    with pytest.raises(EngineUnavailable) as raised:
        choose_engine("quarto")
    message = str(raised.value)
    assert "no 'quarto' executable is on PATH" in message
    assert "install Quarto" in message and "quarto.org" in message and "--engine builtin" in message


@pytest.fixture
def fake_quarto(no_quarto, tmp_path, monkeypatch):
    """A ``quarto`` executable (that does nothing) first on PATH."""
    fake = tmp_path / "bin" / "quarto"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")


def test_auto_picks_quarto_when_it_is_on_path(fake_quarto):
    assert choose_engine("auto") == "quarto" == choose_engine("quarto")


def test_auto_picks_builtin_for_a_project_without_a_quarto_file(fake_quarto, tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    assert choose_engine("auto", project) == "builtin"  # Quarto would have no website to render
    (project / "_quarto.yml").write_text("project:\n  type: website\n", encoding="utf-8")
    assert choose_engine("auto", project) == "quarto"


def test_asking_for_quarto_in_a_project_without_a_quarto_file_says_what_to_do(fake_quarto, tmp_path):
    with pytest.raises(EngineUnavailable) as raised:
        choose_engine("quarto", tmp_path)
    message = str(raised.value)
    assert f"{tmp_path} has no _quarto.yml" in message and "cpb init" in message and "--engine builtin" in message


# -- publishing ---------------------------------------------------------------------------------------------
def test_the_rendered_demo_is_recorded_in_the_store_and_logged(rendered_demo):
    with Store.open(rendered_demo / "data" / "cpb.duckdb") as store:
        assert store.published_months() == ["2023-03"]
        assert store.publication("2023-03")["load_id"] >= 1
    lines = (rendered_demo / "_build" / LOG_FILE).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    month, code, status, _, message = LINE.match(lines[0]).groups()
    assert (month, code, status) == ("2023-03", "0", "PUBLISHED")
    assert "published with the builtin engine" in message and "board-pack-2023-03.pdf" in message


def test_nothing_changed_means_nothing_rendered(published):
    site = published.path("site")
    publish(published, MARCH)  # the copy's pages name its own folder: they are made again once
    before = {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}
    done = publish(published, MARCH)
    assert done.rendered is False
    assert done.site_dir == site / "2023-03" and done.pdf == site / "2023-03" / "board-pack-2023-03.pdf"
    assert {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()} == before


def _published_unchanged(project, month, stamp):
    return published_current(project, month, stamp)


def _stamp(project, month, engine):
    return render_stamp(project, month, engine)


def test_a_changed_setting_or_engine_means_rendering_again(published):
    assert _published_unchanged(published, MARCH, _stamp(published, MARCH, "builtin"))
    assert not _published_unchanged(published, MARCH, _stamp(published, MARCH, "quarto"))
    toml = published.root / "cpb.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert not _published_unchanged(published, MARCH, _stamp(published, MARCH, "builtin"))
    quarto = _stamp(published, MARCH, "quarto")
    (published.root / "_quarto-cpb.yml").write_text("format:\n  html:\n    minimal: true\n", encoding="utf-8")
    assert _stamp(published, MARCH, "quarto") != quarto  # the profile Quarto renders with is a setting too


def test_a_missing_site_means_rendering_again(published):
    shutil.rmtree(published.path("site") / "2023-03")
    assert not _published_unchanged(published, MARCH, _stamp(published, MARCH, "builtin"))


def test_rendering_a_month_replaces_only_that_month(published, monkeypatch):
    monkeypatch.setattr(workflow, "check", lambda *args, **kwargs: (False, None))  # publishing, not checking
    build = published.path("build")
    shutil.copytree(build / "2023-03", build / "2022-01")  # executed notebooks for January 2022
    site = published.path("site")
    march = snapshot(site / "2023-03")

    done = publish(published, JANUARY)
    assert done.rendered and done.site_dir == site / "2022-01"
    assert snapshot(site / "2023-03") == march
    assert (site / "2022-01" / "index.html").is_file() and (site / "2022-01" / "board-pack-2022-01.pdf").is_file()
    home = (site / "index.html").read_text(encoding="utf-8")
    assert home.index('href="2023-03/index.html"') < home.index('href="2022-01/index.html"')  # newest first
    assert "March 2023" in home and "January 2022" in home
    with Store.open(published.store_path) as store:
        assert store.published_months() == ["2022-01", "2023-03"]

    january = snapshot(site / "2022-01")
    publish(published, MARCH, force=True)
    assert snapshot(site / "2022-01") == january
    assert (site / "2023-03" / "index.html").is_file()


@pytest.mark.parametrize("step", ["site page", "pdf"])
def test_a_crash_mid_render_leaves_the_previous_site_as_it_was(published, monkeypatch, step):
    import cpblib.publish
    import cpblib.publish._pdf as pdf_module
    import cpblib.publish._site as site_module

    site = published.path("site")
    before = snapshot(site)
    stamp = (published.build_dir(MARCH) / STAMP_FILE).read_bytes()
    if step == "site page":
        real_write_page, calls = site_module._write_page, []

        def write_page(*args, **kwargs):
            calls.append(1)
            if len(calls) == 3:
                raise OSError(28, "No space left on device")
            return real_write_page(*args, **kwargs)

        monkeypatch.setattr(site_module, "_write_page", write_page)
    else:

        def render_pdf(*args, **kwargs):
            raise cpblib.publish.RenderError("typst failed")

        monkeypatch.setattr(pdf_module, "render_pdf", render_pdf)
        monkeypatch.setattr(workflow, "PDF_IN_SIDE_PROCESS", False)  # the stand-in lives in this process
    with pytest.raises((OSError, cpblib.publish.RenderError)):
        publish(published, MARCH, force=True)
    assert snapshot(site) == before
    assert not [p.name for p in site.parent.iterdir() if p.name.startswith(f".{site.name}.")]  # no half-written copy
    assert (published.build_dir(MARCH) / STAMP_FILE).read_bytes() == stamp
    if step == "site page":  # the next render, with the fault gone, publishes
        monkeypatch.setattr(site_module, "_write_page", real_write_page)
        assert publish(published, MARCH, force=True).rendered
        assert snapshot(site)["2023-03/index.html"] and (site / "2023-03" / "board-pack-2023-03.pdf").is_file()


# -- the data checks' re-use key -------------------------------------------------------------------------------
@pytest.fixture
def small(tmp_path) -> Project:
    shutil.copytree(SMALL, tmp_path / "small")
    return Project.open(tmp_path / "small")


def key_of(project):
    return checks_key(project, MARCH, fingerprint(project, MARCH))


def test_checks_run_again_when_commentary_files_come_or_go_not_when_words_change(small):
    folder = small.path("commentary") / "2023-03"
    key = key_of(small)
    profile = folder / "profile.md"
    profile.write_text(profile.read_text(encoding="utf-8") + "\nMore words.\n", encoding="utf-8")
    assert key_of(small) == key
    (folder / "health-emotional-wellbeing.md").unlink()
    missing = key_of(small)
    assert missing != key
    (folder / "health-emotional-wellbeing.md").write_text("", encoding="utf-8")
    assert key_of(small) not in (key, missing)  # an empty file is reported too
    (folder / "health-emotional-wellbeing.md").write_text("Written now.", encoding="utf-8")
    assert key_of(small) != missing


def test_checks_run_again_when_the_data_or_the_expectations_change(small):
    key = key_of(small)
    (small.root / "expectations").mkdir()
    (small.root / "expectations" / "values.json").write_text("{}", encoding="utf-8")
    with_expectations = key_of(small)
    assert with_expectations != key
    targets = small.path("targets")
    targets.write_text(targets.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert key_of(small) != with_expectations


def test_checks_are_reused_on_the_same_inputs_without_reading_them(small, monkeypatch):
    import cpblib.checks
    import cpblib.inputs.month_data

    calls, real_run, real_read = [], cpblib.checks.run_checks, cpblib.inputs.month_data.read_month
    monkeypatch.setattr(
        cpblib.checks,
        "run_checks",
        lambda project, data, validator=None: calls.append(1) or real_run(project, data, validator),
    )
    reads = []
    monkeypatch.setattr(cpblib.inputs.month_data, "read_month", lambda *args: reads.append(1) or real_read(*args))
    run = Run(small, MARCH, until=Stage.CHECK)
    assert build_month(run).checks_ran is True
    assert build_month(run).checks_ran is False and reads == [1]
    (small.path("commentary") / "2023-03" / "profile.md").unlink()
    assert build_month(run).checks_ran is True
    assert calls == [1, 1]


@pytest.mark.parametrize("damage", ["", "garbage"])
def test_a_damaged_checks_key_means_checking_again(small, damage):
    run = Run(small, MARCH, until=Stage.CHECK)
    build_month(run)
    BuildFolder(small, MARCH).checks_key.write_text(damage, encoding="utf-8")
    assert build_month(run).checks_ran is True


FAKE_QUARTO = """#!{python}
# A stand-in for `quarto render --to html --output-dir OUT`: a page for every staged notebook, as Quarto
# writes it (a title block, the marking, a script from a CDN), holding the notebook's name; and for
# `quarto render board-pack.qmd --to typst`: a PDF that says where it comes from, or, when FAKE_QUARTO_PDF
# is `fail`, a failure as Quarto reports one (over several lines).
import json, os, pathlib, sys
if "board-pack.qmd" in sys.argv:
    if os.environ.get("FAKE_QUARTO_PDF") == "fail":
        print("ERROR: typst compile failed\\n  error: unknown variable\\n  at board-pack.typ:12", file=sys.stderr)
        sys.exit(1)
    front = pathlib.Path("board-pack.qmd").read_text()
    pathlib.Path("board-pack.pdf").write_text("%PDF-1.7 made by Quarto from board-pack.qmd " + str("typst" in front))
    sys.exit(0)
out = pathlib.Path(sys.argv[sys.argv.index("--output-dir") + 1])
staged = json.loads(pathlib.Path("pack/_cpb.json").read_text())
for key, name in staged["pages"].items():
    page = out / "pack" / pathlib.Path(name).with_suffix(".html")
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(
        '<html><head><script src="https://cdn.example/require.js"></script></head><body>'
        '<main id="quarto-document-content"><header id="title-block-header"><h1>T</h1></header>'
        '<div class="cpb-marking">M</div><p>Made by Quarto from ' + name + '</p></main></body></html>'
    )
"""


def test_the_quarto_engine_publishes_the_month_beside_the_others(published, monkeypatch, tmp_path):
    """Quarto renders into a scratch folder (it clears its output folder), never _site: the other months stay,
    the home page lists them all, and every page is the built-in website's page around Quarto's content."""
    import sys

    monkeypatch.setattr(workflow, "check", lambda *args, **kwargs: (False, None))  # publishing, not checking
    fake = tmp_path / "bin" / "quarto"
    fake.parent.mkdir()
    fake.write_text(FAKE_QUARTO.replace("{python}", sys.executable), encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    build = published.path("build")
    shutil.copytree(build / "2023-03", build / "2022-01")
    site = published.path("site")
    march = snapshot(site / "2023-03")

    done = publish(published, JANUARY, engine="quarto")
    assert done.engine == "quarto" and done.site_dir == site / "2022-01"
    assert snapshot(site / "2023-03") == march
    assert not list(site.glob(".render-*")) and not (site / "pack").exists()
    summary = (site / "2022-01" / "index.html").read_text(encoding="utf-8")
    assert "Made by Quarto from summary.ipynb" in summary
    assert "cdn.example" not in summary and summary.count("<h1") == 1 and '<div class="cpb-marking">' not in summary
    assert 'href="board-pack-2022-01.pdf"' in summary
    pdf = (site / "2022-01" / "board-pack-2022-01.pdf").read_text(encoding="utf-8")
    assert pdf == "%PDF-1.7 made by Quarto from board-pack.qmd True"  # Quarto made the PDF, as Typst
    assert 'href="../2023-03/index.html"' in summary  # the month switcher
    placement = (site / "2022-01" / "domains" / "placement.html").read_text(encoding="utf-8")
    assert "Made by Quarto from domains/04-placement.ipynb" in placement
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="2023-03/index.html"' in home and 'href="2022-01/index.html"' in home


def test_a_quarto_pdf_that_fails_exits_4_in_one_line_and_leaves_the_published_month_as_it_was(
    published, monkeypatch, tmp_path
):
    monkeypatch.setattr(workflow, "check", lambda *args, **kwargs: (False, None))  # publishing, not checking
    monkeypatch.setenv("PATH", f"{_fake_quarto(tmp_path).parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_QUARTO_PDF", "fail")
    site = published.path("site")
    before = snapshot(site)
    stamp = (published.build_dir(MARCH) / STAMP_FILE).read_bytes()

    outcome, line = workflow.publish_month(Run(published, MARCH, engine="quarto", force=True))
    assert outcome is Outcome.RENDER_FAILED == 4
    month, code, status, _, message = LINE.match(line).groups()
    assert (month, code, status) == ("2023-03", "4", "NOT PUBLISHED (render failed)")
    assert "Quarto could not make the PDF (exit 1)" in message and "at board-pack.typ:12" in message
    assert snapshot(site) == before
    assert (published.build_dir(MARCH) / STAMP_FILE).read_bytes() == stamp
    assert not list(published.path("build").glob(".scratch/*"))  # the Quarto document's folder is gone


def _fake_quarto(tmp_path: Path) -> Path:
    import sys

    fake = tmp_path / "bin" / "quarto"
    fake.parent.mkdir(exist_ok=True)
    fake.write_text(FAKE_QUARTO.replace("{python}", sys.executable), encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    return fake


def test_a_plain_quarto_render_stages_the_newest_month_and_publishes_it_beside_the_others(
    published, monkeypatch, tmp_path, capsys
):
    """What _quarto.yml's pre- and post-render steps do around a plain `quarto render`."""
    import json
    import subprocess

    from cpblib.publish._quarto import main

    monkeypatch.chdir(published.root)
    monkeypatch.setenv("PATH", f"{_fake_quarto(tmp_path).parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("QUARTO_PROJECT_RENDER_ALL", "1")
    monkeypatch.delenv("CPB_QUARTO_HOOKS", raising=False)
    monkeypatch.delenv("CPB_MONTH", raising=False)
    build, site = published.path("build"), published.path("site")
    shutil.copytree(build / "2023-03", build / "2022-01")
    shutil.copytree(site / "2023-03", site / "2022-01")  # a month published earlier
    january = snapshot(site / "2022-01")

    assert main(["pre-render"]) == 0
    staged = json.loads((published.root / "pack" / "_cpb.json").read_text(encoding="utf-8"))
    assert staged["month"] == "2023-03"  # the newest month executed
    out = tmp_path / "quarto-out"
    subprocess.run([str(_fake_quarto(tmp_path)), "render", "--output-dir", str(out)], cwd=published.root, check=True)
    monkeypatch.setenv("QUARTO_PROJECT_OUTPUT_DIR", str(out))
    assert main(["post-render"]) == 0
    assert "March 2023 published" in capsys.readouterr().out
    assert snapshot(site / "2022-01") == january
    assert "Made by Quarto from summary.ipynb" in (site / "2023-03" / "index.html").read_text(encoding="utf-8")
    pdf = (site / "2023-03" / "board-pack-2023-03.pdf").read_text(encoding="utf-8")
    assert pdf == "%PDF-1.7 made by Quarto from board-pack.qmd True"  # made by Quarto, with cpb's settings

    monkeypatch.setenv("CPB_MONTH", "2022-01")
    assert main(["pre-render"]) == 0
    assert json.loads((published.root / "pack" / "_cpb.json").read_text(encoding="utf-8"))["month"] == "2022-01"
    monkeypatch.setenv("CPB_MONTH", "2021-06")
    assert main(["pre-render"]) == 1
    assert "cpb run --month 2021-06" in capsys.readouterr().err
    monkeypatch.setenv("CPB_QUARTO_HOOKS", "off")  # cpb render stages and publishes itself
    assert main(["pre-render"]) == 0 and main(["post-render"]) == 0
