"""Run `nb2prod ARGS` in this process and write its peak resident memory, in MB, to
the file `NB2PROD_PEAK_FILE` names.

A child's `ru_maxrss` starts at its parent's size (Linux keeps the high-water mark
across fork and exec), so the benchmark's own memory would count; the kernel's
`VmHWM` of this process, read at exit, does not.

    NB2PROD_PEAK_FILE=peak.txt python -m benchmarks._peak lint nb.ipynb
"""

from __future__ import annotations

import atexit
import os
import resource
import sys
from pathlib import Path


def peak_mb() -> float:
    """This process's peak resident memory in MB (`VmHWM`, else `ru_maxrss`)."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        status = ""
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, else KB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 1e6


def _write_peak() -> None:
    Path(os.environ["NB2PROD_PEAK_FILE"]).write_text(f"{peak_mb():.1f}\n")


if __name__ == "__main__":
    atexit.register(_write_peak)
    from nb2prod.__main__ import main

    sys.argv = ["nb2prod", *sys.argv[1:]]
    main()
