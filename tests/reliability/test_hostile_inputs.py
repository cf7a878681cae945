"""Each traceback or hang the hostile-input property test found, as a regression test (issue #14).

FIFOs hung every command that read a file (the registry, a plan, a .tf file, a manifest or generated
file in --out) or wrote one (lint --output); a plan with attributes of the wrong JSON type crashed
lint; a malformed --endpoint-url or AWS_ENDPOINT_URL crashed audit, and a password in it was printed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import xacct_command
from .hostile import Run, make_files, no_dump, plan, run_main
from .registries import REPO


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    monkeypatch.chdir(tmp_path)
    return make_files(tmp_path / "in")


def refused(run: Run, *words: str, code: int = 2) -> None:
    no_dump(run)
    assert run.code == code, run.text
    for word in words:
        assert word in run.text, run.text


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "--registry", "{fifo}"],
        ["generate", "--registry", "{fifo}", "--out", "{tmp}/out"],
        ["external-ids", "assign", "--registry", "{fifo}", "--dry-run"],
        ["audit", "--registry", "{fifo}", "--account", "partner", "--endpoint-url", "http://127.0.0.1:9"],
        ["plan-guard", "--registry", "{good}", "{fifo}"],
        ["lint", "--registry", "{good}", "--plan-json", "{fifo}"],
    ],
    ids=["validate", "generate", "assign", "audit", "plan-guard", "lint-plan"],
)
def test_a_fifo_nothing_writes_to_is_refused_not_waited_on(files: dict[str, Path], argv: list[str]) -> None:
    fifo, good = files["fifo"], files["good.yaml"]
    args = [a.format(fifo=fifo, good=good, tmp=fifo.parent) for a in argv]
    refused(run_main(args), str(fifo), "named pipe that nothing writes to")


def test_a_device_is_refused_not_read(files: dict[str, Path]) -> None:
    refused(run_main(["validate", "--registry", "/dev/zero"]), "/dev/zero", "character device")
    refused(run_main(["plan-guard", "--no-registry", "/dev/null"]), "/dev/null", "character device")


def test_a_fifo_in_a_tree_is_refused_not_waited_on(files: dict[str, Path]) -> None:
    run = run_main(["lint", "--registry", str(files["good.yaml"]), "--generated", str(files["bad-tree"])])
    refused(run, "bad-tree/acme/partner_to_customer/main.tf", "named pipe")


def test_a_fifo_where_generate_reads_is_not_waited_on(files: dict[str, Path]) -> None:
    good, out = files["good.yaml"], files["good.yaml"].parent / "out"
    assert run_main(["generate", "--registry", str(good), "--out", str(out)]).code == 0
    for rel in (".xacct-manifest.json", "acme/.xacct-manifest.json", "acme/partner_to_customer/main.tf"):
        target = out / rel
        saved = target.read_bytes()
        target.unlink()
        os.mkfifo(target)
        refused(run_main(["generate", "--registry", str(good), "--out", str(out), "--check"]), rel, code=1)
        refused(run_main(["generate", "--registry", str(good), "--out", str(out)]), rel, "move it away")
        lint = run_main(["lint", "--registry", str(good), "--generated", str(out)])
        refused(lint, code=2 if rel.endswith(".tf") else 0)
        target.unlink()
        target.write_bytes(saved)


def test_lint_output_to_a_fifo_nothing_reads_is_refused(files: dict[str, Path]) -> None:
    run = run_main(["lint", "--registry", str(files["good.yaml"]), "--output", str(files["fifo"])])
    refused(run, str(files["fifo"]), "nothing reads from")


def test_pipes_with_a_writer_and_a_reader_still_work(files: dict[str, Path]) -> None:
    """`plan-guard <(terraform show -json tfplan)`, `lint --plan-json <(...)`, `--output >(jq .)`."""
    for argv in (
        ["plan-guard", "--no-registry"],
        ["lint", "--registry", str(files["good.yaml"]), "--plan-json"],
    ):
        read, write = os.pipe()
        os.write(write, plan([]).encode())
        os.close(write)
        try:
            run = run_main([*argv, f"/proc/self/fd/{read}"])
        finally:
            os.close(read)
        refused(run, code=0)
    read, write = os.pipe()
    try:
        run = run_main(
            [
                "lint",
                "--registry",
                str(files["good.yaml"]),
                "--format",
                "json",
                "--output",
                f"/proc/self/fd/{write}",
            ]
        )
        os.close(write)
        report = json.loads(os.read(read, 1 << 16))
    finally:
        os.close(read)
    refused(run, code=0)
    assert isinstance(report, dict | list)


def test_a_plan_with_attributes_of_the_wrong_type_is_judged_not_crashed_on(files: dict[str, Path]) -> None:
    run = run_main(
        ["lint", "--registry", str(files["good.yaml"]), "--plan-json", str(files["odd-plan.json"])]
    )
    refused(run, "odd-plan.json", code=1)


def test_hcl_that_is_not_utf8_says_so(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_bytes(b'name = "caf\xe9"\n')
    shutil.copytree(REPO / "modules", tmp_path / "modules")
    shutil.copy2(REPO / "tenants.yaml", tmp_path / "tenants.yaml")
    run = run_main(
        ["lint", "--registry", str(tmp_path / "tenants.yaml"), "--generated", str(tmp_path / "main.tf")]
    )
    refused(run, "main.tf:1: (hcl): not UTF-8 (byte 0xe9 at offset 11): save it as UTF-8")


@pytest.fixture
def offline_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "fake-secret")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.mark.parametrize(
    ("endpoint", "shown"),
    [
        ("notaurl", "--endpoint-url notaurl: not an http(s) URL"),
        ("http://:9", "--endpoint-url http://:9: not an http(s) URL"),
        ("http://127.0.0.1:99999", "--endpoint-url http://127.0.0.1:99999: not an http(s) URL"),
        ("http://u:hunter2@127.0.0.1:99999", "--endpoint-url http://u:***@127.0.0.1:99999"),
        ("ftp://127.0.0.1:9", "--endpoint-url ftp://127.0.0.1:9: not an http(s) URL"),
        ("http://127.0.0.1:9/\n", "--endpoint-url http://127.0.0.1:9: not an http(s) URL"),
        (
            "http://u:hunter2@127.0.0.1:9",
            "cannot read the IAM roles of account 111111111111 at http://127.0.0.1:9",
        ),
    ],
)
def test_audit_refuses_a_malformed_endpoint_in_one_line(
    files: dict[str, Path], offline_aws: None, endpoint: str, shown: str
) -> None:
    argv = [
        "audit",
        "--registry",
        str(files["good.yaml"]),
        "--account",
        "partner",
        "--endpoint-url",
        endpoint,
    ]
    run = run_main(argv)
    refused(run, shown)
    assert "hunter2" not in run.text and len(run.err.splitlines()) == 1, run.err


def test_audit_refuses_a_malformed_endpoint_from_the_environment(
    files: dict[str, Path], offline_aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "garbage")
    run = run_main(["audit", "--registry", str(files["good.yaml"]), "--account", "partner"])
    refused(run, "at garbage: Invalid endpoint: garbage", "AWS_ENDPOINT_URL")


def test_audit_refuses_a_known_account_that_is_no_account_id(
    files: dict[str, Path], offline_aws: None
) -> None:
    argv = ["audit", "--registry", str(files["good.yaml"]), "--account", "partner", "--known-account", "xyz"]
    refused(run_main([*argv, "--endpoint-url", "http://127.0.0.1:9"]), "--known-account xyz: not a 12-digit")
    run = run_main(["audit", "--registry", str(files["good.yaml"]), "--account", "a\nb"])
    refused(run, "--account a\\nb: neither")


def test_rotate_with_an_out_that_is_a_file_is_one_line(files: dict[str, Path]) -> None:
    """check_rotations read --out before generate's handlers: an OutputError traceback."""
    good = str(files["good.yaml"])
    run = run_main(["generate", "--registry", good, "--out", good, "--rotate-external-id", "acme"])
    refused(run, f"{good}: is a file, not a folder")


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "--registry", ""],
        ["generate", "--out", ""],
        ["lint", "--plan-json", "a\0b"],
        ["lint", "--generated", ""],
        ["lint", "--output", ""],
        ["plan-guard", "plan\0.json"],
        ["audit", "--account", "partner", "--registry", ""],
        ["generate", "--wait", "nan"],
        ["generate", "--wait", "-1"],
    ],
)
def test_a_path_that_names_no_file_is_a_usage_error(files: dict[str, Path], argv: list[str]) -> None:
    """'' named the current folder ('.: is a directory'); a NUL byte raised ValueError; --wait nan waited
    forever for a busy lock."""
    run = run_main(argv)
    refused(run, f"argument {argv[-2] if argv[-2].startswith('-') else 'plan_json'}:")


