"""The plan layer's ``init`` started ahead: used only where it serves, never a failure of its own."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator.harness.batch import plan_batched
from generator.harness.planlayer import unseen_blocks
from generator.harness.prewarm import FOLDER, Prewarm, plans, start_prewarm
from generator.harness.roots import SHARD_TERRAFORM_BLOCK, find_roots, modules_dir_of
from generator.harness.selection import may_plan
from generator.policy.roles import MODULE
from generator.terraform_runner import Terraform, TerraformError


class Recording:
    """A Terraform factory that records each command's folder (relative to ``base``) and name."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.commands: list[tuple[str, str]] = []

    def __call__(self, path: Path) -> Terraform:
        commands, base = self.commands, self.base

        class Recorded(Terraform):
            def run(self, *args: str, **kwargs: object):  # type: ignore[no-untyped-def]
                commands.append((os.path.relpath(self.workdir, base), args[0]))
                return super().run(*args, **kwargs)  # type: ignore[arg-type]

        return Recorded(path)


def _changes(plans: list) -> list:  # type: ignore[type-arg]
    return sorted(
        (c["address"], c["change"]["actions"], repr(c["change"]["after"]))
        for plan in plans
        for c in plan.raw["resource_changes"]
    )


@pytest.mark.terraform
def test_shards_link_the_init_started_ahead_and_plan_the_same(
    example_workspace: Path, tmp_path: Path
) -> None:
    """With a prewarm of the roots' own modules, no shard runs an ``init`` (even a lone shard, which
    otherwise inits itself), each links the prewarm's ``.terraform``, and the plans are those of the
    plain path."""
    roots = find_roots(example_workspace / "generated")
    modules = modules_dir_of(roots[0])[0]
    recording = Recording(tmp_path)
    prewarm = Prewarm.start(tmp_path / "w", modules, MODULE.values(), recording, SHARD_TERRAFORM_BLOCK)
    warm = plan_batched(roots, tmp_path / "w", recording, shard_size=len(roots), prewarm=prewarm)
    assert recording.commands == [
        (f"w/{FOLDER}/shards/init", "init"),
        ("w/shards/shard-0000", "plan"),
        ("w/shards/shard-0000", "show"),
    ]
    shard = tmp_path / "w" / "shards" / "shard-0000"
    assert os.readlink(shard / ".terraform") == f"../../{FOLDER}/shards/init/.terraform"
    assert "hashes" not in (shard / ".terraform.lock.hcl").read_text(encoding="utf-8")
    cold = plan_batched(roots, tmp_path / "c", Recording(tmp_path), shard_size=len(roots))
    assert _changes(warm.plans) == _changes(cold.plans) and warm.plans[0].resource_changes
    # what terraform loaded for the shards is read through their link (the modules the plans ran), the
    # prewarm's own copy is not: a block no plan JSON shows is reported once, where the plans read it
    assert unseen_blocks(tmp_path / "w") == []
    for copy in (tmp_path / "w" / "modules", tmp_path / "w" / FOLDER / "modules"):
        with (copy / "customer-role" / "main.tf").open("a", encoding="utf-8") as tf:
            tf.write('\nephemeral "aws_lambda_invocation" "x" {\n}\n')
    [finding] = unseen_blocks(tmp_path / "w")
    assert finding.text.startswith(f"{(tmp_path / 'w' / 'modules' / 'customer-role' / 'main.tf').resolve()}:")


@pytest.mark.terraform
def test_a_prewarm_of_other_modules_is_not_used(example_workspace: Path, tmp_path: Path) -> None:
    """A prewarm made from another modules folder (even with the same files): the shard inits itself,
    against the modules its roots call."""
    roots = find_roots(example_workspace / "generated")[:1]
    other = tmp_path / "other-modules"
    shutil.copytree(modules_dir_of(roots[0])[0], other)
    recording = Recording(tmp_path)
    prewarm = Prewarm.start(tmp_path / "w", other, MODULE.values(), recording, SHARD_TERRAFORM_BLOCK)
    result = plan_batched(roots, tmp_path / "w", recording, prewarm=prewarm)
    assert ("w/shards/shard-0000", "init") in recording.commands
    assert not (tmp_path / "w" / "shards" / "shard-0000" / ".terraform").is_symlink()
    assert result.plans[0].resource_changes


def test_a_failed_prewarm_is_only_a_missed_head_start(example_workspace: Path, tmp_path: Path) -> None:
    """The prewarm's terraform fails: ``ready_for`` gives nothing and raises nothing (the shards' own
    init runs instead and reports what is wrong)."""
    roots = find_roots(example_workspace / "generated")

    def broken(path: Path) -> Terraform:
        raise TerraformError(["terraform", "init"], 1, "no provider here", path)

    modules = modules_dir_of(roots[0])[0]
    prewarm = Prewarm.start(tmp_path, modules, MODULE.values(), broken, SHARD_TERRAFORM_BLOCK)
    assert prewarm.ready_for(tmp_path / FOLDER / "modules") is None
    missing = Prewarm.start(tmp_path / "x", tmp_path / "no-modules", ["customer-role"], broken, "")
    assert missing.ready_for(tmp_path / "x" / FOLDER / "modules") is None


def test_a_session_that_does_not_plan_starts_nothing() -> None:
    class Item:
        def __init__(self, *names: str) -> None:
            self.fixturenames = names

    assert not plans([Item("xacct_registry", "xacct_generated"), object()])
    assert not plans([])
    assert plans([Item("xacct_registry"), Item("xacct_plan")])


def test_no_terraform_no_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")

    def never() -> object:
        raise AssertionError("nothing else is asked for")

    assert start_prewarm(never, None, never, never) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("options", "ahead"),
    [
        ({}, True),
        ({"markexpr": "not live"}, True),
        ({"markexpr": "terraform or live"}, True),
        ({"markexpr": "not terraform"}, False),
        ({"markexpr": "not xacct_layer"}, False),
        ({"markexpr": "live"}, False),
        ({"markexpr": "not ("}, False),  # pytest reports it; nothing starts ahead
        ({"keyword": "test_plan"}, False),  # names are not known before collection: not ahead
        ({"collectonly": True}, False),
    ],
)
def test_may_plan_reads_the_options_before_collection(
    request: pytest.FixtureRequest, options: dict[str, object], ahead: bool
) -> None:
    class Config:
        def getoption(self, name: str, default: object = None) -> object:
            assert request.config.getoption(name, "no such option") != "no such option", name
            return options.get(name, default)

    assert may_plan(Config()) is ahead  # type: ignore[arg-type]
