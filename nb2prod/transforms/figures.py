"""`plt.show()` saves the figure to the output folder instead of opening a window."""

from __future__ import annotations

import libcst as cst

_PYPLOT_NAMES = frozenset({"plt", "pyplot", "pylab"})


class ShowToSave(cst.CSTTransformer):
    """`plt.show()` -> `save_figure("name")`; `fig.show()` -> `save_figure("name", fig)`."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.saved = 0
        self.needs: set[str] = set()  # what the rewritten code reads (see emit/code.py)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = updated.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "show"):
            return updated
        receiver = func.value
        label = cst.Arg(cst.SimpleString(repr(self.name)))
        if isinstance(receiver, cst.Name) and receiver.value in _PYPLOT_NAMES:
            self.saved += 1
            self.needs.add("save_figure")
            return cst.Call(cst.Name("save_figure"), [label])
        if isinstance(receiver, cst.Name) and receiver.value.lower().startswith("fig"):
            self.saved += 1
            self.needs.add("save_figure")
            return cst.Call(cst.Name("save_figure"), [label, cst.Arg(receiver)])
        return updated
