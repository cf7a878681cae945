"""Working copies of generated roots: per-root copies with an override file, and shard roots.

The harness never edits the generated tree. It copies what it runs into a work folder that
has a ``modules`` link to the modules folder the roots point at, and adds an override file
(as LocalStack's ``tflocal`` does) for the provider: dummy credentials and skip flags for an
offline plan, or LocalStack endpoints for a live apply.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.files import is_dir_entry, read_bytes
from generator.hclread import literal, parse_blocks
from generator.output.ownership import terraform_working
from generator.render.hcl import quote
from generator.render.terraform import OFFBOARDING_MARK
from generator.tfoverride import (
    CLOUD_BLOCK,
    LIVE_SERVICES,
    OFFLINE_PROVIDER,
    SOURCE_LINE,
    live_provider,
    provider_block,
    relocate_sources,
    without_cloud_block,
)

__all__ = [  # the override helpers live in generator.tfoverride (shared with terraform-config)
    "ARGUMENT",
    "CLOUD_BLOCK",
    "LIVE_SERVICES",
    "MODULE_BLOCK",
    "OFFLINE_PROVIDER",
    "PLAN_COPY_MARK",
    "SHARD_KEY_SEPARATOR",
    "SHARD_LAYOUTS",
    "SHARD_TERRAFORM_BLOCK",
    "SOURCE_LINE",
    "GeneratedRoot",
    "copy_root",
    "find_roots",
    "live_provider",
    "modules_dir_of",
    "provider_block",
    "root_differences",
    "shard_root",
]

MODULE_BLOCK = re.compile(r'^module "role" \{\n.*?^\}\n', re.M | re.S)
SHARD_KEY_SEPARATOR = "__"


@dataclass(frozen=True)
class GeneratedRoot:
    """One generated root folder, ``<out>/<tenant>/<scenario>``."""

    tenant: str
    scenario: str
    path: Path

    @property
    def key(self) -> str:
        return f"{self.tenant}/{self.scenario}"

    def main_tf(self) -> str:
        return (self.path / "main.tf").read_text(encoding="utf-8")

    @property
    def offboarding(self) -> bool:
        """An offboarding root: no module call, its plan destroys the role its state holds."""
        return _offboarding(read_bytes(self.path / "main.tf"))

    def module_block(self) -> str:
        match = MODULE_BLOCK.search(self.main_tf())
        if match is None:
            raise ValueError(f'{self.path / "main.tf"}: no `module "role"` block (not an xacct root?)')
        return match.group(0)

    def module_source(self) -> str:
        match = SOURCE_LINE.search(self.module_block())
        if match is None:
            raise ValueError(f"{self.path / 'main.tf'}: the role module has no source")
        return literal(match.group(3))


def find_roots(
    out: Path, offboarding: bool = False, tenants: Collection[str] | None = None
) -> list[GeneratedRoot]:
    """Every generated root under ``out`` that creates a role (``offboarding``: every offboarding root
    instead), in a stable order; ``tenants``: only the roots in these tenants' folders (no other folder
    is walked)."""
    return [root for root, leaving in _all_roots(Path(out), tenants) if leaving == offboarding]


def _all_roots(out: Path, only: Collection[str] | None = None) -> list[tuple[GeneratedRoot, bool]]:
    """Every ``<out>/<tenant>/<scenario>/main.tf`` folder as a root and whether it is offboarding, in
    ``glob``'s order of paths, each ``main.tf`` read once (13,334 roots: 0.4 s, a glob and a property
    read per root took 1.2 s); ``only``: in these tenants' folders."""
    found: list[tuple[str, str, str]] = []
    if only is not None:
        tenants = [(name, os.path.join(out, name)) for name in sorted(only) if _plain_name(name)]
        tenants = [(name, path) for name, path in tenants if os.path.isdir(path)]  # links followed, as below
    else:
        try:
            listed = sorted(os.scandir(out), key=lambda e: e.name)
        except OSError:  # missing, a file, a link loop, unreadable: glob found nothing there
            return []
        tenants = [(e.name, e.path) for e in listed if is_dir_entry(e)]
    for name, path in tenants:
        try:
            scenarios = sorted(os.scandir(path), key=lambda e: e.name)
        except OSError:
            continue
        found += [(name, s.name, s.path) for s in scenarios if is_dir_entry(s)]
    roots = []
    for tenant_name, scenario_name, path in found:
        try:
            data = read_bytes(os.path.join(path, "main.tf"))
        except OSError as exc:
            if exc.errno in _NO_FILE:
                continue  # a tenant's onboarding kit, a folder that is not a root, a link loop
            data = b""  # a main.tf that is not a regular file: a root all the same, which fails its plan
        roots.append((GeneratedRoot(tenant_name, scenario_name, Path(path)), _offboarding(data)))
    return roots


