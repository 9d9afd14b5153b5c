"""Work done in a second Python process, started early so it loads its libraries while this one works.

A :class:`SideProcess` starts ``python -m <module>``; the module calls :func:`serve`,
which loads what the work needs at once, then reads the work's arguments (pickled,
on its standard input), does the work and writes the result, or the error that
stopped it, pickled, on its standard output. :meth:`SideProcess.result` raises that
error here. The typeset PDF (:mod:`cpblib.publish._typeset`) and the data checks'
Great Expectations run (:mod:`cpblib.checks._gx_process`) work this way.

A :class:`SideService` takes many requests in turn instead (its module calls
:func:`serve_each`): each request and each answer is one pickled frame, its length first,
and a request says whether it wants an answer. The pages' charts are drawn this way
(:mod:`cpblib.present._svg`), and the PDF is typeset so, its pages made ready as they
are executed (:mod:`cpblib.publish._typeset`).

A new interpreter rather than a fork: a forked copy of a process that has used typst
or vl-convert inherits their thread pools in a locked state and can hang. It runs with
``-P``: a file named like a library in the folder cpb runs from is never imported in its place.

The process runs in a process group of its own, with any process it starts: Ctrl-C
reaches only cpb, which then stops the group (:meth:`SideProcess.close`). It is asked
first (SIGTERM, which :func:`serve` turns into an orderly exit that removes temporary
folders on the way out) and killed only if it has not gone within :data:`STOP_SECONDS`.

>>> side = SideProcess("cpblib.sideprocess")  # serves nothing: closed unused
>>> side.close()
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import signal
import struct
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from typing import BinaryIO

from .errors import CpbError

STOP_SECONDS = 10.0
"""How long a side process asked to stop has to clean up before it is killed."""

PAGE_WORK_NICENESS = 5
"""How far below cpb's own the processes that make the pages (the kernels, the charts' process, the PDF's
process) put their scheduling priority as they start. They warm up while the data checks run, which every page waits for:
on a busy machine the checks, and the process that feeds the pages, go first, and the pages' processes
take the cycles left."""


class SideProcessFailed(CpbError):
    """A side process stopped without handing back a result (it crashed or was killed)."""


class SideProcess:
    """``python -m module`` started now: hand it the work with :meth:`send`, collect the result with
    :meth:`result`, or :meth:`close` it unused."""

    def __init__(self, module: str, what: str = "the second process") -> None:
        self.what = what
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in close()); what the process prints, shown only if it fails
        self._process = subprocess.Popen(
            [sys.executable, "-P", "-m", module],  # -P: a file in the working folder never stands in for a module
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, start_new_session=True,
        )  # fmt: skip

    def send(self, arguments: tuple) -> None:
        """Hand the process its work's arguments; it starts on them at once."""
        try:
            self._process.stdin.write(pickle.dumps(arguments))
            self._process.stdin.close()
        except BrokenPipeError:  # the process has stopped already: result() says why
            pass

    def result(self):
        """The work's result once it is done; raises the error that stopped it
        (:class:`SideProcessFailed` when the process stopped without saying)."""
        outcome = self._process.stdout.read()
        self._process.stdout.close()
        self._process.wait()
        return self._unpickled(outcome)

    def _unpickled(self, outcome: bytes | None):
        """The result in ``outcome``, or the error it holds raised (:class:`SideProcessFailed` when the
        process stopped without saying)."""
        try:
            result = pickle.loads(outcome)  # type: ignore[arg-type]  # None: the process stopped
        except Exception:  # noqa: BLE001 (reported, never raised past this boundary)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(timeout=STOP_SECONDS)
            self._log.seek(0)
            printed = self._log.read().decode("utf-8", "replace").strip()
            raise SideProcessFailed(
                f"{self.what} stopped (exit {self._process.returncode}): {printed[-2000:] or 'no message'}"
            ) from None
        if isinstance(result, BaseException):
            raise result
        return result

    def close(self) -> None:
        """Stop the process if it is still running (work not needed, or abandoned after an error or an
        interruption): asked first, so it removes its temporary folders, then killed with its group."""
        process = self._process
        if process.poll() is None:  # the group is signalled while its leader is not reaped: its id is still its own
            self._signal_group(signal.SIGTERM)
            try:
                process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGKILL)
                process.wait()
        for stream in (process.stdin, process.stdout):
            if stream and not stream.closed:
                stream.close()
        if not self._log.closed:
            self._log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _signal_group(self, signum: int) -> None:
        try:
            os.killpg(self._process.pid, signum)
        except (ProcessLookupError, PermissionError):  # the group is gone already
            pass


