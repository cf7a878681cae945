"""The registry as pydantic models: the user-facing contract of ``tenants.yaml`` (version 1)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from generator import awsformats as aws
from generator.iam import PolicyError
from generator.iam.layers import compile_layer
from generator.registry.module_source import module_source_problem

SCENARIOS = ("partner_to_customer", "customer_to_partner")
# A role's lifecycle: deployed and assumable; deployed but nobody may assume it; its root plans the
# destroy of its role; destroyed (the next generate removes its folder).
Status = Literal["active", "suspended", "offboarding", "offboarded"]
Scenario = Literal["partner_to_customer", "customer_to_partner"]


def _check(fn: Callable[[str], str | None]) -> AfterValidator:
    def run(value: str) -> str:
        message = fn(value)
        if message:
            raise PydanticCustomError("xacct", message)
        return value

    return AfterValidator(run)


AccountId = Annotated[str, _check(aws.account_id)]
Slug = Annotated[str, _check(aws.slug)]
Region = Annotated[str, _check(aws.region)]
ResourceType = Annotated[str, _check(aws.resource_type)]
RoleName = Annotated[str, _check(aws.role_name)]
RolePath = Annotated[str, _check(aws.role_path)]
ExternalId = Annotated[str, _check(aws.external_id)]
PrincipalArn = Annotated[str, _check(aws.principal_arn)]
PolicyArn = Annotated[str, _check(aws.policy_arn)]
Description = Annotated[str, _check(aws.description)]
ZoneId = Annotated[str, _check(aws.hosted_zone_id)]
Bucket = Annotated[str, _check(aws.bucket)]
S3Prefix = Annotated[str, _check(aws.s3_prefix)]
Action = Annotated[str, _check(aws.action)]
ResourceArn = Annotated[str, _check(aws.resource_arn)]
Sid = Annotated[str, _check(aws.sid)]
TfcName = Annotated[str, _check(aws.tfc_name)]
SessionDuration = Annotated[int, Field(ge=aws.SESSION_MIN, le=aws.SESSION_MAX)]


TagKey = Annotated[str, _check(aws.tag_key)]
TagValue = Annotated[str, _check(aws.tag_value)]


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


class Strict(BaseModel):
    """Base: unknown keys are errors, values keep the types YAML gave them."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


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
    module_source: Annotated[str, _check(module_source_problem)] | None = Field(
        default=None, min_length=1, max_length=1000
    )
    onboarding_template_url: str | None = Field(default=None, min_length=1, max_length=1000)
    tags: Tags = Field(default_factory=dict)
    # Resource types (beside the role and its inline policy) that a generated root's plan may hold;
    # nothing is allowed by default, and IAM users, keys, groups and identity providers never are.
    allowed_resource_types: list[ResourceType] = Field(default_factory=list, max_length=100)


class Route53Records(Strict):
    """List (and, for read-write, change) the record sets of named hosted zones."""

    hosted_zone_ids: list[ZoneId] = Field(min_length=1, max_length=100)
    access: Literal["read", "read-write"] = "read-write"


class S3Objects(Strict):
    """Read and/or write the objects under one prefix of one bucket."""

    bucket: Bucket
    prefix: S3Prefix
    access: Literal["read", "write", "read-write"]
    list: bool = False


Conditions = dict[str, dict[str, list[str] | str]]


class RawStatement(Strict):
    """An IAM statement for what the catalog lacks (snake_case keys)."""

    sid: Sid | None = None
    effect: Literal["Allow", "Deny"] = "Allow"
    actions: list[Action] | None = Field(default=None, min_length=1)
    not_actions: list[Action] | None = Field(default=None, min_length=1)
    resources: list[ResourceArn] | None = Field(default=None, min_length=1)
    not_resources: list[ResourceArn] | None = Field(default=None, min_length=1)
    conditions: Conditions = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_of_each(self) -> RawStatement:
        message = statement_shape(self.model_dump(exclude_none=True))
        if message:
            raise PydanticCustomError("xacct", message)
        return self


def statement_shape(statement: dict[str, object]) -> str | None:
    """Why a raw statement mapping lacks exactly one of actions/not_actions and of resources/not_resources.

    Also run on the raw data by the cross checks, so it is reported even when a field is invalid.
    """
    for field, negated in (("actions", "not_actions"), ("resources", "not_resources")):
        given = [k for k in (field, negated) if statement.get(k) is not None]
        if len(given) != 1:
            what = f"has both {field} and {negated}" if given else f"has neither {field} nor {negated}"
            return f"{what}: give exactly one of them"
    return None


class Permission(Strict):
    """One entry of ``permissions``: exactly one kind from the catalog."""

    route53_records: Route53Records | None = None
    s3_objects: S3Objects | None = None
    statements: list[RawStatement] | None = Field(default=None, min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _exactly_one(cls, data: object) -> object:
        if isinstance(data, dict) and len(data) != 1:
            kinds = ", ".join(cls.model_fields)
            raise PydanticCustomError(
                "xacct",
                f"each permission is a mapping with exactly one kind ({kinds}); got {len(data)} keys: "
                "split it into separate list items"
                if data
                else f"is empty: name one kind ({kinds})",
            )
        return data

    @property
    def kind(self) -> str:
        return next(name for name in type(self).model_fields if getattr(self, name) is not None)


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
