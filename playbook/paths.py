"""Which files a run reads: the plan files named, every *.yaml / *.yml below the directories named.

Below a directory (of plans or of rules), a symbolic link that leads out of it is refused: a
repository must not make the tool read, and the site publish, a file from elsewhere on the
machine. A file named outright is read as named. What cannot be read as a plan (a broken link, a
link that loops, a pipe or a device, a folder without permission) is skipped and said so, never
opened: a pipe would block the run. A path named that gives no plan at all is an error, and so
is more than ``limits.PLANS`` plans.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from . import i18n, limits

SUFFIXES = (".yaml", ".yml")


class PlanPathError(Exception):
    """A path that gives no plans to read; renders as a one-line message."""

    def __init__(self, code: str, skipped=(), **fields):
        super().__init__(code)
        self.code, self.fields = code, fields
        self.skipped = list(skipped)  # what was skipped on the way: said before this

    def render(self, lang: str) -> str:
        return i18n.text(self.code, lang, **self.fields)

    def lines(self, lang: str) -> list[str]:
        """What was skipped, then this: one line each."""
        return [s.render(lang) for s in self.skipped] + [self.render(lang)]


@dataclass
class PlanFiles:
    """The plan files of a run, and what was skipped below the directories named (each one line)."""

    files: list[str] = field(default_factory=list)
    skipped: list[PlanPathError] = field(default_factory=list)


def is_yaml_name(name: str) -> bool:
    """A plan or rule file's name: *.yaml or *.yml, in any case."""
    return name.lower().endswith(SUFFIXES)


def plan_files(paths: list[Path]) -> PlanFiles:
    found = PlanFiles()
    for path in paths:
        before = (len(found.files), len(found.skipped))
        try:
            mode = os.stat(path).st_mode
        except OSError as e:
            raise PlanPathError("cli_no_such_path" if e.errno == errno.ENOENT else "cli_path_unusable",
                                path=str(path), detail=_reason(path, e)) from None
        if stat.S_ISDIR(mode):
            _below(path, found)
        elif stat.S_ISREG(mode):
            found.files.append(str(path))
        else:
            raise PlanPathError("cli_not_a_file", path=str(path))
        if len(found.files) == before[0]:
            skipped = found.skipped[before[1]:]
            raise PlanPathError("cli_no_plans_in" if not skipped else "cli_no_readable_plans_in",
                                skipped, path=str(path), count=len(skipped))
    if len(found.files) > limits.PLANS:
        raise PlanPathError("too_many_plans", count=f"{len(found.files):,}", limit=f"{limits.PLANS:,}")
    return found


def _below(directory: Path, found: PlanFiles) -> None:
    """The plan files below ``directory``, in a stable order; linked folders are not entered."""
    files = []

    def unreadable(e: OSError) -> None:
        found.skipped.append(PlanPathError("cli_skipped", path=e.filename, reason=_reason(Path(e.filename), e)))

    for folder, subfolders, names in os.walk(directory, onerror=unreadable):
        subfolders.sort()
        for name in [*subfolders, *names]:
            path = Path(folder, name)
            target = outside(path, directory)
            if target:
                raise PlanPathError("link_outside", path=str(path), target=str(target))
        for name in names:
            if not is_yaml_name(name):
                continue
            path = Path(folder, name)
            try:
                mode = os.stat(path).st_mode
            except OSError as e:
                found.skipped.append(PlanPathError("cli_skipped", path=str(path), reason=_reason(path, e)))
                continue
            if stat.S_ISREG(mode):
                files.append(str(path))
            elif not stat.S_ISDIR(mode):
                found.skipped.append(PlanPathError("cli_skipped", path=str(path), reason=i18n.Text("reason_not_a_file")))
    found.files += sorted(files)


def _reason(path: Path, error: OSError) -> i18n.Text:
    """Why ``path`` cannot be read, in words for either language."""
    if error.errno == errno.ENOENT and os.path.islink(path):
        return i18n.Text("reason_broken_link")
    if error.errno == errno.ELOOP:
        return i18n.Text("reason_link_loop")
    return i18n.Text("reason_os_error", detail=error.strerror or str(error))


def outside(path: Path, directory: Path) -> Path | None:
    """Where ``path`` leads when it is a symbolic link out of ``directory``; None otherwise (a
    link that loops or leads nowhere is not followed at all)."""
    try:
        if not stat.S_ISLNK(os.lstat(path).st_mode):
            return None
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # RuntimeError: a loop, before Python 3.13
        return None
    return None if target.is_relative_to(directory.resolve()) else target
