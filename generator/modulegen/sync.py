"""`python -m generator.modulegen modules [--check]` (`make docs`): the modules' generated files.

For every `modules/<name>/` holding `.tf` files: a wrapper (one with a `wrapper.toml`) gets its
`main.tf`, `variables.tf` and `outputs.tf` from its core module and spec; every module gets the tables
of its `README.md` between the markers. `--check` writes nothing and exits 1 naming the stale files.
Exit codes: 0 up to date (or brought up to date), 1 stale (`--check`), 2 a module, spec or README
that cannot be generated (one line naming the file and what to do).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from generator.modulegen.readme import BEGIN, END, DocsError, render, updated_readme
from generator.modulegen.wrapper_spec import SPEC_FILE, WrapperSpecError, load_spec
from generator.modulegen.wrappers import MARK, render_wrapper


class ModuleGenError(Exception):
    """A generated file that cannot be written (not written by `make docs` in the first place)."""


def module_dirs(root: Path) -> list[Path]:
    """The modules under `root`: its direct subfolders that hold .tf files (each must have a README.md)."""
    modules = sorted(p for p in root.iterdir() if p.is_dir() and any(p.glob("*.tf")))
    for module in modules:
        if not (module / "README.md").is_file():
            raise DocsError(f"{module}: has no README.md (give it one with the {BEGIN} / {END} markers)")
    return modules


def wanted_files(root: Path) -> dict[Path, str]:
    """Path -> wanted text of every file `make docs` generates under `root`."""
    wanted: dict[Path, str] = {}
    for module in module_dirs(root):
        texts: dict[str, str] = {}
        if (module / SPEC_FILE).is_file():
            texts = render_wrapper(load_spec(module / SPEC_FILE), module)
            wanted.update({module / name: text for name, text in texts.items()})
        readme = module / "README.md"
        wanted[readme] = updated_readme(readme.read_text(encoding="utf-8"), render(module, texts), readme)
    return wanted


def _current(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


def _write(path: Path, text: str) -> None:
    staging = path.with_name(f".{path.name}.modulegen")
    staging.write_text(text, encoding="utf-8")
    os.replace(staging, path)


def sync(root: Path, *, check: bool) -> list[Path]:
    """Bring every generated file up to date (or, with `check`, only find them); return the stale ones.

    A `.tf` file is overwritten only when `make docs` wrote it (its first line is the generated mark);
    a README only between its markers.
    """
    wanted = wanted_files(root)
    stale = [path for path, text in wanted.items() if _current(path) != text]
    if check:
        return stale
    for path in stale:
        current = _current(path)
        if path.suffix == ".tf" and current is not None and not current.startswith(MARK):
            raise ModuleGenError(
                f"{path}: not written by `make docs` (its first line is not {MARK!r}); the wrapper's "
                f"{SPEC_FILE} generates it: move the file away and run `make docs` again"
            )
    for path in stale:
        _write(path, wanted[path])
    return stale


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry: 0 when up to date (or updated), 1 when `--check` finds stale files, 2 on errors."""
    parser = argparse.ArgumentParser(prog="python -m generator.modulegen", description=__doc__)
    parser.add_argument("modules", type=Path, help="folder holding the modules (e.g. modules)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file is stale")
    args = parser.parse_args(argv)
    if not args.modules.is_dir():
        print(f"error: {args.modules}: not a folder (pass the folder holding the modules)", file=sys.stderr)
        return 2
    try:
        stale = sync(args.modules, check=args.check)
    except (DocsError, WrapperSpecError, ModuleGenError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {exc.filename or args.modules}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    for path in stale:
        print(f"{'stale' if args.check else 'updated'}: {path}")
    if args.check and stale:
        print("run `make docs` to update them", file=sys.stderr)
        return 1
    return 0
