"""``xacct import`` fails in one line with exit 2 and writes nothing: no credentials, an endpoint that
does not answer, an unknown profile, bad arguments, a refused registry."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.cli import main

HERE = Path(__file__).parent


@pytest.fixture
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                 "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_IAM", "AWS_ENDPOINT_URL_STS",
                 "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                 "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    path = tmp_path / "tenants.yaml"
    shutil.copy(HERE / "tenants-adopt.yaml", path)
    return path


def run(registry: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, list[str]]:
    before = registry.read_bytes()
    capsys.readouterr()
    code = main(["import", "--registry", str(registry), "--write", *args])
    out, err = capsys.readouterr()
    assert registry.read_bytes() == before  # nothing written
    return code, out, err.splitlines()


def test_no_credentials(registry: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(registry, capsys, "--endpoint-url", "http://127.0.0.1:9")
    assert (code, out) == (2, "")
    assert err == [
        "xacct import: cannot read the IAM roles of the current credentials at http://127.0.0.1:9: "
        "Unable to locate credentials"
    ]


def test_an_endpoint_that_does_not_answer(
    registry: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEKEY123456")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "very-secret-value")
    code, out, err = run(registry, capsys, "--endpoint-url", "http://127.0.0.1:9")
    assert (code, out, len(err)) == (2, "", 1)
    assert err[0].startswith(
        "xacct import: cannot read the IAM roles of the current credentials at http://127.0.0.1:9: "
    )
    assert "Could not connect to the endpoint URL" in err[0]
    assert "very-secret-value" not in err[0] and "AKIAEXAMPLEKEY123456" not in err[0]


def test_an_unknown_profile(registry: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(registry, capsys, "--profile", "nope")
    assert (code, out) == (2, "")
    assert err == [
        "xacct import: cannot read the IAM roles of profile nope at AWS: "
        "The config profile (nope) could not be found"
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--name", "acme"],
            "xacct import: --name 'acme': write ACCOUNT_ID=TENANT, e.g. --name 222222222222=acme",
        ),
        (["--account", "12345"], "xacct import: --account '12345': not a 12-digit account ID"),
        (
            ["--endpoint-url", "ftp://x"],
            "xacct import: --endpoint-url: not an http(s) URL with a host and a valid port, e.g. http://localhost:4566",
        ),
    ],
)
def test_bad_arguments(
    registry: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert run(registry, capsys, *args) == (2, "", [message])


def test_a_refused_registry(registry: Path, capsys: pytest.CaptureFixture[str]) -> None:
    registry.write_text(registry.read_text().replace("policy_name: dns-access", "policy_nam: dns-access"))
    code, out, err = run(registry, capsys)
    assert (code, out) == (2, "")
    assert err[-1].endswith("problem(s) in the registry; nothing was imported")
    assert any("adopt.policy_nam: unknown key" in line for line in err), err
