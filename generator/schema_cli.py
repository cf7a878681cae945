"""``xacct schema``: print, write or check the registry's JSON Schema (made by generator.registry.schema)."""

from __future__ import annotations

import argparse
import json

from generator.console import err, out
from generator.files import path_value, read_text, write_text
from generator.registry.schema import EDITOR_COMMENT, SCHEMA_PATH, schema_text

DESCRIPTION = (
    "Print the JSON Schema (draft 2020-12) of the registry, made from xacct's model, for editor completion "
    "and checks as you type (yaml-language-server, the VS Code YAML extension). Name it in the registry's "
    f"first line: {EDITOR_COMMENT}"
)
EPILOG = f"""exit codes:
  0  printed or written; with --check, FILE is the schema this xacct makes
  1  --check: FILE is missing, stale (run xacct schema --output FILE) or not a JSON Schema
  2  FILE cannot be read or written, --output names a file that is not a JSON Schema (a registry:
     never replaced), or a usage error (an unknown flag, an empty path), or an
     internal error, said in one line

example:
  xacct schema --output {SCHEMA_PATH}
  xacct schema --check {SCHEMA_PATH}
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``xacct schema``."""
    group = p.add_mutually_exclusive_group()
    group.add_argument("--output", metavar="FILE", type=path_value, help="write the schema to FILE")
    group.add_argument(
        "--check",
        metavar="FILE",
        type=path_value,
        help="write nothing; exit 1 unless FILE holds exactly the schema this xacct makes",
    )


def _is_schema(text: str | None) -> bool:
    """Whether ``text`` is a JSON Schema (an object naming ``$schema``), or nothing: what xacct replaces."""
    if text is None or not text.strip():
        return True
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return False
    return isinstance(data, dict) and "$schema" in data


def _existing(path: str) -> str | None:
    try:
        return read_text(path)
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        return "\ufffd"  # not text: not a schema


NOT_A_SCHEMA = "not a JSON Schema (a registry?): xacct writes only its schema there; name the schema file"


def run_schema(args: argparse.Namespace) -> int:
    """Print, write or check; OSError (an unreadable or unwritable FILE) is left to the CLI's one line."""
    text = schema_text()
    if args.check:
        try:
            current = read_text(args.check)
        except FileNotFoundError:
            current = None
        except UnicodeDecodeError:
            current = ""
        if current == text:
            out.print(f"{args.check}: up to date", markup=False)
            return 0
        if not _is_schema(current):
            err.print(f"{args.check}: {NOT_A_SCHEMA}", markup=False)
            return 1
        state = "is missing" if current is None else "is stale"
        err.print(f"{args.check}: {state}: run xacct schema --output {args.check}", markup=False)
        return 1
    if args.output:
        if not _is_schema(_existing(args.output)):
            err.print(f"{args.output}: exists and is {NOT_A_SCHEMA} (e.g. tenants.schema.json)", markup=False)
            return 2
        write_text(args.output, text)
        err.print(f"wrote {args.output}", markup=False)
        return 0
    out.file.write(text)
    out.file.flush()
    return 0
