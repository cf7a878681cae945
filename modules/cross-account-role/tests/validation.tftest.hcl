# Inputs that AWS would refuse are rejected at plan time by variable validation.

mock_provider "aws" {}

variables {
  role_name              = "TestRole"
  trusted_principal_arns = ["arn:aws:iam::111111111111:root"]
  external_id            = "valid-external-id"
}

run "accepts_edge_values" {
  command = plan

  variables {
    role_name              = "a+=,.@_-01234567890123456789012345678901234567890123456789012345"
    role_path              = "/a/b/"
    trusted_principal_arns = ["arn:aws-cn:iam::111111111111:user/ops/alice", "arn:aws-us-gov:iam::111111111111:role/x"]
    external_id            = "ab"
    max_session_duration   = 3600
    permissions_boundary   = "arn:aws:iam::aws:policy/PowerUserAccess"
    description            = "tab\tnewline\né"
  }

  assert {
    condition     = length(aws_iam_role.this.name) == 64
    error_message = "A 64-character role name must be accepted."
  }
}

run "accepts_longest_external_id" {
  command = plan

  variables {
    external_id = join("", [for i in range(612) : "ab"])
  }
}

run "rejects_role_name_with_space" {
  command = plan
  variables {
    role_name = "bad name"
  }
  expect_failures = [var.role_name]
}

run "rejects_role_name_over_64" {
  command = plan
  variables {
    role_name = "a01234567890123456789012345678901234567890123456789012345678901234"
  }
  expect_failures = [var.role_name]
}

run "rejects_role_path_without_slashes" {
  command = plan
  variables {
    role_path = "partners"
  }
  expect_failures = [var.role_path]
}

run "rejects_long_description" {
  command = plan
  variables {
    description = join("", [for i in range(1001) : "d"])
  }
  expect_failures = [var.description]
}

run "rejects_description_outside_charset" {
  command = plan
  variables {
    description = "emoji 🙂"
  }
  expect_failures = [var.description]
}

run "rejects_empty_trusted_principal_arns" {
  command = plan
  variables {
    trusted_principal_arns = []
  }
  expect_failures = [var.trusted_principal_arns]
}

run "rejects_account_id_instead_of_arn" {
  command = plan
  variables {
    trusted_principal_arns = ["111111111111"]
  }
  expect_failures = [var.trusted_principal_arns]
}

run "rejects_wildcard_principal" {
  command = plan
  variables {
    trusted_principal_arns = ["arn:aws:iam::111111111111:role/*"]
  }
  expect_failures = [var.trusted_principal_arns]
}

run "rejects_repeated_principal" {
  command = plan
  variables {
    trusted_principal_arns = ["arn:aws:iam::111111111111:root", "arn:aws:iam::111111111111:root"]
  }
  expect_failures = [var.trusted_principal_arns]
}

run "rejects_one_character_external_id" {
  command = plan
  variables {
    external_id = "a"
  }
  expect_failures = [var.external_id]
}

run "rejects_external_id_with_space" {
  command = plan
  variables {
    external_id = "not allowed"
  }
  expect_failures = [var.external_id]
}

run "rejects_external_id_over_1224" {
  command = plan
  variables {
    external_id = "${join("", [for i in range(612) : "ab"])}c"
  }
  expect_failures = [var.external_id]
}

run "rejects_session_duration_below_3600" {
  command = plan
  variables {
    max_session_duration = 3599
  }
  expect_failures = [var.max_session_duration]
}

run "rejects_session_duration_above_43200" {
  command = plan
  variables {
    max_session_duration = 43201
  }
  expect_failures = [var.max_session_duration]
}

run "rejects_fractional_session_duration" {
  command = plan
  variables {
    max_session_duration = 3600.5
  }
  expect_failures = [var.max_session_duration]
}

run "rejects_boundary_that_is_not_a_policy_arn" {
  command = plan
  variables {
    permissions_boundary = "arn:aws:iam::222222222222:role/NotAPolicy"
  }
  expect_failures = [var.permissions_boundary]
}

