"""NB6xx: data-science API misuse."""

#: code -> "module:Class" (never reuse a released code)
RULES = {
    "NB601": "nb601_chain_indexing:ChainIndexing",
}
