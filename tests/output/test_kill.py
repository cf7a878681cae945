"""kill -9 at random moments: the output folder is always exactly the old tree or the new one.

``xacct generate`` switches a folder between the trees of registries A and B (a few hundred tenants,
a third shared, a third changed, a third swapped) and is SIGKILLed after a random delay between 0 and
the measured length of a full run. After each kill the folder must equal reference tree A or B file
for file, and the next ``generate`` must succeed and remove the staging folders the killed run left.
``XACCT_KILL_RUNS`` sets the number of kills (``make soak`` runs 200), ``XACCT_KILL_TENANTS`` the
registry size, ``XACCT_KILL_SEED`` replays a sequence.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.reliability.conftest import run_xacct, tree_files, xacct_command
from tests.reliability.registries import big_registry, make_workspace, write_registry

pytestmark = [pytest.mark.slow]

RUNS = int(os.environ.get("XACCT_KILL_RUNS", "12"))
TENANTS = int(os.environ.get("XACCT_KILL_TENANTS", "200"))


def staging_folders(out: Path) -> list[Path]:
    return sorted(out.parent.glob(f".{out.name}.xacct-*"))


def generate_ok(registry: Path, out: Path) -> float:
    started = time.monotonic()
    proc = run_xacct("generate", "--registry", registry, "--out", out, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return time.monotonic() - started


def which_tree(tree: dict[str, bytes], refs: dict[str, dict[str, bytes]]) -> str:
    for name, ref in refs.items():
        if tree == ref:
            return name
    nearest = min(refs, key=lambda n: len(tree.keys() ^ refs[n].keys()))
    ref = refs[nearest]
    differing = sorted(
        (tree.keys() ^ ref.keys()) | {k for k in tree.keys() & ref.keys() if tree[k] != ref[k]}
    )
    raise AssertionError(
        f"the output is neither tree A nor tree B; nearest is {nearest}, "
        f"{len(differing)} paths differ, e.g. {differing[:5]}"
    )


def which_folders(tree: dict[str, bytes], refs: dict[str, dict[str, bytes]]) -> str:
    """``which_tree``, or ``mixed`` when each top-level folder (and loose file) is entirely one tree's."""
    try:
        return which_tree(tree, refs)
    except AssertionError:
        pass

    def split(files: dict[str, bytes]) -> dict[str, dict[str, bytes]]:
        tops: dict[str, dict[str, bytes]] = {}
        for rel, data in files.items():
            tops.setdefault(rel.split("/", 1)[0], {})[rel] = data
        return tops

    parts, ref_parts = split(tree), {name: split(ref) for name, ref in refs.items()}
    for top in parts.keys() | {t for ref in ref_parts.values() for t in ref}:
        if all(parts.get(top, {}) != ref.get(top, {}) for ref in ref_parts.values()):
            raise AssertionError(f"the folder {top} is neither tree A's nor tree B's")
    return "mixed"


