# TRUST-SESSION-DURATION: a Scenario A role with 12-hour sessions (no registry entry allows it).

module "role" {
  source                 = "../../../../modules/customer-role"
  role_name              = "TeamFormAccess"
  max_session_duration   = 43200 # expect: TRUST-SESSION-DURATION
  trusted_principal_arns = ["arn:aws:iam::111111111111:role/teamform-integration"]
  external_id            = "bc1dc353-4407-4445-bb71-e9bd7012cf6e"
  policy_statements      = []
}

resource "aws_iam_role" "raw" {
  name                 = "raw"
  max_session_duration = 7200 # expect: TRUST-SESSION-DURATION
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111111111111:root" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "sts:ExternalId" = "3ed70911-239d-4cab-bb06-9568b40f0b24" } }
    }]
  })
  tags = { "xacct:scenario" = "partner_to_customer" }
}
