"""``external-ids rotate TENANT [--finish]``: text-preserving edits, one-line refusals, and the manifest
handshake that lets ``generate`` accept a finished rotation (and nothing else) without a flag."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.external_id_rotation import RotationError, rotate
from generator.registry import load_registry

from .registries import external_id

OLD = "5c1f3f4e-2b7a-4f43-9d51-8a2e6b0c9f17"  # acme's ID in the repo's tenants.yaml
NEW = external_id(1, variant="next")

BLOCK = """\
# comments stay where they are
version: 1
partner: {name: teamform, account_id: '111111111111', region: us-east-1}
tenants:
  - name: acme   # the first tenant
    account_id: "222222222222"
    external_id: '5c1f3f4e-2b7a-4f43-9d51-8a2e6b0c9f17'   # keep this comment
    partner_to_customer:
      permissions:
        - route53_records: {hosted_zone_ids: [Z8L2Y45GOT7LQT]}
  - {name: flowco, account_id: "444444444444", external_id: "e3a94c1b-7f25-4b6a-a0d8-91c47e2f5b38", \
partner_to_customer: {permissions: [{route53_records: {hosted_zone_ids: [Z3M3LMPEXAMPLE]}}]}}
  - name: bonly
    account_id: "555555555555"
    customer_to_partner:
      permissions:
        - s3_objects: {bucket: teamform-exchange, prefix: bonly/, access: read}
