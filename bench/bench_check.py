"""Benchmark: `playbook check` against parsing alone, on generated plans of about 3 KB.

Side by side in one run, over the same files:
  parse      yaml.load(..., Loader=CSafeLoader) over every file, one process
  check      Playbook's whole check (load with positions, plan schema, facts, every check,
             suppressions, portfolio), one process              target <= 1.5 x parse
  default    the same as `playbook check` runs by default: on every core
  memory     peak RSS of the command over N/10 and N plans, one process: it must not grow with
             the number of plans                                target <= 100 MB at N
  one plan   the whole `playbook check FILE` process, as a pre-commit hook runs it (median of 7,
             rule set cached)                                   target <= 0.3 s

    python bench/bench_check.py [--plans 10000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from plans import generate  # noqa: E402

from playbook.batch import check_files, default_jobs  # noqa: E402
from playbook.checker import Checker  # noqa: E402
from playbook.ruleset import load_rules  # noqa: E402

TODAY = dt.date(2026, 11, 20)
PEAK = "import resource, sys; from playbook.cli import main; code = main(sys.argv[1:]); " \
       "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr); sys.exit(code)"


def parse(files):
    start = time.perf_counter()
    for path in files:
        with open(path, "rb") as f:
            yaml.load(f.read(), Loader=yaml.CSafeLoader)
    return time.perf_counter() - start


def check(checker, files, jobs):
    start = time.perf_counter()
    check_files(checker, files, jobs)
    return time.perf_counter() - start


def peak_mb(paths: list[str], env) -> float:
    result = subprocess.run([sys.executable, "-c", PEAK, "check", *paths, "--today", TODAY.isoformat(),
                             "--jobs", "1", "--format", "json"], capture_output=True, text=True, env=env)
    return int(result.stderr.strip().splitlines()[-1]) / 1024


def one_plan_seconds(path: str, env, runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "playbook.cli", "check", path, "--today", TODAY.isoformat()],
                       capture_output=True, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        small, large = Path(tmp, "small"), Path(tmp, "large")
        small.mkdir()
        large.mkdir()
        generate(small, args.plans // 10, seed=1)
        files = generate(large, args.plans, seed=2)
        size = sum(os.path.getsize(f) for f in files) / len(files)
        env = {**os.environ, "PLAYBOOK_CACHE_DIR": str(Path(tmp, "cache"))}
        checker = Checker(load_rules(), TODAY)
        jobs = default_jobs(len(files))
        parse_t, check_t, default_t = [], [], []
        for r in range(args.rounds):  # alternate the order, so that neither always runs warm
            order = [("parse", lambda: parse(files)), ("check", lambda: check(checker, files, 1)),
                     ("default", lambda: check(checker, files, jobs))]
            for name, run in order if r % 2 == 0 else reversed(order):
                {"parse": parse_t, "check": check_t, "default": default_t}[name].append(run())
        memory_small = peak_mb([str(small)], env)
        memory_large = peak_mb([str(large)], env)
        one = one_plan_seconds(files[0], env)
    p, c, d = (statistics.median(t) for t in (parse_t, check_t, default_t))
    print(f"plans: {args.plans}, mean size {size / 1024:.1f} KB, rounds: {args.rounds}, cores: {os.cpu_count()}")
    print(f"parse (yaml.load, CSafeLoader), median:   {p:.2f} s")
    print(f"playbook check, one process, median:      {c:.2f} s   ratio {c / p:.2f}  target <= 1.5  {verdict(c / p <= 1.5)}")
    print(f"playbook check, default ({jobs} processes):  {d:.2f} s   speed-up over one process {c / d:.2f}x")
    print(f"peak memory, one process: {memory_small:.0f} MB at {args.plans // 10} plans, "
          f"{memory_large:.0f} MB at {args.plans}  target <= 100 MB  {verdict(memory_large <= 100)}")
    print(f"one plan, whole process, median of 7:      {one:.3f} s  target <= 0.3 s  {verdict(one <= 0.3)}")
    return 0 if c / p <= 1.5 and memory_large <= 100 and one <= 0.3 else 1


if __name__ == "__main__":
    sys.exit(main())
