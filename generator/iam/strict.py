"""Matching rules of the whole-call model that differ from `evaluate`'s (AWS documentation).

`evaluate` keeps its long-standing verdicts (the harness and audit depend on them); the whole-call
model (`generator.iam.whole`) compiles its documents with these rules instead:

* Principal names: "IAM user, group, role, and policy names must be unique within the account. Names
  are not distinguished by case" (IAM identifiers) -- a `Principal` naming `role/Super-Admin` covers
  the role `super-admin` and its sessions. The session name of an assumed-role ARN and federated-user
  names stay case-sensitive (they are not IAM entity names).
* `NotPrincipal` with `Allow`: "Doing so allows all principals except the one named in the NotPrincipal
  element" (NotPrincipal, older guide; the current guide calls the combination unsupported). The
  statement does not apply when the caller or any entity it acts through (its role, its account) is
  named. With `Deny` the statement applies unless every link is named, as in `evaluate`.
* Resource ARNs: "You can use wildcard characters (* and ?) within the individual segments of an ARN
  (the parts separated by colons) ... If the * wildcard is the last character of a resource ARN
  segment, it can expand to match beyond the colon boundaries" -- any other `*` or `?` stays within
  its segment. "You can't use a wildcard in the service segment" -- a `PolicyError`. "Don't use a
  wildcard in the user/, group/, or policy part of the ARN ... arn:aws:iam::123456789012:u* is not
  allowed" (IAM identifiers) -- decided here: in an `iam` ARN pattern a wildcard before the first `/`
  of the resource part (other than a resource part that is just `*`) matches no resource.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .principals import Identity, PrincipalMatcher, PrincipalSpec
from .request import PreparedRequest
from .statements import ResourceMatcher
from .variables import Template
from .wildcards import QMARK, STAR


def covers(spec: PrincipalSpec, who: Identity) -> bool:
    """`Principal` semantics with case-insensitive user and role names."""
    target = spec.target
    if target is None or target.kind not in ("user", "role", "assumed-role"):
        return spec.covers(who)
    if who.account != target.account or who.partition != target.partition:
        return False
    if who.name is None or target.name is None or who.name.lower() != target.name.lower():
        return False
    if target.kind == "user":
        return who.kind == "user"
    if target.kind == "role":
        return who.kind in ("role", "assumed-role")
    return who.kind == "assumed-role" and who.session == target.session


def names(spec: PrincipalSpec, link: Identity) -> bool:
    """`NotPrincipal` semantics: whether the value literally names `link` (names compared as above)."""
    target = spec.target
    if target is None:
        return True
    if target.kind == "account":
        return link.kind == "account" and covers(spec, link)
    if target.kind == "role":
        return link.kind == "role" and covers(spec, link)
    return covers(spec, link)


class CallPrincipalMatcher(PrincipalMatcher):
    """`Principal`/`NotPrincipal` under the whole-call rules (see the module docstring)."""

    __slots__ = ("allow",)

    def __init__(self, specs: tuple[PrincipalSpec, ...], *, negated: bool, allow: bool) -> None:
        super().__init__(specs, negated=negated)
        self.allow = allow

    def _unnamed(self, who: Identity) -> list[Identity]:
        return [link for link in who.chain() if not any(names(spec, link) for spec in self.specs)]

    def match(self, who: Identity) -> bool:
        if not self.negated:
            return any(covers(spec, who) for spec in self.specs)
        unnamed = self._unnamed(who)
        if self.allow:
            return len(unnamed) == len(who.chain())
        return bool(unnamed)

    def grant(self, who: Identity) -> str:
        """How an Allow grants to `who`: `direct` (its own ARN, `*`), `role` or `account`."""
        if self.negated:
            return "direct"
        best = "account"
        for spec in self.specs:
            if not covers(spec, who):
                continue
            target = spec.target
            if target is None or target.kind not in ("account", "role"):
                return "direct"
            if target.kind == "role":
                best = "role"
        return best

    def describe(self, who: Identity) -> str:
        shown = ", ".join(repr(str(spec)) for spec in self.specs)
        principal = who.raw or "anonymous"
        if not self.negated:
            relation = "is covered by" if self.match(who) else "is not covered by any of"
            return f"Principal: {principal!r} {relation} [{shown}] (names compared case-insensitively)"
        named = [link.raw or "anonymous" for link in who.chain() if link not in self._unnamed(who)]
        listed = ", ".join(map(repr, named)) or "none of the caller's chain"
        if self.allow:
            verdict = "so the Allow does not apply" if named else "so the Allow applies"
            return (
                f"NotPrincipal (with Allow, unsupported by AWS today): {listed} named in [{shown}], {verdict}"
            )
        verdict = "so the statement applies" if self.match(who) else "so the Deny does not apply"
        return f"NotPrincipal: {listed} named in [{shown}], {verdict}"


@lru_cache(maxsize=4096)
def _arn_regex(encoded: str) -> re.Pattern[str] | None:
    """The documented ARN wildcard rules as a regex; None when the pattern can match nothing."""
    parts = encoded.split(":")
    if len(parts) >= 6 and parts[2] == "iam":
        resource = ":".join(parts[5:])
        resource_type = resource.split("/", 1)[0]
        if resource != STAR and (STAR in resource_type or QMARK in resource_type):
            return None
    pieces: list[str] = []
    for part in parts:
        out: list[str] = []
        for position, char in enumerate(part):
            if char == STAR:
                out.append(".*" if position == len(part) - 1 else "[^:]*")
            elif char == QMARK:
                out.append("[^:]")
            else:
                out.append(re.escape(char))
        pieces.append("".join(out))
    return re.compile(":".join(pieces) + r"\Z", re.DOTALL)


def arn_resource_match(encoded: str, value: str) -> bool:
    """Whether the resource `value` matches the encoded `Resource` pattern (see module docstring)."""
    if encoded == STAR:
        return True
    if STAR not in encoded and QMARK not in encoded:
        return encoded == value
    regex = _arn_regex(encoded)
    return regex is not None and regex.match(value) is not None


def check_service_segment(template: Template) -> None:
    """Reject a wildcard in the service segment of a `Resource` ARN (the AWS docs forbid it)."""
    parts = template.text.split(":")
    if len(parts) > 2 and ("*" in parts[2] or "?" in parts[2]):
        raise ValueError(f"Resource {template.text!r}: a wildcard cannot stand in the service segment")


class ArnResourceMatcher(ResourceMatcher):
    """`Resource`/`NotResource` with the documented segment-wise wildcard rules."""

    __slots__ = ("_any", "_literals", "_regexes")

    def __init__(self, templates: tuple[Template, ...], *, negated: bool) -> None:
        for template in templates:
            check_service_segment(template)
        super().__init__(templates, negated=negated)
        self._static = None  # the parent's whole-string globs do not apply
        statics = [t.static for t in templates]
        self._literals: frozenset[str] | None = None
        if all(pattern is not None for pattern in statics):
            wild = [p for p in statics if p is not None and (STAR in p or QMARK in p)]
            self._any = STAR in statics
            self._literals = frozenset(p for p in statics if p is not None and p not in wild)
            self._regexes = tuple(r for r in map(_arn_regex, wild) if r is not None)

    def match(self, resource: str | None, request: PreparedRequest) -> bool:
        value = "*" if resource is None else resource
        if self._literals is not None:
            hit = self._any or value in self._literals or any(r.match(value) for r in self._regexes)
            return hit != self.negated
        lookup = request.context.variable
        hit = any(arn_resource_match(t.render(lookup), value) for t in self.templates)
        return hit != self.negated

    def describe(self, request: PreparedRequest) -> str:
        text = super().describe(request)
        return text + " (ARN segments matched separately)" if "*" in text or "?" in text else text
