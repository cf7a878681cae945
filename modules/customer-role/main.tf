# Scenario A (partner to customer): the role lives in the customer's account and
# trusts the partner, always with an sts:ExternalId condition.

module "role" {
  source = "../cross-account-role"

  role_name               = var.role_name
  role_path               = var.role_path
  description             = var.description
  trusted_principal_arns  = var.trusted_principal_arns
  external_id             = var.external_id
  additional_external_ids = var.additional_external_ids
  trust_statement_sid     = "PartnerAssumeRole"
  max_session_duration    = var.max_session_duration
  permissions_boundary    = var.permissions_boundary
  policy_name             = var.policy_name
  policy_statements       = var.policy_statements
  tags                    = var.tags
  suspended               = var.suspended
}