def wait_for_staging(out: Path, proc: subprocess.Popen[bytes], limit: float) -> float | None:
    """Seconds until the run's staging folder appeared (None if the run ended first)."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if staging_folders(out):
            return time.monotonic() - started
        if proc.poll() is not None:
            return None
        time.sleep(0.002)
    return None


def start(registry: Path, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*xacct_command(), "generate", "--registry", str(registry), "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def staging_window(registry: Path, out: Path, *, must_see: bool) -> float:
    """How long a run's staging folder exists (from appearing to disappearing). A run that replaces
    one folder stages it for a few milliseconds, which polling may miss (``must_see`` false): 0."""
    proc = start(registry, out)
    appeared = wait_for_staging(out, proc, 600)
    if appeared is None:
        assert proc.wait() == 0
        assert not must_see, "the run never created a staging folder"
        return 0.0
    seen = time.monotonic()
    while staging_folders(out):
        time.sleep(0.002)
    window = time.monotonic() - seen
    assert proc.wait() == 0
    return window


@pytest.mark.parametrize("change", ["many tenants", "one tenant", "a few tenants"])
def test_kill_9_at_random_moments_leaves_the_old_or_the_new_tree(tmp_path: Path, change: str) -> None:
    """``many tenants``: the whole tree is swapped; ``one tenant``: only that tenant's folder is;
    ``a few tenants``: their folders are swapped one by one, so each folder is old or new (a kill
    between two of the swaps, microseconds apart, may leave a mix, which the next run completes)."""
    ws = make_workspace(tmp_path / "ws")
    second = {"many tenants": "B", "one tenant": "one", "a few tenants": "few"}[change]
    sources = {
        v: write_registry(ws / f"{v}.yaml", big_registry(TENANTS, variant))
        for v, variant in (("A", "A+"), ("B", second))  # A+: A's tree; switching back from B drops none
    }
    registry = ws / "tenants.yaml"  # one file for both: the tree's manifest names the registry file

    def use(v: str) -> Path:
        shutil.copyfile(sources[v], registry)
        return registry

    refs: dict[str, dict[str, bytes]] = {}
    for v in sources:  # same depth as the output: identical relative module sources
        generate_ok(use(v), ws / f"ref-{v}")
        refs[v] = tree_files(ws / f"ref-{v}")
    assert refs["A"] != refs["B"]
    out = ws / "out"
    generate_ok(use("A"), out)
    inodes = {p.name: p.stat().st_ino for p in out.iterdir() if p.is_dir()}  # the tenant folders
    duration = generate_ok(use("B"), out)  # a full switch: the longest a killed run can take
    replaced = sorted(
        n for n, ino in inodes.items() if not (out / n).exists() or (out / n).stat().st_ino != ino
    )
    expected = {"many tenants": len(inodes), "one tenant": 1, "a few tenants": 3}[change]
    assert len(replaced) == expected, f"{change}: the switch replaced {len(replaced)} tenant folders"
    window = staging_window(use("A"), out, must_see=change == "many tenants")
    current = "A"

    seed = int(os.environ.get("XACCT_KILL_SEED", random.SystemRandom().randrange(2**32)))
    rng = random.Random(seed)
    outcomes: Counter[str] = Counter()
    started = time.monotonic()
    for run in range(RUNS):
        target = "A" if current == "B" else "B"
        proc = start(use(target), out)
        if run % 2 == 0:
            mode, delay = "uniform", rng.uniform(0, duration)
            time.sleep(delay)
        else:
            mode, delay = "staging", rng.uniform(0, window * 1.2)
            appeared = wait_for_staging(out, proc, 600)
            time.sleep(delay)
            delay += appeared or 0.0
        proc.kill()
        code = proc.wait()
        where = f"run {run} (seed {seed}, {mode}, kill after {delay:.3f}s; full run {duration:.3f}s)"
        leftovers = staging_folders(out)
        try:
            found = (which_folders if change == "a few tenants" else which_tree)(tree_files(out), refs)
        except AssertionError as exc:
            raise AssertionError(f"{where}: {exc}") from None
        assert found in (current, target, "mixed"), where
        if code == 0:
            outcome = "finished before the kill"
        elif found == "mixed":
            outcome = "some folders new, the rest old (killed between two folder swaps)"
        elif found == current:
            outcome = "old tree, killed while staging" if leftovers else "old tree, killed before staging"
        else:
            outcome = "new tree, killed after the swap" + (" (old tree not yet removed)" if leftovers else "")
        outcomes[f"{mode}: {outcome}"] += 1

        follow = rng.choice("AB")
        generate_ok(use(follow), out)
        assert staging_folders(out) == [], f"{where}: the next generate left {staging_folders(out)}"
        assert tree_files(out) == refs[follow], f"{where}: the next generate did not write tree {follow}"
        current = follow

    elapsed = time.monotonic() - started
    summary = "; ".join(f"{n}x {what}" for what, n in sorted(outcomes.items()))
    print(
        f"\nkill -9, {change} changed: {RUNS} kill points survived ({TENANTS} tenants, "
        f"{len(refs['A'])}/{len(refs['B'])} files, "
        f"full run {duration:.2f}s, staging window {window:.2f}s, seed {seed}, {elapsed:.0f}s): {summary}"
    )
