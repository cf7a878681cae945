"""``xacct junit-merge``: shards' JUnit files become one, each test once; a broken split is exit 1."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from generator.cli import main as xacct

CASE = '<testcase classname="generator.harness.suite" name="test_plan_trust_policy[{role}]" time="0.1"/>'
FAILED = (
    '<testcase classname="generator.harness.suite" name="test_plan_permissions[{role}]" time="0.1">'
    '<failure message="boom">x</failure></testcase>'
)


def shard(path: Path, roles: list[str], failed: list[str] = ()) -> Path:  # type: ignore[assignment]
    cases = "".join(CASE.format(role=r) for r in roles) + "".join(FAILED.format(role=r) for r in failed)
    n = len(roles) + len(failed)
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="0" '
        f'failures="{len(failed)}" skipped="0" tests="{n}" time="1.5">{cases}</testsuite></testsuites>'
    )
    return path


def merge(tmp_path: Path, *files: Path) -> subprocess.CompletedProcess[str]:
    args = [sys.executable, "-m", "generator.cli", "junit-merge", "--out", str(tmp_path / "out" / "all.xml")]
    return subprocess.run([*args, *map(str, files)], capture_output=True, text=True)


def test_shards_merge_into_one_suite(tmp_path: Path) -> None:
    a = shard(tmp_path / "a.xml", ["t1/partner_to_customer", "t2/customer_to_partner"])
    b = shard(tmp_path / "b.xml", ["t3/partner_to_customer"], failed=["t3/partner_to_customer"])
    done = merge(tmp_path, a, b)
    assert done.returncode == 0, done.stderr
    assert "4 test(s) from 2 file(s), 1 failed" in done.stdout
    suite = ET.parse(tmp_path / "out" / "all.xml").getroot()[0]
    assert (suite.get("tests"), suite.get("failures")) == ("4", "1")
    assert len(list(suite.iter("testcase"))) == 4
    assert suite.get("time") == "3.000"


def test_a_test_in_two_shards_is_a_broken_split(tmp_path: Path) -> None:
    a = shard(tmp_path / "a.xml", ["t1/partner_to_customer"])
    b = shard(tmp_path / "b.xml", ["t1/partner_to_customer"])
    done = merge(tmp_path, a, b)
    assert done.returncode == 1
    assert "test_plan_trust_policy[t1/partner_to_customer]: ran in more than one shard" in done.stderr


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (None, "cannot read it"),
        ("not xml at all <", "not XML"),
        ("<html><body/></html>", "a <html> document, not JUnit XML"),
    ],
)
def test_bad_input_writes_nothing(tmp_path: Path, content: str | None, why: str) -> None:
    good = shard(tmp_path / "a.xml", ["t1/partner_to_customer"])
    bad = tmp_path / "bad.xml"
    if content is not None:
        bad.write_text(content)
    done = merge(tmp_path, good, bad)
    assert done.returncode == 2
    assert why in done.stderr and str(bad) in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


# Red team: a named pipe nothing writes to hung the merge (ET.parse opened it blocking), a count or
# time that is not a number was an internal error, and --out naming a shard's file replaced it.


def test_a_named_pipe_nothing_writes_to_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "shard.xml"
    os.mkfifo(fifo)
    done = subprocess.run(
        [sys.executable, "-m", "generator.cli", "junit-merge", "--out", str(tmp_path / "all.xml"), str(fifo)],
        capture_output=True,
        text=True,
        timeout=120,  # a guard against the hang, not a measurement
    )
    assert done.returncode == 2
    assert f"{fifo}: cannot read it (is a named pipe that nothing writes to)" in done.stderr
    assert not (tmp_path / "all.xml").exists()


@pytest.mark.parametrize(
    ("attribute", "value"),
    [
        ("tests", "abc"),
        ("failures", "-1"),
        ("skipped", "1.5"),
        ("time", "x"),
        ("time", "nan"),
        ("time", "inf"),
    ],
)
def test_a_count_or_time_that_is_not_a_number_is_bad_input(
    tmp_path: Path, attribute: str, value: str
) -> None:
    good = shard(tmp_path / "a.xml", ["t1/partner_to_customer"])
    bad = shard(tmp_path / "b.xml", ["t2/partner_to_customer"])
    bad.write_text(re.sub(rf'\b{attribute}="[^"]*"', f'{attribute}="{value}"', bad.read_text(), count=1))
    done = merge(tmp_path, good, bad)
    assert done.returncode == 2, done.stderr
    assert f"{bad}: <testsuite {attribute}={value!r}> is not a" in done.stderr, done.stderr
    assert "internal error" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_out_naming_an_input_is_refused_and_the_file_kept(tmp_path: Path) -> None:
    a = shard(tmp_path / "a.xml", ["t1/partner_to_customer"])
    b = shard(tmp_path / "b.xml", ["t2/partner_to_customer"])
    before = a.read_bytes()
    args = [sys.executable, "-m", "generator.cli", "junit-merge", "--out", str(a), str(a), str(b)]
    done = subprocess.run(args, capture_output=True, text=True)
    assert done.returncode == 2
    assert f"--out {a}: is the input file {a}, which the merge would replace" in done.stderr
    assert a.read_bytes() == before


def test_a_link_at_the_temporary_name_is_not_written_through(tmp_path: Path) -> None:
    """Red team: the merge was written to ``.all.xml.<pid>.tmp`` beside ``--out`` through any link there."""
    a = shard(tmp_path / "a.xml", ["t1/partner_to_customer"])
    precious = tmp_path / "precious.txt"
    precious.write_text("the user's own file\n", encoding="utf-8")
    target = tmp_path / "all.xml"
    (tmp_path / f".all.xml.{os.getpid()}.tmp").symlink_to(precious)
    assert xacct(["junit-merge", "--out", str(target), str(a)]) == 0
    assert precious.read_text(encoding="utf-8") == "the user's own file\n"
    assert len(list(ET.parse(target).getroot().iter("testcase"))) == 1
