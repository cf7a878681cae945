"""A small typed runner around the terraform CLI (its CLI config: `generator.tfconfig`; its plan JSON as
plain objects: `generator.planjson`, both re-exported here).

Every call runs with ``-input=false -no-color`` (where the subcommand takes them), ``TF_IN_AUTOMATION=1``,
``CHECKPOINT_DISABLE=1``, stdin closed, its own process group and a timeout; on timeout the whole group
is terminated (then killed) and :class:`TerraformTimeout` is raised.

The CLI config reaches terraform only through ``TF_CLI_CONFIG_FILE`` in the subprocess environment. When
no config is given, :func:`default_cli_config` writes one (once per content) into
``$XDG_CACHE_HOME/xacct/`` when ``XDG_CACHE_HOME`` is set, else into ``<tmpdir>/xacct-<uid>/``; it uses
the provider mirror from ``XACCT_PROVIDER_MIRROR`` (default ``/opt/tf-plugins``) and the optional plugin
cache from ``XACCT_PLUGIN_CACHE``.

Terraform runs with ``GOGC=400`` unless the environment sets ``GOGC``: terraform keeps the AWS provider's
schema (~350 MB) in memory, and at Go's default a plan of many module instances spent about half its CPU
collecting garbage; 400 halves that at the price of ~1 GB more memory per process.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.planjson import Plan, ResourceChange
from generator.tfconfig import (
    DEFAULT_MIRROR,
    MIRROR_ENV,
    PLUGIN_CACHE_ENV,
    cache_dir,
    cli_config_text,
    default_cli_config,
    mirrored_providers,
    resolve_mirror,
    write_cli_config,
)

__all__ = [
    "DEFAULT_MIRROR",
    "MIRROR_ENV",
    "PLUGIN_CACHE_ENV",
    "CommandResult",
    "Plan",
    "ResourceChange",
    "Terraform",
    "TerraformError",
    "TerraformTimeout",
    "cache_dir",
    "cli_config_text",
    "default_cli_config",
    "mirrored_providers",
    "redact",
    "resolve_mirror",
    "write_cli_config",
]

DEFAULT_TIMEOUT = 600.0
KILL_GRACE = 5.0
STDERR_TAIL = 4000
GOGC_DEFAULT = "400"  # see the module docstring; an explicit GOGC in the environment wins

_SECRET_MARKERS = ("SECRET", "TOKEN", "PASSWORD", "PASSWD", "PRIVATE_KEY")


class TerraformError(Exception):
    """A terraform command failed; carries the command, its exit code and (redacted) stderr."""

    def __init__(self, command: Sequence[str], returncode: int | None, stderr: str, workdir: Path) -> None:
        self.command = list(command)
        self.returncode = returncode
        self.stderr = stderr
        self.workdir = workdir
        super().__init__(self._message())

    def _message(self) -> str:
        tail = self.stderr.strip()
        if len(tail) > STDERR_TAIL:
            tail = "..." + tail[-STDERR_TAIL:]
        return (
            f"`{' '.join(self.command)}` failed with exit code {self.returncode} in {self.workdir}:\n"
            f"{tail or '(no output on stderr)'}"
        )


class TerraformTimeout(TerraformError):
    """A terraform command ran longer than its timeout and was killed."""

    def __init__(self, command: Sequence[str], timeout: float, stderr: str, workdir: Path) -> None:
        self.timeout = timeout
        super().__init__(command, None, stderr, workdir)

    def _message(self) -> str:
        return f"timed out after {self.timeout:g}s and was killed; " + super()._message()


# --------------------------------------------------------------------------- secrets


def _secret_values(env: Mapping[str, str]) -> list[str]:
    return sorted(
        {v for k, v in env.items() if any(m in k.upper() for m in _SECRET_MARKERS) and len(v) >= 4},
        key=len,
        reverse=True,
    )


def redact(text: str, env: Mapping[str, str]) -> str:
    """``text`` with the values of secret-looking environment variables replaced by ``***``."""
    for value in _secret_values(env):
        text = text.replace(value, "***")
    return text


# --------------------------------------------------------------------------- runner


@dataclass(frozen=True)
class CommandResult:
    """A finished terraform call."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    duration: float


