"""NB4xx: output, printing and logging."""

#: code -> "module:Class" (never reuse a released code)
RULES = {
    "NB401": "nb401_print_call:PrintCall",
    "NB402": "nb402_display_expression:DisplayExpression",
    "NB403": "nb403_display_call:DisplayCall",
    "NB404": "nb404_interactive_plotting:InteractivePlotting",
    "NB405": "nb405_heavy_outputs:HeavyOutputs",
    "NB406": "nb406_error_output_committed:ErrorOutputCommitted",
    "NB407": "nb407_eager_log_formatting:EagerLogFormatting",
    "NB408": "nb408_root_logger_call:RootLoggerCall",
    "NB409": "nb409_warnings_silenced:WarningsSilenced",
}

#: Rules a user turns on with --select (each class says `default = False` too).
OFF_BY_DEFAULT = frozenset({"NB402", "NB403", "NB408"})
