"""One accounting of a whole plan: every resource change, in every module, mode and action.

:func:`account_plan` maps each planned ``aws_iam_role`` to exactly one registry role (by account and
name), gathers everything in the plan that grants to it (:mod:`generator.accounting.grants`), and
reports as :class:`PlanFinding` every change that is not accounted for: a role the registry does not
know, two resources claiming one role, a registry role the plan should hold and does not, any
resource type the registry does not allow, IAM users and keys always, destroys not covered by
``allow_destroy`` (judged by what the resource was *before* the change), and — through
:mod:`generator.accounting.role_checks` — what the evaluator says of each role's trust and effective
permissions.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from generator.accounting.apply_time import action_findings, provisioner_findings
from generator.accounting.grants import Grant, document, grants_of, policy_documents, without_echoes
from generator.accounting.grants import unknown as grants_unknown
from generator.accounting.identity import Accounts, Hint, RegistryRoles, deleted_role_tenant, named_principals
from generator.accounting.provider_pins import pin_findings
from generator.awsformats import NEVER_ALLOWED_TYPES
from generator.policy import RoleSpec
from generator.registry.model import Registry
from generator.terraform_runner import Plan, ResourceChange

MODULE_TYPES = frozenset({"aws_iam_role", "aws_iam_role_policy"})  # what the xacct modules create


def never_allowed(resource_type: str) -> bool:
    """IAM users, keys, groups and identity providers: never in a plan xacct certifies."""
    return resource_type.startswith(NEVER_ALLOWED_TYPES)


@dataclass(frozen=True)
class PlanFinding:
    """Something in the plan that is not accounted for; ``key`` is ``tenant/scenario`` when known."""

    key: str | None
    address: str
    text: str  # starts with the address

    def __str__(self) -> str:
        return f"{self.key}: {self.text}" if self.key else self.text


@dataclass
class AccountedRole:
    """A registry role as the plan leaves it, with everything that grants to it."""

    spec: RoleSpec
    role: ResourceChange
    grants: list[Grant] = field(default_factory=list)
    changes: list[ResourceChange] = field(default_factory=list)
    trust: dict[str, Any] | None = None

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def trust_policy(self) -> dict[str, Any]:
        return self.trust or {}

    @property
    def permission_policies(self) -> list[dict[str, Any]]:
        """Every provable document that grants to the role (its effective permissions)."""
        return [g.document for g in self.grants if g.document is not None]

    @property
    def resource_types(self) -> set[str]:
        return {rc.type for rc in self.changes}

    def own_grant(self, grant: Grant) -> bool:
        """Whether ``grant`` is the inline policy of the role's own module instance."""
        return any(
            rc.address == grant.address
            and rc.type == "aws_iam_role_policy"
            and rc.module_address == self.role.module_address
            for rc in self.changes
        )


