"""``find_roots``: every ``<tree>/<tenant>/<scenario>/main.tf`` folder, in a stable order, split into
role-creating and offboarding roots, without hanging or failing on what is not a root."""

from __future__ import annotations

import os
from pathlib import Path

from generator.harness.roots import find_roots
from generator.render.terraform import OFFBOARDING_MARK


def _root(tree: Path, rel: str, text: str = 'module "role" {}\n') -> None:
    (tree / rel).mkdir(parents=True, exist_ok=True)
    (tree / rel / "main.tf").write_text(text)


def test_roots_in_path_order_split_by_offboarding(tmp_path: Path) -> None:
    tree = tmp_path / "generated"
    _root(tree, "b/partner_to_customer")
    _root(tree, "a/customer_to_partner")
    _root(tree, "a-b/partner_to_customer")
    _root(tree, "a/partner_to_customer", f"{OFFBOARDING_MARK}\nremoved {{}}\n")
    (tree / "a" / "onboarding").mkdir()  # a kit: no main.tf
    (tree / "a" / "onboarding" / "README.md").write_text("kit")
    (tree / ".xacct-manifest.json").write_text("{}")
    (tree / "b" / "stray.tf").write_text("# a file, not a root folder")
    keys = [r.key for r in find_roots(tree)]
    assert (
        keys
        == sorted(keys, key=lambda k: k.split("/"))
        == [
            "a/customer_to_partner",
            "a-b/partner_to_customer",
            "b/partner_to_customer",
        ]
    )
    assert [r.key for r in find_roots(tree, offboarding=True)] == ["a/partner_to_customer"]
    assert find_roots(tmp_path / "missing") == []


def test_a_main_tf_that_is_not_a_file_is_a_root_and_does_not_hang(tmp_path: Path) -> None:
    """A FIFO named main.tf (no writer: reading it would block) is kept as a root, so that its plan
    fails with terraform's message instead of the root being silently left out."""
    tree = tmp_path / "generated"
    (tree / "t" / "partner_to_customer").mkdir(parents=True)
    os.mkfifo(tree / "t" / "partner_to_customer" / "main.tf")
    assert [r.key for r in find_roots(tree)] == ["t/partner_to_customer"]


def test_a_hidden_or_linked_folder_is_found_like_glob_found_it(tmp_path: Path) -> None:
    tree = tmp_path / "generated"
    _root(tree, ".hidden/partner_to_customer")
    _root(tmp_path / "elsewhere", "x/partner_to_customer")
    (tree / "linked").symlink_to(tmp_path / "elsewhere" / "x")
    assert {r.key for r in find_roots(tree)} == {
        r.parent.parent.name + "/" + r.parent.name for r in map(Path, tree.glob("*/*/main.tf"))
    }


def test_a_root_with_crlf_or_cr_line_ends_is_offboarding_as_read_text_saw_it(tmp_path: Path) -> None:
    """The glob version read main.tf as text (universal newlines): a tree checked out with CRLF line ends
    kept its offboarding roots offboarding; they must not turn into role-creating roots."""
    tree = tmp_path / "generated"
    _root(tree, "crlf/partner_to_customer")
    crlf = f"{OFFBOARDING_MARK}\r\nremoved {{}}\r\n"
    (tree / "crlf/partner_to_customer/main.tf").write_bytes(crlf.encode())
    _root(tree, "cr/partner_to_customer")
    (tree / "cr/partner_to_customer/main.tf").write_bytes(f"{OFFBOARDING_MARK}\rremoved {{}}\r".encode())
    _root(tree, "lf/partner_to_customer", f"{OFFBOARDING_MARK}\nremoved {{}}\n")
    _root(tree, "plain/partner_to_customer", 'module "role" {}\r\n')
    assert [r.key for r in find_roots(tree, offboarding=True)] == [
        "cr/partner_to_customer",
        "crlf/partner_to_customer",
        "lf/partner_to_customer",
    ]
    assert [r.key for r in find_roots(tree)] == ["plain/partner_to_customer"]


def test_a_symlink_loop_is_skipped_like_glob_skipped_it(tmp_path: Path) -> None:
    """A link to itself as a tenant, a scenario or a main.tf: glob found no root there and did not fail
    (DirEntry.is_dir raises ELOOP, which the scandir walk let through as a traceback)."""
    tree = tmp_path / "generated"
    _root(tree, "t/partner_to_customer")
    (tree / "loop").symlink_to("loop")
    (tree / "t" / "looped").symlink_to("looped")
    (tree / "u" / "partner_to_customer").mkdir(parents=True)
    (tree / "u" / "partner_to_customer" / "main.tf").symlink_to("main.tf")
    expected = [r.parent.parent.name + "/" + r.parent.name for r in sorted(tree.glob("*/*/main.tf"))]
    assert expected == ["t/partner_to_customer"]
    assert [r.key for r in find_roots(tree)] == expected
    assert find_roots(tree, offboarding=True) == []
    assert find_roots(tree / "loop") == []
