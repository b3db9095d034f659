"""The resident checker: ``playbook check --resident`` hands the run to a process that has already
started Python, imported the checker and loaded the rules, so that a pre-commit hook costs little
more than starting Python.

Why: checking one plan takes milliseconds; starting Python, importing PyYAML and the JSON Schema
engine and reading the rule cache take many times that, on every commit.

How: the first ``--resident`` run finds no server; it starts one in the background (in a session
of its own, from the same directory and environment) and checks in-process as usual. The server
imports the checker, loads the rules the run's configuration names, and listens on a Unix socket
in the cache directory. A later run connects, makes sure the server is the same user, and sends
its arguments, working directory and environment with its standard input, output and error (the
descriptors themselves, so the output goes straight to the terminal or pipe it was meant for).
The server forks; the child takes them and runs the command as ``playbook`` would, then sends the
exit code. Each run is a fork of the loaded server, so nothing one run changes reaches another.

The socket's name carries a fingerprint of the interpreter, the installed libraries and this
package's code, so a changed playbook gets a new server; the rules are keyed by content again by
every run, as without a server. One server runs per fingerprint (a lock), and one with nothing to
do for ``limits.RESIDENT_IDLE`` seconds exits. Linux only (the peer's user is read with
SO_PEERCRED); elsewhere, or when anything is amiss before the request is sent, the run simply
checks in-process. This module's client side imports only what a request needs.
"""

from __future__ import annotations

import os
import socket
import struct
import sys
import zlib
from contextlib import suppress
from pathlib import Path

from ..cachefile import cache_dir

PACKAGE = Path(__file__).resolve().parent.parent  # playbook/


def ask(argv: list[str]) -> int | None:
    """The exit code of ``playbook argv`` as the resident server ran it; None when no server took
    the run (one is then started for the next), so that the caller runs it itself."""
    path = address()
    if path is None:
        return None
    try:
        for fd in (0, 1, 2):
            os.fstat(fd)  # a closed standard stream cannot be handed over
        client = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    except OSError:
        return None
    with client:
        try:
            client.connect(str(path))
        except OSError:
            _start(path, argv)
            return None
        if _peer(client)[1] != os.getuid():
            return None
        try:
            socket.send_fds(client, [_request(argv)], [0, 1, 2])
        except OSError:
            return None
        # The request is out: from here the run is the server's, never done twice.
        try:
            reply = client.recv(16)
        except OSError:
            reply = b""
        except KeyboardInterrupt:  # the run goes on in the server, its output still this terminal's
            return 130
    if not reply.isdigit():  # the run ended without an exit code: say so, as the crash it is
        from .. import i18n
        from .commands import lang_from_argv

        print(f"playbook: {i18n.text('resident_no_answer', lang_from_argv(argv))}", file=sys.stderr)
        return 70  # EX_SOFTWARE
    return int(reply)


def address() -> Path | None:
    """The server's socket for this interpreter and this code; None where there can be none."""
    if not hasattr(socket, "SO_PEERCRED") or not hasattr(socket, "send_fds"):
        return None
    # The code a run uses: this package's modules, messages and schemas, and the installed libraries
    # (a folder's time changes as a package is installed into it or removed).
    libraries = Path(sys.prefix, "lib", f"python{sys.version_info[0]}.{sys.version_info[1]}", "site-packages")
    stamp = [sys.executable, sys.version]
    try:
        for folder in (PACKAGE, PACKAGE / "cli", PACKAGE / "schemas", PACKAGE / "schemas" / "rules"):
            for entry in sorted(os.scandir(folder), key=lambda e: e.name):
                if entry.name.endswith((".py", ".yaml")):
                    info = entry.stat()
                    stamp.append(f"{entry.path} {info.st_size} {info.st_mtime_ns}")
        stamp.append(str(libraries.stat().st_mtime_ns))
        data = "\0".join(stamp).encode()
        path = cache_dir() / f"resident-{zlib.crc32(data):08x}{zlib.adler32(data):08x}.sock"
    except (OSError, RuntimeError):  # no such folder, no home directory
        return None
    return path if len(os.fsencode(path)) < 100 else None  # a socket's path is short on Linux


