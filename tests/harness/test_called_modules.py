"""The module folders a root's sources point at, with the link resolution cached across roots, are the
ones ``Path.resolve`` names: through linked tenants, linked module folders, inner ``..`` and loops."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.harness.called_modules import Resolver, called_modules, role_block, source_lines
from generator.harness.roots import MODULE_BLOCK
from generator.hclread import NotLiteral, literal
from generator.tfoverride import SOURCE_LINE


def reference(root: Path) -> list[Path]:
    """The implementation before the cache (Path.resolve for every path), for comparison."""
    found: set[Path] = set()
    inside = root.resolve()
    for tf in sorted(p for p in root.glob("*.tf") if p.is_file()):
        text = tf.read_bytes().decode("utf-8", "replace")
        role = MODULE_BLOCK.search(text) if tf.name == "main.tf" else None
        for match in SOURCE_LINE.finditer(text):
            try:
                value = literal(match.group(3))
            except NotLiteral:
                continue
            if not value.startswith(("./", "../")):
                continue
            target = (root / value).resolve()
            if target != inside and inside not in target.parents:
                in_role = role is not None and role.start() <= match.start() < role.end()
                found.add(target.parent if in_role else target)
    return sorted(found)


def _root(path: Path, role_source: str, *extra: str) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    (path / "main.tf").write_text(f'module "role" {{\n  source = "{role_source}"\n}}\n', encoding="utf-8")
    for i, source in enumerate(extra):
        (path / f"x{i}.tf").write_text(f'module "m{i}" {{\n  source = "{source}"\n}}\n', encoding="utf-8")
    return path


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "mods" / "customer-role").mkdir(parents=True)
    (tmp_path / "elsewhere" / "real-mods" / "customer-role").mkdir(parents=True)
    (tmp_path / "linked-mods").symlink_to(tmp_path / "elsewhere" / "real-mods")
    (tmp_path / "shared" / "x").mkdir(parents=True)
    gen = tmp_path / "generated"
    _root(gen / "a" / "partner_to_customer", "../../../mods/customer-role", "../../../shared/x", "./inner")
    _root(gen / "b" / "partner_to_customer", "../../../linked-mods/customer-role", "../../../shared//x/")
    _root(gen / "c" / "partner_to_customer", "../../../linked-mods/../mods/customer-role")  # inner ..
    _root(gen / "d" / "partner_to_customer", "./", "../", "..", "../../../nowhere/y")
    outside = _root(tmp_path / "outside" / "t" / "partner_to_customer", "../../../mods/customer-role")
    (gen / "e").symlink_to(outside.parent)  # a linked tenant: its sources count from where it really is
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    _root(gen / "f" / "partner_to_customer", "../../../loop/x", "../../../loop/../shared/x")
    return gen


def test_the_cached_resolution_names_what_path_resolve_names(tree: Path) -> None:
    resolver = Resolver()
    for tenant in "abcde":
        root = tree / tenant / "partner_to_customer"
        assert called_modules(root, resolver) == reference(root), tenant
        assert called_modules(root) == reference(root), tenant  # a fresh cache: the same


def test_a_link_loop_is_a_folder_that_does_not_resolve_not_a_traceback(tree: Path) -> None:
    """``Path.resolve`` raised RuntimeError on a loop (the harness printed a traceback); realpath
    leaves the loop's path as it is."""
    root = tree / "f" / "partner_to_customer"
    with pytest.raises(RuntimeError):
        reference(root)
    found = called_modules(root)
    assert found and all(isinstance(p, Path) for p in found)


def test_relative_and_dotted_roots_resolve_like_absolute_ones(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tree.parent)
    absolute = called_modules(tree / "b" / "partner_to_customer")
    assert called_modules(Path("generated/b/partner_to_customer")) == absolute
    assert called_modules(Path("generated/a/../b/partner_to_customer")) == absolute
    assert called_modules(Path(os.path.relpath(tree / "e" / "partner_to_customer"))) == reference(
        tree / "e" / "partner_to_customer"
    )


def test_a_root_that_cannot_be_listed_calls_nothing(tmp_path: Path) -> None:
    assert called_modules(tmp_path / "missing") == []


LINES = [
    'module "role" {',
    'module "other" {',
    "}",
    "",
    "  ",
    "\u2028",
    '  source = "../../../mods/customer-role"',
    'source = "./x"',
    '  source   = "../a\\"b"',
    '  source\t= "../../x" # source',
    "  source =",
    '  = "../dangling"',
    '  xsource = "../no"',
    '  name = "source"',
    "  # source = '../commented'",
    'source = "../p" source = "../q"',
]


@given(st.lists(st.sampled_from(LINES), max_size=14), st.booleans())
def test_the_line_scans_find_what_the_regexes_find(lines: list[str], crlf: bool) -> None:
    """``role_block`` and ``source_lines`` give ``MODULE_BLOCK.search`` and ``SOURCE_LINE.finditer``'s
    answers (a source line's block is the same whether its match starts on it or on blank lines before)."""
    text = ("\r\n" if crlf else "\n").join(lines) + "\n"
    block = MODULE_BLOCK.search(text)
    assert role_block(text) == (block.span() if block else None)
    expected = [(m.group(3), block is not None and block.start() <= m.start() < block.end()) for m in
                SOURCE_LINE.finditer(text)]  # fmt: skip
    span = role_block(text)
    found = [(value, span is not None and span[0] <= line < span[1]) for line, value in source_lines(text)]
    assert found == expected
