"""The board pack PDF typeset in a second Python process, while the first writes the website.

:class:`PdfProcess` starts ``python -m cpblib.publish._typeset``, hands it
the arguments of :func:`~cpblib.publish.render_pdf` (pickled, on its standard
input) and waits for the PDF's path, or raises the error that stopped it. With
``engine="quarto"`` the process makes the PDF with Quarto instead
(:func:`~cpblib.publish._quarto_pdf.render_quarto_pdf`, same arguments), and
Quarto's processes are in its group. A new interpreter rather than a fork: a
forked copy of a process that has used typst or vl-convert inherits their
thread pools in a locked state and can hang.

The process runs in a process group of its own, with the pandoc processes it
starts: Ctrl-C reaches only cpb, which then stops the group (:meth:`PdfProcess.close`).
It is asked first (SIGTERM, which the process turns into an orderly exit that
removes its temporary folder) and killed only if it has not gone within
:data:`STOP_SECONDS`; whatever is left of the group goes with it.
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from ._structure import RenderError

STOP_SECONDS = 10.0
"""How long a typesetting process asked to stop has to clean up before it is killed."""


class PdfProcess:
    """A second Python process that typesets the PDF: start it early (it loads its libraries meanwhile),
    hand it the work with :meth:`typeset`, collect the PDF with :meth:`wait`, or :meth:`close` it unused."""

    def __init__(self) -> None:
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in close()); what the process prints, shown only if it fails
        self._process = subprocess.Popen(
            [sys.executable, "-m", "cpblib.publish._typeset"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, start_new_session=True,
        )  # fmt: skip
        self._out_pdf: Path | None = None

    def typeset(
        self, build_dir: Path, out_pdf: Path, month, *, config, catalogue_domains=None, scratch=None, engine="builtin"
    ) -> None:
        """Send the arguments of :func:`~cpblib.publish.render_pdf`; the process starts on them at once (with
        ``engine="quarto"``, on :func:`~cpblib.publish._quarto_pdf.render_quarto_pdf`'s)."""
        self._out_pdf = Path(out_pdf)
        arguments = (engine, build_dir, out_pdf, month, config, catalogue_domains, scratch)
        self._process.stdin.write(pickle.dumps(arguments))
        self._process.stdin.close()

    def wait(self) -> Path:
        """The PDF's path once it is written; raises the error that stopped it."""
        outcome = self._process.stdout.read()
        self._process.stdout.close()
        self._process.wait()
        self._log.seek(0)
        printed = self._log.read().decode("utf-8", "replace").strip()
        self._log.close()
        try:
            result = pickle.loads(outcome)
        except Exception:  # noqa: BLE001 (reported, never raised past this boundary)
            raise RenderError(
                f"{self._out_pdf}: the process typesetting the PDF stopped (exit {self._process.returncode}): "
                f"{printed[-2000:]}"
            ) from None
        if isinstance(result, BaseException):
            raise result
        return Path(result)

    def close(self) -> None:
        """Stop the process if it is still running (work not needed, or abandoned after an error or an
        interruption): asked first, so it removes its temporary folder, then killed with its group."""
        process = self._process
        if process.poll() is None:  # the group is signalled while its leader is not reaped: its id is still its own
            self._signal_group(signal.SIGTERM)
            try:
                process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGKILL)
                process.wait()
        for stream in (self._process.stdin, self._process.stdout):
            if stream and not stream.closed:
                stream.close()
        if not self._log.closed:
            self._log.close()

    def _signal_group(self, signum: int) -> None:
        try:
            os.killpg(self._process.pid, signum)
        except (ProcessLookupError, PermissionError):  # the group is gone already
            pass


def _stop(signum, frame) -> None:
    raise SystemExit(128 + signum)  # unwinds: the temporary folder is removed on the way out


def _main() -> None:
    signal.signal(signal.SIGTERM, _stop)
    import nbconvert  # noqa: F401  (the libraries load while the website is being written)
    import pypandoc  # noqa: F401
    import typst  # noqa: F401

    from . import render_pdf
    from ._quarto_pdf import render_quarto_pdf

    arguments = sys.stdin.buffer.read()
    if not arguments:  # closed unused
        return
    engine, build_dir, out_pdf, month, config, domains, scratch = pickle.loads(arguments)
    render = render_quarto_pdf if engine == "quarto" else render_pdf
    try:
        result: object = render(build_dir, out_pdf, month, config=config, catalogue_domains=domains, scratch=scratch)
    except Exception as exc:  # handed back to the waiting process, which raises it  # noqa: BLE001 (reported, never raised past this boundary)
        try:
            pickle.dumps(exc)
            result = exc
        except Exception:  # noqa: BLE001 (reported, never raised past this boundary)
            result = RenderError(f"{type(exc).__name__}: {exc}")
    sys.stdout.buffer.write(pickle.dumps(result))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    _main()
