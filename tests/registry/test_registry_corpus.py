"""The corpus of broken registries: each one exits 2, is reported line by line, and writes nothing.

Every ``corpus/NN-name.yaml`` has a sidecar ``NN-name.expect``: one ``LINE: path: message fragment`` per
expected problem (the fragment is optional), ``#`` comments, and ``@lint RULE`` for registries that only
the lint refuses. A few cases cannot be files in the repo (10 MB, a directory, a missing file): they are
built in the test's temporary folder.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from generator.registry import RegistryError, load_registry

from .cli_output import Run, Workspace, has_hint, problem_lines, snapshot

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(CORPUS.glob("*.yaml"))


def _lint_available() -> bool:
    """Whether ``generate`` runs the lint (it imports ``generator.lint.lint_registry`` when it exists)."""
    try:
        from generator.lint import lint_registry  # noqa: F401
    except ImportError:
        return False
    return True


LINT = _lint_available()
# Also run through the installed console script in a subprocess (slower: a fresh interpreter each).
SUBPROCESS = {
    "03-tab-indentation",
    "16-account-id-octal",
    "45-billion-laughs",
    "47-non-utf8-bytes",
    "49-nul-byte",
    "55-five-problems",
    "63-control-characters",
    "72-module-source-unknown-placeholder",
    "74-module-source-attribute-access",
}


@dataclass
class Expectation:
    """What a corpus case must report."""

    problems: list[tuple[int, str, str]] = field(default_factory=list)
    lint_rule: str | None = None


def read_expect(path: Path) -> Expectation:
    """Parse a ``.expect`` sidecar."""
    exp = Expectation()
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@lint "):
            exp.lint_rule = line.removeprefix("@lint ").strip()
            continue
        number, path_, *fragment = line.split(": ", 2)
        exp.problems.append((int(number), path_, fragment[0] if fragment else ""))
    assert exp.problems, f"{path} expects no problem"
    return exp


def assert_reported(run: Run, registry: Path, exp: Expectation) -> None:
    """Exit 2, well-formed problem lines naming ``registry``, the expected ones present, no traceback."""
    assert "Traceback" not in run.out + run.err
    assert run.code == 2, f"exit {run.code}\nstdout: {run.out}\nstderr: {run.err}"
    found = problem_lines(run.err)
    assert {m["file"] for m in found} == {str(registry)}
    remaining = [(int(m["line"]), m["path"], m["message"]) for m in found]
    missing = []
    for line, path, fragment in exp.problems:
        hit = next((p for p in remaining if p[:2] == (line, path) and fragment in p[2]), None)
        if hit is None:
            missing.append(f"{line}: {path}: {fragment}")
        else:
            remaining.remove(hit)
    assert not missing, f"expected problems not reported: {missing}\nstderr:\n{run.err}"
    assert not remaining, f"unexpected problems: {remaining}"
    lacking = [m.group(0) for m in found if not has_hint(m["message"])]
    assert not lacking, f"messages that do not say what to do: {lacking}"


def run_bad_registry(xacct: Callable[..., Run], ws: Workspace, registry: Path, exp: Expectation) -> None:
    """``validate`` and ``generate`` both refuse ``registry``, and nothing in the workspace changes."""
    before = snapshot(ws.root)
    generated = xacct("generate", "--registry", str(registry), "--out", str(ws.out))
    assert_reported(generated, registry, exp)
    assert snapshot(ws.root) == before, "a refused registry changed the workspace"
    validated = xacct("validate", "--registry", str(registry), "--out", str(ws.out))
    if exp.lint_rule:  # well-formed, refused by the lint: validate exits 1 as lint does, same lines
        assert validated.code == 1, f"exit {validated.code}\nstderr: {validated.err}"
        assert validated.err.splitlines()[:-1] == generated.err.splitlines()[:-1]
        assert f"error {exp.lint_rule}: " in validated.err and validated.out == ""
    else:
        assert_reported(validated, registry, exp)
        assert validated.err == generated.err
    assert snapshot(ws.root) == before


def test_corpus_is_big_enough() -> None:
    assert len(CASES) >= 40
    assert all(case.with_suffix(".expect").is_file() for case in CASES)
    assert {p.stem for p in CORPUS.glob("*.expect")} == {p.stem for p in CASES}


def _case_param(case: Path) -> object:
    rule = read_expect(case.with_suffix(".expect")).lint_rule
    marks = []
    if rule:
        reason = (
            f"the model accepts it; lint rule {rule} must refuse it: generator.lint.lint_registry is missing"
        )
        marks.append(pytest.mark.xfail(not LINT, strict=True, reason=reason))
    return pytest.param(case, id=case.stem, marks=marks)


@pytest.mark.parametrize("case", [_case_param(c) for c in CASES])
def test_corpus_case(case: Path, workspace: Workspace, xacct: Callable[..., Run]):
    exp = read_expect(case.with_suffix(".expect"))
    # Beside modules/, as a real registry would be: a case must fail for its own reason.
    registry = workspace.root / case.name
    shutil.copyfile(case, registry)
    if exp.lint_rule:
        load_registry(registry)  # the model accepts it: refusing it is the lint's job
    run_bad_registry(xacct, workspace, registry, exp)


@pytest.mark.parametrize("name", sorted(SUBPROCESS))
def test_corpus_case_console_script(name: str, workspace: Workspace):
    case = CORPUS / f"{name}.yaml"
    assert case.is_file()
    registry = workspace.root / case.name
    shutil.copyfile(case, registry)
    before = snapshot(workspace.root)
    proc = subprocess.run(
        [
            str(REPO / ".venv" / "bin" / "xacct"),
            "generate",
            "--registry",
            str(registry),
            "--out",
            str(workspace.out),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert_reported(
        Run(proc.returncode, proc.stdout, proc.stderr), registry, read_expect(case.with_suffix(".expect"))
    )
    assert snapshot(workspace.root) == before


def _ten_megabytes(ws: Workspace) -> Path:
    path = ws.root / "huge.yaml"
    with path.open("w", encoding="utf-8") as fh:
        fh.write((REPO / "tenants.yaml").read_text(encoding="utf-8"))
        line = "# " + "x" * 1022 + "\n"
        for _ in range(10 * 1024):
            fh.write(line)
    assert path.stat().st_size >= 10 * 1024 * 1024
    return path


def _directory(ws: Workspace) -> Path:
    path = ws.root / "registry.d"
    path.mkdir()
    return path


def _missing(ws: Workspace) -> Path:
    return ws.root / "no-such-registry.yaml"


def _under_a_file(ws: Workspace) -> Path:
    return ws.root / "tenants.yaml" / "registry.yaml"


def _endless_device(ws: Workspace) -> Path:
    return Path("/dev/zero")  # reports size 0 and never ends: refused without reading (generator.files)


BUILT = {
    "10-megabytes": (_ten_megabytes, "1: (file): is 10,"),
    "directory": (_directory, "1: (file): is a directory"),
    "missing-file": (_missing, "1: (file): no such file"),
    "path-under-a-file": (_under_a_file, "1: (file): cannot be read (Not a directory)"),
    "endless-device": (_endless_device, "1: (file): cannot be read (is a character device, not a regular"),
}


@pytest.mark.parametrize("name", sorted(BUILT))
def test_built_case(name: str, workspace: Workspace, xacct: Callable[..., Run]):
    build, expected = BUILT[name]
    registry = build(workspace)
    line, path, fragment = expected.split(": ", 2)
    run_bad_registry(xacct, workspace, registry, Expectation([(int(line), path, fragment)]))


def test_corpus_work_is_bounded_by_the_file_not_the_expansion(monkeypatch: pytest.MonkeyPatch) -> None:
    """Alias bombs and deep nesting cost visits per written node, never per expanded value.

    Counts how often the loader looks at a node's children (deterministic work, not time: timings
    belong in ``bench/``). A loader that expanded the billion-laughs file would visit ~10^9 nodes.
    """
    import generator.registry.source as source

    visits = 0
    real = source._children

    def counting(node):
        nonlocal visits
        visits += 1
        return real(node)

    monkeypatch.setattr(source, "_children", counting)
    for case in CASES:
        visits = 0
        with contextlib.suppress(RegistryError):
            load_registry(case)
        written = case.read_text(encoding="utf-8", errors="replace").count("\n") + 1
        assert visits <= 4 * written + 64, f"{case.name}: {visits} node visits for {written} lines"
