"""One ``terraform init`` for every shard of a plan run, and lock files without package hashes.

The shards of a run are sibling folders (``work/shards/shard-NNNN``) whose module calls point at the
same local modules (``../../modules/NAME``), so the modules manifest and the provider that one
``init`` installs serve all of them. Per shard that saves the ``init`` (~0.65 CPU s) and two hashes
of the ~700 MB AWS provider package: every terraform command that loads a provider first checks it
against the lock file's ``hashes`` (~0.45 CPU s each for ``plan`` and ``show``). Those checks prove
nothing here: the lock file was written by that same ``init``, from the same mirror, moments before;
its pinned provider version stays. A shard whose module calls the template does not hold (a layout
this file does not know), or a root planned on its own, gets its own ``init``, whose lock file then
loses its hashes too (:func:`drop_lock_hashes`). The harness's working copies never hold a lock file
of the user's (``copy_root`` leaves terraform's working files out): each one is the harness's own.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from generator.terraform_runner import Terraform

if TYPE_CHECKING:
    from generator.harness.prewarm import Template

TEMPLATE = "init"  # the folder beside the shards that the one init runs in
LOCK_FILE = ".terraform.lock.hcl"
DATA_DIR = ".terraform"
_QUOTED = r'"(?:[^"\\\n]|\\.)*"'
MODULE_CALL = re.compile(
    rf"^module ({_QUOTED}) \{{\n(?:[ \t]*#.*\n)*[ \t]*source[ \t]*=[ \t]*({_QUOTED})[ \t]*\n", re.M
)
MODULE_START = re.compile(r"^module ", re.M)
_HASHES = re.compile(r"^[ \t]*hashes[ \t]*=[ \t]*\[\n(?:[ \t]*\"[^\"\n]*\",?\n)*[ \t]*\]\n", re.M)


def module_calls(text: str) -> dict[str, str] | None:
    """The module calls of a shard root's text, quoted label to quoted source; None when a ``module``
    block does not start with its ``source`` line (the template could not stand in for its init)."""
    calls = {m.group(1): m.group(2) for m in MODULE_CALL.finditer(text)}
    return calls if len(calls) == len(MODULE_START.findall(text)) else None


def without_hashes(lock: str) -> str:
    """A lock file's text without its ``hashes`` lists (versions and constraints stay)."""
    return _HASHES.sub("", lock)


def drop_lock_hashes(root: Path) -> None:
    """Rewrite the lock file the ``init`` just run in ``root`` wrote, without its hashes (see above)."""
    lock = root / LOCK_FILE
    text = lock.read_text(encoding="utf-8")
    if (bare := without_hashes(text)) != text:
        lock.write_text(bare, encoding="utf-8")


def init_shards(
    dirs: Sequence[Path],
    terraform: Callable[[Path], Terraform],
    header: str,
    ready: Template | None = None,
) -> list[Path]:
    """Initialise the shard roots ``dirs`` (siblings) with one ``init`` of a template root that calls
    every module they call; ``header`` is their ``terraform`` block. ``ready``: a template initialised
    ahead (:mod:`generator.harness.prewarm`), linked by each shard whose calls it holds. Returns the
    shards left to initialise on their own."""
    if ready is not None:
        served = [p for p in dirs if _holds(ready.calls, module_calls((p / "main.tf").read_text("utf-8")))]
        for path in served:
            link = os.path.relpath(ready.path / DATA_DIR, path)
            (path / DATA_DIR).symlink_to(link, target_is_directory=True)
            (path / LOCK_FILE).write_text(ready.lock, encoding="utf-8")
        dirs = [p for p in dirs if p not in served]
    calls: dict[str, str] = {}
    shared, alone = [], []
    for path in dirs:
        found = module_calls((path / "main.tf").read_text(encoding="utf-8"))
        if found is None or any(calls.get(label, source) != source for label, source in found.items()):
            alone.append(path)
            continue
        calls.update(found)
        shared.append(path)
    if len(shared) < 2:
        return list(dirs)
    template = shared[0].parent / TEMPLATE
    if template.exists():
        shutil.rmtree(template)
    template.mkdir()
    blocks = [f"module {label} {{\n  source = {source}\n}}\n" for label, source in sorted(calls.items())]
    (template / "main.tf").write_text("\n".join([header, *blocks]), encoding="utf-8")
    terraform(template).init()
    lock = without_hashes((template / LOCK_FILE).read_text(encoding="utf-8"))
    for path in shared:  # fresh folders: shard_root writes each anew
        (path / DATA_DIR).symlink_to(Path("..") / TEMPLATE / DATA_DIR, target_is_directory=True)
        (path / LOCK_FILE).write_text(lock, encoding="utf-8")
    return alone


def _holds(template: dict[str, str], calls: dict[str, str] | None) -> bool:
    return calls is not None and all(template.get(label) == source for label, source in calls.items())
