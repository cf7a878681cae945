"""The pieces registry models are made of: the strict base model and the checked AWS field types.

Below the registry and the permission kinds (``generator.permissions``), which both build their models
from these; each check is an :mod:`generator.awsformats` function that returns an error message or None.
Each type also carries a :class:`Hint`: what ``xacct schema`` says of it (a description, and a pattern,
an enum or lengths where the check is one); a hint never changes what the model accepts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError

from generator import awsformats as aws


def checked(fn: Callable[[str], str | None]) -> AfterValidator:
    """A validator that reports ``fn``'s message (what is wrong, what to do) as a registry problem."""

    def run(value: str) -> str:
        message = fn(value)
        if message:
            raise PydanticCustomError("xacct", message)
        return value

    return AfterValidator(run)


@dataclass(frozen=True)
class Hint:
    """JSON Schema keywords for a field type (``xacct schema``, editors); validation stays with its check.

    A pattern is ECMA-262 (what editors run) and must accept every value the check accepts: it may be
    looser (tests/registry/test_schema_fields.py holds each to its check), never stricter.
    """

    description: str
    pattern: str | None = None
    extra: tuple[tuple[str, Any], ...] = ()
    keywords: Callable[[], dict[str, Any]] | None = None  # computed when the schema is made (enums)

    def __get_pydantic_json_schema__(
        self, core: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core)
        schema["description"] = self.description
        if self.pattern is not None:
            schema["pattern"] = self.pattern
        schema.update(dict(self.extra))
        if self.keywords is not None:
            schema.update(self.keywords())
        return schema