class SideService(SideProcess):
    """A :class:`SideProcess` that takes request after request (its module calls :func:`serve_each`):
    :meth:`ask` one at a time, from any thread, or :meth:`tell` it what needs no answer; :meth:`close`
    when done."""

    def __init__(self, module: str, what: str = "the second process") -> None:
        super().__init__(module, what)
        self._asking = threading.Lock()

    def ask(self, arguments: tuple):
        """The answer to one request; raises the error that stopped it, as :meth:`SideProcess.result` does."""
        with self._asking:
            self._request(_ANSWER, arguments)
            return self.answer()

    def tell(self, arguments: tuple) -> None:
        """A request that needs no answer (its error, if any, is dropped there); the process starts on it
        once it has done the requests before it."""
        with self._asking:
            self._request(_NO_ANSWER, arguments)

    def request(self, arguments: tuple) -> None:
        """A request whose answer :meth:`answer` collects later."""
        with self._asking:
            self._request(_ANSWER, arguments)

    def answer(self):
        """The answer to the oldest request sent and not yet answered; raises the error that stopped it."""
        try:
            answer = _read_frame(self._process.stdout)
        except (OSError, ValueError):  # closed under us: said below
            answer = None
        return self._unpickled(answer)

    def _request(self, kind: bytes, arguments: tuple) -> None:
        try:
            _write_frame(self._process.stdin, kind + pickle.dumps(arguments))
        except (BrokenPipeError, OSError, ValueError):  # the process has stopped: its answer says why
            pass


_ANSWER, _NO_ANSWER = b"?", b"."
"""A request's first byte: whether it wants an answer."""


_LENGTH = struct.Struct("!Q")


def _write_frame(stream: BinaryIO, payload: bytes) -> None:
    stream.write(_LENGTH.pack(len(payload)) + payload)
    stream.flush()


def _read_frame(stream: BinaryIO) -> bytes | None:
    """The next frame's payload; None at the end of the stream (or within a frame cut short)."""
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (size,) = _LENGTH.unpack(head)
    payload = stream.read(size)
    return payload if len(payload) == size else None


def _stop(signum, frame) -> None:
    raise SystemExit(128 + signum)  # unwinds: temporary folders are removed on the way out


def serve(work: Callable[..., object], load: Callable[[], object] | None = None) -> None:
    """The side process's part: ``load()`` the libraries now, then ``work(*arguments)`` on the arguments
    read from standard input (none: closed unused), writing its result or its error to standard output."""
    signal.signal(signal.SIGTERM, _stop)
    with _leaving():
        if load is not None:
            load()
        arguments = sys.stdin.buffer.read()
        if not arguments:  # closed unused
            return
        sys.stdout.buffer.write(_outcome(work, arguments))
        sys.stdout.buffer.flush()


def serve_each(work: Callable[..., object], load: Callable[[], object] | None = None) -> None:
    """A :class:`SideService`'s part: ``load()`` now, then do each request (``work(*arguments)``) until the
    requests end, answering those that want it with the result or the error that stopped it."""
    signal.signal(signal.SIGTERM, _stop)
    with _leaving():
        if load is not None:
            load()
        while (request := _read_frame(sys.stdin.buffer)) is not None:
            outcome = _outcome(work, request[1:])
            if request[:1] == _ANSWER:
                _write_frame(sys.stdout.buffer, outcome)


@contextlib.contextmanager
def _leaving() -> Iterator[None]:
    """End the side process as soon as its part is over, or it is asked to stop (once the work under way has
    unwound): what was registered to run on the way out runs (temporary folders still open are removed),
    then the process ends without Python taking its libraries apart one by one, which takes a few tenths of
    a second after Great Expectations or the PDF's libraries. An unexpected error ends it the usual way,
    its traceback written for :meth:`SideProcess.result` to show."""
    code = 0
    try:
        yield
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else int(stop.code is not None)
    atexit._run_exitfuncs()  # the handlers Python itself runs on the way out
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


def _outcome(work: Callable[..., object], arguments: bytes) -> bytes:
    """``work``'s result on the pickled ``arguments``, or the error that stopped it, pickled."""
    try:
        result: object = work(*pickle.loads(arguments))
    except Exception as exc:  # handed back to the waiting process, which raises it  # noqa: BLE001 (reported, never raised past this boundary)
        try:
            pickle.dumps(exc)
            result = exc
        except Exception:  # noqa: BLE001 (reported, never raised past this boundary)
            result = SideProcessFailed(f"{type(exc).__name__}: {exc}")
    return pickle.dumps(result)
