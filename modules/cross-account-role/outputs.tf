output "role_arn" {
  description = "ARN of the IAM role."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of the IAM role."
  value       = aws_iam_role.this.name
}

output "role_unique_id" {
  description = "Stable unique ID of the IAM role (AROA...)."
  value       = aws_iam_role.this.unique_id
}

output "role_path" {
  description = "Path of the IAM role."
  value       = aws_iam_role.this.path
}

output "assume_role_policy" {
  description = "The role's trust policy as a JSON string."
  value       = aws_iam_role.this.assume_role_policy
}

output "policy" {
  description = "The role's inline permission policy as a JSON string, or null when the role has no statements."
  value       = one(aws_iam_role_policy.this[*].policy)
}
