"""NB0xx: whether cells are Python, IPython syntax that ties code to a kernel, and the
suppression comments nb2prod itself reads."""

#: code -> "module:Class" (never reuse a released code)
RULES = {
    "NB001": "nb001_invalid_syntax:InvalidSyntax",
    "NB002": "nb002_ipython_syntax:IpythonSyntax",
    "NB003": "nb003_non_python_cell:NonPythonCell",
    "NB004": "nb004_top_level_await:TopLevelAwait",
    "NB009": "nb009_unused_noqa:UnusedNoqa",
}

#: Rules a user turns on with --select (each class says `default = False` too).
OFF_BY_DEFAULT = frozenset({"NB002"})
