"""Tenants and scenarios a generated tree holds that the registry dropped without offboarding them.

Removing a tenant (or one scenario) from the registry would remove its root, and with it the only
configuration that can destroy its role: with remote state nothing else stops that, and the role would
stay deployed and trusted. So a root the manifests record must leave through the lifecycle instead:
``status: offboarding`` (its root plans the destroy), then ``status: offboarded`` (the next generate
removes the folder), and only then may the entry go.
"""

from __future__ import annotations

from pathlib import Path

from generator.output.manifest import TreeRecord
from generator.registry import LoadedRegistry, Problem
from generator.registry.model import SCENARIOS

HOW = (
    "put it back with `status: offboarding`, apply the destroy its root then plans "
    "(plan-guard --allow-destroy {tenant}), then set `status: offboarded` "
    "(or remove it from the registry once its folder is gone)"
)


def recorded_scenarios(files: list[str]) -> set[str]:
    """The scenario roots among a tenant's recorded files (``tenant/scenario/...``)."""
    split = (rel.split("/") for rel in files)
    return {parts[1] for parts in split if len(parts) > 2 and parts[1] in SCENARIOS}


def dropped(loaded: LoadedRegistry, record: TreeRecord, out: Path) -> list[Problem]:
    """One problem per tenant or scenario that ``record`` holds and the registry no longer has."""
    tenants = {t.name: (i, t) for i, t in enumerate(loaded.model.tenants)}
    problems = []
    for name, manifest in sorted(record.tenants.items()):
        found = tenants.get(name)
        if found is None:
            message = (
                f"tenant {name} was generated ({out / name}) but is no longer in the registry: "
                + HOW.format(tenant=name)
            )
            problems.append(loaded.source.problem(("tenants",), message))
            continue
        index, tenant = found
        have = {scenario for scenario, _ in tenant.scenarios()}
        for scenario in sorted(recorded_scenarios(list(manifest.files)) - have):
            message = (
                f"scenario {scenario} of tenant {name} was generated ({out / name / scenario}) but is no "
                "longer in the registry: " + HOW.format(tenant=name)
            )
            problems.append(loaded.source.problem(("tenants", index), message))
    return problems
