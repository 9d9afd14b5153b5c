"""A stop asked for while ``cpb render`` works (Ctrl-C, or a stop signal from a scheduler), kept so it is never lost.

The render's handler raises :class:`KeyboardInterrupt` where the main thread is, which unwinds the build
and removes what it had half-written. Python runs a signal handler between any two steps of its code,
including inside a finaliser (an object being deleted), where an exception is printed and then ignored:
the stop would be lost and the render would carry on to publish. So the handler also remembers that a
stop was asked for, and :func:`stop_if_asked` raises again before anything is published; while a stop is
asked for, Python's report of the ignored exception (a traceback on the terminal) is left out
(:func:`quiet_unraisable`), as the stop is acted on.

>>> asked_to_stop()
False
"""

from __future__ import annotations

import sys
import threading

_asked = threading.Event()


def ask_to_stop(signum=None, frame=None) -> None:
    """The signal handler: remember the stop, and stop here."""
    _asked.set()
    raise KeyboardInterrupt


def asked_to_stop() -> bool:
    return _asked.is_set()


def stop_if_asked() -> None:
    """Raise :class:`KeyboardInterrupt` if a stop was asked for (and lost on the way)."""
    if _asked.is_set():
        raise KeyboardInterrupt


def forget() -> None:
    """Start again with no stop asked for (when the render that was asked to stop has ended)."""
    _asked.clear()


def quiet_unraisable(report) -> None:
    """``sys.unraisablehook`` for a render: an interruption raised inside a finaliser is remembered already
    (:func:`ask_to_stop`) and needs no traceback; anything else is reported as Python reports it."""
    if report.exc_type is KeyboardInterrupt and _asked.is_set():
        return
    sys.__unraisablehook__(report)
