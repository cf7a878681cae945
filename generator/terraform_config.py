"""``xacct terraform-config``: what a person needs to run terraform on a generated root by hand.

It writes, under ``--out`` (default ``.xacct/terraform``, outside the generated tree so that
``generate --check`` and the pipeline never see it):

- ``terraformrc``, a terraform CLI config that installs providers from the mirror
  (``XACCT_PROVIDER_MIRROR``, default ``/opt/tf-plugins``; empty or missing: from the registry);
- for each ROOT given, ``<tenant>/<scenario>/``: a copy of the root without its ``cloud`` block, its
  local module sources pointed at the same folders, and ``xacct_local_override.tf`` (an offline
  plan: dummy credentials, no AWS call, no ``allowed_account_ids``; or, with ``--localstack URL``,
  every endpoint at LocalStack as the root's own account, ``allowed_account_ids`` kept).

It replaces only what it wrote itself: each copy records its files in ``.xacct-local-root``, and
terraform's working files (``.terraform``, the lock file, local state) are kept between runs.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from generator.console import err, out, shown
from generator.files import path_value
from generator.hclread import find_block, parse_blocks
from generator.output.manifest import MANIFEST
from generator.output.ownership import terraform_working
from generator.policy.owners import owner_of
from generator.registry.model import SCENARIOS
from generator.tfconfig import MIRROR_ENV, cli_config_text, resolve_mirror
from generator.tfoverride import (
    OFFLINE_PROVIDER,
    live_provider,
    provider_block,
    relocate_sources,
    without_cloud_block,
)

DEFAULT_OUT = Path(".xacct/terraform")
LOCALSTACK_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?/?")
CLI_CONFIG = "terraformrc"
OVERRIDE = "xacct_local_override.tf"
MARK = ".xacct-local-root"
CONFIG_HEADER = "# Written by xacct"
OVERRIDE_HEADER = (
    "# Written by `xacct terraform-config`: a local run of {root}, never applied by a pipeline.\n"
)

DESCRIPTION = (
    "Write a terraform CLI config that installs providers from the mirror (XACCT_PROVIDER_MIRROR) and, "
    "for each generated ROOT, a local copy without its cloud block and with a provider override for an "
    "offline plan (or LocalStack with --localstack), then print the terraform commands to run. Nothing "
    "is written into the generated tree."
)
EPILOG = """example:
  xacct terraform-config generated/acme/customer_to_partner
  export TF_CLI_CONFIG_FILE="$PWD/.xacct/terraform/terraformrc"
  terraform -chdir=.xacct/terraform/acme/customer_to_partner init
  terraform -chdir=.xacct/terraform/acme/customer_to_partner plan

exit codes:
  0  written
  2  nothing written: a ROOT that is not a generated root (a folder <tenant>/<scenario> with main.tf),
     an --out inside a generated tree or holding files xacct did not write there, a file-system
     failure, or a usage error"""


class ConfigError(ValueError):
    """One line: the path, what is wrong, what to do."""


@dataclass(frozen=True)
class LocalRoot:
    """A generated root and its local copy."""

    source: Path
    dest: Path


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("roots", nargs="*", type=path_value, metavar="ROOT", help="generated root folders")
    p.add_argument(
        "--out", type=path_value, default=str(DEFAULT_OUT), help=f"where to write (default: {DEFAULT_OUT})"
    )
    p.add_argument(
        "--localstack",
        metavar="URL",
        help="point the copies' provider at LocalStack (e.g. http://localhost:4566), not an offline plan",
    )


def _provider_of(main: Path) -> tuple[str, str]:
    """(account, region) the root's aws provider is pinned to."""
    try:
        provider = find_block(parse_blocks(main.read_text(encoding="utf-8")), "provider", "aws")
        accounts, region = provider.get("allowed_account_ids"), provider.get("region")
    except Exception as exc:  # python-hcl2 raises lark errors of several kinds
        what = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ConfigError(
            f"{main}: cannot read its aws provider ({what}): regenerate it with `xacct generate`"
        ) from exc
    if not (isinstance(accounts, list) and len(accounts) == 1 and isinstance(region, str)):
        raise ConfigError(f"{main}: its aws provider names no single account and region: regenerate it")
    return str(accounts[0]), region


