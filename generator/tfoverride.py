"""What a working copy of a generated root needs to run outside its pipeline: the provider override
(dummy credentials and skip flags for an offline plan, or LocalStack endpoints, as LocalStack's
``tflocal`` writes), the ``cloud`` block left out, and local module sources pointed at the same folders.

The pytest harness (``harness/roots.py``) and ``xacct terraform-config`` write their copies with these,
so a plan by hand is the plan the harness proves.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from generator.hclread import unescape
from generator.render.hcl import attributes, quote

CLOUD_BLOCK = re.compile(r"^terraform \{\n  cloud \{\n(?:(?:    .*)?\n)*?  \}\n\}\n", re.M)
SOURCE_LINE = re.compile(r'^(\s*)source(\s*)= ("(?:[^"\\]|\\.)*")$', re.M)
# An offline plan: no AWS call (no credentials check, no account lookup, so no allowed_account_ids).
OFFLINE_PROVIDER: dict[str, object] = {
    "region": "us-east-1",
    "access_key": "000000000000",
    "secret_key": "offline-plan",
    "skip_credentials_validation": True,
    "skip_requesting_account_id": True,
    "skip_metadata_api_check": True,
    "skip_region_validation": True,
    "allowed_account_ids": None,
}
LIVE_SERVICES = ("iam", "sts", "s3", "route53", "cloudformation")


def provider_block(settings: Mapping[str, object]) -> str:
    """A provider block; mapping values (``endpoints``) become nested blocks."""
    flat = [(k, v) for k, v in settings.items() if not isinstance(v, Mapping)]
    body = attributes(flat, 1)
    for key, value in settings.items():
        if isinstance(value, Mapping):
            body += f"\n\n  {key} {{\n" + attributes(list(value.items()), 2) + "\n  }"
    return 'provider "aws" {\n' + body + "\n}\n"


def live_provider(url: str, account_id: str, region: str) -> dict[str, object]:
    """Provider settings that send every call to LocalStack as ``account_id`` (its access key)."""
    return {
        "region": region,
        "access_key": account_id,
        "secret_key": "test",
        "skip_credentials_validation": True,
        "skip_metadata_api_check": True,
        "skip_region_validation": True,
        "s3_use_path_style": True,
        "endpoints": {service: url for service in LIVE_SERVICES},
    }


def without_cloud_block(text: str) -> str | None:
    """``cloud.tf`` without the ``terraform { cloud { ... } }`` block xacct writes into it; None when
    nothing but comments is left (a copy then has no ``cloud.tf``)."""
    rest = CLOUD_BLOCK.sub("", text, count=1)
    if any(line.strip() and not line.lstrip().startswith("#") for line in rest.splitlines()):
        return rest
    return None


def relocate_sources(original: Path, copy: Path, names: Iterable[str] | None = None) -> None:
    """Point local module sources of the copied ``.tf`` files that leave the root at the same folders:
    every ``.tf`` file under ``copy``, or only its top-level files ``names`` (what was copied: a file
    the user added there is theirs, never rewritten)."""
    files = copy.rglob("*.tf") if names is None else (copy / n for n in names if n.endswith(".tf"))
    for tf in files:
        if tf.is_symlink():  # never written through
            continue
        origin = original / tf.parent.relative_to(copy)

        def move(match: re.Match[str], origin: Path = origin, here: Path = tf.parent) -> str:
            value = unescape(match.group(3)[1:-1])
            if value is None or not value.startswith(("./", "../")):
                return match.group(0)
            target = (origin / value).resolve()
            if target == original.resolve() or original.resolve() in target.parents:
                return match.group(0)  # inside the root: copied with it
            moved = os.path.relpath(target, here.resolve())
            moved = moved if moved.startswith("../") else f"./{moved}"
            return f"{match.group(1)}source{match.group(2)}= {quote(moved)}"

        text = tf.read_text(encoding="utf-8")
        changed = SOURCE_LINE.sub(move, text)
        if changed != text:
            tf.write_text(changed, encoding="utf-8")
