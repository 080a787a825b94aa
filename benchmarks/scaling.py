"""Scaling benchmark: reading and parsing must grow linearly with notebook size.

    python -m benchmarks.scaling [--runs N] [--full]

Times `inspect_notebook` in-process on a notebook of N cells and one of 2N cells, a
cell of L lines and one of 2L lines (plain Python and IPython-heavy), and reports the
ratio of the best CPU times. Linear work gives about 2; quadratic work gives 4. Exits 1 when a
ratio exceeds `MAX_RATIO`. `--full` uses the sizes the foundation issue names
(3,000 cells, a 20,000-line cell).
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable

from nb2prod.inspection import inspect_notebook
from nb2prod.notebook import Notebook
from nb2prod.testing import notebook

MAX_RATIO = 2.6


def _many_cells(count: int) -> Notebook:
    return notebook(*[f"x{i} = f(x{i - 1})\nprint(x{i})" for i in range(count)])


def _long_python_cell(lines: int) -> Notebook:
    return notebook(
        "\n".join(f"v{i} = f(v{i - 1}, 'a', {i})  # step {i}" for i in range(lines))
    )


def _long_ipython_cell(lines: int) -> Notebook:
    kinds = ("!echo {i}", "%time v{i} = {i}", "files{i} = !ls", "x{i} = ({i},\n  {i})")
    return notebook("\n".join(kinds[i % 4].format(i=i) for i in range(lines)))


def _best_seconds(build: Callable[[int], Notebook], size: int, runs: int) -> float:
    """The fastest of `runs` timings, in CPU seconds of this process, with the garbage
    collector paused as timeit does: the minimum is what the code costs, the rest is
    what other processes on a shared machine cost it."""
    model = build(size)
    times = []
    for _ in range(runs):
        gc.collect()
        gc.disable()
        try:
            start = time.process_time()
            inspect_notebook(model)
            times.append(time.process_time() - start)
        finally:
            gc.enable()
    return min(times)


def _ratio(
    build: Callable[[int], Notebook], size: int, runs: int
) -> tuple[float, float]:
    small = _best_seconds(build, size, runs)
    large = _best_seconds(build, size * 2, runs)
    return small, large


def main(argv: list[str] | None = None) -> int:
    """Print sizes, medians and ratios; return 1 if any ratio shows superlinear growth."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--full", action="store_true", help="3,000 cells, 20,000 lines")
    args = parser.parse_args(argv)
    cells, lines = (3000, 20000) if args.full else (1500, 5000)
    cases = [
        ("cells", _many_cells, cells // 2),
        ("lines of Python in one cell", _long_python_cell, lines // 2),
        ("lines of IPython syntax in one cell", _long_ipython_cell, lines // 2),
    ]
    failed = False
    for label, build, size in cases:
        small, large = _ratio(build, size, args.runs)
        if large > MAX_RATIO * small:  # measure again before calling it superlinear
            small, large = _ratio(build, size, args.runs * 2)
        ratio = large / small if small else float("inf")
        verdict = "ok" if ratio <= MAX_RATIO else "SUPERLINEAR"
        failed |= ratio > MAX_RATIO
        print(
            f"{size:>6} -> {size * 2:>6} {label:<36} "
            f"{small:8.3f} s -> {large:8.3f} s  ratio {ratio:4.2f}  {verdict}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
