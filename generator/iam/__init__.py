"""An exact, explainable IAM policy evaluator with AWS semantics.

Usage::

    from generator.iam import evaluate, compile_policies, Request, PolicyError

    decision = evaluate(
        [trust_policy, permissions_policy],          # dicts as parsed from JSON, or JSON strings
        {
            "action": "sts:AssumeRole",
            "resource": "arn:aws:iam::111122223333:role/partner",
            "principal": "arn:aws:iam::444455556666:root",   # optional: ARN, account ID or service
            "context": {"sts:ExternalId": "a1b2c3"},         # condition keys (case-insensitive)
        },
    )
    decision.allowed      # bool (a Decision is also truthy when allowed)
    decision.outcome      # Outcome.ALLOW / EXPLICIT_DENY / IMPLICIT_DENY
    decision.statement    # the decisive statement, e.g. policies[0].Statement[1] (Sid "Trust")
    decision.explain()    # every statement, and which element or condition failed and why

    compiled = compile_policies(documents)   # compile once, then compiled.evaluate(request) (fastest)

`evaluate` accepts a `CompiledPolicies` too; plain documents are compiled once and cached by their
JSON text. A request is a dict `{"action", "resource", "principal", "context"}` or a `Request`.

Semantics (the IAM "JSON policy elements" reference and "policy evaluation logic" pages):

* The statements of all documents are pooled: the request is allowed iff at least one Allow statement
  matches and no Deny statement matches (explicit deny wins; otherwise implicit deny).
* A statement matches when all its elements do. ``Action``/``NotAction``: case-insensitive, ``*`` and
  ``?`` wildcards. ``Resource``/``NotResource``: case-sensitive ARN globs, policy variables allowed; a
  statement without either (trust policies) matches any resource, and a request without a resource is
  evaluated as resource ``*``. ``Principal``/``NotPrincipal``: see `generator.iam.principals` (account
  IDs and ``:root`` cover every principal of the account, a role ARN covers its sessions whatever its
  path); a statement without either (identity policies) matches any principal.
* ``Condition``: every operator of the reference (String*, Numeric*, Date*, Bool, BinaryEquals,
  IpAddress/NotIpAddress, Arn*, Null), ``...IfExists``, ``ForAllValues:``/``ForAnyValue:``; see
  `generator.iam.conditions` for the exact rules (missing keys, negated operators, multiple values).
* Policy variables (``${aws:username}``, ``${aws:PrincipalTag/team}``, ``${key, 'default'}``, the
  escapes ``${*}`` ``${?}`` ``${$}``) are resolved from the context in ``"Version": "2012-10-17"``
  documents; a statement whose variable cannot be resolved does not match.
* Principal-derived context: when the request names a principal, ``aws:PrincipalArn``,
  ``aws:PrincipalAccount``, ``aws:PrincipalType``, ``aws:username`` (users) and
  ``aws:PrincipalServiceName`` (services) are added to the context unless it already has them. For a
  role session ``aws:PrincipalArn`` is the role's ARN (without its path), as AWS reports it.
* Malformed documents raise `PolicyError` naming the document and statement (index and Sid) — never a
  silent deny.

`evaluate` pools statements and answers "do these documents allow the request"; it does not know
which layer a document belongs to. Whole calls -- identity policies, permission boundary, session
policy, SCPs and RCPs of each side, the resource-based policy of a role, key or bucket, a VPC endpoint
policy, same- or cross-account -- are decided by `evaluate_call(Call(...))` (`generator.iam.whole`),
which also applies the documented rules `evaluate` keeps its old verdicts on (case-insensitive role
and user names in `Principal`, `NotPrincipal` with `Allow`, segment-wise ARN wildcards; see
`generator.iam.strict`). The harness asks `evaluate([trust_policy], ...)` "does the trust policy
allow the partner" -- a question about one document, not a whole call -- so those verdicts stay.
"""

from __future__ import annotations

from .call import Call, OrgPolicies
from .decision import Decision, Outcome, StatementRef, StatementResult
from .errors import PolicyError
from .evaluator import CompiledPolicies, compile_policies, evaluate
from .request import Request
from .whole import CallDecision, evaluate_call

__all__ = [
    "Call",
    "CallDecision",
    "CompiledPolicies",
    "Decision",
    "OrgPolicies",
    "Outcome",
    "PolicyError",
    "Request",
    "StatementRef",
    "StatementResult",
    "compile_policies",
    "evaluate",
    "evaluate_call",
]
