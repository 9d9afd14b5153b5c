import gc
import sys

from cpblib import interrupt


class _StoppedWhileDeleted:
    def __del__(self):
        interrupt.ask_to_stop()  # as the signal handler does when Python runs it inside a finaliser


def test_a_stop_raised_in_a_finaliser_is_remembered_and_not_reported(capsys, monkeypatch):
    monkeypatch.setattr(sys, "unraisablehook", interrupt.quiet_unraisable)
    try:
        _StoppedWhileDeleted()
        gc.collect()
        assert interrupt.asked_to_stop()
        try:
            interrupt.stop_if_asked()
        except KeyboardInterrupt:
            pass
        else:
            raise AssertionError("a remembered stop did not stop")
    finally:
        interrupt.forget()
    assert "Traceback" not in capsys.readouterr().err


def test_other_exceptions_in_finalisers_are_reported_as_python_reports_them(monkeypatch):
    seen = []
    monkeypatch.setattr(sys, "__unraisablehook__", seen.append)

    class Broken:
        def __del__(self):
            raise ValueError("broken")

    monkeypatch.setattr(sys, "unraisablehook", interrupt.quiet_unraisable)
    Broken()
    gc.collect()
    assert [report.exc_type for report in seen] == [ValueError]
