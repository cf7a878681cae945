# Scenario B: the role in the partner's account, trusted by the customer, with
# an external ID condition only when one is given.
#
# The module holds cross-account-role's resources and validations (make docs
# generates them): tests/test_modules.py (test_wrapper_passes_the_core_validation_tests)
# runs ../../cross-account-role/tests/validation.tftest.hcl against this module.

mock_provider "aws" {}

variables {
  role_name              = "acme-objects"
  trusted_principal_arns = ["arn:aws:iam::222222222222:root"]
  policy_statements = [
    {
      sid       = "ObjectsUnderPrefix"
      actions   = ["s3:GetObject", "s3:PutObject"]
      resources = ["arn:aws:s3:::partner-bucket-name/acme/*"]
    },
  ]
}

run "trust_without_external_id" {
  command = plan

  assert {
    condition = jsondecode(output.assume_role_policy) == {
      Version = "2012-10-17"
      Statement = [{
        Sid       = "CustomerAssumeRole"
        Effect    = "Allow"
        Principal = { AWS = ["arn:aws:iam::222222222222:root"] }
        Action    = "sts:AssumeRole"
      }]
    }
    error_message = "Trust policy differs: ${output.assume_role_policy}"
  }

  assert {
    condition = jsondecode(output.policy) == {
      Version = "2012-10-17"
      Statement = [{
        Sid      = "ObjectsUnderPrefix"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject"]
        Resource = ["arn:aws:s3:::partner-bucket-name/acme/*"]
      }]
    }
    error_message = "Permission policy differs: ${output.policy}"
  }
}

run "trust_with_external_id_and_customer_roles" {
  command = plan

  variables {
    trusted_principal_arns = ["arn:aws:iam::222222222222:role/uploader", "arn:aws:iam::222222222222:user/ci"]
    external_id            = "acme:partner/2024"
  }

  assert {
    condition = jsondecode(output.assume_role_policy) == {
      Version = "2012-10-17"
      Statement = [{
        Sid       = "CustomerAssumeRole"
        Effect    = "Allow"
        Principal = { AWS = ["arn:aws:iam::222222222222:role/uploader", "arn:aws:iam::222222222222:user/ci"] }
        Action    = "sts:AssumeRole"
        Condition = { StringEquals = { "sts:ExternalId" = "acme:partner/2024" } }
      }]
    }
    error_message = "Trust policy differs: ${output.assume_role_policy}"
  }
}

run "no_statements_no_policy" {
  command = plan
  variables {
    policy_statements = []
  }
  assert {
    condition     = output.policy == null
    error_message = "The policy output must be null without statements."
  }
}

run "passes_path_and_name_through" {
  command = plan
  variables {
    role_path = "/partners/acme/"
  }
  assert {
    condition     = output.role_path == "/partners/acme/" && output.role_name == "acme-objects"
    error_message = "The role_path/role_name outputs are wrong."
  }
}
