"""What changed since a previous ``report.json``: tenants added and removed, external IDs rotated (by
fingerprint: the IDs themselves are never in a report), controls and case verdicts that changed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator.report.jsonform import verdicts_of

SHOWN = 500  # changed verdicts listed (the rest counted)


class PreviousError(ValueError):
    """The previous report cannot be read: one line for the user."""


def read_previous(path: Path) -> dict[str, Any]:
    from generator.report.build import FORMAT

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise PreviousError(
            f"{path}: cannot read the previous report ({exc.__class__.__name__}: {exc})"
        ) from None
    if (
        not isinstance(data, dict)
        or data.get("format") != FORMAT
        or not isinstance(data.get("tenants"), list)
    ):
        raise PreviousError(f"{path}: not an xacct report.json ({FORMAT})")
    return data


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
