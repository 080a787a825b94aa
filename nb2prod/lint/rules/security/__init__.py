"""NB7xx: security and secrets."""

#: code -> "module:Class" (never reuse a released code)
RULES = {
    "NB701": "nb701_hardcoded_secret:HardcodedSecret",
}
