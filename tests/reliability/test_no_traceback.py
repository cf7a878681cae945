"""No Python traceback reaches a user (issue #14): every subcommand, driven by hypothesis with hostile
arguments and files, exits with a documented code and says what is wrong in words, never a dump.

Each example runs in a fresh folder holding every kind of wrong file (`hostile.make_files`): missing,
empty, binary, 3 MB, a folder, a symlink loop, a FIFO nothing writes to, /dev/zero, non-UTF-8 and
UTF-16 text, a billion-laughs registry, deeply nested YAML and JSON, a registry that is a list or a
scalar, a plan of odd attribute types, a tree with a FIFO .tf; with values holding NULs, newlines,
unicode and very long paths, unknown flags and missing arguments. Audit only ever sees an endpoint
that refuses connections (127.0.0.1:9) or no endpoint at all, and fake credentials.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import run_xacct
from .hostile import EXITS, Run, make_files, no_dump, run_main

FILES = [
    "good.yaml", "missing", "empty", "binary", "huge.yaml", "folder", "loop-a", "dangling", "fifo",
    "latin1.yaml", "utf16.yaml", "bomb.yaml", "deep.yaml", "deep.json", "deep-object.json", "list.yaml",
    "scalar.yaml", "plan.json", "odd-plan.json", "deep-plan.json", "state.json", "tree", "bad-tree", "bad.tf",
    "/dev/zero", "/dev/null", "folder/", "a" * 300, "x/" * 2100, "new\nline", "nul\0byte", "ünï😀.yaml",
    "-", "",
]  # fmt: skip
WORDS = [
    "acme", "globex", "partner", "nope", "partner_to_customer", "", "-", "--", "a\nb", "nul\0", "\u202e",
    "ünïcødé😀", "x" * 5000, "111111111111", "--bogus", "-h",
]  # fmt: skip
ENDPOINTS = ["http://127.0.0.1:9", "notaurl", "http://:9", "http://127.0.0.1:99999", "http://u:p@127.0.0.1:9"]


def mostly(good: str, bad: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """``good`` two times in three: deep enough into a command to reach its later reads and checks."""
    return st.integers(0, 2).flatmap(lambda i: st.just(good) if i else bad)


files = st.sampled_from(FILES)
words = st.sampled_from(WORDS) | st.text(max_size=12)
registry = mostly("good.yaml", files)


def flag(name: str, values: st.SearchStrategy[str], most: int = 1) -> st.SearchStrategy[list[str]]:
    return st.lists(values, max_size=most).map(lambda vs: [x for v in vs for x in (name, v)])


def switch(name: str) -> st.SearchStrategy[list[str]]:
    return st.sampled_from([[], [name]])


COMMANDS: dict[str, list[st.SearchStrategy[list[str]]]] = {
    "generate": [
        flag("--registry", registry),
        flag("--out", mostly("out", files)),
        switch("--check"),
        flag("--wait", st.sampled_from(["0", "-1", "nan", "x", "1e400"])),
        flag("--rotate-external-id", mostly("acme", words), 2),
    ],
    "validate": [flag("--registry", registry), flag("--out", mostly("out", files))],
    "external-ids assign": [flag("--registry", registry), switch("--dry-run")],
    "lint": [
        flag("--registry", registry),
        flag("--generated", mostly("tree", files), 2),
        flag("--plan-json", mostly("odd-plan.json", files), 2),
        flag("--format", st.sampled_from(["text", "json", "sarif", "xml"])),
        flag("--output", mostly("report", files)),
    ],
    "plan-guard": [
        mostly("plan.json", files).map(lambda f: [f]),
        flag("--registry", registry),
        flag("--tenant", mostly("acme", words)),
        flag("--scenario", mostly("partner_to_customer", words)),
        flag("--allow-destroy", words, 2),
        switch("--shard-plan"),
        switch("--no-registry"),
    ],
    "audit": [
        mostly("partner", words).map(lambda a: ["--account", a]),
        flag("--registry", registry),
        flag("--endpoint-url", st.sampled_from(ENDPOINTS)),
        flag("--format", st.sampled_from(["text", "json", "yaml"])),
        flag("--known-account", mostly("222222222222", words), 2),
        flag("--profile", st.sampled_from(["nosuchprofile", "", "a\nb"])),
    ],
    "terraform-config": [
        st.lists(
            mostly("tree/acme/partner_to_customer", files | st.just("bad-tree/acme/partner_to_customer")),
            max_size=2,
        ),
        flag("--out", mostly("local", files)),
        flag("--localstack", st.sampled_from(["http://localhost:4566", "", "a\nb"])),
    ],
    "import": [
        flag("--registry", registry),
        flag("--endpoint-url", st.sampled_from(ENDPOINTS)),
        flag("--profile", st.sampled_from(["nosuchprofile", "", "a\nb"])),
        flag("--account", mostly("222222222222", words)),
        flag("--name", mostly("222222222222=acme", words), 2),
        switch("--write"),
    ],
    "schema": [flag("--output", mostly("schema.json", files)), flag("--check", mostly("good.yaml", files))],
    "changed-roots": [
        flag("--generated", mostly("tree", files)),
        flag("--since", st.sampled_from(["HEAD", "no-such-rev", "--output=x", "HEAD~999", ""])),
        flag("--owner", st.sampled_from(["partner", "customer", "any", "nobody"])),
        flag("--format", st.sampled_from(["lines", "json", "yaml"])),
    ],
    "fetch-plan-json": [
        st.sampled_from(["--run", "--plan", "--saved-plan"]).flatmap(
            lambda f: flag(f, mostly("run-x", files))
        ),
        flag("--out", mostly("plan.json", files)),
        flag("--hostname", mostly("hcp.example.com", words)),
        flag("--api-url", st.sampled_from(["http://127.0.0.1:9", "file:///etc/passwd", "x"])),
        flag("--timeout", st.sampled_from(["1", "0", "-1", "nan", "x"])),
    ],
}


@st.composite
def argvs(draw: st.DrawFn) -> list[str]:
    """A subcommand with its options in any order, hostile values, sometimes an unknown or bare flag."""
    command = draw(st.sampled_from(sorted(COMMANDS)))
    parts = [draw(option) for option in COMMANDS[command]]
    parts = draw(st.permutations(parts))
    argv = command.split() + [x for part in parts for x in part]
    if draw(st.integers(0, 7)) == 0:  # an unknown flag, or a flag without its value
        argv.insert(draw(st.integers(1, len(argv))), draw(st.sampled_from(["--bogus", "-x", "--registry"])))
    return argv


def names_something(run: Run, argv: list[str]) -> bool:
    """A failure names a path, value or flag it was given (or the default registry or output)."""
    text = run.text
    # defaults, AWS_ENDPOINT_URL, fetch-plan-json's default host
    candidates = {"tenants.yaml", "generated", "usage:", "127.0.0.1:9", "app.terraform.io"}
    for arg in argv[1:]:
        for form in (arg, os.path.basename(arg.rstrip("/")), arg.encode("unicode_escape").decode()):
            if form.strip():
                candidates.add(form[:40])
    return any(c in text for c in candidates)


def check(run: Run, argv: list[str]) -> None:
    assert run.code in EXITS, (argv, run.code, run.text[-2000:])
    no_dump(run)
    if run.code != 0:
        assert run.text.strip(), argv
        assert names_something(run, argv), (argv, run.text[-2000:])


@pytest.fixture
def offline_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in [k for k in os.environ if k.startswith(("AWS_", "XACCT_REGISTRY"))]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "fake-secret")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # also where no --endpoint-url is given
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")


@pytest.mark.slow
@settings(
    max_examples=400,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(argv=argvs())
def test_every_subcommand_fails_in_words_on_hostile_input(offline_aws: None, argv: list[str]) -> None:
    here = os.getcwd()
    folder = Path(tempfile.mkdtemp(prefix="xacct-hostile-"))
    try:
        make_files(folder)
        os.chdir(folder)
        check(run_main(argv), argv)
    finally:
        os.chdir(here)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.slow
@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "--registry", "fifo"],
        ["generate", "--registry", "bomb.yaml", "--out", "out"],
        ["plan-guard", "--no-registry", "binary"],
        ["lint", "--registry", "good.yaml", "--plan-json", "odd-plan.json", "--output", "good.yaml"],
        ["lint", "--registry", "good.yaml", "--generated", "bad-tree"],
        ["external-ids", "assign", "--registry", "deep.yaml", "--dry-run"],
        ["audit", "--registry", "good.yaml", "--account", "partner", "--endpoint-url", "notaurl"],
        ["generate", "--bogus"],
    ],
    ids=["fifo", "bomb", "binary-plan", "output-over-registry", "fifo-tf", "deep", "bad-endpoint", "flag"],
)
def test_the_installed_command_fails_in_words(offline_aws: None, tmp_path: Path, argv: list[str]) -> None:
    """A sample through the real entry point, in a process of its own (a hang is a timeout)."""
    make_files(tmp_path)
    proc = run_xacct(*argv, cwd=tmp_path, timeout=30)
    check(Run(proc.returncode, proc.stdout, proc.stderr), argv)
    assert proc.returncode == 2, proc.stderr
