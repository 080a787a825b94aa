"""`print(...)` -> a lazily formatted call on the module logger, same text.

`print("acc", acc)` becomes `logger.info("acc %s", acc)`: literal arguments fold into
the format string (with `%` escaped), f-string fields become `%s`/`%r`/`%.3f` with
their expressions as arguments, `sep` is honoured, `file=sys.stderr` logs a warning,
and `file=<real file>` keeps the print (that is output, not logging). The logged text
is exactly what print wrote, so runs of the notebook and the package can be compared.
`display(x)` (IPython's) becomes `logger.debug("%s", x)`. In `exact` mode (code that
prints lines in pieces with `end=`), prints become `print_to_log(logger, ...)`, which
logs the same lines print would have written.
"""

from __future__ import annotations

import ast
import re

import libcst as cst

from nb2prod.transforms.display_labels import display_record

_SIMPLE_SPEC = re.compile(r"^(?:\.\d+)?[dfeEgGxXo]$|^\.\d+[fFeEgG]$")
_NOT_OUTPUT_FILES = ("sys.stdout", "sys.stderr", "None")


class PrintToLogging(cst.CSTTransformer):
    """Rewrite print and display calls; `logger` is the logger expression to call."""

    def __init__(
        self,
        logger: str = "logger",
        *,
        exact: bool = False,
        tensors: bool = False,
        metrics: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__()
        self.logger = logger
        self.metrics = metrics  # variables holding metrics: displayed at INFO
        # f-string fields of a notebook using tensors keep `format()`: a 0-d tensor
        # formats as its number in an f-string, as `tensor(0.31, ...)` with %s
        self.tensors = tensors
        self.exact = (
            exact  # print_to_log(logger, ...), for code building lines in pieces
        )
        self.rewritten = 0
        self.needs: set[str] = set()  # what the rewritten code reads (see emit/code.py)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = updated.func
        if not isinstance(func, cst.Name):
            return updated
        if func.value == "print":
            call = self._print(updated)
        elif func.value == "display" and updated.args:
            values = [a.value for a in updated.args if not a.keyword]
            if len(values) == 1:  # one value: labelled with its source
                level, text = display_record(values[0], self.metrics)
                call = self._log(level, text, values)
            else:
                call = self._log("debug", *_fold(values, " ", self.tensors))
        else:
            return updated
        if call is None:
            return updated
        self.rewritten += 1
        return call

    def _print(self, call: cst.Call) -> cst.Call | None:
        keywords = {arg.keyword.value: arg.value for arg in call.args if arg.keyword}
        if self.exact and _not_a_file(keywords.get("file")):
            self.needs.add("print_to_log")
            logger = cst.Arg(cst.parse_expression(self.logger))
            return call.with_changes(
                func=cst.Name("print_to_log"), args=[logger, *call.args]
            )
        positional = [arg for arg in call.args if not arg.keyword]
        target = keywords.get("file")
        level = "info"
        if target is not None:
            text = cst.Module([]).code_for_node(target)
            if text not in _NOT_OUTPUT_FILES:
                return None  # writing to a real file is output, not logging
            level = "warning" if text == "sys.stderr" else "info"
        if any(arg.star for arg in call.args) or (
            "sep" in keywords and _string(keywords["sep"]) is None
        ):
            return self._log(level, "%s", [_joined(call, keywords.get("sep"))])
        separator = _string(keywords["sep"]) if "sep" in keywords else " "
        return self._log(
            level,
            *_fold([arg.value for arg in positional], separator or "", self.tensors),
        )

    def _log(
        self, level: str, message: str, args: list[cst.BaseExpression]
    ) -> cst.Call:
        pieces = [cst.Arg(cst.SimpleString(repr(message)))]
        pieces += [cst.Arg(value) for value in args]
        logger = cst.parse_expression(self.logger)
        return cst.Call(func=cst.Attribute(logger, cst.Name(level)), args=pieces)


def _not_a_file(target: cst.BaseExpression | None) -> bool:
    return target is None or cst.Module([]).code_for_node(target) in _NOT_OUTPUT_FILES


def _fold(
    values: list[cst.BaseExpression], separator: str, tensors: bool = False
) -> tuple[str, list[cst.BaseExpression]]:
    """A %-format and its arguments printing `values` joined by `separator`."""
    parts: list[str] = []
    args: list[cst.BaseExpression] = []
    for value in values:
        literal = _string(value)
        if literal is not None:
            parts.append(_escape(literal))
        elif isinstance(value, cst.FormattedString) and _simple_fstring(value):
            text, extra = _from_fstring(value, tensors)
            parts.append(text)
            args.extend(extra)
        else:
            parts.append("%s")
            args.append(value)
    return _escape(separator).join(parts), args


def _simple_fstring(value: cst.FormattedString) -> bool:
    return "b" not in value.prefix.lower() and all(
        isinstance(part, cst.FormattedStringText)
        or (isinstance(part, cst.FormattedStringExpression) and part.equal is None)
        for part in value.parts
    )


def _from_fstring(
    value: cst.FormattedString, tensors: bool = False
) -> tuple[str, list[cst.BaseExpression]]:
    text: list[str] = []
    args: list[cst.BaseExpression] = []
    raw = "r" in value.prefix.lower()
    for part in value.parts:
        if isinstance(part, cst.FormattedStringText):
            text.append(_escape(_unescape(part.value, raw)))
            continue
        assert isinstance(part, cst.FormattedStringExpression)
        expression = part.expression
        spec = part.format_spec
        if not spec:
            text.append("%" + (part.conversion or "s"))  # %r and %a match !r and !a
            formatted = (
                tensors and part.conversion is None and not _plain_value(expression)
            )
            args.append(
                cst.Call(cst.Name("format"), [cst.Arg(expression)])
                if formatted
                else expression
            )
            continue
        if part.conversion in ("r", "a", "s"):
            function = {"r": "repr", "a": "ascii", "s": "str"}[part.conversion]
            expression = cst.Call(cst.Name(function), [cst.Arg(expression)])
        literal_spec = all(isinstance(p, cst.FormattedStringText) for p in spec)
        spec_text = "".join(
            p.value for p in spec if isinstance(p, cst.FormattedStringText)
        )
        if literal_spec and part.conversion is None and _SIMPLE_SPEC.match(spec_text):
            text.append("%" + spec_text)
            args.append(expression)
        else:  # keep the exact formatting: format(value, spec) as a %s argument
            spec_node: cst.BaseExpression = (
                cst.SimpleString(repr(spec_text))
                if literal_spec
                else cst.FormattedString(parts=list(spec))
            )
            text.append("%s")
            args.append(
                cst.Call(cst.Name("format"), [cst.Arg(expression), cst.Arg(spec_node)])
            )
    return "".join(text), args


#: Builtins whose results are plain numbers or text: `format` would change nothing
#: (not `round` or `abs`, which return a tensor for a tensor).
_PLAIN_RESULTS = frozenset(
    {"len", "str", "int", "float", "repr", "bool", "hex", "oct", "type"}
)


def _plain_value(expression: cst.BaseExpression) -> bool:
    """True for a literal or a call of a builtin returning a plain number or text."""
    if isinstance(expression, cst.BaseString | cst.Integer | cst.Float):
        return True
    return (
        isinstance(expression, cst.Call)
        and isinstance(expression.func, cst.Name)
        and expression.func.value in _PLAIN_RESULTS
    )


def _joined(call: cst.Call, separator: cst.BaseExpression | None) -> cst.BaseExpression:
    """`sep.join(map(str, (a, *b)))` for prints too unusual to fold."""
    elements = [
        cst.StarredElement(arg.value) if arg.star == "*" else cst.Element(arg.value)
        for arg in call.args
        if not arg.keyword and arg.star != "**"
    ]
    items = cst.Tuple(elements) if elements else cst.Tuple([])
    mapped = cst.Call(cst.Name("map"), [cst.Arg(cst.Name("str")), cst.Arg(items)])
    sep = separator if separator is not None else cst.SimpleString('" "')
    return cst.Call(cst.Attribute(sep, cst.Name("join")), [cst.Arg(mapped)])


def _string(node: cst.BaseExpression) -> str | None:
    """The value of a plain (or implicitly concatenated) string literal, else None."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        try:
            value = ast.literal_eval(cst.Module([]).code_for_node(node))
        except (ValueError, SyntaxError):
            return None
        return value if isinstance(value, str) else None
    return None


def _unescape(text: str, raw: bool) -> str:
    """The characters an f-string's literal part stands for."""
    text = text.replace("{{", "{").replace("}}", "}")
    if raw:
        return text
    try:
        value = ast.literal_eval('"""' + text.replace('"', '\\"') + '"""')
    except (ValueError, SyntaxError):
        return text
    return value if isinstance(value, str) else text


def _escape(text: str) -> str:
    return text.replace("%", "%%")
