"""ROOT-DRIFT: a root's module call and provider say what the registry says for its tenant and scenario.

Each root is compared with the registry's role (``build_roles``): the permission document rebuilt
from ``policy_statements`` with the model's, statement by statement; every other module argument
(role name, trusted principals, external ID, session length, tags, ...) with the value ``generate``
writes (an argument left out counts as the module's default); arguments the registry does not set;
and the account and region the aws provider is pinned to, with nothing else in that provider
(endpoints, credentials, assume_role, skip flags). When a permission statement differs, the
evaluator tells what the root's now reaches. An external ID the registry requires is left to
CAA-002, which names whose ID a wrong one is.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from generator.lint.findings import Finding, Location
from generator.lint.near_miss import reaches
from generator.lint.root_subjects import ROLE_CALL, RootSubject, TreeSubject
from generator.lint.rule import Rule
from generator.policy.roles import RoleSpec

ABSENT = object()
# What the module does with an argument a root leaves out (modules/*/variables.tf).
MODULE_DEFAULTS: dict[str, Any] = {
    "role_path": "/",
    "description": "",
    "max_session_duration": 3600,
    "policy_name": "xacct-permissions",
    "additional_external_ids": [],
    "tags": {},
    "suspended": False,
}


PROVIDER_ARGUMENTS = frozenset({"region", "allowed_account_ids"})  # all the generated provider sets


def _show(value: Any) -> str:
    if value is ABSENT or value is None:
        return "nothing"
    return json.dumps(value, separators=(", ", ": "), default=str)


def expected_arguments(spec: RoleSpec) -> dict[str, Any]:
    """The module arguments ``generate`` writes for ``spec`` (but ``source`` and ``policy_statements``)."""
    args: dict[str, Any] = {
        "role_name": spec.role_name,
        "role_path": spec.role_path,
        "description": spec.description,
        "max_session_duration": spec.max_session_duration,
        "trusted_principal_arns": list(spec.trusted_principal_arns),
        "external_id": spec.external_id,
        "additional_external_ids": list(spec.additional_external_ids),
        "permissions_boundary": spec.permissions_boundary,
        "policy_name": spec.policy_name,
        "tags": dict(spec.tags),
        "suspended": spec.suspended,
    }
    return args


def _statements(document: dict[str, Any] | None) -> list[dict[str, Any]]:
    statements = document.get("Statement") if document else None
    return [s for s in statements if isinstance(s, dict)] if isinstance(statements, list) else []


class RootDrift(Rule):
    description = "A root's module arguments and provider pin equal what the registry says for its role"
    control = "IAM-006 (least privilege: the role grants what the registry grants)"
    help = "Change the registry, not the root, and run `xacct generate`."

    def check_tree(self, tree: TreeSubject) -> Iterator[Finding]:
        for root in tree.roots:
            if root.as_generated:
                continue  # what generate writes for the registry's role: nothing to compare
            if root.retiring is not None and root.call is not None:
                yield self.at(
                    root.first_location(),
                    f"root {root.key} still calls the role module, but the registry marks the role "
                    f"{root.retiring.role_name} offboarding: its root must plan the destroy; "
                    "run `xacct generate`",
                    tenant=root.tenant,
                    scenario=root.scenario,
                )
            if root.spec is None:
                continue  # ROOT-NOT-IN-REGISTRY, an offboarding role, or no registry given
            if root.call is None:
                yield self.at(
                    root.first_location(),
                    f'root {root.key} has no module "{ROLE_CALL}" call: the registry\'s role '
                    f"{root.spec.role_name} would not be created",
                    tenant=root.tenant,
                    scenario=root.scenario,
                )
                continue
            yield from self._arguments(root, root.spec)
            yield from self._permissions(root, root.spec, tree.specs)
            yield from self._provider(root, root.spec)

    def _finding(self, root: RootSubject, line: int, path: str, message: str) -> Finding:
        assert root.call_file is not None
        return self.at(
            Location(root.call_file.display, line, path), message, tenant=root.tenant, scenario=root.scenario
        )

    def _arguments(self, root: RootSubject, spec: RoleSpec) -> Iterator[Finding]:
        assert root.call is not None
        want = expected_arguments(spec)
        for name, attribute in root.call.attributes.items():
            if name not in want and name not in ("source", "policy_statements"):
                yield self._finding(
                    root,
                    attribute.line,
                    f"{root.call.address}.{name}",
                    f"argument {name} = {_show(attribute.value.value)[:200]} is not one the registry sets",
                )
        for name, value in want.items():
            attribute = root.call.attributes.get(name)
            got = attribute.value.value if attribute else ABSENT
            if got is ABSENT:
                got = MODULE_DEFAULTS.get(name, ABSENT)
            if (got is ABSENT or got is None) and value is None:
                continue
            if name == "external_id" and value is not None:
                continue  # CAA-002 compares it with the registry's
            if got == value:
                continue
            line = attribute.line if attribute else root.call.line
            if name == "tags" and isinstance(got, dict):
                keys = sorted(k for k in set(got) | set(value) if got.get(k) != value.get(k))
                got = {k: got.get(k) for k in keys}
                value = {k: value.get(k) for k in keys}
                line = attribute.value.line((keys[0],), line) if attribute else line
            elif isinstance(got, list) and isinstance(value, list) and attribute:
                first = next((i for i, (g, w) in enumerate(zip(got, value, strict=False)) if g != w), None)
                line = attribute.value.line((first,), line) if first is not None else line
            yield self._finding(
                root,
                line,
                f"{root.call.address}.{name}",
                f"{name}: the registry says {_show(value)}, the root has {_show(got)}",
            )

    def _permissions(self, root: RootSubject, spec: RoleSpec, specs: list[RoleSpec]) -> Iterator[Finding]:
        assert root.call is not None
        attribute = root.call.attributes.get("policy_statements")
        base = f"{root.call.address}.policy_statements"
        want = _statements(spec.permission_policy.to_iam() if spec.statements else None)
        value = attribute.value.value if attribute else []
        if attribute is not None and not isinstance(value, list):
            yield self._finding(
                root,
                attribute.line,
                base,
                f"policy_statements: the registry says {len(want)} statement(s), the root has {value}",
            )
            return
        from generator.lint.from_hcl import module_statement  # the HCL reader: only with a tree
        from generator.lint.locations import MODULE_ELEMENTS

        got = [module_statement(item) for item in value if isinstance(item, dict)]

        def line(*path: str | int) -> int:
            if attribute is None:
                return root.call.line  # type: ignore[union-attr]
            return attribute.value.line(path, attribute.line)

        for i in range(max(len(want), len(got))):
            if i >= len(got):
                sid = want[i].get("Sid", i)
                yield self._finding(
                    root, line(), base, f"policy_statements: the registry's statement {sid} is missing"
                )
                continue
            if i >= len(want):
                extra = reaches(got[i], None, spec, specs)
                what = f"; it {extra}" if extra else ""
                yield self._finding(
                    root,
                    line(i),
                    f"{base}[{i}]",
                    f"policy_statements[{i}] ({_show(got[i])}) is not in the registry{what}",
                )
                continue
            for element in sorted(set(want[i]) | set(got[i])):
                w, g = want[i].get(element, ABSENT), got[i].get(element, ABSENT)
                if w == g:
                    continue
                key = MODULE_ELEMENTS.get(element, element)
                extra = reaches(got[i], want[i], spec, specs) if element in ("Resource", "Action") else None
                what = (
                    f"; the root's statement now {extra}, and the registry's policy does not" if extra else ""
                )
                yield self._finding(
                    root,
                    line(i, key),
                    f"{base}[{i}].{key}",
                    f"policy_statements[{i}].{key}: the registry says {_show(w)}, "
                    f"the root has {_show(g)}{what}",
                )

    def _provider(self, root: RootSubject, spec: RoleSpec) -> Iterator[Finding]:
        if root.provider_block is None or root.provider_file is None:
            yield self.at(
                root.first_location(),
                f'root {root.key} has no provider "aws" block pinning account {spec.account_id}',
                tenant=root.tenant,
                scenario=root.scenario,
            )
            return
        block, file = root.provider_block, root.provider_file.display
        for name, want, got in (
            ("allowed_account_ids", [spec.account_id], root.provider_account),
            ("region", spec.region, root.provider_region),
        ):
            if got != want:
                attribute = block.attributes.get(name)
                yield self.at(
                    Location(file, attribute.line if attribute else block.line, f"{block.address}.{name}"),
                    f"provider {name}: the registry says {_show(want)}, the root has {_show(got)}",
                    tenant=root.tenant,
                    scenario=root.scenario,
                )
        extra = [(name, a.line) for name, a in block.attributes.items() if name not in PROVIDER_ARGUMENTS]
        extra += [(nested.kind, nested.line) for nested in block.blocks]
        for name, line in extra:
            yield self.at(
                Location(file, line, f"{block.address}.{name}"),
                f"provider {name} is not one the registry sets: the generated provider holds only region "
                "and allowed_account_ids (endpoints, credentials, assume_role or skip flags change which API "
                "and account the role is applied to, and an sts endpoint answers the account check); "
                "remove it",
                tenant=root.tenant,
                scenario=root.scenario,
            )