def stop(path: Path) -> None:
    """Stop the server at ``path`` now, if one of this user's answers there (it would exit when idle)."""
    import signal

    with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as probe:
        try:
            probe.connect(str(path))
        except OSError:
            return
        pid, uid = _peer(probe)
    if uid == os.getuid():
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)


def _peer(conn: socket.socket) -> tuple[int, int]:
    """The process id and user id at the other end of ``conn``."""
    pid, uid, _ = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))
    return pid, uid


def _request(argv: list[str]) -> bytes:
    """The run, as NUL-separated fields: how each standard stream encodes, the directory, the
    number of arguments, the arguments, then the environment."""
    streams = [f"{s.encoding}:{s.errors}" if s else "" for s in (sys.stdin, sys.stdout, sys.stderr)]
    fields = [*streams, os.getcwd(), str(len(argv)), *argv, *(f"{k}={v}" for k, v in os.environ.items())]
    return b"\0".join(os.fsencode(f) for f in fields)


def _start(path: Path, argv: list[str]) -> None:
    """A server for the next run, detached: it outlives this one and holds none of its streams."""
    import subprocess

    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        subprocess.Popen([sys.executable, "-m", "playbook.cli.resident", str(path), *argv], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        pass


def serve(path: Path, argv: list[str]) -> None:
    """Load what a run of ``argv`` here needs, then serve runs until ``limits.RESIDENT_IDLE`` seconds pass
    with none."""
    import fcntl
    import gc
    import signal

    from .. import limits, rulecache
    from . import commands

    lock = path.with_suffix(".lock")
    held = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)  # held while this server lives
    try:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:  # another server for this code is starting or serving
        return
    rulecache.keep_in_memory()
    try:
        commands.prepare(argv)
    except (Exception, SystemExit):  # the run that started us says what is wrong; we serve the rest
        pass
    path.unlink(missing_ok=True)  # a socket left by a server that was killed
    server = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    server.bind(str(path))
    os.chmod(path, 0o600)
    server.listen(16)
    server.settimeout(limits.RESIDENT_IDLE)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # runs are reaped as they end
    gc.freeze()  # what is loaded stays shared with the forks, not copied by their collector
    try:
        while True:
            try:
                conn, _ = server.accept()
            except TimeoutError:
                return
            with conn:
                try:
                    if _peer(conn)[1] != os.getuid():
                        continue
                    message, fds, _, _ = socket.recv_fds(conn, 1 << 20, 3)
                except OSError:  # the client went away
                    continue
                if len(fds) == 3 and os.fork() == 0:
                    server.close()
                    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the run waits for what it starts (git)
                    _run(conn, message, fds, commands.main)
                for fd in fds:
                    os.close(fd)
    finally:
        path.unlink(missing_ok=True)
        lock.unlink(missing_ok=True)


def answers(path: Path) -> bool:
    """Whether a server listens at ``path``."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as probe:
        try:
            probe.connect(str(path))
            return True
        except OSError:
            return False


def _run(conn: socket.socket, message: bytes, fds: list[int], main) -> None:
    """In the fork: become the client's run (its streams, directory, environment), run, answer."""
    import io
    import locale
    import time

    code = 70
    try:
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        fields = [os.fsdecode(f) for f in message.split(b"\0")]
        streams, (cwd, count), rest = fields[:3], fields[3:5], fields[5:]
        argv, env = rest[:int(count)], rest[int(count):]
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(v.split("=", 1) for v in env)
        time.tzset()
        locale.setlocale(locale.LC_CTYPE, "")
        for fd, (name, spec) in enumerate(zip(("stdin", "stdout", "stderr"), streams)):
            encoding, _, errors = spec.partition(":")
            stream = io.TextIOWrapper(io.FileIO(fd, "r" if fd == 0 else "w", closefd=False),
                                      encoding=encoding or None, errors=errors or None,
                                      line_buffering=os.isatty(fd), write_through=fd == 2)
            setattr(sys, name, stream)
        sys.argv = ["playbook", *argv]
        try:
            code = main(argv)
        except SystemExit as e:  # argparse's --help and usage errors end so
            if isinstance(e.code, str):
                print(e.code, file=sys.stderr)
            code = e.code if isinstance(e.code, int) else int(e.code is not None)
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        try:
            conn.send(b"%d" % code)
        finally:
            os._exit(0)


if __name__ == "__main__":
    serve(Path(sys.argv[1]), sys.argv[2:])
