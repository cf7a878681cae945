"""Red team (s13): the live layer's proof identity.

- A session whose LocalStack did not say what it is (health timed out under load, 404, no version)
  recorded its live proofs as ``live@no LocalStack answered``; any later session whose LocalStack also
  did not answer (another version, or none running at all) then deselected the live tests as proven.
- ``health()`` hung for ever on an answer trickled a byte at a time (the timeout bounds each read), and
  let a RecursionError out on deeply nested JSON (a traceback at collection)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from generator.harness import proof_record as pr
from generator.localstack import health
from generator.policy import build_roles
from generator.registry import load_registry
from tests.harness.test_live_proof_identity import _incremental, _prove, localstacks  # noqa: F401


def test_live_proofs_made_where_localstack_did_not_answer_prove_nothing_later(
    tmp_path: Path,
    localstacks: dict[str, str],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pr, "terraform_version", lambda: "1.11.4/linux_amd64")
    monkeypatch.delenv("XACCT_LOCALSTACK_URL", raising=False)
    first = _incremental(tmp_path, localstacks["404"])  # health did not answer when the layer was named
    roles = build_roles(load_registry(tmp_path / "tenants.yaml").model)
    _prove(first, ("hcl", "live"))
    first.finish(0)
    saved = json.loads((tmp_path / "record.json").read_text())
    assert not any(
        name.startswith("live") for entry in saved["roles"].values() for name in entry["layers"]
    ), saved["roles"]
    for url in (localstacks["404"], localstacks["no version"]):
        again = _incremental(tmp_path, url)
        assert again.unproven(roles, "live") == roles, url
        assert again.unproven(roles, "hcl") == []


def _serve(handler: type[BaseHTTPRequestHandler]) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


class _Trickle(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.end_headers()
        try:
            for _ in range(40):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.25)
        except OSError:
            pass

    def log_message(self, *args: object) -> None:
        pass


class _Deep(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"[" * 200_000
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def hostile() -> Iterator[dict[str, str]]:
    servers = {"trickle": _serve(_Trickle), "deep": _serve(_Deep)}
    yield {name: url for name, (_, url) in servers.items()}
    for server, _ in servers.values():
        server.shutdown()
        server.server_close()


def test_health_is_bounded_in_time_and_says_none_to_nested_json(hostile: dict[str, str]) -> None:
    start = time.monotonic()
    assert health(hostile["trickle"], timeout=1.0) is None
    assert time.monotonic() - start < 5
    assert health(hostile["deep"]) is None
