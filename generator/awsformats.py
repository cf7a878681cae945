"""What AWS accepts for the identifiers xacct writes: each check returns an error message or None.

The messages say what is wrong and what to do; the registry model turns them into problems.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

ACCOUNT_ID = re.compile(r"[0-9]{12}")
ROLE_NAME = re.compile(r"[\w+=,.@-]{1,64}", re.ASCII)
POLICY_NAME = re.compile(r"[\w+=,.@-]{1,128}", re.ASCII)
EXTERNAL_ID = re.compile(r"[\w+=,.@:/-]{2,1224}", re.ASCII)
ROLE_PATH = re.compile(r"/|/[\x21-\x7e]+/")
SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?")
ZONE_ID = re.compile(r"[A-Z0-9]{1,32}")
BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
PRINCIPAL_ARN = re.compile(
    r"arn:(aws|aws-cn|aws-us-gov):iam::([0-9]{12}):(root|role/[\w+=,.@/-]+|user/[\w+=,.@/-]+)", re.ASCII
)
POLICY_ARN = re.compile(r"arn:(aws|aws-cn|aws-us-gov):iam::([0-9]{12}|aws):policy/[\w+=,.@/-]+", re.ASCII)
ACTION = re.compile(r"\*|[a-z0-9-]+:[A-Za-z0-9*?]+")
SID = re.compile(r"[A-Za-z0-9]+")
TFC_NAME = re.compile(r"[A-Za-z0-9_-]{1,90}")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
HOSTNAME = re.compile(rf"(?=[^:]{{1,253}}(?::|$)){_LABEL}(?:\.{_LABEL})*(?::[0-9]{{1,5}})?")
# A terraform version constraint: comma-separated "[operator] version" parts (e.g. "~> 5.100").
_CONSTRAINT_PART = r" *(?:=|!=|>=|<=|>|<|~>)? *\d{1,6}(?:\.\d{1,6}){0,2}(?:-[0-9A-Za-z.]{1,40})? *"
VERSION_CONSTRAINT = re.compile(rf"{_CONSTRAINT_PART}(?:,{_CONSTRAINT_PART}){{0,9}}")
S3_PREFIX_CHARS = re.compile(r"[A-Za-z0-9!_.'()/=+,@:-]+")
DESCRIPTION_CHARS = re.compile(r"[\t\n\r\x20-\x7e\xa1-\xff]*")
POLICY_CHARS = re.compile(r"[\t\n\r\x20-\xff]*")  # what IAM accepts in a policy document
ROLE_DESCRIPTION_MAX = 1000
TAG_KEY_MAX, TAG_VALUE_MAX, TAGS_MAX = 128, 256, 50
SESSION_MIN, SESSION_MAX = 3600, 43200


@cache
def regions() -> frozenset[str]:
    """AWS region names known to botocore (all partitions)."""
    import botocore.session

    endpoints = botocore.session.get_session().get_data("endpoints")
    return frozenset(r for p in endpoints["partitions"] for r in p["regions"])


def account_id(value: str) -> str | None:
    if not ACCOUNT_ID.fullmatch(value):
        return f'must be 12 digits (got "{value}"): copy the account ID from the AWS console'
    return None


def role_name(value: str) -> str | None:
    if not ROLE_NAME.fullmatch(value):
        if len(value) > 64:
            return f"is {len(value)} characters; AWS allows 64 at most: shorten it"
        return f'"{value}" is not a valid IAM role name: use 1-64 of letters, digits and + = , . @ _ -'
    return None


def policy_name(value: str) -> str | None:
    if not POLICY_NAME.fullmatch(value):
        return f'"{value}" is not a valid IAM policy name: use 1-128 of letters, digits and + = , . @ _ -'
    return None


def role_path(value: str) -> str | None:
    if len(value) > 512 or not ROLE_PATH.fullmatch(value):
        return f'"{value}" is not a valid IAM path: use "/" or "/name/" (printable ASCII, no spaces, max 512)'
    return None


def external_id(value: str) -> str | None:
    if not EXTERNAL_ID.fullmatch(value):
        return (
            "must be 2-1224 characters of letters, digits and + = , . @ : / _ - : "
            "let `xacct external-ids assign` generate one"
        )
    return None


def slug(value: str) -> str | None:
    if not SLUG.fullmatch(value):
        return (
            f'"{value}" is not a slug: use 1-40 lower-case letters, digits and "-", '
            "starting and ending with a letter or digit"
        )
    return None


TERRAFORM_TYPE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+")
NEVER_ALLOWED_TYPES = (
    "aws_iam_user",
    "aws_iam_access_key",
    "aws_iam_group",
    "aws_iam_openid_connect_provider",
    "aws_iam_saml_provider",
    "aws_iam_service_specific_credential",
    "aws_iam_signing_certificate",
    "aws_iam_virtual_mfa_device",
)


def resource_type(value: str) -> str | None:
    """A Terraform resource type a generated root's plan may hold (``partner.allowed_resource_types``)."""
    if not TERRAFORM_TYPE.fullmatch(value):
        return f'"{value}" is not a Terraform resource type: use a name such as aws_sns_topic'
    if value.startswith(NEVER_ALLOWED_TYPES):
        return (
            f'"{value}" can never be allowed: IAM users, keys, groups and identity providers are not '
            "part of a cross-account setup"
        )
    if value in ("aws_iam_role", "aws_iam_role_policy"):
        return f'"{value}" is what the role module creates; list only other types'
    return None


