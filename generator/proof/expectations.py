"""What each role must allow and deny, derived from the registry entry (not from the policy model).

These are the oracle of the plan and live layers: requests with the verdict the registry's
intent implies. They are written from the registry's meaning (a zone, a bucket prefix, an
access level) independently of `generator.policy`, so that a bug in the model, the modules or
the templates shows up as a wrong verdict. Each permission kind writes its own cases
(``PermissionKind.cases`` in ``generator/permissions/kinds/``); here are trust and the generic denials.
"""

from __future__ import annotations

from dataclasses import replace

from generator.permissions.case import Case
from generator.registry.model import CustomerToPartner, Partner, Scenario, Tenant, role_status

__all__ = ["GENERIC_DENIED", "OTHER_ACCOUNT", "Case", "permission_cases", "session_of", "trust_cases"]

OTHER_ACCOUNT = "999999999999"


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
    new = tenant.next_external_id if needs_id and ext else None  # a rotation in progress: both IDs work
    cases: list[Case] = []
    for arn in trusted:
        caller = session_of(arn)
        good = {"sts:ExternalId": ext} if needs_id and ext else {}
        if new:
            cases += rotation_cases(role_arn, caller, ext, new)
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
                    {"sts:ExternalId": wrong_external_id(ext, new)},
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


def wrong_external_id(ext: str, new: str | None = None) -> str:
    """An ID one character off ``ext``, and not ``new`` (a rotation's other accepted ID)."""
    for last in "01":
        wrong = ext[:-1] + last
        if wrong not in (ext, new):
            return wrong
    return ext + "X"


def rotation_cases(role_arn: str, caller: str, ext: str, new: str) -> list[Case]:
    """During a rotation the trust accepts the new ID beside the old one, and still no third."""
    return [
        Case("trusted principal with the new external ID (rotation in progress)", "sts:AssumeRole",
             role_arn, True, caller, {"sts:ExternalId": new}),
        Case("trusted principal with an ID one character off the new one", "sts:AssumeRole", role_arn,
             False, caller, {"sts:ExternalId": wrong_external_id(new, ext)}),
        Case("trusted principal with both IDs run together", "sts:AssumeRole", role_arn, False, caller,
             {"sts:ExternalId": f"{ext},{new}"}),
        Case("another account, even with the new external ID", "sts:AssumeRole", role_arn, False,
             f"arn:aws:iam::{OTHER_ACCOUNT}:root", {"sts:ExternalId": new}),
    ]  # fmt: skip


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
    for perm in settings.permissions:
        cases += perm.spec.cases(perm.value)
    if not any(perm.spec.open_ended for perm in settings.permissions):  # raw statements may grant anything
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
