"""The plan layer's evidence: the roots planned as they will be applied, and every plan accounted for.

A root whose files are exactly what xacct renders for the registry is planned in a shard (its module
arguments verbatim: nothing else in it can change the plan). Any other root (a foreign ``.tf``, an
override, ``.tfvars``, an edited ``main.tf``) is planned whole, as it is, on its own. Every plan then
goes through the one plan accounting (:mod:`generator.accounting`) against the registry.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from generator.accounting import AccountedRole, PlanFinding, account_plan
from generator.accounting.identity import Hint, shard_hint
from generator.harness.batch import BatchResult, plan_batched, plan_each
from generator.harness.prewarm import FOLDER as PREWARM_FOLDER
from generator.harness.prewarm import Prewarm
from generator.harness.roots import GeneratedRoot, find_roots, root_differences
from generator.policy import RoleSpec
from generator.registry import LoadedRegistry
from generator.terraform_runner import Plan, Terraform


@dataclass
class PlanLayer:
    """Accounted roles by ``tenant/scenario``, every finding, and how the roots were planned."""

    roles: dict[str, AccountedRole] = field(default_factory=dict)
    findings: list[PlanFinding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    batch: BatchResult | None = None


def root_hint(spec: RoleSpec | None) -> Hint | None:
    """In a plan of one root, every resource is in the account the root is for."""
    if spec is None:
        return None
    account = spec.account_id
    return lambda rc: account


def root_renderer(loaded: LoadedRegistry) -> Callable[[RoleSpec, GeneratedRoot], dict[str, str]]:
    """``render(spec, root)``: the files xacct writes into ``root`` for ``spec`` today (the modules'
    location is worked out once, not per root)."""
    from generator.render.terraform import render_root
    from generator.render_pool import module_source

    modules, cloud = module_source(loaded), loaded.model.partner.terraform_cloud
    return lambda spec, root: render_root(spec, root.path, modules, cloud)


def account(layer: PlanLayer, batch: BatchResult, loaded: LoadedRegistry, specs: dict[str, RoleSpec]) -> None:
    """Account for each plan of ``batch`` into ``layer``."""
    everyone = list(specs.values())
    for plan, keys, whole in zip(batch.plans, batch.keys, batch.whole, strict=True):
        hint = root_hint(specs.get(keys[0])) if whole else shard_hint(specs)
        result = account_plan(plan, everyone, loaded.model, where=", ".join(keys), expected=keys, hint=hint)
        layer.roles.update(result.roles)
        layer.findings += result.findings
        layer.notes += result.notes
        layer.plans.append(plan)


def plan_layer(
    loaded: LoadedRegistry,
    roles: Sequence[RoleSpec],
    generated: Path,
    work: Path,
    terraform: Callable[[Path], Terraform],
    *,
    shard_size: int | None = None,
    jobs: int | None = None,
    modules_dir: Path | None = None,
    whole_tree: bool = True,
    plan_out: Path | None = None,
    everyone: Sequence[RoleSpec] | None = None,
    roots: Sequence[GeneratedRoot] | Callable[[], Sequence[GeneratedRoot]] | None = None,
    prewarm: Prewarm | None = None,
) -> PlanLayer:
    """Plan the roots of ``roles`` under ``generated`` as they will be applied, and account for them.

    ``whole_tree``: also report roots under ``generated`` that the registry does not have.
    ``plan_out``: write each plan JSON there (``<tenant>__<scenario>.json`` for a root planned whole,
    ``shard-NNNN.json`` for a shard), so that a pipeline or ``xacct plan-guard`` can judge the same plans.
    ``everyone`` (every role of the registry): when the caller has it already. ``roots``: every root of
    the tree (``find_roots(generated)``), or what gives it; unless it is given, only the folders of the
    tenants of ``roles`` are walked before planning, and the whole tree (for roots the registry does not
    have) while terraform plans. ``prewarm``: the shards' ``init``, started ahead in ``work``.
    """
    from generator.policy import build_roles

    specs = {s.key: s for s in (build_roles(loaded.model) if everyone is None else everyone)}
    wanted = {r.key for r in roles}
    layer = PlanLayer()
    batched, whole = [], []
    render = root_renderer(loaded)
    every: Sequence[GeneratedRoot] = ()
    walk = None
    if roots is None or callable(roots):
        walk = roots or (lambda: find_roots(generated))
        mine = find_roots(generated, tenants={r.tenant for r in roles})
    else:
        every = roots
        mine = [root for root in every if root.key in wanted]
    for root in mine:
        if root.key not in wanted:
            continue
        differences = root_differences(root, render(specs[root.key], root))
        if differences:
            layer.notes += [f"{root.key}: planned whole, as it is: {d}" for d in differences]
            whole.append(root)
        else:
            batched.append(root)
    options = {"jobs": jobs, "modules_dir": modules_dir}
    with ThreadPoolExecutor(max_workers=1) as walker:  # the tree's walk, while terraform plans
        walked = walker.submit(walk) if walk is not None and whole_tree else None
        batch = plan_batched(batched, work, terraform, shard_size=shard_size, prewarm=prewarm, **options)
        if whole:
            batch.extend(plan_each(whole, work / "whole", terraform, **options))
        if walked is not None:
            every = walked.result()
    if whole_tree:
        layer.findings += [
            PlanFinding(None, str(root.path), f"{root.path}: a root the registry does not have")
            for root in every
            if root.key not in wanted and root.key not in specs
        ]
    layer.batch = batch
    account(layer, batch, loaded, specs)
    layer.findings += unseen_blocks(work)
    if plan_out is not None:
        save_plans(batch, plan_out)
    return layer


UNSEEN = {  # block type: why it matters (the plan JSON shows neither the block nor its configuration)
    "ephemeral": "terraform opens it at apply (an aws_lambda_invocation runs code)",
    "removed": "its provisioners run at apply and `destroy = false` leaves the resource deployed",
}
UNSEEN_HCL = {kind: re.compile(rf"(?:^|\*/)[ \t]*{kind}[ \t]*[\"A-Za-z_{{]", re.M) for kind in UNSEEN}
UNSEEN_JSON = {kind: re.compile(rf'"{kind}"\s*:\s*[{{\[]') for kind in UNSEEN}


def unseen_blocks(work: Path) -> list[PlanFinding]:
    """What terraform runs at apply but no plan JSON shows (``UNSEEN``: an ``ephemeral`` block, a
    ``removed`` block's provisioners), in every module folder terraform loaded for the plans made under
    ``work`` (its ``modules.json``)."""
    folders: set[Path] = set()
    for pattern in ("*/*/.terraform/modules/modules.json", "*/*/*/.terraform/modules/modules.json"):
        for listing in sorted(work.glob(pattern)):
            if listing.relative_to(work).parts[0] == PREWARM_FOLDER:  # linked by the shards it served
                continue
            plan_dir = listing.parent.parent.parent
            for module in json.loads(listing.read_text(encoding="utf-8")).get("Modules") or []:
                folders.add((plan_dir / str(module.get("Dir") or ".")).resolve())
    found = []
    for folder in sorted(folders):
        for path in sorted([*folder.glob("*.tf"), *folder.glob("*.tf.json")]):
            text = path.read_text(encoding="utf-8", errors="replace")
            patterns = UNSEEN_JSON if path.name.endswith(".json") else UNSEEN_HCL
            for kind, why in UNSEEN.items():
                if patterns[kind].search(text):
                    shown = "and no plan JSON shows it, so nothing can judge it; remove it"
                    a = "an" if kind[0] in "aeiou" else "a"
                    found.append(PlanFinding(None, str(path), f"{path}: {a} {kind} block: {why}, {shown}"))
    return found


def save_plans(batch: BatchResult, folder: Path) -> list[Path]:
    """Write each plan of ``batch`` as JSON into ``folder``; returns the paths."""
    import orjson

    folder.mkdir(parents=True, exist_ok=True)
    paths, shard = [], 0
    for plan, keys, whole in zip(batch.plans, batch.keys, batch.whole, strict=True):
        if whole:
            name = keys[0].replace("/", "__") + ".json"
        else:
            name, shard = f"shard-{shard:04d}.json", shard + 1
        path = folder / name
        path.write_bytes(orjson.dumps(plan.raw))
        paths.append(path)
    return paths
