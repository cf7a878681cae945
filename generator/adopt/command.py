"""``xacct import``: adopt hand-made cross-account roles into the registry.

Reads every role of the accounts given (the current credentials, ``--profile`` and ``--assume-role``
/ ``--account``, each repeatable), keeps those the registry can describe exactly and reports the rest
with the reason. The entries go to stdout as YAML; ``--write`` also inserts them into the registry's
text (every other byte kept), after checking that the result loads to the registry plus the entries.
Nothing is written unless every account was read.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from generator.adopt.classify import Refused, Sorting, sort_roles
from generator.adopt.entries import Addition, LayoutError, additions_for, edit_text
from generator.adopt.sources import Source, SourceError, read_accounts
from generator.audit.command import _shown
from generator.files import read_bytes
from generator.registry import LoadedRegistry, RegistryError, load_registry
from generator.registry.loader import load_registry_text
from generator.registry.source import decode, parse_text

EXIT_OK, EXIT_REFUSED, EXIT_ERROR = 0, 1, 2
EPILOG = """exit codes:
  0  every cross-account role found can be adopted (or none was found); its entries printed (written)
  1  some roles cannot be adopted (each said on stderr with the reason); the others' entries printed
     (written with --write)
  2  nothing was written: the registry is refused, an argument is wrong, an account could not be read
     (no credentials, no connection, access denied), or the registry's layout cannot take the entries
     (--write; paste the printed entries by hand), or a usage error (an unknown flag, an empty path)
     or an internal error, said in one line

example:
  xacct import --registry tenants.yaml --profile partner --profile customer-222 \\
               --name 222222222222=acme --write"""
_ACCOUNT_ID = re.compile(r"\d{12}")
_NAME = re.compile(r"(\d{12})=(.+)")


class ImportFailed(Exception):
    """The import could not run: one line, exit 2."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--profile", action="append", default=[], help="read the account of this AWS profile (repeatable)"
    )
    p.add_argument(
        "--assume-role",
        action="append",
        default=[],
        metavar="ROLE_ARN",
        help="read the account of this role, assumed with the current credentials (repeatable)",
    )
    p.add_argument(
        "--account",
        action="append",
        default=[],
        metavar="ACCOUNT_ID",
        help="read this account through the role --role-name in it (repeatable)",
    )
    p.add_argument(
        "--role-name",
        default="OrganizationAccountAccessRole",
        help="the role --account assumes (default: OrganizationAccountAccessRole)",
    )
    p.add_argument(
        "--name",
        action="append",
        default=[],
        metavar="ACCOUNT_ID=TENANT",
        help="the tenant name of an account the registry does not have yet (repeatable)",
    )
    p.add_argument("--endpoint-url", default=None, help="IAM and STS endpoint, e.g. LocalStack's")
    p.add_argument("--write", action="store_true", help="also insert the entries into the registry file")
    p.epilog = EPILOG
    p.formatter_class = argparse.RawDescriptionHelpFormatter


def sources_of(args: argparse.Namespace) -> list[Source]:
    """The accounts to read; none given: the current credentials."""
    for value in args.account:
        if not _ACCOUNT_ID.fullmatch(value):
            raise ImportFailed(f"--account {value!r}: not a 12-digit account ID")
    arns = [*args.assume_role, *(f"arn:aws:iam::{a}:role/{args.role_name}" for a in args.account)]
    sources = [Source(profile=p) for p in args.profile] + [Source(role_arn=a) for a in arns]
    return sources or [Source()]


def names_of(args: argparse.Namespace) -> dict[str, str]:
    names: dict[str, str] = {}
    for value in args.name:
        match = _NAME.fullmatch(value)
        if match is None:
            raise ImportFailed(f"--name {value!r}: write ACCOUNT_ID=TENANT, e.g. --name 222222222222=acme")
        names[match.group(1)] = match.group(2)
    return names


