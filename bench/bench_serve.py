"""Benchmark: the live preview after an edit to one plan among N, against a full rebuild.

Side by side in one run, on N generated accounts:
  full rebuild   `playbook build` of everything, both languages (what `playbook serve` did on
                 every change before the preview's workers)
  page written   from saving one plan until its own page is rewritten in both languages by the
                 preview's workers (generator/preview.py), the ones `playbook serve` runs: the
                 page the salesperson is looking at
  all written    until every page the edit changed (accounts index, dashboards, owners' pages,
                 search index) is rewritten too
Each edit renames one plan's account (a different plan each time). The site the edits leave must
be byte for byte the one a fresh full build of the same input writes: checked at the end.
Target: page written <= 2 s (median). `playbook serve` adds the time MkDocs' watcher takes to
notice the saving (it looks every half second, then waits a tenth of a second for it to settle).

    python bench/bench_serve.py [--accounts 3000] [--edits 5]
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
import warnings
from pathlib import Path

warnings.filterwarnings("ignore", "pkg_resources is deprecated", UserWarning)  # from jieba
sys.path.insert(0, str(Path(__file__).parent))
from plans import generate  # noqa: E402

from generator import preview  # noqa: E402

TODAY = dt.date(2026, 11, 20).isoformat()
TARGET = 2.0  # seconds, median, until the edited plan's page is written
ENV = {"NO_MKDOCS_2_WARNING": "1", "PYTHONWARNINGS": "ignore::UserWarning", "PLAYBOOK_TODAY": TODAY}


def full_build(work: Path, site: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "playbook", "build", "--today", TODAY, "--site-dir", str(site)],
                            cwd=work, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    return time.perf_counter() - start


def edit(plan: Path, k: int) -> None:
    """Rename the plan's account, as a salesperson correcting it would."""
    text = plan.read_text(encoding="utf-8")
    name = next(line for line in text.splitlines() if line.startswith("  name: "))
    plan.write_text(text.replace(name, f"{name}（修订{k}）", 1), encoding="utf-8")


def timed_edit(workers: list[preview.Worker], plan: Path, k: int) -> tuple[float, float]:
    """Seconds until the plan's page is written in every language, and until every page is."""
    start = time.perf_counter()
    edit(plan, k)
    for worker in workers:
        worker.send([str(plan)])
    for worker in workers:
        worker.expect("page")
    page = time.perf_counter() - start
    for worker in workers:
        worker.expect("done")
    return page, time.perf_counter() - start


def differences(site: Path, other: Path) -> list[str]:
    files = {p.relative_to(d).as_posix() for d in (site, other) for p in d.rglob("*") if p.is_file()}
    return sorted(f for f in files if not ((site / f).is_file() and (other / f).is_file()
                                           and (site / f).read_bytes() == (other / f).read_bytes()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=3000)
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args()
    os.environ.update(ENV)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "accounts").mkdir()
        plans = [Path(p) for p in generate(work / "accounts", args.accounts)]
        (work / "playbook.yaml").write_text(f"plans: ['{work / 'accounts'}']\n", encoding="utf-8")
        site = work / "site"
        fulls = [full_build(work, site)]
        os.chdir(work)
        workers = [preview.Worker(lang, site / folder, TODAY) for lang, folder in preview.LANGUAGES.items()]
        try:
            start = time.perf_counter()
            timed_edit(workers, plans[0], 0)  # the first waits for the workers to load
            ready = time.perf_counter() - start
            step = max(1, len(plans) // (args.edits + 1))
            times = [timed_edit(workers, plans[step * (k + 1) % len(plans)], k + 1) for k in range(args.edits)]
        finally:
            for worker in workers:
                worker.stop()
        fresh = work / "fresh"
        fulls.append(full_build(work, fresh))
        different = differences(site, fresh)
    full = statistics.median(fulls)
    page = statistics.median(t for t, _ in times)
    done = statistics.median(t for _, t in times)
    print(f"accounts: {args.accounts}, edits: {args.edits} (each to another plan)")
    print(f"full rebuild (playbook build, zh + en), median of {len(fulls)}: {full:.1f} s")
    print(f"workers loaded, and the first edit written:            {ready:.1f} s (once, after each full build)")
    print(f"edited plan's page written (zh + en), median:          {page:.2f} s   ({full / page:.0f}x faster)")
    print(f"every page the edit changed written, median:           {done:.2f} s   ({full / done:.1f}x faster)")
    identical = "yes" if not different else "NO: " + ", ".join(different[:5])
    print(f"byte-identical to a full build of the same input: {identical}")
    ok = page <= TARGET and not different
    print(f"target: page written <= {TARGET:.0f} s (median), identical  {'OK' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
