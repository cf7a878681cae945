"""``xacct audit --account partner|TENANT|ACCOUNT_ID``: the command line of the audit.

Credentials and endpoint come from the usual AWS environment (``AWS_PROFILE``, ``AWS_ACCESS_KEY_ID``...,
``AWS_ENDPOINT_URL``/``AWS_ENDPOINT_URL_IAM``/``AWS_ENDPOINT_URL_STS``) or ``--profile`` and
``--endpoint-url``; they must be credentials of the audited account (checked with
``sts:GetCallerIdentity``), with read access to IAM (``iam:ListRoles``, ``iam:GetRole``,
``iam:ListRolePolicies``, ``iam:GetRolePolicy``, ``iam:ListAttachedRolePolicies``, ``iam:GetPolicy``,
``iam:GetPolicyVersion``). Exit 0: the account matches the registry; 1: findings; 2: bad registry,
bad arguments, or IAM could not be read.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from generator.audit.account import audit, expected_roles
from generator.audit.deployed import list_roles, read_permissions
from generator.audit.drift import KINDS, AuditReport
from generator.files import path_value
from generator.registry import RegistryError, load_registry
from generator.registry.model import Registry

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
TEXT_VERDICTS = 10
EPILOG = """exit codes:
  0  the account matches the registry
  1  findings (missing, drifted or unknown roles)
  2  nothing was audited: the registry is refused, --account names no account, --endpoint-url is
     not an http(s) URL, the credentials are of another account, IAM could not be read (no
     credentials, no connection, access denied), or a usage error or internal error, said in one line

example:
  AWS_PROFILE=partner-readonly xacct audit --registry tenants.yaml --account partner
  xacct audit --account acme --profile acme-audit --format json > audit-acme.json"""
_ACCOUNT_ID = re.compile(r"\d{12}")


class AuditError(Exception):
    """The audit could not run: a clear message, exit 2."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--account",
        required=True,
        metavar="partner|TENANT|ACCOUNT_ID",
        help="the account to audit: the partner's, a tenant's (by name) or a 12-digit account ID",
    )
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.add_argument(
        "--endpoint-url",
        default=None,
        help="IAM and STS endpoint (default: the AWS environment, e.g. AWS_ENDPOINT_URL_IAM)",
    )
    p.add_argument("--profile", default=None, help="AWS profile (default: the AWS environment)")
    p.add_argument(
        "--known-account",
        action="append",
        default=[],
        metavar="ACCOUNT_ID",
        help="an account outside the registry that roles may trust, e.g. a CI account (repeatable)",
    )
    p.epilog = EPILOG
    p.formatter_class = argparse.RawDescriptionHelpFormatter


def resolve_account(registry: Registry, value: str) -> tuple[str, str]:
    """``(account ID, label)`` for ``--account``."""
    partner = registry.partner
    if value == "partner":
        return partner.account_id, f"partner {partner.name}"
    tenant = next((t for t in registry.tenants if t.name == value), None)
    if tenant is not None:
        return tenant.account_id, f"tenant {tenant.name}"
    if _ACCOUNT_ID.fullmatch(value):
        names = [f"tenant {t.name}" for t in registry.tenants if t.account_id == value]
        if value == partner.account_id:
            names.insert(0, f"partner {partner.name}")
        return value, ", ".join(names) or "an account the registry does not know"
    choices = ", ".join(t.name for t in registry.tenants)
    raise AuditError(
        f"--account {_shown(value)}: neither 'partner', a tenant of the registry ({choices}) "
        "nor a 12-digit account ID"
    )


