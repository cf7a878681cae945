"""One walk of the linted folder finds the files the two ``rglob`` passes found before it."""

from __future__ import annotations

from pathlib import Path

from generator.lint.tree_files import list_tree


def two_rglobs(target: Path) -> list[Path]:
    """What lint read before: ``*.tf`` and ``*.tf.json`` under ``target``, ``.terraform*`` skipped."""
    return sorted(
        p
        for pattern in ("*.tf", "*.tf.json")
        for p in target.rglob(pattern)
        if not any(part.startswith(".terraform") for part in p.parts)
    )


def test_the_walk_finds_what_rglob_found(tmp_path: Path) -> None:
    files = [
        "t/a/main.tf",
        "t/a/cloud.tf",
        "t/a/x.tf.json",
        "t/a/.hidden.tf",
        "t/a/.terraform/modules/m/main.tf",
        "t/a/.terraform.tf",
        "t/a-b/main.tf",  # sorts after t/a/... as a path, before it as text
        "t/folder.tf/inner.tf",  # a folder with a Terraform name: listed, and entered
        "t/a/notes.md",
        "t/docs/readme.md",  # a folder without Terraform files: not kept
        "outside.tf",
    ]
    for rel in files:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("# x\n")
    (tmp_path / "t" / "linked").symlink_to(tmp_path / "t" / "a")  # a link to a folder: not entered
    (tmp_path / "t" / "a" / "link.tf").symlink_to(tmp_path / "outside.tf")  # a link to a file: listed
    target = tmp_path / "t"
    found = list_tree(target)
    assert found.tf_paths == two_rglobs(target)
    assert target / "folder.tf" in found.tf_paths and target / "a" / "link.tf" in found.tf_paths
    assert set(found.entries) == {p.parent for p in found.tf_paths}  # listed once, for generated_roots
    assert list_tree(target / "a" / "main.tf").tf_paths == [target / "a" / "main.tf"]
