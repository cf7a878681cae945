"""The example workflow and script say what the pipeline README says: no placeholder in the install line,
the schedule runs the audit alone, the plan matrix is `xacct changed-roots --format json`."""

from __future__ import annotations

import subprocess

import yaml

from tests.pipeline.registries import REPO

EXAMPLES = REPO / "examples" / "pipelines"


def _workflow() -> dict:
    return yaml.safe_load((EXAMPLES / "github-actions.yml").read_text(encoding="utf-8"))


def test_no_placeholder_in_the_examples() -> None:
    for path in EXAMPLES.iterdir():
        assert "/ORG/" not in path.read_text(encoding="utf-8"), path


def test_the_schedule_runs_the_audit_alone() -> None:
    jobs = _workflow()["jobs"]

    def runs_on_schedule(name: str) -> bool:
        job = jobs[name]
        condition = job.get("if", "")
        if "!= 'schedule'" in condition or "== 'pull_request'" in condition:
            return False
        if "== 'schedule'" in condition:
            return True
        needs = job.get("needs", [])
        return all(runs_on_schedule(n) for n in ([needs] if isinstance(needs, str) else needs))

    assert [name for name in jobs if runs_on_schedule(name)] == ["audit"]


def test_the_plan_matrix_is_the_changed_partner_roots() -> None:
    jobs = _workflow()["jobs"]
    steps = " ".join(str(step.get("run", "")) for step in jobs["check"]["steps"])
    assert "xacct changed-roots --since" in steps and "--format json" in steps
    assert jobs["plan"]["strategy"]["matrix"]["root"] == "${{ fromJSON(needs.check.outputs.roots) }}"
    step = jobs["plan"]["steps"][-2]
    assert 'pipeline.sh --root "$ROOT"' in step["run"] and step["env"]["ROOT"] == "${{ matrix.root.root }}"


def test_pipeline_sh_help_and_bad_usage() -> None:
    script = str(EXAMPLES / "pipeline.sh")
    done = subprocess.run(["bash", script, "--help"], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "XACCT_PLAN_MODE" in done.stdout and "set -euo" not in done.stdout
    done = subprocess.run(["bash", script, "--nope"], capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "unknown option --nope" in done.stderr
    done = subprocess.run(
        ["bash", script],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "XACCT_PLAN_MODE": "cloud"},
    )
    assert done.returncode == 2 and "XACCT_PLAN_MODE=cloud" in done.stderr


def test_a_failed_changed_roots_fails_its_step(tmp_path) -> None:
    """The roots step runs as GitHub runs it (``bash -e``): a changed-roots that fails (an unknown base
    revision, exit 2) must fail the step, not hand the plan job an empty output."""
    step = next(s for s in _workflow()["jobs"]["check"]["steps"] if s.get("id") == "roots")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "xacct").write_text(
        "#!/bin/sh\necho 'xacct changed-roots: --since x: no such commit' >&2\nexit 2\n"
    )
    (bin_dir / "xacct").chmod(0o755)
    output = tmp_path / "github_output"
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": f"{bin_dir}:/usr/bin:/bin", "GITHUB_OUTPUT": str(output), "BASE": "x"},
    )
    assert done.returncode != 0, (
        f"the step passed with output {output.read_text() if output.exists() else ''!r}"
    )


def test_no_run_script_interpolates_repository_derived_values() -> None:
    """A root folder's name comes from the repository (a pull request can add one): it reaches a script
    through an environment variable, never ``${{ }}`` pasted into the shell text (script injection)."""
    for name, job in _workflow()["jobs"].items():
        for step in job.get("steps", []):
            run = str(step.get("run", ""))
            assert "${{ matrix.root" not in run and "${{ needs." not in run, (name, run)


def test_pipeline_sh_refuses_a_root_the_partner_does_not_apply(tmp_path) -> None:
    """``--root`` names a root by hand (or a matrix someone edited): a Scenario A root is the customer's
    to apply (policy/owners.py), so the partner's pipeline refuses it before terraform runs."""
    root = tmp_path / "generated" / "acme" / "partner_to_customer"
    root.mkdir(parents=True)
    (root / "main.tf").write_text("# a customer's root\n")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("terraform", "xacct", "pytest"):  # any of them running is a failure
        (bin_dir / tool).write_text(f"#!/bin/sh\necho ran {tool}\nexit 0\n")
        (bin_dir / tool).chmod(0o755)
    done = subprocess.run(
        ["bash", str(EXAMPLES / "pipeline.sh"), "--apply", "--root", str(root), "tenants.yaml"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        env={"PATH": f"{bin_dir}:/usr/bin:/bin"},
    )
    assert done.returncode == 2 and "ran " not in done.stdout, done.stdout + done.stderr
    assert "partner_to_customer" in done.stderr and len(done.stderr.strip().splitlines()) == 1
