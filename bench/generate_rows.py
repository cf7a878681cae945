"""The rows of the installed ``xacct`` CLI on a generated tree: cold generate (on disk and in tmpfs),
regenerate with nothing or one or three tenants edited (with the mtime check), ``generate --check`` and
``xacct lint``."""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench_row import Row, log, repeated
from plan_workload import scratch_registry

from generator.output.manifest import MANIFEST
from generator.output.update import FOLDERS_SHARE

BIN = Path(sys.executable).parent
EDIT_ZONE = "ZBENCHEDIT0001"


def xacct(*args: str, ok: Sequence[int] = (0,)) -> float:
    """Run the installed ``xacct`` command; its wall time (including interpreter start-up)."""
    command = [str(BIN / "xacct"), *args]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode not in ok:
        raise SystemExit(
            f"`{' '.join(command)}` exited {done.returncode}:\n{done.stderr[-3000:]}{done.stdout[-2000:]}"
        )
    return seconds


def has_subcommand(name: str) -> bool:
    done = subprocess.run([str(BIN / "xacct"), name, "--help"], capture_output=True, text=True, check=False)
    return done.returncode == 0


def mtimes(out: Path) -> dict[str, int]:
    """Every file under ``out`` with its mtime in nanoseconds."""
    found = {}
    for root, _, files in os.walk(out):
        for name in files:
            path = os.path.join(root, name)
            found[os.path.relpath(path, out)] = os.stat(path).st_mtime_ns
    return found


def count_files(out: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(out))


def edit_tenants(text: str, tenants: int, count: int = 1) -> tuple[str, list[str]]:
    """The registry with the hosted zone of ``count`` tenants changed (spread over the registry; one: the
    tenant in the middle), and their names."""
    names = []
    for k in range(count):
        index = tenants * (k + 1) // (count + 1)
        index -= index % 3  # tenants 0, 3, 6... have a zone (bench/make_registry.py)
        name = f"tenant-{index:05d}"
        pattern = re.compile(rf"(- name: {name}\n(?:    .*\n)*?.*hosted_zone_ids: \[)(Z[A-Z0-9]+)(\])")
        text, found = pattern.subn(rf"\g<1>{EDIT_ZONE}\g<3>", text, count=1)
        if found != 1 or name in names:
            raise SystemExit(f"could not find the hosted zone of {name} in the bench registry")
        names.append(name)
    return text, names


def generate_rows(
    folder: Path, sizes: Sequence[int], runs: int, budget: float
) -> tuple[list[Row], dict[int, Path]]:
    """Cold generate for every size; returns the rows and each size's registry."""
    rows, registries = [], {}
    for size in sizes:
        registry = scratch_registry(folder / f"t{size}", size)
        registries[size] = registry
        if size == max(sizes) and TMPFS.is_dir() and os.access(TMPFS, os.W_OK):
            # first: the disk rows leave seconds of writeback behind, which takes CPU from the next row
            rows.append(tmpfs_row(registry, size, runs, budget))
        out = registry.parent / "generated"
        shutil.rmtree(out, ignore_errors=True)
        row, last = cold_row("generate (cold)", registry, size, registry.parent, runs, budget)
        last.rename(out)  # the others go with the scratch folder, after every row
        rows.append(row)
    return rows, registries


TMPFS = Path("/dev/shm")


def cold_row(
    label: str, registry: Path, size: int, folder: Path, runs: int, budget: float
) -> tuple[Row, Path]:
    """Cold generate of ``size`` tenants, each run into a new folder in ``folder``; the row and the last
    run's folder. None is deleted before the rows end: on this machine's ext4 (mounted with `discard`)
    creating files right after deleting a large tree cost up to 5x the system time."""
    outs: list[Path] = []

    def cold() -> float:
        outs.append(folder / f"generated-cold-{len(outs)}")
        return xacct("generate", "--registry", str(registry), "--out", str(outs[-1]))

    log(f"{label} {size:,} tenants")
    samples, loads = repeated(cold, runs, budget)
    files = count_files(outs[-1])
    row = Row(
        label,
        f"{size:,} tenants",
        samples,
        detail=f"{files:,} files",
        load=loads,
        extra={"tenants": size, "files": files},
    )
    return row, outs[-1]