def test_lint_output_never_replaces_what_lint_reads(files: dict[str, Path]) -> None:
    good, plan_file = files["good.yaml"], files["plan.json"]
    before = good.read_bytes(), plan_file.read_bytes()
    for target, what in ((good, "is the registry"), (plan_file, "is a --plan-json file")):
        run = run_main(
            ["lint", "--registry", str(good), "--plan-json", str(plan_file), "--output", str(target)]
        )
        refused(run, f"--output {target}: {what}; pass another file")
    assert (good.read_bytes(), plan_file.read_bytes()) == before
    report = good.parent / "report.sarif"
    run = run_main(["lint", "--registry", str(good), "--format", "sarif", "--output", str(report)])
    refused(run, f"(report in {report})", code=0)


def test_audit_redacts_a_short_url_password_without_mangling_the_message(
    files: dict[str, Path], offline_aws: None
) -> None:
    argv = ["audit", "--registry", str(files["good.yaml"]), "--account", "partner", "--profile", "nope"]
    run = run_main([*argv, "--endpoint-url", "http://u:p@127.0.0.1:9"])
    refused(run, "The config profile (nope) could not be found")


def test_an_unexpected_exception_is_one_line(files: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """The last resort: a bug is reported in one line (exit 2); XACCT_DEBUG=1 shows the traceback."""
    import generator.lint.command

    def broken(args: object) -> int:
        raise AttributeError("'str' object has no attribute 'get'")

    monkeypatch.setattr(generator.lint.command, "run_lint", broken)
    run = run_main(["lint", "--registry", str(files["good.yaml"])])
    assert run.code == 2 and "Traceback" not in run.text, run.text
    assert run.err.splitlines() == [
        "xacct lint: internal error (AttributeError: 'str' object has no attribute 'get'); this is a bug in "
        "xacct: please report it with the command line (XACCT_DEBUG=1 shows the traceback)"
    ]
    monkeypatch.setenv("XACCT_DEBUG", "1")
    with pytest.raises(AttributeError):
        run_main(["lint", "--registry", str(files["good.yaml"])])


def test_a_symlink_loop_where_a_path_is_resolved_is_no_runtime_error(files: dict[str, Path]) -> None:
    """Python 3.11's Path.resolve() raises RuntimeError on a symlink loop: validate --out LOOP and a
    module source through a loop were internal errors."""
    good, loop = str(files["good.yaml"]), str(files["loop-a"])
    refused(run_main(["validate", "--registry", good, "--out", loop]), "valid", code=0)
    out = files["good.yaml"].parent / "out"
    assert run_main(["generate", "--registry", good, "--out", str(out)]).code == 0
    (out / "acme" / "partner_to_customer" / "extra.tf").write_text(
        f'module "x" {{\n  source = "{os.path.relpath(loop, out / "acme" / "partner_to_customer")}"\n}}\n'
    )
    for fmt in ("text", "sarif"):
        run = run_main(["lint", "--registry", good, "--generated", str(out), "--format", fmt])
        refused(run, "extra.tf", code=1)


def test_a_plan_nested_as_deep_as_json_allows_is_judged_not_a_recursion_error(files: dict[str, Path]) -> None:
    """lint read plans with the json module, whose recursion gave up below the 1,024 levels the
    accounting (orjson) accepts: a RecursionError."""
    run = run_main(
        ["lint", "--registry", str(files["good.yaml"]), "--plan-json", str(files["deep-plan.json"])]
    )
    refused(run, "deep-plan.json", code=1)


def test_a_full_standard_output_is_one_line_not_the_output_folder(files: dict[str, Path]) -> None:
    """An OSError without a path was described as 'the output folder' (stdout on /dev/full)."""
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [*xacct_command(), "validate", "--registry", str(files["good.yaml"])],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=30,
            check=False,
        )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.splitlines()[0] == (
        "xacct: standard output (or a file without a name): No space left on device: check where the "
        "output goes (a full disk? a closed pipe?) and run again"
    ), proc.stderr
