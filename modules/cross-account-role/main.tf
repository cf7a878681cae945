# The role and its documents. The documents are built with jsonencode (not
# aws_iam_policy_document) so that they are plain values a plan shows and a
# mocked provider cannot replace. Keys whose value is null are left out.

locals {
  # One ID is a plain string (as before additional_external_ids existed); during a rotation, a list.
  # A conditional cannot return a string or a list, so the tuple is indexed instead.
  external_ids = [var.external_id, concat([var.external_id], var.additional_external_ids)][length(var.additional_external_ids) == 0 ? 0 : 1]

  trust_policy = {
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          for key, value in {
            Sid       = var.trust_statement_sid
            Effect    = "Allow"
            Principal = { AWS = var.trusted_principal_arns }
            Action    = "sts:AssumeRole"
            Condition = var.external_id == null ? null : { StringEquals = { "sts:ExternalId" = local.external_ids } }
          } : key => value if value != null
        }
      ],
      # A suspended role: nobody may assume it, whatever the Allow above says. It comes after the
      # Allow, which is left as it is, so that resuming restores the document byte for byte.
      var.suspended ? [local.suspended_statement] : [],
    )
  }

  suspended_statement = {
    Sid       = "XacctSuspended"
    Effect    = "Deny"
    Principal = "*"
    Action    = ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]
  }

  permission_policy = {
    Version = "2012-10-17"
    Statement = [
      for statement in var.policy_statements : {
        for key, value in {
          Sid         = statement.sid
          Effect      = statement.effect
          Action      = statement.actions
          NotAction   = statement.not_actions
          Resource    = statement.resources
          NotResource = statement.not_resources
          Condition = length(statement.conditions) == 0 ? null : {
            for test in distinct([for condition in statement.conditions : condition.test]) : test => {
              for condition in statement.conditions : condition.variable => condition.values if condition.test == test
            }
          }
        } : key => value if value != null
      }
    ]
  }
}

resource "aws_iam_role" "this" {
  name                 = var.role_name
  path                 = var.role_path
  description          = var.description
  max_session_duration = var.max_session_duration
  permissions_boundary = var.permissions_boundary
  assume_role_policy   = jsonencode(local.trust_policy)
  tags                 = var.tags
}

resource "aws_iam_role_policy" "this" {
  count = length(var.policy_statements) > 0 ? 1 : 0

  name   = var.policy_name
  role   = aws_iam_role.this.name
  policy = jsonencode(local.permission_policy)
}
