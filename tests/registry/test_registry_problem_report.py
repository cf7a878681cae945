"""How registry problems are reported: all of them at once, one line each (FILE:LINE, field path), in-process
and through the CLI (exit code 2, nothing written), line numbers of a file with CRLF and a BOM, and the
registry's values printed verbatim.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from generator.registry import RegistryError, load_registry

from .base_registry import edit, problems
from .cli_output import Run, Workspace, problem_lines, snapshot

FIVE = edit(
    "version: 1",
    "version: 3",
    "  region: us-east-1",
    "  region: moon-base-1",
    '"222222222222"',
    '"22222"',
    "role_name: TeamFormAccess",
    "role_name: Team Form Access",
    "access: read}",
    "access: readonly}",
)
FIVE_EXPECTED = [
    (1, "version"),
    (5, "partner.region"),
    (9, "tenants[0].account_id"),
    (12, "tenants[0].partner_to_customer.role_name"),
    (25, "tenants[1].customer_to_partner.permissions[0].s3_objects.access"),
]


def test_five_problems_give_five_lines() -> None:
    found = problems(FIVE)
    assert [(int(p.split(": ")[0]), p.split(": ")[1]) for p in found] == FIVE_EXPECTED


def test_five_problems_through_the_cli(workspace: Workspace, xacct: Callable[..., Run]) -> None:
    registry = workspace.root / "five.yaml"
    registry.write_text(FIVE, encoding="utf-8")
    before = snapshot(workspace.root)
    for command in ("validate", "generate"):
        run = xacct(command, "--registry", str(registry), "--out", str(workspace.out))
        assert run.code == 2
        found = problem_lines(run.err)
        assert [(m["file"], int(m["line"]), m["path"]) for m in found] == [
            (str(registry), line, path) for line, path in FIVE_EXPECTED
        ]
        assert run.err.splitlines()[-1] == "5 problem(s); nothing was written."
        assert snapshot(workspace.root) == before


def test_line_numbers_with_crlf_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + edit('"222222222222"', '"12345"').replace("\n", "\r\n").encode())
    with pytest.raises(RegistryError) as caught:
        load_registry(path)
    assert [str(p) for p in caught.value.problems] == [
        f'{path}:9: tenants[0].account_id: must be 12 digits (got "12345"): '
        "copy the account ID from the AWS console"
    ]


# --- output hygiene ------------------------------------------------------------------------------------


def test_cli_prints_registry_values_verbatim(workspace: Workspace, xacct: Callable[..., Run]) -> None:
    registry = workspace.root / "emoji.yaml"
    registry.write_text(edit("role_name: TeamFormAccess", 'role_name: ":smile:"'), encoding="utf-8")
    run = xacct("validate", "--registry", str(registry))
    assert run.code == 2
    assert '":smile:" is not a valid IAM role name' in run.err


# NEL splits a line for str.splitlines() readers, CSI (U+009B) starts a terminal escape like ESC [, and
# the bidi controls reorder how the rest of a terminal line is shown: each is written as an escape.
@pytest.mark.parametrize("char", ["\x85", "\x9b", "\x80", "\u202e", "\u2066", "\u200f", "\u061c"])
def test_a_refused_value_cannot_break_or_reorder_its_problem_line(char: str) -> None:
    escaped = f"a\\u{ord(char):04x}2J: b"  # a YAML escape: most of these may not be written raw
    found = problems(edit("role_name: TeamFormAccess", f'role_name: "{escaped}"'))
    (line,) = found
    assert char not in line and len(line.splitlines()) == 1
    assert f"\\u{ord(char):04x}" in line