_NO_FILE = (errno.ENOENT, errno.ENOTDIR, errno.ELOOP)  # what glob's ``exists`` took for no main.tf


def _plain_name(name: str) -> bool:
    """A name a folder listing could hold: not empty, ``.`` or ``..``, no ``/`` or NUL."""
    return name not in ("", ".", "..") and "/" not in name and "\0" not in name


def _offboarding(data: bytes) -> bool:
    """The mark on a line of its own, with any line end (``read_text``'s universal newlines saw CRLF and
    CR as LF)."""
    mark = OFFBOARDING_MARK.encode()
    if mark + b"\n" in data:
        return True
    return b"\r" in data and mark + b"\n" in data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def modules_dir_of(root: GeneratedRoot, override: Path | None = None) -> tuple[Path, str]:
    """The modules folder a root uses and the module's name in it."""
    source = root.module_source()
    name = source.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]
    if override is not None:
        return override.resolve(), name
    if not source.startswith(("./", "../")):
        raise ValueError(
            f"{root.key}: module source {source!r} is not local; pass --xacct-modules-dir "
            "with a checkout of the modules to test it offline"
        )
    module = (root.path / source).resolve()
    return module.parent, module.name


def _link_modules(work: Path, modules: Path) -> None:
    link = work / "modules"
    if link.is_symlink() or link.exists():
        if link.resolve() != modules.resolve():
            raise ValueError(f"{work} already links modules to {link.resolve()}, not {modules}")
        return
    work.mkdir(parents=True, exist_ok=True)
    os.symlink(modules, link)


PLAN_COPY_MARK = ".xacct-plan-copy-of"


def _output_only(path: Path) -> bool:
    """Whether a ``.tf`` file declares nothing but ``output`` blocks."""
    try:
        text = path.read_text(encoding="utf-8")
        if "output" not in text:  # no output block, so not output-only: spare the parse (most files)
            return False
        blocks = parse_blocks(text)
    except Exception:  # python-hcl2 raises lark errors of several kinds: keep a file it cannot read
        return False
    return bool(blocks) and {block.kind for block in blocks} == {"output"}


MODULE_REFERENCE = re.compile(r"\bmodule\.[A-Za-z_]")
# What names a module call without reading it: a `moved` block (a wrapper's, from where modules 0.2.0 kept
# its resources) and a whole-line comment.
NOT_A_READ = re.compile(r"^moved\s*\{\n.*?^\}$|^[ \t]*(?:#|//).*$", re.S | re.M)


def _outputs_to_leave_out(modules: Path) -> set[Path]:
    """The modules' ``.tf`` files (``modules/*/*.tf``) that declare only outputs, when no other file of
    a module reads a module call's outputs (``module.NAME...``; else none are left out)."""
    files = sorted(modules.glob("*/*.tf"))
    outputs = {p for p in files if _output_only(p)}
    for path in files:
        if path not in outputs and MODULE_REFERENCE.search(
            NOT_A_READ.sub("", path.read_text(encoding="utf-8"))
        ):
            return set()
    return outputs