@dataclass
class Accounting:
    """The result: roles by ``tenant/scenario``, findings, and notes that do not fail."""

    where: str
    roles: dict[str, AccountedRole] = field(default_factory=dict)
    findings: list[PlanFinding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    changes: int = 0
    destroyed: set[str] = field(default_factory=set)  # tenants whose roles the plan removes

    def add(self, key: str | None, address: str, text: str) -> None:
        self.findings.append(PlanFinding(key, address, text))


def _verb(rc: ResourceChange) -> str:
    if rc.is_replace:
        return "replaces"
    verbs = {"create": "creates", "update": "updates", "delete": "deletes", "read": "reads", "no-op": "keeps"}
    verbs["forget"] = "forgets"
    return verbs.get(rc.actions[0], "changes") if len(rc.actions) == 1 else "changes"


def _tags(values: Any) -> dict[str, Any]:
    if not isinstance(values, dict):
        return {}
    tags = values.get("tags_all") or values.get("tags") or {}
    return tags if isinstance(tags, dict) else {}


class _Ledger:
    def __init__(
        self,
        plan: Plan,
        where: str,
        roles: Iterable[RoleSpec],
        allow_destroy: Collection[str],
        allowed_types: Collection[str],
        hint: Hint | None,
    ) -> None:
        self.plan, self.where = plan, where
        self.registry = RegistryRoles(roles)
        self.accounts = Accounts(plan, hint)
        self.allow_destroy = set(allow_destroy)
        self.allowed_types = set(allowed_types)
        self.result = Accounting(where, changes=len(plan.resource_changes))
        self.by_role_id: dict[tuple[str | None, str], AccountedRole] = {}

    # ------------------------------------------------------------------ roles
    def claim_roles(self) -> None:
        for rc in self.plan.resource_changes:
            if rc.type != "aws_iam_role" or rc.mode != "managed":
                continue
            if rc.actions in (("delete",), ("forget",)):
                continue
            if rc.after is None:
                if {"create", "update"} & set(rc.actions):  # wholly unknown (a deferred change)
                    self.result.add(
                        None,
                        rc.address,
                        f"{rc.address}: the plan {_verb(rc)} a role whose values are all unknown until "
                        "apply, so nothing can prove which role this is or whom it trusts",
                    )
                continue
            name = rc.after.get("name")
            account = self.accounts.of(rc)
            if self._unpinned(rc):
                continue
            if not isinstance(name, str):
                self.result.add(
                    None,
                    rc.address,
                    f"{rc.address}: the role's name is unknown until apply, "
                    "so nothing can prove which role this is; set the name in configuration",
                )
                continue
            spec = self.registry.find(account, name)
            if spec is None:
                self._unknown_role(rc, name, account)
                continue
            claimed = self.result.roles.get(spec.key)
            if claimed is not None:
                self.result.add(
                    spec.key,
                    rc.address,
                    f"{rc.address} also claims the registry role {spec.role_name} in account "
                    f"{spec.account_id} (already {claimed.role.address}): two resources cannot be one role; "
                    "remove the copy",
                )
                continue
            trust_text = rc.after.get("assume_role_policy")
            trust = None
            if trust_text is not None:
                trust = document(rc, "assume_role_policy", trust_text, self.where)
            role = AccountedRole(spec, rc, changes=[rc], trust=trust)
            self.result.roles[spec.key] = role
            self.by_role_id[(spec.account_id, spec.role_name.lower())] = role

    def _unpinned(self, rc: ResourceChange) -> bool:
        provider = self.accounts.unpinned(rc)
        if provider is not None:
            self.result.add(
                None,
                rc.address,
                f"{rc.address}: its provider {provider} pins no account (allowed_account_ids), so nothing "
                "proves which account it changes; pin the provider to the tenant's account",
            )
        return provider is not None

    def _unknown_role(self, rc: ResourceChange, name: str, account: str | None) -> None:
        where = f"account {account}" if account else "an account the plan does not pin"
        if self.registry.ambiguous(account, name):
            why = (
                f"cannot be told apart: several registry roles are named {name}; pin allowed_account_ids "
                "in the provider, or name the tenant (--tenant)"
            )
        else:
            trust = rc.after.get("assume_role_policy") if isinstance(rc.after, dict) else None
            trusted = ""
            if isinstance(trust, str):
                named = named_principals(document(rc, "assume_role_policy", trust, self.where))
                trusted = f" (it trusts {named})"
            why = f"is not a role of the registry{trusted}; remove it or add it to the registry"
        self.result.add(None, rc.address, f"{rc.address}: role {name} in {where} {why}")

    def _role_for(self, rc: ResourceChange, name: str) -> AccountedRole | RoleSpec | None:
        account = self.accounts.of(rc)
        planned = self.by_role_id.get((account, name.lower())) if account else None
        if planned is None and account is None:
            matches = [r for (acct, n), r in self.by_role_id.items() if n == name.lower()]
            planned = matches[0] if len(matches) == 1 else None
        return planned or self.registry.find(account, name)

    # ------------------------------------------------------------------ grants
    def attribute_grants(self) -> None:
        policies = policy_documents(self.plan.resource_changes, self.where)
        for rc in self.plan.resource_changes:
            grants = grants_of(rc, policies, self.where, self.accounts.configures)
            if grants and rc.type != "aws_iam_role" and self._unpinned(rc):
                continue
            for grant in grants:
                if grant.role_name is None:
                    self.result.add(
                        None,
                        rc.address,
                        f"{rc.address} {grant.what} to a role the plan names only at apply time: "
                        "nothing can prove whom it grants to; remove it",
                    )
                    continue
                target = self._role_for(rc, grant.role_name)
                if isinstance(target, AccountedRole):
                    target.grants.append(grant)
                    if rc not in target.changes:
                        target.changes.append(rc)
                elif isinstance(target, RoleSpec):
                    self.result.add(
                        target.key,
                        rc.address,
                        f"{rc.address} {grant.what} to {target.role_name}, a registry role this plan does "
                        "not hold: it changes that role's permissions from outside its root; remove it",
                    )
                elif rc.type != "aws_iam_role":  # an unknown role is claim_roles' finding
                    self.result.add(
                        None,
                        rc.address,
                        f"{rc.address} {grant.what} to role {grant.role_name}, which is not a role of the "
                        "registry; remove it",
                    )

            self._to_users_or_groups(rc)
        for role in self.result.roles.values():
            role.grants = without_echoes(role.grants, role.changes)

    def _to_users_or_groups(self, rc: ResourceChange) -> None:
        """``aws_iam_policy_attachment`` also attaches to IAM users and groups (never allowed), even
        where the registry allows the type."""
        after = rc.after if isinstance(rc.after, dict) else {}
        if rc.type != "aws_iam_policy_attachment" or rc.mode != "managed" or not after:
            return
        for kind in ("users", "groups"):
            if after.get(kind) or (kind not in after and grants_unknown(rc, kind)):
                self.result.add(
                    None,
                    rc.address,
                    f"{rc.address}: attaches {after.get('policy_arn') or 'a policy'} to IAM {kind} "
                    f"{after.get(kind) or '(unknown until apply)'}: IAM users and groups are never part of "
                    "a cross-account setup (roles, not keys); remove it",
                )

    # ------------------------------------------------------------------ types and destroys
    def check_apply_time(self) -> None:
        """Provisioners and terraform actions (what runs at apply that no resource change shows), and
        account pins the provider is not held to (where it applies)."""
        found = [
            *provisioner_findings(self.accounts.blocks),
            *action_findings(self.plan.raw),
            *pin_findings(self.accounts.unenforced),
        ]
        for address, text in found:
            self.result.add(None, address, text)

    def check_types(self) -> None:
        for rc in self.plan.resource_changes:
            if rc.mode == "managed" and rc.type in MODULE_TYPES:
                continue
            if rc.actions in (("delete",), ("forget",)):
                continue  # judged as a destroy
            kind = "data source" if rc.mode == "data" else "resource"
            if never_allowed(rc.type):
                self.result.add(
                    None,
                    rc.address,
                    f"{rc.address}: the plan {_verb(rc)} this {rc.type}: IAM users, access keys, groups and "
                    "identity providers are never part of a cross-account setup (roles, not keys); remove it",
                )
            elif rc.type not in self.allowed_types:
                self.result.add(
                    None,
                    rc.address,
                    f"{rc.address}: the plan {_verb(rc)} this {rc.type} {kind}, which xacct does not make "
                    "and the registry does not allow (partner.allowed_resource_types); remove it",
                )

    def _before_tenant(self, rc: ResourceChange) -> str | None:
        """Whose the resource was before the change: the registry role it was, else its old tags."""
        before = rc.before if isinstance(rc.before, dict) else {}
        name = before.get("name") if rc.type == "aws_iam_role" else before.get("role")
        account = self.accounts.of(rc)
        owner = rc.type != "aws_iam_role" and deleted_role_tenant(self.plan, name, account, self.accounts)
        if owner:
            return owner  # the role it is on goes too (an offboarding root): that role's tenant
        if isinstance(name, str):
            spec = self.registry.find(account, name)
            if spec is not None:
                return spec.tenant
        role = rc.type == "aws_iam_role_policy" and isinstance(name, str) and self._role_for(rc, name)
        if isinstance(role, AccountedRole):
            return role.spec.tenant
        tenant = _tags(before).get("xacct:tenant")
        return tenant if isinstance(tenant, str) else None

    def check_destroys(self) -> None:
        for rc in self.plan.resource_changes:
            if rc.mode != "managed" or not ({"delete", "forget"} & set(rc.actions)):
                continue
            tenant = self._before_tenant(rc)
            if "forget" in rc.actions:
                self.result.add(
                    None,
                    rc.address,
                    f"{rc.address}: the plan forgets this {rc.type} (removed from state, left deployed): "
                    "it would stay in AWS with nothing managing it; destroy it instead",
                )
                continue
            if tenant is not None and tenant in self.allow_destroy:
                self.result.destroyed.add(tenant)
                self.result.notes.append(f"{rc.address}: {_verb(rc)} {tenant}'s {rc.type} (--allow-destroy)")
                continue
            owner = f" (it was tenant {tenant}'s before the change)" if tenant else ""
            hint = f"pass --allow-destroy {tenant} if the tenant is leaving" if tenant else "do not apply it"
            text = f"{rc.address}: the plan {_verb(rc)} this {rc.type}{owner}; {hint}"
            self.result.add(None, rc.address, text)

    def check_expected(self, expected: Collection[str]) -> None:
        for key in sorted(set(expected) - set(self.result.roles)):
            spec = self.registry.by_key.get(key)
            name = f" ({spec.role_name} in account {spec.account_id})" if spec else ""
            self.result.add(
                key,
                "(plan)",
                f"(plan): the plan holds no aws_iam_role for this tenant and scenario{name}: it must hold "
                "the registry's role",
            )

    def note_drift(self) -> None:
        """Changes made outside terraform, imports (judged as the change planned), deferred changes."""
        for rc in self.plan.drift:
            self.result.notes.append(f"{rc.address}: changed outside terraform ({'/'.join(rc.actions)})")
        for rc in (rc for rc in self.plan.resource_changes if isinstance(rc.importing, dict)):
            self.result.notes.append(f"{rc.address}: imports {rc.importing.get('id')} ({_verb(rc)} it)")
        for rc in (rc for rc in self.plan.resource_changes if rc.deferred):
            why = f"deferred by terraform to a later plan ({rc.deferred})"
            self.result.notes.append(f"{rc.address}: {why}; judged here as far as this plan shows it")


def account_plan(
    plan: Plan,
    roles: Iterable[RoleSpec],
    registry: Registry | None,
    *,
    where: str = "plan",
    allow_destroy: Collection[str] = (),
    expected: Collection[str] = (),
    hint: Hint | None = None,
) -> Accounting:
    """Account for every change of ``plan`` against the registry's ``roles``; see the module doc."""
    from generator.accounting.role_checks import judge_roles

    allowed = set(registry.partner.allowed_resource_types) if registry is not None else set()
    ledger = _Ledger(plan, where, roles, allow_destroy, allowed, hint)
    ledger.claim_roles()
    ledger.attribute_grants()
    ledger.check_types()
    ledger.check_apply_time()
    ledger.check_destroys()
    ledger.check_expected(expected)
    ledger.note_drift()
    if registry is not None:
        judge_roles(ledger.result, registry)
    return ledger.result
