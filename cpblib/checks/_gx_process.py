"""The data checks' Great Expectations run in a second Python process, started as the build starts.

Importing Great Expectations takes seconds of one core (less here: what cpb's suites never use
is imported only if used, :data:`~cpblib.checks.runner.UNUSED_BY_SUITES`). :class:`ValidationProcess`
(a :class:`~cpblib.sideprocess.SideProcess`) imports it while this process loads the
extracts and reads the month; it is then handed the prepared frames, the suites and
their parameters, and hands back :func:`cpblib.checks.runner.validate`'s results, or the
error that stopped it. What is validated, and how, is the same as in this process.
"""

from __future__ import annotations

from ..sideprocess import SideProcess, serve


class ValidationProcess(SideProcess):
    """``python -m cpblib.checks._gx_process``: Great Expectations loaded meanwhile, one validation."""

    def __init__(self) -> None:
        super().__init__("cpblib.checks._gx_process", "the process running the data checks")

    def validate(self, frames, suites, params):
        """:func:`cpblib.checks.runner.validate` in the second process."""
        self.send((dict(frames), dict(suites), dict(params)))
        return self.result()


def _load() -> None:
    from .runner import UNUSED_BY_SUITES, import_gx

    import_gx(defer=UNUSED_BY_SUITES)  # this process has one thread, and never draws a chart


def _validate(frames, suites, params):
    from .runner import validate

    return validate(frames, suites, params)


if __name__ == "__main__":
    serve(_validate, _load)
