"""Front end: Terraform files (a generated tree, or any folder of .tf files).

Two shapes are read. Calls of the xacct modules (``customer-role``, ``partner-role``,
``cross-account-role``): the trust and permission documents are rebuilt from the module arguments
exactly as the module builds them. Raw ``aws_iam_role``, ``aws_iam_role_policy`` and
``aws_iam_policy`` resources: the documents are read from ``jsonencode({...})`` literals, JSON
strings or heredocs. Values that are references (``var.x``) stay unresolved and are skipped.
Tenant and scenario come from the ``xacct:tenant``/``xacct:scenario`` tags, else from the
``<tenant>/<scenario>/`` folder layout of a generated tree. ``.tf.json`` files are read as well; the
roots of a generated tree are handed to the root rules by :mod:`generator.lint.from_tree`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Container, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import progress
from generator.files import read_text, resolved
from generator.hclread import Block, parse_blocks, walk
from generator.lint.findings import Location
from generator.lint.locations import DocSource, DocumentLocator, ModuleLocator
from generator.lint.read_statements import external_id_values
from generator.lint.registry_facts import SCENARIOS, RoleFacts, role_facts
from generator.lint.root_subjects import TfFile
from generator.lint.subjects import Anchor, ExternalIdUse, LintInput, Locator, RoleSubject, Unresolved
from generator.lint.tf_json import parse_json_blocks
from generator.registry import LoadedRegistry, Problem, RegistryError

if TYPE_CHECKING:
    from generator.policy.roles import RoleSpec

MODULE_SCENARIO = {
    "customer-role": "partner_to_customer",
    "partner-role": "customer_to_partner",
    "cross-account-role": None,
}
TRUST_SID = {"partner_to_customer": "PartnerAssumeRole", "customer_to_partner": "CustomerAssumeRole"}
DEFAULT_SESSION = 3600
ROLE_REFERENCE = re.compile(r"\$\{aws_iam_role\.([A-Za-z0-9_-]+)\.(name|id)\}")


def read_tf(path: Path) -> TfFile:
    """Parse one .tf or .tf.json file; a syntax error is a bad-input problem (exit 2)."""
    display = str(path)
    try:
        text = read_text(path)
        if path.name.endswith(".json"):
            return TfFile(path, display, parse_json_blocks(text))
        return TfFile(path, display, parse_blocks(text))
    except OSError as exc:
        what = f"cannot read ({exc.strerror or exc}): pass a tree of regular .tf files"
        raise RegistryError([Problem(display, 1, "(hcl)", what)]) from None
    except UnicodeDecodeError as exc:
        what = f"not UTF-8 (byte 0x{exc.object[exc.start]:02x} at offset {exc.start}): save it as UTF-8"
        raise RegistryError([Problem(display, 1, "(hcl)", what)]) from None
    except RecursionError:
        raise RegistryError([Problem(display, 1, "(hcl)", "nested too deep to read: flatten it")]) from None
    except Exception as exc:  # the HCL parser raises several exception types
        line = getattr(exc, "line", 1) or 1
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        syntax = "Terraform JSON" if path.name.endswith(".json") else "HCL"
        raise RegistryError([Problem(display, int(line), "(hcl)", f"not valid {syntax}: {first}")]) from None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and not isinstance(value, Unresolved) else None


def _tags(block: Block) -> dict[str, str]:
    return _string_tags(block.get("tags"))


def _string_tags(tags: Any) -> dict[str, str]:
    return {k: v for k, v in tags.items() if _str(v) is not None} if isinstance(tags, dict) else {}


def _scenario_tenant(path: Path, tags: dict[str, str], scenario: str | None) -> tuple[str | None, str | None]:
    scenario = scenario or tags.get("xacct:scenario")
    tenant = tags.get("xacct:tenant")
    folder = path.parent
    if folder.name in SCENARIOS:
        scenario = scenario or folder.name
        tenant = tenant or folder.parent.name
    return (scenario if scenario in SCENARIOS else None), tenant


def _provider_account(files: list[TfFile]) -> str | None:
    """The one account the root's aws provider allows, if it names exactly one."""
    for tf in files:
        for block in tf.blocks:
            if block.kind == "provider" and block.labels[:1] == ["aws"]:
                allowed = block.get("allowed_account_ids")
                if isinstance(allowed, list) and len(allowed) == 1 and _str(allowed[0]):
                    return str(allowed[0])
    return None


