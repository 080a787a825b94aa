"""NB5xx: reproducibility."""

#: code -> "module:Class" (never reuse a released code)
RULES = {
    "NB501": "nb501_absolute_path:AbsolutePath",
}
