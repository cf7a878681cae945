"""``--previous``: tenants added and removed, external IDs rotated (by fingerprint) and verdicts that
changed since an earlier report.json; the pytest option writes the same report from a harness run."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from generator.cli import main

from . import plans
from .page import read_page
from .plans import REGISTRY

NEW_ID = "0d6f7c52-94a1-4b3e-8f20-6a7b1c9e3d45"
INITECH = """  - name: initech
    account_id: "555555555555"
    external_id: "9a1c5e27-3b64-4f08-b2d9-7e4f6a0c8b13"
    partner_to_customer:
      permissions:
        - route53_records: {hosted_zone_ids: [ZINITECH00001]}
"""


def next_registry(tmp_path: Path) -> Path:
    """The example registry a month on: acme's external ID rotated, globex gone, initech new."""
    text = REGISTRY.read_text(encoding="utf-8")
    text = text.replace(plans.ACME.external_id or "", NEW_ID)
    start, end = text.index("  # Scenario A only."), text.index("  # Scenario B only")
    text = text[:start] + text[end:] + INITECH
    path = tmp_path / "tenants.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_changes_since_the_previous_report(tmp_path: Path) -> None:
    plan = plans.write(tmp_path / "plan.json", plans.acme_plan(trust=plans.without_external_id()))
    first = tmp_path / "first"
    assert main(["report", "--registry", str(REGISTRY), "--plan-json", str(plan), "--out", str(first)]) == 1
    second = tmp_path / "second"
    registry = next_registry(tmp_path)
    args = [
        "report",
        "--registry",
        str(registry),
        "--previous",
        str(first / "report.json"),
        "--out",
        str(second),
    ]
    assert main(args) == 0
    changes = json.loads((second / "report.json").read_text(encoding="utf-8"))["changes"]
    assert changes["added"] == ["initech"] and changes["removed"] == ["globex"]
    assert [r["tenant"] for r in changes["rotated"]] == ["acme"]
    assert {"control": "CAA-002", "before": "not met", "after": "met"} in changes["controls"]
    changed = {(v["role"], v["case"]): (v["before"], v["after"]) for v in changes["verdicts"]}
    key = ("acme/partner_to_customer", "trusted principal without an external ID")
    assert changed[key] == ("allow", "deny")
    page = read_page(second / "report.html")
    assert "initech" in page.text["changes"] and "globex" in page.text["changes"]
    for name in ("report.html", "report.json", "report.md"):  # fingerprints only, explanations too
        for folder, secret in ((first, plans.ACME.external_id or ""), (second, NEW_ID)):
            # nor the near misses of the trust cases (a wrong last character, the wrong case)
            assert secret[:-1].lower() not in (folder / name).read_text(encoding="utf-8").lower(), (
                folder,
                name,
            )
    assert (
        "verdicts changed: 1" in (second / "report.md").read_text(encoding="utf-8")
        or changes["verdict_count"]
    )


def test_a_previous_report_that_is_not_one_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bogus = tmp_path / "report.json"
    bogus.write_text('{"format": "something else"}', encoding="utf-8")
    code = main(
        ["report", "--registry", str(REGISTRY), "--previous", str(bogus), "--out", str(tmp_path / "o")]
    )
    assert code == 2 and "not an xacct report.json" in capsys.readouterr().err


# Red team: a previous report.json of the right format whose inner shape xacct does not write was an
# internal error (AttributeError, KeyError, TypeError), and a named pipe nothing writes to (or a
# device) as --previous was waited on (or read) forever.
MALFORMED = {
    "a tenant that is a number": ({"tenants": [1]}, "tenants[0] is not an object with a name"),
    "a role that is a number": ({"tenants": [{"name": "acme", "roles": [1]}]}, "tenants[0].roles[0] is not"),
    "a verdict that is a number": (
        {"tenants": [{"name": "acme", "roles": [{"key": "k", "verdicts": {"c": 1}}]}]},
        "tenants[0].roles[0].verdicts['c'] is not [label index, verdict]",
    ),
    "a case without id": (
        {"tenants": [{"name": "acme", "roles": [{"key": "k", "cases": [{}]}]}]},
        "tenants[0].roles[0].cases is not a list of objects with an id",
    ),
    "a control without status": ({"tenants": [], "controls": [{"id": "CAA-001"}]}, "controls[0] is not"),
    "inputs a list": ({"tenants": [], "inputs": []}, "inputs is not an object"),
    "a name that is a list": ({"tenants": [{"name": ["x"]}]}, "tenants[0] is not an object with a name"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_previous_report_of_another_shape_is_one_line(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body, message = MALFORMED[case]
    bogus = tmp_path / "report.json"
    bogus.write_text(json.dumps({"format": "xacct-report/1", **body}), encoding="utf-8")
    out = tmp_path / "o"
    code = main(["report", "--registry", str(REGISTRY), "--previous", str(bogus), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"{bogus}: not an xacct report.json (xacct-report/1) as xacct writes it: {message}" in err, err
    assert "internal error" not in err and not out.exists()


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_previous_report_that_is_not_a_file_is_refused(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    previous = tmp_path / "report.json"
    if kind == "fifo":
        os.mkfifo(previous)
    else:
        previous = Path("/dev/zero")
    out = tmp_path / "o"
    code = main(["report", "--registry", str(REGISTRY), "--previous", str(previous), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2, err
    why = "is a named pipe that nothing writes to" if kind == "fifo" else "is a character device"
    assert f"{previous}: cannot read the previous report ({why}" in err, err
    assert not out.exists()
