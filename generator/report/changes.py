"""What changed since a previous ``report.json``: tenants added and removed, external IDs rotated (by
fingerprint: the IDs themselves are never in a report), controls and case verdicts that changed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator.files import read_bytes
from generator.report.jsonform import verdicts_of

SHOWN = 500  # changed verdicts listed (the rest counted)


class PreviousError(ValueError):
    """The previous report cannot be read: one line for the user."""


def read_previous(path: Path) -> dict[str, Any]:
    from generator.report.build import FORMAT

    try:
        data = json.loads(read_bytes(path))  # never waits on a FIFO nothing writes to, nor reads a device
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        why = (
            exc.strerror if isinstance(exc, OSError) and exc.strerror else f"{exc.__class__.__name__}: {exc}"
        )
        raise PreviousError(
            f"{path}: cannot read the previous report ({why}): pass the report.json an earlier "
            "`xacct report` wrote"
        ) from None
    if (
        not isinstance(data, dict)
        or data.get("format") != FORMAT
        or not isinstance(data.get("tenants"), list)
    ):
        raise PreviousError(f"{path}: not an xacct report.json ({FORMAT})")
    problem = _shape_problem(data)
    if problem:
        raise PreviousError(
            f"{path}: not an xacct report.json ({FORMAT}) as xacct writes it: {problem}; pass the "
            "report.json an earlier `xacct report` wrote"
        )
    return data


def _shape_problem(data: dict[str, Any]) -> str | None:
    """What in a previous report's shape :func:`compare` cannot read, if anything."""
    for key, kind in (("inputs", dict), ("controls", list), ("case_labels", list)):
        if key in data and not isinstance(data[key], kind):
            return f"{key} is not {'an object' if kind is dict else 'a list'}"
    for index, control in enumerate(data.get("controls", [])):
        if not isinstance(control, dict) or not isinstance(control.get("id"), str) or "status" not in control:
            return f"controls[{index}] is not an object with an id and a status"
    for index, tenant in enumerate(data["tenants"]):
        at = f"tenants[{index}]"
        if not isinstance(tenant, dict) or not isinstance(tenant.get("name"), str):
            return f"{at} is not an object with a name"
        roles = tenant.get("roles", [])
        if not isinstance(roles, list):
            return f"{at}.roles is not a list"
        for number, role in enumerate(roles):
            problem = _role_problem(role)
            if problem:
                return f"{at}.roles[{number}]{problem}"
    return None


def _role_problem(role: Any) -> str | None:
    if not isinstance(role, dict) or not isinstance(role.get("key"), str):
        return " is not an object with a key"
    verdicts = role.get("verdicts")
    if verdicts is not None:
        if not isinstance(verdicts, dict):
            return ".verdicts is not an object"
        for case, verdict in verdicts.items():
            if not (
                isinstance(verdict, list)
                and len(verdict) == 2
                and type(verdict[0]) is int
                and verdict[0] >= 0
            ):
                return f".verdicts[{case!r}] is not [label index, verdict]"
        return None
    cases = role.get("cases", [])
    if not isinstance(cases, list) or not all(
        isinstance(c, dict) and isinstance(c.get("id"), str) for c in cases
    ):
        return ".cases is not a list of objects with an id"
    return None


def compare(current: dict[str, Any], previous: dict[str, Any], where: str) -> dict[str, Any]:
    """The changes from ``previous`` to ``current``."""
    now = {t["name"]: t for t in current["tenants"]}
    before = {t["name"]: t for t in previous["tenants"] if isinstance(t, dict) and "name" in t}
    rotated = [
        {
            "tenant": n,
            "before": before[n].get("external_id_fingerprint"),
            "after": now[n]["external_id_fingerprint"],
        }
        for n in now
        if n in before and before[n].get("external_id_fingerprint") != now[n]["external_id_fingerprint"]
    ]
    old, new = verdicts_of(previous), verdicts_of(current)
    changed = [
        {"role": key, "case": new[(key, cid)][0], "before": old[(key, cid)][1], "after": new[(key, cid)][1]}
        for key, cid in new
        if (key, cid) in old and old[(key, cid)][1] != new[(key, cid)][1]
    ]
    controls_before = {c["id"]: c["status"] for c in previous.get("controls", []) if isinstance(c, dict)}
    controls = [
        {"control": c["id"], "before": controls_before[c["id"]], "after": c["status"]}
        for c in current["controls"]
        if c["id"] in controls_before and controls_before[c["id"]] != c["status"]
    ]
    return {
        "previous": where,
        "previous_built_at": previous.get("inputs", {}).get("built_at"),
        "previous_registry_sha256": previous.get("inputs", {}).get("registry_sha256"),
        "added": sorted(set(now) - set(before)),
        "removed": sorted(set(before) - set(now)),
        "rotated": rotated,
        "controls": controls,
        "verdict_count": len(changed),
        "verdicts": changed[:SHOWN],
    }
