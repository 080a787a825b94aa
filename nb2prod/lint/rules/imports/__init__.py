"""NB3xx: imports and dependencies."""

#: code -> "module:Class" (never reuse a released code)
RULES = {
    "NB301": "nb301_import_after_first_code_cell:ImportAfterFirstCodeCell",
}
