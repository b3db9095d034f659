"""Where the site is written: a build replaces only a site it wrote, loses nothing it did not write,
and leaves nothing behind when it fails or is stopped, however it is stopped.

Each test runs `playbook build` as a user does, in a company project outside this repository.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import TODAY, make_project

MARKER = ".playbook-site"


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path / "company-repo")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A project whose site one build has written (into a missing directory): tests copy it."""
    work = make_project(tmp_path_factory.mktemp("built") / "company-repo")
    result = build(work)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "playbook: skipped accounts/loop.yaml: a symbolic link that loops\n"
    assert result.stdout == "the site is in site/; preview it with playbook serve\n"
    return work


@pytest.fixture
def rebuilt(built, tmp_path):
    """A copy of the built project, to build again."""
    copy = tmp_path / "company-repo"
    shutil.copytree(built, copy, symlinks=True)
    return copy


def build(project: Path, *args: str, **popen) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "playbook", "build", "--today", TODAY, "--lang", "en", *args],
                          cwd=project, capture_output=True, text=True, preexec_fn=lambda: os.umask(0o022), **popen)


def snapshot(root: Path) -> dict:
    """Every file and directory below ``root``: its bytes' digest, its kind, or where it links."""
    return {str(p.relative_to(root)): f"-> {os.readlink(p)}" if p.is_symlink() else "dir" if p.is_dir()
            else hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*"))}


def beside(site: Path) -> list[str]:
    """What builds of ``site`` leave next to it."""
    return sorted(p.name for p in site.parent.iterdir() if p.name.startswith(f".{site.name}-"))


@pytest.mark.parametrize("site_dir", ["accounts", "company", "company/site", "docs", "notes.txt", ".", ".."])
def test_a_build_never_replaces_what_it_did_not_write(project, site_dir):
    before = snapshot(project.parent)
    result = build(project, "--site-dir", site_dir)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("playbook: "), result.stderr
    assert "not replaced" in result.stderr
    assert snapshot(project.parent) == before


def test_a_build_writes_into_a_missing_directory_and_marks_it_as_its_own(built):
    assert (built / "site" / MARKER).is_file()
    assert (built / "site" / "en" / "index.html").is_file()
    assert beside(built / "site") == []


def test_a_build_replaces_an_empty_directory_or_its_own_site(rebuilt):
    (rebuilt / "empty").mkdir()
    for site_dir in ("empty", "site"):
        result = build(rebuilt, "--site-dir", site_dir)
        assert result.returncode == 0, result.stderr
        assert (rebuilt / site_dir / MARKER).is_file()
        assert beside(rebuilt / site_dir) == []


def test_the_site_keeps_the_dot_files_mkdocs_keeps_and_the_modes_the_umask_gives(project):
    site = project / "site"
    (site / ".git").mkdir(parents=True)
    (site / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n", encoding="utf-8")
    (site / ".nojekyll").write_text("", encoding="utf-8")
    for _ in range(2):
        result = build(project)
        assert result.returncode == 0, result.stderr
        assert (site / ".git" / "HEAD").read_text(encoding="utf-8") == "ref: refs/heads/gh-pages\n"
        assert (site / ".nojekyll").is_file()
    for path in (site, site / "en", site / "accounts"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o755, path
    assert stat.S_IMODE((site / "index.html").stat().st_mode) == 0o644


def test_a_plans_page_depends_on_its_own_id_alone(built):
    accounts = built / "site" / "accounts"
    assert "艾克米" in (accounts / "acme" / "index.html").read_text(encoding="utf-8")  # not the malformed ACME.yaml
    assert "奇怪" in (accounts / "index.html~" / "index.html").read_text(encoding="utf-8")
    assert (accounts / "~acme" / "index.html").is_file()
    assert "奇怪" in (accounts / "index.html").read_text(encoding="utf-8")  # the index is still the index


@pytest.mark.parametrize("today", ["1969-12-31", "0001-01-01", "9999-12-31"])
def test_a_build_refuses_a_today_its_files_cannot_carry(project, today):
    before = snapshot(project.parent)
    result = build(project, "--today", today)
    assert result.returncode == 2
    assert result.stderr == ("playbook: the site could not be built: a site can only be built for a today between "
                             f"1970-01-01 and 2106-02-06 (the dates its files carry), not {today}\n")
    assert snapshot(project.parent) == before


def test_leftovers_of_killed_builds_are_removed_and_a_running_builds_are_not(project):
    for leftover in (f".site-old-{os.getpid()}", ".site-new-killed", ".site-old-killed"):
        (project / leftover / "accounts").mkdir(parents=True)
        (project / leftover / "accounts" / "index.html").write_text("old", encoding="utf-8")
    cut_short = project / ".site-old-cut"  # a previous site a swap took aside before it was killed
    (cut_short / ".git").mkdir(parents=True)
    (cut_short / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n", encoding="utf-8")
    (cut_short / MARKER).write_text("", encoding="utf-8")
    running = project / ".site-new-running"
    running.mkdir()
    fd = os.open(running, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a build still at work holds it
    try:
        result = build(project)
    finally:
        os.close(fd)
    assert result.returncode == 0, result.stderr
    assert beside(project / "site") == [".site-new-running"]
    assert (project / "site" / ".git" / "HEAD").is_file()  # put back, and kept by the build


def _group_alive(pgid: int) -> list[int]:
    """The processes of a process group that still run (zombies waiting to be reaped do not)."""
    alive = []
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            alive.append(int(entry.name))
    return alive


def _wait(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.mark.parametrize("how", ["ctrl-c", "timeout", "kill -9"])
def test_a_stopped_build_leaves_the_previous_site_and_no_process_behind(rebuilt, how):
    project = rebuilt
    site = project / "site"
    before = snapshot(site)
    process = subprocess.Popen([sys.executable, "-m", "playbook", "build", "--today", TODAY, "--lang", "en"],
                               cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    started = _wait(lambda: any((p / ".en-build").is_dir() for p in project.glob(".site-new-*")), 60)
    assert started, process.communicate()
    time.sleep(0.5)  # both languages at work
    if how == "ctrl-c":  # the terminal signals the whole foreground group
        os.killpg(process.pid, signal.SIGINT)
    elif how == "timeout":  # `timeout` signals the command, then its process group
        os.killpg(process.pid, signal.SIGTERM)
    else:  # only the parent, which can clean nothing up
        os.kill(process.pid, signal.SIGKILL)
    out, err = process.communicate(timeout=60)
    assert "Traceback" not in err
    assert _wait(lambda: not _group_alive(process.pid), 10), "the English build goes on alone"
    assert snapshot(site) == before
    if how != "kill -9":
        assert process.returncode == {"ctrl-c": 130, "timeout": 128 + signal.SIGTERM}[how], err
        assert beside(site) == []
    else:  # what the killed build left, the next build removes
        assert beside(site) != []
        assert build(project).returncode == 0
        assert beside(site) == []
