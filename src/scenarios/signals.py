"""Ctrl-C and SIGTERM that are never lost.

Python raises ``KeyboardInterrupt`` wherever the main thread is when a signal arrives. Inside an
object's finaliser (``__del__``: a ZipFile collected while an xlsx file is written, say) the
exception is printed and dropped, and the command would finish as if nothing had happened. The
handler therefore also records the signal, and :func:`raise_if_interrupted` raises it again where
losing it would matter: before a finished run is moved into place.
"""

from __future__ import annotations

import signal

_received: list[int] = []


def interrupt(signum: int, frame: object) -> None:
    """Handler of SIGINT and SIGTERM: record the signal, then unwind like Ctrl-C."""
    _received.append(signum)
    raise KeyboardInterrupt


def install() -> None:
    """Handle SIGINT and SIGTERM with :func:`interrupt` (the command line does, at start)."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, interrupt)


def raise_if_interrupted() -> None:
    """Raise ``KeyboardInterrupt`` if a signal arrived, even one whose exception was dropped."""
    if _received:
        raise KeyboardInterrupt
