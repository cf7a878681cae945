"""Hostile inputs for the "no traceback anywhere" tests (issue #14): files of every wrong kind, strings
of every awkward shape, and the CLI run in-process with a deadline so a hang fails instead of waiting.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

from generator.cli import main

from .registries import REPO

EXITS = {0, 1, 2, 3}
# The markers of a Python exception dump: a traceback, or "SomeError: ..." at the start of a line.
DUMPS = ("Traceback (most recent call last)", "internal error")


class Hung(BaseException):
    """The CLI did not return before the deadline (BaseException: no handler of the CLI catches it)."""


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Raise :class:`Hung` in the main thread after ``seconds`` (a blocking open() is interrupted)."""

    def expire(signum: int, frame: object) -> None:
        raise Hung(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run_main(argv: Sequence[str], seconds: int = 20) -> Run:
    """``xacct ARGV`` in-process: exit code (argparse's SystemExit included) and what it printed."""
    out, err = io.StringIO(), io.StringIO()
    with deadline(seconds), redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    return Run(code, out.getvalue(), err.getvalue())


def no_dump(run: Run) -> None:
    """Nothing printed looks like a Python exception dump."""
    for marker in DUMPS:
        assert marker not in run.text, run.text[-3000:]
    for line in run.err.splitlines():
        head = line.split(":", 1)[0]
        assert not (head.endswith(("Error", "Exception")) and head.isidentifier()), line


def bomb(levels: int = 10) -> str:
    """The billion laughs: each anchor is nine aliases of the one before."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]")
    return "\n".join(lines) + "\n"


def plan(changes: list[dict[str, object]]) -> str:
    return json.dumps({"format_version": "1.2", "resource_changes": changes})


ODD_ROLE = {
    "address": "aws_iam_role.x",
    "type": "aws_iam_role",
    "name": "x",
    "change": {
        "actions": ["create"],
        "after": {"name": ["x"], "assume_role_policy": {"a": 1}, "tags": "s", "max_session_duration": "x"},
    },
}


def make_files(root: Path) -> dict[str, Path]:
    """Every kind of wrong file (and a good registry and plan) under ``root``, by name."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "tenants.yaml", root / "good.yaml")
    shutil.copy2(REPO / "tenants.yaml", root / "tenants.yaml")  # the default --registry
    shutil.copytree(
        REPO / "modules", root / "modules", ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*")
    )
    texts = {
        "empty": "",
        "list.yaml": "- version\n- partner\n",
        "scalar.yaml": "just a string\n",
        "bomb.yaml": bomb(),
        "deep.yaml": "[" * 5000 + "]" * 5000,
        "deep.json": "[" * 100_000 + "]" * 100_000,
        "deep-object.json": '{"a":' * 3000 + "1" + "}" * 3000,
        "plan.json": plan([]),
        "odd-plan.json": plan([ODD_ROLE]),
        "deep-plan.json": plan([ODD_ROLE]).replace('"tags": "s"', '"tags": ' + "[" * 1000 + "]" * 1000),
        "state.json": json.dumps({"format_version": "1.0", "values": {}}),
        "huge.yaml": "version: 1\n" + ("# " + "x" * 98 + "\n") * 30_000,  # 3 MB of comments
        "bad.tf": 'resource "aws_iam_role" "x" {\n  name = ' + "[" * 3000 + "]" * 3000 + "\n}\n",
    }
    for name, text in texts.items():
        (root / name).write_text(text, encoding="utf-8")
    (root / "binary").write_bytes(bytes(range(256)) * 4096)  # 1 MB with NULs
    (root / "latin1.yaml").write_bytes("version: 1\npartner: {name: caf\xe9}\n".encode("latin-1"))
    (root / "utf16.yaml").write_bytes("version: 1\n".encode("utf-16"))
    (root / "folder").mkdir()
    (root / "loop-a").symlink_to("loop-b")
    (root / "loop-b").symlink_to("loop-a")
    (root / "dangling").symlink_to("nowhere")
    os.mkfifo(root / "fifo")
    tree = root / "tree" / "acme" / "partner_to_customer"  # a root of odd content, and one of bad files
    tree.mkdir(parents=True)
    (tree / "main.tf").write_text('resource "aws_iam_role" "x" {\n  name = "x"\n  tags = "s"\n}\n')
    bad = root / "bad-tree" / "acme" / "partner_to_customer"
    bad.mkdir(parents=True)
    os.mkfifo(bad / "main.tf")
    (bad / "other.tf").write_bytes(b'name = "\xff"\n')
    return {path.name: path for path in root.iterdir()} | {"missing": root / "missing"}