class Strict(BaseModel):
    """Base: unknown keys are errors, values keep the types YAML gave them; a field's docstring is its
    description in ``xacct schema``."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, use_attribute_docstrings=True)


NAME_CHARS = "A-Za-z0-9_+=,.@-"  # IAM names: what ``[\w+=,.@-]`` is in re.ASCII
PARTITION = "(?:aws|aws-cn|aws-us-gov)"


def _regions() -> dict[str, Any]:
    return {"enum": sorted(aws.regions())}


def _resource_type_pattern() -> str:
    never = "|".join(aws.NEVER_ALLOWED_TYPES)
    return f"^(?!{never})(?!aws_iam_role(?:_policy)?$)[a-z][a-z0-9]*(?:_[a-z0-9]+)+$"


AccountId = Annotated[
    str,
    checked(aws.account_id),
    Hint('A 12-digit AWS account ID, quoted ("111111111111").', "^[0-9]{12}$"),
]
Slug = Annotated[
    str,
    checked(aws.slug),
    Hint(
        "A slug: 1-40 lower-case letters, digits and '-', starting and ending with a letter or digit.",
        "^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$",
    ),
]
Region = Annotated[str, checked(aws.region), Hint("An AWS region name.", keywords=_regions)]
ResourceType = Annotated[
    str,
    checked(aws.resource_type),
    Hint(
        "A Terraform resource type (e.g. aws_sns_topic); never IAM users, keys, groups or identity "
        "providers, nor the role and role policy the module creates.",
        _resource_type_pattern(),
    ),
]
RoleName = Annotated[
    str,
    checked(aws.role_name),
    Hint("An IAM role name: 1-64 of letters, digits and + = , . @ _ -", f"^[{NAME_CHARS}]{{1,64}}$"),
]
PolicyName = Annotated[
    str,
    checked(aws.policy_name),
    Hint("An IAM policy name: 1-128 of letters, digits and + = , . @ _ -", f"^[{NAME_CHARS}]{{1,128}}$"),
]
RolePath = Annotated[
    str,
    checked(aws.role_path),
    Hint(
        'An IAM path: "/" or "/name/" (printable ASCII, no spaces).',
        "^(?:/|/[!-~]+/)$",
        (("maxLength", 512),),
    ),
]
ExternalId = Annotated[
    str,
    checked(aws.external_id),
    Hint(
        "A partner-generated external ID (`xacct external-ids assign` writes a UUID4).",
        "^[A-Za-z0-9_+=,.@:/-]{2,1224}$",
    ),
]
PrincipalArn = Annotated[
    str,
    checked(aws.principal_arn),
    Hint(
        "An IAM principal ARN: arn:aws:iam::<12 digits>:root, :role/NAME or :user/NAME.",
        f"^arn:{PARTITION}:iam::[0-9]{{12}}:(?:root|role/[/{NAME_CHARS}]+|user/[/{NAME_CHARS}]+)$",
    ),
]
PolicyArn = Annotated[
    str,
    checked(aws.policy_arn),
    Hint(
        "An IAM policy ARN: arn:aws:iam::<account or aws>:policy/NAME.",
        f"^arn:{PARTITION}:iam::(?:[0-9]{{12}}|aws):policy/[/{NAME_CHARS}]+$",
    ),
]
Description = Annotated[
    str,
    checked(aws.description),
    Hint(
        "The role's description: Latin-1 printable text.",
        "^[\\t\\n\\r\\x20-\\x7e\\xa1-\\xff]*$",
        (("maxLength", aws.ROLE_DESCRIPTION_MAX),),
    ),
]
ZoneId = Annotated[
    str,
    checked(aws.hosted_zone_id),
    Hint("A bare Route 53 hosted zone ID (e.g. Z8L2Y45GOT7LQT), no wildcards.", "^[A-Z0-9]{1,32}$"),
]
Bucket = Annotated[
    str,
    checked(aws.bucket),
    Hint(
        "An S3 bucket name: 3-63 lower-case letters, digits, '.' and '-'; no wildcards.",
        "^(?!.*\\.\\.)(?![0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
    ),
]
S3Prefix = Annotated[
    str,
    checked(aws.s3_prefix),
    Hint(
        "A key prefix ending in '/' (e.g. acme/): no leading '/', no '.' or '..' segments, no wildcards.",
        "^(?:(?!\\.\\.?/)[A-Za-z0-9!_.'()=+,@:-]+/)+$",
        (("maxLength", 512),),
    ),
]
Action = Annotated[
    str,
    checked(aws.action),
    Hint("An IAM action, service:Action (e.g. s3:GetObject), or *.", "^(?:\\*|[a-z0-9-]+:[A-Za-z0-9*?]+)$"),
]
ResourceArn = Annotated[
    str,
    checked(aws.resource_arn),
    Hint(
        'A resource ARN (arn:partition:service:region:account:resource) or "*".',
        "^(?:\\*|arn:[a-z*?-]+:[a-z0-9*?-]*:[a-z0-9*?-]*:[0-9*?]*:\\S+)$",
    ),
]
Sid = Annotated[str, checked(aws.sid), Hint("A statement ID: letters and digits.", "^[A-Za-z0-9]+$")]
TfcName = Annotated[
    str,
    checked(aws.tfc_name),
    Hint("An HCP Terraform name: letters, digits, '_' and '-' (max 90).", "^[A-Za-z0-9_-]{1,90}$"),
]
Hostname = Annotated[
    str,
    checked(aws.hostname),
    Hint(
        "A host name, without scheme or path (e.g. app.terraform.io), optionally with :PORT.",
        "^(?=[^:]{1,253}(?::|$))[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
        "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(?::[0-9]{1,5})?$",
    ),
]
TagKey = Annotated[
    str,
    checked(aws.tag_key),
    Hint(
        "A tag key: 1-128 letters, digits, spaces and _ . : / = + - @; not starting with aws: or xacct:",
        "^(?![aA][wW][sS]:)(?![xX][aA][cC][cC][tT]:)",
        (("minLength", 1), ("maxLength", aws.TAG_KEY_MAX)),
    ),
]
TagValue = Annotated[
    str,
    checked(aws.tag_value),
    Hint(
        "A tag value: up to 256 letters, digits, spaces and _ . : / = + - @",
        extra=(("maxLength", aws.TAG_VALUE_MAX),),
    ),
]
SessionDuration = Annotated[
    int,
    Field(ge=aws.SESSION_MIN, le=aws.SESSION_MAX),
    Hint("The longest session, in seconds: 3600 (1 hour) to 43200 (12 hours)."),
]
