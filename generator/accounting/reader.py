"""Read a plan JSON (``terraform show -json PLANFILE``) and check the shapes the accounting relies on.

Every malformed input (unreadable, empty, truncated, binary, not an object, no ``format_version``,
wrong types, absurd nesting or size) raises :class:`PlanInputError` with one line naming the file
and what is wrong; nothing else escapes.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson

from generator.files import read_bytes
from generator.terraform_runner import Plan, ResourceChange

MAX_PLAN_BYTES = 2 * 1024**3  # 2 GiB: far above a 10,000-tenant plan (~300 MB)
KNOWN_ACTIONS = frozenset({"no-op", "create", "read", "update", "delete", "forget"})
MODES = frozenset({"managed", "data"})
MAKE_ONE = "make it with `terraform show -json PLANFILE > plan.json`"


class PlanInputError(Exception):
    """A plan file that cannot be judged: the message names the file and what is wrong."""


def _type_name(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", type(None): "null", bool: "a boolean"}.get(
        type(value), type(value).__name__
    )


def _entry(where: str, index: int | None, raw: Any, section: str) -> ResourceChange:
    """One ``resource_changes``/``resource_drift`` entry (``index`` None: ``section`` names it whole),
    its shape checked."""
    at = f"{where}: {section}" if index is None else f"{where}: {section}[{index}]"
    if not isinstance(raw, dict):
        raise PlanInputError(f"{at} is {_type_name(raw)}, not an object; {MAKE_ONE}")
    for key in ("address", "type", "name"):
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise PlanInputError(f"{at}.{key} is missing or not a string; {MAKE_ONE}")
    address = raw["address"]
    mode = raw.get("mode", "managed")
    if not isinstance(mode, str) or mode not in MODES:
        raise PlanInputError(f"{at} ({address}): mode {mode!r} is neither managed nor data")
    module = raw.get("module_address")
    if module is not None and not isinstance(module, str):
        raise PlanInputError(f"{at} ({address}): module_address is {_type_name(module)}, not a string")
    change = raw.get("change")
    if not isinstance(change, dict):
        raise PlanInputError(f"{at} ({address}): change is missing or not an object; {MAKE_ONE}")
    actions = change.get("actions")
    if (
        not isinstance(actions, list)
        or not actions
        or not all(isinstance(a, str) and a in KNOWN_ACTIONS for a in actions)
    ):
        raise PlanInputError(
            f"{at} ({address}): change.actions {actions!r} is not a list of "
            f"{', '.join(sorted(KNOWN_ACTIONS))}"
        )
    for key in ("before", "after"):
        value = change.get(key)
        if value is not None and not isinstance(value, dict):
            raise PlanInputError(f"{at} ({address}): change.{key} is {_type_name(value)}, not an object")
    unknown = change.get("after_unknown")
    if unknown is not None and not isinstance(unknown, (dict, bool)):
        raise PlanInputError(f"{at} ({address}): change.after_unknown is {_type_name(unknown)}")
    importing = change.get("importing")
    if importing is not None and not isinstance(importing, dict):
        raise PlanInputError(f"{at} ({address}): change.importing is {_type_name(importing)}, not an object")
    index_value = raw.get("index")
    if index_value is not None and (isinstance(index_value, bool) or not isinstance(index_value, (int, str))):
        raise PlanInputError(f"{at} ({address}): index is {_type_name(index_value)}")
    return ResourceChange.from_json(raw)


def _check_actions(invocations: Any, where: str) -> None:
    """``action_invocations`` (terraform >= 1.14): a list of objects with a string address."""
    if invocations is None:
        return
    if not isinstance(invocations, list):
        raise PlanInputError(
            f"{where}: action_invocations is {_type_name(invocations)}, not a list; {MAKE_ONE}"
        )
    for index, invocation in enumerate(invocations):
        at = f"{where}: action_invocations[{index}]"
        if not isinstance(invocation, dict):
            raise PlanInputError(f"{at} is {_type_name(invocation)}, not an object; {MAKE_ONE}")
        for key in ("address", "type"):
            if invocation.get(key) is not None and not isinstance(invocation[key], str):
                raise PlanInputError(f"{at}.{key} is {_type_name(invocation[key])}, not a string; {MAKE_ONE}")


def _deferred(where: str, raw: Any) -> list[ResourceChange]:
    """``deferred_changes`` (terraform >= 1.9 with deferral allowed): each one's ``resource_change``, its
    shape checked like any other, and the reason terraform gave."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise PlanInputError(f"{where}: deferred_changes is {_type_name(raw)}, not a list; {MAKE_ONE}")
    changes = []
    for index, entry in enumerate(raw):
        at = f"deferred_changes[{index}]"
        if not isinstance(entry, dict):
            raise PlanInputError(f"{where}: {at} is {_type_name(entry)}, not an object; {MAKE_ONE}")
        reason = entry.get("reason")
        if reason is not None and not isinstance(reason, str):
            raise PlanInputError(f"{where}: {at}.reason is {_type_name(reason)}, not a string; {MAKE_ONE}")
        change = _entry(where, None, entry.get("resource_change"), f"{at}.resource_change")
        changes.append(replace(change, deferred=reason or "unknown"))
    return changes


