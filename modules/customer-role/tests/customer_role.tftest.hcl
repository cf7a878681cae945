# Scenario A: the role in the customer's account, trusted by the partner with
# an external ID that is always required.

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

run "refuses_a_null_external_id" {
  command = plan
  variables {
    external_id = null
  }
  expect_failures = [var.external_id]
}

run "rejects_a_malformed_external_id" {
  command = plan
  variables {
    external_id = "has spaces"
  }
  expect_failures = [var.external_id]
}

run "rejects_a_bad_role_name" {
  command = plan
  variables {
    role_name = "TeamForm Access"
  }
  expect_failures = [var.role_name]
}

run "rejects_a_session_duration_below_range" {
  command = plan
  variables {
    max_session_duration = 1800
  }
  expect_failures = [var.max_session_duration]
}

run "rejects_a_session_duration_above_range" {
  command = plan
  variables {
    max_session_duration = 86400
  }
  expect_failures = [var.max_session_duration]
}

run "rejects_no_trusted_principal" {
  command = plan
  variables {
    trusted_principal_arns = []
  }
  expect_failures = [var.trusted_principal_arns]
}

run "rejects_a_bad_statement" {
  command = plan
  variables {
    policy_statements = [{ actions = ["s3:GetObject"] }]
  }
  expect_failures = [var.policy_statements]
}
