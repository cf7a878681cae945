"""What each example of the published modules must plan, written out in full (tests/test_modules.py plans
them with terraform and compares)."""

from __future__ import annotations

from typing import Any

ROUTE53_ZONE = "arn:aws:route53:::hostedzone/Z8L2Y45GOT7LQT"
LOG_GROUPS = "arn:aws:logs:us-east-1:222222222222:log-group:/teamform/*"

# What the examples must plan, written out in full (the documents the Python model also produces).
EXPECTED_PLANS: dict[str, dict[str, Any]] = {
    "customer-role/examples/basic": {
        "trust": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "PartnerAssumeRole",
                    "Effect": "Allow",
                    "Principal": {"AWS": ["arn:aws:iam::111111111111:root"]},
                    "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"sts:ExternalId": "5b1d9a64-7c2e-4f3a-b8d0-2e6f9c4a1b37"}},
                }
            ],
        },
        "policy": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "ManageRecordSets",
                    "Effect": "Allow",
                    "Action": ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"],
                    "Resource": [ROUTE53_ZONE],
                },
                {
                    "Effect": "Allow",
                    "Action": ["route53:GetChange"],
                    "Resource": ["arn:aws:route53:::change/*"],
                },
            ],
        },
        "role": {"name": "TeamFormAccess", "path": "/", "max_session_duration": 3600},
        "policy_name": "xacct-permissions",
    },
    "customer-role/examples/complete": {
        "trust": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "PartnerAssumeRole",
                    "Effect": "Allow",
                    "Principal": {
                        "AWS": [
                            "arn:aws:iam::111111111111:role/teamform-integration",
                            "arn:aws:iam::111111111111:root",
                        ]
                    },
                    "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"sts:ExternalId": "c9a4e1f0-3b7d-4d2a-9e8f-71b5c6d2a0e4"}},
                }
            ],
        },
        "policy": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "ManageRecordSets",
                    "Effect": "Allow",
                    "Action": ["route53:ChangeResourceRecordSets"],
                    "Resource": [ROUTE53_ZONE],
                    "Condition": {
                        "ForAllValues:StringEquals": {
                            "route53:ChangeResourceRecordSetsRecordTypes": ["TXT", "CNAME"],
                            "route53:ChangeResourceRecordSetsActions": ["UPSERT"],
                        },
                        "ForAllValues:StringLike": {
                            "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["*.acme.example.com"]
                        },
                    },
                },
                {
                    "Sid": "ReadLogs",
                    "Effect": "Allow",
                    "Action": ["logs:GetLogEvents", "logs:FilterLogEvents"],
                    "Resource": [LOG_GROUPS],
                },
                {
                    "Sid": "DenyOutsideLogs",
                    "Effect": "Deny",
                    "NotAction": ["route53:*"],
                    "NotResource": [LOG_GROUPS],
                },
            ],
        },
        "role": {
            "name": "TeamFormDnsAndLogs",
            "path": "/partners/teamform/",
            "max_session_duration": 7200,
            "permissions_boundary": "arn:aws:iam::222222222222:policy/PartnerBoundary",
            "tags": {"Partner": "teamform", "ManagedBy": "terraform"},
        },
        "policy_name": "teamform-permissions",
    },
    "partner-role/examples/basic": {
        "trust": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "CustomerAssumeRole",
                    "Effect": "Allow",
                    "Principal": {"AWS": ["arn:aws:iam::222222222222:root"]},
                    "Action": "sts:AssumeRole",
                }
            ],
        },
        "policy": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "ObjectsUnderPrefix",
                    "Effect": "Allow",
                    "Action": ["s3:GetObject", "s3:PutObject"],
                    "Resource": ["arn:aws:s3:::partner-bucket-name/acme/*"],
                },
                {
                    "Sid": "ListPrefix",
                    "Effect": "Allow",
                    "Action": ["s3:ListBucket"],
                    "Resource": ["arn:aws:s3:::partner-bucket-name"],
                    "Condition": {"StringLike": {"s3:prefix": ["acme/*"]}},
                },
            ],
        },
        "role": {"name": "acme-objects", "path": "/", "tags": {"Tenant": "acme"}},
        "policy_name": "xacct-permissions",
    },
}
