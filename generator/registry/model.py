"""The registry as pydantic models: the user-facing contract of ``tenants.yaml`` (version 1)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from generator import awsformats as aws
from generator.iam import PolicyError
from generator.iam.layers import compile_layer
from generator.modelfields import (
    AccountId,
    Description,
    ExternalId,
    Hint,
    Hostname,
    PolicyArn,
    PolicyName,
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
# The default hashicorp/aws constraint of the generated roots: 5.x from 5.100 on (the tested version).
AWS_PROVIDER_VERSION = "~> 5.100"


def _check_tag_count(tags: dict[str, str]) -> dict[str, str]:
    if len(tags) > aws.TAGS_MAX:
        raise PydanticCustomError("xacct", f"{len(tags)} tags; AWS allows {aws.TAGS_MAX} per role: drop some")
    return tags


Tags = Annotated[
    dict[TagKey, TagValue],
    AfterValidator(_check_tag_count),
    Hint("Tags, key: value.", extra=(("maxProperties", aws.TAGS_MAX),)),
]


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


MODULE_SOURCE = (  # the check also refuses format characters and spaces at either end
    "A module source; {module} and {version} are the only placeholders; no control characters.",
    "^(?:[^{}\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]|\\{(?:module|version)\\})*$",
)
BoundaryPolicy = Annotated[dict[str, Any], AfterValidator(_check_boundary_policy)]


class TerraformCloud(Strict):
    """Where the generated roots run in HCP Terraform / Terraform Cloud."""

    organization: TfcName
    """The HCP Terraform organization: with it, every generated root gets a cloud.tf."""
    project: TfcName | None = None
    """The project the workspaces belong to (default: the organization's default project)."""
    hostname: Hostname | None = None
    """The HCP Terraform or Terraform Enterprise host (default: app.terraform.io)."""
    workspace_prefix: TfcName | None = None
    """Prefix of the workspace names (default: the partner's name)."""


class CustomerTerraformCloud(Strict):
    """The customer's own HCP Terraform / Terraform Cloud workspace for their Scenario A root (the role
    lives in their account, so they apply it: never a workspace of the partner's organization)."""

    organization: TfcName
    """The customer's HCP Terraform organization (never the partner's)."""
    workspace: TfcName
    """The customer's workspace for the Scenario A root."""
    project: TfcName | None = None
    """The project the workspace belongs to (default: the organization's default project)."""
    hostname: Hostname | None = None
    """The HCP Terraform or Terraform Enterprise host (default: app.terraform.io)."""


class Partner(Strict):
    """The SaaS partner: its account hosts the Scenario B roles and assumes the Scenario A roles."""

    name: Slug
    """The partner's name (a slug): used in default role and workspace names."""
    account_id: AccountId
    """The partner's AWS account: it hosts the Scenario B roles and assumes the Scenario A roles."""
    region: Region
    """The default region of the generated providers."""
    principal_arn: PrincipalArn | None = None
    """The partner principal that assumes the customers' roles (default: the account root)."""
    terraform_cloud: TerraformCloud | None = None
    """Where the generated roots run in HCP Terraform (adds cloud.tf)."""
    module_source: Annotated[str, checked(module_source_problem), Hint(*MODULE_SOURCE)] | None = Field(
        default=None, min_length=1, max_length=1000
    )
    """Where the roots take the xacct modules from; may use the placeholders {module} and {version}."""
    onboarding_template_url: str | None = Field(default=None, min_length=1, max_length=1000)
    """The CloudFormation template URL of the customer kit's launch-stack link ({tenant}: the tenant)."""
    aws_provider_version: Annotated[str, checked(aws.version_constraint)] = AWS_PROVIDER_VERSION
    """The hashicorp/aws versions every generated root accepts (its required_providers constraint)."""
    tags: Tags = Field(default_factory=dict)
    """Tags on every role (at most 50)."""
    allowed_resource_types: list[ResourceType] = Field(default_factory=list, max_length=100)
    """Resource types (beside the role and its inline policy) that a generated root's plan may hold;
    nothing is allowed by default, and IAM users, keys, groups and identity providers never are."""


# One entry of ``permissions``: exactly one of the kinds in generator/permissions/kinds/ (one file each).
Permission = permission_model()


class Adopt(Strict):
    """The role exists already (made by hand, found by ``xacct import``): ``generate`` writes terraform
    ``import`` blocks into its root, so that the first apply adopts the role instead of creating it."""

    policy_name: PolicyName
    """The name of the role's existing inline policy, kept (the module's ``policy_name``)."""


def _given(*fields: str, kind: str = "object") -> dict[str, Any]:
    """JSON Schema: each of ``fields`` is present and of type ``kind`` (not null)."""
    return {"required": list(fields), "properties": {f: {"type": kind} for f in fields}}


class RoleSettings(Strict):
    """What both scenarios' roles share."""

    # JSON Schema for the cross check (registry/checks.py): a boundary's document needs the boundary.
    model_config = ConfigDict(
        json_schema_extra={
            "if": _given("permissions_boundary_policy"),
            "then": _given("permissions_boundary", kind="string"),
        }
    )

    role_name: RoleName | None = None
    """The role's name (default: <partner>-cross-account-access in A, <partner>-tenant-<tenant> in B)."""
    role_path: RolePath = "/"
    """The role's IAM path."""
    description: Description | None = None
    """The role's description in IAM."""
    max_session_duration: SessionDuration = 3600
    """The longest session, in seconds (3600..43200)."""
    permissions_boundary: PolicyArn | None = None
    """The ARN of a managed policy attached as the role's permission boundary."""
    permissions_boundary_policy: BoundaryPolicy | None = None
    """The boundary's policy document, when known (only with permissions_boundary; Version quoted): the
    proofs then judge the role's grants through it. Never rendered."""
    tags: Tags = Field(default_factory=dict)
    """Tags on this role, beside the partner's and the tenant's."""
    permissions: list[Permission] = Field(min_length=1, max_length=50)
    """What the role may do: each entry is a mapping with exactly one permission kind."""
    adopt: Adopt | None = None
    """The role exists already (`xacct import` writes this): the first apply adopts it."""
    status: Status = "active"
    """The role's lifecycle: active, suspended (nobody may assume it), offboarding (its root plans the
    destroy), offboarded (the next generate removes its folder)."""


class PartnerToCustomer(RoleSettings):
    """Scenario A: a role in the customer's account that the partner assumes with the external ID."""


class CustomerToPartner(RoleSettings):
    """Scenario B: a role in the partner's account that the customer assumes."""

    trusted_principal_arns: list[PrincipalArn] | None = Field(default=None, min_length=1, max_length=20)
    """The customer's principals that may assume the role, in the tenant's account (default: its root)."""
    require_external_id: bool = False
    """Whether the customer must pass the tenant's external ID when assuming the role."""


class Tenant(Strict):
    """One customer of the partner."""

    # JSON Schema for the cross checks (registry/checks.py) that need no other tenant: a scenario at
    # least, and an external_id key with Scenario A or a required external ID.
    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [_given("partner_to_customer"), _given("customer_to_partner")],
            "allOf": [
                {"if": _given("partner_to_customer"), "then": {"required": ["external_id"]}},
                {"if": _given("customer_terraform_cloud"), "then": _given("partner_to_customer")},
                {
                    "if": {
                        "required": ["customer_to_partner"],
                        "properties": {
                            "customer_to_partner": {
                                "type": "object",
                                "required": ["require_external_id"],
                                "properties": {"require_external_id": {"const": True}},
                            }
                        },
                    },
                    "then": {"required": ["external_id"]},
                },
            ],
        }
    )

    name: Slug
    """The tenant's name (a slug): its folder in the generated tree."""
    account_id: AccountId
    """The customer's AWS account."""
    external_id: ExternalId | None = None
    """Partner-generated, unique per tenant: `xacct external-ids assign` fills it in (never take one from a
    customer)."""
    region: Region | None = None
    """The region of this tenant's providers (default: the partner's)."""
    tags: Tags = Field(default_factory=dict)
    """Tags on this tenant's roles."""
    partner_to_customer: PartnerToCustomer | None = None
    """Scenario A: a role in the customer's account that the partner assumes."""
    customer_to_partner: CustomerToPartner | None = None
    """Scenario B: a role in the partner's account that the customer assumes."""
    next_external_id: ExternalId | None = None
    """The ID a rotation moves to (`xacct external-ids rotate`): trusted beside external_id until finished."""
    status: Status = "active"
    """The tenant's lifecycle (overrides the scenarios' status unless active)."""
    customer_terraform_cloud: CustomerTerraformCloud | None = None
    """Where the customer runs their Scenario A root (its cloud.tf); none: the root has no cloud block."""

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
    """The registry format: 1."""
    partner: Partner
    """The SaaS partner."""
    tenants: list[Tenant] = Field(max_length=100_000)
    """The partner's customers, one entry each."""
    lint: LintSettings = Field(
        default_factory=LintSettings,
        description="Lint findings accepted on purpose, each with its reason (see the README, Lint rules).",
    )