def module_kind(source: Any, arguments: Container[str], folder: Path) -> tuple[bool, str | None]:
    """Whether a module call (its ``source``, the names of its ``arguments``) calls an xacct module,
    and the scenario its source implies.

    The module is named by the last segment of its source (``.../modules/customer-role?ref=v1``); a
    local source such as ``../..`` is resolved against the calling file's folder first.
    """
    path = (_str(source) or "").split("?", 1)[0].rstrip("/")
    if path.startswith(("./", "../")) or path in (".", ".."):
        path = resolved(folder / path).name
    name = path.rsplit("/", 1)[-1]
    if name in MODULE_SCENARIO:
        return True, MODULE_SCENARIO[name]
    has_args = "trusted_principal_arns" in arguments and "policy_statements" in arguments
    return has_args, None


def module_statement(item: dict[str, Any]) -> dict[str, Any]:
    """One ``policy_statements`` item as the IAM statement the module writes."""
    out: dict[str, Any] = {}
    if item.get("sid") is not None:
        out["Sid"] = item["sid"]
    out["Effect"] = item.get("effect", "Allow") or "Allow"
    for key, element in (
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ):
        if item.get(key) is not None:
            out[element] = item[key]
    conditions = item.get("conditions")
    if isinstance(conditions, list) and conditions:
        block: dict[str, dict[str, Any]] = {}
        for c in conditions:
            if isinstance(c, dict):
                block.setdefault(str(c.get("test")), {})[str(c.get("variable"))] = c.get("values")
        out["Condition"] = block
    return out


def _facts_fields(facts: RoleFacts | None) -> dict[str, Any]:
    if facts is None:
        return {}
    return {
        "account_id": facts.account_id,
        "trusted_account_id": facts.trusted_account_id,
        "expected_external_id": facts.external_id,
        "requires_external_id": facts.requires_external_id,
        "rotating_to": facts.next_external_id,
        "session_allowance": facts.session_allowance,
        "session_explicit": facts.session_explicit,
    }


def module_role(
    tf: TfFile, block: Block, account: str | None, loaded: LoadedRegistry | None, implied: str | None
) -> tuple[RoleSubject, list[ExternalIdUse]]:
    """The role a module call creates, rebuilt from its arguments."""
    call = ModuleCall(tf.path, block.arguments, ModuleLocator(tf.display, block))
    return call_role(call, account, loaded, implied)


@dataclass(frozen=True)
class ModuleCall:
    """A module call as the role rebuilding needs it: its file, argument values and locator."""

    path: Path
    arguments: dict[str, Any]
    locate: Locator