"""


def write(tmp_path: Path, text: str, newline: str = "\n") -> Path:
    path = tmp_path / "tenants.yaml"
    path.write_bytes(text.replace("\n", newline).encode())
    return path


def ids(path: Path) -> dict[str, tuple[str | None, str | None]]:
    return {t.name: (t.external_id, t.next_external_id) for t in load_registry(path).model.tenants}


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_rotate_then_finish_in_block_style_changes_only_those_lines(tmp_path: Path, newline: str) -> None:
    path = write(tmp_path, BLOCK, newline)
    rotate(path, "acme", make_id=lambda: NEW)
    old_line = "    external_id: '5c1f3f4e-2b7a-4f43-9d51-8a2e6b0c9f17'   # keep this comment"
    during = BLOCK.replace(old_line, f'{old_line}\n    next_external_id: "{NEW}"')
    assert path.read_bytes() == during.replace("\n", newline).encode()
    assert ids(path)["acme"] == (OLD, NEW)
    rotate(path, "acme", finish=True)
    after = BLOCK.replace(old_line, f'    external_id: "{NEW}"   # keep this comment')
    assert path.read_bytes() == after.replace("\n", newline).encode()
    assert ids(path)["acme"] == (NEW, None)


def test_rotate_then_finish_in_flow_style(tmp_path: Path) -> None:
    path = write(tmp_path, BLOCK)
    flow_id = "e3a94c1b-7f25-4b6a-a0d8-91c47e2f5b38"
    rotate(path, "flowco", make_id=lambda: NEW)
    during = BLOCK.replace(
        f'external_id: "{flow_id}",', f'external_id: "{flow_id}", next_external_id: "{NEW}",'
    )
    assert path.read_text() == during
    rotate(path, "flowco", finish=True)
    assert path.read_text() == BLOCK.replace(flow_id, NEW)
    assert ids(path)["flowco"] == (NEW, None)


def test_finish_removes_a_hand_written_first_flow_entry(tmp_path: Path) -> None:
    text = BLOCK.replace("{name: flowco,", f'{{next_external_id: "{NEW}", name: flowco,')
    path = write(tmp_path, text)
    rotate(path, "flowco", finish=True)
    assert path.read_text() == BLOCK.replace("e3a94c1b-7f25-4b6a-a0d8-91c47e2f5b38", NEW)


def test_finish_refuses_a_next_id_that_shares_the_dash_line(tmp_path: Path) -> None:
    text = BLOCK.replace(
        "  - name: acme   # the first tenant\n", f'  - next_external_id: "{NEW}"\n    name: acme\n'
    )
    path = write(tmp_path, text)
    with pytest.raises(RotationError, match="shares its line"):
        rotate(path, "acme", finish=True)
    assert path.read_text() == text


def test_rotate_keeps_a_byte_order_mark_and_a_missing_last_newline(tmp_path: Path) -> None:
    text = BLOCK.rstrip("\n") + '\n    external_id: "0b2a4c6e-8d1f-4a3b-9c5d-7e9f1a2b3c4d"'  # the last line
    path = tmp_path / "tenants.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    rotate(path, "bonly", make_id=lambda: NEW)
    assert path.read_bytes() == b"\xef\xbb\xbf" + (text + f'\n    next_external_id: "{NEW}"').encode()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["nobody"], 'no tenant "nobody" in the registry: name a tenant of the registry'),
        (["acm"], 'no tenant "acm" in the registry: did you mean "acme"?'),
        (["bonly"], "tenant bonly has no external_id, so there is nothing to rotate"),
        (["acme", "--finish"], "tenant acme has no rotation in progress (no next_external_id)"),
        (["rotating"], "tenant rotating is already rotating (next_external_id is set)"),
    ],
)
def test_refusals_are_one_line_exit_2_and_leave_the_file(
    tmp_path: Path, xacct: Any, argv: list[str], message: str
) -> None:
    rotating = (
        '  - {name: rotating, account_id: "666666666666", '
        'external_id: "0b2a4c6e-8d1f-4a3b-9c5d-7e9f1a2b3c4d", '
        f'next_external_id: "{NEW}", partner_to_customer: {{permissions: [{{route53_records: '
        "{hosted_zone_ids: [Z3M3LMPEXAMPLE]}}]}}\n"
    )
    path = write(tmp_path, BLOCK + rotating)
    before = path.read_bytes(), path.stat().st_ino, path.stat().st_mtime_ns
    proc = xacct("external-ids", "rotate", "--registry", path, *argv)
    assert proc.returncode == 2, proc.stdout
    assert len(proc.stderr.splitlines()) == 1 and message in proc.stderr, proc.stderr
    assert proc.stderr.startswith(f"{path}"), proc.stderr
    assert proc.stdout == ""
    assert (path.read_bytes(), path.stat().st_ino, path.stat().st_mtime_ns) == before


def test_help_lists_the_exit_codes(xacct: Any) -> None:
    proc = xacct("external-ids", "rotate", "--help")
    assert proc.returncode == 0
    assert "exit codes:" in proc.stdout and "  2  nothing was written" in proc.stdout
    assert "--finish" in proc.stdout


def recorded(out: Path, tenant: str) -> dict[str, Any]:
    return json.loads((out / tenant / ".xacct-manifest.json").read_text())


@pytest.mark.slow  # several seconds: many generate runs or a pytest subprocess
def test_generate_accepts_a_finished_rotation_and_nothing_else(workspace: Path, xacct: Any) -> None:
    registry, out = workspace / "tenants.yaml", workspace / "generated"
    generate = ("generate", "--registry", registry, "--out", out)
    assert xacct(*generate).returncode == 0
    assert "next_external_id" not in recorded(out, "acme")  # no rotation: the manifest as it always was

    proc = xacct("external-ids", "rotate", "--registry", registry, "acme")
    assert proc.returncode == 0, proc.stderr
    new = load_registry(registry).model.tenants[0].next_external_id
    assert new and new != OLD
    assert xacct(*generate).returncode == 0
    manifest = recorded(out, "acme")
    assert manifest["next_external_id"] and manifest["next_external_id"] != manifest["external_id"]
    main_tf = (out / "acme/partner_to_customer/main.tf").read_text()
    assert f'additional_external_ids = ["{new}"]' in main_tf
    assert new not in (out / "acme/customer_to_partner/main.tf").read_text()  # no ID required there

    # during the rotation, a change to any other value is refused as before
    during = registry.read_text()
    registry.write_text(during.replace(f'external_id: "{OLD}"', f'external_id: "{external_id(9)}"'))
    proc = xacct(*generate)
    assert proc.returncode == 2 and "tenants[0].external_id: changed since the last generate" in proc.stderr
    registry.write_text(during)

    proc = xacct("external-ids", "rotate", "--registry", registry, "acme", "--finish")
    assert proc.returncode == 0, proc.stderr
    proc = xacct(*generate)
    assert proc.returncode == 0, proc.stderr
    assert "tenants.acme.external_id is its rotation's new ID" in proc.stderr
    assert "additional_external_ids" not in (out / "acme/partner_to_customer/main.tf").read_text()
    assert "next_external_id" not in recorded(out, "acme")
    assert xacct(*generate, "--check").returncode == 0  # settled: nothing more to accept or refuse


@pytest.mark.slow  # 2.5-6 s: several CLI runs in subprocesses
def test_a_finish_no_generate_announced_is_refused(workspace: Path, xacct: Any) -> None:
    """Rotate and finish without a generate between: the customer never saw the new ID."""
    registry, out = workspace / "tenants.yaml", workspace / "generated"
    generate = ("generate", "--registry", registry, "--out", out)
    assert xacct(*generate).returncode == 0
    assert xacct("external-ids", "rotate", "--registry", registry, "acme").returncode == 0
    assert xacct("external-ids", "rotate", "--registry", registry, "acme", "--finish").returncode == 0
    before = (out / "acme/partner_to_customer/main.tf").read_bytes()
    proc = xacct(*generate)
    assert proc.returncode == 2
    assert "the last generate must have written the new ID" in proc.stderr
    assert (out / "acme/partner_to_customer/main.tf").read_bytes() == before
