"""The live layer: apply generated roots on LocalStack, read them back, use them, destroy them.

LocalStack does not enforce IAM: it lets a wrong external ID assume a role. Its "yes" proves
only that the roles exist and work mechanically; every allow/deny verdict in the harness
comes from `generator.iam.evaluate`, run on the documents LocalStack holds.

Each permission kind creates what its entries point at (``PermissionKind.live_setup``: buckets,
queues; Route 53 zone IDs cannot be chosen on LocalStack, so each hosted zone ID is replaced by the
ID of a zone created for it), and on an xdist worker other than the first the registry gets its own
account IDs and names (``live_names``, e.g. bucket names) so that workers never share state. Its
roots are rendered by the same generator; the harness checks that they equal the generated roots but
for those substitutions.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from botocore.exceptions import ClientError

from generator.generate import generate
from generator.harness.roots import GeneratedRoot, find_roots
from generator.localstack import boto3_session, client
from generator.permissions.discovery import kind
from generator.permissions.kind import ClientFactory
from generator.policy import RoleSpec, build_roles
from generator.registry import LoadedRegistry, load_registry
from generator.registry.model import Scenario

ROLE_SESSION = "xacct-live"


@dataclass
class LiveRegistry:
    """The registry as applied on LocalStack, with the substitutions made for it."""

    loaded: LoadedRegistry
    generated: Path
    url: str
    substitutions: dict[str, str] = field(default_factory=dict)  # original text -> live text

    @cached_property
    def specs(self) -> dict[str, RoleSpec]:
        """The live registry's roles by ``tenant/scenario``."""
        return {spec.key: spec for spec in build_roles(self.loaded.model)}

    @cached_property
    def roots(self) -> dict[str, GeneratedRoot]:
        """The live roots by ``tenant/scenario``."""
        return {root.key: root for root in find_roots(self.generated)}

    def account_of(self, tenant: str, scenario: Scenario) -> str:
        t = next(t for t in self.loaded.model.tenants if t.name == tenant)
        return t.account_id if scenario == "partner_to_customer" else self.loaded.model.partner.account_id

    def session(self, account_id: str) -> Any:
        return boto3_session(account_id, self.loaded.model.partner.region)

    def client(self, account_id: str, service: str) -> Any:
        return client(self.session(account_id), service, self.url)

    def original_text(self, text: str) -> str:
        """``text`` with the live substitutions undone (to compare live roots with generated ones)."""
        for original, live in sorted(self.substitutions.items(), key=lambda kv: -len(kv[1])):
            text = text.replace(live, original)
        return text


def _replace_strings(data: Any, mapping: dict[str, str]) -> Any:
    if isinstance(data, str):
        for old, new in mapping.items():
            data = data.replace(old, new)
        return data
    if isinstance(data, list):
        return [_replace_strings(x, mapping) for x in data]
    if isinstance(data, dict):
        return {k: _replace_strings(v, mapping) for k, v in data.items()}
    return data


def _worker_mapping(loaded: LoadedRegistry, worker: int) -> dict[str, str]:
    """Distinct accounts and (by each kind's ``live_names``) names for xdist worker ``worker`` (0 keeps
    the registry's)."""
    if worker == 0:
        return {}
    mapping: dict[str, str] = {}
    reg = loaded.model
    for account in [reg.partner.account_id, *(t.account_id for t in reg.tenants)]:
        mapping[account] = f"{(int(account) + 104729 * worker) % 10**12:012d}"
    for tenant in reg.tenants:
        for _, settings in tenant.scenarios():
            for perm in settings.permissions:
                mapping.update(perm.spec.live_names(perm.value, worker))
    return mapping


def client_factory(session: Any, url: str) -> ClientFactory:
    """Clients on LocalStack as ``session``'s identity, in its region or another one (for the kinds)."""

    def clients(service: str, region: str | None = None) -> Any:
        if region is None or region == session.region_name:
            return client(session, service, url)
        creds = session.get_credentials().get_frozen_credentials()
        other = _session_from(
            {
                "AccessKeyId": creds.access_key,
                "SecretAccessKey": creds.secret_key,
                "SessionToken": creds.token,
            },
            region,
        )
        return client(other, service, url)

    return clients


