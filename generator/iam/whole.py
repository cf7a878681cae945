"""Whole-call evaluation: every policy layer, same-account and cross-account (IAM "Policy evaluation logic").

The order of the AWS enforcement code, as documented:

1. An explicit `Deny` in any applicable policy wins: SCPs, RCPs, the VPC endpoint policy, the
   resource-based policy, identity-based policies, the permission boundary, the session policy.
   A resource-based `Deny` with `NotPrincipal` always denies an IAM user or role that has a permission
   boundary ("The NotPrincipal element with a Deny effect will always deny any IAM principal that has
   a permissions boundary policy attached, regardless of the values specified").
2. SCPs of the principal's account: every level (root, OUs, account) must allow. They do not apply to
   service-linked roles, nor to service principals or anonymous callers (they limit the IAM
   principals of member accounts).
3. RCPs of the resource's account: only their `Deny` statements count (the managed `RCPFullAWSAccess`
   allows at every level and cannot be detached); not applied to service-linked roles.
4. A VPC endpoint policy, when given, must allow.
5. Permissions. Within one account the identity path (identity-based policies, limited by the
   permission boundary and the session policy) OR the resource-based policy may allow, and how far a
   resource-policy grant reaches depends on whom it names: the caller's own ARN (user, role session,
   federated user, or `*`) is not limited by identity policies, boundary or session policy; the role's
   ARN (caller is its session) is limited by the boundary and the session policy; the account
   delegates to the identity path. Role trust policies and KMS key policies are exceptions: they must
   allow the principal themselves (a grant to the account, plus the identity path, counts).
   Across accounts both sides must allow: the identity path in the principal's account AND the
   resource-based policy. Service principals and anonymous callers have no identity path: the
   resource-based policy alone decides. The account root user's identity path allows everything.
   A federated-user session without a session policy has no permissions.

Decided here, where the documentation is silent (each has a corpus case in
`tests/iam/corpus/whole/`): `Principal: "*"` (and `NotPrincipal` with `Allow`) grants like the
caller's own ARN; an unknown account (a service principal, an S3 ARN without `resource_account`)
counts as the principal's own; malformed policy values and documents are `PolicyError`s whether or
not their layer applies; a request value of the wrong type never matches (a positive operator is
false, a negated one true); `aws:EpochTime` is in seconds; a multivalued key under a plain operator
behaves as `ForAnyValue:`; the rules of `generator.iam.strict` for names and ARN wildcards.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .call import Call
from .callexplain import explain_call
from .decision import Decision, Outcome, StatementRef
from .evaluator import CompiledPolicies
from .principals import Identity, parse_identity
from .request import PreparedRequest
from .strict import CallPrincipalMatcher

IAM_KINDS = frozenset({"account", "user", "role", "assumed-role", "federated-user"})
SESSION_KINDS = frozenset({"assumed-role", "federated-user"})
_BOUNDED = Identity("(an IAM principal with a permission boundary)", "other")
_GRANT_RANK = {"direct": 0, "role": 1, "account": 2}
_OWNER = {"role-trust": "the role trust policy", "kms-key": "the KMS key policy"}
_GRANT_TEXT = {
    "direct": "the caller itself (its own ARN or everyone)",
    "role": "the caller's role (limited by the boundary and session policy)",
    "account": "the caller's account (delegated to its identity-based policies)",
}


@dataclass(frozen=True, slots=True)
class LayerVerdict:
    """How one layer fared: `verdict` is `explicit deny`, `allow`, `no allow` or `not applied`."""

    layer: str
    verdict: str
    statement: StatementRef | None
    note: str
    decisions: tuple[Decision, ...] = ()


_ALLOWED = LayerVerdict("identity", "allow", None, "")


class CallDecision:
    """The verdict for a whole call: `allowed`, `outcome`, the deciding `layer` and `statement`."""

    __slots__ = ("allowed", "call", "layer", "layers", "outcome", "reason", "request", "statement")

    def __init__(
        self,
        outcome: Outcome,
        reason: str,
        layer: str | None,
        statement: StatementRef | None,
        layers: tuple[LayerVerdict, ...],
        call: Call,
        request: PreparedRequest,
    ) -> None:
        self.allowed = outcome is Outcome.ALLOW
        self.outcome = outcome
        self.reason = reason
        self.layer = layer
        self.statement = statement
        self.layers = layers
        self.call = call
        self.request = request

    def __bool__(self) -> bool:
        return self.allowed

    def __repr__(self) -> str:
        return f"CallDecision({self.reason})"

    def explain(self) -> str:
        """The deciding layer first (`DENY by scp[0].Statement[1]`), then every layer and statement."""
        return explain_call(self)


def _prepare(call: Call) -> PreparedRequest:
    """The request, with `aws:ResourceAccount` and `aws:PrincipalIsAWSService` derived when absent."""
    context = dict(call.context)
    account = call.resource_account_id()
    present = {key.lower() for key in context}
    if account is not None and "aws:resourceaccount" not in present:
        context["aws:ResourceAccount"] = account
    kind = parse_identity(call.principal).kind
    if "aws:principalisawsservice" not in present and kind != "anonymous":
        context["aws:PrincipalIsAWSService"] = "true" if kind == "service" else "false"
    return PreparedRequest(call.action, call.resource, call.principal, context)


def _with_identity(request: PreparedRequest, identity: Identity) -> PreparedRequest:
    clone = object.__new__(PreparedRequest)
    for name in PreparedRequest.__slots__:
        setattr(clone, name, getattr(request, name))
    clone.identity = identity
    return clone


class _Evaluation:
    """The layers of one call, evaluated once each; `decide` applies the evaluation logic."""

    def __init__(self, call: Call, request: PreparedRequest) -> None:
        self.call = call
        self.request = request
        self.who = request.identity
        self.iam = self.who.kind in IAM_KINDS
        self.same_account = call.same_account()
        self.compiled = call.layers()
        self.layers: list[LayerVerdict] = []
        self.denied: LayerVerdict | None = None

    def record(self, verdict: LayerVerdict) -> LayerVerdict:
        self.layers.append(verdict)
        if verdict.verdict == "explicit deny" and self.denied is None:
            self.denied = verdict
        return verdict

    def single(self, layer: str, compiled: CompiledPolicies, note: str = "") -> LayerVerdict:
        decision = compiled.evaluate(self.request)
        verdict = {Outcome.EXPLICIT_DENY: "explicit deny", Outcome.ALLOW: "allow"}.get(
            decision.outcome, "no allow"
        )
        return self.record(LayerVerdict(layer, verdict, decision.statement, note, (decision,)))

    def levels(self, layer: str, levels: tuple[CompiledPolicies, ...], deny_only: bool) -> LayerVerdict:
        decisions = tuple(level.evaluate(self.request) for level in levels)
        for decision in decisions:
            if decision.outcome is Outcome.EXPLICIT_DENY:
                return self.record(LayerVerdict(layer, "explicit deny", decision.statement, "", decisions))
        for number, decision in enumerate(decisions):
            if not deny_only and not decision.allowed:
                note = f"level {number} (root first) allows no statement"
                return self.record(LayerVerdict(layer, "no allow", None, note, decisions))
        note = "no Deny applies (RCPFullAWSAccess allows the rest)" if deny_only else "every level allows"
        return self.record(LayerVerdict(layer, "allow", None, note, decisions))

    def skipped(self, layer: str, note: str) -> LayerVerdict:
        return self.record(LayerVerdict(layer, "not applied", None, note))


def _org_layers(run: _Evaluation) -> tuple[LayerVerdict, LayerVerdict]:
    call, compiled = run.call, run.compiled
    if not compiled.scps:
        scp = run.skipped("scp", "no SCPs")
    elif call.service_linked or not run.iam:
        scp = run.skipped(
            "scp", "SCPs do not limit service-linked roles, service principals or anonymous callers"
        )
    else:
        scp = run.levels("scp", compiled.scps, deny_only=False)
    if not compiled.rcps:
        rcp = run.skipped("rcp", "no RCPs")
    elif call.service_linked:
        rcp = run.skipped("rcp", "RCPs do not limit service-linked roles")
    else:
        rcp = run.levels("rcp", compiled.rcps, deny_only=True)
    return scp, rcp


def _resource_layer(run: _Evaluation) -> tuple[LayerVerdict, str | None]:
    """Evaluate the resource-based policy; also return how its best Allow grants (`direct`, ...)."""
    call, compiled = run.call, run.compiled.resource_policy
    if compiled is None:
        return run.skipped("resource_policy", "no resource-based policy"), None
    if call.boundary is not None and run.who.kind in ("user", "role", "assumed-role"):
        bounded = _with_identity(run.request, _BOUNDED)
        for statement in compiled.statements:
            matcher = statement.principal
            if not statement.allow and matcher is not None and matcher.negated and statement.applies(bounded):
                note = "a Deny with NotPrincipal always denies a principal that has a permission boundary"
                decision = compiled.evaluate(run.request)
                return run.record(
                    LayerVerdict("resource_policy", "explicit deny", statement.ref, note, (decision,))
                ), None
    verdict = run.single("resource_policy", compiled, f"kind: {call.resource_kind}")
    grant: str | None = None
    grant_ref: StatementRef | None = None
    if verdict.verdict == "allow":
        for statement in compiled.statements:
            if statement.allow and statement.applies(run.request):
                matcher = statement.principal
                kind = matcher.grant(run.who) if isinstance(matcher, CallPrincipalMatcher) else "direct"
                if grant is None or _GRANT_RANK[kind] < _GRANT_RANK[grant]:
                    grant, grant_ref = kind, statement.ref
        run.layers[-1] = verdict = LayerVerdict(
            "resource_policy",
            "allow",
            grant_ref,
            f"kind: {call.resource_kind}; grants to {_GRANT_TEXT[grant or 'direct']}",
            verdict.decisions,
        )
    return verdict, grant


def _identity_layers(run: _Evaluation) -> tuple[LayerVerdict, LayerVerdict, LayerVerdict]:
    kind = run.who.kind
    if not run.iam:
        note = "a service principal or anonymous caller has no identity-based policies"
        return run.skipped("identity", note), run.skipped("boundary", note), run.skipped("session", note)
    if kind == "account":
        root = run.record(LayerVerdict("identity", "allow", None, "the account root user has full access"))
        note = "not applicable to the root user"
        return root, run.skipped("boundary", note), run.skipped("session", note)
    compiled = run.compiled
    identity = run.single("identity", compiled.identity)
    if compiled.boundary is None:
        boundary = run.skipped("boundary", "no permission boundary")
    else:
        boundary = run.single("boundary", compiled.boundary)
    if kind not in SESSION_KINDS:
        session = run.skipped("session", "not a session principal")
    elif compiled.session is None and kind == "federated-user":
        session = run.record(
            LayerVerdict(
                "session",
                "no allow",
                None,
                "a federated-user session without a session policy has no permissions",
            )
        )
    elif compiled.session is None:
        session = run.skipped("session", "no session policy")
    else:
        session = run.single("session", compiled.session)
    return identity, boundary, session


def _limit_ok(verdict: LayerVerdict) -> bool:
    return verdict.verdict in ("allow", "not applied")


def _identity_failure(identity: LayerVerdict, boundary: LayerVerdict, session: LayerVerdict) -> str | None:
    if identity.verdict != "allow":
        if not identity.decisions or not identity.decisions[0].statements():
            return "implicit deny: the principal has no identity-based policy statements"
        return "implicit deny: the identity-based policies allow no statement"
    if not _limit_ok(boundary):
        return "implicit deny: the permission boundary allows no statement"
    if not _limit_ok(session):
        if session.note.startswith("a federated-user"):
            return f"implicit deny: {session.note}"
        return "implicit deny: the session policy allows no statement"
    return None


def evaluate_call(call: Call | Mapping[str, Any]) -> CallDecision:
    """Decide a whole call (a `Call` or a dict with its fields) by the AWS evaluation logic."""
    if not isinstance(call, Call):
        call = Call.from_mapping(call)
    request = _prepare(call)
    run = _Evaluation(call, request)
    scp, _rcp = _org_layers(run)
    endpoint = None
    if run.compiled.endpoint_policy is not None:
        endpoint = run.single("endpoint_policy", run.compiled.endpoint_policy)
    else:
        run.skipped("endpoint_policy", "the call does not go through a VPC endpoint")
    resource, grant = _resource_layer(run)
    identity, boundary, session = _identity_layers(run)
    layers = tuple(run.layers)

    def done(outcome: Outcome, reason: str, verdict: LayerVerdict | None) -> CallDecision:
        layer = verdict.layer if verdict else None
        statement = verdict.statement if verdict else None
        return CallDecision(outcome, reason, layer, statement, layers, call, request)

    if run.denied is not None:
        return done(Outcome.EXPLICIT_DENY, f"DENY by {run.denied.statement}", run.denied)
    if scp.verdict == "no allow":
        return done(Outcome.IMPLICIT_DENY, f"implicit deny: SCPs {scp.note}", scp)
    if endpoint is not None and endpoint.verdict != "allow":
        return done(
            Outcome.IMPLICIT_DENY, "implicit deny: the VPC endpoint policy allows no statement", endpoint
        )
    failure = _identity_failure(identity, boundary, session) if run.iam else "no identity path"
    owner = _OWNER.get(call.resource_kind, "the resource-based policy")

    def by_resource() -> CallDecision:
        return done(Outcome.ALLOW, f"ALLOW by {resource.statement}", resource)

    if not run.iam:
        if grant is not None:
            return by_resource()
        return done(Outcome.IMPLICIT_DENY, f"implicit deny: {owner} does not allow this caller", resource)
    failed_layer = (
        identity if identity.verdict != "allow" else boundary if not _limit_ok(boundary) else session
    )
    if not run.same_account:
        if failure is not None:
            return done(
                Outcome.IMPLICIT_DENY,
                f"{failure} (cross-account: the principal's side must allow too)",
                failed_layer,
            )
        if grant is None:
            reason = (
                f"implicit deny: cross-account, {owner} does not allow the principal (both sides must allow)"
            )
            return done(Outcome.IMPLICIT_DENY, reason, resource)
        both = f"ALLOW by {identity.statement or 'the root user'} and {resource.statement} (both sides allow)"
        return done(Outcome.ALLOW, both, resource)
    if grant == "direct":
        return by_resource()
    if grant == "role":
        if _limit_ok(boundary) and _limit_ok(session):
            return by_resource()
        limited = _identity_failure(_ALLOWED, boundary, session)
        layer = boundary if not _limit_ok(boundary) else session
        return done(Outcome.IMPLICIT_DENY, f"{limited} (it limits a grant to the role's ARN)", layer)
    if grant is None and call.resource_kind in _OWNER:
        reason = f"implicit deny: {owner} does not allow the principal (identity policies alone cannot)"
        return done(Outcome.IMPLICIT_DENY, reason, resource)
    if failure is None:
        reason = f"ALLOW by {identity.statement}" if identity.statement else "ALLOW (account root user)"
        return done(Outcome.ALLOW, reason, identity)
    if grant == "account":
        failure += f" ({owner} grants to the account, which delegates to the identity-based policies)"
    elif run.compiled.resource_policy is not None:
        failure += f"; {owner} does not allow it either"
    return done(Outcome.IMPLICIT_DENY, failure, failed_layer)
