"""Planning: every decision `convert` makes, as data (`plan.py`), before any code is
written. `--dry-run` prints the plan; nothing after it decides anything."""