def plan_from_data(data: Any, where: str) -> Plan:
    """A :class:`Plan` from parsed JSON ``data``; ``where`` names the source in messages."""
    if not isinstance(data, dict):
        raise PlanInputError(f"{where}: the JSON is {_type_name(data)}, not a plan object; {MAKE_ONE}")
    version = data.get("format_version")
    if not isinstance(version, str):
        raise PlanInputError(f"{where}: no format_version: not a Terraform plan JSON; {MAKE_ONE}")
    if version.split(".", 1)[0] != "1":
        raise PlanInputError(f"{where}: format_version {version!r} is not 1.x, which xacct reads")
    if "planned_values" not in data and "resource_changes" not in data and "prior_state" not in data:
        if "values" in data:
            raise PlanInputError(f"{where}: this is a state JSON, not a plan; {MAKE_ONE}")
        raise PlanInputError(f"{where}: no planned_values or resource_changes: not a plan; {MAKE_ONE}")
    sections: dict[str, list[ResourceChange]] = {}
    for section in ("resource_changes", "resource_drift"):
        raw = data.get(section, [])
        if raw is None:
            raw = []
        if not isinstance(raw, list):
            raise PlanInputError(f"{where}: {section} is {_type_name(raw)}, not a list; {MAKE_ONE}")
        sections[section] = [_entry(where, i, entry, section) for i, entry in enumerate(raw)]
    sections["resource_changes"] += _deferred(where, data.get("deferred_changes"))
    if data.get("errored") is True:
        raise PlanInputError(f"{where}: terraform says this plan errored; fix the plan and make it again")
    configuration = data.get("configuration")
    if configuration is not None and not isinstance(configuration, dict):
        raise PlanInputError(f"{where}: configuration is {_type_name(configuration)}, not an object")
    _check_actions(data.get("action_invocations"), where)
    return Plan(raw=data, resource_changes=sections["resource_changes"], drift=sections["resource_drift"])


def parse_json(text: bytes | str, where: str) -> Any:
    """JSON text to data, every failure (syntax, nesting, encoding) as a :class:`PlanInputError`."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        reason = str(exc)
        if "recursion" in reason.lower() or "depth limit" in reason.lower():
            reason = "nested deeper than 1,024 levels"
        raise PlanInputError(f"{where}: not valid JSON ({reason}); {MAKE_ONE}") from None


def read_plan(path: Path | str) -> Plan:
    """The checked plan at ``path``."""
    return plan_from_bytes(read_plan_bytes(path), str(path))


def plan_from_bytes(data: bytes, where: str) -> Plan:
    """The checked plan in ``data`` (the bytes of a plan JSON file)."""
    if not data.strip():
        raise PlanInputError(f"{where}: is empty; {MAKE_ONE}")
    return plan_from_data(parse_json(data, where), where)


def read_plan_bytes(path: Path | str) -> bytes:
    """The bytes of the plan file at ``path``, read once (a pipe can be read only once)."""
    where = str(path)
    try:
        size = os.stat(path).st_size
        if Path(path).is_dir():
            raise PlanInputError(f"{where}: is a folder, not a plan JSON file; {MAKE_ONE}")
        if size > MAX_PLAN_BYTES:
            raise PlanInputError(f"{where}: {size:,} bytes is more than a plan JSON xacct reads (2 GiB)")
        data = read_bytes(path)
    except PlanInputError:
        raise
    except OSError as exc:
        raise PlanInputError(f"{where}: cannot read ({exc.strerror or exc}); {MAKE_ONE}") from None
    return data
