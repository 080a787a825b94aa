"""What `convert --serve` and `convert --schedule` add to a plan that has a model.

--serve writes serve.py and needs FastAPI, pydantic, uvicorn and the Prometheus
client, pinned also when nb2prod's environment lacks them (the image's `serve` target
installs them); with no model to serve the plan only gets a warning. --schedule splits the pipeline at the step
that fits the model, when that is a clean boundary: the steps after it need nothing
from it but the model, which `predict` loads from disk instead.
"""

from __future__ import annotations

from nb2prod.planning.plan import Plan, Requirement, Warning
from nb2prod.planning.requirements import pinned

#: The distributions serve.py imports (each by its name, `-` as `_`), and the version
#: pinned when nb2prod's own environment does not have one: releases that go together
#: and still install on the oldest Python an image can have (3.9).
SERVING = {
    "fastapi": "0.128.0",
    "prometheus-client": "0.26.0",
    "pydantic": "2.12.5",
    "uvicorn": "0.39.0",
}


def with_serving(plan: Plan) -> Plan:
    """`plan` with the model service (serve.py) and what it needs; a plan without a
    trained model gets a warning instead, as there is nothing to serve."""
    if plan.model is None:
        return _warn(
            plan,
            "--serve: the notebook trains no model this plan can find; no serve.py",
        )
    present = {
        requirement.name.split("==")[0].lower() for requirement in plan.requirements
    }
    added = tuple(
        Requirement(_pinned_for_serving(name), "package", (name.replace("-", "_"),))
        for name in SERVING
        if name not in present
    )
    return plan._replace(serve=True, requirements=(*plan.requirements, *added))


def environment_prefix(package: str) -> str:
    """The prefix of the service's environment variables (`CHURN_API_KEY`...)."""
    return package.replace(".", "_").upper()


def _pinned_for_serving(name: str) -> str:
    """`name==version`: the installed version, else the one SERVING names."""
    requirement = pinned(name)
    return requirement if "==" in requirement else f"{name}=={SERVING[name]}"


def with_schedule(plan: Plan) -> Plan:
    """`plan` split into train and predict at the step that fits the model, when the
    split is clean: the steps after it need nothing from it but the model. Otherwise
    a warning says why, and the package has no train/predict commands."""
    if plan.model is None:
        return _warn(
            plan, "--schedule: the notebook trains no model this plan can find"
        )
    steps = plan.steps
    number = next(
        (n for n, step in enumerate(steps) if plan.model.cell in step.cells), None
    )
    if number is None:
        return _warn(plan, "--schedule: the cell that fits the model is in no step")
    training, after = steps[number], steps[number + 1 :]
    if not after:
        return _warn(
            plan,
            f"--schedule: no step comes after `{training.name}`, which fits "
            f"`{plan.model.name}`; there is nothing to predict",
        )
    earlier = {name for step in steps[:number] for name in step.returns}
    needed = sorted(
        {
            name
            for step in after
            for name in step.params
            if name in training.returns and name not in earlier
        }
        - {plan.model.name}
    )
    if needed:
        return _warn(
            plan,
            f"--schedule: no clear train/predict boundary: the steps after "
            f"`{training.name}` need {', '.join(needed)} from it, besides the model",
        )
    return plan._replace(train_step=training.name)


def _warn(plan: Plan, message: str) -> Plan:
    return plan._replace(warnings=(*plan.warnings, Warning(None, message)))
