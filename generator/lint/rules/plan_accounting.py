"""PLAN-ACCOUNTING: a change in a plan that the plan accounting cannot account for (``--plan-json``).

The findings come from :mod:`generator.accounting` (the same accounting as the harness and
``xacct plan-guard``): a role the registry does not know, a grant from outside the role's module, a
resource type the registry does not allow, an IAM user or key, an unallowed destroy.
"""

from __future__ import annotations

from generator.lint.rule import Rule


class PlanAccounting(Rule):
    description = "Every change in a plan is a registry role, its own policy, or a type the registry allows"
    control = "IAM-006 least privilege; CAA-001 roles, not keys (the whole plan, as plan-guard judges it)"
    help = "Remove what the registry does not describe, or describe it in the registry and regenerate."
