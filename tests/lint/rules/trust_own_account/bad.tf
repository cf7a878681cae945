# TRUST-OWN-ACCOUNT: a Scenario A role (in account 402918374650) that trusts its own account.

provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["402918374650"]
}

module "role" {
  source    = "../../../../modules/customer-role"
  role_name = "TeamFormAccess"
  trusted_principal_arns = [
    "arn:aws:iam::111111111111:role/teamform-integration",
    "arn:aws:iam::402918374650:role/ops", # expect: TRUST-OWN-ACCOUNT
  ]
  external_id       = "bc1dc353-4407-4445-bb71-e9bd7012cf6e"
  policy_statements = []
}
