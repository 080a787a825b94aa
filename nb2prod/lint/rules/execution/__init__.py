"""NB1xx: execution order and hidden state."""

#: code -> "module:Class" (never reuse a released code)
RULES = {
    "NB101": "nb101_out_of_order_execution:OutOfOrderExecution",
    "NB106": "nb106_use_before_definition:UseBeforeDefinition",
}
