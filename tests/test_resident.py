"""The resident checker (check --resident): a run it serves says and exits exactly as a run in its
own process, each run apart from the others; it is used only when it is this user's and this
code's, and a run never waits on it or runs twice because of it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from playbook.cli import resident

ROOT = Path(__file__).resolve().parent.parent
BROKEN = str(ROOT / "examples" / "broken" / "broken_pricing.yaml")
TODAY = ["--today", "2026-11-20"]
# Runs the resident client alone: exit 99 when no server took the run (the caller would run it itself).
CLIENT = "import sys\nfrom playbook.cli.resident import ask\ncode = ask(sys.argv[1:])\nsys.exit(99 if code is None else code)"


@pytest.fixture
def cache(monkeypatch):
    """A cache folder of the test's own, short enough for a socket's path; any server in it is stopped."""
    folder = Path(tempfile.mkdtemp(prefix="pb-", dir="/tmp"))
    monkeypatch.setenv("PLAYBOOK_CACHE_DIR", str(folder))
    yield folder
    for sock in folder.glob("resident-*.sock"):
        resident.stop(sock)
        for _ in range(100):  # gone, not left running by the test
            if not resident.answers(sock):
                break
            time.sleep(0.05)
        else:
            pytest.fail(f"the resident checker at {sock} did not stop")
    shutil.rmtree(folder, ignore_errors=True)


def served(*args: str, env=None, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CLIENT, "check", *args, "--resident"], capture_output=True,
                          text=True, env=env, cwd=cwd)


def alone(*args: str, env=None, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "playbook", "check", *args], capture_output=True, text=True,
                          env=env, cwd=cwd)


def start_server(*args: str, cwd=ROOT) -> None:
    """Start a server as a first --resident run does, and wait until it answers."""
    assert served(*args, cwd=cwd).returncode == 99  # none yet: the run is the caller's, a server starts
    wait_for_server()


def wait_for_server() -> None:
    path = resident.address()
    for _ in range(600):  # up to 30 s: a first server on a cold machine loads the rules itself
        if resident.answers(path):
            return
        time.sleep(0.05)
    pytest.fail("the resident checker did not start")


@pytest.mark.parametrize("args", [
    [BROKEN, *TODAY, "--lang", "zh"],
    [BROKEN, *TODAY, "--lang", "en", "--format", "json"],
    [str(ROOT / "accounts"), *TODAY, "--lang", "en"],
    [BROKEN, *TODAY, "--lang", "en", "--format", "sarif", "--fail-on", "info"],
    ["no/such/plan.yaml", *TODAY, "--lang", "zh"],
    [BROKEN, "--today", "2026-13-40", "--lang", "en"],  # a usage error, from the parser
    ["--help", "--lang", "zh"],
])
def test_a_served_run_says_and_exits_as_a_run_of_its_own(cache, args):
    start_server(BROKEN, *TODAY)
    expected = alone(*args)
    result = served(*args)
    assert (result.returncode, result.stdout, result.stderr) == (expected.returncode, expected.stdout, expected.stderr)


def test_runs_are_served_side_by_side_and_stay_apart(cache):
    start_server(BROKEN, *TODAY)
    cases = [[BROKEN, *TODAY, "--lang", lang, "--format", fmt] for lang in ("zh", "en") for fmt in ("text", "json")]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda args: served(*args), cases * 2))
    for args, result in zip(cases * 2, results):
        expected = alone(*args)
        assert (result.returncode, result.stdout) == (expected.returncode, expected.stdout)


def test_a_run_takes_its_environment_and_directory_not_the_servers(cache, tmp_path):
    start_server(BROKEN, *TODAY)  # started in English, from the repository
    plans = tmp_path / "accounts"
    plans.mkdir()
    shutil.copy(BROKEN, plans / "p.yaml")
    env = {**os.environ, "LANGUAGE": "zh_CN"}
    result = served(*TODAY, env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("accounts/p.yaml:") and "错误" in result.stdout


@pytest.mark.parametrize("repository", [True, False])
def test_history_runs_git_from_a_served_run(cache, tmp_path, repository):
    """A served run is a fork of a server that reaps its children itself: the run still waits for
    git, and sees how it ended (outside a repository, git fails and the run says so)."""
    shutil.copy(BROKEN, tmp_path / "p.yaml")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    for command in (["init", "-q"], ["add", "p.yaml"], ["commit", "-qm", "plan"]) if repository else ():
        subprocess.run([*git, *command], cwd=tmp_path, check=True)
    start_server(BROKEN, *TODAY)
    args = ["p.yaml", *TODAY, "--history", "--lang", "en", "--format", "json"]
    expected, result = alone(*args, cwd=tmp_path), served(*args, cwd=tmp_path)
    assert bool(expected.stderr) != repository  # outside a repository: said in one line
    assert (result.returncode, result.stdout, result.stderr) == (expected.returncode, expected.stdout, expected.stderr)


def test_the_first_run_checks_itself_and_starts_a_server_for_the_next(cache):
    assert not list(cache.glob("resident-*.sock"))
    first = subprocess.run([sys.executable, "-m", "playbook", "check", BROKEN, *TODAY, "--lang", "en", "--resident"],
                           capture_output=True, text=True, cwd=ROOT)
    assert first.returncode == 1 and "[quote_below_floor]" in first.stdout
    wait_for_server()
    assert served(BROKEN, *TODAY, "--lang", "en").stdout == first.stdout


def test_a_server_of_another_user_is_not_sent_the_run(cache, monkeypatch, capfd):
    start_server(BROKEN, *TODAY)
    with monkeypatch.context() as patch:  # (undone before the server is stopped)
        patch.setattr(resident, "_peer", lambda conn: (1, os.getuid() + 1))
        assert resident.ask(["check", BROKEN, *TODAY, "--resident"]) is None
    assert capfd.readouterr() == ("", "")  # nothing said, nothing run


def test_a_run_without_its_standard_streams_is_not_sent(cache):
    start_server(BROKEN, *TODAY)
    result = subprocess.run([sys.executable, "-c", CLIENT, "check", BROKEN, *TODAY, "--resident"], cwd=ROOT,
                            stdin=subprocess.DEVNULL, capture_output=True, preexec_fn=lambda: os.close(0))
    assert result.returncode == 99


def test_changed_code_gets_another_server(cache, tmp_path, monkeypatch):
    package = tmp_path / "playbook"
    (package / "schemas" / "rules").mkdir(parents=True)
    (package / "cli").mkdir()
    module = package / "checker.py"
    module.write_text("A = 1\n")
    monkeypatch.setattr(resident, "PACKAGE", package)
    before = resident.address()
    module.write_text("A = 22\n")
    assert resident.address() != before


def test_an_idle_server_exits_and_takes_its_socket_away(cache):
    path = resident.address()
    server = subprocess.Popen([sys.executable, "-c", "import sys\nfrom pathlib import Path\n"
                               "from playbook import limits\nfrom playbook.cli import resident\nlimits.RESIDENT_IDLE = 1\n"
                               "resident.serve(Path(sys.argv[1]), [])", str(path)], cwd=ROOT)
    assert server.wait(timeout=30) == 0
    assert not path.exists()


def test_a_second_server_for_the_same_code_leaves_at_once(cache):
    start_server(BROKEN, *TODAY)
    second = subprocess.Popen([sys.executable, "-m", "playbook.cli.resident", str(resident.address()), BROKEN, *TODAY],
                              cwd=ROOT)
    assert second.wait(timeout=30) == 0
    assert resident.answers(resident.address())


def test_a_run_the_server_drops_is_said_and_not_run_again(cache, capfd):
    path = resident.address()
    path.parent.mkdir(parents=True, exist_ok=True)
    with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as fake:
        fake.bind(str(path))
        fake.listen(1)

        def drop():  # takes the run, then goes away without an exit code
            conn, _ = fake.accept()
            _, fds, _, _ = socket.recv_fds(conn, 1 << 20, 3)
            for fd in fds:
                os.close(fd)
            conn.close()

        server = threading.Thread(target=drop)
        server.start()
        code = resident.ask(["check", BROKEN, *TODAY, "--lang", "zh", "--resident"])
        server.join()
    assert code == 70
    assert capfd.readouterr() == ("", "playbook: 常驻检查进程没有给出结果就停止了；请去掉 --resident 重新运行\n")
