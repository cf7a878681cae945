"""The identity policy the *caller's* side needs to assume a generated role.

Across accounts both sides must allow: the role's trust policy names the caller, and the caller's own
account must give its principal ``sts:AssumeRole`` on the role. xacct writes the first; the partner
(Scenario A) or the customer (Scenario B) attaches this one to the principal that assumes the role.
"""

from __future__ import annotations

from typing import Any


def assume_role_policy_for_caller(role_arn: str) -> dict[str, Any]:
    """An identity policy that lets its principal assume ``role_arn`` and nothing else."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "AssumeXacctRole", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn}
        ],
    }
