"""The rule base class: an id, a one-line description, the control it enforces, a default severity.

A rule's id is the name of the module that defines it (:func:`rule_id`), never written by hand.

A rule judges roles (``check_role``), the external IDs of one source (``check_external_ids``), or
the roots of a generated tree against the registry (``check_tree``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

from generator.lint.findings import Finding, Location, Severity
from generator.lint.root_subjects import TreeSubject
from generator.lint.subjects import Anchor, ExternalIdUse, RoleSubject


def rule_id(module: str) -> str:
    """The id of the rule module ``module`` defines: its last name upper-cased, ``_`` as ``-``."""
    return module.rpartition(".")[2].upper().replace("_", "-")


class Rule:
    """A lint rule. Subclasses set the class attributes and override one or more ``check_*``."""

    id: ClassVar[str]  # set from the defining module's name
    description: ClassVar[str]  # one line: what the rule refuses
    control: ClassVar[str]  # the AWS Partner FTR control or the best practice it enforces
    severity: ClassVar[Severity] = "error"
    help: ClassVar[str] = ""  # how to fix it

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if "id" in cls.__dict__:
            raise TypeError(f"{cls.__module__}.{cls.__name__} sets id: a rule's id is its module's name")
        cls.id = rule_id(cls.__module__)

    def check_role(self, role: RoleSubject) -> Iterable[Finding]:
        """Findings about one role's documents."""
        return ()

    def check_external_ids(self, uses: Sequence[ExternalIdUse]) -> Iterable[Finding]:
        """Findings about the external IDs of one source (a registry, a tree, a set of plans)."""
        return ()

    def check_tree(self, tree: TreeSubject) -> Iterable[Finding]:
        """Findings about the roots of a generated tree, compared with the registry."""
        return ()

    def at(
        self,
        location: Location,
        message: str,
        *,
        tenant: str | None = None,
        scenario: str | None = None,
        severity: Severity | None = None,
    ) -> Finding:
        """A finding of this rule at ``location``."""
        return Finding(
            self.id,
            severity or self.severity,
            message,
            location.file,
            location.line,
            location.path,
            tenant,
            scenario,
        )

    def on(
        self,
        role: RoleSubject,
        anchor: Anchor,
        message: str,
        index: tuple[int, ...] = (),
        element: str | None = None,
        severity: Severity | None = None,
    ) -> Finding:
        """A finding of this rule about ``role``, located by its front end."""
        return self.at(
            role.where(anchor, index, element),
            message,
            tenant=role.tenant,
            scenario=role.scenario,
            severity=severity,
        )

    def on_use(self, use: ExternalIdUse, message: str, severity: Severity | None = None) -> Finding:
        """A finding of this rule about one external ID use."""
        return self.at(use.location, message, tenant=use.tenant, scenario=use.scenario, severity=severity)
