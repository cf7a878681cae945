"""``.pre-commit-hooks.yaml``, tested with pre-commit itself: the README's config snippet, pointed at a commit
of this working tree, passes on a good registry and fails on a bad one or a stale generated tree.

pre-commit pip-installs xacct from that commit into its own environment (about a minute, once per run of
this module); PRE_COMMIT_HOME, pip's and virtualenv's caches and HOME are temporary folders.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.cli import main

REPO = Path(__file__).resolve().parents[1]
HOOKS = REPO / ".pre-commit-hooks.yaml"
MODULE_SOURCE = "git::https://example.com/xacct.git//modules/{module}?ref=v{version}"


def readme_snippet() -> dict[str, Any]:
    """The ``.pre-commit-config.yaml`` of the README's pre-commit section."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("\n## pre-commit") :]
    block = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert block, "the README's pre-commit section has no yaml block"
    return yaml.safe_load(block.group(1))


def _git(cwd: Path, env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True
    ).stdout.strip()


def test_the_readme_snippet_names_every_hook_of_the_manifest() -> None:
    manifest = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    (repo,) = readme_snippet()["repos"]
    assert [h["id"] for h in repo["hooks"]] == [h["id"] for h in manifest]
    for hook in manifest:
        assert hook["language"] == "python" and hook["pass_filenames"] is False
        assert hook["entry"].startswith("xacct ")


def test_pre_commit_accepts_the_manifest_and_the_snippet(tmp_path: Path) -> None:
    config = tmp_path / ".pre-commit-config.yaml"
    config.write_text(yaml.safe_dump(readme_snippet()), encoding="utf-8")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit")}  # it makes its store even here
    for what, path in (("validate-manifest", HOOKS), ("validate-config", config)):
        run = subprocess.run(
            [sys.executable, "-m", "pre_commit", what, str(path)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert run.returncode == 0, run.stdout + run.stderr


@pytest.fixture(scope="module")
def hooked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """(a user's repository with the README's config, pointed at a commit of this tree; the environment)."""
    root = tmp_path_factory.mktemp("precommit")
    home = root / "home"
    home.mkdir()
    (home / ".gitconfig").write_text("[init]\n\tdefaultBranch = main\n", encoding="utf-8")
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CACHE_HOME": str(root / "cache"),
        "PRE_COMMIT_HOME": str(root / "cache" / "pre-commit"),
        "PIP_CACHE_DIR": str(root / "cache" / "pip"),
        "VIRTUALENV_OVERRIDE_APP_DATA": str(root / "cache" / "virtualenv"),
        "GIT_CONFIG_NOSYSTEM": "1",
        **{f"GIT_{who}_{what}": value for who in ("AUTHOR", "COMMITTER") for what, value in
           (("NAME", "xacct test"), ("EMAIL", "test@example.com"), ("DATE", "2026-01-01T00:00:00Z"))},
    }  # fmt: skip
    env.pop("XACCT_REGISTRY", None)
    # This working tree as it is (tracked and new files, not ignored ones), committed in a copy.
    hookrepo = root / "xacct"
    files = _git(REPO, env, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    for name in filter(None, files):
        if (REPO / name).is_file():
            (hookrepo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, hookrepo / name)
    _git(hookrepo, env, "init", "-q")
    _git(hookrepo, env, "add", "-A")
    _git(hookrepo, env, "commit", "-q", "-m", "xacct under test")
    rev = _git(hookrepo, env, "rev-parse", "HEAD")
    # The user's repository: a registry outside this checkout, its generated tree, the README's config.
    user = root / "user"
    user.mkdir()
    text = (REPO / "tenants.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "  region: us-east-1\n", f'  region: us-east-1\n  module_source: "{MODULE_SOURCE}"\n', 1
    )
    (user / "tenants.yaml").write_text(text, encoding="utf-8")
    config = readme_snippet()
    config["repos"][0].update(repo=str(hookrepo), rev=rev)
    (user / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    cwd = Path.cwd()
    os.chdir(user)
    try:
        assert main(["generate"]) == 0
    finally:
        os.chdir(cwd)
    _git(user, env, "init", "-q")
    _git(user, env, "add", "-A")
    _git(user, env, "commit", "-q", "-m", "registry")
    return user, env


def pre_commit(user: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    run = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
        cwd=user,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert "Traceback" not in run.stdout + run.stderr, run.stdout + run.stderr
    return run


def verdicts(run: subprocess.CompletedProcess[str]) -> dict[str, str]:
    """Each hook's name and its verdict (Passed, Failed, Skipped)."""
    line = re.compile(r"^(xacct [^.]+?)\.{3,}(Passed|Failed|\(no files to check\)Skipped)$", re.MULTILINE)
    return {m[1]: m[2] for m in line.finditer(run.stdout)}


@pytest.mark.slow
def test_the_hooks_pass_on_a_good_registry(hooked: tuple[Path, dict[str, str]]) -> None:
    user, env = hooked
    run = pre_commit(user, env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert verdicts(run) == {
        "xacct validate": "Passed",
        "xacct lint": "Passed",
        "xacct generate --check": "Passed",
    }, run.stdout


@pytest.mark.slow
def test_the_hooks_fail_on_a_bad_registry_and_a_stale_tree(hooked: tuple[Path, dict[str, str]]) -> None:
    user, env = hooked
    registry = user / "tenants.yaml"
    good = registry.read_text(encoding="utf-8")
    try:
        registry.write_text(
            good.replace('account_id: "222222222222"', 'account_id: "22222"', 1), encoding="utf-8"
        )
        run = pre_commit(user, env)
        assert run.returncode == 1
        assert set(verdicts(run).values()) == {"Failed"}, run.stdout
        assert 'tenants[0].account_id: must be 12 digits (got "22222")' in run.stdout
        # A valid change that generate was not run for: only the tree is out of date.
        registry.write_text(good.replace("owner: platform-team", "owner: dns-team"), encoding="utf-8")
        run = pre_commit(user, env)
        assert run.returncode == 1
        assert verdicts(run) == {
            "xacct validate": "Passed",
            "xacct lint": "Passed",
            "xacct generate --check": "Failed",
        }, run.stdout
        assert "generated: out of date" in run.stdout
    finally:
        registry.write_text(good, encoding="utf-8")
