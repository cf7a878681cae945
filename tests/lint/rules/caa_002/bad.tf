# CAA-002: Scenario A trusts that do not pin the external ID.

resource "aws_iam_role" "like_star" {
  name = "checkov-passes-this"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111111111111:root" }
      Action    = "sts:AssumeRole"
      Condition = { StringLike = { "sts:ExternalId" = "*" } } # expect: CAA-002
    }]
  })
  tags = { "xacct:scenario" = "partner_to_customer", "xacct:tenant" = "initech" }
}

resource "aws_iam_role" "if_exists" {
  name = "if-exists"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111111111111:root" }
      Action    = "sts:AssumeRole"
      Condition = { StringEqualsIfExists = { "sts:ExternalId" = "bc1dc353-4407-4445-bb71-e9bd7012cf6e" } } # expect: CAA-002
    }]
  })
  tags = { "xacct:scenario" = "partner_to_customer", "xacct:tenant" = "initech" }
}

resource "aws_iam_role" "for_all_values" {
  name = "for-all-values"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111111111111:root" }
      Action    = "sts:AssumeRole"
      Condition = { "ForAllValues:StringEquals" = { "sts:ExternalId" = ["3ed70911-239d-4cab-bb06-9568b40f0b24"] } } # expect: CAA-002
    }]
  })
  tags = { "xacct:scenario" = "partner_to_customer", "xacct:tenant" = "initech" }
}

resource "aws_iam_role" "no_condition" {
  name = "no-condition"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { # expect: CAA-002
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111111111111:role/teamform-integration" }
        Action    = "sts:AssumeRole"
      },
    ]
  })
  tags = { "xacct:scenario" = "partner_to_customer", "xacct:tenant" = "initech" }
}

# A call of the Scenario A module without external_id (the module itself would refuse it).
module "customer_role" { # expect: CAA-002
  source                 = "../../../../modules/customer-role"
  role_name              = "TeamFormAccess"
  trusted_principal_arns = ["arn:aws:iam::111111111111:root"]
  policy_statements      = []
}
