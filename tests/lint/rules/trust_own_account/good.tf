# TRUST-OWN-ACCOUNT: the Scenario A role trusts the partner only.

provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["402918374650"]
}

module "role" {
  source                 = "../../../../modules/customer-role"
  role_name              = "TeamFormAccess"
  trusted_principal_arns = ["arn:aws:iam::111111111111:role/teamform-integration"]
  external_id            = "bc1dc353-4407-4445-bb71-e9bd7012cf6e"
  policy_statements      = []
}
