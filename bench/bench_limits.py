"""Benchmark: the bounds on input (playbook/limits.py) cost nothing on ordinary input, and end
hostile input at once, in little memory.

1. Ordinary plans: N generated plans (bench/plans.py) loaded by Playbook's loader, bounds and all,
   against plain ``yaml.load`` with the C loader, which has none; side by side, alternating which
   goes first; medians. Target: ratio <= 1.0.
2. Hostile files: each checked by ``playbook check`` in a fresh process (wall time, peak memory,
   the message), beside plain PyYAML loading the same file and serialising it as any consumer
   would (``yaml.load`` + ``json.dumps``), capped at 20 s and 2 GB.

    python bench/bench_limits.py [--plans 2000] [--rounds 5]
"""

from __future__ import annotations

import argparse
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

from playbook import limits  # noqa: E402
from playbook.yamlload import load_file  # noqa: E402

CAP_SECONDS, CAP_BYTES = 20, 2 * 2**30
REPORT = "import resource, sys; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)"
OURS = f"""
import sys
from playbook.cli.commands import main
code = main(["check", sys.argv[1], "--today", "2026-11-20", "--lang", "en"])
{REPORT}
sys.exit(code)
"""
PLAIN = f"""
import json, sys, yaml
with open(sys.argv[1], "rb") as f:
    json.dumps(yaml.load(f, Loader=yaml.CSafeLoader))
{REPORT}
"""
PLAN = "account: {id: acme, name: ACME, tier: key_account, owner: Li Lei}\n"


def hostile_files(work: Path) -> dict[str, Path]:
    laughs = "".join(f"  - &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8))
    line = "  - {action: a line of a very long list, repeated until the file is large}\n"
    # each contact a finding; every line a suppression comment, half of which suppress nothing
    contacts = "".join(f"  - {{id: c{i}, name: N, role: buyer}}  # playbook: ignore[{checks[i % 2]}] legacy\n"
                       for checks in [("plan_format", "stage_evidence")] for i in range(55_000))
    texts = {
        "billion laughs (9^9 strings)": PLAN + "next_steps:\n  - &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + laughs,
        "100,000 nested lists": "account: " + "[" * 100_000 + "]" * 100_000 + "\n",
        "a 50 MB plan": PLAN + "next_steps:\n" + line * (50 * 2**20 // len(line)),
        "a 5 MB plan: 55,000 findings, 55,000 suppressions": PLAN + "contacts:\n" + contacts,
    }
    files = {}
    for i, (name, text) in enumerate(texts.items()):
        files[name] = work / f"hostile_{i}.yaml"
        files[name].write_text(text, encoding="utf-8")
    return files


def run_capped(code: str, path: Path) -> str:
    """Run ``code`` on ``path`` in a fresh process: its time, peak memory and first line of output."""
    def cap():
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (CAP_BYTES, CAP_BYTES))

    start = time.perf_counter()
    try:
        result = subprocess.run([sys.executable, "-c", code, path.name], capture_output=True, text=True,
                                timeout=CAP_SECONDS, preexec_fn=cap, cwd=path.parent)
    except subprocess.TimeoutExpired:
        return f"stopped after {CAP_SECONDS} s"
    seconds = time.perf_counter() - start
    if result.returncode < 0:
        return f"crashed (signal {-result.returncode}) after {seconds:.2f} s"
    lines = result.stderr.strip().splitlines()
    if "MemoryError" in result.stderr:
        return f"ran out of memory ({CAP_BYTES // 2**30} GB) after {seconds:.2f} s"
    peak = int(lines[-1]) / 1024 if lines and lines[-1].isdigit() else float("nan")
    said = result.stdout.strip().splitlines()[:1] or ["(no error)"]
    return f"{seconds:.2f} s, {peak:.0f} MB  {said[0][:100]}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    env_note = f"limits: file {limits.FILE_BYTES // 2**20} MB, depth {limits.DEPTH}, " \
               f"alias values {limits.ALIAS_VALUES:,}, plans {limits.PLANS:,}"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        plans = generate(work, args.plans)

        def ours():
            for p in plans:
                load_file(p, [])

        def plain():
            for p in plans:
                with open(p, "rb") as f:
                    yaml.load(f, Loader=yaml.CSafeLoader)

        times = {ours: [], plain: []}
        for r in range(args.rounds):
            for fn in (ours, plain) if r % 2 == 0 else (plain, ours):
                start = time.perf_counter()
                fn()
                times[fn].append(time.perf_counter() - start)
        o, p = statistics.median(times[ours]), statistics.median(times[plain])
        print(env_note)
        print(f"ordinary input: {args.plans} plans of {os.path.getsize(plans[0]) / 1024:.1f} KB, {args.rounds} rounds, medians")
        print(f"  playbook loader, bounded:         {o:.3f} s")
        print(f"  yaml.load (CSafeLoader), unbounded: {p:.3f} s")
        print(f"  ratio {o / p:.2f}  target <= 1.0  {'OK' if o / p <= 1.0 else 'MISSED'}")
        print("hostile input: playbook check  |  plain yaml.load + json.dumps")
        for name, path in hostile_files(work).items():
            print(f"  {name}:\n    playbook: {run_capped(OURS, path)}\n    plain:    {run_capped(PLAIN, path)}")
    return 0 if o / p <= 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