def call_role(
    call: ModuleCall, account: str | None, loaded: LoadedRegistry | None, implied: str | None
) -> tuple[RoleSubject, list[ExternalIdUse]]:
    """The role a module call creates, rebuilt from its arguments (parsed, or as ``generate`` wrote them)."""
    block = call.arguments
    scenario, tenant = _scenario_tenant(call.path, _string_tags(block.get("tags")), implied)
    facts = role_facts(loaded, tenant, scenario)
    principals = block.get("trusted_principal_arns")
    external_id = block.get("external_id")
    more = block.get("additional_external_ids")
    more = [v for v in more if v is not None] if isinstance(more, list) else []
    statement: dict[str, Any] = {
        "Sid": _str(block.get("trust_statement_sid")) or TRUST_SID.get(scenario or "", "AssumeRole"),
        "Effect": "Allow",
        "Principal": {"AWS": principals},
        "Action": "sts:AssumeRole",
    }
    if external_id is not None:
        ids = [external_id, *more] if more else external_id  # the module's condition
        statement["Condition"] = {"StringEquals": {"sts:ExternalId": ids}}
    items = block.get("policy_statements", [])
    items = items if isinstance(items, list) else []
    statements = [module_statement(s) for s in items if isinstance(s, dict)]
    permissions = ({"Version": "2012-10-17", "Statement": statements},) if statements else ()
    session = block.get("max_session_duration", DEFAULT_SESSION)
    fields: dict[str, Any] = {
        "account_id": account,
        "requires_external_id": True if scenario == "partner_to_customer" else None,
        **_facts_fields(facts),
    }
    if account:
        fields["account_id"] = account
    role = RoleSubject(
        origin="hcl",
        locate=call.locate,
        tenant=tenant,
        scenario=scenario,
        max_session_duration=session if isinstance(session, int) else None,
        trust={"Version": "2012-10-17", "Statement": [statement]},
        permissions=permissions,
        **fields,
    )
    uses = [
        ExternalIdUse(
            value=str(value),
            location=role.where(Anchor.EXTERNAL_ID),
            tenant=tenant,
            scenario=scenario,
            customer_account_id=facts.customer_account_id if facts else role.customer_account_id,
        )
        for value in ([external_id, *more] if _str(external_id) else [])
        if _str(value)
    ]
    return role, uses


def _document(block: Block, name: str, file: str) -> tuple[dict[str, Any] | None, DocSource | None]:
    """A policy document attribute: a jsonencode literal, or JSON text."""
    attribute = block.attributes.get(name)
    if attribute is None:
        return None, None
    value = attribute.value.value
    path = f"{block.address}.{name}"
    if isinstance(value, str) and not isinstance(value, Unresolved):
        try:
            value = json.loads(value)
        except ValueError:
            return None, None
        source = DocSource(file, path, attribute.line, None)
    else:
        source = DocSource(file, path, attribute.line, attribute.value)
    if not isinstance(value, dict):
        return None, None
    return value, DocSource(
        source.file, source.path, source.line, source.value, isinstance(value.get("Statement"), list)
    )


def raw_roles(
    tf_group: list[TfFile], account: str | None, loaded: LoadedRegistry | None
) -> Iterator[tuple[RoleSubject, list[ExternalIdUse]]]:
    """Roles from aws_iam_role / aws_iam_role_policy / aws_iam_policy resources of one folder."""
    roles: dict[str, tuple[TfFile, Block]] = {}
    names: dict[str, str] = {}
    attached: dict[str, list[tuple[dict[str, Any], DocSource]]] = {}
    loose: list[tuple[TfFile, Block, dict[str, Any], DocSource]] = []
    for tf in tf_group:
        for block in walk(tf.blocks):
            if block.kind != "resource" or len(block.labels) != 2:
                continue
            kind, label = block.labels
            if kind == "aws_iam_role":
                roles[label] = (tf, block)
                if _str(block.get("name")):
                    names[str(block.get("name"))] = label
            elif kind in ("aws_iam_role_policy", "aws_iam_policy"):
                document, source = _document(block, "policy", tf.display)
                if document is None or source is None:
                    continue
                role_ref = block.get("role")
                match = ROLE_REFERENCE.fullmatch(role_ref) if isinstance(role_ref, Unresolved) else None
                target = match.group(1) if match else names.get(role_ref) if _str(role_ref) else None
                if kind == "aws_iam_role_policy" and target is not None:
                    attached.setdefault(target, []).append((document, source))
                else:
                    loose.append((tf, block, document, source))
    for label, (tf, block) in roles.items():
        trust, trust_source = _document(block, "assume_role_policy", tf.display)
        policies = attached.get(label, [])
        yield _raw_role(tf, block, account, loaded, trust, trust_source, policies)
    for tf, block, document, source in loose:
        yield _raw_role(tf, block, account, loaded, None, None, [(document, source)])