def tmpfs_row(registry: Path, size: int, runs: int, budget: float) -> Row:
    """Cold generate of ``size`` tenants into a folder in memory (tmpfs): the generator's own cost,
    without the disk's (on this machine's ext4, creating the files and folders alone is seconds)."""
    scratch = Path(tempfile.mkdtemp(prefix="xacct-bench-", dir=TMPFS))
    os.sync()  # the scratch registries' writeback, before the timed runs
    try:
        return cold_row("generate (cold, tmpfs)", registry, size, scratch, runs, budget)[0]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def edit_row(
    registry: Path, out: Path, original: str, tenants: int, count: int, label: str, runs: int, budget: float
) -> Row:
    """Regenerate after ``count`` tenants' edits (alternately made and undone), with the mtime check."""
    edited, names = edit_tenants(original, tenants, count)
    size = f"{tenants:,} tenants"
    gen = ("generate", "--registry", str(registry), "--out", str(out))
    log(f"regenerate, {label} ({size})")
    rewritten: list[int] = []
    stray: set[str] = set()
    texts = [edited, original]
    inside = tuple(f"{name}/" for name in names)

    def one_edit() -> float:
        registry.write_text(texts[len(rewritten) % 2], encoding="utf-8")
        old = mtimes(out)
        seconds = xacct(*gen)
        new = mtimes(out)
        changed = {rel for rel in old.keys() | new.keys() if old.get(rel) != new.get(rel)}
        rewritten.append(len(changed))
        stray.update(rel for rel in changed if not rel.startswith(inside) and rel != MANIFEST)
        return seconds

    samples, loads = repeated(one_edit, runs, budget)
    registry.write_text(original, encoding="utf-8")
    xacct(*gen)
    files = count_files(out)
    which = ", ".join(names)
    detail = f"{statistics.median(rewritten):.0f} of {files:,} files rewritten ({which} + manifest)"
    detail += f"; OTHER FILES REWRITTEN: {len(stray)}" if stray else "; other mtimes unchanged"
    return Row(
        f"regenerate, {label}",
        size,
        samples,
        load=loads,
        detail=detail,
        extra={"rewritten": rewritten, "stray": sorted(stray)[:20], "files": files, "tenants_edited": names},
    )


def edit_rows(registry: Path, tenants: int, runs: int, budget: float) -> list[Row]:
    """No-op regenerate, one- and three-tenant regenerates (with the mtime check), --check and lint."""
    out = registry.parent / "generated"
    original = registry.read_text(encoding="utf-8")
    size = f"{tenants:,} tenants"
    if not (out / MANIFEST).is_file():
        xacct("generate", "--registry", str(registry), "--out", str(out))
    gen = ("generate", "--registry", str(registry), "--out", str(out))

    log(f"regenerate, nothing changed ({size})")
    before = mtimes(out)
    samples, loads = repeated(lambda: xacct(*gen), runs, budget)
    untouched = mtimes(out) == before
    rows = [
        Row(
            "regenerate, nothing changed",
            size,
            samples,
            load=loads,
            detail="no file rewritten" if untouched else "FILES REWRITTEN",
            extra={"untouched": untouched},
        )
    ]
    for count, label in ((1, "one tenant edited"), (3, "three tenants edited")):
        if count * FOLDERS_SHARE <= tenants:  # few enough that the changed folders are replaced alone
            rows.append(edit_row(registry, out, original, tenants, count, label, runs, budget))
    log(f"generate --check ({size})")
    samples, loads = repeated(lambda: xacct(*gen, "--check"), runs, budget)
    rows.append(Row("generate --check", size, samples, load=loads, detail="up to date"))

    if has_subcommand("lint"):
        log(f"lint ({size})")
        samples, loads = repeated(lambda: xacct("lint", "--registry", str(registry), ok=(0, 1)), runs, budget)
        rows.append(Row("xacct lint", size, samples, load=loads))
    else:
        rows.append(Row("xacct lint", size, detail="no `xacct lint` subcommand"))
    return rows
