"""Every command's --help has a description, an example and its exit codes (issues #14, #17), and the
README's command table has a row for every command, naming every flag it takes.

Both walk the argparse tree, so a command added later is held to the same."""

from __future__ import annotations

import argparse
import io
import re
from contextlib import redirect_stderr

import pytest

from generator.cli import parser

from .hostile import run_main
from .registries import REPO

Tree = list[tuple[tuple[str, ...], argparse.ArgumentParser]]


def _tree(p: argparse.ArgumentParser, words: tuple[str, ...] = ()) -> Tree:
    found = [(words, p)]
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += _tree(sub, (*words, name))
    return found


TREE = _tree(parser())
COMMANDS = {words: p for words, p in TREE}
LEAVES = [
    words for words, p in TREE if not any(isinstance(a, argparse._SubParsersAction) for a in p._actions)
]


def flags(p: argparse.ArgumentParser) -> set[str]:
    """The options a user can pass: the long spelling of each (the short one when there is no long)."""
    found = set()
    for action in p._actions:
        if not action.option_strings or action.help == argparse.SUPPRESS:
            continue
        if isinstance(action, argparse._HelpAction):
            continue
        longs = [o for o in action.option_strings if o.startswith("--")]
        found.add((longs or action.option_strings)[0])
    return found


def test_the_tree_holds_the_commands() -> None:
    assert {("generate",), ("lint",), ("external-ids", "rotate"), ("audit",)} <= set(LEAVES)
    assert ("external-ids",) not in LEAVES and flags(COMMANDS[("lint",)]) >= {"--output", "--list-rules"}


@pytest.mark.parametrize("words", [w for w, _ in TREE], ids=lambda w: " ".join(w) or "xacct")
def test_help_has_a_description_an_example_and_the_exit_codes(words: tuple[str, ...]) -> None:
    run = run_main([*words, "--help"])
    assert run.code == 0 and run.err == "", run.text
    p = COMMANDS[words]
    text = run.out
    assert p.description and len(p.description.split()) >= 5, f"{words}: no description"
    assert p.description.split("\n")[0].strip() in text, "the description is not shown as written"
    assert isinstance(p.formatter_class, type) and issubclass(
        p.formatter_class, argparse.RawDescriptionHelpFormatter
    ), f"{words}: the epilog needs RawDescriptionHelpFormatter to keep its lines"
    assert "exit codes:" in text and "example:" in text, text
    example = text[text.index("example:") :]
    command = " ".join(("xacct", *words))
    shown = re.search(rf"^  (\$ )?(\S+=\S+ )?{re.escape(command)}( |$)", example, re.M)
    assert shown, f"no `{command}` example"
    codes = text[text.index("exit codes:") :]
    if words in LEAVES:
        for code in ("0", "2"):
            assert re.search(rf"^  {code}\b", codes, re.M), f"{words}: exit code {code} not listed:\n{codes}"
        assert "usage error" in codes, codes


def _rows() -> dict[tuple[str, ...], list[str]]:
    """The README's command table: command words -> the first cells of their rows."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Commands") :]
    table = table[: table.index("\n\n", table.index("| command"))]
    rows: dict[tuple[str, ...], list[str]] = {}
    for line in table.splitlines():
        cell = re.match(r"\| `(xacct[^`]*)`", line)
        if cell:
            words = tuple(w for w in cell.group(1).split()[1:3] if re.fullmatch(r"[a-z][a-z-]*", w))
            while words not in COMMANDS:
                words = words[:-1]
            rows.setdefault(words, []).append(cell.group(1))
    return rows


@pytest.mark.parametrize("words", [w for w, _ in TREE], ids=lambda w: " ".join(w) or "xacct")
def test_the_readme_table_names_every_command_and_flag(words: tuple[str, ...]) -> None:
    p, rows = COMMANDS[words], _rows()
    wanted = flags(p)
    if words not in LEAVES and not wanted:
        return  # a group (external-ids): its commands have the rows
    assert words in rows, f"the README's command table has no row for `xacct {' '.join(words)}`"
    named = {f for cell in rows[words] for f in re.findall(r"(?<![\w-])--?[a-z][a-z-]*", cell)}
    assert wanted <= named, f"xacct {' '.join(words)}: flags missing from the README table: {wanted - named}"
    unknown = {f for f in named - wanted if f not in ("-h", "--help")}
    assert not unknown, f"xacct {' '.join(words)}: the README table names flags it does not take: {unknown}"


def test_terraform_config_help_has_a_description_and_an_example() -> None:
    run = run_main(["terraform-config", "--help"])
    assert "provider mirror" in run.out or "mirror" in run.out
    assert "example:\n  xacct terraform-config generated/" in run.out, run.out


@pytest.mark.parametrize("name", [w[0] for w, _ in TREE if len(w) == 1])
def test_a_command_parsed_alone_is_the_same_command(name: str) -> None:
    """`main` builds the parser of the command it runs alone (the others' modules stay unimported):
    its help and its errors are the whole parser's (an unknown flag's usage line names every command)."""
    (alone,) = [p for words, p in _tree(parser(name)) if words == (name,)]
    assert alone.format_help() == COMMANDS[(name,)].format_help()
    argv = [name, "--no-such-flag"]
    whole = io.StringIO()
    with pytest.raises(SystemExit), redirect_stderr(whole):
        parser().parse_args(argv)
    run = run_main(argv)
    assert run.code == 2 and run.err == whole.getvalue(), run.err
