"""``pytest --xacct-report DIR``: the evidence report of a harness run, from what the run already has.

At the end of the session the plan layer's accounting (``config._xacct_plan_layer``: accounted roles,
findings, the plans judged) is the evidence; a run that planned nothing (``-m "not terraform"``, or
under xdist, where the plans live in the workers) reports on the registry's model documents and says
so. The generated tree the run tested is linted and its onboarding kits checked. A ``report.json``
already in DIR is the previous report: the new one says what changed since.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.harness.options import given_path


def add_option(group: Any) -> None:
    group.addoption(
        "--xacct-report",
        metavar="DIR",
        help="write the evidence report (report.html, report.md, report.json) of this run into DIR",
    )


def plan_evidence_of(layer: Any) -> Any:
    """The plan layer as report evidence: its roles, findings, and each plan named as --xacct-plan-out
    would name it."""
    import orjson

    from generator.report.build import PlanEvidence
    from generator.report.inputs import plan_input

    where: dict[str, str] = {}
    plans = []
    batch = getattr(layer, "batch", None)
    if batch is not None:
        shard = 0
        for plan, keys, whole in zip(batch.plans, batch.keys, batch.whole, strict=True):
            if whole:
                name = keys[0].replace("/", "__") + ".json"
            else:
                name, shard = f"shard-{shard:04d}.json", shard + 1
            plans.append(plan_input(name, orjson.dumps(plan.raw), plan.raw))
            where.update({key: name for key in keys})
    else:
        for plan in layer.plans:
            plans.append(plan_input("--xacct-plan-json", orjson.dumps(plan.raw), plan.raw))
        where = {key: "--xacct-plan-json" for key in layer.roles}
    return PlanEvidence(roles=layer.roles, where=where, findings=list(layer.findings), plans=plans)


def write_session_report(config: pytest.Config, load: Any, reporter: Any) -> None:
    """Write the report into --xacct-report DIR and say where (and what) in the terminal summary;
    ``load()`` gives the session's registry."""
    from generator.registry import RegistryError
    from generator.report import BadInput, make_report, write_report

    out = given_path(config, "--xacct-report")
    if out is None or hasattr(config, "workerinput"):
        return
    layer = getattr(config, "_xacct_plan_layer", None)
    generated = getattr(config, "_xacct_generated_tree", None)
    previous = out / "report.json"
    try:
        report = make_report(
            load(),
            plans=plan_evidence_of(layer) if layer is not None else None,
            generated=generated if generated is not None and Path(generated).is_dir() else None,
            previous=previous if previous.is_file() else None,
            built_by="pytest --xacct-report",
            lock_folders=[Path(w) for w in [getattr(config, "_xacct_plan_work", None)] if w is not None],
        )
        write_report(report, out)
    except (BadInput, OSError, RegistryError) as exc:
        reporter.write_line(f"xacct report: not written: {str(exc).splitlines()[0] if str(exc) else exc!r}")
        return
    statuses = [c["status"] for c in report["controls"]]
    counts = ", ".join(f"{statuses.count(s)} {s}" for s in ("met", "not met", "not checked"))
    level = report["inputs"]["evidence_level"]
    reporter.write_sep("-", "xacct evidence report")
    reporter.write_line(f"{out / 'report.html'}: {counts} (evidence: {level})")
