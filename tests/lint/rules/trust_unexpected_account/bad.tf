# TRUST-UNEXPECTED-ACCOUNT: generated roots edited to trust a third account.

module "customer_side" {
  source                 = "../../../../modules/customer-role"
  role_name              = "TeamFormAccess"
  trusted_principal_arns = ["arn:aws:iam::555555555555:role/teamform-integration"] # expect: TRUST-UNEXPECTED-ACCOUNT
  external_id            = "bc1dc353-4407-4445-bb71-e9bd7012cf6e"
  policy_statements      = []
  tags                   = { "xacct:tenant" = "initech", "xacct:scenario" = "partner_to_customer" }
}

module "partner_side" {
  source    = "../../../../modules/partner-role"
  role_name = "teamform-tenant-initech"
  trusted_principal_arns = [
    "arn:aws:iam::402918374650:root",
    "arn:aws:iam::666666666666:root", # expect: TRUST-UNEXPECTED-ACCOUNT
  ]
  policy_statements = []
  tags              = { "xacct:tenant" = "initech", "xacct:scenario" = "customer_to_partner" }
}
