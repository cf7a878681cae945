"""Front end: the registry and its RoleSpecs; findings point at the registry lines that caused them."""

from __future__ import annotations

from collections.abc import Container
from functools import cached_property

from generator.lint.findings import LazyLocation, Location
from generator.lint.locations import MODULE_ELEMENTS
from generator.lint.subjects import Anchor, ExternalIdUse, LintInput, RoleSubject
from generator.policy.catalog import permission_statements
from generator.policy.roles import RoleSpec
from generator.registry import LoadedRegistry
from generator.registry.errors import Path_, format_path
from generator.registry.model import CustomerToPartner, RoleSettings


def statement_paths(settings: RoleSettings, base: Path_) -> list[Path_]:
    """The registry path behind each statement of the role's permission policy, in order."""
    paths: list[Path_] = []
    for j, permission in enumerate(settings.permissions):
        count = len(permission_statements([permission]))
        below = permission.spec.statement_paths(permission.value, count)
        paths.extend((*base, "permissions", j, *path) for path in below)
    return paths


class _RegistryLocator:
    """Anchors of one role -> registry paths -> lines."""

    def __init__(self, loaded: LoadedRegistry, index: int, spec: RoleSpec, settings: RoleSettings) -> None:
        self.loaded = loaded
        self.tenant: Path_ = ("tenants", index)
        self.base: Path_ = (*self.tenant, spec.scenario)
        self.spec = spec
        self.settings = settings

    @cached_property
    def statements(self) -> list[Path_]:
        """Worked out when a finding first points at a permission statement (most roles have none)."""
        return statement_paths(self.settings, self.base)

    def path(self, anchor: Anchor, index: tuple[int, ...], element: str | None) -> Path_:
        if anchor is Anchor.PERMISSION:
            k = index[1] if len(index) > 1 else -1
            if not 0 <= k < len(self.statements):
                return (*self.base, "permissions")
            path = self.statements[k]
            if element and "statements" in path:
                # a registry statement's keys are the module's policy_statements keys
                return (*path, MODULE_ELEMENTS.get(element, element.lower()))
            return path
        if anchor is Anchor.PRINCIPAL:
            j = index[1] if len(index) > 1 else 0
            if self.spec.scenario == "partner_to_customer":
                partner = self.loaded.model.partner
                return ("partner", "principal_arn" if partner.principal_arn else "account_id")
            if isinstance(self.settings, CustomerToPartner) and self.settings.trusted_principal_arns:
                return (*self.base, "trusted_principal_arns", j)
            return (*self.tenant, "account_id")
        if anchor is Anchor.EXTERNAL_ID:
            return (*self.tenant, "external_id")
        if anchor is Anchor.SESSION:
            return (*self.base, "max_session_duration")
        return self.base

    def __call__(self, anchor: Anchor, index: tuple[int, ...], element: str | None) -> Location:
        path = self.path(anchor, index, element)
        return Location(self.loaded.source.file, self.loaded.source.line_of(path), format_path(path))


def registry_input(loaded: LoadedRegistry, roles: list[RoleSpec], checked: Container[str] = ()) -> LintInput:
    """Role subjects and external ID uses of a loaded registry (``checked``: tenants judged before)."""
    registry = loaded.model
    index = {t.name: i for i, t in enumerate(registry.tenants)}
    found = LintInput()
    for spec in roles:
        i = index[spec.tenant]
        settings = getattr(registry.tenants[i], spec.scenario)
        requires = spec.scenario == "partner_to_customer" or bool(
            getattr(settings, "require_external_id", False)
        )
        found.roles.append(
            RoleSubject(
                origin="registry",
                locate=_RegistryLocator(loaded, i, spec, settings),
                tenant=spec.tenant,
                scenario=spec.scenario,
                account_id=spec.account_id,
                trusted_account_id=spec.trusted_account_id,
                expected_external_id=spec.external_id,
                requires_external_id=requires,
                rotating_to=spec.additional_external_ids[0] if spec.additional_external_ids else None,
                max_session_duration=spec.max_session_duration,
                session_allowance=settings.max_session_duration,
                session_explicit="max_session_duration" in settings.model_fields_set,
                trust=spec.trust_policy.to_iam(),
                permissions=(spec.permission_policy.to_iam(),) if spec.statements else (),
            )
        )
    for i, tenant in enumerate(registry.tenants):
        scenarios = [s for s, _ in tenant.scenarios()]
        # a rotation's new ID is an external ID too: unique across tenants (CAA-004), random (CAA-005)
        for key in ("external_id", "next_external_id"):
            value = getattr(tenant, key)
            if value is None:
                continue
            path: Path_ = ("tenants", i, key)
            found.external_ids.append(
                ExternalIdUse(
                    value=value,
                    location=LazyLocation(
                        loaded.source.file, format_path(path), lambda path=path: loaded.source.line_of(path)
                    ),
                    tenant=tenant.name,
                    scenario=scenarios[0] if len(scenarios) == 1 else None,
                    customer_account_id=tenant.account_id,
                    checked=tenant.name in checked,
                )
            )
    return found
