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

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    import boto3
    from botocore.client import BaseClient

HOST = "127.0.0.1"
SERVICES = ("iam", "sts", "s3", "route53", "cloudformation")
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
    here = Path(__file__).resolve().parents[1]
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


def health(url: str, timeout: float = 2.0) -> dict[str, Any] | None:
    """The parsed ``/_localstack/health`` answer, or None when nothing (valid) answers."""
    try:
        with _no_proxy_opener.open(f"{check_local_url(url)}/_localstack/health", timeout=timeout) as resp:
            data = json.loads(resp.read())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


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


# ------------------------------------------------------------------------------------------ boto3


def boto3_session(account_id: str, region: str = "us-east-1") -> boto3.Session:
    """A session whose access key is the 12-digit account id, which LocalStack maps to that account."""
    import boto3

    if not (len(account_id) == 12 and account_id.isdigit()):
        raise ValueError(f"an AWS account id has 12 digits, got {account_id!r}")
    return boto3.Session(aws_access_key_id=account_id, aws_secret_access_key="test", region_name=region)


def client(session: boto3.Session, service: str, url: str) -> BaseClient:
    """A client of ``service`` talking to LocalStack at ``url`` (path-style S3, no proxy, few retries)."""
    from botocore.config import Config

    config = Config(
        s3={"addressing_style": "path"},
        proxies={},
        retries={"max_attempts": 2, "mode": "standard"},
        connect_timeout=5,
        read_timeout=60,
    )
    return session.client(service, endpoint_url=check_local_url(url), config=config)


# ------------------------------------------------------------------------------------------ CLI


def _say(message: str) -> None:
    print(f"localstack: {message}", file=sys.stderr, flush=True)


def cmd_up(ls: LocalStack, timeout: float) -> int:
    if ls.is_healthy():
        _say(f"reusing running instance (pid {ls.pid})")
        print(ls.url)
        return 0
    ls.stop()  # a stale or unhealthy instance
    state = ls.start()
    try:
        ls.wait_ready(timeout)
    except LocalStackError as exc:
        _say(str(exc))
        ls.stop()
        return 1
    _say(f"ready at {state.url} (pid {state.pid}, log {state.log})")
    print(state.url)
    return 0


def cmd_down(ls: LocalStack) -> int:
    _say("stopped" if ls.stop() else "was not running")
    return 0


def cmd_status(ls: LocalStack) -> int:
    state = ls.state()
    if state is None or not ls.is_running():
        _say("not running")
        return 1
    healthy = is_healthy(state.url, ls.services)
    _say(f"{'healthy' if healthy else 'running but not healthy'} at {state.url} (pid {state.pid})")
    print(state.url)
    return 0 if healthy else 1


class _Interrupted(Exception):
    def __init__(self, signum: int) -> None:
        super().__init__(f"interrupted by signal {signum}")
        self.signum = signum


class _Forwarder:
    """While a child runs, forwards SIGINT/SIGTERM/SIGHUP to its process group; before that, a signal
    raises :class:`_Interrupted` once ``armed`` (and is only recorded while not, e.g. inside Popen)."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

    def __init__(self) -> None:
        self.child: subprocess.Popen[bytes] | None = None
        self.received: int | None = None
        self.armed = False
        self._previous: dict[int, Any] = {}

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        self.received = signum
        if self.child is not None:
            if self.child.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.child.pid, signum)
        elif self.armed:
            raise _Interrupted(signum)

    def check(self) -> None:
        """Raise now for a signal recorded while not armed."""
        if self.received is not None:
            raise _Interrupted(self.received)

    def __enter__(self) -> _Forwarder:
        for sig in self.SIGNALS:
            self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *_exc: object) -> None:
        for sig, previous in self._previous.items():
            signal.signal(sig, previous)


def _set_terminal_pgrp(pgid: int) -> None:
    previous = signal.signal(signal.SIGTTOU, signal.SIG_IGN)
    try:
        os.tcsetpgrp(0, pgid)
    finally:
        signal.signal(signal.SIGTTOU, previous)


def _hand_terminal_to(pgid: int) -> bool:
    """Make ``pgid`` the terminal's foreground group when we hold it: Ctrl-C then reaches the command
    once, and it may read the terminal (pdb). Returns whether the terminal was handed over."""
    try:
        if not (os.isatty(0) and os.tcgetpgrp(0) == os.getpgrp()):
            return False
        _set_terminal_pgrp(pgid)
    except OSError:
        return False
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGCONT)  # in case it touched the terminal before the hand-over
    return True


def cmd_run(ls: LocalStack, command: Sequence[str], timeout: float) -> int:
    if not command:
        _say("run needs a command: run -- CMD ...")
        return 2
    own: LocalStack | None = None
    reuse = os.environ.get(URL_ENV)
    with _Forwarder() as forwarder:
        try:
            if reuse and _healthy_local(reuse, ls.services):
                url = check_local_url(reuse)
                _say(f"reusing {url} from {URL_ENV}")
            else:
                if reuse:
                    _say(f"{URL_ENV}={reuse} is not a healthy local LocalStack; starting one")
                own = ls
                state = own.start()
                _say(f"starting (pid {state.pid}, log {state.log})")
                forwarder.check()
                forwarder.armed = True
                own.wait_ready(timeout)
                forwarder.armed = False
                url = state.url
                _say(f"ready at {url}")
            forwarder.check()
            child = subprocess.Popen(list(command), env={**os.environ, URL_ENV: url}, process_group=0)
            forwarder.child = child
            handed_over = _hand_terminal_to(child.pid)
            try:
                code = child.wait()
            finally:
                if handed_over:
                    with contextlib.suppress(OSError):
                        _set_terminal_pgrp(os.getpgrp())
            return 128 - code if code < 0 else code
        except _Interrupted as exc:
            _say(str(exc))
            return 128 + exc.signum
        except LocalStackError as exc:
            _say(str(exc))
            return 1
        finally:
            forwarder.armed = False
            if own is not None:
                _say("stopped" if own.stop() else "already gone")
                with contextlib.suppress(OSError):
                    own.log_file.replace(own.state_dir / "run.log")  # keep the last run's log only


def _healthy_local(url: str, services: Sequence[str]) -> bool:
    try:
        check_local_url(url)
    except LocalStackError:
        return False
    return is_healthy(url, services)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m generator.localstack", description=(__doc__ or "").split("\n")[0]
    )
    parser.add_argument("--timeout", type=float, default=90.0, help="seconds to wait for readiness")
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("up", help="start (or reuse) the default instance and print its URL")
    sub.add_parser("down", help="stop the default instance")
    sub.add_parser("status", help="exit 0 when the default instance is healthy")
    run = sub.add_parser("run", help="run a command against a private (or reused) instance")
    run.add_argument("command", nargs=argparse.REMAINDER, help="-- CMD ARGS...")
    args = parser.parse_args(argv)

    if args.action == "up":
        return cmd_up(LocalStack(), args.timeout)
    if args.action == "down":
        return cmd_down(LocalStack())
    if args.action == "status":
        return cmd_status(LocalStack())
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    return cmd_run(LocalStack(name=f"run-{os.getpid()}"), command, args.timeout)


if __name__ == "__main__":
    sys.exit(main())
