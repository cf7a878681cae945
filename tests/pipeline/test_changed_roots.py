"""``xacct changed-roots``: the partner's roots whose files (or modules) changed since a git revision, in
a user's own repository; the owner rule; offboarding and removed roots; bad input in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.cli import main as xacct
from generator.policy.owners import owner_of
from tests.pipeline.registries import git, user_repo, write_registry


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user's repository, generated and committed; the current folder."""
    folder = user_repo(tmp_path / "infra")
    monkeypatch.chdir(folder)
    assert xacct(["generate"]) == 0
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "first")
    return folder


def listed(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict[str, object]], str]:
    capsys.readouterr()
    code = xacct(["changed-roots", "--format", "json", *args])
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if code == 0 else [], captured.err


def test_the_owner_rule() -> None:
    assert owner_of("customer_to_partner") == "partner"
    assert owner_of("partner_to_customer") == "customer"
    with pytest.raises(ValueError, match="is not a scenario"):
        owner_of("onboarding")


def test_without_since_every_partner_root(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, roots, _ = listed(capsys)
    assert code == 0
    assert [(r["tenant"], r["scenario"]) for r in roots] == [
        ("acme", "customer_to_partner"),
        ("globex", "customer_to_partner"),
    ]
    assert roots[0] == {
        "root": "generated/acme/customer_to_partner",
        "tenant": "acme",
        "scenario": "customer_to_partner",
        "offboarding": False,
    }
    roots = listed(capsys, "--owner", "customer")[1]
    assert [r["scenario"] for r in roots] == ["partner_to_customer"] * 2


def test_nothing_changed_is_an_empty_list(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert listed(capsys, "--since", "HEAD")[:2] == (0, [])


def test_a_tenant_edit_lists_its_partner_root_only(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_registry(repo, acme_access="read-write")  # acme's Scenario B grant only
    assert xacct(["generate"]) == 0
    _, roots, _ = listed(capsys, "--since", "HEAD")
    assert [r["root"] for r in roots] == ["generated/acme/customer_to_partner"]
    capsys.readouterr()
    assert xacct(["changed-roots", "--since", "HEAD"]) == 0  # lines: the folders, for a shell loop
    assert capsys.readouterr().out == "generated/acme/customer_to_partner\n"
    git(repo, "commit", "-qam", "acme rw")  # committed: still changed against the older revision
    assert [r["tenant"] for r in listed(capsys, "--since", "HEAD~1")[1]] == ["acme"]
    assert listed(capsys, "--since", "HEAD")[1] == []


def test_terraform_working_files_change_no_root(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = repo / "generated" / "acme" / "customer_to_partner"
    for name in ("terraform.tfstate", ".terraform.lock.hcl", ".terraform/providers/x"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("{}")
    assert listed(capsys, "--since", "HEAD")[1] == []
    (root / "extra.tf").write_text("# not xacct's\n")  # terraform loads it: the root changed
    assert [r["tenant"] for r in listed(capsys, "--since", "HEAD")[1]] == ["acme"]


def test_a_new_tenant_untracked_is_listed(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (repo / "tenants.yaml").read_text()
    text += (
        text[text.index("  - name: globex") :]
        .replace("globex", "initech")
        .replace("333333333333", "444444444444")
        .replace("0442f3af-6d1e-4b8a-a3c5-7e9f0b1c2d3e", "9d3c1b2a-7f6e-4d5c-8b4a-3f2e1d0c9b8a")
        .replace("GlobexAccess", "InitechAccess")
    )
    (repo / "tenants.yaml").write_text(text)
    assert xacct(["generate"]) == 0
    assert [r["tenant"] for r in listed(capsys, "--since", "HEAD")[1]] == ["initech"]


def test_a_module_change_lists_every_root(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    core = repo / "modules" / "cross-account-role" / "main.tf"
    core.write_text(core.read_text() + "\n# a reviewed change\n")
    assert [r["tenant"] for r in listed(capsys, "--since", "HEAD")[1]] == ["acme", "globex"]


def test_offboarding_root_is_listed_and_flagged(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_registry(repo, acme_status="offboarding")
    assert xacct(["generate"]) == 0
    _, roots, _ = listed(capsys, "--since", "HEAD")
    assert [(r["tenant"], r["offboarding"]) for r in roots] == [("acme", True)]


def test_a_removed_root_is_said_not_listed(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_registry(repo, acme_status="offboarded")
    assert xacct(["generate"]) == 0
    assert not (repo / "generated" / "acme").exists()
    code, roots, said = listed(capsys, "--since", "HEAD")
    assert (code, roots) == (0, [])
    assert "generated/acme/customer_to_partner: removed since HEAD: nothing to plan" in said
    assert "partner_to_customer" not in said  # the customer's root is not the partner's to delete


def test_from_a_subfolder_paths_stay_relative_to_the_current_folder(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_registry(repo, acme_access="read-write")
    assert xacct(["generate"]) == 0
    monkeypatch.chdir(repo / "modules")
    _, roots, _ = listed(capsys, "--generated", "../generated", "--since", "HEAD")
    assert [r["root"] for r in roots] == ["../generated/acme/customer_to_partner"]


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--since", "no-such-ref"], "--since no-such-ref: no such commit in the git repository "),
        (["--since", "HEAD~5"], "--since HEAD~5: no such commit"),  # one commit: a shallow clone's case
        (["--generated", "nowhere"], "--generated nowhere: no such folder"),
        (["--since=--output=x"], "--since '--output=x': not a git revision"),  # never a git option
    ],
)
def test_bad_input_is_one_line(
    repo: Path, capsys: pytest.CaptureFixture[str], args: list[str], said: str
) -> None:
    code, _, err = listed(capsys, *args)
    assert code == 2
    assert said in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_an_ignored_tree_is_refused_not_empty(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".gitignore").write_text("/generated/\n")  # as this checkout's own .gitignore says
    git(repo, "rm", "-rq", "--cached", "generated")
    git(repo, "commit", "-qam", "untrack generated")
    code, _, err = listed(capsys, "--since", "HEAD")
    assert code == 2 and "git ignores it (.gitignore)" in err and len(err.strip().splitlines()) == 1


def test_outside_a_git_repository(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch) -> None:
    (tmp_path / "generated").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    code, _, err = listed(capsys, "--since", "HEAD")
    assert code == 2 and "not a git repository" in err and len(err.strip().splitlines()) == 1


def test_modules_outside_the_repository_list_every_root(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``modules`` a symlink to a folder outside the repository (a shared checkout): git cannot see a
    change there, so changed-roots fails closed: every root calling it is listed, and it says why."""
    import shutil

    folder = user_repo(tmp_path / "infra")
    shared = tmp_path / "shared-modules"
    shutil.move(folder / "modules", shared)
    (folder / "modules").symlink_to(shared)
    monkeypatch.chdir(folder)
    assert xacct(["generate"]) == 0
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "first")
    core = shared / "cross-account-role" / "main.tf"
    core.write_text(core.read_text() + "\n# a change nobody reviewed\n")
    code, roots, said = listed(capsys, "--since", "HEAD")
    assert code == 0 and [r["tenant"] for r in roots] == ["acme", "globex"], said
    assert "outside the git work tree" in said and len(said.strip().splitlines()) == 1


def test_an_ignored_modules_folder_lists_every_root(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``modules/`` in .gitignore (fetched by a build step, never committed): git neither diffs nor lists
    its files, so a change there was never seen and no root was listed; git cannot say, so every root
    calling it is listed (as for a modules folder outside the work tree), and it says why."""
    folder = user_repo(tmp_path / "infra")
    (folder / ".gitignore").write_text("modules/\n")
    monkeypatch.chdir(folder)
    assert xacct(["generate"]) == 0
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "first")
    core = folder / "modules" / "cross-account-role" / "main.tf"
    core.write_text(core.read_text() + "\n# a change git does not see\n")
    code, roots, said = listed(capsys, "--since", "HEAD")
    assert code == 0 and [r["tenant"] for r in roots] == ["acme", "globex"], said
    assert "git ignores it" in said and len(said.strip().splitlines()) == 1


@pytest.mark.parametrize("since", [None, "HEAD"])
def test_a_root_main_tf_that_cannot_be_read_is_named(
    repo: Path, capsys: pytest.CaptureFixture[str], since: str | None
) -> None:
    """A root's main.tf that is not UTF-8 (or cannot be read) was an "internal error
    (UnicodeDecodeError ...)" naming no file; it is bad input naming the file and what to do."""
    main = repo / "generated" / "acme" / "customer_to_partner" / "main.tf"
    main.write_bytes(b"\xff\xfe not utf-8\n")
    code, _, said = listed(capsys, *(["--since", since] if since else []))
    assert code == 2 and len(said.strip().splitlines()) == 1, said
    assert "generated/acme/customer_to_partner/main.tf" in said and "internal error" not in said
    assert "xacct generate" in said
