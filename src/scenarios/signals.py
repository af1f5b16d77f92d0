"""Ctrl-C and SIGTERM that are never lost.

Python raises ``KeyboardInterrupt`` wherever the main thread is when a signal arrives. Inside an
object's finaliser (``__del__``: a ZipFile collected while an xlsx file is written, say) the
exception is printed and dropped, and the command would finish as if nothing had happened. The
handler therefore also records the signal, and :func:`raise_if_interrupted` raises it again where
losing it would matter: before a finished run is moved into place. The report Python prints of
the dropped exception is left out: the signal is not lost, and the command says so in one line.
"""

from __future__ import annotations

import signal
import sys
from typing import Any

_received: list[int] = []


def interrupt(signum: int, frame: object) -> None:
    """Handler of SIGINT and SIGTERM: record the signal, then unwind like Ctrl-C."""
    _received.append(signum)
    raise KeyboardInterrupt


def install() -> None:
    """Handle SIGINT and SIGTERM with :func:`interrupt` (the command line does, at start)."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, interrupt)
    sys.unraisablehook = _without_interrupts(sys.unraisablehook)


def _without_interrupts(report: Any) -> Any:
    """``report`` (an unraisable hook), silent on the ``KeyboardInterrupt`` a finaliser drops."""

    if getattr(report, "drops_interrupts", False):  # installed already
        return report

    def hook(unraisable: Any) -> None:
        if not isinstance(unraisable.exc_value, KeyboardInterrupt):
            report(unraisable)

    hook.drops_interrupts = True  # type: ignore[attr-defined]
    return hook


def raise_if_interrupted() -> None:
    """Raise ``KeyboardInterrupt`` if a signal arrived, even one whose exception was dropped."""
    if _received:
        raise KeyboardInterrupt
