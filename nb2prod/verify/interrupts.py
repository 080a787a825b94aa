"""Signals that stop `verify`: SIGINT, SIGTERM and SIGHUP, turned into an exception.

Without this, SIGTERM ends nb2prod at once: no `finally` runs, so the kernel keeps
running and the temporary copies stay. While `interrupt_guard()` is active the first of
these signals raises `Interrupted` in the main thread, where the `finally` blocks stop
the processes and remove the copies; later signals are ignored so that cleanup is never
cut short. `shielded()` holds a signal back across steps that must not be cut in half
(starting a process and recording it, stopping it, removing a folder). The CLI turns
`VerifyInterrupted` into one line and exit code 128 + the signal number.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from nb2prod.errors import Nb2ProdError

_HANDLED = tuple(
    getattr(signal, name)
    for name in ("SIGINT", "SIGTERM", "SIGHUP")
    if hasattr(signal, name)
)


class Interrupted(BaseException):
    """Raised by the signal handler; a BaseException so no `except Exception` eats it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class VerifyInterrupted(Nb2ProdError):
    """verify stopped on a signal, after stopping its processes and removing its copies."""

    def __init__(self, path: str, signum: int) -> None:
        name = signal.Signals(signum).name
        super().__init__(
            path,
            f"interrupted by {name}; verify stopped the processes it started and "
            "removed its temporary folder",
        )
        self.signum = signum
        self.exit_code = 128 + signum  # the shell's convention: 130 SIGINT, 143 SIGTERM


class _Guard:
    def __init__(self) -> None:
        self.received: int | None = None
        self.raised = False
        self.held = 0

    def handle(self, signum: int, _frame: FrameType | None) -> None:
        if self.received is None:
            self.received = signum
        if not self.held:
            self.raise_pending()

    def raise_pending(self) -> None:
        if self.received is not None and not self.raised:
            self.raised = True
            raise Interrupted(self.received)


_active: _Guard | None = None


@contextmanager
def interrupt_guard() -> Iterator[None]:
    """Turn the stopping signals into `Interrupted` for the duration (main thread only:
    elsewhere Python cannot install handlers, and the signals keep their effect)."""
    global _active
    if threading.current_thread() is not threading.main_thread() or _active:
        yield
        return
    guard = _Guard()
    previous = {signum: signal.getsignal(signum) for signum in _HANDLED}
    _active = guard
    for signum in _HANDLED:
        signal.signal(signum, guard.handle)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
        _active = None


@contextmanager
def shielded() -> Iterator[None]:
    """Hold a stopping signal back until the block ends, then raise it."""
    guard = _active
    if guard is None or threading.current_thread() is not threading.main_thread():
        yield  # the handlers run in the main thread only
        return
    guard.held += 1
    try:
        yield
    finally:
        guard.held -= 1
        if not guard.held:
            guard.raise_pending()
