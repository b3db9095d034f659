"""`playbook check --history`: what git says about each opportunity, in a repository made for each
test with commits on controlled days."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from generator.accounts import Checked
from generator.pages import build_pages
from playbook import cachefile, history
from playbook.checker import Checker
from playbook.ruleset import load_rules

TODAY = "2026-06-30"
RULES = load_rules()
HISTORY_CHECKS = {"close_date_pushed_without_reason", "amount_drift", "stage_regression", "stage_history_disagrees"}


def plan(stage="valid", amount=100000, close="2026-06-30", extra="") -> str:
    """A plan with one opportunity: its stage on line 5, amount on 6, expected close on 7, then ``extra``."""
    return ("account: {id: acme, name: 某某制造, tier: ordinary_account, owner: zhang}\n"
            "opportunities:\n"
            "  - id: op1\n"
            "    name: 产线改造\n"
            f"    stage: {stage}\n"
            f"    amount: {amount}\n"
            f"    expected_close: {close}\n" + extra)


def git(*args, cwd, **env) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True,
                          env={**os.environ, **env}).stdout


@pytest.fixture
def repo(tmp_path):
    git("init", "-q", cwd=tmp_path)
    for key, value in (("user.name", "Test"), ("user.email", "test@example.com"), ("commit.gpgsign", "false")):
        git("config", key, value, cwd=tmp_path)
    (tmp_path / "accounts").mkdir()
    return tmp_path


def commit(repo, day: str, text: str, name: str = "acme.yaml") -> None:
    """The plan as ``text``, committed on ``day`` (author and committer)."""
    (repo / "accounts" / name).write_text(text, encoding="utf-8")
    git("add", "-A", cwd=repo)
    stamp = f"{day}T12:00:00+08:00"
    git("commit", "-q", "-m", day, cwd=repo, GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp)


def check(repo, *args, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    environment.update(env)
    return subprocess.run([sys.executable, "-m", "playbook.cli", "check", "--today", TODAY, "--lang", "en", *args],
                          cwd=repo, capture_output=True, text=True, env=environment)


def found(repo, *args) -> list[dict]:
    """The findings of the history checks, from the JSON report of ``check --history``."""
    result = check(repo, "--history", "--format", "json", *args)
    assert result.stderr == "", result.stderr
    return [f for f in json.loads(result.stdout)["findings"] if f["check"] in HISTORY_CHECKS]


def test_a_close_date_pushed_back_twice_without_a_reason_warns_at_the_close_date(repo):
    commit(repo, "2026-01-05", plan(close="2026-06-30"))
    commit(repo, "2026-03-02", plan(close="2026-08-31"))
    commit(repo, "2026-05-04", plan(close="2026-10-31"))
    assert found(repo) == [{
        "file": "accounts/acme.yaml", "line": 7, "column": 21, "severity": "warning",
        "check": "close_date_pushed_without_reason",
        "message": "the expected close date was pushed back 2 times without a recorded reason (now 2026-10-31); "
                   "record why in close_date_changes",
        "url": "site/checks/close_date_pushed_without_reason/", "calendar": False}]
    assert "close_date_pushed_without_reason" not in check(repo).stdout  # no history asked for: no finding


def test_one_push_back_is_allowed(repo):
    commit(repo, "2026-01-05", plan(close="2026-06-30"))
    commit(repo, "2026-03-02", plan(close="2026-08-31"))
    commit(repo, "2026-04-02", plan(close="2026-07-31"))  # brought forward: not a push back
    assert found(repo) == []


@pytest.mark.parametrize("reasons", [
    [("2026-06-30", "2026-08-31"), ("2026-08-31", "2026-10-31")],
    [("2026-08-31", "2026-10-31")],  # one left without a reason is allowed
])
def test_push_backs_with_their_reasons_recorded_are_not_flagged(repo, reasons):
    commit(repo, "2026-01-05", plan(close="2026-06-30"))
    commit(repo, "2026-03-02", plan(close="2026-08-31"))
    changes = "".join(f"      - {{from: {a}, to: {b}, reason: 客户预算审批推迟}}\n" for a, b in reasons)
    commit(repo, "2026-05-04", plan(close="2026-10-31", extra="    close_date_changes:\n" + changes))
    assert found(repo) == []


def test_the_working_tree_counts_as_today(repo):
    """A push back not yet committed is found before the commit (a pre-commit hook sees it)."""
    commit(repo, "2026-01-05", plan(close="2026-06-30"))
    commit(repo, "2026-03-02", plan(close="2026-08-31"))
    (repo / "accounts" / "acme.yaml").write_text(plan(close="2026-10-31"), encoding="utf-8")
    assert [f["check"] for f in found(repo)] == ["close_date_pushed_without_reason"]


def test_amount_drift_within_a_stage(repo):
    commit(repo, "2026-01-05", plan(stage="potential", amount=40000))
    commit(repo, "2026-02-02", plan(stage="valid", amount=100000))  # a new stage: measured from here
    commit(repo, "2026-04-06", plan(stage="valid", amount=150000))
    assert found(repo) == [{
        "file": "accounts/acme.yaml", "line": 6, "column": 13, "severity": "warning", "check": "amount_drift",
        "message": "the amount went from 100,000 CNY to 150,000 CNY since the opportunity reached the Valid "
                   "opportunity stage (50%)",
        "url": "site/checks/amount_drift/", "calendar": False}]


def test_an_amount_that_changes_with_the_stage_does_not_drift(repo):
    commit(repo, "2026-01-05", plan(stage="potential", amount=40000))
    commit(repo, "2026-02-02", plan(stage="valid", amount=100000))
    commit(repo, "2026-04-06", plan(stage="valid", amount=120000))
    assert found(repo) == []


def test_a_stage_that_went_back_is_flagged_at_the_stage(repo):
    commit(repo, "2026-01-05", plan(stage="valid"))
    commit(repo, "2026-02-02", plan(stage="feasible"))
    commit(repo, "2026-03-02", plan(stage="valid"))
    assert [(f["line"], f["column"], f["check"], f["message"]) for f in found(repo)] == [
        (5, 12, "stage_regression", "the opportunity's stage went back: 2026-03-02 Feasible opportunity → Valid opportunity")]


@pytest.mark.parametrize("declared, expected", [
    ("2026-02-01", ["stage_history says Valid opportunity began on 2026-02-01; git shows 2026-03-02 (29 days apart)"]),
    ("2026-02-27", []),  # committed a few days late: within the tolerance
])
def test_the_declared_stage_history_is_held_against_git(repo, declared, expected):
    history_text = f"    stage_history: [{{stage: potential, date: 2026-01-02}}, {{stage: valid, date: {declared}}}]\n"
    commit(repo, "2026-01-05", plan(stage="potential", extra=history_text))
    commit(repo, "2026-03-02", plan(stage="valid", extra=history_text))
    findings = found(repo)
    assert [f["message"] for f in findings] == expected
    assert all((f["line"], f["column"], f["check"]) == (8, 20, "stage_history_disagrees") for f in findings)


def test_days_in_each_stage_come_from_the_commits(repo):
    commit(repo, "2026-01-05", plan(stage="potential"))
    commit(repo, "2026-02-04", plan(stage="valid", amount=120000))
    commit(repo, "2026-03-06", plan(stage="feasible"))
    commit(repo, "2026-04-01", plan(stage="feasible", close="2026-07-31"))
    trails = history.read([str(repo / "accounts" / "acme.yaml")])
    trail = trails[str(repo / "accounts" / "acme.yaml")]["op1"]
    assert [v["date"] for v in trail] == ["2026-01-05", "2026-02-04", "2026-03-06", "2026-04-01"]
    facts = history.facts(trail, {"id": "op1", "stage": "feasible"}, dt.date(2026, 6, 30), RULES)
    assert facts["days_in_stage"] == {"potential": 30, "valid": 30, "feasible": 116}


def test_a_renamed_plan_keeps_its_history(repo):
    commit(repo, "2026-01-05", plan(stage="feasible"))
    git("mv", "accounts/acme.yaml", "accounts/acme-group.yaml", cwd=repo)
    commit(repo, "2026-03-02", plan(stage="valid"), name="acme-group.yaml")
    assert [f["check"] for f in found(repo)] == ["stage_regression"]
    renamed = str(repo / "accounts" / "acme-group.yaml")
    assert [(v["date"], v["stage"]) for v in history.read([renamed])[renamed]["op1"]] == [
        ("2026-01-05", "feasible"), ("2026-03-02", "valid")]


def stages(repo, name="acme.yaml") -> list[tuple[str, object]]:
    """op1's (date, stage) in each version git holds of the plan."""
    path = str(repo / "accounts" / name)
    return [(v["date"], v["stage"]) for v in history.read([path])[path].get("op1", [])]