def _shown(value: str) -> str:
    """``value`` on one line: control characters (a newline, a NUL) escaped."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in value)


def _endpoint_url(args: argparse.Namespace) -> str | None:
    return args.endpoint_url or os.environ.get("AWS_ENDPOINT_URL_IAM") or os.environ.get("AWS_ENDPOINT_URL")


def _endpoint(args: argparse.Namespace) -> str:
    url = _endpoint_url(args)
    if not url:
        return "AWS"
    parts = urlsplit(url)
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # a port out of range: the URL as written, but for a password
        return _shown(url.replace(parts.password, "***") if parts.password else url)
    if not parts.scheme or not parts.hostname:
        return _shown(url)
    return f"{parts.scheme}://{parts.hostname}{port}"  # never user:password@


def check_arguments(args: argparse.Namespace) -> None:
    """Refuse an endpoint that is not an http(s) URL and a known account that is not an account ID."""
    for value in args.known_account:
        if not _ACCOUNT_ID.fullmatch(value):
            raise AuditError(f"--known-account {_shown(value)}: not a 12-digit account ID: pass one")
    url = args.endpoint_url
    if not url:  # unset or empty: the AWS environment
        return
    parts = urlsplit(url) if url.isprintable() else None
    try:
        port_ok = parts is not None and (parts.port is None or parts.port > 0)
    except ValueError:
        port_ok = False
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or not port_ok:
        raise AuditError(
            f"--endpoint-url {_endpoint(args)}: not an http(s) URL with a host and a valid port: pass e.g. "
            "http://localhost:4566, or leave it out to use the AWS environment"
        )


def _clients(args: argparse.Namespace, region: str) -> tuple[Any, Any, list[str]]:
    """IAM and STS clients, and the credential strings that must never appear in a message."""
    import boto3
    from botocore.config import Config

    session = boto3.Session(profile_name=args.profile)
    if session.region_name is None:
        session = boto3.Session(profile_name=args.profile, region_name=region)
    config = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=30)
    kwargs: dict[str, Any] = {"config": config}
    if args.endpoint_url:
        kwargs["endpoint_url"] = args.endpoint_url
    credentials = session.get_credentials()
    secrets = []
    if credentials is not None:
        frozen = credentials.get_frozen_credentials()
        secrets = [s for s in (frozen.access_key, frozen.secret_key, frozen.token) if s]
    return session.client("iam", **kwargs), session.client("sts", **kwargs), secrets


_USERINFO = re.compile(r"(//[^/@\s:]*:)[^/@\s]*@")


def _redacted(text: str, secrets: Sequence[str]) -> str:
    text = _USERINFO.sub(r"\1***@", text)  # a URL's password, wherever the URL is quoted
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


def read_and_audit(registry: Registry, account: str, label: str, args: argparse.Namespace) -> AuditReport:
    """Read the account's roles with boto3 and compare them with the registry."""
    from botocore.exceptions import BotoCoreError, ClientError

    secrets: list[str] = []
    where = f"account {account} at {_endpoint(args)}"
    try:
        iam, sts, credentials = _clients(args, registry.partner.region)
        secrets += credentials
        caller = sts.get_caller_identity()["Account"]
        if caller != account:
            raise AuditError(
                f"the credentials are of account {caller}, not of {account} ({label}): use "
                f"credentials of {account}, e.g. a read-only role there"
            )
        roles = list_roles(iam)
        expected = {s.role_name for s in expected_roles(registry, account)}
        roles = read_permissions(iam, roles, lambda role: role.name in expected)
    except (BotoCoreError, ClientError) as exc:
        raise AuditError(f"cannot read the IAM roles of {where}: {_redacted(str(exc), secrets)}") from None
    except ValueError as exc:  # botocore: "Invalid endpoint" (e.g. AWS_ENDPOINT_URL is not a URL)
        raise AuditError(
            f"cannot use the endpoint of {where}: {_redacted(str(exc), secrets)}: set --endpoint-url "
            "(or AWS_ENDPOINT_URL_IAM / AWS_ENDPOINT_URL) to an http(s) URL, or unset it"
        ) from None
    return audit(registry, account, label, roles, args.known_account)


def print_report(report: AuditReport, fmt: str) -> None:
    from generator.console import out

    if fmt == "json":
        out.print(json.dumps(report.to_json(), indent=2, ensure_ascii=False), markup=False, emoji=False)
        return
    for finding in report.findings:
        out.print(finding.line(), markup=False, emoji=False)
        for change in finding.changes:
            out.print(f"    change: {change}", markup=False, emoji=False)
        for verdict in finding.verdicts[:TEXT_VERDICTS]:
            out.print(f"    verdict: {verdict}", markup=False, emoji=False)
        if len(finding.verdicts) > TEXT_VERDICTS:
            out.print(
                f"    ... {len(finding.verdicts) - TEXT_VERDICTS} more verdicts (--format json lists all)",
                markup=False,
                emoji=False,
            )
    for note in report.notes:
        out.print(f"note: {note}", markup=False, emoji=False)
    where = f"audit: {report.account} ({report.label})"
    seen = f"{report.roles_seen} role(s) read, {len(report.expected)} expected by the registry"
    if report.findings:
        counts = {kind: sum(f.kind == kind for f in report.findings) for kind in KINDS}
        summary = ", ".join(f"{n} {kind}" for kind, n in counts.items() if n)
        out.print(
            f"{where}: {len(report.findings)} finding(s) ({summary}); {seen}", markup=False, emoji=False
        )
    else:
        out.print(f"{where}: matches the registry; {seen}", markup=False, emoji=False)


def run_audit(args: argparse.Namespace) -> int:
    from generator.console import err

    try:
        registry = load_registry(args.registry).model
    except RegistryError as exc:
        for line in exc.report_lines("nothing was audited"):
            err.print(line, markup=False, emoji=False)
        return EXIT_ERROR
    try:
        check_arguments(args)
        account, label = resolve_account(registry, args.account)
        report = read_and_audit(registry, account, label, args)
    except AuditError as exc:
        err.print(f"xacct audit: {exc}", markup=False, emoji=False)
        return EXIT_ERROR
    print_report(report, args.format)
    return EXIT_FINDINGS if report.findings else EXIT_CLEAN


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m generator.audit``: the audit without the rest of the CLI."""
    parser = argparse.ArgumentParser(
        prog="xacct audit", description="Compare the IAM roles deployed in an account with the registry."
    )
    parser.add_argument(
        "--registry",
        default=os.environ.get("XACCT_REGISTRY", "tenants.yaml"),
        type=path_value,
        help="registry YAML file (default: tenants.yaml)",
    )
    add_arguments(parser)
    return run_audit(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
