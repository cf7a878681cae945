"""``xacct junit-merge``: the JUnit XML of N shard runs as one report, each test exactly once.

CI runners that each prove one shard (``pytest --xacct-shard K/N --junitxml shard-K.xml``) leave N
files; this merges their test cases into one ``<testsuite>`` with the counts summed. A test case that
two shards both ran is a broken split: it is reported and the exit code is 1. A file that is not
JUnit XML is bad input (exit 2, nothing written).

Exit codes: 0 merged; 1 merged, but a test ran in more than one shard; 2 bad input, nothing written.
"""

from __future__ import annotations

import argparse
import os
import xml.etree.ElementTree as ET  # expat refuses entity expansion attacks; no external entities
from collections import Counter
from pathlib import Path

from generator.console import err, out
from generator.files import read_bytes, replace_file

EXIT_OK, EXIT_DUPLICATE, EXIT_BAD_INPUT = 0, 1, 2
COUNTS = ("tests", "failures", "errors", "skipped")

EPILOG = """exit codes:
  0  merged
  1  merged, but a test case ran in more than one shard (the split is broken)
  2  bad input (a file missing, a named pipe nothing writes to, not JUnit XML, a count or time
     not a number, --out naming an input), nothing written; or a usage error (an unknown flag,
     an empty path) or an internal error, said in one line

example:
  xacct junit-merge --out reports/junit.xml shard-1.xml shard-2.xml shard-3.xml
"""


class JUnitError(ValueError):
    """A file that cannot be merged, said in one line."""


def _parse(path: Path) -> ET.Element:
    try:
        root = ET.fromstring(read_bytes(path))  # never waits on a named pipe nothing writes to
    except OSError as exc:
        raise JUnitError(
            f"{path}: cannot read it ({exc.strerror or exc}): pass a shard's --junitxml file"
        ) from None
    except ET.ParseError as exc:
        raise JUnitError(f"{path}: not XML ({exc}): pass a shard's --junitxml file") from None
    if root.tag not in ("testsuites", "testsuite"):
        raise JUnitError(f"{path}: a <{root.tag}> document, not JUnit XML: pass a shard's --junitxml file")
    return root


def _number(path: Path, part: ET.Element, attribute: str, kind: type[int] | type[float]) -> int | float:
    """A ``<testsuite>``'s count or time; anything else is bad input, said with the file and value."""
    value = part.get(attribute, "0") or "0"
    try:
        number = kind(value)
    except ValueError:
        number = None
    if number is None or number != number or number in (float("inf"), float("-inf")) or number < 0:
        raise JUnitError(
            f"{path}: <testsuite {attribute}={value!r}> is not a {'count' if kind is int else 'time'} "
            "(a number, 0 or more): pass a shard's --junitxml file as pytest wrote it"
        )
    return number


def _suites(root: ET.Element) -> list[ET.Element]:
    return [root] if root.tag == "testsuite" else list(root.iter("testsuite"))


def merge(paths: list[Path]) -> tuple[ET.ElementTree, list[str]]:
    """One ``<testsuites>`` with one ``<testsuite name="xacct">`` holding every case; the duplicates."""
    suite = ET.Element("testsuite", name="xacct")
    totals: Counter[str] = Counter()
    seconds = 0.0
    seen: Counter[tuple[str, str]] = Counter()
    for path in paths:
        for part in _suites(_parse(path)):
            for case in part.iter("testcase"):
                seen[(case.get("classname", ""), case.get("name", ""))] += 1
                suite.append(case)
            for count in COUNTS:
                totals[count] += int(_number(path, part, count, int))
            seconds += _number(path, part, "time", float)
    for count in COUNTS:
        suite.set(count, str(totals[count]))
    suite.set("time", f"{seconds:.3f}")
    top = ET.Element("testsuites")
    top.append(suite)
    duplicates = sorted(f"{cls}::{name}" if cls else name for (cls, name), n in seen.items() if n > 1)
    return ET.ElementTree(top), duplicates


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", type=Path, help="the shards' JUnit XML files (pytest --junitxml)")
    p.add_argument("--out", type=Path, required=True, help="the merged JUnit XML file to write")


def _reads_out(target: Path, files: list[Path]) -> Path | None:
    """The input file that ``target`` (``--out``) is, if any: writing it would replace a shard's file."""
    for path in files:
        try:
            if os.path.samefile(target, path):
                return path
        except (OSError, ValueError):
            continue
    return None


def run_junit_merge(args: argparse.Namespace) -> int:
    """Merge ``args.files`` into ``args.out``; one line per problem on stderr."""
    same = _reads_out(args.out, list(args.files))
    if same is not None:
        err.print(
            f"xacct junit-merge: --out {args.out}: is the input file {same}, which the merge would replace; "
            "pass another --out (nothing was written)",
            markup=False,
        )
        return EXIT_BAD_INPUT
    try:
        tree, duplicates = merge(list(args.files))
    except JUnitError as exc:
        err.print(f"xacct junit-merge: {exc}", markup=False)
        return EXIT_BAD_INPUT
    target: Path = args.out
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        replace_file(target, ET.tostring(tree.getroot(), encoding="utf-8", xml_declaration=True))
    except OSError as exc:
        err.print(f"xacct junit-merge: {target}: cannot write it ({exc.strerror or exc})", markup=False)
        return EXIT_BAD_INPUT
    suite = tree.getroot()[0]
    for name in duplicates:
        err.print(f"{target}: {name}: ran in more than one shard; the split is broken", markup=False)
    out.print(
        f"{target}: {suite.get('tests')} test(s) from {len(args.files)} file(s), "
        f"{suite.get('failures')} failed, {suite.get('errors')} error(s), {suite.get('skipped')} skipped",
        markup=False,
    )
    return EXIT_DUPLICATE if duplicates else EXIT_OK
