"""LocalStack as a real local service: start, wait, stop by PID; plus boto3 helpers for tests.

LocalStack (pinned in requirements/localstack.txt) lives in its own venv: ``$XACCT_LOCALSTACK_VENV``,
default ``<repo>/.venv-localstack``. It runs without Docker on 127.0.0.1 only, in its own session
(process group). Instance state (pid, port, url, log) is kept in ``<state dir>/localstack/<name>.json``
where the state dir is ``$XACCT_STATE_DIR``, default ``<repo>/.xacct``, so ``up`` and ``down`` work from
separate processes.

Command line::

    python -m generator.localstack up        # start (or reuse) the "default" instance, print its URL
    python -m generator.localstack status    # exit 0 when it answers healthy
    python -m generator.localstack down      # stop it by PID
    python -m generator.localstack run -- CMD ...

``run`` reuses ``$XACCT_LOCALSTACK_URL`` when that answers healthy, else starts a private instance; CMD
gets ``XACCT_LOCALSTACK_URL``; the private instance is stopped when CMD ends, fails or is interrupted,
and ``run`` exits with CMD's exit code.

A 12-digit access key id is taken by LocalStack as the account id, so one instance serves many accounts.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from generator.permissions.discovery import kinds

if TYPE_CHECKING:
    pass

HOST = "127.0.0.1"
# What the live layer needs: the roles (iam, sts), the onboarding stacks, and what each permission
# kind's live part uses (its ``live_services``: s3, route53, ...).
SERVICES = tuple(
    dict.fromkeys(("iam", "sts", "cloudformation", *(s for k in kinds().values() for s in k.live_services)))
)
URL_ENV = "XACCT_LOCALSTACK_URL"
VENV_ENV = "XACCT_LOCALSTACK_VENV"
STATE_ENV = "XACCT_STATE_DIR"
STOP_GRACE = 15.0
READY_STATES = frozenset({"available", "running"})
# Keep the project venv's Python settings out of LocalStack's own venv.
_PYTHON_ENV = frozenset({"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP"})


class LocalStackError(RuntimeError):
    """LocalStack could not be started, did not become ready, or is misconfigured."""


def repo_root() -> Path:
    """The source checkout when running from one, else the current directory."""
    here = Path(__file__).resolve().parents[2]
    return here if (here / "pyproject.toml").is_file() else Path.cwd()


def default_venv() -> Path:
    return Path(os.environ.get(VENV_ENV) or repo_root() / ".venv-localstack")


def default_state_dir() -> Path:
    return Path(os.environ.get(STATE_ENV) or repo_root() / ".xacct") / "localstack"


def check_local_url(url: str) -> str:
    """``url`` without a trailing slash; refuses anything but http(s)://127.0.0.1:PORT."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.hostname != HOST or parts.port is None:
        raise LocalStackError(f"only http://{HOST}:<port> is allowed for LocalStack, got {url!r}")
    return url.rstrip("/")


_no_proxy_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


MAX_HEALTH_BYTES = 1024 * 1024  # a health answer is a few hundred bytes


def _ask_health(url: str, timeout: float) -> dict[str, Any] | None:
    try:
        with _no_proxy_opener.open(f"{url}/_localstack/health", timeout=timeout) as resp:
            body = resp.read(MAX_HEALTH_BYTES + 1)
        data = json.loads(body) if len(body) <= MAX_HEALTH_BYTES else None
    except (OSError, ValueError, RecursionError):  # RecursionError: JSON nested too deep
        return None
    return data if isinstance(data, dict) else None


def health(url: str, timeout: float = 2.0) -> dict[str, Any] | None:
    """The parsed ``/_localstack/health`` answer, or None when nothing (valid) answers within about
    ``timeout`` seconds in all (a socket timeout bounds each read only: an answer trickled a byte at a
    time would never end), or the answer is too big or nested too deep."""
    url = check_local_url(url)
    answer: list[dict[str, Any] | None] = []
    asking = threading.Thread(target=lambda: answer.append(_ask_health(url, timeout)), daemon=True)
    asking.start()
    asking.join(timeout * 2)
    return answer[0] if answer else None


def is_healthy(url: str, services: Sequence[str] = SERVICES) -> bool:
    """True when LocalStack at ``url`` reports every one of ``services`` available or running."""
    data = health(url)
    states = (data or {}).get("services", {})
    return bool(data) and all(states.get(s) in READY_STATES for s in services)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def pid_alive(pid: int) -> bool:
    """True for a live (not zombie) process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    except OSError:  # no procfs: fall back to signal 0
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def _is_localstack(pid: int) -> bool:
    """Guards against PID reuse: the process must still be a LocalStack runtime."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return False
    except OSError:
        return pid_alive(pid)
    return b"localstack.runtime.main" in cmdline


@dataclass
class State:
    """What ``up`` leaves behind for ``down`` and ``status``."""

    pid: int
    port: int
    url: str
    log: str
    venv: str
    started_at: float


