"""The rich console every text report renders into: a string buffer, a fixed width,
colour only on a terminal (the 8 standard colours), no automatic highlighting."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


def text_console(color: bool, width: int) -> Console:
    import io

    from rich.console import Console

    return Console(
        file=io.StringIO(),
        width=width,
        force_terminal=color,
        color_system="standard" if color else None,
        highlight=False,
    )
