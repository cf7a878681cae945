# CAA-004: each tenant has its own ID; one tenant's two scenarios may share the tenant's ID.

resource "aws_iam_role" "initech" {
  name = "teamform-initech"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111111111111:root" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "sts:ExternalId" = "f6289728-915b-4fb2-8291-d1e2f4133e64" } }
    }]
  })
  tags = { "xacct:scenario" = "partner_to_customer", "xacct:tenant" = "initech" }
}

resource "aws_iam_role" "initech_b" {
  name = "teamform-tenant-initech"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::402918374650:root" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "sts:ExternalId" = "f6289728-915b-4fb2-8291-d1e2f4133e64" } }
    }]
  })
  tags = { "xacct:scenario" = "customer_to_partner", "xacct:tenant" = "initech" }
}

resource "aws_iam_role" "hooli" {
  name = "teamform-hooli"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111111111111:root" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "sts:ExternalId" = "f35d3403-79c8-46ea-8e57-7901431cc3fa" } }
    }]
  })
  tags = { "xacct:scenario" = "partner_to_customer", "xacct:tenant" = "hooli" }
}
