"""``cpb render``: exit codes, the log line of every outcome, and the deploy examples that run it."""

from __future__ import annotations

import fcntl
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cpblib import workflow
from cpblib.cli import app
from cpblib.execute import _execute as run_module
from cpblib.inputs.load import ensure_store
from cpblib.inputs.store import Store
from cpblib.project import Project

REPO = Path(__file__).resolve().parents[2]
SMALL = REPO / "tests" / "notebooks" / "data" / "small-project"
DEPLOY = REPO / "deploy"
runner = CliRunner()
LINE = re.compile(
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ month=(\S+) exit=(\d+) (PUBLISHED|NOT PUBLISHED \([a-z ]+\)): (.+)$"
)


@pytest.fixture
def small(tmp_path) -> Path:
    root = tmp_path / "small"
    shutil.copytree(SMALL, root)
    return root


@pytest.fixture
def no_quarto(monkeypatch):
    folders = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and not (Path(p) / "quarto").exists()]
    monkeypatch.setenv("PATH", os.pathsep.join(folders))


def render(root: Path, *args: str, month: str = "2023-03"):
    return runner.invoke(app, ["render", "--month", month, "--project", str(root), "--workers", "2", *args])


def log_lines(root: Path) -> list[tuple[str, ...]]:
    path = root / "_build" / "render.log"
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    parsed = [LINE.match(line) for line in lines]
    assert all(parsed), lines
    return [m.groups() for m in parsed]


def no_kernel(*args, **kwargs):
    raise AssertionError("a notebook was executed")


def mtimes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


# -- 0: published, then nothing to do -------------------------------------------------------------------
def test_render_publishes_then_a_second_render_changes_nothing(small, no_quarto, monkeypatch):
    first = render(small)  # --engine auto, no Quarto on PATH: the built-in renderer
    assert first.exit_code == 0, first.output
    assert "5 notebook(s) executed, 0 unchanged" in first.stdout
    site = small / "_site"
    assert (site / "index.html").is_file() and (site / "2023-03" / "index.html").is_file()
    assert (site / "2023-03" / "board-pack-2023-03.pdf").read_bytes()[:5] == b"%PDF-"
    [(month, code, status, message)] = log_lines(small)
    assert (month, code, status) == ("2023-03", "0", "PUBLISHED")
    assert message.startswith("March 2023 published with the builtin engine: open ")
    assert re.search(r" ; website and PDF written in \d+\.\d s$", message)
    assert message in " ".join(first.stdout.split())
    with Store.open(small / "data" / "cpb.duckdb") as store:
        assert store.published_months() == ["2023-03"]
        publication = store.publication("2023-03")

    published = mtimes(site)
    monkeypatch.setattr(run_module, "_execute", no_kernel)
    second = render(small)
    assert second.exit_code == 0, second.output
    assert "0 notebook(s) executed, 5 unchanged" in second.stdout
    assert mtimes(site) == published
    assert [line[:3] for line in log_lines(small)] == [("2023-03", "0", "PUBLISHED")] * 2
    assert "(unchanged since the last render)" in log_lines(small)[-1][3]
    with Store.open(small / "data" / "cpb.duckdb") as store:
        assert store.publication("2023-03") == publication  # the same publication, not a new one


# -- 1: bad input or settings -----------------------------------------------------------------------------
def test_quarto_engine_without_quarto_exits_1_saying_how_to_install_it(small, no_quarto):
    result = render(small, "--engine", "quarto")
    assert result.exit_code == 1
    message = " ".join(result.stderr.split())
    assert "install Quarto (quarto.org" in message and "--engine builtin" in message
    [(month, code, status, logged)] = log_lines(small)
    assert (month, code, status) == ("2023-03", "1", "NOT PUBLISHED (bad input)")
    assert "no 'quarto' executable is on PATH" in logged
    assert not (small / "_build" / "2023-03").exists() and not (small / "_site").exists()


BAD_COMMAND_LINES = [["--month", "2023-13"], ["--month", "2999-01"], [], ["--month", "2023-03", "--engine", "word"]]


@pytest.mark.parametrize("args", BAD_COMMAND_LINES)
def test_a_bad_command_line_exits_1_not_2(small, args):
    result = runner.invoke(app, ["render", "--project", str(small), *args])
    assert result.exit_code == 1, result.output  # 2 would read as "data checks failed"
    assert not (small / "_build").exists()


