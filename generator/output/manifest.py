"""What a generated tree records about itself: one manifest per tenant folder, one at the top.

``<out>/<tenant>/.xacct-manifest.json`` lists the tenant's generated files with their SHA-256, the
fingerprint of its external ID, and the *key* it was rendered from (a hash of the tenant's registry
entry, the partner settings and the generator itself). A later run whose key is the same, and
whose files on disk still hash as listed, need not render that tenant again. ``<out>/.xacct-manifest.json``
holds what is common to the tree. Trees written by format 1 (one manifest listing every file) are
read as manifests without keys, so their tenants are all rendered again once.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.files import NotAFile

MANIFEST = ".xacct-manifest.json"
_string = json.encoder.encode_basestring_ascii  # what json.dumps writes for a str, in C


def _optional(value: str | None) -> str:
    """``json.dumps(value)``; a str without the encoder's set-up."""
    return _string(value) if type(value) is str else json.dumps(value)


FORMAT = 2


def digest(data: str | bytes) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


@dataclass
class TenantManifest:
    """One tenant folder's record: its files (relative to the output folder) and their hashes."""

    tenant: str
    key: str | None
    external_id: str | None  # fingerprint, never the ID itself
    files: dict[str, str] = field(default_factory=dict)
    sha: str | None = None  # of the manifest file itself, when read from disk
    # fingerprint of the ID a rotation moves to: the next generate accepts it as the external ID
    next_external_id: str | None = None

    @property
    def path(self) -> str:
        return f"{self.tenant}/{MANIFEST}"

    def text(self) -> str:
        """``json.dumps(data, indent=2, sort_keys=True)`` of the record, laid out here: the standard
        library's indenting encoder is pure Python, and a large tree has 10,000 manifests."""
        prefix = f"{self.tenant}/"
        entries = [
            f"    {_string(rel.removeprefix(prefix))}: {_string(sha)}"
            for rel, sha in sorted(self.files.items())
        ]
        files = "{\n" + ",\n".join(entries) + "\n  }" if entries else "{}"
        # only while a rotation is in progress: every other manifest reads as it always has
        rotation = (
            f'  "next_external_id": {_optional(self.next_external_id)},\n'
            if self.next_external_id is not None
            else ""
        )
        return (
            "{\n"
            f'  "external_id": {_optional(self.external_id)},\n'
            f'  "files": {files},\n'
            f'  "format": {FORMAT},\n'
            '  "generator": "xacct",\n'
            f'  "key": {_optional(self.key)},\n'
            f"{rotation}"
            f'  "tenant": {_string(self.tenant)}\n'
            "}\n"
        )

    def intact(self, out: Path) -> bool:
        """Every listed file is on disk with the listed content."""
        base = f"{out}/"
        for rel, sha in self.files.items():
            try:
                if file_digest(base + rel) != sha:
                    return False
            except OSError:
                return False
        return True


def file_digest(path: str) -> str:
    """SHA-256 of a file, read with bare system calls (a no-op run hashes every generated file, and
    ``open()``'s file objects cost half again as much as the reading and hashing)."""
    return hashlib.sha256(_read(path)).hexdigest()


def _read(path: str) -> bytes:
    """A file's bytes, with bare system calls."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)  # a FIFO must not block the run
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotAFile(path, "is not a regular file (xacct writes regular files): move it away")
        chunks = []
        while chunk := os.read(fd, 65536):
            chunks.append(chunk)
    finally:
        os.close(fd)
    return b"".join(chunks)


def top_text(modules_version: str, registry: str) -> str:
    data = {"generator": "xacct", "format": FORMAT, "modules_version": modules_version, "registry": registry}
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def _load(path: str) -> tuple[dict[str, Any], str | None]:
    """A manifest's data (empty unless xacct wrote it) and the SHA-256 of its bytes."""
    try:
        raw = _read(path)
        data = json.loads(raw)
    except (OSError, ValueError):
        return {}, None
    return (data, digest(raw)) if isinstance(data, dict) and data.get("generator") == "xacct" else ({}, None)


def is_manifest(path: str) -> bool:
    """Whether ``path`` is a manifest xacct wrote."""
    return bool(_load(path)[0])


@dataclass
class TreeRecord:
    """What the tree on disk says it holds (empty for a folder xacct never wrote)."""

    top: dict[str, Any]
    tenants: dict[str, TenantManifest]

    @property
    def files(self) -> dict[str, str]:
        """Every generated file xacct recorded (relative path -> SHA-256), manifests included."""
        found: dict[str, str] = {}
        for manifest in self.tenants.values():
            found.update(manifest.files)
            if manifest.sha is not None:
                found[manifest.path] = manifest.sha
        return found


Stamp = tuple[tuple[str, int, int, int, int], ...]


def _tenant_folders(out: Path) -> list[os.DirEntry[str]]:
    """The folders directly under ``out`` (not links to folders), where tenant manifests live."""
    try:
        return [entry for entry in os.scandir(out) if entry.is_dir(follow_symlinks=False)]
    except OSError:
        return []


def record_stamp(out: Path) -> Stamp:
    """A cheap fingerprint of the manifests at ``out``: their inodes, sizes and times, not their text.

    xacct writes every manifest as a new file (a new inode, in a new folder), so a run that finds
    the stamp unchanged knows the record is too, without reading 10,000 manifests again.
    """
    stamps = []
    for folder in [str(out), *sorted(entry.path for entry in _tenant_folders(out))]:
        try:
            s = os.stat(f"{folder}/{MANIFEST}")  # what read_record reads, through a link too
        except OSError:
            continue
        stamps.append((folder, s.st_ino, s.st_size, s.st_mtime_ns, s.st_ctime_ns))
    return tuple(stamps)


def read_record(out: Path) -> TreeRecord:
    """The manifests of the tree at ``out``, of either format."""
    top, _ = _load(f"{out}/{MANIFEST}")
    if top.get("format", 1) == 1 and "files" in top:
        ids = top.get("external_ids", {})
        tenants: dict[str, TenantManifest] = {}
        for rel, sha in top["files"].items():
            name = rel.split("/", 1)[0]
            tenants.setdefault(name, TenantManifest(name, None, ids.get(name))).files[rel] = sha
        return TreeRecord(top, tenants)
    tenants = {}
    for entry in _tenant_folders(out):
        data, sha = _load(f"{entry.path}/{MANIFEST}")
        if data.get("tenant") != entry.name or not isinstance(data.get("files"), dict):
            continue
        tenants[entry.name] = TenantManifest(
            entry.name,
            data.get("key"),
            data.get("external_id"),
            {f"{entry.name}/{rel}": file_sha for rel, file_sha in data["files"].items()},
            sha,
            data.get("next_external_id"),
        )
    return TreeRecord(top, tenants)