def check_endpoint(url: str | None) -> None:
    from urllib.parse import urlsplit

    if not url:
        return
    parts = urlsplit(url) if url.isprintable() else None
    try:
        ok = (
            parts is not None
            and parts.scheme in ("http", "https")
            and bool(parts.hostname)
            and parts.port != 0
        )
    except ValueError:
        ok = False
    if not ok:
        raise ImportFailed(
            "--endpoint-url: not an http(s) URL with a host and a valid port, e.g. http://localhost:4566"
        )


def render(additions: list[Addition], registry_file: str) -> str:
    """The entries as YAML, each under a comment saying where it goes."""
    parts = []
    for addition in additions:
        if addition.index is None:
            parts.append(f"# new tenant {addition.tenant}: append to `tenants:` in {registry_file}\n")
        else:
            parts.append(f"# tenant {addition.tenant} of {registry_file}: add to its entry\n")
        parts.append(addition.text())
    return "".join(parts)


def write(loaded: LoadedRegistry, additions: list[Addition]) -> None:
    """Insert the additions into the registry file; the new text must load to the registry plus them."""
    from generator.adopt.entries import merged
    from generator.external_ids import _replace_atomically

    path = Path(loaded.source.file)
    try:
        text = decode(str(path), read_bytes(path))
        new_text = edit_text(text, additions)
        if parse_text(str(path), new_text).data != merged(loaded.source.data, additions):
            raise LayoutError("the inserted text would not read as the entries")
        load_registry_text(new_text, str(path))
        _replace_atomically(path, new_text)
    except (LayoutError, RegistryError, ValueError, OSError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc).splitlines()[0]
        raise ImportFailed(
            f"{path}: cannot insert the entries ({why}); nothing was written: paste the printed entries "
            "by hand"
        ) from None


def report(
    additions: list[Addition], sorting: Sorting, refused: list[Refused], accounts: list[str]
) -> list[str]:
    """Lines for stderr: each role not adopted with the reason, then a summary."""
    lines = [f"xacct import: not adopted: {_shown(r.arn)}: {_shown(r.reason)}" for r in refused]
    adopted = sum(len(a.found) for a in additions)
    lines.append(
        f"xacct import: {len(accounts)} account(s) read ({', '.join(accounts)}): {adopted} role(s) to adopt, "
        f"{len(refused)} not adopted, {len(sorting.managed)} in the registry already, {sorting.other} "
        "unrelated to the partner"
    )
    return lines


def run_import(args: argparse.Namespace) -> int:
    from generator.console import err, out

    try:
        loaded = load_registry(args.registry)
    except RegistryError as exc:
        for line in exc.report_lines("nothing was imported"):
            err.print(line, markup=False, emoji=False)
        return EXIT_ERROR
    try:
        check_endpoint(args.endpoint_url)
        sources, names = sources_of(args), names_of(args)
        accounts = read_accounts(sources, args.endpoint_url, loaded.model.partner.region)
        sorting = Sorting()
        for account in accounts:
            part = sort_roles(account.roles, loaded.model, names)
            sorting.found += part.found
            sorting.refused += part.refused
            sorting.managed += part.managed
            sorting.other += part.other
    except (ImportFailed, SourceError) as exc:
        err.print(f"xacct import: {_shown(str(exc))}", markup=False, emoji=False)
        return EXIT_ERROR
    additions, late = additions_for(sorting.found, loaded.model, _data(loaded))
    refused = sorting.refused + late
    text = render(additions, str(loaded.source.file))
    if text:
        out.print(text, markup=False, end="")
    for line in report(additions, sorting, refused, [a.account for a in accounts]):
        err.print(line, markup=False)
    if args.write and additions:
        try:
            write(loaded, additions)
        except ImportFailed as exc:
            err.print(f"xacct import: {_shown(str(exc))}", markup=False, emoji=False)
            return EXIT_ERROR
        err.print(f"xacct import: wrote {len(additions)} entr(ies) into {loaded.source.file}", markup=False)
    return EXIT_REFUSED if refused else EXIT_OK


def _data(loaded: LoadedRegistry) -> dict[str, Any]:
    data = loaded.source.data
    assert isinstance(data, dict)
    return data