def _modules_digest(modules: Path) -> str:
    """A hash of every file under ``modules`` (outside ``.terraform``): a copy of other contents is stale."""
    sha = hashlib.sha256()
    for path in sorted(p for p in modules.rglob("*") if p.is_file() and ".terraform" not in p.parts):
        sha.update(f"{path.relative_to(modules)}\0".encode() + path.read_bytes() + b"\0")
    return sha.hexdigest()


def copy_modules_for_plan(work: Path, modules: Path) -> None:
    """``work/modules``: a copy of ``modules`` without the files that declare only outputs.

    A module's outputs feed nothing but its caller, and a shard root reads none, so they change no
    planned resource; yet terraform evaluates each output of each module instance, about a quarter
    of a shard's plan (bench/README.md). Everything else (variables and their validations, the
    resources and their documents) is planned as the generated roots plan it. A copy made from
    other contents of the same folder (modules edited since) is made again.
    """
    copy = work / "modules"
    mark = f"{modules.resolve()}\n{_modules_digest(modules)}\n"
    if copy.is_symlink() or copy.exists():
        found = (
            (copy / PLAN_COPY_MARK).read_text(encoding="utf-8") if (copy / PLAN_COPY_MARK).is_file() else ""
        )
        if found == mark:
            return
        if copy.is_symlink() or found.split("\n", 1)[0] != str(modules.resolve()):
            raise ValueError(f"{work} already holds modules other than a plan copy of {modules}")
        shutil.rmtree(copy)
    work.mkdir(parents=True, exist_ok=True)
    staging = work / ".modules-copy"
    shutil.rmtree(staging, ignore_errors=True)
    leave_out = _outputs_to_leave_out(modules)

    def ignore(folder: str, names: list[str]) -> set[str]:
        return {n for n in names if n.startswith(".terraform") or Path(folder) / n in leave_out}

    shutil.copytree(modules, staging, ignore=ignore)  # links followed: a relative one may point outside
    (staging / PLAN_COPY_MARK).write_text(mark, encoding="utf-8")
    os.rename(staging, copy)


def root_differences(root: GeneratedRoot, rendered: Mapping[str, str]) -> list[str]:
    """Why ``root`` is not exactly the files xacct renders for it (``rendered``, by name); [] when it is.

    Terraform's working files are ignored; anything else that is there and not rendered, or rendered
    and different, is named.
    """
    found = []
    present = {p.name: p for p in root.path.iterdir() if not terraform_working(p.name)}
    for name in sorted(set(present) - set(rendered)):
        found.append(f"{root.path / name}: not written by xacct")
    for name, text in sorted(rendered.items()):
        path = present.get(name)
        if path is None:
            found.append(f"{root.path / name}: missing")
        elif path.is_symlink() or not path.is_file():
            found.append(f"{root.path / name}: not a regular file")
        elif path.read_bytes() != text.encode("utf-8"):
            found.append(f"{root.path / name}: differs from what xacct writes for the registry")
    return found


def copy_root(
    root: GeneratedRoot, work: Path, provider: Mapping[str, object], modules_override: Path | None = None
) -> Path:
    """Copy ``root``, whole, into ``work/roots/<tenant>__<scenario>`` with a provider override.

    Every file and folder is copied as it is (so a plan of the copy is the plan of the root as it will
    be applied) but the ``terraform { cloud { ... } }`` block xacct writes into ``cloud.tf`` (a working
    copy never talks to Terraform Cloud; the rest of that file is planned) and terraform's working
    files; local module sources that leave the root are pointed at the same folders, and the role
    module at ``work/modules``.
    """
    name = None
    if not root.offboarding:  # an offboarding root calls no module
        modules, name = modules_dir_of(root, modules_override)
        _link_modules(work, modules)
    dest = work / "roots" / f"{root.tenant}__{root.scenario}"
    if dest.exists():
        shutil.rmtree(dest)

    def ignore(folder: str, names: list[str]) -> set[str]:
        top = Path(folder) == root.path
        return {n for n in names if top and (terraform_working(n) or n == "cloud.tf")}

    shutil.copytree(root.path, dest, ignore=ignore)
    cloud = root.path / "cloud.tf"
    if cloud.is_file():  # anything but the cloud block is planned (a resource there is applied too)
        rest = without_cloud_block(cloud.read_text(encoding="utf-8"))
        if rest is not None:
            (dest / "cloud.tf").write_text(rest, encoding="utf-8")
    relocate_sources(root.path, dest)
    if (dest / "xacct_override.tf").exists():
        raise ValueError(f"{root.path / 'xacct_override.tf'}: a file of the name the harness plans with")
    override = provider_block(provider)
    if name is not None:
        override += f'\nmodule "role" {{\n  source = {quote(f"../../modules/{name}")}\n}}\n'
    (dest / "xacct_override.tf").write_text(override, encoding="utf-8")
    return dest


