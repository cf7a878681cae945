"""Plan accounting: read a plan JSON, account for every change in it, judge every registry role.

Used by the harness's plan layer, ``--xacct-plan-json``, ``xacct plan-guard`` and
``xacct lint --plan-json``::

    plan = read_plan("plan.json")                      # PlanInputError: one line, never a traceback
    result = account_plan(plan, roles, registry.model, where="plan.json", allow_destroy={"acme"})
    result.findings, result.roles["acme/partner_to_customer"].permission_policies
"""

from generator.accounting.ledger import AccountedRole, Accounting, PlanFinding, account_plan
from generator.accounting.reader import PlanInputError, read_plan

__all__ = ["AccountedRole", "Accounting", "PlanFinding", "PlanInputError", "account_plan", "read_plan"]
