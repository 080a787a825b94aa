"""Lint rules, one module per rule, grouped by family (see `nb2prod.lint.registry`)."""
