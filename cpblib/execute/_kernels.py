"""Kernels shared by the pages one worker of ``cpb run`` executes in turn.

Starting a kernel and importing pandas and Altair into it takes about two
seconds, longer than most pages take to run. Each worker of ``cpb run``
therefore starts one kernel and executes its pages in it one after another,
through papermill (a papermill engine, :data:`ENGINE`, registered here). Before
each page after the first, the kernel's namespace is emptied (IPython's
``%reset -f``) and its execution counter set back to 1, so every page starts
from an empty namespace and numbers its cells from 1, as in a new kernel.
Modules stay imported: that is the time saved. A page that fails, or a kernel
that dies, ends that kernel: the worker's next page gets a new one.

A :class:`KernelPool` gives each kernel a thread of its own and can start
them early: ``cpb run`` starts them (and imports pandas, Altair and cpb into
them) while the data checks run, which leave one core idle.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from jupyter_core.utils import run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.log import logger
from traitlets.config import Config

ENGINE = "cpb-shared-kernel"

RESET = "get_ipython().run_line_magic('reset', '-f')\nget_ipython().execution_count = 1\n"
"""Run silently between two pages: an empty namespace and cells numbered from 1 again."""


class KernelResetFailed(RuntimeError):
    """The kernel could not be cleared for the next page."""


class SharedKernel:
    """One worker's kernel: started before its first page, cleared before each later one, closed at the end.

    ``cwd`` and ``env`` are the kernel's working folder and environment;
    ``warm_up`` is code run once it has started (its names are cleared
    again). Use it from one thread only (its client lives on that thread's
    event loop).
    """

    def __init__(
        self, kernel_name: str = "python3", *, cwd: str | None = None, env: Mapping[str, str] | None = None,
        warm_up: str = "",
    ) -> None:  # fmt: skip
        self.kernel_name = kernel_name
        self.cwd = cwd
        self.env = dict(env) if env is not None else None
        self.warm_up = warm_up
        self.km = None
        self.kc = None
        self.pages = 0
        self._sockets: Path | None = None

    def start(self) -> None:
        """Start the kernel and its client (nothing if they are running), then run the warm-up."""
        if self.kc is not None and self.km is not None and self.km.has_kernel:
            return
        self.close()
        km = self.manager()
        options: dict = {"extra_arguments": ["--HistoryManager.hist_file=:memory:"]}
        if self.cwd is not None:
            options["cwd"] = self.cwd
        if self.env is not None:
            options["env"] = self.env
        try:
            run_sync(km.start_kernel)(**options)
            kc = km.client()
            kc.start_channels()
            self.kc = kc
            run_sync(kc.wait_for_ready)(timeout=60)
            kc.allow_stdin = False
            if self.warm_up:
                self.run_quietly(self.warm_up + RESET)
        except Exception:
            self.close()
            raise

    def run_quietly(self, code: str) -> None:
        """Execute ``code`` in the kernel without recording it; raise if it fails."""
        reply = run_sync(self.kc.execute_interactive)(
            code, silent=True, store_history=False, timeout=120, output_hook=lambda message: None
        )
        if not reply or reply["content"].get("status") != "ok":
            raise KernelResetFailed(f"the kernel could not run {code.splitlines()[0]!r}")

    def config(self) -> Config:
        if self._sockets is None:
            self._sockets = Path(tempfile.mkdtemp(prefix="cpb-kernel-"))
        config = Config()
        config.KernelManager.transport = "ipc"  # local sockets: no TCP ports, no plain-text warning from the kernel
        config.KernelManager.ip = str(self._sockets / "k")  # one socket folder per kernel: kernels never collide
        return config

    def manager(self):
        if self.km is None:
            from jupyter_client.manager import AsyncKernelManager

            self.km = AsyncKernelManager(kernel_name=self.kernel_name, config=self.config())
        return self.km

    def close(self) -> None:
        """Shut the kernel down (if one was started) and forget it; the next page starts a new one."""
        km, kc, sockets = self.km, self.kc, self._sockets
        self.km, self.kc, self.pages, self._sockets = None, None, 0, None
        try:
            if kc is not None:
                kc.stop_channels()
            if km is not None and km.has_kernel:
                run_sync(km.shutdown_kernel)(now=False)
            if km is not None:
                run_sync(km.cleanup_resources)()
        finally:
            if sockets is not None:
                shutil.rmtree(sockets, ignore_errors=True)


class SharedKernelEngine(NBClientEngine):
    """papermill engine executing a notebook in the :class:`SharedKernel` passed as ``kernel``."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man,
        kernel_name,
        log_output=False,
        stdout_file=None,
        stderr_file=None,
        start_timeout=60,
        execution_timeout=None,
        kernel: SharedKernel | None = None,
        **kwargs,
    ):
        if kernel is None:
            return super().execute_managed_notebook(
                nb_man, kernel_name, log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file,
                start_timeout=start_timeout, execution_timeout=execution_timeout, **kwargs,
            )  # fmt: skip
        kwargs.pop("input_path", None)
        kwargs.pop("config", None)  # the kernel's own settings apply
        kernel.start()  # the kernel, its client and the warm-up (nothing if it is running)
        if kernel.pages > 0:  # an earlier page ran here: clear what it left
            kernel.run_quietly(RESET)
        client = PapermillNotebookClient(
            nb_man, km=kernel.km, kernel_name=kernel_name, timeout=execution_timeout,
            startup_timeout=start_timeout, log=logger, log_output=log_output, stdout_file=stdout_file,
            stderr_file=stderr_file, **kwargs,
        )  # fmt: skip
        client.kc = kernel.kc
        try:
            return client.execute()
        finally:
            kernel.kc = client.kc
            kernel.pages += 1


papermill_engines.register(ENGINE, SharedKernelEngine)
