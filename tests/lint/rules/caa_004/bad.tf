# CAA-004: two tenants' roles accept the same external ID.

resource "aws_iam_role" "initech" {
  name = "teamform-initech"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111111111111:root" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "sts:ExternalId" = "04522df6-e911-48ea-9f64-e23ea0af3665" } }
    }]
  })
  tags = { "xacct:scenario" = "partner_to_customer", "xacct:tenant" = "initech" }
}

resource "aws_iam_role" "hooli" {
  name = "teamform-hooli"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111111111111:root" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "sts:ExternalId" = "04522df6-e911-48ea-9f64-e23ea0af3665" } } # expect: CAA-004
    }]
  })
  tags = { "xacct:scenario" = "partner_to_customer", "xacct:tenant" = "hooli" }
}
