"""NB2xx: structure and modularity."""

#: code -> "module:Class" (never reuse a released code)
RULES = {
    "NB205": "nb205_function_reads_globals:FunctionReadsGlobals",
}
