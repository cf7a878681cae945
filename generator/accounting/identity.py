"""Which account a planned resource lives in, and which registry role a planned role is.

A role is identified by its account and name, never by its address or its tags. The account comes
from the resource's own ARN before the change, else from the ``allowed_account_ids`` its provider
configuration pins in the plan, else from a hint the caller gives (the harness knows which root it
planned), else it is unknown and a name must be unique in the registry to match.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from generator.accounting.provider_pins import pin_overrides
from generator.policy import RoleSpec
from generator.terraform_runner import Plan, ResourceChange

Hint = Callable[[ResourceChange], "str | None"]
# an instance key: a string, a number, or ``*`` (an instance of a count or for_each terraform does not know
# yet: a deferred change's partial address)
INSTANCE_KEY = re.compile(r'\[(?:"(?:[^"\\]|\\.)*"|\d+|\*)\]')
ARN_ACCOUNT = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):")


def config_address(address: str) -> str:
    """An instance address without its instance keys (``module.a["k"].x.y[0]`` -> ``module.a.x.y``)."""
    return INSTANCE_KEY.sub("", address)


def _resources(module: dict[str, Any], prefix: str, out: dict[str, dict[str, Any]]) -> None:
    """Every resource block of the configuration by its configuration address."""
    resources = module.get("resources")
    for resource in resources if isinstance(resources, list) else []:
        if isinstance(resource, dict) and isinstance(resource.get("address"), str):
            out[prefix + resource["address"]] = resource
    calls = module.get("module_calls")
    for name, call in (calls if isinstance(calls, dict) else {}).items():
        if isinstance(call, dict) and isinstance(call.get("module"), dict):
            _resources(call["module"], f"{prefix}module.{name}.", out)


def _pinned(provider: Any) -> str | None:
    """The one account a provider configuration's constant ``allowed_account_ids`` allows, if the
    provider is held to it (:func:`pin_overrides`)."""
    return None if not isinstance(provider, dict) or pin_overrides(provider) else _pin(provider)


def _pin(provider: dict[str, Any]) -> str | None:
    """The one account of a provider configuration's constant ``allowed_account_ids``."""
    expressions = provider.get("expressions")
    expression = expressions.get("allowed_account_ids") if isinstance(expressions, dict) else None
    if not isinstance(expression, dict):
        return None
    value = expression.get("constant_value")
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str):
        return value[0]
    return None


class Accounts:
    """Resolves the account of each resource change of one plan."""

    def __init__(self, plan: Plan, hint: Hint | None = None) -> None:
        configuration = plan.raw.get("configuration") or {}
        providers = configuration.get("provider_config") or {}
        if not isinstance(providers, dict):
            providers = {}
        self._pins = {key: _pinned(value) for key, value in providers.items()}
        self.unenforced = {  # provider key -> (the account it pins, what keeps the pin from holding)
            key: (account, overrides)
            for key, value in providers.items()
            if isinstance(value, dict) and (overrides := pin_overrides(value)) and (account := _pin(value))
        }
        self.blocks: dict[str, dict[str, Any]] = {}  # the configuration's resource blocks by address
        root = configuration.get("root_module")
        if isinstance(root, dict):
            _resources(root, "", self.blocks)
        self._keys = {a: str(b.get("provider_config_key") or "") for a, b in self.blocks.items()}
        self._hint = hint

    def configures(self, rc: ResourceChange, attribute: str) -> bool:
        """Whether ``rc``'s resource block may set ``attribute``: it does, or the plan has no block for it."""
        block = self.blocks.get(config_address(rc.address))
        if block is None:
            return True
        expressions = block.get("expressions")
        return not isinstance(expressions, dict) or attribute in expressions

    def _arn_account(self, rc: ResourceChange) -> str | None:
        before = rc.before if isinstance(rc.before, dict) else {}
        match = ARN_ACCOUNT.match(before["arn"]) if isinstance(before.get("arn"), str) else None
        return match.group(1) if match else None

    def unpinned(self, rc: ResourceChange) -> str | None:
        """The provider configuration of ``rc`` when it is not the root's ``aws`` provider and pins no
        account (an alias or another local name can assume a role in any account): then neither the
        root the harness planned nor ``--tenant`` says which account ``rc`` is in."""
        key = self._keys.get(config_address(rc.address))
        if not key or key == "aws" or self._pins.get(key) or self._arn_account(rc):
            return None
        return key

    def of(self, rc: ResourceChange) -> str | None:
        arn_account = self._arn_account(rc)
        if arn_account:
            return arn_account
        key = self._keys.get(config_address(rc.address))
        pinned = self._pins.get(key) if key is not None else None
        if pinned:
            return pinned
        return self._hint(rc) if self._hint else None


