"""The IAM roles that exist in an account, read with boto3 (any IAM endpoint: AWS or LocalStack)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from generator import progress
from generator.audit.document_diff import parse_document

SERVICE_LINKED_PATH = "/aws-service-role/"


@dataclass(frozen=True)
class DeployedRole:
    """One role as IAM holds it; ``inline``/``attached`` are filled only for the roles compared in full."""

    name: str
    path: str
    arn: str
    trust: dict[str, Any]
    max_session_duration: int = 3600
    permissions_boundary: str | None = None
    description: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    inline: dict[str, dict[str, Any]] = field(default_factory=dict)  # policy name -> document
    attached: dict[str, dict[str, Any]] = field(default_factory=dict)  # policy ARN -> document
    boundary_document: dict[str, Any] | None = None  # the boundary policy's default version, when read
    boundary_unread: str | None = None  # why the boundary's document could not be read

    @property
    def account(self) -> str:
        return self.arn.split(":")[4]

    @property
    def service_linked(self) -> bool:
        return self.path.startswith(SERVICE_LINKED_PATH)

    def permission_documents(self) -> list[tuple[str, dict[str, Any]]]:
        """``(source, document)`` of every inline and attached policy, inline first, by name."""
        return [(f"inline {name}", doc) for name, doc in sorted(self.inline.items())] + [
            (f"attached {arn}", doc) for arn, doc in sorted(self.attached.items())
        ]


def _role(data: dict[str, Any]) -> DeployedRole:
    boundary = (data.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
    return DeployedRole(
        name=data["RoleName"],
        path=data.get("Path", "/"),
        arn=data["Arn"],
        trust=parse_document(data.get("AssumeRolePolicyDocument") or {"Statement": []}),
        max_session_duration=int(data.get("MaxSessionDuration", 3600)),
        permissions_boundary=boundary,
        description=data.get("Description"),
        tags={t["Key"]: t["Value"] for t in data.get("Tags") or []},
    )


def list_roles(iam: Any) -> list[DeployedRole]:
    """Every role of the account with its trust policy, tags and boundary (not yet its permissions).

    ``ListRoles`` omits tags and the permissions boundary, so every role that is not service-linked
    is read again with ``GetRole``.
    """
    listed = [data for page in iam.get_paginator("list_roles").paginate() for data in page["Roles"]]
    roles = []
    with progress.bar(f"reading {len(listed)} roles", len(listed)) as advance:
        for data in listed:
            if data.get("Path", "/").startswith(SERVICE_LINKED_PATH):
                roles.append(_role(data))
            else:
                roles.append(_role(iam.get_role(RoleName=data["RoleName"])["Role"]))
            advance(1)
    return sorted(roles, key=lambda r: r.name)


def _policy_document(iam: Any, arn: str) -> dict[str, Any]:
    """The default version of a managed policy."""
    version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    return parse_document(
        iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
    )


def boundary_of(iam: Any, role: DeployedRole) -> DeployedRole:
    """``role`` with its permission boundary's document (``GetPolicy`` + ``GetPolicyVersion``); a
    boundary that cannot be read (denied, deleted) is said in ``boundary_unread``, not an error."""
    from botocore.exceptions import ClientError

    if role.permissions_boundary is None:
        return role
    try:
        return replace(role, boundary_document=_policy_document(iam, role.permissions_boundary))
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "error")
        return replace(role, boundary_unread=f"{code} reading {role.permissions_boundary}")


def with_permissions(iam: Any, role: DeployedRole) -> DeployedRole:
    """``role`` with its inline policies, the default versions of its attached managed policies and
    its permission boundary's document."""
    inline: dict[str, dict[str, Any]] = {}
    for page in iam.get_paginator("list_role_policies").paginate(RoleName=role.name):
        for name in page["PolicyNames"]:
            doc = iam.get_role_policy(RoleName=role.name, PolicyName=name)["PolicyDocument"]
            inline[name] = parse_document(doc)
    attached: dict[str, dict[str, Any]] = {}
    for page in iam.get_paginator("list_attached_role_policies").paginate(RoleName=role.name):
        for policy in page["AttachedPolicies"]:
            attached[policy["PolicyArn"]] = _policy_document(iam, policy["PolicyArn"])
    return boundary_of(iam, replace(role, inline=inline, attached=attached))


def read_permissions(
    iam: Any, roles: list[DeployedRole], wanted: Callable[[DeployedRole], bool]
) -> list[DeployedRole]:
    """``roles``, the ``wanted`` ones with their permissions read (`with_permissions`: a few calls
    each, so a bar advances per role)."""
    count = sum(1 for role in roles if wanted(role))
    found = []
    with progress.bar(f"reading the policies of {count} roles", count) as advance:
        for role in roles:
            if wanted(role):
                role = with_permissions(iam, role)
                advance(1)
            found.append(role)
    return found
