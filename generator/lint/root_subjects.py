"""What the root rules look at: the roots of a generated tree next to the roles the registry asks for.

A generated tree holds one root per tenant and scenario, ``<tree>/<tenant>/<scenario>/``, whose only
effect is one call of an xacct module (``module "role"``). The HCL front end reads every Terraform
file of every root into a :class:`RootSubject`; a :class:`TreeSubject` adds what the registry says,
so rules can compare each root with its role and the tree with the registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from generator.lint.findings import Location

if TYPE_CHECKING:
    from generator.hclread import Block
    from generator.policy.roles import RoleSpec
    from generator.registry import LoadedRegistry

ROLE_CALL = "role"  # the label of the module call a generated root makes
ModuleVerdict = Literal["xacct", "differs", "missing", "unverified"]


@dataclass(frozen=True)
class TfFile:
    """A parsed Terraform file (``.tf`` or ``.tf.json``)."""

    path: Path
    display: str
    blocks: list[Block]

    @property
    def is_override(self) -> bool:
        """Terraform merges ``override.tf`` and ``*_override.tf`` (and .tf.json) into the other files."""
        stem = self.path.name.removesuffix(".json").removesuffix(".tf")
        return stem == "override" or stem.endswith("_override")


@dataclass(frozen=True)
class ModuleCheck:
    """Whether a module call's source is a copy of an xacct module, compared file by file."""

    source: str
    verdict: ModuleVerdict
    module: str | None = None  # the xacct module its files equal (``customer-role``), when they do
    detail: str = ""  # what differs, or why it could not be compared


@dataclass
class RootSubject:
    """One root folder of a generated tree and what the registry says about it."""

    folder: Path
    display: str  # the folder as the user named it
    tenant: str
    scenario: str
    files: list[TfFile]
    stray_files: list[str] = field(default_factory=list)  # .tfvars files: display paths
    call: Block | None = None  # the ``module "role"`` block
    call_file: TfFile | None = None
    module: ModuleCheck | None = None
    spec: RoleSpec | None = None  # the registry's role for this tenant and scenario
    retiring: RoleSpec | None = None  # the registry's offboarding role: the root destroys it
    tenant_known: bool = False  # the registry has the tenant (perhaps not this scenario)
    provider_account: list[str] | None = None  # allowed_account_ids of the default aws provider
    provider_region: str | None = None
    provider_file: TfFile | None = None
    provider_block: Block | None = None
    # byte for byte what ``generate`` writes for ``spec`` (generated_roots): no drift, nothing extra;
    # ``files``, ``call`` and the provider are filled by ``read()``, when a finding needs a line
    as_generated: bool = False
    reader: Callable[[RootSubject], None] | None = None

    @property
    def key(self) -> str:
        return f"{self.tenant}/{self.scenario}"

    def read(self) -> RootSubject:
        """The root with its files parsed (a root skipped as generated is parsed now, once)."""
        reader, self.reader = self.reader, None
        if reader is not None:
            reader(self)
        return self

    def first_location(self) -> Location:
        """Where a finding about the whole root points: its call, else its first file."""
        self.read()
        if self.call is not None and self.call_file is not None:
            return Location(self.call_file.display, self.call.line, self.call.address)
        first = self.files[0].display if self.files else self.display
        return Location(first, 1, "(root)")


@dataclass
class TreeSubject:
    """A linted folder of roots, and the registry it is compared with (if one was given)."""

    display: str
    roots: list[RootSubject] = field(default_factory=list)
    stray_folders: list[tuple[str, str]] = field(default_factory=list)  # (first .tf file, folder)
    loaded: LoadedRegistry | None = None
    specs: list[RoleSpec] = field(default_factory=list)  # every role of the registry
    whole: bool = False  # the folder is a whole tree: every registry role should have a root here
