"""NB4xx: output, printing and logging."""

#: code -> "module:Class" (never reuse a released code)
RULES = {
    "NB401": "nb401_print_call:PrintCall",
    "NB406": "nb406_error_output_committed:ErrorOutputCommitted",
}
