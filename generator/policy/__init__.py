"""Policy model: registry -> RoleSpec -> trust and permission documents (the single source of truth)."""

from generator.policy.documents import PolicyDocument, Statement
from generator.policy.roles import RoleSpec, build_roles, retiring_roles, role_spec

__all__ = ["PolicyDocument", "RoleSpec", "Statement", "build_roles", "retiring_roles", "role_spec"]
