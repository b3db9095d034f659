"""Checking many plans: in this process, or on every core.

Workers are forked after the rule set is loaded and the checks compiled, so they start at once
and share that memory; each takes plans a chunk at a time and sends back only findings and stage
counts, so memory stays flat however many plans there are. Findings are sorted at the end: the
result does not depend on the number of workers or the order of files.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter

from . import portfolio
from .checker import Checker, Finding

PARALLEL_FROM = 64  # fewer plans than this are checked in-process: a pool costs more than it saves
CHUNK = 32

_worker: Checker | None = None  # the checker a forked worker inherits


def _check_chunk(files: list[str]) -> tuple[list[Finding], Counter]:
    counts: Counter = Counter()
    _worker.observe = lambda plan: counts.update(portfolio.stage_counts(plan))
    findings = [f for path in files for f in _worker.check_file(path)]
    return findings, counts


def default_jobs(files: int) -> int:
    return (os.cpu_count() or 1) if files >= PARALLEL_FROM else 1


def check_files(checker: Checker, files: list[str], jobs: int) -> tuple[list[Finding], list]:
    """Every finding of ``files``, the portfolio's included (sorted), and the portfolio table."""
    global _worker
    _worker = checker
    chunks = [files[i:i + CHUNK] for i in range(0, len(files), CHUNK)]
    findings: list[Finding] = []
    counts: Counter = Counter()
    if jobs <= 1 or len(chunks) <= 1:
        results = map(_check_chunk, chunks)
        for found, seen in results:
            findings += found
            counts += seen
    else:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for found, seen in pool.imap_unordered(_check_chunk, chunks):
                findings += found
                counts += seen
    table = portfolio.figures(checker.rules, counts)
    findings += portfolio.findings(checker.rules, checker, table)
    findings.sort(key=Finding.sort_key)
    return findings, table
