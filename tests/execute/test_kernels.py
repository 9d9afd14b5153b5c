"""Kernels shared by the pages of one worker: a page never sees what the page before it left behind."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import papermill
import pytest
from papermill.exceptions import PapermillExecutionError

from cpblib.execute._kernels import ENGINE, SharedKernel

RECORD = """
import json, os
print(json.dumps({"pid": os.getpid(), "leftover": "left_behind" in globals(), "month": month}))
left_behind = month
"""


def page(folder: Path, name: str, code: str) -> Path:
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell('month = "2023-01"', metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell(code),
        ]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def execute(source: Path, month: str, kernel: SharedKernel) -> nbformat.NotebookNode:
    return papermill.execute_notebook(
        str(source), str(source.with_name(f"{source.stem}-{month}.out.ipynb")), parameters={"month": month},
        kernel_name="python3", engine_name=ENGINE, progress_bar=False, kernel=kernel,
    )  # fmt: skip


def recorded(nb: nbformat.NotebookNode) -> dict:
    return json.loads(nb.cells[-1].outputs[0]["text"])


@pytest.fixture
def kernel():
    shared = SharedKernel()
    yield shared
    shared.close()


def test_pages_in_turn_share_the_kernel_but_start_from_an_empty_namespace(tmp_path, kernel):
    source = page(tmp_path, "page", RECORD)
    first, second = execute(source, "2023-02", kernel), execute(source, "2023-03", kernel)
    assert recorded(first)["pid"] == recorded(second)["pid"]
    assert recorded(first)["leftover"] is False and recorded(second)["leftover"] is False
    assert recorded(second)["month"] == "2023-03"
    for nb in (first, second):  # numbered from 1 as in a new kernel (the parameters cell papermill adds included)
        assert [c.execution_count for c in nb.cells if c.cell_type == "code"] == [1, 2, 3]
    assert kernel.pages == 2


def test_a_failed_page_ends_its_kernel_only_when_the_caller_closes_it(tmp_path, kernel):
    source = page(tmp_path, "page", RECORD)
    broken = page(tmp_path, "broken", "raise ValueError('bad figure')")
    before = recorded(execute(source, "2023-02", kernel))["pid"]
    with pytest.raises(PapermillExecutionError, match="bad figure"):
        execute(broken, "2023-02", kernel)
    kernel.close()  # what cpb run does after a failure
    after = recorded(execute(source, "2023-03", kernel))
    assert after["pid"] != before and after["leftover"] is False


def test_closing_an_unused_kernel_does_nothing():
    SharedKernel().close()


WARMED = """
import json, os, sys
print(json.dumps({"pid": os.getpid(), "imported": "colorsys" in sys.modules, "bound": "colorsys" in globals(),
                  "mark": os.environ.get("CPB_TEST_MARK"), "cwd": os.getcwd()}))
"""


def test_a_pool_warms_its_kernels_up_and_runs_a_task_in_each(tmp_path):
    import os

    from cpblib.execute._pool import KernelPool

    source = page(tmp_path, "page", WARMED)
    environment = {**os.environ, "CPB_TEST_MARK": "from the pool"}
    with KernelPool(2, cwd=str(tmp_path), env=environment, warm_up="import colorsys\n") as pool:
        pool.start()  # both kernels start (and import) in the background
        futures = pool.run(5, lambda kernel: recorded(execute(source, "2023-03", kernel)))  # at most 2
        seen = [future.result(timeout=120) for future in futures]
    assert len(seen) == 2 and len({s["pid"] for s in seen}) == 2
    for s in seen:  # imported by the warm-up, yet the page's namespace starts empty
        assert s == {**s, "imported": True, "bound": False, "mark": "from the pool", "cwd": str(tmp_path)}


def test_the_runs_kernels_take_a_lower_priority_and_set_their_imports_aside_as_they_warm_up(tmp_path):
    import os

    from cpblib.execute._pool import WARM_UP, KernelPool
    from cpblib.sideprocess import PAGE_WORK_NICENESS

    code = "import gc, json, os\nprint(json.dumps({'pid': os.getpid(), 'niceness': os.nice(0), 'set aside': gc.get_freeze_count()}))"
    source = page(tmp_path, "page", code)
    with KernelPool(1, cwd=str(tmp_path), warm_up=WARM_UP) as pool:
        (future,) = pool.run(1, lambda kernel: recorded(execute(source, "2023-03", kernel)))
        seen = future.result(timeout=120)
    assert seen["niceness"] == min(os.nice(0) + PAGE_WORK_NICENESS, 19) and PAGE_WORK_NICENESS > 0
    assert seen["set aside"] > 50_000  # what the imports made: out of the garbage collector's rounds


def test_kernels_started_one_at_a_time_each_wait_for_the_one_before(tmp_path, monkeypatch):
    import threading
    import time

    from cpblib.execute._pool import KernelPool

    running, overlaps = [], []
    lock = threading.Lock()

    def slow_start(kernel):  # stands in for starting a kernel and importing into it
        with lock:
            overlaps.append(len(running))
            running.append(kernel)
        time.sleep(0.2)
        with lock:
            running.remove(kernel)

    monkeypatch.setattr(SharedKernel, "start", slow_start)
    monkeypatch.setattr(SharedKernel, "close", lambda kernel: None)
    with KernelPool(3) as pool:
        pool.start(one_at_a_time=True)
        for future in pool.run(3, lambda kernel: None):
            future.result(timeout=10)
    assert overlaps == [0, 0, 0]
    with KernelPool(3) as pool:
        pool.start()
        for future in pool.run(3, lambda kernel: None):
            future.result(timeout=10)
    assert max(overlaps[3:]) > 0  # together when nothing else needs the cores


def test_released_kernels_shut_down_together_in_the_background_and_close_waits_for_them(monkeypatch):
    import threading

    from cpblib.execute._pool import KernelPool

    closing, closed, go = [], [], threading.Event()

    def slow_close(kernel):  # stands in for a kernel's orderly shutdown
        closing.append(kernel)
        go.wait(timeout=10)
        closed.append(kernel)

    monkeypatch.setattr(SharedKernel, "start", lambda kernel: None)
    monkeypatch.setattr(SharedKernel, "close", slow_close)
    pool = KernelPool(2)
    for future in pool.run(2, lambda kernel: None):
        future.result(timeout=10)
    pool.release()  # returns at once
    assert closed == []
    for _ in range(500):
        if len(closing) == 2:
            break
        threading.Event().wait(0.01)
    assert len(closing) == 2  # both shutting down at the same time, not one after the other
    go.set()
    pool.close()  # waits for both
    assert len(closed) == 2
