"""Compiled statements: Action/NotAction, Resource/NotResource, Principal/NotPrincipal, Condition."""

from __future__ import annotations

from .conditions import Clause
from .decision import StatementRef, StatementResult
from .errors import UnresolvedVariable
from .principals import PrincipalMatcher
from .request import PreparedRequest
from .variables import Template
from .wildcards import STAR, GlobSet, encode, glob_match


class ActionMatcher:
    """`Action`/`NotAction`: case-insensitive globs over `service:Action`."""

    __slots__ = ("_globs", "negated", "patterns")

    def __init__(self, patterns: tuple[str, ...], *, negated: bool) -> None:
        self.patterns = patterns
        self.negated = negated
        self._globs = GlobSet(encode(pattern.lower()) for pattern in patterns)

    def match(self, action_lc: str) -> bool:
        return self._globs.match(action_lc) != self.negated

    def describe(self, action: str) -> str:
        element = "NotAction" if self.negated else "Action"
        listed = self._globs.match(action.lower())
        relation = "matches one of" if listed else "matches none of"
        return f"{element}: {action!r} {relation} {list(self.patterns)}"


class ResourceMatcher:
    """`Resource`/`NotResource`: case-sensitive globs over the resource ARN, with policy variables.

    A request without a resource is evaluated against the resource `*`, as AWS does for actions that
    do not support resource-level permissions.
    """

    __slots__ = ("_static", "negated", "templates")

    def __init__(self, templates: tuple[Template, ...], *, negated: bool) -> None:
        self.templates = templates
        self.negated = negated
        statics = [t.static for t in templates]
        self._static = GlobSet(statics) if all(s is not None for s in statics) else None  # type: ignore[arg-type]

    def match(self, resource: str | None, request: PreparedRequest) -> bool:
        value = "*" if resource is None else resource
        if self._static is not None:
            return self._static.match(value) != self.negated
        lookup = request.context.variable
        hit = any(glob_match(t.render(lookup), value) for t in self.templates)
        return hit != self.negated

    def describe(self, request: PreparedRequest) -> str:
        element = "NotResource" if self.negated else "Resource"
        value = "*" if request.resource is None else request.resource
        patterns = []
        for template in self.templates:
            rendered = template.render(request.context.variable)
            shown = repr(template.text)
            if template.variables:
                shown += f" (resolved {rendered.replace(STAR, '*')!r})"
            patterns.append(shown)
        listed = self.match(request.resource, request) != self.negated
        relation = "matches one of" if listed else "matches none of"
        return f"{element}: {value!r} {relation} [{', '.join(patterns)}]"


class CompiledStatement:
    """One statement, compiled: `applies` is the fast test, `trace` the explained one."""

    __slots__ = ("action", "allow", "conditions", "principal", "ref", "resource")

    def __init__(
        self,
        ref: StatementRef,
        action: ActionMatcher,
        resource: ResourceMatcher | None,
        principal: PrincipalMatcher | None,
        conditions: tuple[Clause, ...],
    ) -> None:
        self.ref = ref
        self.allow = ref.effect == "Allow"
        self.action = action
        self.resource = resource
        self.principal = principal
        self.conditions = conditions

    def applies(self, request: PreparedRequest) -> bool:
        """Whether every element matches (a statement with an unresolvable variable does not apply)."""
        try:
            if not self.action.match(request.action_lc):
                return False
            if self.resource is not None and not self.resource.match(request.resource, request):
                return False
            if self.principal is not None and not self.principal.match(request.identity):
                return False
            context = request.context
            for clause in self.conditions:
                if not clause.evaluate(context):
                    return False
        except UnresolvedVariable:
            return False
        return True

    def trace(self, request: PreparedRequest) -> StatementResult:
        details: list[str] = []
        matched = True

        def record(ok: bool, text: str) -> None:
            nonlocal matched
            matched = matched and ok
            details.append(("ok   " if ok else "FAIL ") + text)

        record(self.action.match(request.action_lc), self.action.describe(request.action))
        if self.resource is None:
            details.append("ok   no Resource element: any resource")
        else:
            try:
                record(self.resource.match(request.resource, request), self.resource.describe(request))
            except UnresolvedVariable as missing:
                record(False, f"Resource: policy variable {missing.variable} has no value -> not applicable")
        if self.principal is None:
            details.append("ok   no Principal element: any principal")
        else:
            record(self.principal.match(request.identity), self.principal.describe(request.identity))
        for clause in self.conditions:
            try:
                ok = clause.evaluate(request.context)
            except UnresolvedVariable:
                ok = False
            record(ok, "Condition " + clause.describe(request.context))
        return StatementResult(self.ref, matched and self.applies(request), tuple(details))