run "rejects_bad_policy_name" {
  command = plan
  variables {
    policy_name = "bad/name"
  }
  expect_failures = [var.policy_name]
}

run "rejects_bad_trust_statement_sid" {
  command = plan
  variables {
    trust_statement_sid = "Not-Alnum"
  }
  expect_failures = [var.trust_statement_sid]
}

run "rejects_unknown_effect" {
  command = plan
  variables {
    policy_statements = [{ effect = "allow", actions = ["s3:GetObject"], resources = ["*"] }]
  }
  expect_failures = [var.policy_statements]
}

run "rejects_actions_and_not_actions" {
  command = plan
  variables {
    policy_statements = [{ actions = ["s3:GetObject"], not_actions = ["s3:PutObject"], resources = ["*"] }]
  }
  expect_failures = [var.policy_statements]
}

run "rejects_statement_without_actions" {
  command = plan
  variables {
    policy_statements = [{ resources = ["*"] }]
  }
  expect_failures = [var.policy_statements]
}

run "rejects_empty_actions" {
  command = plan
  variables {
    policy_statements = [{ actions = [], resources = ["*"] }]
  }
  expect_failures = [var.policy_statements]
}

run "rejects_resources_and_not_resources" {
  command = plan
  variables {
    policy_statements = [{ actions = ["s3:GetObject"], resources = ["*"], not_resources = ["arn:aws:s3:::b"] }]
  }
  expect_failures = [var.policy_statements]
}

run "rejects_statement_without_resources" {
  command = plan
  variables {
    policy_statements = [{ actions = ["s3:GetObject"] }]
  }
  expect_failures = [var.policy_statements]
}

run "rejects_repeated_condition_pair" {
  command = plan
  variables {
    policy_statements = [{
      actions   = ["s3:ListBucket"]
      resources = ["arn:aws:s3:::b"]
      conditions = [
        { test = "StringLike", variable = "s3:prefix", values = ["a/*"] },
        { test = "StringLike", variable = "s3:prefix", values = ["b/*"] },
      ]
    }]
  }
  expect_failures = [var.policy_statements]
}

run "accepts_same_variable_under_different_tests" {
  command = plan
  variables {
    policy_statements = [{
      actions   = ["s3:ListBucket"]
      resources = ["arn:aws:s3:::b"]
      conditions = [
        { test = "StringLike", variable = "s3:prefix", values = ["a/*"] },
        { test = "StringNotLike", variable = "s3:prefix", values = ["a/private/*"] },
      ]
    }]
  }

  assert {
    condition     = length(keys(jsondecode(aws_iam_role_policy.this[0].policy).Statement[0].Condition)) == 2
    error_message = "Both condition operators must be kept."
  }
}

run "rejects_condition_without_values" {
  command = plan
  variables {
    policy_statements = [{
      actions    = ["s3:ListBucket"]
      resources  = ["arn:aws:s3:::b"]
      conditions = [{ test = "StringLike", variable = "s3:prefix", values = [] }]
    }]
  }
  expect_failures = [var.policy_statements]
}

run "rejects_sid_with_dash" {
  command = plan
  variables {
    policy_statements = [{ sid = "Read-Objects", actions = ["s3:GetObject"], resources = ["*"] }]
  }
  expect_failures = [var.policy_statements]
}

run "rejects_repeated_sid" {
  command = plan
  variables {
    policy_statements = [
      { sid = "Same", actions = ["s3:GetObject"], resources = ["*"] },
      { sid = "Same", actions = ["s3:PutObject"], resources = ["*"] },
    ]
  }
  expect_failures = [var.policy_statements]
}

run "rejects_action_without_service" {
  command = plan
  variables {
    policy_statements = [{ actions = ["GetObject"], resources = ["*"] }]
  }
  expect_failures = [var.policy_statements]
}

run "rejects_resource_that_is_not_an_arn" {
  command = plan
  variables {
    policy_statements = [{ actions = ["s3:GetObject"], resources = ["my-bucket/*"] }]
  }
  expect_failures = [var.policy_statements]
}