def test_a_folder_without_a_project_exits_1(tmp_path):
    result = render(tmp_path)
    assert result.exit_code == 1
    assert "cpb.toml" in result.stderr and "Traceback" not in result.output


def test_unreadable_settings_exit_1_in_one_line(small):
    (small / "cpb.toml").write_text("[authority]\nname = 'X'\nla_code = 999\nshow = [\n", encoding="utf-8")
    result = render(small)
    assert result.exit_code == 1
    assert "cpb.toml" in result.stderr and "Traceback" not in result.output


# -- 2: data checks failed --------------------------------------------------------------------------------------
def test_failing_checks_exit_2_and_publish_nothing(small, monkeypatch):
    ensure_store(Project.open(small))
    catalogue = small / "data" / "indicators.csv"
    frame = pd.read_csv(catalogue, dtype=str, keep_default_na=False)
    frame.loc[frame["indicator"] == "cic-rate", "polarity"] = "sideways"
    frame.to_csv(catalogue, index=False)
    monkeypatch.setattr(run_module, "_execute", no_kernel)
    result = render(small, "--engine", "builtin")
    assert result.exit_code == 2
    [(month, code, status, message)] = log_lines(small)
    assert (month, code, status) == ("2023-03", "2", "NOT PUBLISHED (checks failed)")
    assert "the data checks for 2023-03 found" in message and "'polarity'" in message
    assert not (small / "_site").exists()
    with Store.open(small / "data" / "cpb.duckdb") as store:
        assert store.published_months() == []


# -- 3: a notebook failed ------------------------------------------------------------------------------------------
def test_a_failing_notebook_exits_3_with_its_name_in_the_log(small, monkeypatch):
    from cpblib.execute._execute import NotebookFailed

    def failing_run(job, *args, **kwargs):
        raise NotebookFailed(
            "notebook domains/01-profile.ipynb (Profile, from domain.ipynb) failed in cell 4 "
            "[pages.show_domain_charts(pack, domain)]: "
            "ValueError: no data. The executed notebook is kept at _build/2023-03/domains/01-profile.failed.ipynb"
        )

    monkeypatch.setattr(run_module, "_execute", failing_run)
    result = render(small, "--engine", "builtin")
    assert result.exit_code == 3
    [(month, code, status, message)] = log_lines(small)
    assert (month, code, status) == ("2023-03", "3", "NOT PUBLISHED (notebook failed)")
    assert message.startswith("notebook domains/01-profile.ipynb (Profile, from domain.ipynb) failed in cell 4")
    assert not (small / "_site").exists()


# -- 4: rendering failed ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("error", ["render error", "disk full"])
def test_a_render_that_fails_exits_4_and_leaves_the_site_as_it_was(rendered_demo, tmp_path, monkeypatch, error):
    import cpblib.publish
    import cpblib.publish._pdf

    root = tmp_path / "demo"
    shutil.copytree(rendered_demo, root)
    site = {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / "_site").rglob("*") if p.is_file()}
    monkeypatch.setattr(run_module, "_execute", lambda *args, **kwargs: None)  # notebooks as executed

    def broken(*args, **kwargs):
        if error == "disk full":
            raise OSError(28, "No space left on device")
        raise cpblib.publish.RenderError("typst could not lay out the pack")

    monkeypatch.setattr(cpblib.publish._pdf, "render_pdf", broken)
    monkeypatch.setattr(workflow, "PDF_IN_SIDE_PROCESS", False)  # the stand-in lives in this process
    result = render(root, "--engine", "builtin", "--force")
    assert result.exit_code == 4
    month, code, status, message = log_lines(root)[-1]
    assert (month, code, status) == ("2023-03", "4", "NOT PUBLISHED (render failed)")
    assert (
        (message == "No space left on device (the disk is full)")
        if error == "disk full"
        else (message == "typst could not lay out the pack")
    )
    assert {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / "_site").rglob("*") if p.is_file()} == site


