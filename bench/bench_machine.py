"""How the benchmarks measure on this machine: what it is, its load, wall and children's CPU time, and
terraform runners sharing one CLI config (the provider mirror)."""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from generator.terraform_runner import Terraform, write_cli_config


def terraform_factory(folder: Path) -> Callable[[Path], Terraform]:
    """Runners sharing one CLI config (provider mirror) written into ``folder``."""
    config = write_cli_config(folder / "terraform.rc")
    return lambda path: Terraform(path, cli_config=config, timeout=3600)


def terraform_versions() -> dict[str, str]:
    """terraform and provider versions (``terraform version -json`` in an initialised folder)."""
    out = subprocess.run(["terraform", "version", "-json"], capture_output=True, text=True, check=False)
    versions = {"terraform": json.loads(out.stdout).get("terraform_version", "?") if out.stdout else "?"}
    mirror = Path(os.environ.get("XACCT_PROVIDER_MIRROR", "/opt/tf-plugins"))
    found = sorted(p.name for p in mirror.glob("registry.terraform.io/hashicorp/aws/*"))
    versions["hashicorp/aws"] = ", ".join(found) or "?"
    return versions


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    free = subprocess.run(["free", "-h"], capture_output=True, text=True, check=False).stdout
    mem = next((line.split()[1] for line in free.splitlines() if line.startswith("Mem:")), "?")
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "memory": mem,
        "python": platform.python_version(),
        **terraform_versions(),
    }


def load() -> float:
    """The 1-minute load average."""
    return round(os.getloadavg()[0], 2)


def children_cpu() -> float:
    """CPU seconds (user + system) of this process's finished children (terraform and its provider)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


T = TypeVar("T")


def timed(step: Callable[[], T]) -> tuple[T, float, float]:
    """``step()``, its wall time and the CPU time of the children it ran."""
    cpu, start = children_cpu(), time.perf_counter()
    result = step()
    return result, time.perf_counter() - start, children_cpu() - cpu


def side_by_side(dirs: Sequence[Path], step: Callable[[Path], Any], jobs: int) -> tuple[float, float]:
    """Run ``step`` on every folder, ``jobs`` at a time; the wall time and the CPU time of the children."""

    def run_all() -> None:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            list(pool.map(step, dirs))

    _, wall, cpu = timed(run_all)
    return wall, cpu
