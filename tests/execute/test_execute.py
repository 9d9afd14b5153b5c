"""The runner: which notebooks a month needs, and which of them must execute again.

Execution itself is replaced by a stand-in here (it writes a small notebook), so
these tests start no kernel; tests/cli/test_run.py runs real ones.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import nbformat
import pytest

from cpblib import build as build_module
from cpblib.build import HASHES as HASHES_FILE
from cpblib.execute import _execute as run_module
from cpblib.execute._execute import NotebookFailed, execute_pages, notebook_source, plan
from cpblib.month import Month
from cpblib.present.commentary import commentary_path
from cpblib.present.notebooks import notebook_text
from cpblib.present.pack import save_pack, saved_pack, score_pack
from cpblib.project import Project

SMALL = Path(__file__).resolve().parents[1] / "notebooks" / "data" / "small-project"
MONTH = Month(2023, 3)
ALL = [
    "summary.ipynb",
    "domains/01-profile.ipynb",
    "domains/02-health-emotional-wellbeing.ipynb",
    "appendix.ipynb",
    "data-quality.ipynb",
]


@pytest.fixture
def project(small_scored, tmp_path) -> Project:
    root = tmp_path / "small"
    shutil.copytree(small_scored, root)
    return Project.open(root)


class FakeKernel:
    """Stands in for papermill: writes the output notebook, remembers what ran, fails where told."""

    def __init__(self) -> None:
        self.executed: list[str] = []
        self.fail: set[str] = set()

    def __call__(self, job, pack, build, kernel=None, finisher=None, draw=None) -> None:
        if job.output in self.fail:
            raise NotebookFailed(f"notebook {job.output} failed in cell 3")
        target = build.page(job.output)
        target.parent.mkdir(parents=True, exist_ok=True)
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(job.title)])
        nbformat.write(run_module._front_matter(nb, job, pack), target)
        self.executed.append(job.output)


@pytest.fixture
def kernel(monkeypatch) -> FakeKernel:
    fake = FakeKernel()
    monkeypatch.setattr(run_module, "_execute", fake)
    return fake


def build(project, month):
    """The month's pack: the saved one while it is current (as a build finds it), else scored again."""
    return saved_pack(project, month) or score_pack(project, month)


def run_month(project, month, **options):
    """Score the month when its saved pack is out of date (as a build does), then execute its pages."""
    pack = saved_pack(project, month) or save_pack(score_pack(project, month))
    return execute_pages(pack, **options)


def run(project, kernel, **options) -> list[str]:
    kernel.executed.clear()
    result = run_month(project, MONTH, workers=2, **options)
    assert sorted(result.executed) == sorted(kernel.executed)
    assert sorted(result.executed + result.reused) == sorted(ALL)
    return sorted(result.executed)


# -- the plan ------------------------------------------------------------------------------------------------
def test_plan_has_one_page_per_domain_between_summary_and_appendix(project):
    jobs = plan(build(project, MONTH))
    assert [j.output for j in jobs] == ALL
    assert [j.page for j in jobs] == ["summary", "domain", "domain", "appendix", "data-quality"]
    assert [j.order for j in jobs] == [0, 1, 2, 90, 91]
    assert [j.title for j in jobs] == ["Summary", "Profile", "Health & Emotional Wellbeing", "Appendix", "Data quality"]
    for job in jobs:
        assert job.parameters["month"] == "2023-03" and job.parameters["project_dir"] == str(project.root)
    assert jobs[2].parameters["domain"] == "Health & Emotional Wellbeing"
    assert "domain" not in jobs[0].parameters


def test_each_page_depends_on_the_commentary_it_shows(project):
    jobs = {j.output: j for j in plan(build(project, MONTH))}
    profile = commentary_path(project, MONTH, "Profile")
    health = commentary_path(project, MONTH, "Health & Emotional Wellbeing")
    assert set(jobs["summary.ipynb"].inputs) == {profile, health}
    assert jobs["domains/01-profile.ipynb"].inputs == (profile,)
    assert jobs["domains/02-health-emotional-wellbeing.ipynb"].inputs == (health,)
    assert jobs["data-quality.ipynb"].inputs == (project.build_dir(MONTH) / "checks.json",)


def test_cpb_notebooks_are_used_unless_the_project_has_its_own(project):
    fallback = notebook_source(project, "summary")
    assert fallback == project.path("build") / ".notebooks" / "summary.ipynb"
    assert fallback.read_text(encoding="utf-8") == notebook_text("summary")
    written = fallback.stat().st_mtime_ns
    assert notebook_source(project, "summary").stat().st_mtime_ns == written  # not rewritten when current

    own = project.root / "notebooks" / "summary.ipynb"
    own.parent.mkdir()
    own.write_text(notebook_text("summary"), encoding="utf-8")
    assert notebook_source(project, "summary") == own


def test_front_matter_gives_the_page_title_order_and_subtitle(project):
    pack = build(project, MONTH)
    job = plan(pack)[1]
    cells = [nbformat.v4.new_raw_cell('---\ntitle: "Domain"\n---'), nbformat.v4.new_code_cell("1")]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb = run_module._front_matter(nb, job, pack)
    assert [c.cell_type for c in nb.cells] == ["raw", "code"]  # the source's own front matter is replaced
    assert nb.cells[0].source == '---\ntitle: "Profile"\norder: 1\nsubtitle: "Dorset Council, March 2023"\n---'
    assert nb.metadata["cpb"] == {"page": "domain", "title": "Profile", "month": "2023-03", "order": 1}