def prepare(loaded: LoadedRegistry, url: str, work: Path, modules_dir: Path, worker: int = 0) -> LiveRegistry:
    """Create the zones and buckets the roles point at, and generate the live registry's roots."""
    data = copy.deepcopy(loaded.source.data)
    mapping = _worker_mapping(loaded, worker)
    data = _replace_strings(data, mapping)
    substitutions = {old: new for old, new in mapping.items()}
    partner = data["partner"]
    for tenant in data["tenants"]:
        for scenario in ("partner_to_customer", "customer_to_partner"):
            settings = tenant.get(scenario)
            if not settings:
                continue
            # The live layer applies every role from nothing: an adopted role's hand-made original is
            # not on LocalStack to import (tests/adopt/test_adopt_live.py proves the import itself).
            settings.pop("adopt", None)
            account = tenant["account_id"] if scenario == "partner_to_customer" else partner["account_id"]
            clients = client_factory(boto3_session(account, partner["region"]), url)
            for perm in settings["permissions"]:
                for name, value in perm.items():  # one kind per entry (the registry is valid)
                    substitutions.update(kind(name).live_setup(value, clients))
    work.mkdir(parents=True, exist_ok=True)
    registry_file = work / "live-registry.yaml"
    registry_file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    link = work / "modules"
    if not link.exists():
        link.symlink_to(modules_dir.resolve())
    live = load_registry(registry_file)
    out = work / "generated"
    generate(live, out)
    return LiveRegistry(loaded=live, generated=out, url=url, substitutions=substitutions)


def read_role(iam: Any, role_name: str) -> dict[str, Any]:
    """The role as LocalStack holds it: the role, its inline and attached policy documents, tags."""
    role = iam.get_role(RoleName=role_name)["Role"]
    inline = [
        iam.get_role_policy(RoleName=role_name, PolicyName=name)["PolicyDocument"]
        for name in iam.list_role_policies(RoleName=role_name)["PolicyNames"]
    ]
    attached = []
    for pol in iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]:
        version = iam.get_policy(PolicyArn=pol["PolicyArn"])["Policy"]["DefaultVersionId"]
        attached.append(
            iam.get_policy_version(PolicyArn=pol["PolicyArn"], VersionId=version)["PolicyVersion"]["Document"]
        )
    tags = {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName=role_name).get("Tags", [])}
    return {"role": role, "inline": inline, "attached": attached, "tags": tags}


def role_exists(iam: Any, role_name: str) -> bool:
    try:
        iam.get_role(RoleName=role_name)
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "NoSuchEntity":
            return False
        raise
    return True


def caller_session(live: LiveRegistry, principal_arn: str) -> Any:
    """Credentials of ``principal_arn``: the account itself, or a session of that role (created if needed)."""
    import json

    parts = principal_arn.split(":")
    account, resource = parts[4], parts[5]
    base = live.session(account)
    if not resource.startswith("role/"):
        return base
    name = resource.rsplit("/", 1)[-1]
    path = "/" + resource[len("role/") :].rsplit("/", 1)[0] + "/" if resource.count("/") > 1 else "/"
    iam = client(base, "iam", live.url)
    if not role_exists(iam, name):
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "sts:AssumeRole",
                    "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                }
            ],
        }
        iam.create_role(RoleName=name, Path=path, AssumeRolePolicyDocument=json.dumps(trust))
    creds = client(base, "sts", live.url).assume_role(RoleArn=principal_arn, RoleSessionName="xacct-caller")
    return _session_from(creds["Credentials"], base.region_name)


def _session_from(creds: dict[str, Any], region: str) -> Any:
    import boto3

    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=region,
    )


def assume(live: LiveRegistry, caller: Any, role_arn: str, external_id: str | None) -> Any:
    """Assume ``role_arn`` from ``caller`` (with the external ID when given); a session of the role."""
    kwargs: dict[str, Any] = {"RoleArn": role_arn, "RoleSessionName": ROLE_SESSION}
    if external_id is not None:
        kwargs["ExternalId"] = external_id
    creds = client(caller, "sts", live.url).assume_role(**kwargs)["Credentials"]
    return _session_from(creds, caller.region_name)
