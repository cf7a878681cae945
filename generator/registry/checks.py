"""Checks across fields and tenants that a per-field model cannot make.

They read the raw parsed data defensively, so they run (and report) even when the model
found problems elsewhere: one run lists everything.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator import awsformats as aws
from generator.registry.condition_grammar import condition_problems
from generator.registry.errors import Problem, format_path
from generator.registry.lint_settings import acceptance_problems
from generator.registry.model import statement_shape
from generator.registry.normal_form import nfc_problems
from generator.registry.source import Source

SCENARIOS = ("partner_to_customer", "customer_to_partner")
ROLE_NAME_MAX = 64  # IAM
WORKSPACE_NAME_MAX = 90  # HCP Terraform (and aws.TFC_NAME)


def _map(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _tfc_org(cloud: dict[str, Any]) -> tuple[str, str] | None:
    """An HCP Terraform organization as the service names it: its name without case, and its host
    without case, scheme, trailing dot or ``:443``, unset meaning app.terraform.io (the cloud block's
    default), so that ``TeamForm`` on ``APP.terraform.io`` is the same organization as ``teamform``."""
    org, host = cloud.get("organization"), cloud.get("hostname")
    if not isinstance(org, str):
        return None
    host = host.strip().lower() if isinstance(host, str) else ""
    host = host.removeprefix("https://").rstrip("/").rstrip(".").removesuffix(":443").rstrip(".")
    return org.strip().casefold(), host or "app.terraform.io"


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _arn_account(value: Any) -> str | None:
    return aws.arn_account(value) if isinstance(value, str) and not aws.principal_arn(value) else None


def _tag_case_clashes(
    src: Source, path: tuple[str | int, ...], tags: Any, seen: dict[str, tuple[str, str]]
) -> tuple[list[Problem], dict[str, tuple[str, str]]]:
    """Keys of ``tags`` that differ only in case from a key of the same or an outer level (``seen``:
    lower-cased key -> (key, where)), and ``seen`` with them: IAM tag keys ignore case, so the role
    would get two tags of one key (an apply error), not the override the registry means."""
    found: list[Problem] = []
    seen = dict(seen)
    for key in _map(tags):
        if not isinstance(key, str):
            continue
        other = seen.get(key.lower())
        if other is not None and other[0] != key:
            found.append(
                src.problem(
                    (*path, key),
                    f'tag key "{key}" differs only in case from "{other[0]}" ({other[1]}), and IAM tag keys '
                    f'ignore case: write "{other[0]}" to override it, or choose another key',
                )
            )
        else:
            seen[key.lower()] = (key, format_path(path))
    return found, seen


CDK_TOKEN_MARKERS = ("${Token[", "#{Token[")  # aws-cdk-lib's string and list token markers


def _cdk_token_problems(src: Source, path: tuple[str | int, ...], value: Any) -> Iterator[Problem]:
    """Strings and keys of a Scenario A role holding a CDK token marker: the kit's CDK app would resolve
    ``${Token[...]}`` as a token (another value, or a failed synth), not keep the text."""
    if isinstance(value, str):
        marker = next((m for m in CDK_TOKEN_MARKERS if m in value), None)
        if marker is not None:
            yield src.problem(
                path,
                f'contains "{marker}", which the onboarding kit\'s CDK app would resolve as a CDK token '
                "instead of keeping the text: remove it",
            )
    elif isinstance(value, dict):
        for key, child in value.items():
            if key != "permissions_boundary_policy":  # never rendered
                yield from _cdk_token_problems(src, (*path, key), key)
                yield from _cdk_token_problems(src, (*path, key), child)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _cdk_token_problems(src, (*path, index), child)


def default_role_name(partner: str, tenant: str, scenario: str) -> str:
    """The role name used when the registry gives none."""
    if scenario == "partner_to_customer":
        return f"{partner}-cross-account-access"
    return f"{partner}-tenant-{tenant}"


def _statement_checks(src: Source, i: int, scenario: str, settings: dict[str, Any]) -> Iterator[Problem]:
    """Raw statements' shape, checked here too so that it is reported alongside field errors."""
    permissions = settings.get("permissions")
    for j, permission in enumerate(permissions if isinstance(permissions, list) else []):
        statements = _map(permission).get("statements")
        for k, statement in enumerate(statements if isinstance(statements, list) else []):
            at = ("tenants", i, scenario, "permissions", j, "statements", k)
            message = statement_shape(statement) if isinstance(statement, dict) else None
            if message:
                yield src.problem(at, message)
            yield from condition_problems(src, (*at, "conditions"), _map(statement).get("conditions"))


