# Scenario A: the customer (account 222222222222) creates a role that the
# partner (account 111111111111) assumes with the external ID the partner
# generated for this customer. The provider settings are dummies so that the
# example plans without credentials; use your own credentials to apply.
provider "aws" {
  region                      = "us-east-1"
  access_key                  = "mock-access-key"
  secret_key                  = "mock-secret-key"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

module "customer_role" {
  source = "../.."

  role_name              = "TeamFormAccess"
  description            = "Lets TeamForm manage the records of one hosted zone"
  trusted_principal_arns = ["arn:aws:iam::111111111111:root"]
  external_id            = "5b1d9a64-7c2e-4f3a-b8d0-2e6f9c4a1b37"

  policy_statements = [
    {
      sid       = "ManageRecordSets"
      actions   = ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"]
      resources = ["arn:aws:route53:::hostedzone/Z8L2Y45GOT7LQT"]
    },
    {
      actions   = ["route53:GetChange"]
      resources = ["arn:aws:route53:::change/*"]
    },
  ]
}

output "role_arn" {
  description = "Give this ARN to the partner."
  value       = module.customer_role.role_arn
}
