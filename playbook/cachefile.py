"""Files kept between runs (the rule set, the history read from git): where they live, and how they
are read and written so that a cache can never hurt a run.

A cache file is data, never code: what it holds is decoded by its owner (JSON, which cannot run
code when it is read; a pickle can). It is used only if it is a regular file that the user alone
can have written and its checksum matches; anything else is rebuilt and replaced. It is written
whole or not at all (runs may go side by side), readable by the user alone, and the ``keep`` most
recently used files of its kind are kept, older ones deleted. The files live in
``$PLAYBOOK_CACHE_DIR``, else ``$XDG_CACHE_HOME/playbook``, else ``~/.cache/playbook``; one that
cannot be read or written is simply not used.
"""

from __future__ import annotations

import gc
import os
import stat
import zlib
from contextlib import contextmanager, suppress
from pathlib import Path


def cache_dir() -> Path:
    explicit = os.environ.get("PLAYBOOK_CACHE_DIR")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "playbook"


# A file: the CRC-32 of the rest in hex on the first line, then what its owner wrote.

def read(path: Path) -> bytes | None:
    """What was written at ``path``; None unless it is a regular file that the user alone can have
    written, and whole."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)  # no link, no waiting on a pipe
        with open(fd, "rb") as f:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o022:
                return None  # not a file, or one that someone else wrote or could have
            data = f.read()
        start = data.index(b"\n") + 1
        if int(data[:start], 16) != zlib.crc32(memoryview(data)[start:]):
            return None  # not the file that was written
    except (OSError, ValueError):
        return None
    with suppress(OSError):
        os.utime(path)  # recently used: kept by _evict
    return data[start:]


def write(path: Path, data: bytes, keep: int) -> None:
    """Store ``data`` at ``path``, whole or not at all, readable by the user alone; then keep the
    ``keep`` most recently used files of its kind (its name up to the first "-", and its suffix)."""
    import tempfile  # here: a run that only reads its caches need not load it

    kind = path.name.split("-", 1)[0]
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f"{kind}-", suffix=".tmp", dir=path.parent)  # mode 0600
        try:
            with open(fd, "wb") as f:
                f.write(b"%08x\n" % zlib.crc32(data))
                f.write(data)
            os.replace(tmp, path)
        finally:
            with suppress(FileNotFoundError):
                os.unlink(tmp)  # left only if the write failed
        _evict(path, f"{kind}-*{path.suffix}", keep)
    except OSError:
        pass


@contextmanager
def collector_paused():
    """The cyclic garbage collector paused while a cache is decoded: building the many containers
    of a cache file, all of which stay, would otherwise set it off again and again, each time to
    find nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _evict(fresh: Path, pattern: str, keep: int) -> None:
    def used(path: Path) -> int:
        try:
            return path.stat().st_mtime_ns
        except OSError:  # gone meanwhile
            return 0

    older = sorted((p for p in fresh.parent.glob(pattern) if p != fresh), key=used, reverse=True)
    for path in older[keep - 1:]:
        with suppress(OSError):
            path.unlink()
