"""A mixed set of whole calls for `bench_evaluator.py`: every layer, same- and cross-account.

Twelve calls (six allowed, six denied): a cross-account AssumeRole through an external-ID trust policy
with SCPs on the partner side, S3 reads through a bucket policy with RCPs, a permission boundary, a
session policy, a KMS key policy, a VPC endpoint policy, and denies decided by each of those layers.
"""

from __future__ import annotations

from typing import Any

CUSTOMER = "111122223333"
PARTNER = "444455556666"
EXTERNAL_ID = "3f1c9a7e-5b2d-4e8f-9a61-0c7d2b4e8f13"
SESSION = f"arn:aws:sts::{PARTNER}:assumed-role/partner-ops/session-1"
LOCAL_SESSION = f"arn:aws:sts::{CUSTOMER}:assumed-role/app/i-0abc"


def _doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


TRUST = _doc(
    {
        "Sid": "TrustPartner",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": EXTERNAL_ID}},
    }
)
PARTNER_IDENTITY = _doc(
    {
        "Sid": "Assume",
        "Effect": "Allow",
        "Action": "sts:AssumeRole",
        "Resource": f"arn:aws:iam::{CUSTOMER}:role/*",
    },
    {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"},
)
SCPS = [
    _doc({"Effect": "Allow", "Action": "*", "Resource": "*"}),
    _doc(
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Sid": "NoDeletes", "Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"},
    ),
]
RCPS = [
    _doc({"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}),
    _doc(
        {
            "Sid": "TLSOnly",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    ),
]
BUCKET = _doc(
    {
        "Sid": "PartnerRead",
        "Effect": "Allow",
        "Principal": {"AWS": PARTNER},
        "Action": ["s3:GetObject", "s3:ListBucket"],
        "Resource": ["arn:aws:s3:::acme-reports", "arn:aws:s3:::acme-reports/*"],
    }
)
KEY = _doc(
    {
        "Sid": "Enable IAM User Permissions",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{CUSTOMER}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }
)
LOCAL_IDENTITY = _doc(
    {"Sid": "Decrypt", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"},
    {"Sid": "S3", "Effect": "Allow", "Action": "s3:*", "Resource": "*"},
)
BOUNDARY = _doc({"Effect": "Allow", "Action": ["s3:*", "kms:*"], "Resource": "*"})
SESSION_POLICY = _doc({"Effect": "Allow", "Action": ["s3:GetObject", "kms:Decrypt"], "Resource": "*"})
ENDPOINT = _doc(
    {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::acme-*/*"}
)


def calls() -> list[dict[str, Any]]:
    """The mixed set, as dicts with the fields of `generator.iam.Call`."""
    assume = {
        "action": "sts:AssumeRole",
        "resource": f"arn:aws:iam::{CUSTOMER}:role/xacct/partner-access",
        "resource_kind": "role-trust",
        "resource_policy": TRUST,
        "identity": [PARTNER_IDENTITY],
        "principal_org": {"scps": SCPS},
    }
    read = {
        "resource": "arn:aws:s3:::acme-reports/2024/q1.csv",
        "resource_account": CUSTOMER,
        "resource_kind": "bucket",
        "resource_policy": BUCKET,
        "identity": [PARTNER_IDENTITY],
        "principal_org": {"scps": SCPS},
        "resource_org": {"rcps": RCPS},
    }
    local = {
        "principal": LOCAL_SESSION,
        "identity": [LOCAL_IDENTITY],
        "boundary": [BOUNDARY],
        "session": [SESSION_POLICY],
        "principal_org": {"scps": SCPS},
    }
    key = {"resource": f"arn:aws:kms:us-east-1:{CUSTOMER}:key/1234abcd", "resource_kind": "kms-key"}
    tls = {"aws:SecureTransport": "true"}
    return [
        {**assume, "principal": SESSION, "context": {"sts:ExternalId": EXTERNAL_ID}},
        {**assume, "principal": SESSION, "context": {"sts:ExternalId": "wrong"}},
        {**read, "action": "s3:GetObject", "principal": SESSION, "context": tls},
        {**read, "action": "s3:GetObject", "principal": SESSION, "context": {"aws:SecureTransport": "false"}},
        {**read, "action": "s3:DeleteObject", "principal": SESSION, "context": tls},
        {**read, "action": "s3:GetObject", "principal": "arn:aws:iam::999988887777:user/x", "context": tls},
        {**local, **key, "action": "kms:Decrypt", "resource_policy": KEY},
        {**local, **key, "action": "kms:Encrypt", "resource_policy": KEY},
        {
            **local,
            "action": "s3:GetObject",
            "resource": "arn:aws:s3:::acme-data/k",
            "endpoint_policy": ENDPOINT,
        },
        {
            **local,
            "action": "s3:PutObject",
            "resource": "arn:aws:s3:::acme-data/k",
            "endpoint_policy": ENDPOINT,
        },
        {**local, "action": "s3:GetObject", "resource": "arn:aws:s3:::acme-data/k"},
        {
            "action": "s3:GetObject",
            "principal": None,
            "resource": "arn:aws:s3:::acme-reports/a",
            **{k: read[k] for k in ("resource_account", "resource_kind", "resource_policy")},
        },
    ]


EXPECTED = [True, False, True, False, False, False, True, False, True, False, True, False]
