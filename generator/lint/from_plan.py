"""Front end: a plan in JSON (``terraform show -json PLAN``).

Roles come from the ``resource_changes`` that create, update or keep ``aws_iam_role`` resources
(``change.after.assume_role_policy``, a JSON string); ``aws_iam_role_policy`` documents join the
role of the same name in the same module, and ``aws_iam_policy`` documents stand alone. Findings
point at the plan file, the line of the resource's address in it, and the resource address.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from generator.files import read_text
from generator.lint.findings import Location
from generator.lint.from_hcl import DEFAULT_SESSION, trust_external_ids
from generator.lint.locations import DocSource, DocumentLocator
from generator.lint.registry_facts import SCENARIOS, role_facts
from generator.lint.subjects import LintInput, RoleSubject
from generator.registry import LoadedRegistry, Problem, RegistryError

DELETE_ONLY = ["delete"]


def read_plan(path: Path | str, raw: bytes | None = None) -> tuple[dict[str, Any], str]:
    """The plan JSON at ``path`` (or in ``raw``, its bytes already read) and its text; unreadable or
    non-plan input is a bad-input problem."""
    display = str(path)
    try:
        text = read_text(path) if raw is None else raw.decode("utf-8")
    except OSError as exc:
        raise RegistryError([Problem(display, 1, "(plan)", f"cannot read ({exc.strerror or exc})")]) from None
    except UnicodeDecodeError as exc:
        what = f"not UTF-8 (byte 0x{exc.object[exc.start]:02x} at offset {exc.start}): pass the plan JSON"
        raise RegistryError([Problem(display, 1, "(plan)", what)]) from None
    try:
        plan = orjson.loads(text)  # as the accounting reads it: 1,024 levels, never a RecursionError
    except ValueError as exc:
        line = getattr(exc, "lineno", 1)
        raise RegistryError(
            [
                Problem(
                    display,
                    line,
                    "(plan)",
                    f"not JSON ({exc}): pass the output of `terraform show -json PLANFILE`",
                )
            ]
        ) from None
    if not isinstance(plan, dict) or "format_version" not in plan:
        raise RegistryError(
            [
                Problem(
                    display,
                    1,
                    "(plan)",
                    "not a Terraform plan JSON (no format_version): pass "
                    "the output of `terraform show -json PLANFILE`",
                )
            ]
        )
    return plan, text


def plan_line(text: str, address: str) -> int:
    """The line of a resource change's address in the plan text (1 when the text is one line)."""
    start = text.find('"resource_changes"')
    for needle in (f'"address": "{address}"', f'"address":"{address}"'):
        at = text.find(needle, max(start, 0))
        if at >= 0:
            return text.count("\n", 0, at) + 1
    return 1


def _module(address: str) -> str:
    """``module.a.module.b`` of ``module.a.module.b.aws_iam_role.x`` ('' at the root)."""
    parts = address.split(".")
    prefix: list[str] = []
    i = 0
    while i + 1 < len(parts) and parts[i] == "module":
        prefix += parts[i : i + 2]
        i += 2
    return ".".join(prefix)


def _json(value: Any) -> dict[str, Any] | None:
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        try:
            parsed = orjson.loads(value)
        except ValueError:
            return None
        return parsed if isinstance(parsed, dict) else None
    return None


def _object(value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty one (a plan of the wrong shape is not a crash)."""
    return value if isinstance(value, dict) else {}


def _provider_account(plan: dict[str, Any]) -> str | None:
    config = _object(_object(plan.get("configuration")).get("provider_config"))
    for name, provider in config.items():
        if name.split(".")[0] != "aws" or not isinstance(provider, dict):
            continue
        expressions = _object(provider.get("expressions"))
        allowed = _object(expressions.get("allowed_account_ids")).get("constant_value")
        if isinstance(allowed, list) and len(allowed) == 1 and isinstance(allowed[0], str):
            return allowed[0]
    return None


def _changes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for change in plan.get("resource_changes", []) or []:
        body = change.get("change", {}) if isinstance(change, dict) else {}
        if change.get("mode", "managed") != "managed" or body.get("actions") == DELETE_ONLY:
            continue
        if isinstance(body.get("after"), dict):
            out.append(change)
    return out


def plan_input(
    plan: dict[str, Any],
    file: str = "plan.json",
    text: str | None = None,
    loaded: LoadedRegistry | None = None,
) -> LintInput:
    """Role subjects and external ID uses of one plan."""
    text = text if text is not None else ""
    account = _provider_account(plan)
    changes = _changes(plan)
    policies: dict[tuple[str, str], list[tuple[dict[str, Any], DocSource]]] = {}
    loose: list[tuple[str, dict[str, Any], DocSource]] = []
    for change in changes:
        kind, address, after = change.get("type"), str(change.get("address")), change["change"]["after"]
        if kind not in ("aws_iam_role_policy", "aws_iam_policy"):
            continue
        document = _json(after.get("policy"))
        if document is None:
            continue
        source = DocSource(
            file,
            f"{address}.policy",
            plan_line(text, address),
            None,
            isinstance(document.get("Statement"), list),
        )
        role = after.get("role")
        if kind == "aws_iam_role_policy" and isinstance(role, str):
            policies.setdefault((_module(address), role), []).append((document, source))
        else:
            loose.append((address, document, source))
    found = LintInput()
    for change in changes:
        if change.get("type") != "aws_iam_role":
            continue
        address, after = str(change.get("address")), change["change"]["after"]
        tagged = _object(after.get("tags") or after.get("tags_all"))
        tags = {k: v for k, v in tagged.items() if isinstance(v, str)}
        scenario = tags.get("xacct:scenario") if tags.get("xacct:scenario") in SCENARIOS else None
        tenant = tags.get("xacct:tenant")
        facts = role_facts(loaded, tenant, scenario)
        trust = _json(after.get("assume_role_policy"))
        line = plan_line(text, address)
        attached = policies.pop((_module(address), str(after.get("name"))), [])
        locator = DocumentLocator(
            role=Location(file, line, address),
            trust=DocSource(
                file,
                f"{address}.assume_role_policy",
                line,
                None,
                isinstance((trust or {}).get("Statement"), list),
            )
            if trust
            else None,
            trust_document=trust,
            session=Location(file, line, f"{address}.max_session_duration"),
            permissions=tuple(source for _, source in attached),
        )
        session = after.get("max_session_duration", DEFAULT_SESSION)
        role = RoleSubject(
            origin="plan",
            locate=locator,
            tenant=tenant,
            scenario=scenario,
            account_id=account or (facts.account_id if facts else None),
            trusted_account_id=facts.trusted_account_id if facts else None,
            expected_external_id=facts.external_id if facts else None,
            requires_external_id=facts.requires_external_id
            if facts
            else (True if scenario == "partner_to_customer" else None),
            rotating_to=facts.next_external_id if facts else None,
            max_session_duration=session if isinstance(session, int) else None,
            session_allowance=facts.session_allowance if facts else None,
            session_explicit=facts.session_explicit if facts else False,
            trust=trust,
            permissions=tuple(document for document, _ in attached),
        )
        found.roles.append(role)
        found.external_ids.extend(trust_external_ids(role, facts))
    leftovers = [
        (f"{key[0]}.{key[1]}" if key[0] else key[1], doc, src)
        for key, items in policies.items()
        for doc, src in items
    ]
    for address, document, source in loose + leftovers:
        found.roles.append(
            RoleSubject(
                origin="plan",
                locate=DocumentLocator(role=Location(file, source.line, address), permissions=(source,)),
                permissions=(document,),
            )
        )
    return found
