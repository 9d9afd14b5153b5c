"""Kernels for executing pages, each served by a thread of its own: light to import.

A build that executes no page makes its pool without importing Jupyter or
papermill (:mod:`cpblib.execute._kernels`): a kernel is made only when a page
needs one, or when :meth:`KernelPool.start` starts them ahead of time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, wait
from queue import SimpleQueue
from typing import TYPE_CHECKING, Self

from ..sideprocess import PAGE_WORK_NICENESS

if TYPE_CHECKING:
    from ._kernels import SharedKernel

WARM_UP = (
    f'__import__("os").nice({PAGE_WORK_NICENESS})\n'
    "import pandas, altair\n"
    "import cpblib.present.charts, cpblib.present.pages, cpblib.present.pack, cpblib.inputs.month_data\n"
    '__import__("gc").freeze()\n'
)
"""What a kernel of ``cpb run`` runs as it starts, before its first page (which then finds it imported): it
lowers its priority (:data:`~cpblib.sideprocess.PAGE_WORK_NICENESS`) and imports the pages' libraries, and
what the saved pack each page opens is made of. Then it sets aside what those imports made, which lives as
long as the kernel, from the garbage collector's rounds: the full collections IPython makes as it clears the
namespace between pages (``%reset``) then look only at what the pages made (a few milliseconds instead of
about a tenth of a second each, twice a page)."""


def _start(kernel: SharedKernel) -> None:
    kernel.start()


def _shared_kernel(**options) -> SharedKernel:
    from ._kernels import SharedKernel

    return SharedKernel(**options)


class _KernelThread:
    """A thread that owns one kernel and runs, one after another, the tasks given to it (each gets the kernel)."""

    def __init__(self, kernel: SharedKernel, name: str) -> None:
        self.kernel = kernel
        self._tasks: SimpleQueue = SimpleQueue()
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self._thread.start()

    def submit(self, task: Callable[[SharedKernel], object]) -> Future:
        future: Future = Future()
        self._tasks.put((task, future))
        return future

    def _serve(self) -> None:
        try:
            while (item := self._tasks.get()) is not None:
                task, future = item
                if future.set_running_or_notify_cancel():
                    try:
                        future.set_result(task(self.kernel))
                    except BaseException as exc:  # handed to whoever waits on the future  # noqa: BLE001 (reported, never raised past this boundary)
                        future.set_exception(exc)
        finally:
            self.kernel.close()

    def ask_to_stop(self) -> None:
        """Shut the kernel down after the tasks given so far (without waiting: :meth:`join`)."""
        self._tasks.put(None)

    def join(self) -> None:
        self._thread.join()


def _after(earlier: Future | None, task: Callable[[SharedKernel], object]) -> Callable[[SharedKernel], object]:
    """``task``, run once ``earlier`` has finished (however it finished; at most a minute's wait)."""

    def run(kernel: SharedKernel) -> object:
        if earlier is not None:
            wait([earlier], timeout=60)
        return task(kernel)

    return run


class KernelPool:
    """Up to ``size`` :class:`SharedKernel` s, each served by a thread of its own.

    :meth:`start` starts them (and their warm-up) without waiting;
    :meth:`run` hands a task to each of the first ``count`` kernels (starting
    any not started yet); :meth:`close` shuts them all down.
    """

    def __init__(self, size: int, **kernel_options) -> None:
        self.size = max(1, int(size))
        self._options = kernel_options
        self._threads: list[_KernelThread] = []
        self._stopping: list[_KernelThread] = []
        self._lock = threading.Lock()

    def _workers(self, count: int) -> list[_KernelThread]:
        """The threads of the first ``count`` kernels, made if need be (their kernels not started)."""
        with self._lock:
            made = []
            while len(self._threads) < min(self.size, count):
                worker = _KernelThread(_shared_kernel(**self._options), name=f"cpb-kernel-{len(self._threads) + 1}")
                self._threads.append(worker)
                made.append(worker)
            return made

    def start(self, count: int | None = None, *, one_at_a_time: bool = False) -> None:
        """Start ``count`` kernels (default: all) in the background; those running already count.

        ``one_at_a_time`` starts each kernel once the one before it has started
        and warmed up: ahead of time, beside other work that needs a core,
        kernels starting together would only slow that work down.
        """
        previous: Future | None = None
        for worker in self._workers(count or self.size):
            # A failure here is met again, and reported, by the kernel's first page.
            previous = worker.submit(_after(previous if one_at_a_time else None, _start))

    def run(self, count: int, task: Callable[[SharedKernel], object]) -> list[Future]:
        """Run ``task(kernel)`` on each of the first ``count`` kernels (at most ``size``); their futures.

        A kernel not started yet starts when the task first executes a page in it.
        """
        count = max(1, min(count, self.size))
        self._workers(count)
        return [worker.submit(task) for worker in self._threads[:count]]

    def release(self) -> None:
        """Shut every kernel down after its tasks, in the background (no page runs after this;
        :meth:`close` waits for them)."""
        with self._lock:
            threads, self._threads = self._threads, []
            self._stopping.extend(threads)
        for worker in threads:
            worker.ask_to_stop()

    def close(self) -> None:
        """Shut every kernel down, all at once, and wait until they have gone."""
        self.release()
        with self._lock:
            threads, self._stopping = self._stopping, []
        for worker in threads:
            worker.join()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
