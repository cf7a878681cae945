output "role_arn" {
  description = "ARN of the IAM role."
  value       = module.role.role_arn
}

output "role_name" {
  description = "Name of the IAM role."
  value       = module.role.role_name
}

output "role_unique_id" {
  description = "Stable unique ID of the IAM role (AROA...)."
  value       = module.role.role_unique_id
}

output "role_path" {
  description = "Path of the IAM role."
  value       = module.role.role_path
}

output "assume_role_policy" {
  description = "The role's trust policy as a JSON string."
  value       = module.role.assume_role_policy
}

output "policy" {
  description = "The role's inline permission policy as a JSON string, or null when the role has no statements."
  value       = module.role.policy
}
