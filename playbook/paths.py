"""Which files a run reads: the plan files named, every *.yaml / *.yml below the directories named.

Below a directory (of plans or of rules), a symbolic link that leads out of it is refused: a
repository must not make the tool read, and the site publish, a file from elsewhere on the
machine. A file named outright is read as named. More than ``limits.PLANS`` plans is refused too.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import i18n, limits

SUFFIXES = (".yaml", ".yml")


class PlanPathError(Exception):
    """A path that gives no plans to read; renders as a one-line message."""

    def __init__(self, code: str, **fields):
        super().__init__(code)
        self.code, self.fields = code, fields

    def render(self, lang: str) -> str:
        return i18n.text(self.code, lang, **self.fields)


def plan_files(paths: list[Path]) -> list[str]:
    files = []
    for path in paths:
        if path.is_dir():
            files += _below(path)
        elif path.is_file():
            files.append(str(path))
        else:
            raise PlanPathError("cli_no_such_path", path=str(path))
    if len(files) > limits.PLANS:
        raise PlanPathError("too_many_plans", count=f"{len(files):,}", limit=f"{limits.PLANS:,}")
    return files


def _below(directory: Path) -> list[str]:
    """The plan files below ``directory``, in a stable order; linked folders are not entered."""
    found = []
    for folder, subfolders, names in os.walk(directory):
        for name in [*subfolders, *names]:
            path = Path(folder, name)
            target = outside(path, directory)
            if target:
                raise PlanPathError("link_outside", path=str(path), target=str(target))
        found += [str(Path(folder, n)) for n in names if n.endswith(SUFFIXES) and Path(folder, n).is_file()]
    return sorted(found)


def outside(path: Path, directory: Path) -> Path | None:
    """Where ``path`` leads when it is a symbolic link out of ``directory``; None otherwise."""
    if not path.is_symlink():
        return None
    target = path.resolve()
    return None if target.is_relative_to(directory.resolve()) else target