SHARD_KEY = re.compile(r'^module\.[A-Za-z0-9_-]+\["([^"]+)"\]')


def shard_hint(specs: dict[str, RoleSpec]) -> Hint:
    """In a harness shard (``--xacct-plan-out``), a resource under ``module.<name>["<tenant>__<scenario>"]``
    is in that root's account."""

    def hint(rc: ResourceChange) -> str | None:
        match = SHARD_KEY.match(rc.address)
        spec = specs.get(match.group(1).replace("__", "/", 1)) if match else None
        return spec.account_id if spec else None

    return hint


class RegistryRoles:
    """Registry roles by account and name (IAM role names are case-insensitive within an account)."""

    def __init__(self, roles: Iterable[RoleSpec]) -> None:
        self.by_id: dict[tuple[str, str], RoleSpec] = {}
        self.by_name: dict[str, list[RoleSpec]] = {}
        self.by_key: dict[str, RoleSpec] = {}
        for spec in roles:
            self.by_id[(spec.account_id, spec.role_name.lower())] = spec
            self.by_name.setdefault(spec.role_name.lower(), []).append(spec)
            self.by_key[spec.key] = spec

    def find(self, account: str | None, name: str) -> RoleSpec | None:
        """The registry role ``name`` in ``account``; with no account, only a name unique in the registry."""
        if account is not None:
            return self.by_id.get((account, name.lower()))
        candidates = self.by_name.get(name.lower(), [])
        return candidates[0] if len(candidates) == 1 else None

    def ambiguous(self, account: str | None, name: str) -> bool:
        return account is None and len(self.by_name.get(name.lower(), [])) > 1


def deleted_role_tenant(plan: Plan, role_name: object, account: str | None, accounts: Accounts) -> str | None:
    """The ``xacct:tenant`` tag of the role named ``role_name`` that ``plan`` deletes in ``account``, if
    one is (whose an inline policy or attachment of it was: an offboarding root deletes them together).
    A role of that name deleted in another account is another role (a Scenario A role has the same
    default name in every tenant's account)."""
    for rc in plan.resource_changes:
        before = rc.before if isinstance(rc.before, dict) else {}
        if rc.type == "aws_iam_role" and rc.is_delete and before.get("name") == role_name:
            where = accounts.of(rc)
            if account is not None and where is not None and where != account:
                continue
            tags = before.get("tags_all") or before.get("tags") or {}
            tenant = tags.get("xacct:tenant") if isinstance(tags, dict) else None
            return tenant if isinstance(tenant, str) else None
    return None


def named_principals(trust: dict[str, Any]) -> str:
    """Every principal a trust document names, for a message ("no principal" when none)."""
    found: list[str] = []
    statements = trust.get("Statement")
    for statement in statements if isinstance(statements, list) else [statements]:
        if isinstance(statement, dict):
            principal = statement.get("Principal")
            if isinstance(principal, dict):
                for value in principal.values():
                    found += value if isinstance(value, list) else [str(value)]
            elif principal is not None:
                found.append(str(principal))
    return ", ".join(map(str, found)) or "no principal"
