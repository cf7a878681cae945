# Scenario A with every input set: a specific partner role as the principal, a
# role path, a permissions boundary, a longer session, tags, and statements
# using conditions, NotAction/NotResource and Deny.
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

  role_name              = "TeamFormDnsAndLogs"
  role_path              = "/partners/teamform/"
  description            = "TeamForm: DNS records and log reading"
  trusted_principal_arns = ["arn:aws:iam::111111111111:role/teamform-integration", "arn:aws:iam::111111111111:root"]
  external_id            = "c9a4e1f0-3b7d-4d2a-9e8f-71b5c6d2a0e4"
  max_session_duration   = 7200
  permissions_boundary   = "arn:aws:iam::222222222222:policy/PartnerBoundary"
  policy_name            = "teamform-permissions"

  policy_statements = [
    {
      sid       = "ManageRecordSets"
      actions   = ["route53:ChangeResourceRecordSets"]
      resources = ["arn:aws:route53:::hostedzone/Z8L2Y45GOT7LQT"]
      conditions = [
        {
          test     = "ForAllValues:StringEquals"
          variable = "route53:ChangeResourceRecordSetsRecordTypes"
          values   = ["TXT", "CNAME"]
        },
        {
          test     = "ForAllValues:StringLike"
          variable = "route53:ChangeResourceRecordSetsNormalizedRecordNames"
          values   = ["*.acme.example.com"]
        },
        {
          test     = "ForAllValues:StringEquals"
          variable = "route53:ChangeResourceRecordSetsActions"
          values   = ["UPSERT"]
        },
      ]
    },
    {
      sid       = "ReadLogs"
      actions   = ["logs:GetLogEvents", "logs:FilterLogEvents"]
      resources = ["arn:aws:logs:us-east-1:222222222222:log-group:/teamform/*"]
    },
    {
      sid           = "DenyOutsideLogs"
      effect        = "Deny"
      not_actions   = ["route53:*"]
      not_resources = ["arn:aws:logs:us-east-1:222222222222:log-group:/teamform/*"]
    },
  ]

  tags = {
    Partner   = "teamform"
    ManagedBy = "terraform"
  }
}

output "role_arn" {
  description = "Give this ARN to the partner."
  value       = module.customer_role.role_arn
}

output "assume_role_policy" {
  description = "The trust policy, to review."
  value       = module.customer_role.assume_role_policy
}
