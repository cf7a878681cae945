"""Start, check or stop LocalStack, or run a command beside it (``up|status|down|run -- CMD``).

The supervisor behind ``run`` forwards signals to the command and hands the terminal back."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from types import FrameType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass

from generator.localstack.service import (
    URL_ENV,
    LocalStack,
    LocalStackError,
    check_local_url,
    is_healthy,
)


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