run "rejects_condition_test_that_is_not_an_operator" {
  command = plan
  variables {
    policy_statements = [{
      actions    = ["s3:ListBucket"]
      resources  = ["arn:aws:s3:::b"]
      conditions = [{ test = "String Like", variable = "s3:prefix", values = ["a/*"] }]
    }]
  }
  expect_failures = [var.policy_statements]
}

run "accepts_tags_with_spaces_and_unicode" {
  command = plan
  variables {
    tags = { "Cost Center" = "Équipe DNS", "team:owner" = "" }
  }
  assert {
    condition     = aws_iam_role.this.tags["Cost Center"] == "Équipe DNS"
    error_message = "Tags must pass through."
  }
}

run "rejects_reserved_tag_prefix" {
  command = plan
  variables {
    tags = { "aws:owner" = "x" }
  }
  expect_failures = [var.tags]
}

run "rejects_more_than_50_tags" {
  command = plan
  variables {
    tags = { for i in range(51) : "k${i}" => "v" }
  }
  expect_failures = [var.tags]
}

# Length limits are checked with length() and character sets with unbounded regexes (a bounded
# repetition such as {1,128} makes each regex() call compile a large program: 3x the plan time).

run "accepts_longest_names_and_tags" {
  command = plan
  variables {
    policy_name            = join("", [for i in range(64) : "ab"])
    trusted_principal_arns = ["arn:aws:iam::111111111111:role/path/with/slashes/${join("", [for i in range(32) : "ab"])}"]
    permissions_boundary   = "arn:aws:iam::111111111111:policy/p/${join("", [for i in range(64) : "ab"])}"
    tags                   = { (join("", [for i in range(64) : "ké"])) = join("", [for i in range(128) : "vé"]) }
  }
}

run "rejects_policy_name_over_128" {
  command = plan
  variables {
    policy_name = join("", [for i in range(129) : "a"])
  }
  expect_failures = [var.policy_name]
}

run "rejects_trusted_role_name_over_64" {
  command = plan
  variables {
    trusted_principal_arns = ["arn:aws:iam::111111111111:role/path/${join("", [for i in range(65) : "a"])}"]
  }
  expect_failures = [var.trusted_principal_arns]
}

run "rejects_boundary_policy_name_over_128" {
  command = plan
  variables {
    permissions_boundary = "arn:aws:iam::111111111111:policy/${join("", [for i in range(129) : "a"])}"
  }
  expect_failures = [var.permissions_boundary]
}

run "rejects_empty_tag_key" {
  command = plan
  variables {
    tags = { "" = "x" }
  }
  expect_failures = [var.tags]
}

run "rejects_tag_key_over_128" {
  command = plan
  variables {
    tags = { (join("", [for i in range(129) : "k"])) = "x" }
  }
  expect_failures = [var.tags]
}

run "rejects_tag_value_over_256" {
  command = plan
  variables {
    tags = { k = join("", [for i in range(257) : "v"]) }
  }
  expect_failures = [var.tags]
}

run "rejects_tag_key_outside_charset" {
  command = plan
  variables {
    tags = { "a*b" = "x" }
  }
  expect_failures = [var.tags]
}

run "rejects_tag_value_outside_charset" {
  command = plan
  variables {
    tags = { k = "semi;colon" }
  }
  expect_failures = [var.tags]
}

run "rejects_additional_external_ids_without_external_id" {
  command = plan

  variables {
    external_id             = null
    additional_external_ids = ["7d3b9e10-2c4f-4a8b-b1e6-93f0a5c2d471"]
  }
  expect_failures = [var.additional_external_ids]
}

run "rejects_an_additional_external_id_equal_to_external_id" {
  command = plan

  variables {
    additional_external_ids = ["valid-external-id"]
  }
  expect_failures = [var.additional_external_ids]
}

run "rejects_a_malformed_additional_external_id" {
  command = plan

  variables {
    additional_external_ids = ["has spaces"]
  }
  expect_failures = [var.additional_external_ids]
}
