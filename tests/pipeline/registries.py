"""A small registry for the pipeline tests: two tenants, both scenarios each, in a folder of its own."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
REGISTRY = """\
version: 1
partner:
  name: teamform
  account_id: "{partner}"
  region: us-east-1
tenants:
  - name: acme
    account_id: "{acme}"
    external_id: "5c1f3f4e-8a9b-4c2d-9e7f-1a2b3c4d5e6f"
    status: {acme_status}
    partner_to_customer:
      role_name: AcmeAccess
      permissions:
        - route53_records: {{hosted_zone_ids: [Z8L2Y45GOT7LQT], access: read}}
    customer_to_partner:
      permissions:
        - s3_objects: {{bucket: {bucket}, prefix: acme/, access: {acme_access}}}
  - name: globex
    account_id: "{globex}"
    external_id: "0442f3af-6d1e-4b8a-a3c5-7e9f0b1c2d3e"
    partner_to_customer:
      role_name: GlobexAccess
      permissions:
        - route53_records: {{hosted_zone_ids: [Z1D633PJN98FT9], access: read}}
    customer_to_partner:
      permissions:
        - s3_objects: {{bucket: {bucket}, prefix: globex/, access: read}}
"""
DEFAULTS = {
    "partner": "111111111111",
    "acme": "222222222222",
    "globex": "333333333333",
    "bucket": "teamform-shared",
    "acme_status": "active",
    "acme_access": "read",
}


def write_registry(folder: Path, **values: str) -> Path:
    """The registry in ``folder/tenants.yaml`` (``values`` override :data:`DEFAULTS`)."""
    path = folder / "tenants.yaml"
    path.write_text(REGISTRY.format(**{**DEFAULTS, **values}), encoding="utf-8")
    return path


def git(folder: Path, *args: str) -> str:
    """Run git in ``folder`` (an identity of its own; no hooks, no global config)."""
    env = {
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "PATH": "/usr/bin:/bin:/usr/local/bin",
    }
    done = subprocess.run(["git", *args], cwd=folder, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def user_repo(folder: Path, **values: str) -> Path:
    """A user's own git repository: the registry and a copy of the modules beside it (the roots call
    ``modules/`` when ``partner.module_source`` is not set)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "modules", folder / "modules", ignore=shutil.ignore_patterns(".terraform*"))
    write_registry(folder, **values)
    git(folder, "init", "-q", "-b", "main")
    return folder
