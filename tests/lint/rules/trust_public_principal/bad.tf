# TRUST-PUBLIC-PRINCIPAL: trusts that name everyone.

resource "aws_iam_role" "star" {
  name = "anyone"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*" # expect: TRUST-PUBLIC-PRINCIPAL
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "sts:ExternalId" = "5d3ef5cd-c54c-4d56-b6cd-25b491206b32" } }
    }]
  })
}

resource "aws_iam_role" "aws_star" {
  name = "any-aws"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect = "Allow"
      Principal = {
        AWS = ["*"] # expect: TRUST-PUBLIC-PRINCIPAL
      }
      Action = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role" "not_principal" {
  name = "all-but-one"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect       = "Allow"
      NotPrincipal = { AWS = "arn:aws:iam::999999999999:root" } # expect: TRUST-PUBLIC-PRINCIPAL
      Action       = "sts:AssumeRole"
    }]
  })
}