class Terraform:
    """Runs terraform in one working directory (a root module)."""

    def __init__(
        self,
        workdir: Path | str,
        *,
        binary: str = "terraform",
        cli_config: Path | None = None,
        env: Mapping[str, str] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.workdir = Path(workdir)
        self.binary = binary
        self.cli_config = Path(cli_config) if cli_config is not None else default_cli_config()
        self.extra_env = dict(env or {})
        self.timeout = timeout
        self.history: list[CommandResult] = []

    @property
    def env(self) -> dict[str, str]:
        """The environment each terraform subprocess gets."""
        env = {"GOGC": GOGC_DEFAULT, **os.environ, **self.extra_env}
        env.update(
            TF_CLI_CONFIG_FILE=str(self.cli_config),
            TF_IN_AUTOMATION="1",
            TF_INPUT="0",
            CHECKPOINT_DISABLE="1",
        )
        return env

    @property
    def last_duration(self) -> float | None:
        return self.history[-1].duration if self.history else None

    def run(self, *args: str, timeout: float | None = None, ok_codes: Sequence[int] = (0,)) -> CommandResult:
        """Run ``terraform ARGS`` in the workdir; raise TerraformError unless the exit code is in ok_codes."""
        command = [self.binary, *args]
        env = self.env
        limit = self.timeout if timeout is None else timeout
        start = time.monotonic()
        proc = subprocess.Popen(
            command,
            cwd=self.workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            stdout, stderr = proc.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            stdout, stderr = _terminate_group(proc)
            self._record(command, -1, stdout, stderr, start)
            raise TerraformTimeout(command, limit, redact(stderr + stdout, env), self.workdir) from None
        except BaseException:
            _terminate_group(proc)
            raise
        result = self._record(command, proc.returncode, stdout, stderr, start)
        if proc.returncode not in ok_codes:
            raise TerraformError(command, proc.returncode, redact(stderr or stdout, env), self.workdir)
        return result

    def _record(self, command: list[str], code: int, stdout: str, stderr: str, start: float) -> CommandResult:
        result = CommandResult(command, code, stdout, stderr, time.monotonic() - start)
        self.history.append(result)
        return result

    @contextlib.contextmanager
    def _var_args(self, variables: Mapping[str, Any] | None) -> Iterator[list[str]]:
        """Variables go through a temporary var file, so their values never appear in argv or errors."""
        if not variables:
            yield []
            return
        fd, name = tempfile.mkstemp(prefix="xacct-", suffix=".tfvars.json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(dict(variables), fh)
            yield [f"-var-file={name}"]
        finally:
            os.unlink(name)

    def init(self, backend: bool = False, upgrade: bool = False) -> CommandResult:
        args = ["init", "-input=false", "-no-color", f"-backend={str(backend).lower()}"]
        if upgrade:
            args.append("-upgrade")
        return self.run(*args)

    def validate(self) -> dict[str, Any]:
        """``terraform validate -json``; raises TerraformError listing the diagnostics when invalid."""
        result = self.run("validate", "-json", "-no-color", ok_codes=(0, 1))
        try:
            report: dict[str, Any] = json.loads(result.stdout)
        except json.JSONDecodeError:
            raise TerraformError(result.args, result.returncode, result.stderr, self.workdir) from None
        if not report.get("valid", False):
            raise TerraformError(result.args, result.returncode, _diagnostics_text(report), self.workdir)
        return report

    def plan(
        self,
        out: str | Path = "tfplan",
        variables: Mapping[str, Any] | None = None,
        destroy: bool = False,
        refresh: bool = True,
    ) -> Path:
        """``terraform plan -out``; returns the plan file's path."""
        planfile = self.workdir / out
        args = ["plan", "-input=false", "-no-color", f"-out={planfile}"]
        if destroy:
            args.append("-destroy")
        if not refresh:
            args.append("-refresh=false")
        with self._var_args(variables) as var_args:
            self.run(*args, *var_args)
        return planfile

    def show_json(self, planfile: str | Path) -> dict[str, Any]:
        result = self.run("show", "-json", "-no-color", str(planfile))
        return json.loads(result.stdout)

    def plan_json(
        self,
        out: str | Path = "tfplan",
        variables: Mapping[str, Any] | None = None,
        destroy: bool = False,
        refresh: bool = True,
    ) -> Plan:
        """Plan, then ``show -json`` the plan file."""
        planfile = self.plan(out=out, variables=variables, destroy=destroy, refresh=refresh)
        return Plan.from_json(self.show_json(planfile))

    def apply(
        self,
        planfile: str | Path | None = None,
        auto_approve: bool = True,
        variables: Mapping[str, Any] | None = None,
    ) -> CommandResult:
        """Apply a saved plan, or plan-and-apply when ``planfile`` is None."""
        args = ["apply", "-input=false", "-no-color"]
        if auto_approve:
            args.append("-auto-approve")
        if planfile is not None:
            if variables:
                raise ValueError("variables cannot be combined with a saved plan")
            return self.run(*args, str(planfile))
        with self._var_args(variables) as var_args:
            return self.run(*args, *var_args)

    def destroy(self, variables: Mapping[str, Any] | None = None) -> CommandResult:
        with self._var_args(variables) as var_args:
            return self.run("destroy", "-input=false", "-no-color", "-auto-approve", *var_args)

    def output(self) -> dict[str, Any]:
        """Root outputs as ``{name: value}``."""
        result = self.run("output", "-json", "-no-color")
        return {name: entry["value"] for name, entry in json.loads(result.stdout or "{}").items()}

    def fmt_check(self, recursive: bool = True, targets: Sequence[str] = ()) -> list[str]:
        """Files (relative to the workdir) that ``terraform fmt`` would change; ``targets``: only these
        folders (relative to the workdir), else the workdir."""
        args = ["fmt", "-check", "-list=true", "-no-color"]
        if recursive:
            args.append("-recursive")
        args += list(targets)
        result = self.run(*args, ok_codes=(0, 3))
        return [line.strip() for line in result.stdout.splitlines() if line.strip()]


def _diagnostics_text(report: Mapping[str, Any]) -> str:
    lines = []
    for diag in report.get("diagnostics", []):
        where = diag.get("range") or {}
        loc = f" ({where['filename']}:{where['start']['line']})" if where.get("filename") else ""
        lines.append(f"{diag.get('severity', 'error').capitalize()}: {diag.get('summary', '')}{loc}")
        if diag.get("detail"):
            lines.append(f"  {diag['detail']}")
    return "\n".join(lines) or json.dumps(report)


def _terminate_group(proc: subprocess.Popen[str]) -> tuple[str, str]:
    """SIGTERM the process group, SIGKILL it after a grace period; return what it printed."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            out, err = proc.communicate(timeout=KILL_GRACE)
            return out or "", err or ""
        except subprocess.TimeoutExpired:
            continue
    proc.wait()  # a process that left the group may still hold the pipes; terraform itself is gone
    return "", ""
