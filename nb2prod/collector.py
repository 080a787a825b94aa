"""Fewer passes of Python's cyclic garbage collector over big, long-lived trees.

The collector's oldest generation is traversed whole every few thousand allocations,
so while a conversion holds a notebook's trees (its `ast` cells, its facts and plan)
and builds more (libcst modules, black's trees), each pass walks all of them again: a
third of the time of converting thousands of cells went there. Trees of `ast` and
libcst nodes hold no cycles, so reference counting frees them on time without the
collector; only its passes are saved. Process-wide state: not for nested or
concurrent use.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collection_paused() -> Iterator[None]:
    """No collector pass inside the block (it builds a big acyclic tree)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def survivors_frozen() -> Iterator[None]:
    """The objects alive when the block starts are left out of the collector's passes
    until it ends (`gc.freeze`); what the block allocates is collected as usual."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
