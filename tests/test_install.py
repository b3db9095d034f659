"""A non-editable install works from any directory: the default rules ship inside the package."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_installed_package_works_outside_the_repository(tmp_path):
    target = tmp_path / "site-packages"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(target), str(ROOT)], check=True, capture_output=True)
    assert (target / "playbook" / "default_rules" / "opportunities.yaml").is_file()
    assert (target / "playbook" / "schemas" / "rules" / "common.yaml").is_file()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # Only the installed copy is importable: the repository is neither the cwd nor on the path.
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run([sys.executable, "-I", "-c",
                             "import sys; sys.path.insert(0, sys.argv[1]); import playbook.cli.commands as c, playbook;"
                             "assert playbook.__file__.startswith(sys.argv[1]), playbook.__file__;"
                             "sys.exit(c.main(['rules', '--lang', 'en']))", str(target)],
                            cwd=elsewhere, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("The rule set is valid:")
    # and checks a plan there, with the plan schema and checks that ship in the package
    (elsewhere / "a.yaml").write_text("account: {id: a, name: 甲, tier: key_account, owner: li}\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-I", "-c",
                             "import sys; sys.path.insert(0, sys.argv[1]); import playbook.cli.commands as c;"
                             "sys.exit(c.main(['check', 'a.yaml', '--today', '2026-06-30', '--lang', 'en']))",
                             str(target)], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "warning [key_account_never_visited]" in result.stdout
