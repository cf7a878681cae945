# TRUST-PUBLIC-PRINCIPAL: a named principal, or "*" narrowed to the partner's account by condition.

resource "aws_iam_role" "named" {
  name = "named"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111111111111:role/teamform-integration" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role" "narrowed" {
  name = "narrowed"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:PrincipalAccount" = "111111111111" } }
    }]
  })
}
