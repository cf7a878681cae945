"""The lint rules, one per module; :data:`ALL_RULES` is the catalog the engine runs."""

from __future__ import annotations

from generator.lint.rule import Rule
from generator.lint.rules.caa_002 import ExternalIdCondition
from generator.lint.rules.caa_004 import ExternalIdUnique
from generator.lint.rules.caa_005 import ExternalIdRandom
from generator.lint.rules.caa_006 import ExternalIdNotCustomerControlled
from generator.lint.rules.iam_006_action_wildcard import ActionWildcard
from generator.lint.rules.iam_006_not_action import NotActionAllow
from generator.lint.rules.iam_006_passrole import PassRoleWildcard
from generator.lint.rules.iam_006_escalation import PrivilegeEscalation
from generator.lint.rules.iam_006_resource_wildcard import ResourceWildcard
from generator.lint.rules.iam_006_unknown_action import UnknownAction
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
