"""The corpus of bad inputs: every case ends in a one-line error at a position with a defined exit
code, or in safe output; never a traceback, and nothing is written.

Each file in tests/bad_inputs/ holds cases for one target, run through the real command line:
  plans.yaml   written to accounts/case.yaml, then `playbook check accounts`
  rules.yaml   written to company/case.yaml (a rule directory), then `playbook rules`
  config.yaml  written to playbook.yaml, then `playbook check accounts` (one good plan)
A case gives the file as ``text`` (UTF-8, or ``encoding``), as ``content`` (raw bytes, !!binary),
as ``generate`` (nested_lists / nested_mappings: a depth; long_text: a length; megabytes: a size) or as ``link`` (a
symbolic link to that path); ``exit`` is the exit code and each line of ``output`` starts a line
the command prints.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml

from playbook.cli import main

HERE = Path(__file__).parent / "bad_inputs"
GOOD_PLAN = "account:\n  id: acme\n  name: ACME\n  tier: key_account\n  owner: Li Lei\n"
TARGETS = {
    "plans": ("accounts/case.yaml", ["check", "accounts", "--today", "2026-11-20"]),
    "rules": ("company/case.yaml", ["rules"]),
    "config": ("playbook.yaml", ["check", "accounts", "--today", "2026-11-20"]),
}
CASES = [(target, name, spec) for target in TARGETS
         for name, spec in yaml.safe_load((HERE / f"{target}.yaml").read_text(encoding="utf-8")).items()]


def _content(spec: dict) -> bytes:
    if "content" in spec:
        return spec["content"]
    if "text" in spec:
        return spec["text"].encode(spec.get("encoding", "utf-8"))
    kind, size = next(iter(spec["generate"].items()))
    if kind == "nested_lists":
        return ("account: " + "[" * size + "]" * size + "\n").encode()
    if kind == "long_text":
        return (GOOD_PLAN + "  industry: " + "x" * size + "\n").encode()
    if kind == "nested_mappings":
        return ("account:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, size)) + "  " * size + "v: 1\n").encode()
    line = b"- a line of a very long list, repeated until the file is large\n"
    return b"next_steps:\n" + line * (size * 2**20 // len(line) + 1)


def _tree(root: Path) -> dict[str, str]:
    """Every file below ``root`` and a digest of its bytes (links as their target)."""
    return {str(p.relative_to(root)): str(p.readlink()) if p.is_symlink() else hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() or p.is_symlink()}


@pytest.mark.parametrize("target, name, spec", CASES, ids=[f"{t}:{n}" for t, n, _ in CASES])
def test_bad_input(target, name, spec, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    path, argv = TARGETS[target]
    (tmp_path / "accounts").mkdir()
    (tmp_path / "company").mkdir()
    if target != "plans":
        (tmp_path / "accounts" / "acme.yaml").write_text(GOOD_PLAN, encoding="utf-8")
    if target == "rules":
        (tmp_path / "playbook.yaml").write_text("rules: [company]\n", encoding="utf-8")
    if "link" in spec:
        (tmp_path / path).symlink_to(spec["link"])
    else:
        (tmp_path / path).write_bytes(_content(spec))
    before = _tree(tmp_path)

    code = main([*argv, "--lang", "en"])

    out = capsys.readouterr()
    lines = (out.out + out.err).splitlines()
    assert "Traceback" not in out.out + out.err
    assert code == spec["exit"], lines
    for expected in spec.get("output", []):
        assert any(line.startswith(expected) for line in lines), (expected, lines)
    assert _tree(tmp_path) == before, "the command wrote or changed a file"


def test_the_corpus_covers_at_least_forty_cases():
    assert len(CASES) >= 40