ARGUMENT = re.compile(r"^  ([a-z_][a-z0-9_]*)\s*=", re.M)
SHARD_TERRAFORM_BLOCK = (
    'terraform {\n  required_providers {\n    aws = {\n      source = "hashicorp/aws"\n    }\n  }\n}\n'
)
SHARD_LAYOUTS = ("for_each", "blocks")


def _module_body(block: str) -> str:
    """The argument lines of a ``module "role"`` block, without its source and comments."""
    lines = block.splitlines()[1:-1]
    return "\n".join(
        line for line in lines if not SOURCE_LINE.fullmatch(line) and not line.lstrip().startswith("#")
    )


def shard_root(
    roots: list[GeneratedRoot],
    work: Path,
    index: int,
    provider: Mapping[str, object],
    modules_override: Path | None = None,
    layout: str = "for_each",
    module_outputs: bool = True,
) -> Path:
    """One root that instantiates the role module of each of ``roots`` with their verbatim arguments.

    ``for_each`` (default): the roots' argument lines, verbatim, become the entries of a map that one
    module block per module (and argument set) iterates over — terraform expands one block far more
    cheaply than hundreds. ``blocks``: each root's module block, verbatim but for label and source.
    Without ``module_outputs`` the shard uses a copy of the modules without their outputs, which a
    plan does not need (see :func:`copy_modules_for_plan`).
    """
    dest = work / "shards" / f"shard-{index:04d}"
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    parts = [
        "# xacct harness shard: the generated roots' module arguments, verbatim\n",
        SHARD_TERRAFORM_BLOCK,
        provider_block(provider),
    ]
    groups: dict[tuple[str, tuple[str, ...]], list[tuple[str, str]]] = {}
    prepared: set[Path] = set()
    for root in roots:
        modules, name = modules_dir_of(root, modules_override)
        if modules not in prepared:
            (_link_modules if module_outputs else copy_modules_for_plan)(work, modules)
            prepared.add(modules)
        block = root.module_block()
        key = f"{root.tenant}{SHARD_KEY_SEPARATOR}{root.scenario}"
        if layout == "blocks":
            block = block.replace('module "role" {', f"module {quote(key)} {{", 1)
            source = f"= {quote(f'../../modules/{name}')}"
            block = SOURCE_LINE.sub(
                lambda m, src=source: f"{m.group(1)}source{m.group(2)}{src}", block, count=1
            )
            parts.append(block)
            continue
        body = _module_body(block)
        groups.setdefault((name, tuple(ARGUMENT.findall(body))), []).append((key, body))
    for number, ((name, arguments), entries) in enumerate(sorted(groups.items())):
        local = f"{name.replace('-', '_')}_{number}"
        items = "\n".join(
            f"    {quote(key)} = {{\n"
            + "\n".join(f"    {line}" if line else line for line in body.splitlines())
            + "\n    }"
            for key, body in entries
        )
        parts.append(f"locals {{\n  {local} = {{\n{items}\n  }}\n}}\n")
        args = "\n".join(f"  {arg} = each.value.{arg}" for arg in arguments)
        source = quote(f"../../modules/{name}")
        head = f"module {quote(local)} {{\n  source   = {source}\n  for_each = local.{local}\n"
        parts.append(f"{head}\n{args}\n}}\n")
    (dest / "main.tf").write_text("\n".join(parts), encoding="utf-8")
    return dest