def _check_root(root: Path) -> None:
    if not root.is_dir() or not (root / "main.tf").is_file():
        raise ConfigError(
            f"{root}: not a generated root (a folder with main.tf): "
            "give one such as generated/acme/customer_to_partner"
        )
    if root.resolve().name not in SCENARIOS:
        raise ConfigError(f"{root}: the folder is not named after a scenario ({', '.join(SCENARIOS)})")


def _owned(dest: Path) -> list[str]:
    """What an earlier run wrote into ``dest`` (its mark); refuses a ``dest`` xacct did not write."""
    if not dest.exists():
        return []
    mark = dest / MARK
    if not dest.is_dir() or dest.is_symlink() or not mark.is_file():
        if dest.is_dir() and not dest.is_symlink() and not any(dest.iterdir()):
            return []
        raise ConfigError(
            f"{dest}: exists and was not written by xacct terraform-config: move it, or choose --out"
        )
    try:
        files = json.loads(mark.read_text(encoding="utf-8"))["files"]
        if not isinstance(files, list):
            raise TypeError("files is not a list")
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        what = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ConfigError(f"{mark}: unreadable ({what}): remove {dest} and run again") from exc
    return [  # never terraform's files (state, lock) nor the mark, whatever the mark says
        f
        for f in files
        if isinstance(f, str) and "/" not in f and f not in ("", ".", "..", MARK) and not terraform_working(f)
    ]


def _prepare(root: Path, dest: Path, provider: dict[str, object]) -> tuple[list[str], dict[str, str]]:
    """(what an earlier run wrote into ``dest``, the copy's files by name), or why not."""
    before = _owned(dest)
    copied = {}
    for path in sorted(root.iterdir()):
        if terraform_working(path.name) or path.name == MARK:
            continue
        if not path.is_file() or path.is_symlink():
            raise ConfigError(f"{path}: not a regular file in a generated root: move it out, then run again")
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start}): regenerate the root") from exc
        if path.name == "cloud.tf":
            rest = without_cloud_block(text)
            if rest is None:
                continue
            text = rest
        copied[path.name] = text
    if OVERRIDE in copied:
        raise ConfigError(f"{root / OVERRIDE}: a file of the name terraform-config writes: rename it")
    header = OVERRIDE_HEADER.format(root=json.dumps(str(root), ensure_ascii=True))  # one comment line
    copied[OVERRIDE] = header + "\n" + provider_block(provider)
    for name in copied:
        if (dest / name).exists() and name not in before:
            raise ConfigError(
                f"{dest / name}: not written by xacct terraform-config: move it, then run again"
            )
    return before, copied


def _write_copy(root: Path, dest: Path, before: list[str], copied: dict[str, str]) -> None:
    """Replace what an earlier run wrote into ``dest`` with ``copied`` (terraform's own files stay)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in before:
        (dest / name).unlink(missing_ok=True)
    for name, text in copied.items():
        (dest / name).write_text(text, encoding="utf-8")
    relocate_sources(root, dest, copied)
    mark = {"root": str(root.resolve()), "files": sorted(copied)}
    (dest / MARK).write_text(json.dumps(mark) + "\n", encoding="utf-8")


def _outside_trees(where: Path) -> None:
    """Refuse an ``--out`` inside a generated tree: ``generate --check`` would list it as not xacct's."""
    for folder in (where.resolve(), *where.resolve().parents):
        if (folder / MANIFEST).is_file():
            raise ConfigError(
                f"{where}: inside the generated tree {folder}, where generate --check would report it: "
                "choose an --out outside it (default .xacct/terraform)"
            )


