"""Bounds on what Playbook reads (and on how long it stays), so that a hostile or broken file ends quickly in a clear error
and bounded memory. Each sits far above what a real plan or rule file needs (a plan is a few KB
and five levels deep; the largest rule file is 65 KB); bench/bench_limits.py shows they cost
nothing on ordinary input. The README lists them."""

FILE_BYTES = 5 * 2**20  # the largest file read, plan, rule file or configuration
DEPTH = 64  # how deeply collections may nest
ALIAS_VALUES = 10_000  # how many values aliases may add to one file ("billion laughs")
PLANS = 100_000  # how many plans one run checks
BASELINE_BYTES = 256 * 2**20  # the largest baseline read (100,000 plans with a few accepted findings each)
RESIDENT_IDLE = 15 * 60  # seconds a resident checker (check --resident) waits for a run before it exits