# Regions every botocore release of recent years knows (botocore never drops one): a registry of these
# is judged without loading botocore, ~0.1 s of a run's start-up; any other name is looked up there.
_ESTABLISHED_REGIONS = frozenset(
    [f"us-{r}" for r in ("east-1", "east-2", "west-1", "west-2", "gov-east-1", "gov-west-1")]
    + [f"eu-{r}" for r in ("central-1", "west-1", "west-2", "west-3", "north-1", "south-1")]
    + [f"ap-{r}" for r in ("east-1", "south-1", "northeast-1", "northeast-2", "northeast-3")]
    + ["ap-southeast-1", "ap-southeast-2", "ca-central-1", "sa-east-1", "me-south-1", "af-south-1"]
    + ["cn-north-1", "cn-northwest-1"]
)


def region(value: str) -> str | None:
    if value not in _ESTABLISHED_REGIONS and value not in regions():
        return f'"{value}" is not an AWS region: use a region name such as us-east-1'
    return None


def hosted_zone_id(value: str) -> str | None:
    if "*" in value or "?" in value:
        return "wildcards are not allowed: name each hosted zone ID"
    if value.startswith("/hostedzone/"):
        return f'write the bare zone ID "{value.removeprefix("/hostedzone/")}", without "/hostedzone/"'
    if not ZONE_ID.fullmatch(value):
        return (
            f'"{value}" is not a Route 53 hosted zone ID: '
            "use upper-case letters and digits, e.g. Z8L2Y45GOT7LQT"
        )
    return None


def bucket(value: str) -> str | None:
    if not value:
        return "is empty: name the bucket"
    if "*" in value or "?" in value:
        return "wildcards are not allowed: name one bucket"
    if not BUCKET.fullmatch(value) or ".." in value or re.fullmatch(r"\d+\.\d+\.\d+\.\d+", value):
        return (
            f'"{value}" is not a valid S3 bucket name: 3-63 lower-case letters, digits, "." and "-", '
            "starting and ending with a letter or digit"
        )
    return None


def s3_prefix(value: str) -> str | None:
    if not value:
        return 'is empty: give the tenant\'s prefix, ending in "/" (e.g. acme/)'
    if value.startswith("/"):
        return 'must not start with "/": S3 keys have no leading slash (write e.g. acme/)'
    if not value.endswith("/"):
        return f'must end in "/" so that it cannot match a longer name: write "{value}/"'
    if "*" in value or "?" in value:
        return "wildcards are not allowed: the prefix is matched literally"
    segments = value[:-1].split("/")
    if any(s in ("", ".", "..") for s in segments):
        return 'must not contain empty, "." or ".." segments: write a plain path such as acme/exports/'
    if not S3_PREFIX_CHARS.fullmatch(value) or len(value) > 512:
        return "may use letters, digits and ! _ . ' ( ) / = + , @ : - (at most 512 characters)"
    return None


def principal_arn(value: str) -> str | None:
    if not PRINCIPAL_ARN.fullmatch(value):
        return (
            f'"{value}" is not an IAM principal ARN: use arn:aws:iam::<12 digits>:root, '
            ":role/NAME or :user/NAME"
        )
    return None


