"""What each role must allow and deny, derived from the registry entry (not from the policy model).

These are the oracle of the plan and live layers: requests with the verdict the registry's
intent implies. They are written from the registry's meaning (a zone, a bucket prefix, an
access level) independently of `generator.policy`, so that a bug in the model, the modules or
the templates shows up as a wrong verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from generator.registry.model import CustomerToPartner, Partner, RawStatement, Scenario, Tenant, role_status

OTHER_ACCOUNT = "999999999999"
OTHER_ZONE = "ZOTHERZONE0000"
OTHER_BUCKET = "xacct-some-other-bucket"


@dataclass(frozen=True)
class Case:
    """One request and the verdict the registry implies for it."""

    label: str
    action: str
    resource: str
    allowed: bool
    principal: str | None = None
    context: dict[str, Any] = field(default_factory=dict)

    def request(self) -> dict[str, Any]:
        req: dict[str, Any] = {
            "action": self.action,
            "resource": self.resource,
            "context": dict(self.context),
        }
        if self.principal is not None:
            req["principal"] = self.principal
        return req

    def describe(self) -> str:
        who = f" as {self.principal}" if self.principal else ""
        ctx = f" with {self.context}" if self.context else ""
        return f"{self.action} on {self.resource}{who}{ctx}"


def session_of(principal_arn: str, session: str = "xacct-test") -> str:
    """An STS session ARN for a principal ARN (a role session, or the user/root itself)."""
    parts = principal_arn.split(":")
    account, resource = parts[4], parts[5]
    if resource.startswith("role/"):
        name = resource.rsplit("/", 1)[-1]
        return f"arn:aws:sts::{account}:assumed-role/{name}/{session}"
    return principal_arn


def suspended(tenant: Tenant, scenario: Scenario) -> bool:
    """Whether the registry suspends the role of ``tenant`` and ``scenario`` (it or its tenant)."""
    settings = getattr(tenant, scenario)
    return settings is not None and role_status(tenant, settings) == "suspended"


def trust_cases(partner: Partner, tenant: Tenant, scenario: Scenario, role_arn: str) -> list[Case]:
    """Who may and may not assume the role: nobody, with or without the external ID, while the
    registry suspends it."""
    cases = _trust_cases(partner, tenant, scenario, role_arn)
    if suspended(tenant, scenario):
        return [replace(c, label=f"suspended: {c.label}", allowed=False) for c in cases]
    return cases


def _trust_cases(partner: Partner, tenant: Tenant, scenario: Scenario, role_arn: str) -> list[Case]:
    if scenario == "partner_to_customer":
        trusted = [partner.principal_arn or f"arn:aws:iam::{partner.account_id}:root"]
        needs_id = True
        own_account = tenant.account_id
    else:
        settings = tenant.customer_to_partner
        assert isinstance(settings, CustomerToPartner)
        trusted = list(settings.trusted_principal_arns or [f"arn:aws:iam::{tenant.account_id}:root"])
        needs_id = settings.require_external_id
        own_account = partner.account_id
    ext = tenant.external_id
    cases: list[Case] = []
    for arn in trusted:
        caller = session_of(arn)
        good = {"sts:ExternalId": ext} if needs_id and ext else {}
        cases.append(
            Case(
                "trusted principal with the right external ID" if good else "trusted principal",
                "sts:AssumeRole",
                role_arn,
                True,
                caller,
                good,
            )
        )
        if needs_id and ext:
            cases += [
                Case("trusted principal without an external ID", "sts:AssumeRole", role_arn, False, caller),
                Case(
                    "trusted principal with a wrong external ID",
                    "sts:AssumeRole",
                    role_arn,
                    False,
                    caller,
                    {"sts:ExternalId": ext[:-1] + ("0" if ext[-1] != "0" else "1")},
                ),
                Case(
                    "trusted principal with the external ID in the wrong case",
                    "sts:AssumeRole",
                    role_arn,
                    False,
                    caller,
                    {"sts:ExternalId": ext.swapcase() if ext.swapcase() != ext else ext + "X"},
                ),
                Case(
                    "trusted principal with an empty external ID",
                    "sts:AssumeRole",
                    role_arn,
                    False,
                    caller,
                    {"sts:ExternalId": ""},
                ),
            ]
        if arn.split(":")[5].startswith("role/"):
            other_role = arn.rsplit("/", 1)[0] + "/not-" + arn.rsplit("/", 1)[1]
            cases.append(
                Case(
                    "another role of the trusted account",
                    "sts:AssumeRole",
                    role_arn,
                    False,
                    session_of(other_role),
                    good,
                )
            )
    foreign = {"sts:ExternalId": ext} if ext else {}
    cases += [
        Case(
            "another account, even with the external ID",
            "sts:AssumeRole",
            role_arn,
            False,
            f"arn:aws:iam::{OTHER_ACCOUNT}:root",
            foreign,
        ),
        Case(
            "a role of another account",
            "sts:AssumeRole",
            role_arn,
            False,
            f"arn:aws:sts::{OTHER_ACCOUNT}:assumed-role/attacker/s",
            foreign,
        ),
        Case("anonymous (*)", "sts:AssumeRole", role_arn, False, "*", foreign),
        Case("a service principal", "sts:AssumeRole", role_arn, False, "ec2.amazonaws.com", foreign),
    ]
    if scenario == "partner_to_customer":
        cases.append(
            Case(
                "the customer's own account (not the partner)",
                "sts:AssumeRole",
                role_arn,
                False,
                f"arn:aws:iam::{own_account}:root",
                foreign,
            )
        )
    cases.append(
        Case(
            "AssumeRoleWithWebIdentity is not granted",
            "sts:AssumeRoleWithWebIdentity",
            role_arn,
            False,
            session_of(trusted[0]),
            {"sts:ExternalId": ext} if ext else {},
        )
    )
    return cases


def _sibling_prefix(prefix: str) -> str:
    """A prefix that shares the tenant's as a string but is another tenant's (acme/ -> acmecorp/)."""
    return prefix[:-1] + "corp/"


def _route53_cases(zones: list[str], access: str) -> list[Case]:
    cases = []
    for zone in zones:
        arn = f"arn:aws:route53:::hostedzone/{zone}"
        cases.append(Case("list records in the tenant's zone", "route53:ListResourceRecordSets", arn, True))
        cases.append(
            Case(
                "change records in the tenant's zone"
                if access == "read-write"
                else "change records (read-only grant)",
                "route53:ChangeResourceRecordSets",
                arn,
                access == "read-write",
            )
        )
        cases.append(Case("delete the tenant's zone", "route53:DeleteHostedZone", arn, False))
        cases.append(Case("change the zone's settings", "route53:UpdateHostedZoneComment", arn, False))
    other = f"arn:aws:route53:::hostedzone/{OTHER_ZONE}"
    cases += [
        Case("change records in another zone", "route53:ChangeResourceRecordSets", other, False),
        Case("list records in another zone", "route53:ListResourceRecordSets", other, False),
        Case("create a hosted zone", "route53:CreateHostedZone", "*", False),
    ]
    if access == "read-write":
        cases.append(
            Case(
                "wait for a change (GetChange)",
                "route53:GetChange",
                "arn:aws:route53:::change/C2682N5HXP0BZ4",
                True,
            )
        )
    return cases


def _s3_cases(bucket: str, prefix: str, access: str, listing: bool) -> list[Case]:
    obj = f"arn:aws:s3:::{bucket}/{prefix}"
    read, write = access in ("read", "read-write"), access in ("write", "read-write")
    return [
        Case("get an object under the tenant's prefix", "s3:GetObject", obj + "report.csv", read),
        Case("get a nested object under the prefix", "s3:GetObject", obj + "a/b/c.json", read),
        Case("put an object under the tenant's prefix", "s3:PutObject", obj + "upload.csv", write),
        Case("delete an object under the prefix", "s3:DeleteObject", obj + "report.csv", False),
        Case("change an object's ACL", "s3:PutObjectAcl", obj + "report.csv", False),
        Case(
            "get an object of another tenant's prefix",
            "s3:GetObject",
            f"arn:aws:s3:::{bucket}/{_sibling_prefix(prefix)}report.csv",
            False,
        ),
        Case(
            "put an object of another tenant's prefix",
            "s3:PutObject",
            f"arn:aws:s3:::{bucket}/{_sibling_prefix(prefix)}x",
            False,
        ),
        Case("get an object at the bucket root", "s3:GetObject", f"arn:aws:s3:::{bucket}/other.csv", False),
        Case(
            "get an object of another bucket, same prefix",
            "s3:GetObject",
            f"arn:aws:s3:::{OTHER_BUCKET}/{prefix}report.csv",
            False,
        ),
        Case("the bucket ARN itself (GetObject)", "s3:GetObject", f"arn:aws:s3:::{bucket}", False),
        Case("list the bucket without a prefix", "s3:ListBucket", f"arn:aws:s3:::{bucket}", False),
        Case(
            "list the tenant's prefix",
            "s3:ListBucket",
            f"arn:aws:s3:::{bucket}",
            listing,
            context={"s3:prefix": prefix},
        ),
        Case("change the bucket policy", "s3:PutBucketPolicy", f"arn:aws:s3:::{bucket}", False),
        Case("delete the bucket", "s3:DeleteBucket", f"arn:aws:s3:::{bucket}", False),
    ]


def _raw_cases(raw: RawStatement) -> list[Case]:
    """Concrete actions on concrete resources of a raw statement get its effect."""
    cases = []
    if raw.actions and raw.resources and not raw.conditions:
        for action in raw.actions:
            if "*" in action or "?" in action:
                continue
            for resource in raw.resources:
                if "*" in resource or "?" in resource:
                    continue
                cases.append(
                    Case(f"raw statement {raw.sid or ''}".strip(), action, resource, raw.effect == "Allow")
                )
    return cases


GENERIC_DENIED = [
    ("create an IAM user", "iam:CreateUser", "*"),
    ("attach a policy to a role", "iam:AttachRolePolicy", "arn:aws:iam::{account}:role/any"),
    ("put an inline role policy", "iam:PutRolePolicy", "arn:aws:iam::{account}:role/any"),
    ("pass a role", "iam:PassRole", "arn:aws:iam::{account}:role/any"),
    ("create access keys", "iam:CreateAccessKey", "arn:aws:iam::{account}:user/any"),
    ("assume another role onwards", "sts:AssumeRole", "arn:aws:iam::{account}:role/any"),
    ("assume a role in another account", "sts:AssumeRole", f"arn:aws:iam::{OTHER_ACCOUNT}:role/any"),
    ("delete any object", "s3:DeleteObject", "arn:aws:s3:::any-bucket/any"),
    ("everything on everything", "ec2:RunInstances", "*"),
]


def permission_cases(tenant: Tenant, scenario: Scenario, account_id: str) -> list[Case]:
    """What the role's permissions must allow (every grant) and deny (near misses, escalation)."""
    settings = tenant.partner_to_customer if scenario == "partner_to_customer" else tenant.customer_to_partner
    assert settings is not None
    cases: list[Case] = []
    has_raw = False
    for perm in settings.permissions:
        if perm.route53_records is not None:
            cases += _route53_cases(perm.route53_records.hosted_zone_ids, perm.route53_records.access)
        elif perm.s3_objects is not None:
            p = perm.s3_objects
            cases += _s3_cases(p.bucket, p.prefix, p.access, p.list)
        elif perm.statements is not None:
            has_raw = True
            for raw in perm.statements:
                cases += _raw_cases(raw)
    if not has_raw:  # raw statements may grant anything; the catalog kinds never grant these
        cases += [
            Case(label, action, resource.format(account=account_id), False)
            for label, action, resource in GENERIC_DENIED
        ]
    # A request that one grant allows must not be denied by another entry's near miss.
    allowed = {(c.action.lower(), c.resource, tuple(sorted(c.context.items()))) for c in cases if c.allowed}
    return [
        c
        for c in cases
        if c.allowed or (c.action.lower(), c.resource, tuple(sorted(c.context.items()))) not in allowed
    ]
