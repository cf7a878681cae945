# TRUST-UNEXPECTED-ACCOUNT: each side trusts the account its scenario names.

module "customer_side" {
  source                 = "../../../../modules/customer-role"
  role_name              = "TeamFormAccess"
  trusted_principal_arns = ["arn:aws:iam::111111111111:role/teamform-integration"]
  external_id            = "bc1dc353-4407-4445-bb71-e9bd7012cf6e"
  policy_statements      = []
  tags                   = { "xacct:tenant" = "initech", "xacct:scenario" = "partner_to_customer" }
}

module "partner_side" {
  source                 = "../../../../modules/partner-role"
  role_name              = "teamform-tenant-initech"
  trusted_principal_arns = ["arn:aws:iam::402918374650:role/data-sync"]
  policy_statements      = []
  tags                   = { "xacct:tenant" = "initech", "xacct:scenario" = "customer_to_partner" }
}
