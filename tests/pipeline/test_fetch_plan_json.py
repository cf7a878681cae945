"""``xacct fetch-plan-json`` against a local HTTP server that answers as the HCP Terraform API documents.

HCP Terraform cannot be reached from here, so a ``http.server`` in a thread plays it, with the response
shapes of the API reference (developer.hashicorp.com/terraform/cloud-docs/api-docs): ``GET
/api/v2/runs/:id`` is a JSON:API document whose ``data.relationships.plan.data.id`` names the plan;
``GET /api/v2/plans/:id/json-output`` answers ``307`` with a ``Location`` on a temporary archivist URL,
``204`` while the plan runs, ``404`` (JSON:API ``errors``) for a plan unknown or not readable, and the API
``401`` for a bad token. What is checked: the JSON plan written, the token sent to the API and never to
the redirect's URL, and every failure one line with exit 2 and nothing written.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from generator.cli import main as xacct
from generator.hcp_api import HcpClient, token_env

TOKEN = "tok.atlasv1.secret"
PLAN = {"format_version": "1.2", "terraform_version": "1.11.4", "resource_changes": []}
NOT_FOUND = {"errors": [{"status": "404", "title": "not found"}]}
UNAUTHORIZED = {"errors": [{"status": "401", "title": "unauthorized"}]}
DEEP = b'{"format_version": "1.2", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"  # a hostile answer


def run_doc(run_id: str, plan_id: str | None) -> dict[str, object]:
    relationships: dict[str, object] = {"workspace": {"data": {"id": "ws-1", "type": "workspaces"}}}
    if plan_id:
        relationships["plan"] = {
            "data": {"id": plan_id, "type": "plans"},
            "links": {"related": f"/api/v2/runs/{run_id}/plan"},
        }
    return {
        "data": {
            "id": run_id,
            "type": "runs",
            "attributes": {"status": "planned", "has-changes": True},
            "relationships": relationships,
            "links": {"self": f"/api/v2/runs/{run_id}"},
        }
    }


class Api(BaseHTTPRequestHandler):
    """HCP Terraform's answers, by path; records each request's path and Authorization header."""

    seen: ClassVar[list[tuple[str, str | None]]] = []
    pending = 0  # how many more 204s plan-later answers

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, status: int, body: object = None, headers: dict[str, str] | None = None) -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Type", "application/vnd.api+json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        auth = self.headers.get("Authorization")
        type(self).seen.append((self.path, auth))
        base = f"http://localhost:{self.server.server_address[1]}"  # another host name: the archivist
        path = self.path
        if path.startswith("/archivist/"):
            name = path.removeprefix("/archivist/")
            if name == "loop":
                return self._send(307, None, {"Location": path})
            body = {
                "plan": json.dumps(PLAN).encode(),
                "html": b"<html>maintenance</html>",
                "deep": DEEP,
            }.get(name, b"{}")
            return self._send(200, body)
        if auth != f"Bearer {TOKEN}":
            return self._send(401, UNAUTHORIZED)
        routes = {
            "/api/v2/runs/run-ok": (200, run_doc("run-ok", "plan-ok")),
            "/api/v2/runs/run-apply-only": (200, run_doc("run-apply-only", None)),
            "/api/v2/runs/run-html": (200, b"<html>login</html>"),
            "/api/v2/runs/run-deep": (200, DEEP),
            "/api/v2/runs/run-huge": (
                200,
                b" " * (8 * 2**20) + json.dumps(run_doc("run-huge", "plan-ok")).encode(),
            ),
            "/api/v2/plans/plan-deep/json-output": (307, None, {"Location": f"{base}/archivist/deep"}),
            "/api/v2/plans/plan-ok/json-output": (307, None, {"Location": f"{base}/archivist/plan"}),
            "/api/v2/plans/plan-html/json-output": (307, None, {"Location": f"{base}/archivist/html"}),
            "/api/v2/plans/plan-notaplan/json-output": (307, None, {"Location": f"{base}/archivist/other"}),
            "/api/v2/plans/plan-running/json-output": (204, None),
            "/api/v2/plans/plan-loop/json-output": (307, None, {"Location": f"{base}/archivist/loop"}),
            "/api/v2/plans/plan-file/json-output": (307, None, {"Location": "file:///etc/passwd"}),
        }
        if path.startswith("/api/v2/plans/plan-drip"):  # a byte at a time: each read is quick
            self.send_response(404 if path.endswith("404/json-output") else 200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            for _ in range(1000):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.1)
            return None
        if path == "/api/v2/plans/plan-slow/json-output":
            time.sleep(2)
            return self._send(200, PLAN)
        if path == "/api/v2/plans/plan-later/json-output":
            if type(self).pending > 0:
                type(self).pending -= 1
                return self._send(204)
            return self._send(307, None, {"Location": f"{base}/archivist/plan"})
        self._send(*routes.get(path, (404, NOT_FOUND)))


class Server(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that timed out and left (plan-slow): not the test's business


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    server = Server(("127.0.0.1", 0), Api)
    Api.seen = []
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    monkeypatch.setenv("TF_TOKEN_hcp_example_com", TOKEN)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.delenv("TF_CLOUD_HOSTNAME", raising=False)
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def fetch(api: str, tmp_path: Path, *args: str) -> tuple[int, Path]:
    target = tmp_path / "plan.json"
    code = xacct(
        ["fetch-plan-json", "--hostname", "hcp.example.com", "--api-url", api, *args, "--out", str(target)]
    )
    return code, target


def test_token_env_follows_terraform() -> None:
    assert token_env("app.terraform.io") == "TF_TOKEN_app_terraform_io"
    assert token_env("tfe.my-corp.example") == "TF_TOKEN_tfe_my__corp_example"


def test_run_to_plan_to_json_plan(api: str, tmp_path: Path) -> None:
    code, target = fetch(api, tmp_path, "--run", "run-ok")
    assert code == 0
    assert json.loads(target.read_text()) == PLAN
    assert Api.seen == [
        ("/api/v2/runs/run-ok", f"Bearer {TOKEN}"),
        ("/api/v2/plans/plan-ok/json-output", f"Bearer {TOKEN}"),
        ("/archivist/plan", None),  # the redirect's URL never gets the token
    ]


def test_plan_id_and_saved_plan(api: str, tmp_path: Path) -> None:
    assert fetch(api, tmp_path, "--plan", "plan-ok")[0] == 0
    saved = tmp_path / "tfplan"  # what `terraform plan -out` writes for a remote run (terraform >= 1.6)
    saved.write_text(json.dumps({"remote_plan_format": 1, "run_id": "run-ok", "hostname": "hcp.example.com"}))
    code, target = fetch(api, tmp_path, "--saved-plan", str(saved))
    assert code == 0 and json.loads(target.read_text()) == PLAN


def test_wait_for_an_unfinished_plan(api: str) -> None:
    Api.pending = 2
    slept: list[float] = []
    client = HcpClient("hcp.example.com", api_url=api, sleep=slept.append)
    assert json.loads(client.plan_json("plan-later", wait=10, poll=0.5)) == PLAN
    assert slept == [0.5, 0.5]


@pytest.mark.parametrize(
    ("args", "env", "said"),
    [
        (["--run", "run-ok"], {"TF_TOKEN_hcp_example_com": "wrong"}, "was refused (401 unauthorized)"),
        (["--run", "run-ok"], {"TF_TOKEN_hcp_example_com": ""}, "no API token: set TF_TOKEN_hcp_example_com"),
        (
            ["--run", "run-nope"],
            {},
            "run run-nope not found, or the token in TF_TOKEN_hcp_example_com may not",
        ),
        (["--plan", "plan-nope"], {}, "the JSON plan of plan-nope not found"),
        (["--run", "run-apply-only"], {}, "run run-apply-only has no plan"),
        (["--run", "run-html"], {}, "run run-html: the answer is not JSON"),
        (["--plan", "plan-html"], {}, "plan plan-html: the JSON plan is not JSON"),
        (["--plan", "plan-notaplan"], {}, "the answer is not a terraform JSON plan"),
        (["--plan", "plan-running"], {}, "plan plan-running has not finished (204)"),
        (["--plan", "plan-loop"], {}, "more than 3 redirects"),
        (["--plan", "plan-file"], {}, "a redirect (307) without a usable Location"),
        (["--plan", "plan-slow", "--timeout", "0.5"], {}, "no answer in 0.5 s"),
        (["--plan", "plan-drip", "--timeout", "0.6"], {}, "no answer in 0.6 s"),  # the whole request
        (["--plan", "plan-drip404", "--timeout", "0.6"], {}, "no answer in 0.6 s"),  # an error's body too
        (["--plan", "plan-ok", "--timeout", "0"], {}, "--timeout must be above 0"),
        (["--plan", "plan-ok", "--timeout", "inf"], {}, "--timeout must be above 0"),
        (["--plan", "plan-ok", "--wait", "inf"], {}, "--timeout must be above 0"),
        (["--run", "run-deep"], {}, "run run-deep: the answer is not JSON"),
        (["--run", "run-huge"], {}, "the answer is over 4 MB"),  # a run document is a few KB
        (["--plan", "plan-deep"], {}, "plan plan-deep: the JSON plan is not JSON"),
    ],
)
def test_failures_are_one_line_exit_2(
    api: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    env: dict[str, str],
    said: str,
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    code, target = fetch(api, tmp_path, *args)
    err = capsys.readouterr().err
    assert code == 2 and said in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert TOKEN not in err and not target.exists() and not list(tmp_path.iterdir())


def test_nothing_listening(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch) -> None:
    monkeypatch.setenv("TF_TOKEN_hcp_example_com", TOKEN)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Api)
    port = server.server_address[1]
    server.server_close()  # a port nothing listens on
    code, _ = fetch(f"http://127.0.0.1:{port}", tmp_path, "--run", "run-ok")
    err = capsys.readouterr().err
    assert code == 2 and "cannot connect (Connection refused)" in err and len(err.strip().splitlines()) == 1


def test_not_a_saved_remote_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch) -> None:
    monkeypatch.setenv("TF_TOKEN_app_terraform_io", TOKEN)
    local = tmp_path / "tfplan"
    local.write_bytes(b"PK\x03\x04 a local plan is a zip")
    assert xacct(["fetch-plan-json", "--saved-plan", str(local), "--out", str(tmp_path / "p.json")]) == 2
    assert "not a saved remote plan" in capsys.readouterr().err


def test_out_not_writable(api: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["fetch-plan-json", "--hostname", "hcp.example.com", "--api-url", api, "--plan", "plan-ok"]
    assert xacct([*args, "--out", str(tmp_path / "no" / "plan.json")]) == 2
    err = capsys.readouterr().err
    assert "--out" in err and "cannot write it" in err and len(err.strip().splitlines()) == 1


BAD_TOKENS = [f"{TOKEN}\n", f"{TOKEN}\r\n", f"{TOKEN} ", f"tok\u2013{TOKEN}", f"x\x01{TOKEN}"]


@pytest.mark.parametrize("bad", BAD_TOKENS)
def test_a_malformed_token_is_never_echoed(
    api: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, bad: str
) -> None:
    """A token read from a file with its line break (or any character no token has) is refused by
    naming its variable: the token itself never reaches a message (http.client's "Invalid header
    value b'Bearer ...'" would print it), and no request is made."""
    monkeypatch.setenv("TF_TOKEN_hcp_example_com", bad)
    code, target = fetch(api, tmp_path, "--run", "run-ok")
    err = capsys.readouterr().err
    assert code == 2 and "TF_TOKEN_hcp_example_com" in err and "internal error" not in err, err
    assert TOKEN not in err and "secret" not in err and len(err.strip().splitlines()) == 1
    assert Api.seen == [] and not target.exists()


def test_a_link_at_the_partial_name_is_not_written_through(api: str, tmp_path: Path) -> None:
    """Red team: the plan was written to a fixed ``.plan.json.partial`` beside ``--out`` through any link
    there, so a link of that name to a user's file had its content replaced by the plan."""
    precious = tmp_path / "precious.txt"
    precious.write_text("the user's own file\n", encoding="utf-8")
    (tmp_path / ".plan.json.partial").symlink_to(precious)
    code, target = fetch(api, tmp_path, "--plan", "plan-ok")
    assert code == 0 and json.loads(target.read_text()) == PLAN
    assert precious.read_text(encoding="utf-8") == "the user's own file\n"
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
