# A role in account 222222222222 that account 111111111111 may assume with an
# external ID. Dummy provider settings: this example plans without credentials.
provider "aws" {
  region                      = "us-east-1"
  access_key                  = "mock-access-key"
  secret_key                  = "mock-secret-key"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

module "role" {
  source = "../.."

  role_name              = "ExampleCrossAccountRole"
  description            = "Assumed by account 111111111111 to read one bucket prefix"
  trusted_principal_arns = ["arn:aws:iam::111111111111:root"]
  external_id            = "3f0c7d2e-8d7b-4f4e-9a51-6c1f2b7e9d10"
  trust_statement_sid    = "PartnerAssumeRole"

  policy_statements = [
    {
      sid       = "ReadPrefix"
      actions   = ["s3:GetObject"]
      resources = ["arn:aws:s3:::example-bucket/tenant-a/*"]
    },
  ]

  tags = {
    ManagedBy = "terraform"
  }
}

output "role_arn" {
  description = "ARN of the example role."
  value       = module.role.role_arn
}
