"""`playbook serve`: says where the preview is once it is ready, listens where it is told, and says
plainly when the port is taken; stopping it leaves nothing behind."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import urllib.request

import pytest

from conftest import TODAY, make_project


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path / "company-repo")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(project, *args):
    return subprocess.Popen([sys.executable, "-m", "playbook", "serve", "--today", TODAY, "--lang", "en", *args],
                            cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_serve_says_where_the_preview_is_and_serves_it_there(project, tmp_path):
    port = free_port()
    server = serve(project, "--port", str(port))
    try:
        ready = server.stdout.readline()  # printed once the first build is done and the port is open
        assert ready == f"previewing the site at http://127.0.0.1:{port}/ (Ctrl-C stops)\n", server.stderr.read()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/acme/") as page:
            assert "艾克米" in page.read().decode("utf-8")
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=30)
    assert server.returncode == 0, err
    assert "Traceback" not in err


def test_serve_says_plainly_when_the_port_is_taken(project):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = serve(project, "--port", str(port))
        out, err = server.communicate(timeout=60)
    assert server.returncode == 2
    assert err == f"playbook: port {port} on 127.0.0.1 is in use: choose another with --port\n"
    assert out == ""
