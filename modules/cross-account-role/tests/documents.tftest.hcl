# The trust and permission documents, and the role's attributes, as planned.
# Runs offline: the AWS provider is mocked, and the documents are plain
# jsonencode values that the mock passes through unchanged.

mock_provider "aws" {}

variables {
  role_name              = "TestRole"
  trusted_principal_arns = ["arn:aws:iam::111111111111:root"]
  trust_statement_sid    = "PartnerAssumeRole"
}

run "trust_with_external_id" {
  command = plan

  variables {
    trusted_principal_arns = ["arn:aws:iam::111111111111:role/integration", "arn:aws:iam::111111111111:root"]
    external_id            = "0f8e2c1a-6b4d-4e7f-9a3c-5d2b1e0f4a68"
  }

  assert {
    condition = jsondecode(aws_iam_role.this.assume_role_policy) == {
      Version = "2012-10-17"
      Statement = [{
        Sid       = "PartnerAssumeRole"
        Effect    = "Allow"
        Principal = { AWS = ["arn:aws:iam::111111111111:role/integration", "arn:aws:iam::111111111111:root"] }
        Action    = "sts:AssumeRole"
        Condition = { StringEquals = { "sts:ExternalId" = "0f8e2c1a-6b4d-4e7f-9a3c-5d2b1e0f4a68" } }
      }]
    }
    error_message = "Trust policy differs: ${aws_iam_role.this.assume_role_policy}"
  }

  assert {
    condition     = output.assume_role_policy == aws_iam_role.this.assume_role_policy
    error_message = "The assume_role_policy output is not the role's trust policy."
  }
}

run "trust_without_external_id_has_no_condition" {
  command = plan

  variables {
    trust_statement_sid = "CustomerAssumeRole"
  }

  assert {
    condition = jsondecode(aws_iam_role.this.assume_role_policy) == {
      Version = "2012-10-17"
      Statement = [{
        Sid       = "CustomerAssumeRole"
        Effect    = "Allow"
        Principal = { AWS = ["arn:aws:iam::111111111111:root"] }
        Action    = "sts:AssumeRole"
      }]
    }
    error_message = "Trust policy differs: ${aws_iam_role.this.assume_role_policy}"
  }
}

run "permission_policy_keeps_only_set_keys" {
  command = plan

  variables {
    policy_statements = [
      {
        sid       = "Records"
        actions   = ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"]
        resources = ["arn:aws:route53:::hostedzone/Z8L2Y45GOT7LQT"]
      },
      {
        actions   = ["route53:GetChange"]
        resources = ["arn:aws:route53:::change/*"]
      },
      {
        sid       = "ListPrefix"
        actions   = ["s3:ListBucket"]
        resources = ["arn:aws:s3:::bucket"]
        conditions = [
          { test = "StringLike", variable = "s3:prefix", values = ["acme/*", "acme/"] },
          { test = "StringEquals", variable = "s3:delimiter", values = ["/"] },
          { test = "StringLike", variable = "aws:PrincipalTag/team", values = ["dns"] },
        ]
      },
      {
        effect        = "Deny"
        not_actions   = ["s3:GetObject"]
        not_resources = ["arn:aws:s3:::bucket/acme/*"]
      },
    ]
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.this[0].policy) == {
      Version = "2012-10-17"
      Statement = [
        {
          Sid      = "Records"
          Effect   = "Allow"
          Action   = ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"]
          Resource = ["arn:aws:route53:::hostedzone/Z8L2Y45GOT7LQT"]
        },
        {
          Effect   = "Allow"
          Action   = ["route53:GetChange"]
          Resource = ["arn:aws:route53:::change/*"]
        },
        {
          Sid      = "ListPrefix"
          Effect   = "Allow"
          Action   = ["s3:ListBucket"]
          Resource = ["arn:aws:s3:::bucket"]
          Condition = {
            StringLike   = { "s3:prefix" = ["acme/*", "acme/"], "aws:PrincipalTag/team" = ["dns"] }
            StringEquals = { "s3:delimiter" = ["/"] }
          }
        },
        {
          Effect      = "Deny"
          NotAction   = ["s3:GetObject"]
          NotResource = ["arn:aws:s3:::bucket/acme/*"]
        },
      ]
    }
    error_message = "Permission policy differs: ${aws_iam_role_policy.this[0].policy}"
  }

  assert {
    condition     = aws_iam_role_policy.this[0].name == "xacct-permissions" && aws_iam_role_policy.this[0].role == "TestRole"
    error_message = "The inline policy has the wrong name or is attached to the wrong role."
  }

  assert {
    condition     = output.policy == aws_iam_role_policy.this[0].policy
    error_message = "The policy output is not the inline policy."
  }
}

