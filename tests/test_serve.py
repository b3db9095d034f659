"""`playbook serve`: says where the preview is once it is ready, listens where it is told, and says
plainly when the port is taken; stopping it leaves nothing behind. An edited plan is shown without a
full rebuild, and the site it leaves is byte for byte the one a full build of the same input writes."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import TODAY, build_site, make_project
from generator import preview


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


def test_serve_shows_an_edited_plan_without_being_restarted(project):
    port = free_port()
    server = serve(project, "--port", str(port))
    try:
        assert server.stdout.readline().startswith("previewing the site at"), server.stderr.read()
        plan = project / "accounts" / "acme.yaml"
        plan.write_text(plan.read_text(encoding="utf-8").replace("艾克米", "艾克米集团"), encoding="utf-8")
        deadline = time.monotonic() + 120
        while "艾克米集团" not in fetch(f"http://127.0.0.1:{port}/accounts/acme/"):
            assert time.monotonic() < deadline, "the edit never showed"
            time.sleep(0.2)
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=30)
    assert server.returncode == 0, err
    assert "Traceback" not in err


def fetch(url: str) -> str:
    with urllib.request.urlopen(url) as page:
        return page.read().decode("utf-8")


@pytest.fixture
def workers(project, tmp_path, monkeypatch):
    """The preview's two workers (one per language) on a site `playbook build` wrote."""
    site = tmp_path / "site"
    assert build_site(project, site).returncode == 0
    monkeypatch.chdir(project)
    started = [preview.Worker(lang, site / folder, TODAY) for lang, folder in preview.LANGUAGES.items()]
    yield site, started
    for worker in started:
        worker.stop()


def update(workers, *paths: Path) -> None:
    for worker in workers:
        worker.send([str(p) for p in paths])
    for step in ("page", "done"):
        for worker in workers:
            worker.expect(step)


def differences(site: Path, other: Path) -> list[str]:
    """The files that are not byte for byte the same in both sites (or are in one only)."""
    files = {p.relative_to(d).as_posix() for d in (site, other) for p in d.rglob("*") if p.is_file()}
    return sorted(f for f in files if not ((site / f).is_file() and (other / f).is_file()
                                           and (site / f).read_bytes() == (other / f).read_bytes()))


def test_an_edited_plan_leaves_the_site_a_full_build_of_it_writes(workers, project, tmp_path):
    site, started = workers
    indexes = [site / folder / "search" / "search_index.json" for folder in preview.LANGUAGES.values()]
    searched = [index.read_bytes() for index in indexes]
    plan = project / "accounts" / "acme.yaml"
    with plan.open("a", encoding="utf-8") as f:  # a deal: the dashboards (which search finds) count it
        f.write("opportunities:\n  - {id: op1, name: 新校区设备, stage: potential, amount: 100000}\n")
    update(started, plan)
    renamed = plan.read_text(encoding="utf-8").replace("name: 艾克米,", "name: 艾克米控股,")
    plan.write_text(renamed, encoding="utf-8")
    update(started, plan)  # a second edit, on top of the first
    fresh = tmp_path / "fresh"
    assert build_site(project, fresh).returncode == 0
    different = differences(site, fresh)
    assert not different, different
    for folder in preview.LANGUAGES.values():  # the edits are there: the comparison is not between two old sites
        for shown in ("accounts/acme/index.html", "accounts/index.html"):
            assert "艾克米控股" in (site / folder / shown).read_text(encoding="utf-8"), (folder, shown)
    assert [index.read_bytes() for index in indexes] != searched


def test_a_change_to_anything_but_a_plan_is_left_to_a_full_build(workers, project):
    site, started = workers
    limits = project / "company" / "limits.yaml"
    limits.write_text(limits.read_text(encoding="utf-8").replace("60", "45"), encoding="utf-8")
    for worker in started:
        worker.send([str(limits)])
        with pytest.raises(preview.WorkerFailed):
            worker.expect("page")


class Worker:
    """A stand-in for a preview worker that fails at the step ``fails_at`` (None: never)."""

    fails_at = None

    def __init__(self, lang, site_dir, today):
        pass

    def send(self, changes):
        pass

    def expect(self, step):
        if step == self.fails_at:
            raise preview.WorkerFailed(step)

    def stop(self):
        pass


class Server:
    """A stand-in for the preview server: one plan changed, and whether a rebuild was asked for."""

    def __init__(self):
        self.asked = 0

    def take_changes(self):
        return ["accounts/acme.yaml"]

    def request_rebuild(self):
        self.asked += 1


@pytest.mark.parametrize("fails_at, full_builds, asked", [(None, 1, 0), ("page", 2, 0), ("done", 1, 1)])
def test_the_preview_builds_in_full_whatever_its_workers_cannot_do(monkeypatch, tmp_path, fails_at, full_builds, asked):
    monkeypatch.setattr(Worker, "fails_at", fails_at)
    monkeypatch.setattr(preview, "Worker", Worker)
    builds = []
    shown = preview.Preview(builds.append, tmp_path)
    shown.server = Server()
    shown.full()
    shown.rebuild()
    assert shown.settled.wait(10)
    assert (len(builds), shown.server.asked) == (full_builds, asked)
    if asked:  # a second step that failed: the rebuild it asked for is a full one
        shown.rebuild()
        assert len(builds) == 2