def test_the_stage_is_followed_wherever_its_line_moves(repo):
    commit(repo, "2026-01-05", plan(stage="potential"))
    moved = ("account: {id: acme, name: 某某制造, tier: ordinary_account, owner: zhang}\n"
             "opportunities:\n"
             "- name: 产线改造\n"
             "  stage_history:\n"
             "  - stage: potential\n"  # a stage nested deeper is not the opportunity's
             "    date: '2026-01-02'\n"
             "  stage: valid\n"
             "  id: op1\n")
    commit(repo, "2026-02-02", moved)
    assert stages(repo) == [("2026-01-05", "potential"), ("2026-02-02", "valid")]


def test_a_malformed_old_version_is_left_out(repo):
    commit(repo, "2026-01-05", plan(stage="potential"))
    conflict = plan(stage="potential").replace("    stage: potential\n", "<<<<<<< HEAD\n    stage: potential\n"
                                               "=======\n    stage: won\n>>>>>>> theirs\n")
    commit(repo, "2026-02-02", conflict)
    commit(repo, "2026-03-02", plan(stage="valid"))
    assert stages(repo) == [("2026-01-05", "potential"), ("2026-03-02", "valid")]
    assert [f["check"] for f in found(repo)] == []  # and the run goes on, silent


def test_a_version_broken_outside_its_opportunities_still_counts(repo):
    """The scan reads the opportunities alone; the YAML loader would have left the version out."""
    commit(repo, "2026-01-05", plan(stage="valid"))
    broken = plan(stage="feasible") + "contacts: [unclosed\n"
    commit(repo, "2026-02-02", broken)
    commit(repo, "2026-03-02", plan(stage="valid"))
    assert history._loaded(broken.encode()) == {}
    assert stages(repo) == [("2026-01-05", "valid"), ("2026-02-02", "feasible"), ("2026-03-02", "valid")]


