variable "role_name" {
  description = "Name of the IAM role (1-64 characters of letters, digits and +=,.@_-)."
  type        = string
  nullable    = false

  validation {
    condition     = length(var.role_name) <= 64 && can(regex("^[\\w+=,.@-]+$", var.role_name))
    error_message = "The role_name must be 1-64 characters of letters, digits and +=,.@_- (AWS IAM role name rule)."
  }
}

variable "role_path" {
  description = "Path of the IAM role: \"/\" or a string that starts and ends with \"/\" (at most 512 characters)."
  type        = string
  default     = "/"
  nullable    = false

  validation {
    condition     = length(var.role_path) <= 512 && can(regex("^(/|/[!-~]+/)$", var.role_path))
    error_message = "The role_path must be \"/\" or start and end with \"/\" with printable ASCII characters between, at most 512 characters."
  }
}

variable "description" {
  description = "Description of the IAM role (at most 1000 characters)."
  type        = string
  default     = ""
  nullable    = false

  validation {
    condition     = length(var.description) <= 1000 && can(regex("^[\\t\\n\\r\\x{20}-\\x{7E}\\x{A1}-\\x{FF}]*$", var.description))
    error_message = "The description must be at most 1000 characters of printable ASCII, tab, newline or Latin-1 letters (AWS IAM rule)."
  }
}

variable "trusted_principal_arns" {
  description = "IAM principals allowed to assume the role: account roots (arn:aws:iam::123456789012:root), roles or users. Kept in the given order in the trust policy."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.trusted_principal_arns) > 0
    error_message = "The trusted_principal_arns list must name at least one principal."
  }

  validation {
    condition = alltrue([
      for arn in var.trusted_principal_arns :
      can(regex("^arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:(root|(role|user)/([!-~]*/)?[\\w+=,.@-]+)$", arn)) &&
      length(reverse(split("/", arn))[0]) <= 64
    ])
    error_message = "Each trusted principal must be an IAM ARN of an account root, a role or a user: arn:aws:iam::<12 digits>:root, ...:role/<name> or ...:user/<name>."
  }

  validation {
    condition     = length(distinct(var.trusted_principal_arns)) == length(var.trusted_principal_arns)
    error_message = "The trusted_principal_arns list must not repeat a principal."
  }
}

variable "external_id" {
  description = "The sts:ExternalId the assuming principal must present (2-1224 characters of letters, digits and +=,.@:/_-); null adds no condition."
  type        = string
  default     = null

  validation {
    condition = var.external_id == null || try(
      length(var.external_id) >= 2 && length(var.external_id) <= 1224 && can(regex("^[\\w+=,.@:/-]+$", var.external_id)),
      false,
    )
    error_message = "The external_id must be 2-1224 characters of letters, digits and +=,.@:/_- (AWS STS rule)."
  }
}

variable "additional_external_ids" {
  description = "More sts:ExternalId values the trust accepts beside external_id, e.g. the new ID while a rotation is in progress; empty keeps the condition a single string."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition = alltrue([
      for id in var.additional_external_ids :
      length(id) >= 2 && length(id) <= 1224 && can(regex("^[\\w+=,.@:/-]+$", id))
    ])
    error_message = "Each additional external ID must be 2-1224 characters of letters, digits and +=,.@:/_- (AWS STS rule)."
  }

  validation {
    condition     = length(var.additional_external_ids) == 0 || var.external_id != null
    error_message = "The additional_external_ids need an external_id: set external_id to the current ID."
  }

  validation {
    condition     = length(distinct(concat([var.external_id], var.additional_external_ids))) == length(var.additional_external_ids) + 1
    error_message = "The additional_external_ids must not repeat each other or external_id."
  }
}

variable "trust_statement_sid" {
  description = "Sid of the trust policy statement (letters and digits)."
  type        = string
  default     = "CrossAccountAssumeRole"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9]+$", var.trust_statement_sid))
    error_message = "The trust_statement_sid must be one or more ASCII letters or digits."
  }
}

variable "max_session_duration" {
  description = "Maximum session duration in seconds, from 3600 (1 hour) to 43200 (12 hours)."
  type        = number
  default     = 3600
  nullable    = false

  validation {
    condition     = var.max_session_duration >= 3600 && var.max_session_duration <= 43200 && floor(var.max_session_duration) == var.max_session_duration
    error_message = "The max_session_duration must be a whole number of seconds from 3600 to 43200."
  }
}

variable "permissions_boundary" {
  description = "ARN of the IAM managed policy that bounds the role's permissions; null for none."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary == null || (can(regex("^arn:aws(-cn|-us-gov)?:iam::([0-9]{12}|aws):policy/([!-~]*/)?[\\w+=,.@-]+$", var.permissions_boundary)) && try(length(reverse(split("/", var.permissions_boundary))[0]) <= 128, false))
    error_message = "The permissions_boundary must be an IAM policy ARN such as arn:aws:iam::123456789012:policy/Boundary."
  }
}

