"""Benchmark: the history read of `--history`, without and with its cache, against a plain
`git log --name-only`, on a repository of generated plans with a long history.

The repository (made once with `git fast-import`, each plan's versions stored as deltas of the
one before, as `git gc` stores them; then kept under the cache folder) holds PLANS plans of about
3 KB in `accounts/`, each committed VERSIONS times: first added in batches, then one commit per
change, as a team's plans change, one at a time: the stage moves on (now and then back), the
amount or the expected close date changes, or only a next step does; one plan in a hundred is
renamed on the way. The runs work in a throw-away clone of it (sharing its objects), with a cache
directory of their own, so that the kept repository and the user's cache stay as they are. Side by
side in one run, medians of ROUNDS, in wall-clock seconds and in CPU seconds (this process and
those it waited for: on a busy machine they say more), with their ratio to git log:

  git log                `git log --name-only` over the whole repository: what it costs git to
                         walk it
  read, cold             `history.read` of every plan with no cache, one process (the site build
                         reads so) and on every core (as `playbook check --history` runs it): it
                         walks the whole history as git log does, so its CPU cannot fall below git
                         log's, and its wall clock only as far as stretches walked side by side go
  read, warm             the same with the cache of an earlier read, nothing new
  check                  the whole `playbook check --history` process, warm, and without `--history`
  read, one new commit   on every core, after one plan was changed in one commit on top (the
                         common case: a salesperson committed a plan), from the cache of the line
                         before it

The target, read <= 10 s at 3,000 x 50, is held against the reads with a cache (warm, and one
new commit): the exit status is 1 if either misses it. Then it says how big the cache file is and
how long it takes to decode, and compares, on a sample of the versions, what the history read
takes from each with what the YAML loader reads in it: they must be the same.

    python bench/bench_history.py [--plans 3000] [--versions 50] [--rounds 3] [--cache DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from plans import STAGES, plan  # noqa: E402

from playbook import history  # noqa: E402
from playbook.batch import default_jobs  # noqa: E402

TODAY = "2026-11-20"
TARGET = 10.0  # seconds, for a read with a cache at 3,000 x 50
START = dt.datetime(2022, 1, 3, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # the first commit
BATCH = 100  # plans added by each of the first commits
RENAMED = 100  # one plan in this many is renamed half way
SLOTS = {"stage": "STAGE_SLOT", "amount": 987654321, "expected_close": "CLOSE_SLOT",
         "stage_history": "HISTORY_SLOT"}  # placeholders in a plan's text, filled for each version


def template(rng: random.Random, i: int) -> str:
    """A plan as YAML text (block style, as `plans.plan` makes it) with slots for what changes."""
    data = json.loads(json.dumps(plan(rng, i)))
    data["opportunities"][0].update(SLOTS)
    data["next_steps"][0]["due"] = "DUE_SLOT"
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def versions(rng: random.Random, text: str, days: list[dt.date]):
    """The plan's text on each of ``days``, one after the other: one change from each to the next."""
    stage, amount, close, entered = 0, rng.randint(5, 90) * 10000, days[0] + dt.timedelta(days=120), [(0, days[0])]
    for k, day in enumerate(days):
        change = rng.random() if k else 1.0
        if change < 0.25 and stage < len(STAGES) - 2:  # the stage moves on
            stage += 1
            entered.append((stage, day))
        elif change < 0.30 and stage > 0:  # ... or back
            stage -= 1
            entered.append((stage, day))
        elif change < 0.45:
            close += dt.timedelta(days=rng.choice([30, 61, -14]))
        elif change < 0.65:
            amount = max(10000, amount + rng.randint(-5, 8) * 5000)
        lines = "".join(f"\n  - stage: {STAGES[s]}\n    date: '{d}'" for s, d in entered)
        yield (text.replace("STAGE_SLOT", STAGES[stage]).replace("987654321", str(amount))
               .replace("CLOSE_SLOT", f"'{close}'").replace(" HISTORY_SLOT", lines)
               .replace("DUE_SLOT", f"'{day + dt.timedelta(days=rng.randint(3, 20))}'").encode())