PLAIN = {  # shapes the scan reads itself
    "as people write it": plan(extra="    stage_history:\n      - {stage: valid, date: 2026-01-02}\n"),
    "as a YAML dumper writes it": ("opportunities:\n- id: op1\n  needs:\n  - kind: explicit_need\n"
                                   "    stage: won\n  stage: valid\n  amount: 1.5e5\n  expected_close: '2026-06-30'\n"
                                   "next_steps: []\n"),
    "with comments and blank lines": ("# plan\nopportunities:  # two\n\n  - id: op1  # first\n"
                                      "    # stage: won\n    stage: \"valid\"\n\n  - id: op2\n    amount: null\n"),
    "a list written inline over two lines": ("opportunities:\n  - id: op1\n    scores: {urgency: 4,\n"
                                             "             importance: 5}\n    stage: target\n"),
    "words YAML 1.1 reads as other things": "opportunities:\n  - id: op1\n    stage: yes\n    amount: 010\n",
    "an id that is no text": "opportunities:\n  - id: 12\n    stage: valid\n  - id: 机会二\n    stage: won\n",
}
UNUSUAL = {  # shapes the scan leaves to the loader
    "inline opportunities": "opportunities:\n  - {id: op1, stage: valid}\n",
    "a stage that runs on": "opportunities:\n  - id: op1\n    stage: valid\n      more\n",
    "text quoted over two lines": 'opportunities:\n  - id: op1\n    name: "a\n    stage: won"\n    stage: valid\n',
    "a stage given twice": "opportunities:\n  - id: op1\n    stage: valid\n    stage: won\n",
    "a merge key": "base: &b {stage: won}\nopportunities:\n  - id: op1\n    <<: *b\n",
    "an alias": "s: &s won\nopportunities:\n  - id: op1\n    stage: *s\n",
    "a tab": "opportunities:\n  - id: op1\n    stage:\tvalid\n",
    "Windows line ends": "opportunities:\r\n  - id: op1\r\n    stage: valid\r\n",
    "an indented document": "  opportunities:\n    - id: op1\n      stage: valid\n",
    "opportunities given twice": "opportunities:\n  - id: op1\nopportunities:\n  - id: op2\n",
    "a dash on its own line": "opportunities:\n  -\n    id: op1\n",
    "a broken line": "opportunities:\n  - id: op1\n    stage: [valid\n",
}


@pytest.mark.parametrize("text", PLAIN.values(), ids=PLAIN)
def test_plain_versions_are_scanned_to_what_the_yaml_loader_reads(text):
    data = text.encode()
    assert history._scanned(data) == history._loaded(data) != {}


