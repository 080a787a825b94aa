"""NB1xx: execution order and hidden state."""

#: code -> "module:Class" (never reuse a released code)
RULES = {
    "NB101": "nb101_out_of_order_execution:OutOfOrderExecution",
    "NB102": "nb102_execution_count_gap:ExecutionCountGap",
    "NB103": "nb103_duplicate_execution_count:DuplicateExecutionCount",
    "NB104": "nb104_unexecuted_cell_among_executed:UnexecutedCellAmongExecuted",
    "NB105": "nb105_notebook_never_executed:NotebookNeverExecuted",
    "NB106": "nb106_use_before_definition:UseBeforeDefinition",
    "NB107": "nb107_undefined_name:UndefinedName",
    "NB109": "nb109_non_idempotent_cell:NonIdempotentCell",
    "NB110": "nb110_redefined_definition:RedefinedDefinition",
    "NB111": "nb111_hidden_state_magic:HiddenStateMagic",
    "NB112": "nb112_used_after_del:UsedAfterDel",
}

#: Rules a user turns on with --select (each class says `default = False` too).
OFF_BY_DEFAULT = frozenset({"NB105", "NB109"})