# -- 5: another render holds the lock --------------------------------------------------------------------------------
def test_a_render_while_another_holds_the_lock_exits_5_and_changes_nothing(small):
    (small / "_build").mkdir()
    with open(small / "_build" / ".render.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # this test process is "the other render"
        completed = subprocess.run(
            [sys.executable, "-m", "cpblib", "render", "--month", "2023-03", "--project", str(small)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
    assert completed.returncode == 5, completed.stderr
    [(month, code, status, message)] = log_lines(small)
    assert (month, code, status) == ("2023-03", "5", "NOT PUBLISHED (locked)")
    assert message.startswith(f"another cpb render of {small} is running") and "nothing was changed" in message
    assert message in " ".join(completed.stderr.split())
    assert sorted(p.name for p in (small / "_build").iterdir()) == [".render.lock", "render.log"]
    assert not (small / "data" / "cpb.duckdb").exists()


# -- deploy examples ------------------------------------------------------------------------------------------
def render_help() -> str:
    result = runner.invoke(app, ["render", "--help"], terminal_width=200)
    assert result.exit_code == 0
    return result.stdout


def cpb_arguments(command: str) -> list[str]:
    """The arguments after ``cpb`` in a shell command line (up to a redirection or the end)."""
    words = shlex.split(command)
    start = next(i for i, w in enumerate(words) if w == "cpb" or w.endswith("/cpb"))
    rest = []
    for word in words[start + 1 :]:
        if word in (">>", ">", "2>&1", "&&", ";", "|"):
            break
        rest.append(word)
    return rest


def check_render_arguments(arguments: list[str]) -> None:
    assert arguments[0] == "render"
    options = [a for a in arguments[1:] if a.startswith("--")]
    assert "--month" in options
    listed = render_help()
    for option in options:
        assert option in listed, f"cpb render has no {option} option"
    values = dict(zip(arguments[1::2], arguments[2::2]))
    result = runner.invoke(app, ["render", *arguments[1:], "--help"])
    assert result.exit_code == 0, result.output  # the options parse
    if "--engine" in values:
        assert values["--engine"] in ("auto", "builtin", "quarto")


def test_cron_line_runs_cpb_render_for_the_previous_month_on_the_10th_at_06_00():
    lines = [line for line in (DEPLOY / "cron" / "cpb-render.cron").read_text(encoding="utf-8").splitlines()]
    jobs = [line for line in lines if line.strip() and not line.lstrip().startswith("#") and "=" not in line.split()[0]]
    assert len(jobs) == 1
    minute, hour, day, month, weekday, command = jobs[0].split(None, 5)
    assert (minute, hour, day, month, weekday) == ("0", "6", "10", "*", "*")
    assert "%" not in command  # cron would cut the command at a bare %
    assert command.startswith("cd /srv/cpb/pack && ")
    assert re.search(r"/srv/cpb/venv/bin/cpb render --month previous\b", command)
    assert re.search(r">> \S+\.log 2>&1$", command)  # the output goes to a log file
    check_render_arguments(cpb_arguments(command))
    others = [line for line in lines if line not in jobs and line.strip() and not line.startswith("#")]
    assert [line.split("=")[0] for line in others] == ["SHELL", "PATH"]


def unit_file(path: Path) -> dict[str, dict[str, str]]:
    sections: dict[str, dict[str, str]] = {}
    current = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            assert line.endswith("]"), raw
            current = sections.setdefault(line[1:-1], {})
            continue
        key, sep, value = line.partition("=")
        assert sep and current is not None, raw
        current[key.strip()] = value.strip()
    return sections


def test_systemd_units_are_a_oneshot_render_and_a_monthly_timer(tmp_path):
    service = unit_file(DEPLOY / "systemd" / "cpb-render.service")
    timer = unit_file(DEPLOY / "systemd" / "cpb-render.timer")
    assert set(service) == {"Unit", "Service"} and set(timer) == {"Unit", "Timer", "Install"}
    assert service["Service"]["Type"] == "oneshot"
    assert service["Service"]["WorkingDirectory"] == "/srv/cpb/pack"
    exec_start = service["Service"]["ExecStart"]
    assert exec_start.startswith("/srv/cpb/venv/bin/cpb render --month previous")
    check_render_arguments(cpb_arguments(exec_start))
    assert timer["Timer"]["OnCalendar"] == "*-*-10 06:00:00" and timer["Timer"]["Unit"] == "cpb-render.service"
    assert timer["Timer"]["Persistent"] == "true" and timer["Install"]["WantedBy"] == "timers.target"

    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        return
    calendar = subprocess.run(
        [analyze, "calendar", timer["Timer"]["OnCalendar"]], capture_output=True, text=True, check=False
    )
    assert calendar.returncode == 0 and re.search(r"Next elapse: \w+ \d{4}-\d\d-10 06:00:00", calendar.stdout)
    # verify the units with this machine's cpb and a real folder in place of the example paths
    cpb = shutil.which("cpb") or str(Path(sys.executable).with_name("cpb"))
    copy = (DEPLOY / "systemd" / "cpb-render.service").read_text(encoding="utf-8")
    copy = copy.replace("/srv/cpb/venv/bin/cpb", cpb).replace("/srv/cpb/pack", str(tmp_path))
    copy = re.sub(r"^(User|Group)=cpb$", r"\1=root", copy, flags=re.MULTILINE)
    (tmp_path / "cpb-render.service").write_text(copy, encoding="utf-8")
    shutil.copy(DEPLOY / "systemd" / "cpb-render.timer", tmp_path / "cpb-render.timer")
    verify = subprocess.run(
        [analyze, "verify", str(tmp_path / "cpb-render.service"), str(tmp_path / "cpb-render.timer")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    problems = [line for line in verify.stderr.splitlines() if "cpb-render" in line]
    assert verify.returncode == 0 and not problems, verify.stderr


def test_github_workflow_renders_the_previous_month_uploads_the_site_and_fails_with_the_exit_code():
    yaml = pytest.importorskip("yaml")
    workflow = yaml.safe_load((DEPLOY / "ci" / "github-actions.yml").read_text(encoding="utf-8"))
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads the key `on` as true
    assert triggers["schedule"] == [{"cron": "0 6 10 * *"}] and "workflow_dispatch" in triggers
    steps = workflow["jobs"]["render"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert any(u.startswith("actions/checkout@") for u in uses)
    assert any(u.startswith("actions/setup-python@") for u in uses)
    setup = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"]["python-version"] == "3.11"
    assert any("pip install ." in s.get("run", "") for s in steps)
    render_step = next(s for s in steps if "cpb render" in s.get("run", ""))
    command = next(line for line in render_step["run"].splitlines() if "cpb render" in line)
    assert '--month "${MONTH:-previous}"' in command
    check_render_arguments([a if a != "${MONTH:-previous}" else "previous" for a in cpb_arguments(command)])
    assert "exit_code=$code" in render_step["run"]
    uploads = [s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@")]
    upload = next(s for s in uploads if s["with"]["path"] == "_site")
    assert upload["if"] == "always()"
    fail = steps[-1]
    assert fail["if"] == f"steps.{render_step['id']}.outputs.exit_code != '0'"
    assert fail["run"].strip().endswith(f"exit ${{{{ steps.{render_step['id']}.outputs.exit_code }}}}")


def test_deploy_readme_documents_every_exit_code_and_the_log_line():
    from cpblib.publish._month import Outcome

    text = (DEPLOY / "README.md").read_text(encoding="utf-8")
    for outcome in Outcome:
        assert re.search(rf"^\| {int(outcome)} \| ", text, re.MULTILINE), outcome
    examples = [line.strip() for line in text.splitlines() if re.match(r"\s+\d{4}-\d\d-\d\dT", line)]
    assert examples and all(LINE.match(line) for line in examples)
    for reason in ("bad input", "checks failed", "notebook failed", "render failed", "locked"):
        assert f"`{reason}`" in text
    assert "_build/.render.lock" in text


# -- what is checked is what is published --------------------------------------------------------------------------
def test_a_bad_correction_to_a_published_month_is_refused_and_the_page_keeps_its_figure(rendered_demo, tmp_path):
    """A correction loaded after a month was published is checked like the first load: it cannot reach a page."""
    root = tmp_path / "demo"
    shutil.copytree(rendered_demo, root)
    site = {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / "_site").rglob("*") if p.is_file()}
    with Store.open(root / "data" / "cpb.duckdb") as store:
        publication = store.publication("2023-03")
    (root / "data" / "extracts" / "2023-03-correction.csv").write_text(
        "indicator,period,value\ncic-rate,2023-03,5000\n", encoding="utf-8"
    )
    result = render(root, "--engine", "builtin")
    assert result.exit_code == 2, result.output
    month, code, status, message = log_lines(root)[-1]
    assert (month, code, status) == ("2023-03", "2", "NOT PUBLISHED (checks failed)")
    assert "2023-03-correction.csv" in message and "cic-rate" in message
    assert {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / "_site").rglob("*") if p.is_file()} == site
    profile = next((root / "_site" / "2023-03").glob("domains/*profile*.html")).read_text(encoding="utf-8")
    assert "64.6" in profile and "5,000" not in profile
    with Store.open(root / "data" / "cpb.duckdb") as store:
        assert store.publication("2023-03") == publication


def test_every_demo_month_renders_though_figures_are_late_and_the_archive_lists_them(rendered_demo, tmp_path):
    """January 2022 and February 2021 each have figures that came late: warnings, never a stopped pack."""
    root = tmp_path / "demo"
    shutil.copytree(rendered_demo, root)
    for month in ("2022-01", "2021-02"):
        result = render(root, "--engine", "builtin", month=month)
        assert result.exit_code == 0, result.output
        checks = (root / "_build" / month / "checks.json").read_text(encoding="utf-8")
        assert '"ok": true' in checks and "a late or missing figure does not stop the pack" in checks
        quality = (root / "_site" / month / "data-quality.html").read_text(encoding="utf-8")
        assert "no value for" in quality  # each late figure is listed, with the period that was due
    home = (root / "_site" / "index.html").read_text(encoding="utf-8")
    links = [home.index(f'href="{month}/index.html"') for month in ("2023-03", "2022-01", "2021-02")]
    assert links == sorted(links)  # newest first
    late = [p for p in (root / "_site" / "2022-01" / "domains").glob("*.html") if "latest available" in p.read_text()]
    assert late, "no page of January 2022 shows a late figure as the latest available"


# -- 130: interrupted ------------------------------------------------------------------------------------
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_render_cleans_up_and_exits_130(small, no_quarto, signum):
    """Ctrl-C (SIGINT to the terminal's process group) or a scheduler's stop (SIGTERM) while the PDF is typeset."""
    command = [sys.executable, "-m", "cpblib", "render", "--month", "2023-03", "--engine", "builtin",
               "--project", str(small), "--workers", "2"]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=small, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    scratch = small / "_build" / ".scratch"
    deadline = time.monotonic() + 300
    # Two folders: the render's own, and the one the typesetting process works in while it typesets (the
    # render's folder alone lasts until the website is published, too late for an interruption to count).
    while not (scratch.is_dir() and len(list(scratch.glob("cpb-pdf-*"))) >= 2) and process.poll() is None:
        assert time.monotonic() < deadline, "the render never started the PDF"
        time.sleep(0.02)
    assert process.poll() is None, process.communicate()
    if signum == signal.SIGINT:
        os.killpg(process.pid, signum)  # as a terminal delivers Ctrl-C
    else:
        process.send_signal(signum)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert b"Traceback" not in stderr
    [*_, (month, code, status, _)] = log_lines(small)
    assert (month, code, status) == ("2023-03", "130", "NOT PUBLISHED (interrupted)")
    assert not scratch.exists()
    assert not (small / "_site" / "2023-03").exists()
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)  # nothing of the render's process group is left running


def test_a_stop_lost_on_the_way_still_stops_the_render_before_it_publishes(small, no_quarto, monkeypatch):
    """A stop signal handled inside a finaliser is printed and ignored by Python; the render remembers it."""
    import cpblib.publish._site as site_module
    from cpblib import interrupt

    real = site_module.HtmlConverter

    def converter_after_a_lost_stop():
        try:
            interrupt.ask_to_stop()
        except KeyboardInterrupt:
            pass  # as Python does with an exception raised in a finaliser
        return real()

    monkeypatch.setattr(site_module, "HtmlConverter", converter_after_a_lost_stop)
    result = render(small, "--engine", "builtin")
    assert result.exit_code == 130, result.output
    assert not (small / "_site" / "2023-03").exists()
    assert not interrupt.asked_to_stop()  # the next render starts afresh
    [*_, (month, code, status, _)] = log_lines(small)
    assert (month, code, status) == ("2023-03", "130", "NOT PUBLISHED (interrupted)")
