"""xacct: AWS cross-account IAM roles from a YAML tenant registry."""

__version__ = "0.1.0"
MODULES_VERSION = "0.3.0"  # keep equal to modules/VERSION (a test checks)
