"""The processes verify starts, which never outlive it.

Each side runs in a session of its own, so a terminal's Ctrl-C reaches nb2prod alone,
which then stops the side in order. Stopping covers everything the side started: its
process group, and every descendant seen while it ran (the kernel starts a session of
its own, so the group alone would miss it). Output goes to a file, not a pipe: a
process that outlives its parent cannot keep a read blocked.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

from nb2prod.verify.interrupts import shielded

#: Seconds a side has to stop after SIGTERM (nbclient shuts its kernel down) before SIGKILL.
GRACE_SECONDS = 3.0
_PROC = Path("/proc")
_KILL = getattr(signal, "SIGKILL", signal.SIGTERM)  # Windows has no SIGKILL


def run_process(
    command: list[str], cwd: Path, env: dict[str, str], timeout: float, log: Path
) -> int:
    """Run `command` to its end and return its exit code, its stderr in `log`; raises
    `subprocess.TimeoutExpired` after `timeout` seconds. However this ends (timeout,
    signal, error), the process and all it started are stopped first."""
    process: subprocess.Popen[bytes] | None = None
    try:
        with shielded(), open(log, "wb") as stderr:
            process = subprocess.Popen(
                command,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                start_new_session=True,
            )
        return process.wait(timeout=timeout)
    finally:
        if process is not None:
            with shielded():
                stop_process_tree(process)


def stop_process_tree(process: subprocess.Popen[bytes]) -> None:
    """Stop `process`, its process group and its descendants: SIGTERM first, so that
    nbclient can shut its kernel down, SIGKILL for whatever is left."""
    family = descendants(process.pid)
    if process.poll() is None:
        _signal_group(process, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=GRACE_SECONDS)
        family += descendants(process.pid)
    _signal_group(process, _KILL)
    for pid, started in family:
        if process_start_time(pid) == started:  # the same process, not a reused pid
            _kill(pid)
    process.wait()
    _wait_until_gone(family)


def _wait_until_gone(family: list[tuple[int, str]], seconds: float = 2.0) -> None:
    """SIGKILL takes effect asynchronously: return once the killed processes are gone,
    so that nothing verify started still runs when it exits."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(
        process_start_time(pid) == started for pid, started in family
    ):
        time.sleep(0.01)


def descendants(pid: int) -> list[tuple[int, str]]:
    """Children, grandchildren... of `pid` as (pid, start time); empty without /proc."""
    children: dict[int, list[tuple[int, str]]] = {}
    try:
        entries = list(_PROC.iterdir())
    except OSError:
        return []
    for entry in entries:
        if entry.name.isdigit():
            parsed = _stat(int(entry.name))
            if parsed is not None:
                parent, started = parsed
                children.setdefault(parent, []).append((int(entry.name), started))
    found: list[tuple[int, str]] = []
    pending = [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child[0])
    return found


def _stat(pid: int) -> tuple[int, str] | None:
    """(parent pid, start time) from /proc/PID/stat; the name may hold spaces and ')'."""
    try:
        text = (_PROC / str(pid) / "stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    fields = text[text.rfind(")") + 2 :].split()
    if len(fields) < 20 or fields[0] == "Z":
        return None  # a zombie has finished already
    return int(fields[1]), fields[19]


def process_start_time(pid: int) -> str | None:
    """When `pid` started (to tell it from a later process with the same pid), or None
    when it has ended or /proc is missing."""
    parsed = _stat(pid)
    return parsed[1] if parsed is not None else None


def _signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    """Signal the process group the side leads (Windows has none: the process only)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):  # the group ended
        if hasattr(os, "killpg"):
            os.killpg(process.pid, signum)
        elif process.poll() is None:
            process.terminate()


def _kill(pid: int) -> None:
    """SIGKILL `pid`, and its group when it leads one (a kernel and what it started)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if os.getpgid(pid) == pid:
            os.killpg(pid, _KILL)
        else:
            os.kill(pid, _KILL)