# -- what executes again --------------------------------------------------------------------------------------
def test_a_second_run_executes_nothing(project, kernel):
    assert run(project, kernel) == sorted(ALL)
    assert run(project, kernel) == []
    hashes = json.loads((project.build_dir(MONTH) / HASHES_FILE).read_text(encoding="utf-8"))
    assert sorted(hashes) == sorted(ALL)


def test_changed_commentary_executes_its_domain_page_and_the_summary_only(project, kernel):
    run(project, kernel)
    path = commentary_path(project, MONTH, "Profile")
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    assert run(project, kernel) == ["domains/01-profile.ipynb", "summary.ipynb"]
    assert run(project, kernel) == []


def test_touching_commentary_without_changing_it_executes_nothing(project, kernel):
    run(project, kernel)
    path = commentary_path(project, MONTH, "Profile")
    path.write_bytes(path.read_bytes())
    assert run(project, kernel) == []


def test_new_commentary_for_a_domain_executes_its_page_and_the_summary(project, kernel):
    path = commentary_path(project, MONTH, "Health & Emotional Wellbeing")
    text = path.read_text(encoding="utf-8")
    path.unlink()
    run(project, kernel)
    path.write_text(text, encoding="utf-8")
    assert run(project, kernel) == ["domains/02-health-emotional-wellbeing.ipynb", "summary.ipynb"]


def test_new_check_results_execute_the_data_quality_page_only(project, kernel):
    run(project, kernel)
    (project.build_dir(MONTH) / "checks.json").write_text('{"ok": true}', encoding="utf-8")
    assert run(project, kernel) == ["data-quality.ipynb"]


def test_changed_data_executes_every_page(project, kernel):
    run(project, kernel)
    targets = project.path("targets")
    targets.write_text(targets.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert run(project, kernel) == sorted(ALL)


def test_changed_cpb_code_executes_every_page(project, kernel, monkeypatch):
    run(project, kernel)
    monkeypatch.setattr(build_module, "code_hash", lambda: "another version of cpb")
    assert run(project, kernel) == sorted(ALL)


def test_force_executes_every_page(project, kernel):
    run(project, kernel)
    assert run(project, kernel, force=True) == sorted(ALL)


def test_a_missing_output_is_executed_again(project, kernel):
    run(project, kernel)
    (project.build_dir(MONTH) / "appendix.ipynb").unlink()
    assert run(project, kernel) == ["appendix.ipynb"]


def test_a_failed_page_is_reported_and_only_it_runs_next_time(project, kernel):
    kernel.fail = {"domains/02-health-emotional-wellbeing.ipynb"}
    with pytest.raises(NotebookFailed, match="02-health-emotional-wellbeing.ipynb failed in cell 3"):
        run_month(project, MONTH, workers=2)
    hashes = json.loads((project.build_dir(MONTH) / HASHES_FILE).read_text(encoding="utf-8"))
    assert sorted(hashes) == sorted(set(ALL) - kernel.fail)
    kernel.fail = set()
    assert run(project, kernel) == ["domains/02-health-emotional-wellbeing.ipynb"]


def test_pages_of_domains_no_longer_in_the_pack_are_removed(project, kernel):
    run(project, kernel)
    stale = project.build_dir(MONTH) / "domains" / "03-old-domain.ipynb"
    stale.write_text("{}", encoding="utf-8")
    assert run(project, kernel) == []
    assert not stale.exists()


def test_progress_callbacks_see_every_page(project, kernel):
    run(project, kernel)
    (project.build_dir(MONTH) / "appendix.ipynb").unlink()
    started, done = [], []
    run_month(
        project, MONTH, workers=1, on_start=lambda job: started.append(job.output),
        on_done=lambda job, executed: done.append((job.output, executed)),
    )  # fmt: skip
    assert started == ["appendix.ipynb"]
    assert sorted(done) == sorted((name, name == "appendix.ipynb") for name in ALL)


def test_clean_removes_the_month_build(project, kernel):
    run(project, kernel)
    run_module.clean(project, MONTH)
    assert not project.build_dir(MONTH).exists()


@pytest.mark.parametrize("content", ["", "{", "[]"])
def test_empty_or_corrupt_hashes_mean_every_page_executes_again(project, kernel, content):
    run(project, kernel)
    (project.build_dir(MONTH) / HASHES_FILE).write_text(content, encoding="utf-8")
    assert run(project, kernel) == sorted(ALL)
    assert run(project, kernel) == []


def test_a_front_matter_title_with_quotes_stays_one_yaml_string(project):
    import yaml

    pack = build(project, MONTH)
    job = dataclasses.replace(plan(pack)[1], title='Care "leavers": 18+')
    nb = run_module._front_matter(nbformat.v4.new_notebook(), job, pack)
    assert yaml.safe_load(nb.cells[0].source.strip("-\n"))["title"] == 'Care "leavers": 18+'
