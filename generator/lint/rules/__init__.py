"""The lint rules, one per module; :data:`ALL_RULES` is the catalog the engine runs."""

from __future__ import annotations

from generator.lint.rule import Rule
from generator.lint.rules.caa002_external_id_condition import ExternalIdCondition
from generator.lint.rules.caa004_external_id_unique import ExternalIdUnique
from generator.lint.rules.caa005_external_id_random import ExternalIdRandom
from generator.lint.rules.caa006_external_id_customer_controlled import ExternalIdNotCustomerControlled
from generator.lint.rules.iam006_action_wildcard import ActionWildcard
from generator.lint.rules.iam006_not_action import NotActionAllow
from generator.lint.rules.iam006_pass_role import PassRoleWildcard
from generator.lint.rules.iam006_privilege_escalation import PrivilegeEscalation
from generator.lint.rules.iam006_resource_wildcard import ResourceWildcard
from generator.lint.rules.iam006_unknown_action import UnknownAction
from generator.lint.rules.plan_accounting import PlanAccounting
from generator.lint.rules.root_drift import RootDrift
from generator.lint.rules.root_extra_content import RootExtraContent
from generator.lint.rules.root_missing import RootMissing
from generator.lint.rules.root_module_source import RootModuleSource
from generator.lint.rules.root_not_in_registry import RootNotInRegistry
from generator.lint.rules.trust_own_account import TrustsOwnAccount
from generator.lint.rules.trust_public_principal import PublicPrincipal
from generator.lint.rules.trust_session_duration import SessionDuration
from generator.lint.rules.trust_unexpected_account import TrustsUnexpectedAccount

ALL_RULES: tuple[Rule, ...] = (
    ExternalIdCondition(),
    ExternalIdUnique(),
    ExternalIdRandom(),
    ExternalIdNotCustomerControlled(),
    ActionWildcard(),
    ResourceWildcard(),
    NotActionAllow(),
    PassRoleWildcard(),
    PrivilegeEscalation(),
    UnknownAction(),
    PublicPrincipal(),
    TrustsOwnAccount(),
    TrustsUnexpectedAccount(),
    SessionDuration(),
    PlanAccounting(),
    RootExtraContent(),
    RootDrift(),
    RootNotInRegistry(),
    RootMissing(),
    RootModuleSource(),
)

__all__ = ["ALL_RULES"]
