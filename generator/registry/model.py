"""The registry as pydantic models: the user-facing contract of ``tenants.yaml`` (version 1)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from generator import awsformats as aws
from generator.iam import PolicyError
from generator.iam.layers import compile_layer
from generator.modelfields import (
    AccountId,
    Description,
    ExternalId,
    PolicyArn,
    PrincipalArn,
    Region,
    ResourceType,
    RoleName,
    RolePath,
    SessionDuration,
    Slug,
    Strict,
    TagKey,
    TagValue,
    TfcName,
    checked,
)
from generator.permissions.kinds.statements import statement_shape
from generator.permissions.oneof import OneKind, permission_model
from generator.registry.lint_settings import Acceptance, LintSettings
from generator.registry.module_source import module_source_problem

__all__ = [
    "SCENARIOS",
    "Acceptance",
    "LintSettings",
    "OneKind",
    "Permission",
    "Registry",
    "Scenario",
    "Strict",
    "Tenant",
    "statement_shape",
]

SCENARIOS = ("partner_to_customer", "customer_to_partner")
# A role's lifecycle: deployed and assumable; deployed but nobody may assume it; its root plans the
# destroy of its role; destroyed (the next generate removes its folder).
Status = Literal["active", "suspended", "offboarding", "offboarded"]
Scenario = Literal["partner_to_customer", "customer_to_partner"]


def _check_tag_count(tags: dict[str, str]) -> dict[str, str]:
    if len(tags) > aws.TAGS_MAX:
        raise PydanticCustomError("xacct", f"{len(tags)} tags; AWS allows {aws.TAGS_MAX} per role: drop some")
    return tags


Tags = Annotated[dict[TagKey, TagValue], AfterValidator(_check_tag_count)]


def boundary_policy_problem(document: dict[str, Any]) -> str | None:
    """Why a permission boundary's policy document is not a valid IAM identity policy (the evaluator's
    rules for the boundary layer), or None."""
    if isinstance(document.get("Version"), date):
        return 'Version is read by YAML as a date: quote it ("2012-10-17")'
    try:
        compile_layer("boundary", [document])
    except (PolicyError, ValueError) as exc:
        return f"is not a valid IAM policy: {str(exc).removeprefix('boundary[0]').lstrip('.: ')}"
    return None


def _check_boundary_policy(document: dict[str, Any]) -> dict[str, Any]:
    message = boundary_policy_problem(document)
    if message:
        raise PydanticCustomError("xacct", message)
    return document


BoundaryPolicy = Annotated[dict[str, Any], AfterValidator(_check_boundary_policy)]


class TerraformCloud(Strict):
    """Where the generated roots run in HCP Terraform / Terraform Cloud."""

    organization: TfcName
    project: TfcName | None = None
    hostname: str | None = None
    workspace_prefix: TfcName | None = None


class Partner(Strict):
    """The SaaS partner: its account hosts the Scenario B roles and assumes the Scenario A roles."""

    name: Slug
    account_id: AccountId
    region: Region
    principal_arn: PrincipalArn | None = None
    terraform_cloud: TerraformCloud | None = None
    module_source: Annotated[str, checked(module_source_problem)] | None = Field(
        default=None, min_length=1, max_length=1000
    )
    onboarding_template_url: str | None = Field(default=None, min_length=1, max_length=1000)
    tags: Tags = Field(default_factory=dict)
    # Resource types (beside the role and its inline policy) that a generated root's plan may hold;
    # nothing is allowed by default, and IAM users, keys, groups and identity providers never are.
    allowed_resource_types: list[ResourceType] = Field(default_factory=list, max_length=100)


# One entry of ``permissions``: exactly one of the kinds in generator/permissions/kinds/ (one file each).
Permission = permission_model()


class Adopt(Strict):
    """The role exists already (made by hand, found by ``xacct import``): ``generate`` writes terraform
    ``import`` blocks into its root, so that the first apply adopts the role instead of creating it."""

    # The name of the role's existing inline policy, kept (the module's ``policy_name``).
    policy_name: Annotated[str, checked(aws.policy_name)]


class RoleSettings(Strict):
    """What both scenarios' roles share."""

    role_name: RoleName | None = None
    role_path: RolePath = "/"
    description: Description | None = None
    max_session_duration: SessionDuration = 3600
    permissions_boundary: PolicyArn | None = None
    # The boundary's policy document, when known: the proofs then judge the role's grants through it.
    permissions_boundary_policy: BoundaryPolicy | None = None
    tags: Tags = Field(default_factory=dict)
    permissions: list[Permission] = Field(min_length=1, max_length=50)
    adopt: Adopt | None = None
    status: Status = "active"


class PartnerToCustomer(RoleSettings):
    """Scenario A: a role in the customer's account that the partner assumes with the external ID."""


class CustomerToPartner(RoleSettings):
    """Scenario B: a role in the partner's account that the customer assumes."""

    trusted_principal_arns: list[PrincipalArn] | None = Field(default=None, min_length=1, max_length=20)
    require_external_id: bool = False


class Tenant(Strict):
    """One customer of the partner."""

    name: Slug
    account_id: AccountId
    external_id: ExternalId | None = None
    region: Region | None = None
    tags: Tags = Field(default_factory=dict)
    partner_to_customer: PartnerToCustomer | None = None
    customer_to_partner: CustomerToPartner | None = None
    # The ID a rotation moves to (`xacct external-ids rotate`): trusted beside external_id until finished.
    next_external_id: ExternalId | None = None
    status: Status = "active"

    def scenarios(self) -> list[tuple[Scenario, RoleSettings]]:
        """The scenarios this tenant has, in a fixed order."""
        found: list[tuple[Scenario, RoleSettings]] = []
        if self.partner_to_customer is not None:
            found.append(("partner_to_customer", self.partner_to_customer))
        if self.customer_to_partner is not None:
            found.append(("customer_to_partner", self.customer_to_partner))
        return found


def role_status(tenant: Tenant, settings: RoleSettings) -> Status:
    """A role's effective status: the tenant's unless that is "active", else the scenario's."""
    return tenant.status if tenant.status != "active" else settings.status


def deployed(status: Status) -> bool:
    """Whether a role of this status is meant to exist in AWS (its root creates or keeps it)."""
    return status in ("active", "suspended")


class Registry(Strict):
    """A whole registry file."""

    version: Literal[1]
    partner: Partner
    tenants: list[Tenant] = Field(max_length=100_000)
    lint: LintSettings = Field(
        default_factory=LintSettings,
        description="Lint findings accepted on purpose, each with its reason (see the README, Lint rules).",
    )
