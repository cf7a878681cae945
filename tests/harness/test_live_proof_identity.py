"""The live layer's proofs name the LocalStack they ran on: a role proven live on one LocalStack version
is proven again on another, or when none answers; the other layers do not care which LocalStack runs.

The LocalStacks here are local HTTP servers answering ``/_localstack/health`` with the shape LocalStack
4.13 answers (``version``, ``edition``, ``services``); the real one is exercised by the live tests."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from generator.harness import incremental as inc
from generator.harness import proof_record as pr
from generator.policy import build_roles
from generator.registry import load_registry
from tests.reliability.registries import PARTNER, REPO, tenant, write_registry


def _serve(answer: dict[str, Any] | None) -> tuple[ThreadingHTTPServer, str]:
    class Health(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path != "/_localstack/health" or answer is None:
                self.send_error(404)
                return
            body = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture
def localstacks() -> Iterator[dict[str, str]]:
    """URLs of LocalStacks 4.13.1 and 4.14.0, one answering without a version, one answering 404."""
    answers = {
        "4.13.1": {"version": "4.13.1", "edition": "community", "services": {"iam": "available"}},
        "4.14.0": {"version": "4.14.0", "edition": "community", "services": {"iam": "available"}},
        "no version": {"services": {"iam": "available"}},
        "404": None,
    }
    servers = {name: _serve(answer) for name, answer in answers.items()}
    yield {name: url for name, (_, url) in servers.items()}
    for server, _ in servers.values():
        server.shutdown()
        server.server_close()


def _config(tmp_path: Path, url: str | None, record: Path | None = None) -> Any:
    options = {
        "--xacct-localstack-url": url,
        "--xacct-proof-record": str(record) if record else None,
        "--xacct-modules-dir": str(REPO / "modules"),
    }
    return SimpleNamespace(
        getoption=lambda name: options.get(name), invocation_params=SimpleNamespace(dir=tmp_path)
    )


def test_the_identity_is_localstacks_edition_and_version_or_why_there_is_none(
    tmp_path: Path, localstacks: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XACCT_LOCALSTACK_URL", raising=False)
    assert inc.localstack_identity(_config(tmp_path, localstacks["4.13.1"])) == "community 4.13.1"
    assert inc.localstack_identity(_config(tmp_path, localstacks["4.14.0"])) == "community 4.14.0"
    assert inc.localstack_identity(_config(tmp_path, localstacks["no version"])) is None
    assert inc.localstack_identity(_config(tmp_path, localstacks["404"])) is None
    assert inc.localstack_identity(_config(tmp_path, None)) is None
    assert inc.localstack_identity(_config(tmp_path, "http://example.com:4566")) is None
    monkeypatch.setenv("XACCT_LOCALSTACK_URL", localstacks["4.14.0"])  # what `make test` sets
    assert inc.localstack_identity(_config(tmp_path, None)) == "community 4.14.0"


def _incremental(tmp_path: Path, url: str | None) -> inc.Incremental:
    registry = write_registry(
        tmp_path / "tenants.yaml", {"version": 1, "partner": PARTNER, "tenants": [tenant(0), tenant(1)]}
    )
    loaded = load_registry(registry)
    config = _config(tmp_path, url, tmp_path / "record.json")
    return inc.Incremental(config, loaded, build_roles(loaded.model))  # type: ignore[arg-type]


def _prove(state: inc.Incremental, layers: tuple[str, ...]) -> None:
    """As a session whose every test of ``layers`` passed for each role (one test per layer)."""
    for role in state.keys:
        for layer in layers:
            state.ran[role].add(layer)
            state.tests[(role, layer)].add(f"{role}::{layer}")
            state.wanted[(role, layer)] = 1


def test_a_role_proven_live_on_one_localstack_is_proven_again_on_another(
    tmp_path: Path, localstacks: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pr, "terraform_version", lambda: "1.11.4/linux_amd64")
    monkeypatch.delenv("XACCT_LOCALSTACK_URL", raising=False)
    first = _incremental(tmp_path, localstacks["4.13.1"])
    roles = build_roles(load_registry(tmp_path / "tenants.yaml").model)
    _prove(first, ("hcl", "plan", "live"))
    assert f"recorded {len(roles)} role(s) proven" in (first.finish(0) or "")
    saved = json.loads((tmp_path / "record.json").read_text())
    assert {tuple(entry["layers"]) for entry in saved["roles"].values()} == {
        ("hcl", "live@community 4.13.1", "plan")
    }

    same = _incremental(tmp_path, localstacks["4.13.1"])
    assert same.unproven(roles, "live") == [] and same.unproven(roles, "plan") == []
    for other in (localstacks["4.14.0"], localstacks["404"], None):
        again = _incremental(tmp_path, other)
        assert again.unproven(roles, "live") == roles, other  # proven again, on what runs now
        assert again.unproven(roles, "plan") == [] and again.unproven(roles, "hcl") == []

    upgraded = _incremental(tmp_path, localstacks["4.14.0"])  # proven there too: both are kept
    _prove(upgraded, ("live",))
    upgraded.finish(0)
    entry = next(iter(json.loads((tmp_path / "record.json").read_text())["roles"].values()))
    assert entry["layers"] == ["hcl", "live@community 4.13.1", "live@community 4.14.0", "plan"]


def test_a_record_from_before_names_no_localstack_and_proves_no_live_test(
    tmp_path: Path, localstacks: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pr, "terraform_version", lambda: "1.11.4/linux_amd64")
    first = _incremental(tmp_path, localstacks["4.13.1"])
    record = pr.ProofRecord(
        first.environment,
        first.record.parts,
        {k: {"key": v, "layers": ["hcl", "live"]} for k, v in first.keys.items()},
    )
    pr.save_record(tmp_path / "record.json", record)
    roles = build_roles(load_registry(tmp_path / "tenants.yaml").model)
    state = _incremental(tmp_path, localstacks["4.13.1"])
    assert state.unproven(roles, "hcl") == [] and state.unproven(roles, "live") == roles
