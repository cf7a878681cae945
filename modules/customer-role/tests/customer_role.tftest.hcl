# Scenario A: the role in the customer's account, trusted by the partner with
# an external ID that is always required.
#
# The module holds cross-account-role's resources and validations (make docs
# generates them): tests/test_modules.py (test_wrapper_passes_the_core_validation_tests)
# runs ../../cross-account-role/tests/validation.tftest.hcl against this module.
# Of the rules, only its own (external_id required) is tested here.

mock_provider "aws" {}

variables {
  role_name              = "TeamFormAccess"
  trusted_principal_arns = ["arn:aws:iam::111111111111:root"]
  external_id            = "5b1d9a64-7c2e-4f3a-b8d0-2e6f9c4a1b37"
  policy_statements = [
    {
      sid       = "ManageRecordSets"
      actions   = ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"]
      resources = ["arn:aws:route53:::hostedzone/Z8L2Y45GOT7LQT"]
    },
    {
      actions   = ["route53:GetChange"]
      resources = ["arn:aws:route53:::change/*"]
    },
  ]
}

run "trust_requires_the_external_id" {
  command = plan

  assert {
    condition = jsondecode(output.assume_role_policy) == {
      Version = "2012-10-17"
      Statement = [{
        Sid       = "PartnerAssumeRole"
        Effect    = "Allow"
        Principal = { AWS = ["arn:aws:iam::111111111111:root"] }
        Action    = "sts:AssumeRole"
        Condition = { StringEquals = { "sts:ExternalId" = "5b1d9a64-7c2e-4f3a-b8d0-2e6f9c4a1b37" } }
      }]
    }
    error_message = "Trust policy differs: ${output.assume_role_policy}"
  }
}

run "permission_policy" {
  command = plan

  assert {
    condition = jsondecode(output.policy) == {
      Version = "2012-10-17"
      Statement = [
        {
          Sid      = "ManageRecordSets"
          Effect   = "Allow"
          Action   = ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"]
          Resource = ["arn:aws:route53:::hostedzone/Z8L2Y45GOT7LQT"]
        },
        {
          Effect   = "Allow"
          Action   = ["route53:GetChange"]
          Resource = ["arn:aws:route53:::change/*"]
        },
      ]
    }
    error_message = "Permission policy differs: ${output.policy}"
  }

  assert {
    condition     = output.role_name == "TeamFormAccess" && output.role_path == "/"
    error_message = "The role_name/role_path outputs are wrong."
  }
}

run "passes_path_through_and_no_policy_without_statements" {
  command = plan
  variables {
    role_path         = "/partners/teamform/"
    policy_statements = []
  }
  assert {
    condition     = output.role_path == "/partners/teamform/" && output.policy == null
    error_message = "The role_path must pass through, and no policy without statements."
  }
}

run "refuses_a_null_external_id" {
  command = plan
  variables {
    external_id = null
  }
  expect_failures = [var.external_id]
}
