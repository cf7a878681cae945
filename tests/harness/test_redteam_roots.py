"""Red team: what is in a generated root but never reaches the plan the harness judges.

The harness plans a root that differs from what xacct writes whole, as it is, but without the Terraform
Cloud block of ``cloud.tf`` (a working copy never talks to Terraform Cloud). It once left out the whole
file, so a resource appended to ``cloud.tf`` was applied by the pipeline and never judged.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.harness.test_whole_plan import ADMIN, ATTACH_ADMIN, run_suite

pytestmark = [pytest.mark.terraform, pytest.mark.slow]


def test_a_resource_in_cloud_tf_is_planned(workspace: Path) -> None:
    cloud = workspace / "generated" / "acme" / "partner_to_customer" / "cloud.tf"
    assert "cloud {" in cloud.read_text()
    cloud.write_text(cloud.read_text() + ATTACH_ADMIN)
    suite = run_suite(
        workspace, "--xacct-tenant", "acme", "--xacct-scenario", "partner_to_customer", "-k", "test_plan"
    )
    message = (
        f"acme/partner_to_customer: aws_iam_role_policy_attachment.admin attaches {ADMIN} to TeamFormAccess: "
        "iam:CreateUser on * would be ALLOWED, expected DENY"
    )
    assert suite.returncode == 1 and message in suite.stdout, suite.stdout[-4000:]
    assert "cloud.tf: differs from what xacct writes" in suite.stdout
