"""Imports of the notebook's local modules reach the copies under `PKG._local`.

`import utils` -> `from PKG._local import utils`, `from utils.io import load` ->
`from PKG._local.utils.io import load`, `import utils.io as uio` ->
`from PKG._local.utils import io as uio`; `import utils.io` keeps binding `utils` (with
`io` loaded). Applied to the generated modules and to the copied modules themselves.
"""

from __future__ import annotations

import libcst as cst


def vendor_imports(code: str, package: str, local: frozenset[str]) -> str:
    """`code` with its absolute imports of `local` names rewritten to `package._local`."""
    if not local or not any(name in code for name in local):
        return code
    module = cst.parse_module(code)
    return module.visit(_LocalImports(f"{package}._local", local)).code


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    raise ValueError(node)


def _expression(dotted: str) -> cst.Attribute | cst.Name:
    expression = cst.parse_expression(dotted)
    assert isinstance(expression, cst.Attribute | cst.Name)
    return expression


class _LocalImports(cst.CSTTransformer):
    def __init__(self, home: str, local: frozenset[str]) -> None:
        super().__init__()
        self.home = home
        self.local = local

    def leave_ImportFrom(
        self, original: cst.ImportFrom, updated: cst.ImportFrom
    ) -> cst.ImportFrom:
        if updated.relative or updated.module is None:
            return updated
        dotted = _dotted(updated.module)
        if dotted.split(".")[0] not in self.local:
            return updated
        return updated.with_changes(module=_expression(f"{self.home}.{dotted}"))

    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.FlattenSentinel[cst.SimpleStatementLine]:
        if not any(isinstance(small, cst.Import) for small in updated.body):
            return updated
        lines: list[cst.SimpleStatementLine] = []
        kept: list[cst.BaseSmallStatement] = []
        for small in updated.body:
            if not isinstance(small, cst.Import):
                kept.append(small)
                continue
            others = []
            for alias in small.names:
                replacement = self._rewrite(alias)
                if replacement is None:
                    others.append(alias.with_changes(comma=cst.MaybeSentinel.DEFAULT))
                else:
                    lines += replacement
            if others:
                kept.append(small.with_changes(names=others))
        if not lines:
            return updated
        if kept:
            lines.insert(0, updated.with_changes(body=kept))
        else:
            lines[0] = lines[0].with_changes(leading_lines=updated.leading_lines)
        return cst.FlattenSentinel(lines)

    def _rewrite(self, alias: cst.ImportAlias) -> list[cst.SimpleStatementLine] | None:
        dotted = _dotted(alias.name)
        parts = dotted.split(".")
        if parts[0] not in self.local:
            return None
        bound = alias.asname.name.value if alias.asname else None  # type: ignore[union-attr]
        if len(parts) == 1:
            rename = f" as {bound}" if bound and bound != dotted else ""
            return [_line(f"from {self.home} import {dotted}{rename}")]
        if bound:
            parent, leaf = ".".join(parts[:-1]), parts[-1]
            return [_line(f"from {self.home}.{parent} import {leaf} as {bound}")]
        # `import utils.io` binds `utils` and loads `utils.io`
        return [
            _line(f"import {self.home}.{dotted}"),
            _line(f"from {self.home} import {parts[0]}"),
        ]


def _line(source: str) -> cst.SimpleStatementLine:
    statement = cst.parse_statement(source)
    assert isinstance(statement, cst.SimpleStatementLine)
    return statement