def _raw_role(
    tf: TfFile,
    block: Block,
    account: str | None,
    loaded: LoadedRegistry | None,
    trust: dict[str, Any] | None,
    trust_source: DocSource | None,
    policies: list[tuple[dict[str, Any], DocSource]],
) -> tuple[RoleSubject, list[ExternalIdUse]]:
    scenario, tenant = _scenario_tenant(tf.path, _tags(block), None)
    facts = role_facts(loaded, tenant, scenario)
    session_attribute = block.attributes.get("max_session_duration")
    session = (
        block.get("max_session_duration", DEFAULT_SESSION) if block.labels[0] == "aws_iam_role" else None
    )
    locator = DocumentLocator(
        role=Location(tf.display, block.line, block.address),
        trust=trust_source,
        trust_document=trust,
        session=Location(tf.display, session_attribute.line, f"{block.address}.max_session_duration")
        if session_attribute
        else None,
        permissions=tuple(source for _, source in policies),
    )
    fields: dict[str, Any] = {
        "account_id": account,
        "requires_external_id": True if scenario == "partner_to_customer" else None,
        **_facts_fields(facts),
    }
    if account:
        fields["account_id"] = account
    role = RoleSubject(
        origin="hcl",
        locate=locator,
        tenant=tenant,
        scenario=scenario,
        max_session_duration=session if isinstance(session, int) else None,
        trust=trust,
        permissions=tuple(document for document, _ in policies),
        **fields,
    )
    return role, trust_external_ids(role, facts)


def trust_external_ids(role: RoleSubject, facts: RoleFacts | None) -> list[ExternalIdUse]:
    """The external IDs a role's trust compares for equality, located at their statements."""
    customer = facts.customer_account_id if facts else role.customer_account_id
    return [
        ExternalIdUse(
            value=value,
            location=role.where(Anchor.EXTERNAL_ID, (index,)),
            tenant=role.tenant,
            scenario=role.scenario,
            customer_account_id=customer,
        )
        for index, value in external_id_values(role.trust)
    ]


def hcl_input(
    target: Path | str, loaded: LoadedRegistry | None = None, specs: list[RoleSpec] | None = None
) -> LintInput:
    """Role subjects, external ID uses and the tree of roots of the Terraform files under ``target``;
    ``specs`` are the registry's roles when the caller has them (else they are built when needed).
    Roots that are byte for byte what ``generate`` writes for the registry are not parsed
    (:mod:`generator.lint.generated_roots`)."""
    from generator.lint.from_tree import positions, tree_subject
    from generator.lint.generated_roots import generated_role, generated_roots
    from generator.lint.tree_files import list_tree

    target = Path(target)
    listing = list_tree(target)
    folders = list(dict.fromkeys(path.parent for path in listing.tf_paths))  # in file order
    if loaded is not None and specs is None:
        from generator.policy.roles import build_roles

        specs = build_roles(loaded.model)
    where = positions(target, folders) if target.is_dir() else {}
    generated = generated_roots(target, listing, where, loaded, specs or [])
    by_folder: dict[Path, list[TfFile]] = {}
    paths = [path for path in listing.tf_paths if path.parent not in generated]
    with progress.bar("reading the Terraform files", len(paths)) as advance:  # python-hcl2: ~15 ms each
        for path in paths:
            by_folder.setdefault(path.parent, []).append(read_tf(path))
            advance(1)
    found = LintInput()
    for folder in folders:
        if folder in generated:
            role, uses = generated_role(generated[folder], loaded)
            found.roles.append(role)
            found.external_ids.extend(uses)
            continue
        files = by_folder[folder]
        account = _provider_account(files)
        for tf in files:
            for block in tf.blocks:
                if block.kind != "module" or not block.labels:
                    continue
                is_xacct, implied = module_kind(block.get("source"), block.attributes, tf.path.parent)
                if is_xacct:
                    role, uses = module_role(tf, block, account, loaded, implied)
                    found.roles.append(role)
                    found.external_ids.extend(uses)
        for role, uses in raw_roles(files, account, loaded):
            found.roles.append(role)
            found.external_ids.extend(uses)
    tree = tree_subject(target, by_folder, loaded, specs, generated)
    if tree is not None:
        found.trees.append(tree)
    return found
