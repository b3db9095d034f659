"""`playbook init [DIR]`: a company repository that works from the first commit.

It writes the configuration, one starter plan, a company rule directory whose commented examples
show the usual changes, the pre-commit hook, the CI recipes (GitHub Actions, GitLab) and a
.gitignore for the site; the files are in ``init_files/``. A file that is already there is never
overwritten: it is kept, and said so.
"""

from __future__ import annotations

from pathlib import Path

from .. import __version__
from ..ruleset import RuleSet
from ..starter import starter_plan, starter_text

PLAN_ID = "first_account"  # the starter plan: accounts/first_account.yaml


def templates() -> dict[str, str]:
    """Each file init writes, by its path in the new repository, as text."""
    found = {}
    pending = [(Path(__file__).with_name("init_files"), "")]
    while pending:
        folder, prefix = pending.pop()
        for entry in folder.iterdir():
            if entry.is_dir():
                pending.append((entry, f"{prefix}{entry.name}/"))
            elif entry.name != "__init__.py":
                found[prefix + entry.name] = entry.read_text(encoding="utf-8")
    return dict(sorted(found.items()))


def write(directory: Path, rules: RuleSet) -> list[tuple[str, bool]]:
    """Write the repository into ``directory``: (path, written) for each file, False where a file
    was already there and is kept. OSError when a file cannot be written."""
    contents = {name: text.replace("{{version}}", __version__) for name, text in templates().items()}
    contents[f"accounts/{PLAN_ID}.yaml"] = starter_text(starter_plan(rules, PLAN_ID))
    done = []
    for name, text in sorted(contents.items()):
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(path, "x", encoding="utf-8") as f:  # "x": never overwrite
                f.write(text)
            done.append((name, True))
        except FileExistsError:
            done.append((name, False))
    return done
