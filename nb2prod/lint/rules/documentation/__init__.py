"""NB8xx: documentation and naming."""

#: code -> "module:Class" (never reuse a released code)
RULES = {
    "NB801": "nb801_untitled_notebook:UntitledNotebook",
}
