"""The corpus of bad inputs: every case ends in a one-line error at a position with a defined exit
code, or in safe output; never a traceback, and nothing is written.

Each file in tests/bad_inputs/ holds cases for one target, run through the real command line:
  plans.yaml     written to accounts/case.yaml, then `playbook check accounts`
  rules.yaml     written to company/case.yaml (a rule directory), then `playbook rules`
  config.yaml    written to playbook.yaml, then `playbook check accounts` (one good plan)
  commands.yaml  careless commands and odd files, each a real process (its own header says more)
A case gives the file as ``text`` (UTF-8, or ``encoding``), as ``content`` (raw bytes, !!binary),
as ``generate`` (nested_lists / nested_mappings: a depth; long_text: a length; megabytes: a size) or as ``link`` (a
symbolic link to that path); ``exit`` is the exit code, each line of ``output`` starts a line the
command prints, and ``lines`` (when given) is how many lines it prints in all: the same problem is
said once.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

from playbook.cli.commands import main

HERE = Path(__file__).parent / "bad_inputs"
GOOD_PLAN = "account:\n  id: acme\n  name: ACME\n  tier: key_account\n  owner: Li Lei\n"
TARGETS = {
    "plans": ("accounts/case.yaml", ["check", "accounts", "--today", "2026-11-20"]),
    "rules": ("company/case.yaml", ["rules"]),
    "config": ("playbook.yaml", ["check", "accounts", "--today", "2026-11-20"]),
}
CASES = [(target, name, spec) for target in TARGETS
         for name, spec in yaml.safe_load((HERE / f"{target}.yaml").read_text(encoding="utf-8")).items()]
COMMANDS = yaml.safe_load((HERE / "commands.yaml").read_text(encoding="utf-8"))
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []


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
    """Every file below ``root`` and a digest of its bytes (links as their target, pipes as such)."""
    def kind(p: Path) -> str:
        if p.is_symlink():
            return str(p.readlink())
        return hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir" if p.is_dir() else "other"

    return {str(p.relative_to(root)): kind(p) for p in sorted(root.rglob("*")) if os.access(p.parent, os.X_OK)}


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
    assert len(lines) == spec.get("lines", len(lines)), lines
    assert _tree(tmp_path) == before, "the command wrote or changed a file"


@pytest.fixture
def open_project():
    """A project any user may read (an unprivileged run reads it too) and only its owner may write."""
    root = Path(tempfile.mkdtemp(prefix="playbook-case-"))
    root.chmod(0o755)
    (root / "accounts").mkdir()
    (root / "accounts" / "acme.yaml").write_text(GOOD_PLAN, encoding="utf-8")
    cache = root.parent / f"{root.name}-cache"
    cache.mkdir(mode=0o777)
    cache.chmod(0o777)
    yield root, cache
    for path in (root, cache):
        for p in [path, *path.rglob("*")]:
            if p.is_dir() and not p.is_symlink():
                p.chmod(0o755)
        shutil.rmtree(path)


def _set_up(root: Path, steps: list) -> None:
    for step in steps:
        if "write" in step:
            (root / step["write"]).write_text(step["text"], encoding="utf-8")
        elif "mkdir" in step:
            (root / step["mkdir"]).mkdir()
        elif "fifo" in step:
            os.mkfifo(root / step["fifo"])
        elif "link" in step:
            (root / step["link"]).symlink_to(step["to"])
        else:
            (root / step["chmod"]).chmod(int(step["mode"], 8))


@pytest.mark.parametrize("name, spec", COMMANDS.items(), ids=list(COMMANDS))
def test_careless_command(name, spec, open_project):
    root, cache = open_project
    _set_up(root, spec.get("setup", []))
    before = _tree(root)
    lang = [] if "--lang" in spec["argv"] else ["--lang", "en"]
    argv = [*(NOBODY if spec.get("as_nobody") else []), sys.executable, "-m", "playbook", *spec["argv"], *lang]
    env = {**os.environ, "PLAYBOOK_CACHE_DIR": str(cache), "GITHUB_ACTIONS": "", **spec.get("env", {})}
    stdout = spec.get("stdout")
    with open(stdout if stdout not in (None, "closed") else os.devnull, "w") as sink:
        result = subprocess.run(argv, cwd=root, env=env, text=True, timeout=60, stderr=subprocess.PIPE,
                                stdout=subprocess.PIPE if stdout is None else sink,
                                preexec_fn=(lambda: os.close(1)) if stdout == "closed" else None)
    lines = ((result.stdout or "") + result.stderr).splitlines()
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr, result.stderr
    assert result.returncode == spec["exit"], lines
    for expected in spec.get("output", []):
        assert any(line.startswith(expected) for line in lines), (expected, lines)
    after = _tree(root)
    assert {k: v for k, v in after.items() if k not in spec.get("writes", [])} == before, "the command wrote a file"


def test_the_corpus_covers_at_least_forty_cases():
    assert len(CASES) >= 40
