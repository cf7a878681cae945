"""The evidence report: what a security reviewer reads (``xacct report``, ``pytest --xacct-report DIR``).

One self-contained ``report.html`` (summary per FTR control first, then every tenant and role: who may
assume it, with and without the external ID, and what it may do, each case with the evaluator's
explanation, the plan address and the registry line), a Markdown twin ``report.md`` (summary and
failures) and ``report.json`` (the same data, read back by ``--previous``)::

    loaded = load_registry("tenants.yaml")
    report = make_report(loaded, plans=plan_evidence(loaded, ["plan.json"]))
    write_report(report, Path("reports"))
"""

from generator.report.command import BadInput, make_report, plan_evidence, write_report

__all__ = ["BadInput", "make_report", "plan_evidence", "write_report"]
