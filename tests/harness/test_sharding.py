"""``--xacct-shard K/N``: N runners prove every role exactly once, a tenant's roles stay together."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator.harness.sharding import ShardError, parse_shard, shard_of
from tests.reliability.registries import PARTNER, tenant, write_registry


@pytest.mark.parametrize("text", ["", "1", "0/3", "4/3", "a/b", "1/0", "-1/2", "1/2/3", " 2 / 3"])
def test_bad_shards_say_what_to_pass(text: str) -> None:
    with pytest.raises(ShardError, match="--xacct-shard"):
        parse_shard(text)


def test_shards_partition_the_tenants_stably() -> None:
    names = [f"tenant-{i:05d}" for i in range(3000)]
    for n in (1, 2, 3, 7, 10):
        shards = [shard_of(name, n) for name in names]
        assert set(shards) <= set(range(1, n + 1))
        sizes = [shards.count(k) for k in range(1, n + 1)]
        assert max(sizes) - min(sizes) < 0.2 * len(names) / n + 10, sizes  # roughly even
    assert [shard_of(n, 10) for n in names[:50]] == [shard_of(n, 10) for n in names[:50]]
    # adding tenants moves none of the others
    assert [shard_of(n, 7) for n in names[:100]] == [shard_of(n, 7) for n in [*names, "new"][:100]]


def _collected(registry: Path, shard: str | None, cwd: Path) -> list[str]:
    args = [sys.executable, "-m", "pytest", "-q", "--collect-only", "-p", "no:cacheprovider"]
    args += ["--xacct-registry", str(registry), "-m", "not live"]
    if shard:
        args += ["--xacct-shard", shard]
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 5), done.stdout + done.stderr
    return [
        line.split("[", 1)[1].rstrip("]")
        for line in done.stdout.splitlines()
        if "test_plan_trust_policy[" in line
    ]


@pytest.mark.slow  # several seconds: many generate runs or a pytest subprocess
def test_the_union_of_shards_is_every_role_exactly_once(tmp_path: Path) -> None:
    registry = write_registry(
        tmp_path / "tenants.yaml",
        {"version": 1, "partner": PARTNER, "tenants": [tenant(i) for i in range(40)]},
    )
    everyone = _collected(registry, None, tmp_path)
    assert len(everyone) == 50  # 40 tenants: both scenarios for a quarter of them
    shards = [_collected(registry, f"{k}/4", tmp_path) for k in range(1, 5)]
    union = [key for shard in shards for key in shard]
    assert sorted(union) == sorted(everyone)  # every role, exactly once
    assert all(shards), "a shard of 40 tenants in 4 should not be empty"
    for shard in shards:  # a tenant's roles stay together
        tenants = {key.split("/")[0] for key in shard}
        assert not tenants & {key.split("/")[0] for other in shards if other is not shard for key in other}


def test_a_bad_shard_is_a_usage_error_not_a_traceback(tmp_path: Path) -> None:
    registry = write_registry(
        tmp_path / "tenants.yaml", {"version": 1, "partner": PARTNER, "tenants": [tenant(0)]}
    )
    args = [sys.executable, "-m", "pytest", "-q", "--collect-only", "-p", "no:cacheprovider"]
    done = subprocess.run(
        [*args, "--xacct-registry", str(registry), "--xacct-shard", "5/4"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 4
    assert "--xacct-shard 5/4: K must be between 1 and N (4)" in done.stderr + done.stdout
    assert "Traceback" not in done.stderr + done.stdout


def test_the_example_workflow_runs_every_shard_and_merges_them() -> None:
    import re

    import yaml

    workflow = Path(__file__).resolve().parents[2] / "examples/pipelines/github-actions.yml"
    jobs = yaml.safe_load(workflow.read_text())["jobs"]
    shards = jobs["prove-shards"]["strategy"]["matrix"]["shard"]
    run = " ".join(step.get("run", "") for step in jobs["prove-shards"]["steps"])
    n = int(re.search(r"--xacct-shard \$\{\{ matrix.shard \}\}/(\d+)", run)[1])  # type: ignore[index]
    assert shards == list(range(1, n + 1))
    assert "--xacct-proof-record" in run and "--junitxml shard-${{ matrix.shard }}.xml" in run
    merged = " ".join(step.get("run", "") for step in jobs["merge-shards"]["steps"])
    assert "xacct junit-merge" in merged and "shard-*.xml" in merged


@pytest.mark.parametrize(("option", "value"), [("--xacct-jobs", -1), ("--xacct-shard-size", 0)])
def test_a_bad_count_is_a_usage_error_not_a_traceback(option: str, value: int) -> None:
    """``--xacct-jobs -1`` divided by zero while batching (a ZeroDivisionError traceback in the validate
    test); pytest_configure now refuses it in one line before collection."""
    from generator.harness.options import check_counts

    class Config:
        def getoption(self, name: str) -> int | None:
            return value if name == option else None

    with pytest.raises(pytest.UsageError, match=f"^{option} {value}: give a count of at least 1"):
        check_counts(Config())  # type: ignore[arg-type]


@pytest.mark.slow  # two pytest runs and terraform fmt
@pytest.mark.terraform
def test_the_shards_junit_files_merge_with_each_test_once(tmp_path: Path) -> None:
    """Red team: the tests of no one role (terraform fmt of the tree, the whole plan's accounting) ran in
    every shard under one id, and so did pytest's ``[NOTSET]`` of a layer with no role in a shard, so the
    example workflow's ``xacct junit-merge`` always exited 1 ("the split is broken"). They now carry the
    shard in their id; each role's tests still run in exactly one shard."""
    import xml.etree.ElementTree as ET

    registry = write_registry(
        tmp_path / "tenants.yaml",
        {"version": 1, "partner": PARTNER, "tenants": [tenant(i) for i in range(6)]},
    )
    (tmp_path / "modules").symlink_to(Path(__file__).resolve().parents[2] / "modules")
    files = []
    for k in (1, 2, 3):
        xml = tmp_path / f"shard-{k}.xml"
        args = [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--xacct-registry",
            str(registry),
        ]
        args += ["--xacct-shard", f"{k}/3", "-k", "hcl or fmt", "-m", "not live", "--junitxml", str(xml)]
        done = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
        files.append(xml)
    merged = tmp_path / "junit.xml"
    done = subprocess.run(
        [sys.executable, "-m", "generator.cli", "junit-merge", "--out", str(merged), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    names = [case.get("name") or "" for case in ET.parse(merged).getroot().iter("testcase")]
    assert len(names) == len(set(names))
    fmt = sorted(n for n in names if n.startswith("test_generated_tree_is_terraform_fmt_clean"))
    assert fmt == [f"test_generated_tree_is_terraform_fmt_clean[shard-{k}-of-3]" for k in (1, 2, 3)]
    roles = sorted(
        n.split("[", 1)[1] for n in names if n.startswith("test_hcl_root_passes_the_tenants_values[")
    )
    everyone = _collected(registry, None, tmp_path)
    assert [r.rstrip("]") for r in roles if not r.startswith("no-role-")] == sorted(everyone)
