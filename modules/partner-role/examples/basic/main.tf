# Scenario B: the partner (account 111111111111) creates a role that the
# customer (account 222222222222) assumes to read and write its own prefix of
# the partner's bucket. The provider settings are dummies so that the example
# plans without credentials.
provider "aws" {
  region                      = "us-east-1"
  access_key                  = "mock-access-key"
  secret_key                  = "mock-secret-key"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

module "partner_role" {
  source = "../.."

  role_name              = "acme-objects"
  description            = "Lets customer acme read and write acme/ in the partner bucket"
  trusted_principal_arns = ["arn:aws:iam::222222222222:root"]

  policy_statements = [
    {
      sid       = "ObjectsUnderPrefix"
      actions   = ["s3:GetObject", "s3:PutObject"]
      resources = ["arn:aws:s3:::partner-bucket-name/acme/*"]
    },
    {
      sid       = "ListPrefix"
      actions   = ["s3:ListBucket"]
      resources = ["arn:aws:s3:::partner-bucket-name"]
      conditions = [
        {
          test     = "StringLike"
          variable = "s3:prefix"
          values   = ["acme/*"]
        },
      ]
    },
  ]

  tags = {
    Tenant = "acme"
  }
}

output "role_arn" {
  description = "Give this ARN to the customer."
  value       = module.partner_role.role_arn
}
