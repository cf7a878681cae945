"""ROOT-NOT-IN-REGISTRY: every root of a generated tree is a role the registry asks for.

A root for a tenant the registry does not have (removed, renamed, or never there), for a scenario
the tenant does not have, or Terraform files in a folder of the tree where ``generate`` writes no
root would be applied by a pipeline that runs every root, with nothing in the registry to review.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.lint.findings import Finding, Location
from generator.lint.root_subjects import TreeSubject
from generator.lint.rule import Rule


class RootNotInRegistry(Rule):
    description = "Every root of a generated tree is a tenant and scenario of the registry"
    control = "IAM-006 (least privilege: only the roles the registry asks for exist)"
    help = "Delete the folder, or add the tenant or scenario to the registry and run `xacct generate`."

    def check_tree(self, tree: TreeSubject) -> Iterator[Finding]:
        if tree.loaded is None:
            return
        registry = tree.loaded.path.name
        for root in tree.roots:
            if root.spec is not None or root.retiring is not None:
                continue  # a registry role, or an offboarding one (ROOT-DRIFT checks it calls nothing)
            if root.tenant_known:
                message = (
                    f"root {root.key}: tenant {root.tenant} has no {root.scenario} role in {registry}; "
                    "delete the root or add the scenario to the tenant"
                )
            else:
                message = (
                    f"root {root.key}: tenant {root.tenant} is not in {registry}; "
                    "delete the root or add the tenant"
                )
            yield self.at(root.first_location(), message, tenant=root.tenant, scenario=root.scenario)
        for first, folder in tree.stray_folders:
            yield self.at(
                Location(first, 1, "(root)"),
                f"{folder} holds Terraform files but is not a <tenant>/<scenario> root of {registry}; "
                "delete it",
            )
