"""Where the site is written, and how it replaces the previous one without losing anything.

The site is built in a directory beside the target (``.<site>-new-*``) and swapped in only when
the whole build, both languages, has succeeded. The swap replaces only what a build may replace:
a missing path, an empty directory, or a directory an earlier build wrote (it holds ``MARKER``);
never a plan or rule directory, nor the project itself. Dot files in the previous site (``.git``,
``.nojekyll``) are kept, as MkDocs keeps them. The new site gets the modes the umask gives, as if
MkDocs had made it, not the private mode of a temporary directory.

A build holds a lock on its directory for as long as it runs (the English build, a second
process, shares it). A later build removes the directories of builds that were killed, except what
holds files of the user's (the dot files of a swap cut short): it puts such a previous site back
where it was when there is no site there, and otherwise leaves it alone.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import tempfile
from contextlib import contextmanager
from pathlib import Path

from playbook import i18n

MARKER = ".playbook-site"  # in every site a build writes: the mark that it may be replaced
MARKER_TEXT = "Written by `playbook build`: the next build replaces this directory (dot files are kept).\n"
OWN = frozenset({MARKER, ".en-build"})  # the dot names a build itself writes into a site


class SiteDirError(Exception):
    """A site directory the build must not replace; renders as one line."""

    def __init__(self, code: str, **fields):
        super().__init__(code)
        self.code, self.fields = code, fields

    def render(self, lang: str) -> str:
        return i18n.text(self.code, lang, **self.fields)


def guard(site: Path, protected: list[Path], project: Path) -> None:
    """Refuse a site directory whose replacement could lose anything. ``site`` is resolved (a
    link to it is followed), ``protected`` are the paths the build reads (plans, rules, templates),
    ``project`` the directory it runs in."""
    shown = os.fspath(site)
    for path in protected:
        path = path.resolve()
        if site == path or path.is_relative_to(site) or site.is_relative_to(path):
            raise SiteDirError("site_dir_holds_input", path=shown, input=os.fspath(path))
    if project.resolve().is_relative_to(site):
        raise SiteDirError("site_dir_holds_project", path=shown)
    if not site.exists():
        return
    if not site.is_dir():
        raise SiteDirError("site_dir_not_directory", path=shown)
    if (site / MARKER).is_file():
        return
    try:
        others = [name for name in os.listdir(site) if not name.startswith(".")]
    except OSError as e:
        raise SiteDirError("site_dir_unreadable", path=shown, detail=e.strerror or str(e)) from None
    if others:
        raise SiteDirError("site_dir_not_ours", path=shown, marker=MARKER)


class Aside:
    """A new site being built beside ``site``: ``path`` is where MkDocs writes it."""

    def __init__(self, site: Path):
        self.site = site.resolve()
        self.site.parent.mkdir(parents=True, exist_ok=True)
        sweep(self.site)
        self.path = Path(tempfile.mkdtemp(prefix=self._prefix("new"), dir=self.site.parent))
        self.lock = _lock(self.path)
        self.path.chmod(0o777 & ~_umask())  # mkdtemp's 0700 would lock a web server out

    def _prefix(self, what: str) -> str:
        return f".{self.site.name}-{what}-"

    def swap_in(self) -> Path:
        """Put the new site where the old one was, with the old one's dot files; remove the old.
        Ctrl-C and SIGTERM wait until the few renames are done."""
        (self.path / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        old = None
        with _signals_held():
            if self.site.is_dir():
                old = Path(tempfile.mkdtemp(prefix=self._prefix("old"), dir=self.site.parent))
                self.site.rename(old)  # onto the empty directory: whatever an earlier build left there
                for name in os.listdir(old):
                    if name.startswith(".") and name not in OWN and not (self.path / name).exists():
                        os.rename(old / name, self.path / name)
            self.path.rename(self.site)
        self.close()
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return self.site

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        self.close()

    def close(self) -> None:
        if self.lock is not None:
            os.close(self.lock)
            self.lock = None


def sweep(site: Path) -> None:
    """Clear up after killed builds of ``site``: their directories beside it are no longer locked."""
    prefixes = tuple(f".{site.name}-{what}-" for what in ("new", "old"))
    try:
        leftovers = sorted(p for p in site.parent.iterdir() if p.name.startswith(prefixes) and p.is_dir())
    except OSError:
        return
    for path in leftovers:
        try:
            fd = _lock(path)
        except OSError:  # locked: a build that is still running
            continue
        try:
            if not any(n.startswith(".") and n not in OWN for n in os.listdir(path)):
                shutil.rmtree(path, ignore_errors=True)
            elif not site.exists() and (path / MARKER).is_file():
                path.rename(site)  # a previous site that a swap cut short took aside: back where it was
        except OSError:
            pass
        finally:
            os.close(fd)


@contextmanager
def _signals_held():
    """Ctrl-C and SIGTERM arrive once the block is done (in the thread that blocks them)."""
    held = {signal.SIGINT, signal.SIGTERM}
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _lock(path: Path) -> int:
    """An open descriptor of ``path`` holding an exclusive lock; OSError if another holds it."""
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise
    return fd


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
