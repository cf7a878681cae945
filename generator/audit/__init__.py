"""``xacct audit``: compare the IAM roles deployed in an account with the registry (IAM-008).

Reports the registry's roles that are missing, the roles whose trust, permissions (inline and
attached), path, maximum session duration or permissions boundary differ from the registry's (with
the evaluator's verdict on what the difference allows), the whole ``sts:AssumeRole`` calls the deployed
trust decides wrongly, the registry grants the deployed permission boundary blocks (its document read
with ``iam:GetPolicy``/``iam:GetPolicyVersion``; one that cannot be read is a note), and the
cross-account roles that trust an account the registry does not know or carry the tag of a tenant it
no longer has. Text output is one
finding per line (``ACCOUNT role/NAME: kind: detail``, followed by indented ``change:`` and
``verdict:`` lines); ``--format json`` gives the same as one object.
"""

from generator.audit.account import audit
from generator.audit.command import add_arguments, main, run_audit
from generator.audit.drift import AuditFinding, AuditReport

__all__ = ["AuditFinding", "AuditReport", "add_arguments", "audit", "main", "run_audit"]
