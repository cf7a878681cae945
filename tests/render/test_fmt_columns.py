"""Aligned ``=`` in rendered HCL is what ``terraform fmt`` writes, for keys of any script: terraform
counts extended grapheme clusters, not code points."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from generator.render.hcl import attributes, columns

KEYS = [
    "a",
    "ก ำกำ",
    "e\u0301te\u0301",
    "日本語",
    "👩\u200d💻",
    "x" * 9,
    "ñandú",
    "\u0915\u094d\u0937",
    "\u0995\u09cd\u09b7",
    "\u1100\u1161\u11a8",
    "🇩🇪🇫🇷",
    "👍🏽",
    "\u2764\ufe0f",
    "a\u0308\u0323",
    "tab",
]


def test_columns_count_grapheme_clusters() -> None:
    assert columns("abc") == 3
    assert columns("e\u0301") == 1
    assert columns("ก ำกำ") == 3  # ก | space + SARA AM (a spacing mark) | กำ
    assert columns("\u0915\u094d\u0937") == 2  # Unicode 15.0: the conjunct is two clusters
    assert columns("👩\u200d💻") == 1


@pytest.mark.terraform
def test_terraform_fmt_leaves_the_alignment_alone(tmp_path: Path) -> None:
    body = attributes([("tags", {key: "v" for key in KEYS})], 1)
    path = tmp_path / "main.tf"
    path.write_text(f"locals {{\n{body}\n}}\n", encoding="utf-8")
    done = subprocess.run(["terraform", "fmt", "-check", "-diff", str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