def _next_id_checks(src: Source, i: int, tenant: dict[str, Any], ids: dict[str, str]) -> Iterator[Problem]:
    """A rotation's new ID: beside an external ID, not that ID, and no other tenant's (either field)."""
    new = _str(tenant.get("next_external_id"))
    if new is None:
        return
    at = ("tenants", i, "next_external_id")
    current = _str(tenant.get("external_id"))
    if current is None:
        yield src.problem(
            at,
            "is set but the tenant has no external_id (a rotation moves from one ID to another): "
            "rename next_external_id to external_id",
        )
    elif new == current:
        yield src.problem(
            at,
            "equals external_id, and a rotation moves to a new ID: remove next_external_id "
            "(`xacct external-ids rotate` writes a fresh one)",
        )
    elif new in ids:
        yield src.problem(
            at,
            f"same external ID as {ids[new]}: each tenant needs its own; delete next_external_id and run "
            f"`xacct external-ids rotate --registry {src.file} {_str(tenant.get('name')) or 'TENANT'}`",
        )
    if new != current and new not in ids:
        ids[new] = f"tenants[{i}].next_external_id"


def cross_checks(src: Source) -> Iterator[Problem]:
    """Yield every cross-field problem of the parsed registry ``src.data``."""
    yield from nfc_problems(src)
    yield from acceptance_problems(src)
    data = _map(src.data)
    partner = _map(data.get("partner"))
    partner_account = _str(partner.get("account_id"))
    partner_name = _str(partner.get("name")) or "partner"
    principal_account = _arn_account(partner.get("principal_arn"))
    if principal_account and partner_account and principal_account != partner_account:
        yield src.problem(
            ("partner", "principal_arn"),
            f"is in account {principal_account}, not the partner account {partner_account}: "
            "use a principal of the partner account",
        )
    tenants = data.get("tenants")
    partner_clashes, partner_tags = _tag_case_clashes(src, ("partner", "tags"), partner.get("tags"), {})
    yield from partner_clashes
    if not isinstance(tenants, list):
        return
    names: dict[str, int] = {}
    ids: dict[str, str] = {}  # external ID -> where it is (external_id or next_external_id)
    role_names: dict[tuple[str, str], tuple[int, str]] = {}
    workspaces: dict[tuple[str, str, str], int] = {}  # a customer's (organization, host, workspace)
    for i, raw in enumerate(tenants):
        tenant = _map(raw)
        name, account, external_id = (_str(tenant.get(k)) for k in ("name", "account_id", "external_id"))
        if name is not None:
            if name in names:
                yield src.problem(
                    ("tenants", i, "name"),
                    f'duplicate tenant "{name}" (also tenants[{names[name]}]): tenant names must be unique; '
                    "rename one, or merge the two entries",
                )
            else:
                names[name] = i
        if external_id is not None:
            if external_id in ids:
                yield src.problem(
                    ("tenants", i, "external_id"),
                    f"same external ID as {ids[external_id]}: each tenant needs its own; "
                    "delete this one and run `xacct external-ids assign`",
                )
            else:
                ids[external_id] = f"tenants[{i}]"
        yield from _next_id_checks(src, i, tenant, ids)
        if account is not None and account == partner_account:
            yield src.problem(
                ("tenants", i, "account_id"),
                "is the partner's own account: use the customer's account ID (the role crosses two accounts)",
            )
        present = [s for s in SCENARIOS if tenant.get(s) is not None]
        if isinstance(raw, dict) and not present:
            yield src.problem(
                ("tenants", i),
                "has neither partner_to_customer nor customer_to_partner: add one, or remove the tenant",
            )
        if tenant.get("customer_terraform_cloud") is not None and "partner_to_customer" not in present:
            yield src.problem(
                ("tenants", i, "customer_terraform_cloud"),
                "is set but the tenant has no partner_to_customer: only a Scenario A root runs in the "
                "customer's workspace (Scenario B roots use partner.terraform_cloud); remove it",
            )
        theirs, ours = _map(tenant.get("customer_terraform_cloud")), _map(partner.get("terraform_cloud"))
        if theirs.get("organization") is not None and _tfc_org(theirs) == _tfc_org(ours):
            yield src.problem(
                ("tenants", i, "customer_terraform_cloud", "organization"),
                "is the partner's own organization (partner.terraform_cloud): the role lives in the "
                "customer's account and the customer applies it; name the customer's organization",
            )
        org, workspace = _tfc_org(theirs), _str(theirs.get("workspace"))
        if org is not None and workspace is not None and "partner_to_customer" in present:
            where = (*org, workspace.casefold())
            if where in workspaces:
                yield src.problem(
                    ("tenants", i, "customer_terraform_cloud", "workspace"),
                    f"is also the workspace of tenants[{workspaces[where]}] (same organization): one "
                    "workspace holds one root's state, so applying one would destroy the other's role; "
                    "name a workspace of its own",
                )
            else:
                workspaces[where] = i
        if "customer_to_partner" in present and name is not None and ours.get("organization") is not None:
            # the name render/terraform.py's workspace_name gives a Scenario B root
            prefix = _str(ours.get("workspace_prefix")) or partner_name
            workspace_name = f"{prefix}-{name}-customer_to_partner"
            if len(workspace_name) > WORKSPACE_NAME_MAX:
                yield src.problem(
                    ("tenants", i, "name"),
                    f'makes the HCP Terraform workspace name "{workspace_name}" {len(workspace_name)} '
                    f"characters; HCP Terraform allows {WORKSPACE_NAME_MAX}: shorten the tenant name, or set "
                    "a shorter partner.terraform_cloud.workspace_prefix",
                )
        if "partner_to_customer" in present and "external_id" not in tenant:
            yield src.problem(
                ("tenants", i, "external_id"),
                "is missing and partner_to_customer needs one: run `xacct external-ids assign "
                f"--registry {src.file}` to generate it (never take it from the customer)",
            )
        b = _map(tenant.get("customer_to_partner"))
        if b.get("require_external_id") is True and "external_id" not in tenant:
            yield src.problem(
                ("tenants", i, "customer_to_partner", "require_external_id"),
                "is true but the tenant has no external_id: "
                f"run `xacct external-ids assign --registry {src.file}`",
            )
        arns = b.get("trusted_principal_arns")
        for j, arn in enumerate(arns if isinstance(arns, list) else []):
            arn_account = _arn_account(arn)
            if arn_account and account and arn_account != account:
                yield src.problem(
                    ("tenants", i, "customer_to_partner", "trusted_principal_arns", j),
                    f"is in account {arn_account}, not the tenant's account {account}: "
                    "list principals of the customer's own account",
                )
        clashes, tenant_tags = _tag_case_clashes(
            src, ("tenants", i, "tags"), tenant.get("tags"), partner_tags
        )
        yield from clashes
        if "partner_to_customer" in present:
            a = ("tenants", i, "partner_to_customer")
            yield from _cdk_token_problems(src, a, tenant["partner_to_customer"])
        for scenario in present:
            path = ("tenants", i, scenario, "tags")
            yield from _tag_case_clashes(src, path, _map(tenant.get(scenario)).get("tags"), tenant_tags)[0]
            yield from _statement_checks(src, i, scenario, _map(tenant.get(scenario)))
            settings = _map(tenant.get(scenario))
            if settings.get("permissions_boundary_policy") is not None and not settings.get(
                "permissions_boundary"
            ):
                yield src.problem(
                    ("tenants", i, scenario, "permissions_boundary_policy"),
                    "is given without permissions_boundary: add the boundary policy's ARN "
                    "(permissions_boundary), or remove the document",
                )
        for scenario in present:
            where = account if scenario == "partner_to_customer" else partner_account
            role = _str(_map(tenant.get(scenario)).get("role_name"))
            if role is None and name is not None:
                if names.get(name) != i:
                    continue  # a duplicate tenant name, already reported: its default role name clashes too
                role = default_role_name(partner_name, name, scenario)
                if len(role) > ROLE_NAME_MAX:
                    yield src.problem(
                        ("tenants", i, "name"),
                        f'makes the default role name "{role}" {len(role)} characters; IAM allows '
                        f"{ROLE_NAME_MAX}: set {scenario}.role_name, or shorten the tenant name",
                    )
            if where is None or role is None:
                continue
            key = (where, role.lower())
            if key in role_names:
                other, other_scenario = role_names[key]
                yield src.problem(
                    ("tenants", i, scenario, "role_name"),
                    f'role "{role}" in account {where} is also made for tenants[{other}].{other_scenario}: '
                    "IAM role names are unique per account (case-insensitive); set a distinct role_name",
                )
            else:
                role_names[key] = (i, scenario)
