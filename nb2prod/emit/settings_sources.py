"""Where a generated package reads its settings from, besides their defaults."""

from __future__ import annotations

from nb2prod.planning.plan import Plan


def env_prefix(plan: Plan) -> str:
    """`churn_model` -> `CHURN_MODEL_`: the prefix of the package's environment settings."""
    return plan.package.replace(".", "_").upper() + "_"


def reads_toml(plan: Plan) -> bool:
    """Whether the package reads a settings file: `tomllib` is in Python 3.11 on."""
    major, minor = (int(part) for part in plan.python_version.split(".")[:2])
    return (major, minor) >= (3, 11)
