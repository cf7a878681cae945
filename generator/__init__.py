"""xacct: AWS cross-account IAM roles from a YAML tenant registry."""

__version__ = "0.1.0"