@pytest.mark.parametrize("text", UNUSUAL.values(), ids=UNUSUAL)
def test_versions_the_scan_cannot_vouch_for_are_read_by_the_yaml_loader(text):
    data = text.encode()
    assert history._scanned(data) is None
    assert history._opportunities(("blob", data)) == ("blob", history._loaded(data))


@pytest.mark.parametrize("path", sorted(p for p in (Path(__file__).parents[1] / "accounts").glob("*.yaml")), ids=str)
def test_the_sample_plans_are_scanned_to_what_the_yaml_loader_reads(path):
    data = path.read_bytes()
    assert history._scanned(data) == history._loaded(data) != {}


def test_one_git_log_and_one_cat_file_for_every_plan_or_a_log_for_each_job(repo, cache, monkeypatch, tmp_path):
    for name in "abcde":
        commit(repo, "2026-01-05", plan().replace("acme", name), name=f"{name}.yaml")
        commit(repo, "2026-02-02", plan(close="2026-07-31").replace("acme", name), name=f"{name}.yaml")
    started, popen = [], subprocess.Popen  # subprocess.run starts its process with Popen too
    monkeypatch.setattr(subprocess, "Popen", lambda args, **kw: started.append(args[:2]) or popen(args, **kw))
    trails = history.read([str(repo / "accounts" / f"{name}.yaml") for name in "abcde"])
    assert started == [["git", "rev-parse"], ["git", "log"], ["git", "cat-file"]]
    assert all(len(t["op1"]) == 2 for t in trails.values())
    started.clear()
    monkeypatch.setenv("PLAYBOOK_CACHE_DIR", str(tmp_path / "another cache"))  # cold again
    assert history.read([str(repo / "accounts" / f"{name}.yaml") for name in "abcde"], jobs=2) == trails
    assert sorted(started) == [["git", "cat-file"], ["git", "log"], ["git", "log"], ["git", "rev-list"],
                               ["git", "rev-parse"]]  # the history cut in two, logged side by side
    started.clear()
    assert history.read([str(repo / "accounts" / f"{name}.yaml") for name in "abcde"], jobs=2) == trails
    assert started == [["git", "rev-parse"]]  # all of it from the cache


def test_a_merged_branch_counts_once_on_the_day_it_was_merged_however_many_jobs(repo, no_cache):
    commit(repo, "2026-01-05", plan(stage="potential"))
    commit(repo, "2026-01-06", plan().replace("acme", "beta"), name="beta.yaml")
    git("checkout", "-q", "-b", "side", cwd=repo)
    commit(repo, "2026-02-02", plan(stage="valid"))
    commit(repo, "2026-02-09", plan(stage="feasible"))
    git("checkout", "-q", "-", cwd=repo)
    commit(repo, "2026-02-10", plan(close="2026-07-31").replace("acme", "beta"), name="beta.yaml")
    stamp = "2026-03-02T12:00:00+08:00"
    git("merge", "-q", "--no-ff", "-m", "merge", "side", cwd=repo, GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp)
    commit(repo, "2026-04-01", plan(stage="target"))
    files = [str(repo / "accounts" / name) for name in ("acme.yaml", "beta.yaml")]
    assert stages(repo) == [("2026-01-05", "potential"), ("2026-03-02", "feasible"), ("2026-04-01", "target")]
    assert history.read(files, jobs=2) == history.read(files, jobs=3) == history.read(files)


@pytest.fixture
def no_cache(tmp_path, monkeypatch) -> str:
    """A cache directory that cannot be made (it would be inside a file), so every read is cold."""
    (tmp_path / "a file").write_text("", encoding="utf-8")
    directory = str(tmp_path / "a file" / "cache")
    monkeypatch.setenv("PLAYBOOK_CACHE_DIR", directory)
    return directory


@pytest.fixture
def walked(monkeypatch) -> SimpleNamespace:
    """What the reads ask git for: the commits logged, the ``git log`` ranges, the versions read."""
    seen = SimpleNamespace(commits=[], ranges=[], blobs=[])
    commits, log, read_blobs = history._commits, history._log, history._read_blobs

    def logged(*args):
        line = commits(*args)
        seen.commits.extend(line.commits)
        return line

    monkeypatch.setattr(history, "_commits", logged)
    monkeypatch.setattr(history, "_log", lambda top, head, stop, jobs: seen.ranges.append((head, stop))
                        or log(top, head, stop, jobs))
    monkeypatch.setattr(history, "_read_blobs", lambda top, blobs, jobs: seen.blobs.extend(blobs)
                        or read_blobs(top, blobs, jobs))
    return seen


