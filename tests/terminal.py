"""Run xacct as a person at a terminal would: stderr on a pseudo-terminal, stdout on a pipe."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

# the CLI in a subprocess, with the render workers started from one role up (a small registry forks)
FORKING = (
    "import sys, generator.render_pool as g; g.PARALLEL_MIN_ROLES = 1; "
    "from generator.cli import main; sys.exit(main(sys.argv[1:]))"
)
PLAIN = "import sys; from generator.cli import main; sys.exit(main(sys.argv[1:]))"
ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


@dataclass
class Run:
    code: int
    out: bytes
    err: bytes

    @property
    def counts(self) -> list[tuple[int, int]]:
        """The ``done/total`` pairs that bars drew on stderr."""
        return [(int(a), int(b)) for a, b in re.findall(rb"(\d+)/(\d+)", ANSI.sub(b"", self.err))]

    @property
    def plain_err(self) -> bytes:
        """stderr as a pipe would carry it (a terminal writes a line end as CR LF)."""
        return self.err.replace(b"\r\n", b"\n")


def environment(ci: str | None = None, **extra: str) -> dict[str, str]:
    """The test's environment without anything that silences bars, with ``CI`` as given."""
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "XACCT_NO_PROGRESS")}
    env.update(COLUMNS="100", LINES="40", TERM="xterm-256color", **extra)
    if ci is not None:
        env["CI"] = ci
    return env


def run_xacct(
    *args: str | Path, terminal: bool, env: dict[str, str], code: str = PLAIN, cwd: Path | None = None
) -> Run:
    """``xacct ARGS`` with stderr on a pseudo-terminal (``terminal``) or a pipe; stdout always a pipe."""
    command = [sys.executable, "-c", code, *map(str, args)]
    if not terminal:
        done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, timeout=300, check=False)
        return Run(done.returncode, done.stdout, done.stderr)
    main, side = pty.openpty()
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the other side closed (EIO)
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        proc = subprocess.Popen(
            command, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=side
        )
        os.close(side)
        out, _ = proc.communicate(timeout=300)
    finally:
        reader.join(timeout=10)
        os.close(main)
    return Run(proc.returncode, out, b"".join(chunks))
