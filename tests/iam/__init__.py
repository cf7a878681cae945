"""Tests of the IAM policy evaluator (generator.iam)."""