def arn_account(value: str) -> str:
    """The account ID of an IAM ARN already checked by :func:`principal_arn`."""
    return value.split(":")[4]


def policy_arn(value: str) -> str | None:
    if not POLICY_ARN.fullmatch(value):
        return f'"{value}" is not an IAM policy ARN: use arn:aws:iam::<account>:policy/NAME'
    return None


def description(value: str) -> str | None:
    if len(value) > ROLE_DESCRIPTION_MAX:
        return f"is {len(value)} characters; AWS allows {ROLE_DESCRIPTION_MAX} at most"
    value = unicodedata.normalize("NFC", value)  # text not in NFC is refused on its own (normal_form.py)
    if not DESCRIPTION_CHARS.fullmatch(value):
        bad = next(c for c in value if not DESCRIPTION_CHARS.fullmatch(c))
        return f"contains {bad!r}, which AWS refuses in a role description: use Latin-1 printable text"
    return None


def _tag_chars_ok(value: str) -> bool:
    value = unicodedata.normalize("NFC", value)  # text not in NFC is refused on its own (normal_form.py)
    return all(c in "_.:/=+-@ " or unicodedata.category(c)[0] in "LNZ" for c in value)


def tag_key(value: str) -> str | None:
    if not 1 <= len(value) <= TAG_KEY_MAX:
        return f"tag key is {len(value)} characters; AWS allows 1-{TAG_KEY_MAX}: shorten it"
    if value.lower().startswith("aws:"):
        return 'tag keys starting with "aws:" are reserved by AWS: choose another key'
    if value.lower().startswith("xacct:"):
        return (
            'tag keys starting with "xacct:" are xacct\'s own (xacct:partner, xacct:tenant, xacct:scenario, '
            "set on every role): choose another key"
        )
    if not _tag_chars_ok(value):
        return (
            f'tag key "{value}" has characters AWS refuses: use letters, digits, spaces and _ . : / = + - @'
        )
    return None


def tag_value(value: str) -> str | None:
    if len(value) > TAG_VALUE_MAX:
        return f"tag value is {len(value)} characters; AWS allows {TAG_VALUE_MAX}: shorten it"
    if not _tag_chars_ok(value):
        return "tag value has characters AWS refuses: use letters, digits, spaces and _ . : / = + - @"
    return None


def action(value: str) -> str | None:
    if not ACTION.fullmatch(value):
        return f'"{value}" is not an IAM action: write service:Action, e.g. s3:GetObject'
    return None


def policy_text(value: str) -> str | None:
    """Why IAM would refuse ``value`` (in its NFC form) in a policy document, or None."""
    value = unicodedata.normalize("NFC", value)  # text not in NFC is refused on its own (normal_form.py)
    if POLICY_CHARS.fullmatch(value):
        return None
    bad = next(c for c in value if not POLICY_CHARS.fullmatch(c))
    return (
        f'contains "{bad}" (U+{ord(bad):04X}), which IAM refuses in a policy document: '
        "use only tab, line breaks and the characters U+0020-U+00FF"
    )


def resource_arn(value: str) -> str | None:
    if value == "*" or re.fullmatch(r"arn:[a-z-*?]+:[a-z0-9-*?]*:[a-z0-9-*?]*:[0-9*?]*:\S+", value):
        return policy_text(value)
    return f'"{value}" is not an ARN: write arn:partition:service:region:account:resource or "*"'


def sid(value: str) -> str | None:
    if not SID.fullmatch(value):
        return f'"{value}" is not a valid Sid: use only letters and digits'
    return None


def tfc_name(value: str) -> str | None:
    if not TFC_NAME.fullmatch(value):
        return f'"{value}" is not a valid Terraform Cloud name: use letters, digits, "_" and "-" (max 90)'
    return None


def hostname(value: str) -> str | None:
    if not HOSTNAME.fullmatch(value):
        return (
            f'"{value}" is not a host name: write the host alone, without scheme, path or spaces '
            "(e.g. app.terraform.io or tfe.example.com, optionally :PORT)"
        )
    return None


def version_constraint(value: str) -> str | None:
    if not VERSION_CONSTRAINT.fullmatch(value):
        return (
            f'"{value}" is not a terraform version constraint: write e.g. "~> 5.100" or ">= 5.100, < 6.0" '
            "(operators = != > >= < <= ~>, versions like 5.100.0)"
        )
    return None
