"""The accounts ``xacct import`` reads: the current credentials, AWS profiles, or roles to assume.

Every account is read in full (``ListRoles``, ``GetRole``, the inline and attached policies of each
role that trusts another account) before anything is decided or written; a failure anywhere (no
credentials, an endpoint that does not answer, access denied) is one :class:`SourceError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from generator.adopt.trust import account_of, aws_principals
from generator.audit.command import _endpoint, _redacted
from generator.audit.deployed import DeployedRole, list_roles, read_permissions

SESSION_NAME = "xacct-import"


class SourceError(Exception):
    """An account could not be read: one line, exit 2."""


@dataclass(frozen=True)
class Source:
    """Where one account's credentials come from: a profile (None: the AWS environment) and a role to
    assume with them (None: use them as they are)."""

    profile: str | None = None
    role_arn: str | None = None

    @property
    def label(self) -> str:
        if self.role_arn:
            return f"role {self.role_arn}"
        return f"profile {self.profile}" if self.profile else "the current credentials"


@dataclass(frozen=True)
class AccountRoles:
    """The roles of one account, with the permissions of those that trust another account."""

    account: str
    source: Source
    roles: list[DeployedRole]


def _crosses(role: DeployedRole) -> bool:
    return any(account_of(p) != role.account for p in aws_principals(role.trust))


def _clients(source: Source, endpoint_url: str | None, region: str) -> tuple[Any, Any, list[str]]:
    import boto3
    from botocore.config import Config

    session = boto3.Session(profile_name=source.profile)
    if session.region_name is None:
        session = boto3.Session(profile_name=source.profile, region_name=region)
    config = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=30)
    kwargs: dict[str, Any] = {"config": config}
    if endpoint_url:
        kwargs["endpoint_url"] = endpoint_url
    secrets: list[str] = []
    credentials = session.get_credentials()
    if credentials is not None:
        frozen = credentials.get_frozen_credentials()
        secrets += [s for s in (frozen.access_key, frozen.secret_key, frozen.token) if s]
    sts = session.client("sts", **kwargs)
    if source.role_arn is None:
        return session.client("iam", **kwargs), sts, secrets
    assumed = sts.assume_role(RoleArn=source.role_arn, RoleSessionName=SESSION_NAME)["Credentials"]
    secrets += [assumed["AccessKeyId"], assumed["SecretAccessKey"], assumed["SessionToken"]]
    role_session = boto3.Session(
        aws_access_key_id=assumed["AccessKeyId"],
        aws_secret_access_key=assumed["SecretAccessKey"],
        aws_session_token=assumed["SessionToken"],
        region_name=session.region_name,
    )
    return role_session.client("iam", **kwargs), role_session.client("sts", **kwargs), secrets


def read_account(source: Source, endpoint_url: str | None, region: str) -> AccountRoles:
    """Every role of the account ``source`` reaches; raises :class:`SourceError`."""
    from botocore.exceptions import BotoCoreError, ClientError

    where = f"{source.label} at {_endpoint_url_label(endpoint_url)}"
    secrets: list[str] = []
    try:
        iam, sts, found = _clients(source, endpoint_url, region)
        secrets += found
        account = sts.get_caller_identity()["Account"]
        roles = read_permissions(iam, list_roles(iam), _crosses)
    except (BotoCoreError, ClientError) as exc:
        raise SourceError(f"cannot read the IAM roles of {where}: {_redacted(str(exc), secrets)}") from None
    except ValueError as exc:  # botocore: "Invalid endpoint"
        raise SourceError(
            f"cannot use the endpoint of {where}: {_redacted(str(exc), secrets)}: pass an http(s) URL as "
            "--endpoint-url (or AWS_ENDPOINT_URL), or leave it out"
        ) from None
    return AccountRoles(account, source, roles)


def _endpoint_url_label(endpoint_url: str | None) -> str:
    import argparse

    return _endpoint(argparse.Namespace(endpoint_url=endpoint_url))


def read_accounts(sources: Sequence[Source], endpoint_url: str | None, region: str) -> list[AccountRoles]:
    """Each source's account, in order; two sources reaching one account are an error."""
    read: list[AccountRoles] = []
    for source in sources:
        roles = read_account(source, endpoint_url, region)
        same = next((r for r in read if r.account == roles.account), None)
        if same is not None:
            raise SourceError(
                f"{source.label} and {same.source.label} both reach account {roles.account}: pass each "
                "account once"
            )
        read.append(roles)
    return read