variable "policy_name" {
  description = "Name of the role's inline permission policy (1-128 characters of letters, digits and +=,.@_-)."
  type        = string
  default     = "xacct-permissions"
  nullable    = false

  validation {
    condition     = length(var.policy_name) <= 128 && can(regex("^[\\w+=,.@-]+$", var.policy_name))
    error_message = "The policy_name must be 1-128 characters of letters, digits and +=,.@_-."
  }
}

variable "policy_statements" {
  description = "Statements of the inline permission policy; no policy is created when empty. Each names exactly one of actions/not_actions and one of resources/not_resources; conditions become {test = {variable = values}}."
  type = list(object({
    sid           = optional(string)
    effect        = optional(string, "Allow")
    actions       = optional(list(string))
    not_actions   = optional(list(string))
    resources     = optional(list(string))
    not_resources = optional(list(string))
    conditions = optional(list(object({
      test     = string
      variable = string
      values   = list(string)
    })), [])
  }))
  default  = []
  nullable = false

  validation {
    condition     = alltrue([for s in var.policy_statements : contains(["Allow", "Deny"], s.effect)])
    error_message = "Each statement's effect must be \"Allow\" or \"Deny\"."
  }

  validation {
    condition = alltrue([
      for s in var.policy_statements :
      (s.actions == null) != (s.not_actions == null) && length(coalesce(s.actions, s.not_actions, [])) > 0
    ])
    error_message = "Each statement must give exactly one of actions or not_actions, and it must not be empty."
  }

  validation {
    condition = alltrue([
      for s in var.policy_statements :
      (s.resources == null) != (s.not_resources == null) && length(coalesce(s.resources, s.not_resources, [])) > 0
    ])
    error_message = "Each statement must give exactly one of resources or not_resources, and it must not be empty."
  }

  validation {
    condition = alltrue(flatten([
      for s in var.policy_statements : [
        for action in concat(coalesce(s.actions, []), coalesce(s.not_actions, [])) :
        can(regex("^(\\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+)$", action))
      ]
    ]))
    error_message = "Each action must be \"*\" or \"service:Action\" (wildcards * and ? allowed in the action part), e.g. \"s3:GetObject\"."
  }

  validation {
    condition = alltrue(flatten([
      for s in var.policy_statements : [
        for resource in concat(coalesce(s.resources, []), coalesce(s.not_resources, [])) :
        resource == "*" || startswith(resource, "arn:")
      ]
    ]))
    error_message = "Each resource must be \"*\" or an ARN (starting with \"arn:\")."
  }

  validation {
    condition = alltrue(flatten([
      for s in var.policy_statements : [
        for c in s.conditions : can(regex("^((ForAllValues|ForAnyValue):)?[A-Za-z]+$", c.test)) && c.variable != ""
      ]
    ]))
    error_message = "Each condition needs an operator such as \"StringEquals\" or \"ForAllValues:StringLike\" as its test, and a non-empty variable."
  }

  validation {
    condition = alltrue([
      for s in var.policy_statements :
      length(distinct([for c in s.conditions : [c.test, c.variable]])) == length(s.conditions)
    ])
    error_message = "Within a statement, each (test, variable) pair of the conditions must appear once."
  }

  validation {
    condition = alltrue([
      for s in var.policy_statements : alltrue([for c in s.conditions : length(c.values) > 0])
    ])
    error_message = "Each condition must list at least one value."
  }

  validation {
    condition     = alltrue([for s in var.policy_statements : s.sid == null || can(regex("^[A-Za-z0-9]+$", s.sid))])
    error_message = "Each statement sid must be one or more ASCII letters or digits."
  }

  validation {
    condition = (
      length(distinct(compact([for s in var.policy_statements : s.sid]))) ==
      length(compact([for s in var.policy_statements : s.sid]))
    )
    error_message = "Statement sids must be unique within the policy."
  }
}

variable "tags" {
  description = "Tags applied to the IAM role (at most 50; keys 1-128 and values 0-256 characters; keys must not start with \"aws:\")."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition = length(var.tags) <= 50 && alltrue([
      for key, value in var.tags :
      length(key) >= 1 && length(key) <= 128 && !startswith(lower(key), "aws:") && length(value) <= 256
    ]) && can(regex("^[\\p{L}\\p{Z}\\p{N}_.:/=+@-]*$", join("", concat(keys(var.tags), values(var.tags)))))
    error_message = "At most 50 tags; keys 1-128 and values at most 256 characters of letters, digits, spaces and _.:/=+-@; keys must not start with \"aws:\"."
  }
}

variable "suspended" {
  description = "Suspend the role: its trust policy gains a statement after the Allow that denies sts:AssumeRole, sts:TagSession and sts:SetSourceIdentity to every principal. The role and its permissions stay; false restores the trust policy unchanged."
  type        = bool
  default     = false
  nullable    = false
}