class LocalStack:
    """One LocalStack instance, identified by ``name`` inside a state directory."""

    def __init__(
        self,
        *,
        venv: Path | None = None,
        state_dir: Path | None = None,
        name: str = "default",
        services: Sequence[str] = SERVICES,
    ) -> None:
        self.venv = Path(venv) if venv is not None else default_venv()
        self.state_dir = Path(state_dir) if state_dir is not None else default_state_dir()
        self.name = name
        self.services = tuple(services)
        self._proc: subprocess.Popen[bytes] | None = None

    # -- state -------------------------------------------------------------------------------------
    @property
    def state_file(self) -> Path:
        return self.state_dir / f"{self.name}.json"

    @property
    def log_file(self) -> Path:
        return self.state_dir / f"{self.name}.log"

    @property
    def data_dir(self) -> Path:
        """LocalStack's FILESYSTEM_ROOT and cache; removed on stop."""
        return self.state_dir / self.name

    def state(self) -> State | None:
        try:
            return State(**json.loads(self.state_file.read_text(encoding="utf-8")))
        except (FileNotFoundError, ValueError, TypeError):
            return None

    @property
    def url(self) -> str:
        state = self.state()
        if state is None:
            raise LocalStackError(f"LocalStack {self.name!r} is not started (no {self.state_file})")
        return state.url

    @property
    def pid(self) -> int | None:
        state = self.state()
        return state.pid if state else None

    def is_running(self) -> bool:
        """The recorded process is alive and still LocalStack."""
        state = self.state()
        if state is None:
            return False
        if self._proc is not None and self._proc.pid == state.pid:
            # Started here: trust poll(); right after fork the cmdline is still this process's.
            return self._proc.poll() is None
        return pid_alive(state.pid) and _is_localstack(state.pid)

    def is_healthy(self) -> bool:
        state = self.state()
        return state is not None and self.is_running() and is_healthy(state.url, self.services)

    # -- lifecycle ---------------------------------------------------------------------------------
    def start(self, port: int | None = None) -> State:
        """Launch LocalStack in its own session on 127.0.0.1 (a free port when ``port`` is None)."""
        if self.is_running():
            raise LocalStackError(f"LocalStack {self.name!r} already runs (pid {self.pid}); stop it first")
        python = self.venv / "bin" / "python"
        if not python.is_file():
            raise LocalStackError(
                f"no LocalStack venv at {self.venv} ({python} missing): run `make localstack-venv` "
                f"or set {VENV_ENV}"
            )
        port = port or free_port()
        url = f"http://{HOST}:{port}"
        data_dir = self.data_dir
        data_dir.mkdir(parents=True, exist_ok=True)
        inherited = {k: v for k, v in os.environ.items() if k not in _PYTHON_ENV}
        env = {
            **inherited,
            "OVERRIDE_IN_DOCKER": "0",
            "GATEWAY_SERVER": "hypercorn",
            "GATEWAY_LISTEN": f"{HOST}:{port}",
            "LOCALSTACK_HOST": f"{HOST}:{port}",
            "SERVICES": ",".join(self.services),
            "DISABLE_EVENTS": "1",
            "SKIP_SSL_CERT_DOWNLOAD": "1",
            "DNS_ADDRESS": "0",
            "PERSISTENCE": "0",
            "FILESYSTEM_ROOT": str(data_dir),
            "XDG_CACHE_HOME": str(data_dir / "cache"),
            "NO_PROXY": HOST,
        }
        with open(self.log_file, "wb") as log:
            self._proc = subprocess.Popen(
                [str(python), "-m", "localstack.runtime.main"],
                cwd=data_dir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        state = State(self._proc.pid, port, url, str(self.log_file), str(self.venv), time.time())
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(state), indent=2), encoding="utf-8")
        tmp.replace(self.state_file)
        return state

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Poll the health endpoint until every service is ready; raise with the log tail otherwise."""
        state = self.state()
        if state is None:
            raise LocalStackError(f"LocalStack {self.name!r} was not started")
        deadline = time.monotonic() + timeout
        while True:
            if not self.is_running():
                raise LocalStackError(f"LocalStack exited before it was ready.\n{self.log_tail()}")
            if is_healthy(state.url, self.services):
                return
            if time.monotonic() > deadline:
                raise LocalStackError(
                    f"LocalStack at {state.url} not ready after {timeout:g}s.\n{self.log_tail()}"
                )
            time.sleep(0.2)

    def stop(self, grace: float = STOP_GRACE) -> bool:
        """SIGTERM the instance's process group, SIGKILL it after ``grace`` seconds; forget the state.

        Returns True when a process was stopped.
        """
        state = self.state()
        stopped = False
        if state is not None and self.is_running():
            stopped = True
            self._signal_group(state.pid, signal.SIGTERM)
            if not self._wait_gone(state.pid, grace):
                self._signal_group(state.pid, signal.SIGKILL)
                self._wait_gone(state.pid, 5.0)
        with contextlib.suppress(FileNotFoundError):
            self.state_file.unlink()
        if not self.is_running():
            shutil.rmtree(self.data_dir, ignore_errors=True)  # PERSISTENCE=0: nothing worth keeping
        self._proc = None
        return stopped

    def _signal_group(self, pid: int, sig: signal.Signals) -> None:
        # start_new_session makes LocalStack the leader of its own group: pgid == pid.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, sig)

    def _wait_gone(self, pid: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.pid == pid:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self._proc.wait(timeout=0.1)
            if not pid_alive(pid):
                return True
            time.sleep(0.1)
        return not pid_alive(pid)

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_file.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return f"(no log at {self.log_file})"
        tail = "\n".join(text.splitlines()[-lines:])
        return f"--- last lines of {self.log_file} ---\n{tail}"

    @contextlib.contextmanager
    def running(self, port: int | None = None, timeout: float = 60.0) -> Iterator[str]:
        """Start, wait until ready, yield the URL, always stop."""
        try:
            self.start(port)
            self.wait_ready(timeout)
            yield self.url
        finally:
            self.stop()
