# TRUST-SESSION-DURATION: one hour in Scenario A; Scenario B without a registry entry is the partner's call.

module "customer_side" {
  source                 = "../../../../modules/customer-role"
  role_name              = "TeamFormAccess"
  max_session_duration   = 3600
  trusted_principal_arns = ["arn:aws:iam::111111111111:role/teamform-integration"]
  external_id            = "bc1dc353-4407-4445-bb71-e9bd7012cf6e"
  policy_statements      = []
}

module "partner_side" {
  source                 = "../../../../modules/partner-role"
  role_name              = "teamform-tenant-initech"
  max_session_duration   = 14400
  trusted_principal_arns = ["arn:aws:iam::402918374650:root"]
  policy_statements      = []
}