def make_repository(where: Path, plans: int, count: int) -> None:
    """The repository, written by one `git fast-import` and checked out."""
    rng = random.Random(11)
    rounds = [[list(range(k, min(k + BATCH, plans))) for k in range(0, plans, BATCH)]]
    for _ in range(count - 1):
        order = list(range(plans))
        rng.shuffle(order)
        rounds.append([[i] for i in order])
    commits = sum(len(r) for r in rounds)
    step = (dt.datetime(2026, 11, 1, tzinfo=START.tzinfo) - START) / commits
    when, days, n = {}, {i: [] for i in range(plans)}, 0
    for r, batch_list in enumerate(rounds):
        for batch in batch_list:
            when[r, batch[0]] = START + step * n
            for i in batch:
                days[i].append((START + step * n).date())
            n += 1
    subprocess.run(["git", "init", "-q", str(where)], check=True)
    importer = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=where, stdin=subprocess.PIPE)
    for i in range(plans):  # each plan's versions one after the other: each is stored as a delta of the last
        for r, data in enumerate(versions(rng, template(rng, i), days[i])):
            importer.stdin.write(f"blob\nmark :{i * count + r + 1}\ndata {len(data)}\n".encode() + data + b"\n")
    name = {i: f"accounts/plan_{i:05d}.yaml" for i in range(plans)}
    for r, batch_list in enumerate(rounds):
        for batch in batch_list:
            stamp = int(when[r, batch[0]].timestamp())
            lines = [f"commit refs/heads/main\ncommitter Bench <bench@example.com> {stamp} +0800\ndata 7\nupdate\n"]
            for i in batch:
                if r == count // 2 and i % RENAMED == 0:
                    new = f"accounts/plan_{i:05d}_renamed.yaml"
                    lines.append(f"R {name[i]} {new}\n")
                    name[i] = new
                lines.append(f"M 100644 :{i * count + r + 1} {name[i]}\n")
            importer.stdin.write("".join(lines).encode())
    importer.stdin.close()
    if importer.wait():
        sys.exit("git fast-import failed")
    subprocess.run(["git", "symbolic-ref", "HEAD", "refs/heads/main"], cwd=where, check=True)
    subprocess.run(["git", "reset", "-q", "--hard"], cwd=where, check=True)


def repository(cache: Path, plans: int, count: int) -> Path:
    """The repository for this size, made on the first run and kept."""
    where = cache / f"{plans}x{count}"
    if not (where / ".made").exists():
        if where.exists():
            subprocess.run(["rm", "-rf", str(where)], check=True)
        where.mkdir(parents=True)
        started = time.perf_counter()
        make_repository(where, plans, count)
        (where / ".made").write_text("")
        print(f"made {where} in {time.perf_counter() - started:.0f} s")
    return where


def timed(action) -> tuple[float, float]:
    """Wall-clock seconds, and the CPU seconds of this process and of the processes it waited for
    (git, workers): on a busy machine the second says more."""
    start, cpu = time.perf_counter(), _cpu()
    action()
    return time.perf_counter() - start, _cpu() - cpu


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def median(action, rounds: int, before=None) -> tuple[float, float]:
    """The medians of ``rounds`` timed runs of ``action``, each after an untimed ``before()`` if given."""
    results = []
    for _ in range(rounds):
        if before:
            before()
        results.append(timed(action))
    wall, cpu = zip(*results)
    return statistics.median(wall), statistics.median(cpu)


def run(*args, cwd: Path, **env) -> None:
    subprocess.run(args, cwd=cwd, check=True, stdout=subprocess.DEVNULL, env={**os.environ, **env})


def cached_in(directory: Path, action):
    """``action()`` with the history cache (and the rules') in ``directory``."""
    before = os.environ["PLAYBOOK_CACHE_DIR"]
    os.environ["PLAYBOOK_CACHE_DIR"] = str(directory)
    try:
        return action()
    finally:
        os.environ["PLAYBOOK_CACHE_DIR"] = before


def commit_one_change(clone: Path, plan_file: Path) -> None:
    """One plan's amount changed, committed on top of the clone's history."""
    text = plan_file.read_text(encoding="utf-8")
    plan_file.write_text(re.sub(r"amount: (\d+)", lambda m: f"amount: {int(m[1]) + 10000}", text, count=1),
                         encoding="utf-8")
    stamp = "2026-11-02T10:00:00+08:00"
    run("git", "-c", "user.name=Bench", "-c", "user.email=bench@example.com", "commit", "-q", "-a", "-m",
        "one plan changed", cwd=clone, GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp)


