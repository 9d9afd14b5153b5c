"""Second processes that answer request after request (``SideService``), and the charts drawn in one."""

from __future__ import annotations

from pathlib import Path

import pytest

from cpblib.present import _svg
from cpblib.sideprocess import SideProcessFailed, SideService


def test_a_service_answers_each_request_in_turn_and_raises_its_errors_here():
    with _svg.ChartDrawing() as drawing:
        first = drawing.draw([_svg.WARM_UP_SPEC])
        assert drawing.draw([]) == []
        both = drawing.draw([_svg.WARM_UP_SPEC, {**_svg.WARM_UP_SPEC, "mark": "bar"}])
        assert first == both[:1] and both[1] != both[0] and "<path" in both[1]
        with pytest.raises(ValueError):  # vl-convert's own error, raised in the second process
            drawing.draw([{"mark": "no-such-mark", "data": {"values": []}}])
        assert drawing.draw([_svg.WARM_UP_SPEC]) == first  # still answering after an error


def test_the_charts_drawn_in_the_second_process_are_the_charts_drawn_here():
    specs = [_svg.WARM_UP_SPEC, {**_svg.WARM_UP_SPEC, "title": 'Children in care <& "quotes">'}]
    with _svg.ChartDrawing() as drawing:
        assert drawing.draw(specs) == _svg.draw_all(specs)


def test_a_service_that_stopped_is_one_error_naming_it():
    service = SideService("cpblib.sideprocess", "the test's process")  # serves nothing: ends at once
    try:
        with pytest.raises(SideProcessFailed, match="the test's process stopped"):
            service.ask(([],))
    finally:
        service.close()


def test_closing_an_idle_service_stops_it():
    drawing = _svg.ChartDrawing()
    drawing.start()
    process = drawing._service._process
    drawing.close()
    assert process.poll() is not None
    drawing.close()  # twice is harmless


def test_the_charts_process_takes_the_priority_of_the_kernels():
    import os

    from cpblib.sideprocess import PAGE_WORK_NICENESS

    with _svg.ChartDrawing() as drawing:
        drawing.draw([_svg.WARM_UP_SPEC])  # answered once the process has started and warmed up
        pid = drawing._service._process.pid
        assert os.getpriority(os.PRIO_PROCESS, pid) == min(os.nice(0) + PAGE_WORK_NICENESS, 19)


def test_a_service_does_what_it_is_told_in_turn_and_answers_only_what_asks(tmp_path, monkeypatch):
    (tmp_path / "probe_service.py").write_text(
        "from cpblib.sideprocess import serve_each\n"
        "seen = []\n"
        "def work(word):\n"
        "    if word == 'bad':\n"
        "        raise ValueError(word)\n"
        "    seen.append(word)\n"
        "    return list(seen)\n"
        "serve_each(work)\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    with SideService("probe_service", "the test's process") as service:
        service.tell(("a",))
        service.tell(("bad",))  # its error is dropped: nobody waits for it
        service.request(("b",))
        service.tell(("c",))
        assert service.answer() == ["a", "b"]
        assert service.ask(("d",)) == ["a", "b", "c", "d"]
        with pytest.raises(ValueError, match="bad"):
            service.ask(("bad",))


@pytest.mark.parametrize("ending", ["asked to stop", "its requests ended"])
def test_a_service_that_ends_removes_the_temporary_folders_it_still_holds(tmp_path, monkeypatch, ending):
    (tmp_path / "holding_service.py").write_text(
        "import tempfile\n"
        "from cpblib.sideprocess import serve_each\n"
        "held = []\n"
        "def work(room):\n"
        "    held.append(tempfile.TemporaryDirectory(dir=room))  # never closed by the work itself\n"
        "    return held[-1].name\n"
        "serve_each(work)\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    room = tmp_path / "room"
    room.mkdir()
    service = SideService("holding_service", "the test's process")
    folder = service.ask((str(room),))
    assert Path(folder).is_dir()
    if ending == "asked to stop":
        service.close()
    else:
        service._process.stdin.close()
        service._process.wait(timeout=10)
        service.close()
    assert service._process.returncode == (0 if ending != "asked to stop" else 128 + 15)
    assert list(room.iterdir()) == []
