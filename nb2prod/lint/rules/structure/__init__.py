"""NB2xx: structure and modularity."""

#: code -> "module:Class" (never reuse a released code)
RULES = {
    "NB201": "nb201_notebook_too_long:NotebookTooLong",
    "NB202": "nb202_cell_too_long:CellTooLong",
    "NB203": "nb203_empty_cell:EmptyCell",
    "NB204": "nb204_no_abstraction:NoAbstraction",
    "NB205": "nb205_function_reads_globals:FunctionReadsGlobals",
    "NB206": "nb206_star_import:StarImport",
    "NB207": "nb207_cloned_cells:ClonedCells",
    "NB208": "nb208_long_comment_block:LongCommentBlock",
    "NB209": "nb209_import_unsafe_top_level:ImportUnsafeTopLevel",
    "NB210": "nb210_no_tests:NoTests",
    "NB211": "nb211_no_code:NoCode",
}

#: Rules a user turns on with --select (each class says `default = False` too).
OFF_BY_DEFAULT = frozenset({"NB207", "NB208", "NB209", "NB210"})
