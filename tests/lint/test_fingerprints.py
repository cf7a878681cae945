"""SARIF partialFingerprints stay the same when tenants are inserted or reordered, permissions and
statements reordered, or lines move (#17)."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from generator.cli import main
from generator.lint.findings import Finding
from generator.lint.fingerprints import KEY, fingerprint, fingerprints, stable_path, without_lines

FIXTURES = Path(__file__).parent / "fixtures"
NEWCOMER = """tenants:
  - name: aperture
    account_id: "310987654321"
    external_id: "0b6f3c2e-8d41-4a7e-9c15-e2a4b7d96f03"
    partner_to_customer:
      permissions:
        - route53_records: {hosted_zone_ids: [Z0APERTURE0001]}

"""


def sarif_results(tmp_path: Path, registry: Path, name: str) -> list[dict]:
    """The results of ``xacct lint --format sarif`` on the violation fixtures with ``registry``."""
    out = tmp_path / f"{name}.sarif"
    args = ["--registry", str(registry), "--generated", str(FIXTURES / "violations")]
    args += ["--plan-json", str(FIXTURES / "violations.plan.json"), "--format", "sarif", "--output", str(out)]
    assert main(["lint", *args]) == 1
    return json.loads(out.read_text())["runs"][0]["results"]


def registry_places(results: list[dict]) -> list[tuple[int, str]]:
    """(line, logical path) of the results located in the registry."""
    places = [
        (
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["locations"][0]["logicalLocations"][0],
        )
        for r in results
        if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("violations.yaml")
    ]
    assert places
    return sorted((line, where["fullyQualifiedName"]) for line, where in places)


def bump(index: re.Match[str]) -> str:
    return f"tenants[{int(index.group(1)) + 1}]"


def prints(results: list[dict]) -> Counter[str]:
    return Counter(r["partialFingerprints"][KEY] for r in results)


def test_a_tenant_inserted_at_the_top_keeps_every_fingerprint(tmp_path: Path) -> None:
    text = (FIXTURES / "violations.yaml").read_text()
    assert text.count("tenants:\n") == 1
    moved = tmp_path / "violations.yaml"
    moved.write_text(text.replace("tenants:\n", NEWCOMER, 1))
    before = sarif_results(tmp_path, FIXTURES / "violations.yaml", "before")
    after = sarif_results(tmp_path, moved, "after")
    assert len(before) == len(after) and not [r for r in after if "aperture" in json.dumps(r)]
    # the insertion really moved things: every registry finding is 7 lines down, one tenant index up
    old, new = registry_places(before), registry_places(after)
    assert [line for line, _ in new] == [line + 7 for line, _ in old]
    assert [path for _, path in new] == [re.sub(r"^tenants\[(\d+)\]", bump, path) for _, path in old]
    assert prints(before) == prints(after)
    per_file = Counter(
        (r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["partialFingerprints"][KEY])
        for r in before
    )
    assert max(per_file.values()) == 1, "two findings of one file share a fingerprint"


def finding(path: str, message: str, tenant: str | None = "acme", rule: str = "CAA-004") -> Finding:
    return Finding(rule, "error", message, "tenants.yaml", 3, path, tenant, "partner_to_customer")


def test_the_path_names_the_tenant_not_its_index() -> None:
    assert (
        stable_path(finding("tenants[4].partner_to_customer.max", "m"))
        == "tenants[acme].partner_to_customer.max"
    )
    assert stable_path(finding("tenants[4].external_id", "m", tenant=None)) == "tenants[*].external_id"
    assert stable_path(finding("aws_iam_role.x.tenants[4]", "m")) == "aws_iam_role.x.tenants[*]"
    assert (
        stable_path(finding("tenants[2].partner_to_customer.permissions[1].statements[0].actions[3]", "m"))
        == "tenants[acme].partner_to_customer.permissions[*].statements[*].actions[*]"
    )
    assert fingerprint(finding("tenants[4].external_id", "m")) == fingerprint(
        finding("tenants[9].external_id", "m")
    )
    other = finding("tenants[4].external_id", "m", tenant="hooli")
    assert fingerprint(finding("tenants[4].external_id", "m")) != fingerprint(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (
            "also used by tenant hooli (registry/tenants.yaml:8)",
            "also used by tenant hooli (registry/tenants.yaml:19)",
        ),
        (
            "acme/customer_to_partner (registry.yaml line 22) has no root",
            "acme/customer_to_partner (registry.yaml line 7) has no root",
        ),
        ("see lines 3-5", "see lines 12-14"),
    ],
)
def test_line_numbers_do_not_count(one: str, other: str) -> None:
    assert without_lines(one) == without_lines(other)
    assert fingerprint(finding("p", one)) == fingerprint(finding("p", other))


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("trusts arn:aws:iam::111111111111:root", "trusts arn:aws:iam::222222222222:root"),
        ("also used by tenant hooli (tenants.yaml:8)", "also used by tenant umbrella (tenants.yaml:8)"),
        ("max_session_duration 43200", "max_session_duration 14400"),
    ],
)
def test_what_the_message_says_still_counts(one: str, other: str) -> None:
    assert fingerprint(finding("p", one)) != fingerprint(finding("p", other))


def reordered(text: str) -> str:
    """``text`` (the violations registry) with its tenants in reverse order, initech's two permissions
    swapped and the statements of its ``statements`` permission reversed."""
    head, *tenants = text.split("\n  - name: ")
    tenants = [t.rstrip("\n") + "\n" for t in tenants]
    initech = next(i for i, t in enumerate(tenants) if t.startswith("initech\n"))
    zone = "        - route53_records: {hosted_zone_ids: [Z8L2Y45GOT7LQT]}\n"
    body, _, statements = tenants[initech].replace(zone, "").partition("        - statements:\n")
    first, *rest = statements.split("            - sid: ")
    flipped = first + "".join(f"            - sid: {s.rstrip(chr(10))}\n" for s in reversed(rest))
    tenants[initech] = f"{body}        - statements:\n{flipped}{zone}"
    return head.rstrip("\n") + "\n" + "".join(f"\n  - name: {t}" for t in reversed(tenants))


def test_reordering_tenants_permissions_and_statements_keeps_every_fingerprint(tmp_path: Path) -> None:
    text = (FIXTURES / "violations.yaml").read_text()
    moved = tmp_path / "violations.yaml"
    moved.write_text(reordered(text))
    before = sarif_results(tmp_path, FIXTURES / "violations.yaml", "before")
    after = sarif_results(tmp_path, moved, "after")
    # the reordering really moved things: the registry findings' lines and paths changed
    old, new = registry_places(before), registry_places(after)
    assert len(old) == len(new) >= 8
    assert {path for _, path in old} != {path for _, path in new}
    assert {line for line, _ in old} != {line for line, _ in new}
    assert prints(before) == prints(after)
    per_file = Counter(
        (r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["partialFingerprints"][KEY])
        for r in after
    )
    assert max(per_file.values()) == 1, "two findings of one file share a fingerprint"


def test_findings_alike_but_for_their_list_index_are_told_apart_in_file_order() -> None:
    one = finding("tenants[0].partner_to_customer.permissions[0].statements[1].actions", "typo")
    two = finding("tenants[0].partner_to_customer.permissions[1].statements[0].actions", "typo")
    elsewhere = replace(one, file="plan.json")
    first, second, third = fingerprints([one, two, elsewhere])
    assert second == f"{first}:2" and first == fingerprint(one)
    assert third == fingerprint(elsewhere)  # another file counts on its own