def cold_read(files: list[str], jobs: int = 1) -> dict:
    """What a read gives with no cache."""
    with pytest.MonkeyPatch.context() as patch, tempfile.TemporaryDirectory() as empty:
        patch.setenv("PLAYBOOK_CACHE_DIR", empty)
        return history.read(files, jobs)


def head(repo) -> str:
    return git("rev-parse", "HEAD", cwd=repo).strip()


def cache_file(cache: Path) -> Path:
    [path] = cache.glob("history-*.json")
    return path


def test_a_second_read_gives_the_same_without_walking_the_history_again(repo, cache, walked):
    commit(repo, "2026-01-05", plan(stage="potential"))
    commit(repo, "2026-02-02", plan(stage="valid"))
    commit(repo, "2026-03-02", plan().replace("acme", "beta"), name="beta.yaml")
    files = [str(repo / "accounts" / name) for name in ("acme.yaml", "beta.yaml")]
    first = history.read(files)
    assert len(walked.commits) == 3 and len(walked.blobs) == 3
    assert first == cold_read(files)
    walked.commits.clear(), walked.blobs.clear()
    assert history.read(files) == history.read(files, jobs=2) == first
    assert walked.commits == walked.blobs == []
    assert oct(cache_file(cache).stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("jobs", [1, 2])
def test_new_commits_are_logged_and_read_alone(repo, cache, walked, jobs):
    commit(repo, "2026-01-05", plan(stage="potential"))
    commit(repo, "2026-02-02", plan(stage="valid"))
    files = [str(repo / "accounts" / name) for name in ("acme.yaml", "beta.yaml")]
    history.read(files, jobs)
    cached = head(repo)
    walked.commits.clear(), walked.ranges.clear(), walked.blobs.clear()
    commit(repo, "2026-03-02", plan(stage="feasible"))
    commit(repo, "2026-03-09", plan().replace("acme", "beta"), name="beta.yaml")
    commit(repo, "2026-04-01", plan(stage="target"))
    trails = history.read(files, jobs)
    assert len(walked.commits) == 3 and walked.ranges == [(head(repo), cached)]
    assert len(walked.blobs) == 3  # the versions committed since
    assert trails == cold_read(files, jobs) == cold_read(files)
    assert [v["stage"] for v in trails[files[0]]["op1"]] == ["potential", "valid", "feasible", "target"]


def rewrite_last(repo):
    git("reset", "-q", "--hard", "HEAD~1", cwd=repo)
    commit(repo, "2026-03-03", plan(stage="won"))


def rewrite_two(repo):
    git("reset", "-q", "--hard", "HEAD~2", cwd=repo)
    commit(repo, "2026-02-03", plan(stage="feasible", amount=90000))
    commit(repo, "2026-03-03", plan(stage="target"))


def reset_back(repo):
    git("reset", "-q", "--hard", "HEAD~1", cwd=repo)


def rewrite_all(repo):
    git("checkout", "-q", "--orphan", "fresh", cwd=repo)
    commit(repo, "2026-01-06", plan(stage="target"))


@pytest.mark.parametrize("rewrite, logged", [(rewrite_last, 1), (rewrite_two, 2), (reset_back, 0), (rewrite_all, 1)],
                         ids=["amended", "rebased", "reset", "a line of its own"])
def test_a_rewritten_line_reads_as_a_cold_read_of_it(repo, cache, walked, rewrite, logged):
    commit(repo, "2026-01-05", plan(stage="potential"))
    commit(repo, "2026-02-02", plan(stage="valid"))
    commit(repo, "2026-03-02", plan(stage="feasible"))
    files = [str(repo / "accounts" / "acme.yaml")]
    history.read(files)
    dropped = head(repo)
    rewrite(repo)
    expected = cold_read(files)
    walked.commits.clear()
    assert history.read(files) == expected
    assert len(walked.commits) == logged  # the commits above where the lines meet
    kept = json.loads(cachefile.read(cache_file(cache)))["commits"]
    assert kept == git("rev-list", "--first-parent", "HEAD", cwd=repo).split() and dropped not in kept


def untrusted_as_corrupted(path: Path, data: bytes) -> None:
    cachefile.write(path, data, 8)
    path.write_bytes(path.read_bytes().replace(b'"2025-01-05"', b'"2024-01-05"'))  # a byte changed since


def untrusted_as_group_writable(path: Path, data: bytes) -> None:
    cachefile.write(path, data, 8)
    path.chmod(0o620)


def untrusted_as_someone_elses(path: Path, data: bytes) -> None:
    if os.getuid() != 0:
        pytest.skip("only root can give a file away")
    cachefile.write(path, data, 8)
    os.chown(path, 65534, -1)


def untrusted_as_not_a_cache(path: Path, data: bytes) -> None:
    cachefile.write(path, b'{"commits": "' + data[:20].hex().encode() + b'"}', 8)


@pytest.mark.parametrize("spoil", [untrusted_as_corrupted, untrusted_as_group_writable, untrusted_as_someone_elses,
                                   untrusted_as_not_a_cache],
                         ids=["corrupted", "group-writable", "someone else's", "not what it writes"])
def test_a_cache_file_that_cannot_be_trusted_is_ignored_and_rewritten(repo, cache, walked, spoil):
    commit(repo, "2026-01-05", plan(stage="potential"))
    commit(repo, "2026-02-02", plan(stage="valid"))
    files = [str(repo / "accounts" / "acme.yaml")]
    truth = history.read(files)
    path = cache_file(cache)
    forged = cachefile.read(path).replace(b'"2026-01-05"', b'"2025-01-05"')
    cachefile.write(path, forged, 8)
    assert history.read(files)[files[0]]["op1"][0]["date"] == "2025-01-05"  # a trusted file is used as it is
    spoil(path, forged)
    walked.commits.clear()
    assert history.read(files) == truth and len(walked.commits) == 2
    assert json.loads(cachefile.read(path))["dates"] == ["2026-02-02", "2026-01-05"]  # written anew


def test_without_a_cache_that_can_be_written_the_read_still_works(repo, no_cache, walked):
    commit(repo, "2026-01-05", plan(stage="feasible"))
    commit(repo, "2026-03-02", plan(stage="valid"))
    files = [str(repo / "accounts" / "acme.yaml")]
    assert history.read(files) == history.read(files) and len(walked.commits) == 4  # walked each time
    result = check(repo, "--history", PLAYBOOK_CACHE_DIR=no_cache)
    assert result.stderr == "" and "[stage_regression]" in result.stdout


def test_the_cache_of_another_repository_is_not_used(repo, cache):
    commit(repo, "2026-01-05", plan(stage="potential"))
    commit(repo, "2026-02-02", plan(stage="valid"))
    files = [str(repo / "accounts" / "acme.yaml")]
    history.read(files)
    shutil.rmtree(repo / ".git")  # another repository in the same place, with a plan of the same name
    git("init", "-q", cwd=repo)
    for key, value in (("user.name", "Test"), ("user.email", "test@example.com"), ("commit.gpgsign", "false")):
        git("config", key, value, cwd=repo)
    commit(repo, "2026-04-01", plan(stage="target"))
    assert history.read(files) == cold_read(files) == {files[0]: {"op1": [
        {"date": "2026-04-01", "stage": "target", "amount": 100000, "expected_close": "2026-06-30"}]}}


def test_a_field_json_would_not_give_back_as_it_was_is_read_again(repo, cache, walked):
    commit(repo, "2026-01-05", plan(stage="[valid, won]"))
    commit(repo, "2026-02-02", plan(stage="valid"))
    files = [str(repo / "accounts" / "acme.yaml")]
    first = history.read(files)
    walked.blobs.clear()
    again = history.read(files)
    assert again == first and type(again[files[0]]["op1"][0]["stage"]) is type(first[files[0]]["op1"][0]["stage"])
    assert len(walked.blobs) == 1  # the list the loader gives (a Sequence) is not kept; the plain version is


def test_paths_that_are_not_utf_8_are_kept_as_git_gives_them(repo, cache, walked):
    name = os.fsdecode(b"acme\xff.yaml")
    commit(repo, "2026-01-05", plan(stage="potential"), name=name)
    commit(repo, "2026-02-02", plan(stage="valid"), name=name)
    files = [str(repo / "accounts" / name)]
    first = history.read(files)
    assert first == cold_read(files)
    walked.commits.clear()
    assert history.read(files) == first and walked.commits == []
    assert [v["stage"] for v in first[files[0]]["op1"]] == ["potential", "valid"]


def test_findings_from_history_go_into_the_baseline(repo):
    commit(repo, "2026-01-05", plan(stage="feasible"))
    commit(repo, "2026-03-02", plan(stage="valid"))
    written = check(repo, "--history", "--baseline", "base.json", "--update-baseline")
    assert written.returncode == 0, written.stderr
    assert "stage_regression" in (repo / "base.json").read_text(encoding="utf-8")
    again = check(repo, "--history", "--baseline", "base.json", "--fail-on", "warning")
    assert again.returncode == 0 and "stage_regression" not in again.stdout


def test_without_git_the_run_says_so_in_one_line_and_goes_on(repo, tmp_path_factory):
    commit(repo, "2026-01-05", plan(stage="feasible"))
    commit(repo, "2026-03-02", plan(stage="valid"))
    no_git = tmp_path_factory.mktemp("bin")
    (no_git / "python").symlink_to(sys.executable)
    plain = check(repo)
    result = check(repo, "--history", PATH=str(no_git))
    assert result.stderr == "playbook: git cannot be found; checking without history\n"
    assert (result.returncode, result.stdout) == (plain.returncode, plain.stdout)
    assert "[stage_evidence]" in result.stdout  # the other checks ran


def test_outside_a_repository_the_run_says_so_in_one_line(tmp_path):
    (tmp_path / "accounts").mkdir()
    (tmp_path / "accounts" / "acme.yaml").write_text(plan(), encoding="utf-8")
    result = check(tmp_path, "--history", GIT_CEILING_DIRECTORIES=str(tmp_path.parent))
    assert result.stderr.startswith("playbook: cannot read the plans' history from git (not a git repository")
    assert result.stderr.endswith("; checking without history\n") and result.stderr.count("\n") == 1
    assert result.returncode == check(tmp_path).returncode


def test_a_shallow_clone_says_so_in_one_line(repo, tmp_path_factory):
    commit(repo, "2026-01-05", plan(stage="feasible"))
    commit(repo, "2026-03-02", plan(stage="valid"))
    clone = tmp_path_factory.mktemp("clone") / "shallow"
    git("clone", "-q", "--depth", "1", f"file://{repo}", str(clone), cwd=repo)
    result = check(clone, "--history")
    assert result.stderr == ("playbook: this is a shallow clone, whose history is cut short; checking without "
                             "history (git fetch --unshallow fetches all of it)\n")
    assert "stage_regression" not in result.stdout


def test_a_repository_without_commits_has_no_history_yet(repo):
    (repo / "accounts" / "acme.yaml").write_text(plan(), encoding="utf-8")
    result = check(repo, "--history")
    assert result.stderr == "" and result.returncode == check(repo).returncode


def test_history_and_against_are_not_combined(repo):
    commit(repo, "2026-01-05", plan())
    result = check(repo, "--history", "--against", "HEAD")
    assert (result.returncode, result.stderr) == (2, "playbook: --history cannot be combined with --against yet\n")


def test_the_account_page_shows_the_history_when_the_site_has_it(tmp_path):
    path = tmp_path / "acme.yaml"
    path.write_text(plan(stage="valid", amount=150000, close="2026-10-31"), encoding="utf-8")
    trails = {"op1": [{"date": "2026-01-05", "stage": "feasible", "amount": 100000, "expected_close": "2026-06-30"},
                      {"date": "2026-03-02", "stage": "valid", "amount": 100000, "expected_close": "2026-08-31"}]}
    checker = Checker(RULES, dt.date(2026, 6, 30), trails={str(path): trails})
    checked = Checked(str(path), *checker.check_path(str(path)), trails=trails)
    page = build_pages(RULES, [checked], "en", dt.date(2026, 6, 30))["accounts/acme.md"]
    assert "## History (from git)" in page
    assert "| 产线改造 | Feasible opportunity 56 · Valid opportunity 120 | 2 (2 without a reason) | 50% " \
           "| 2026-03-02 Feasible opportunity → Valid opportunity |" in page
    assert {f.check for f in checked.findings} >= HISTORY_CHECKS - {"stage_history_disagrees"}
    plain = Checked(str(path), *Checker(RULES, dt.date(2026, 6, 30)).check_path(str(path)))
    assert "History (from git)" not in build_pages(RULES, [plain], "en", dt.date(2026, 6, 30))["accounts/acme.md"]
