"""The pieces registry models are made of: the strict base model and the checked AWS field types.

Below the registry and the permission kinds (``generator.permissions``), which both build their models
from these; each check is an :mod:`generator.awsformats` function that returns an error message or None.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from generator import awsformats as aws


def checked(fn: Callable[[str], str | None]) -> AfterValidator:
    """A validator that reports ``fn``'s message (what is wrong, what to do) as a registry problem."""

    def run(value: str) -> str:
        message = fn(value)
        if message:
            raise PydanticCustomError("xacct", message)
        return value

    return AfterValidator(run)


class Strict(BaseModel):
    """Base: unknown keys are errors, values keep the types YAML gave them."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


AccountId = Annotated[str, checked(aws.account_id)]
Slug = Annotated[str, checked(aws.slug)]
Region = Annotated[str, checked(aws.region)]
ResourceType = Annotated[str, checked(aws.resource_type)]
RoleName = Annotated[str, checked(aws.role_name)]
RolePath = Annotated[str, checked(aws.role_path)]
ExternalId = Annotated[str, checked(aws.external_id)]
PrincipalArn = Annotated[str, checked(aws.principal_arn)]
PolicyArn = Annotated[str, checked(aws.policy_arn)]
Description = Annotated[str, checked(aws.description)]
ZoneId = Annotated[str, checked(aws.hosted_zone_id)]
Bucket = Annotated[str, checked(aws.bucket)]
S3Prefix = Annotated[str, checked(aws.s3_prefix)]
Action = Annotated[str, checked(aws.action)]
ResourceArn = Annotated[str, checked(aws.resource_arn)]
Sid = Annotated[str, checked(aws.sid)]
TfcName = Annotated[str, checked(aws.tfc_name)]
TagKey = Annotated[str, checked(aws.tag_key)]
TagValue = Annotated[str, checked(aws.tag_value)]
SessionDuration = Annotated[int, Field(ge=aws.SESSION_MIN, le=aws.SESSION_MAX)]