def same_as_loader(repo: Path, sample: int) -> tuple[int, int, int]:
    """Of ``sample`` versions (every plan's, spread over the history): how many were compared, how
    many the history read takes as the YAML loader reads them, and how many it read by its scan."""
    log = subprocess.run(["git", "log", "--format=", "--raw", "--no-abbrev", "--", "accounts"], cwd=repo,
                         capture_output=True, text=True, check=True).stdout.split()
    blobs = [token for token in log if len(token) == 40][1::2]  # the new blob of each change
    picked = random.Random(3).sample(blobs, min(sample, len(blobs)))
    cat = subprocess.run(["git", "cat-file", "--batch"], cwd=repo, input="\n".join(picked).encode(),
                         capture_output=True, check=True).stdout
    same = fast = 0
    for blob in picked:
        header, _, cat = cat.partition(b"\n")
        size = int(header.split()[2])
        data, cat = cat[:size], cat[size + 1:]
        scanned = history._scanned(data)
        same += history._opportunities((blob, data))[1] == history._loaded(data)
        fast += scanned is not None
    return len(picked), same, fast


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=3000)
    parser.add_argument("--versions", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/playbook-bench-history"))
    args = parser.parse_args()

    repo = repository(args.cache, args.plans, args.versions)
    with tempfile.TemporaryDirectory(prefix="bench-history-") as scratch:
        scratch = Path(scratch)
        clone, warm, saved = scratch / "clone", scratch / "cache", scratch / "cache-saved"
        run("git", "clone", "-q", "--shared", str(repo), str(clone), cwd=scratch)  # commits go here, not in repo
        os.environ["PLAYBOOK_CACHE_DIR"] = str(warm)
        files = sorted(str(p) for p in (clone / "accounts").glob("*.yaml"))
        jobs = default_jobs(len(files))
        trails = history.read(files, jobs)  # fills the cache; also warms the disk cache
        print(f"{len(files):,} plans, {sum(len(t) for plan_trails in trails.values() for t in plan_trails.values()):,} "
              f"versions of their opportunities; {os.cpu_count()} cores; medians of {args.rounds}", flush=True)

        def cold(processes: int) -> None:
            with tempfile.TemporaryDirectory(dir=scratch) as empty:
                cached_in(Path(empty), lambda: history.read(files, processes))

        def cache_as_saved() -> None:
            shutil.rmtree(warm)
            shutil.copytree(saved, warm)  # modes kept: the cache holds the line up to the commit before

        check = [sys.executable, "-m", "playbook.cli", "check", "accounts", "--today", TODAY, "--format", "json"]
        subprocess.run(check, cwd=clone, capture_output=True)  # fills the rule cache, as any earlier run would
        warm_reads = ["read, warm, 1 process", f"read, warm, {jobs} processes", f"read, one new commit, {jobs} proc."]
        runs = {
            "git log --name-only": lambda: run("git", "log", "--name-only", cwd=clone),
            "read, cold, 1 process": lambda: cold(1),
            f"read, cold, {jobs} processes": lambda: cold(jobs),
            warm_reads[0]: lambda: history.read(files),
            warm_reads[1]: lambda: history.read(files, jobs),
            "playbook check --history, warm": lambda: subprocess.run([*check, "--history"], cwd=clone,
                                                                     capture_output=True),
            "playbook check": lambda: subprocess.run(check, cwd=clone, capture_output=True),
            warm_reads[2]: lambda: history.read(files, jobs),
        }
        print(f"  {'':<34} {'wall':>8} {'ratio':>7} {'cpu':>8} {'ratio':>7}")
        times = {}
        for label, action in runs.items():
            before = None
            if label == warm_reads[2]:  # a plan changed and committed; each round starts from the cache before it
                shutil.copytree(warm, saved)
                commit_one_change(clone, Path(files[len(files) // 2]))
                before = cache_as_saved
            wall, cpu = times[label] = median(action, args.rounds, before)
            base = times["git log --name-only"]
            print(f"  {label:<34} {wall:7.2f}s {wall / base[0]:6.2f}x {cpu:7.2f}s {cpu / base[1]:6.2f}x", flush=True)
        [cache_file] = warm.glob("history-*.json")
        size = cache_file.stat().st_size
        decode = median(lambda: history._load(cache_file), args.rounds)[0]

    added = times["playbook check --history, warm"][0] - times["playbook check"][0]
    missed = [label for label in warm_reads if times[label][0] > TARGET]
    (base_wall, base_cpu), (cold_wall, cold_cpu) = times["git log --name-only"], times[f"read, cold, {jobs} processes"]
    print(f"  --history adds {added:.2f} s to the check when warm; ratios are to git log")
    print("  a cold read walks all the history as git log does, so its CPU cannot fall below git log's: on "
          f"{jobs} processes\n  it takes {cold_cpu / base_cpu:.2f}x git log's CPU and {cold_wall / base_wall:.2f}x "
          "its wall clock")
    print(f"  target: history.read <= {TARGET:g} s at 3,000 x 50, held against the reads with a cache (warm, one "
          f"new commit): " + ("met" if not missed else "MISSED by " + ", ".join(missed)))
    print(f"  cache file: {size / 1e6:.1f} MB, decoded (one json.loads) in {decode:.2f} s")
    sample, same, fast = same_as_loader(repo, 2000)
    print(f"  sample of {sample:,} versions: {same:,} read as the YAML loader reads them, {fast:,} of them by "
          f"the line scan")
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
