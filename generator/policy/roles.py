"""RoleSpec: everything about one generated role, derived once from the registry."""

from __future__ import annotations

from collections.abc import Container
from functools import cached_property
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from generator.policy.catalog import permission_statements
from generator.policy.documents import PolicyDocument, Statement
from generator.registry.checks import default_role_name
from generator.registry.model import (
    AWS_PROVIDER_VERSION,
    CustomerTerraformCloud,
    Partner,
    Registry,
    RoleSettings,
    Scenario,
    Status,
    Tenant,
    deployed,
    role_status,
)

TRUST_SID = {"partner_to_customer": "PartnerAssumeRole", "customer_to_partner": "CustomerAssumeRole"}
MODULE = {"partner_to_customer": "customer-role", "customer_to_partner": "partner-role"}
POLICY_NAME = "xacct-permissions"
TRUST_POLICY_MAX = 2048
INLINE_POLICY_MAX = 10240
SUSPENDED_SID = "XacctSuspended"
# Every way into a session of the role: a suspended role's trust policy denies them to everyone.
SUSPENDED_ACTIONS = ("sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity")


class RoleSpec(BaseModel):
    """One cross-account role of one tenant and scenario."""

    model_config = ConfigDict(frozen=True)

    partner: str
    tenant: str
    scenario: Scenario
    account_id: str
    trusted_account_id: str
    region: str
    role_name: str
    role_path: str
    description: str
    max_session_duration: int
    permissions_boundary: str | None
    tags: dict[str, str]
    trusted_principal_arns: tuple[str, ...]
    external_id: str | None
    statements: tuple[Statement, ...]
    # IDs the trust accepts beside external_id: the new one while a rotation is in progress.
    additional_external_ids: tuple[str, ...] = ()
    policy_name: str = POLICY_NAME
    # The permission boundary's document when the registry gives it (never rendered: the ARN is
    # attached); the proofs judge the role's grants through it.
    boundary_document: dict[str, Any] | None = None
    # The role exists already (registry ``adopt``): its root imports it, keeping its inline policy's name.
    adopt: bool = False
    # The lifecycle (registry ``status``): a suspended role's trust policy denies every AssumeRole.
    status: Status = "active"
    # The hashicorp/aws versions its root accepts (registry ``partner.aws_provider_version``).
    aws_provider_version: str = AWS_PROVIDER_VERSION
    # Scenario A only: the customer's own HCP Terraform workspace (``customer_terraform_cloud``).
    customer_cloud: CustomerTerraformCloud | None = None

    @property
    def suspended(self) -> bool:
        return self.status == "suspended"

    @property
    def key(self) -> str:
        """``tenant/scenario``: the id used in paths and test names."""
        return f"{self.tenant}/{self.scenario}"

    @property
    def module(self) -> Literal["customer-role", "partner-role"]:
        return MODULE[self.scenario]  # type: ignore[return-value]

    @property
    def role_arn(self) -> str:
        return f"arn:aws:iam::{self.account_id}:role{self.role_path}{self.role_name}"

    @cached_property
    def trust_policy(self) -> PolicyDocument:
        ids = (self.external_id, *self.additional_external_ids)
        conditions = {"StringEquals": {"sts:ExternalId": ids}} if self.external_id else {}
        allow = Statement(
            sid=TRUST_SID[self.scenario],
            principal={"AWS": self.trusted_principal_arns},
            actions=("sts:AssumeRole",),
            conditions=conditions,
            scalar_singletons=True,
        )
        if not self.suspended:
            return PolicyDocument(statements=(allow,))
        # After the unchanged Allow, so that resuming restores the document byte for byte.
        deny = Statement(sid=SUSPENDED_SID, effect="Deny", principal="*", actions=SUSPENDED_ACTIONS)
        return PolicyDocument(statements=(allow, deny))

    @cached_property
    def permission_policy(self) -> PolicyDocument:
        return PolicyDocument(statements=self.statements)


def _description(partner: Partner, tenant: Tenant, scenario: Scenario, settings: RoleSettings) -> str:
    if settings.description is not None:
        return settings.description
    if scenario == "partner_to_customer":
        return f"Lets {partner.name} ({partner.account_id}) act in this account for tenant {tenant.name}"
    return f"Lets tenant {tenant.name} ({tenant.account_id}) use {partner.name} resources"


def role_spec(partner: Partner, tenant: Tenant, scenario: Scenario, settings: RoleSettings) -> RoleSpec:
    """Derive the role of one tenant and scenario."""
    if scenario == "partner_to_customer":
        account, trusted_account = tenant.account_id, partner.account_id
        principals: tuple[str, ...] = (partner.principal_arn or f"arn:aws:iam::{partner.account_id}:root",)
        external_id = tenant.external_id
    else:
        assert settings.__class__.__name__ == "CustomerToPartner"
        account, trusted_account = partner.account_id, tenant.account_id
        arns = getattr(settings, "trusted_principal_arns", None)
        principals = tuple(arns) if arns else (f"arn:aws:iam::{tenant.account_id}:root",)
        external_id = tenant.external_id if getattr(settings, "require_external_id", False) else None
    tags = {
        **partner.tags,
        **tenant.tags,
        **settings.tags,
        "xacct:partner": partner.name,
        "xacct:tenant": tenant.name,
        "xacct:scenario": scenario,
    }
    return RoleSpec(
        partner=partner.name,
        tenant=tenant.name,
        scenario=scenario,
        account_id=account,
        trusted_account_id=trusted_account,
        region=tenant.region or partner.region,
        role_name=settings.role_name or default_role_name(partner.name, tenant.name, scenario),
        role_path=settings.role_path,
        description=_description(partner, tenant, scenario, settings),
        max_session_duration=settings.max_session_duration,
        permissions_boundary=settings.permissions_boundary,
        tags=dict(sorted(tags.items())),
        trusted_principal_arns=principals,
        external_id=external_id,
        statements=permission_statements(settings.permissions),
        boundary_document=settings.permissions_boundary_policy,
        **_adopted(settings),
        additional_external_ids=(tenant.next_external_id,) if external_id and tenant.next_external_id else (),
        status=role_status(tenant, settings),
        aws_provider_version=partner.aws_provider_version,
        customer_cloud=tenant.customer_terraform_cloud if scenario == "partner_to_customer" else None,
    )


def _adopted(settings: RoleSettings) -> dict[str, Any]:
    """The RoleSpec fields of an adopted role (none otherwise, so that other specs stay as they were)."""
    if settings.adopt is None:
        return {}
    return {"adopt": True, "policy_name": settings.adopt.policy_name}


def build_roles(
    registry: Registry, skip: Container[str] = (), only: Container[str] | None = None
) -> list[RoleSpec]:
    """The deployed roles (active or suspended) of the registry's tenants not in ``skip`` (and in
    ``only``, default all), by tenant (registry order) then scenario."""
    return [
        role_spec(registry.partner, tenant, scenario, settings)
        for tenant in registry.tenants
        if tenant.name not in skip and (only is None or tenant.name in only)
        for scenario, settings in tenant.scenarios()
        if deployed(role_status(tenant, settings))
    ]


def retiring_roles(
    registry: Registry, skip: Container[str] = (), only: Container[str] | None = None
) -> list[RoleSpec]:
    """The roles marked ``offboarding`` (their roots plan the destroy), selected as ``build_roles``."""
    return [
        role_spec(registry.partner, tenant, scenario, settings)
        for tenant in registry.tenants
        if tenant.name not in skip and (only is None or tenant.name in only)
        for scenario, settings in tenant.scenarios()
        if role_status(tenant, settings) == "offboarding"
    ]
