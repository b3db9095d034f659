"""Benchmark: `playbook check` against parsing alone, on generated plans of about 3 KB.

Side by side in one run, over the same files:
  parse      yaml.load(..., Loader=CSafeLoader) over every file, one process
  check      Playbook's whole check (load with positions, plan schema, facts, every check,
             suppressions, portfolio), one process              target <= 1.0 x parse
  where the time goes, each phase over every plan, as a share of parse:
             parse with positions, schema validation (with the plan's own ids and references),
             facts, checks (the conditions and the findings' messages), reporting (the text report)
  default    the same as `playbook check` runs by default: on every core
  memory     peak RSS of the command over N/10 and N plans, one process: it must not grow with
             the number of plans                                target <= 100 MB at N
  one plan   the whole `playbook check FILE --resident` process, as the pre-commit hook runs it
             (a resident checker running, rule set cached, bytecode compiled), beside the same
             check in a process of its own, `python -c pass` and `python -c "import yaml"`
             started the same way, median of --starts runs   target <= 0.1 s

    python bench/bench_check.py [--plans 10000] [--rounds 3] [--starts 21]
    python bench/bench_check.py --plans 1000 --rounds 3 --starts 11   # a quick look
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
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

from playbook import plan_refs, reporters  # noqa: E402
from playbook.cli import resident  # noqa: E402
from playbook.batch import check_files, default_jobs  # noqa: E402
from playbook.checker import Checker  # noqa: E402
from playbook.ruleset import load_rules  # noqa: E402
from playbook.yamlload import Location, load_bytes, read  # noqa: E402

TODAY = dt.date(2026, 11, 20)
# The child's own peak (VmHWM, in kB): its getrusage() maximum would count this process's size
# too, which a child inherits at the fork before its exec.
PEAK = "import sys; from playbook.cli.commands import main; code = main(sys.argv[1:]); " \
       "print(next(line.split()[1] for line in open('/proc/self/status') if line.startswith('VmHWM:')), " \
       "file=sys.stderr); sys.exit(code)"


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


PHASES = ("parse with positions", "schema validation", "facts", "checks", "reporting")


def phases(checker, files, chunk: int = 250) -> dict[str, float]:
    """The check's work phase by phase over every plan, in seconds: each phase over a chunk of
    plans at a time, the results kept between phases and let go (untimed) after the chunk."""
    times = dict.fromkeys(PHASES, 0.0)
    report = reporters.writer("text", reporters.Context(checker.rules, "zh", "site/", TODAY.isoformat()),
                              io.StringIO())
    for i in range(0, len(files), chunk):
        start = time.perf_counter()
        plans = [(path, load_bytes(read(path), path, [])) for path in files[i:i + chunk]]
        times["parse with positions"] += time.perf_counter() - start
        start = time.perf_counter()
        for path, plan in plans:
            checker.plan_validator.problems(plan, Location(path, 1, 1))
            plan_refs.problems(plan, path)
        times["schema validation"] += time.perf_counter() - start
        start = time.perf_counter()
        views = [(path, plan, list(checker.views(plan, path))) for path, plan in plans]
        times["facts"] += time.perf_counter() - start
        start = time.perf_counter()
        findings = [(path, [f for view in found for f in checker.judge(plan, path, *view)])
                    for path, plan, found in views]
        times["checks"] += time.perf_counter() - start
        start = time.perf_counter()
        for path, found in findings:
            report.add(path, found)
        times["reporting"] += time.perf_counter() - start
        del plans, views, findings
    start = time.perf_counter()
    report.finish([], [])
    times["reporting"] += time.perf_counter() - start
    return times


def peak_mb(paths: list[str], env) -> float:
    result = subprocess.run([sys.executable, "-c", PEAK, "check", *paths, "--today", TODAY.isoformat(),
                             "--jobs", "1", "--format", "json"], capture_output=True, text=True, env=env)
    return int(result.stderr.strip().splitlines()[-1]) / 1024


def starts(commands: dict[str, list[str]], env, runs: int) -> dict[str, float]:
    """The median wall time of each command as a whole process, the commands taking turns."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for name, command in commands.items():  # once first: bytecode written, rule set cached, resident started
        subprocess.run(command, capture_output=True, env=env)
    for _ in range(300):  # until the resident checker has loaded
        sockets = list(Path(env["PLAYBOOK_CACHE_DIR"]).glob("resident-*.sock"))
        if any(resident.answers(path) for path in sockets):
            break
        time.sleep(0.1)
    else:
        sys.exit("the resident checker did not start")
    for _ in range(runs):
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, capture_output=True, env=env)
            times[name].append(time.perf_counter() - start)
    for path in sockets:
        resident.stop(path)
    return {name: statistics.median(t) for name, t in times.items()}


def verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--starts", type=int, default=21, help="runs of the one-plan process")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        small, large = Path(tmp, "small"), Path(tmp, "large")
        small.mkdir()
        large.mkdir()
        generate(small, args.plans // 10, seed=1)
        files = generate(large, args.plans, seed=2)
        size = sum(os.path.getsize(f) for f in files) / len(files)
        # As a hook runs: the rule set cached, the bytecode compiled (here kept out of the tree)
        env = {**os.environ, "PLAYBOOK_CACHE_DIR": str(Path(tmp, "cache")),
               "PYTHONPYCACHEPREFIX": str(Path(tmp, "pyc"))}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        checker = Checker(load_rules(), TODAY)
        jobs = default_jobs(len(files))
        times: dict[str, list[float]] = {}
        for r in range(args.rounds):  # alternate the order, so that neither always runs warm
            order = [lambda: {"parse": parse(files)}, lambda: {"check": check(checker, files, 1)},
                     lambda: phases(checker, files), lambda: {"default": check(checker, files, jobs)}]
            for run in order if r % 2 == 0 else reversed(order):
                for name, seconds in run().items():
                    times.setdefault(name, []).append(seconds)
        memory_small = peak_mb([str(small)], env)
        memory_large = peak_mb([str(large)], env)
        alone = [sys.executable, "-m", "playbook", "check", files[0], "--today", TODAY.isoformat()]
        one = starts({"pass": [sys.executable, "-c", "pass"], "yaml": [sys.executable, "-c", "import yaml"],
                      "alone": alone, "check": [*alone, "--resident"]}, env, args.starts)
    median = {name: statistics.median(t) for name, t in times.items()}
    p, c, d = median["parse"], median["check"], median["default"]
    print(f"plans: {args.plans}, mean size {size / 1024:.1f} KB, rounds: {args.rounds}, cores: {os.cpu_count()}")
    print(f"parse (yaml.load, CSafeLoader), median:   {p:.2f} s")
    print(f"playbook check, one process, median:      {c:.2f} s   ratio {c / p:.2f}  target <= 1.0  "
          f"{verdict(c / p <= 1.0)}")
    print("  where the time goes, each phase on its own over every plan (median, and as a share of parse):")
    for name in PHASES:
        print(f"    {name:<22} {median[name]:6.2f} s  {median[name] / p:5.2f}")
    # Each phase runs over a chunk of plans held in memory, the whole check one plan at a time: the
    # sum can come out above the whole run, so what is left is shown only when there is some.
    rest = c - sum(median[name] for name in PHASES[:-1])
    if rest > 0:
        print(f"    {'the rest of the check':<22} {rest:6.2f} s  {rest / p:5.2f}  (suppressions, sorting, "
              "the portfolio, freeing each plan)")
    else:
        print(f"    (the phases, each timed apart, add up to {c - rest:.2f} s: more than the whole check)")
    print(f"playbook check, default ({jobs} processes):  {d:.2f} s   speed-up over one process {c / d:.2f}x")
    print(f"peak memory, one process: {memory_small:.0f} MB at {args.plans // 10} plans, "
          f"{memory_large:.0f} MB at {args.plans}  target <= 100 MB  {verdict(memory_large <= 100)}")
    print(f"one plan, whole process, median of {args.starts}: {one['check']:.3f} s  target <= 0.1 s  "
          f"{verdict(one['check'] <= 0.1)}")
    print(f"  started the same way: python -c pass {one['pass']:.3f} s (check {one['check'] / one['pass']:.1f}x), "
          f"python -c \"import yaml\" {one['yaml']:.3f} s (check {one['check'] / one['yaml']:.1f}x), "
          f"the check in a process of its own {one['alone']:.3f} s ({one['alone'] / one['check']:.1f}x the resident)")
    return 0 if c / p <= 1.0 and memory_large <= 100 and one["check"] <= 0.1 else 1


if __name__ == "__main__":
    sys.exit(main())
