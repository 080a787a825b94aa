"""NB3xx: imports and dependencies."""

#: code -> "module:Class" (never reuse a released code)
RULES = {
    "NB301": "nb301_import_after_first_code_cell:ImportAfterFirstCodeCell",
    "NB302": "nb302_import_not_at_top_of_cell:ImportNotAtTopOfCell",
    "NB306": "nb306_install_in_notebook:InstallInNotebook",
    "NB307": "nb307_unused_import:UnusedImport",
    "NB308": "nb308_nonstandard_alias:NonstandardAlias",
    "NB309": "nb309_sys_path_hack:SysPathHack",
    "NB310": "nb310_optional_import_ambiguity:OptionalImportAmbiguity",
    "NB311": "nb311_removed_api_import:RemovedApiImport",
}

#: Rules a user turns on with --select (each class says `default = False` too).
OFF_BY_DEFAULT = frozenset({"NB308", "NB310"})
