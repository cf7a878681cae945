# CAA-002: the trust pins the external ID with StringEquals.

resource "aws_iam_role" "pinned" {
  name = "pinned"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111111111111:role/teamform-integration" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "sts:ExternalId" = "ce577260-ac3f-4736-a266-5b81910a0505" } }
    }]
  })
  tags = { "xacct:scenario" = "partner_to_customer", "xacct:tenant" = "initech" }
}

# An extra IfExists test on top of StringEquals narrows further; it does not weaken the pin.
resource "aws_iam_role" "pinned_and_more" {
  name = "pinned-and-more"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111111111111:root" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals       = { "sts:ExternalId" = "74720d22-ec69-474c-8497-9408f11272c7" }
        StringLikeIfExists = { "sts:ExternalId" = "74720d22-*" }
      }
    }]
  })
  tags = { "xacct:scenario" = "partner_to_customer", "xacct:tenant" = "initech" }
}

# Scenario B without an external ID is allowed (the registry's require_external_id is false).
module "partner_role" {
  source                 = "../../../../modules/partner-role"
  role_name              = "teamform-tenant-initech"
  trusted_principal_arns = ["arn:aws:iam::402918374650:root"]
  policy_statements = [
    {
      effect    = "Allow"
      actions   = ["s3:GetObject"]
      resources = ["arn:aws:s3:::teamform-exchange/initech/*"]
    },
  ]
}