run "no_statements_no_inline_policy" {
  command = plan

  assert {
    condition     = length(aws_iam_role_policy.this) == 0
    error_message = "An inline policy was planned without statements."
  }

  assert {
    condition     = output.policy == null
    error_message = "The policy output must be null without statements."
  }
}

run "role_attributes" {
  command = plan

  variables {
    role_path            = "/partners/teamform/"
    description          = "Managed by xacct"
    max_session_duration = 43200
    permissions_boundary = "arn:aws:iam::222222222222:policy/PartnerBoundary"
    policy_name          = "custom-name"
    policy_statements    = [{ actions = ["s3:GetObject"], resources = ["*"] }]
    tags                 = { Tenant = "acme" }
  }

  assert {
    condition = (
      aws_iam_role.this.name == "TestRole" &&
      aws_iam_role.this.path == "/partners/teamform/" &&
      aws_iam_role.this.description == "Managed by xacct" &&
      aws_iam_role.this.max_session_duration == 43200 &&
      aws_iam_role.this.permissions_boundary == "arn:aws:iam::222222222222:policy/PartnerBoundary" &&
      aws_iam_role.this.tags == tomap({ Tenant = "acme" })
    )
    error_message = "The role's attributes are not the inputs."
  }

  assert {
    condition     = aws_iam_role_policy.this[0].name == "custom-name"
    error_message = "The inline policy does not use policy_name."
  }

  assert {
    condition     = output.role_name == "TestRole" && output.role_path == "/partners/teamform/"
    error_message = "The role_name/role_path outputs are wrong."
  }
}

run "trust_during_a_rotation_accepts_both_ids" {
  command = plan

  variables {
    external_id             = "0f8e2c1a-6b4d-4e7f-9a3c-5d2b1e0f4a68"
    additional_external_ids = ["7d3b9e10-2c4f-4a8b-b1e6-93f0a5c2d471"]
  }

  assert {
    condition = jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Condition == {
      StringEquals = { "sts:ExternalId" = ["0f8e2c1a-6b4d-4e7f-9a3c-5d2b1e0f4a68", "7d3b9e10-2c4f-4a8b-b1e6-93f0a5c2d471"] }
    }
    error_message = "Trust condition differs: ${aws_iam_role.this.assume_role_policy}"
  }
}

run "suspended_appends_a_deny_after_the_unchanged_allow" {
  command = plan

  variables {
    external_id = "0f8e2c1a-6b4d-4e7f-9a3c-5d2b1e0f4a68"
    suspended   = true
  }

  assert {
    condition = jsondecode(aws_iam_role.this.assume_role_policy) == {
      Version = "2012-10-17"
      Statement = [
        {
          Sid       = "PartnerAssumeRole"
          Effect    = "Allow"
          Principal = { AWS = ["arn:aws:iam::111111111111:root"] }
          Action    = "sts:AssumeRole"
          Condition = { StringEquals = { "sts:ExternalId" = "0f8e2c1a-6b4d-4e7f-9a3c-5d2b1e0f4a68" } }
        },
        {
          Sid       = "XacctSuspended"
          Effect    = "Deny"
          Principal = "*"
          Action    = ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]
        },
      ]
    }
    error_message = "Trust policy differs: ${aws_iam_role.this.assume_role_policy}"
  }
}