def write_cli_config(where: Path) -> tuple[Path, Path | None]:
    """``where/terraformrc`` (refusing to replace a file xacct did not write) and the mirror it uses."""
    path = where / CLI_CONFIG
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise ConfigError(f"{path}: not a regular file: move it, or choose --out")
    if path.is_file() and not path.read_text(encoding="utf-8", errors="replace").startswith(CONFIG_HEADER):
        raise ConfigError(f"{path}: not written by xacct: move it, or choose --out")
    mirror = resolve_mirror()
    where.mkdir(parents=True, exist_ok=True)
    path.write_text(cli_config_text(mirror.resolve() if mirror else None, None), encoding="utf-8")
    return path, mirror


def terraform_config(roots: list[Path], where: Path, localstack: str | None) -> list[LocalRoot]:
    """Check every root, then write the CLI config and each root's copy."""
    if localstack is not None and not LOCALSTACK_URL.fullmatch(localstack):
        raise ConfigError(
            f"--localstack: {localstack!r} is not an http(s) URL: give e.g. http://localhost:4566"
        )
    port = localstack.rstrip("/").rpartition(":")[2] if localstack and localstack.count(":") == 2 else ""
    if port and not 1 <= int(port) <= 65535:
        raise ConfigError(f"--localstack: port {port} is not 1-65535: give e.g. http://localhost:4566")
    for root in roots:
        _check_root(root)
    plans = []
    for root in roots:
        provider: dict[str, object] = {k: v for k, v in OFFLINE_PROVIDER.items() if k != "region"}
        if localstack is not None:
            account, region = _provider_of(root / "main.tf")
            provider = live_provider(localstack, account, region)
        real = root.resolve()
        plans.append((LocalRoot(root, where / real.parent.name / real.name), provider))
    seen: dict[Path, Path] = {}
    for local, _ in plans:
        if local.dest in seen:
            raise ConfigError(
                f"{local.source}: two ROOTs of the same tenant and scenario ({seen[local.dest]} too), "
                f"both copied to {local.dest}: give each once"
            )
        seen[local.dest] = local.source
    _outside_trees(where)
    for local, _ in plans:  # a tenant folder under --out that is a symlink into a generated tree
        _outside_trees(local.dest)
    prepared = [(local, _prepare(local.source, local.dest, provider)) for local, provider in plans]
    write_cli_config(where)
    for local, (before, copied) in prepared:
        _write_copy(local.source, local.dest, before, copied)
    return [local for local, _ in plans]


def _shown(path: Path) -> str:
    """``path`` relative to the current folder when it is under it, else absolute."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path.resolve())


def run_terraform_config(args: argparse.Namespace) -> int:
    where = Path(args.out)
    try:
        written = terraform_config([Path(r) for r in args.roots], where, args.localstack)
    except ConfigError as exc:
        err.print(f"xacct terraform-config: {exc}", markup=False)
        return 2
    mirror = resolve_mirror()
    source = f"from the mirror {mirror}" if mirror else f"from the registry (no {MIRROR_ENV} folder)"
    out.print(f"wrote {_shown(where / CLI_CONFIG)} (providers {source})", markup=False)
    config = str((where / CLI_CONFIG).resolve())
    config = f'"{config}"' if shlex.quote(config) == config else shlex.quote(config)
    out.print(f"export TF_CLI_CONFIG_FILE={config}", markup=False)
    how = f"LocalStack at {args.localstack}" if args.localstack else "an offline plan"
    for local in written:  # lines to paste: a comment stays one line, a path one shell word
        note = "" if owner_of(local.dest.name) == "partner" else " (the customer applies this role)"
        out.print(
            f"# {shown(_shown(local.dest))}: a copy of {shown(local.source)} for {how}{note}", markup=False
        )
        for command in ("init", "plan"):
            out.print(f"terraform -chdir={shlex.quote(_shown(local.dest))} {command}", markup=False)
        if args.localstack is None and (local.dest / "imports.tf").is_file():
            err.print(
                f"xacct terraform-config: {shown(local.source / 'imports.tf')}: its import blocks read the "
                "existing role from AWS, which an offline plan cannot: plan this copy with --localstack URL "
                "(the role created there first) or plan the root itself with credentials for its account",
                markup=False,
            )
    return 0
