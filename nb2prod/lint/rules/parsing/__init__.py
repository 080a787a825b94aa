"""NB0xx: whether cells are Python, and IPython syntax that ties code to a kernel."""

#: code -> "module:Class" (never reuse a released code)
RULES = {
    "NB001": "nb001_invalid_syntax:InvalidSyntax",
}
