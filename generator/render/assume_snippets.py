"""How a Scenario B customer assumes its role: an AWS CLI command, a boto3 script, an AWS SDK for
JavaScript v3 module, all from the one RoleSpec.

Every value is escaped for where it lands: shell words with ``shlex.quote``, Python and JavaScript
string literals as JSON strings (ASCII only, so valid in both languages whatever the value holds).
"""

from __future__ import annotations

import json
import shlex
from functools import cache

import jinja2

from generator.policy.roles import RoleSpec

PYTHON_FILE = "assume_role.py"
JS_FILE = "assume_role.mjs"
STS_CLIENT_VERSION = "3"  # the major version of @aws-sdk/client-sts the module is written for


def string_literal(value: str) -> str:
    """A double-quoted string literal, valid in Python and JavaScript alike, holding ``value``."""
    return json.dumps(value, ensure_ascii=True)


def session_name(spec: RoleSpec) -> str:
    """The role session name the snippets use (2-64 of ``[\\w+=,.@-]``: the tenant is a slug)."""
    return f"xacct-{spec.tenant}"


def cli_args(spec: RoleSpec) -> list[str]:
    """The ``aws sts assume-role`` call's words, unquoted."""
    args = ["aws", "sts", "assume-role", "--region", spec.region, "--role-arn", spec.role_arn]
    args += ["--role-session-name", session_name(spec)]
    if spec.external_id:
        args += ["--external-id", spec.external_id]
    return args


def cli_command(spec: RoleSpec) -> str:
    """The ``aws sts assume-role`` command line, each word quoted for a POSIX shell."""
    return shlex.join(cli_args(spec))


@cache
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator", "templates/onboarding/assume"),
        autoescape=False,
        auto_reload=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["literal"] = string_literal
    return env


def _render(name: str, spec: RoleSpec) -> str:
    return (
        _env()
        .get_template(name)
        .render(
            spec=spec,
            session_name=session_name(spec),
            sts_version=STS_CLIENT_VERSION,
        )
    )


def python_snippet(spec: RoleSpec) -> str:
    """``assume_role.py``: assume the role with boto3 and print the session's identity."""
    return _render(f"{PYTHON_FILE}.j2", spec)


def javascript_snippet(spec: RoleSpec) -> str:
    """``assume_role.mjs``: assume the role with ``@aws-sdk/client-sts`` and print the identity."""
    return _render(f"{JS_FILE}.j2", spec)
