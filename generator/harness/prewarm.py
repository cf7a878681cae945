"""The plan layer's ``terraform init``, started ahead while pytest still collects and runs other tests.

A plan run's shards share one ``init`` (:mod:`generator.harness.shard_init`): ~0.6 s of terraform on
the way to every plan, and most of the wait of a run that proves one changed tenant. It needs only the
modules the shards will call, not the shards: so a session that will plan starts it in a thread as
soon as it knows that, with the modules it expects (``--xacct-modules-dir``, else ``modules/`` beside
the registry), in a folder of its own under the plan layer's work folder (``prewarm/``: its own plan
copy of the modules, and a template root that calls each role module under every label a shard
gives it).

It is only ever a head start. The shards use it when their own plan copy of the modules was made from
the same folder with the same contents (the copies' marks are equal) and it holds each of their module
calls; anything else (another modules folder, a failed or missing terraform, more argument sets than
labels) is initialised as before, where a failure is reported.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from generator.harness.roots import PLAN_COPY_MARK, SHARD_TERRAFORM_BLOCK, copy_modules_for_plan
from generator.harness.shard_init import DATA_DIR, LOCK_FILE, TEMPLATE, without_hashes
from generator.policy.roles import MODULE
from generator.registry import LoadedRegistry, RegistryError
from generator.render.hcl import quote
from generator.terraform_runner import Terraform

FOLDER = "prewarm"  # under the plan layer's work folder
LABELS = 8  # labels per module: a shard numbers its argument sets (``customer_role_0``, ...) from 0


@dataclass(frozen=True)
class Template:
    """An initialised root the shards can link their ``.terraform`` to: its module calls, quoted label to
    quoted source, and its lock file without hashes."""

    path: Path
    calls: dict[str, str]
    lock: str


@dataclass
class Prewarm:
    """An ``init`` running (or done) in ``work/prewarm`` for the modules at ``modules``."""

    work: Path
    modules: Path
    calls: dict[str, str]
    _thread: threading.Thread | None = None
    _error: BaseException | None = field(default=None, repr=False)

    @property
    def template(self) -> Path:
        return self.work / FOLDER / "shards" / TEMPLATE

    @classmethod
    def start(
        cls,
        work: Path,
        modules: Path,
        names: Iterable[str],
        terraform: Callable[[Path], Terraform],
        header: str,
    ) -> Prewarm:
        """Start a thread that copies ``modules`` for planning, writes the template root calling each of
        ``names`` (module folder names) under every label, and runs its ``init``."""
        calls = {
            quote(f"{name.replace('-', '_')}_{n}"): quote(f"../../modules/{name}")
            for name in sorted(set(names))
            for n in range(LABELS)
        }
        made = cls(work, modules.resolve(), calls)
        made._thread = threading.Thread(
            target=made._init, args=(terraform, header), name="xacct-prewarm", daemon=True
        )
        made._thread.start()
        return made

    def _init(self, terraform: Callable[[Path], Terraform], header: str) -> None:
        try:
            copy_modules_for_plan(self.work / FOLDER, self.modules)
            self.template.mkdir(parents=True)
            blocks = [f"module {label} {{\n  source = {source}\n}}\n" for label, source in self.calls.items()]
            (self.template / "main.tf").write_text("\n".join([header, *blocks]), encoding="utf-8")
            terraform(self.template).init()
        except Exception as exc:  # reported by the shards' own init, which runs instead
            self._error = exc

    def wait(self) -> None:
        if self._thread is not None:
            self._thread.join()

    def ready_for(self, modules_copy: Path) -> Template | None:
        """The template, once its ``init`` is done, if it serves shards whose plan copy of the modules is
        ``modules_copy``; else None."""
        self.wait()
        if self._error is not None or not (self.template / DATA_DIR).is_dir():
            return None
        if _mark(modules_copy) is None or _mark(modules_copy) != _mark(self.work / FOLDER / "modules"):
            return None
        lock = without_hashes((self.template / LOCK_FILE).read_text(encoding="utf-8"))
        return Template(self.template, dict(self.calls), lock)


def _mark(copy: Path) -> str | None:
    try:
        return (copy / PLAN_COPY_MARK).read_text(encoding="utf-8")
    except OSError:
        return None


def plans(items: Iterable[object]) -> bool:
    """Whether one of a session's ``items`` (tests) uses the plan layer (``xacct_plan``)."""
    return any("xacct_plan" in getattr(item, "fixturenames", ()) for item in items)


def start_prewarm(
    loaded: Callable[[], LoadedRegistry],
    modules_dir: Path | None,
    work: Callable[[], Path],
    terraform: Callable[[], Callable[[Path], Terraform]],
) -> Prewarm | None:
    """Start the ``init`` when terraform is there and the modules are local (``modules_dir``, else
    ``modules/`` beside the registry); else None. The rest is asked for only then: the registry, a new
    work folder, the terraform runner factory."""
    if shutil.which("terraform") is None:
        return None  # the plan layer says so itself
    from generator.render_pool import module_source

    try:
        modules = modules_dir or module_source(loaded()).local_dir
        if modules is None:  # a module_source template: the roots' sources are not local
            return None
        return Prewarm.start(work(), Path(modules), MODULE.values(), terraform(), SHARD_TERRAFORM_BLOCK)
    except (OSError, ValueError, RegistryError):  # a head start only: the plan layer reports its own
        return None
