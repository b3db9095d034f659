"""Checking many plans: in this process, or on every core, as a stream.

Plans are checked a chunk at a time and their findings handed on file by file, in the order of
the files, so a report is written as it goes and memory stays flat however many plans there are.
Workers are forked after the rule set is loaded and the checks compiled, so they start at once and
share that memory; they send back only findings and stage counts. The result does not depend on
the number of workers.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator

from . import portfolio
from .checker import Checker, Finding

PARALLEL_FROM = 64  # fewer plans than this are checked in-process: a pool costs more than it saves
CHUNK = 32

_worker: Checker | None = None  # the checker a forked worker inherits


def _check_chunk(files: list[str]) -> tuple[list[tuple[str, list[Finding]]], Counter]:
    counts: Counter = Counter()
    _worker.observe = lambda plan: counts.update(portfolio.stage_counts(plan))
    return [(path, _worker.check_file(path)) for path in files], counts


def default_jobs(files: int) -> int:
    return (os.cpu_count() or 1) if files >= PARALLEL_FROM else 1


class Run:
    """Iterate for (file, its findings) in file order; then ``portfolio`` holds the stage table and
    ``portfolio_findings`` the warnings about the whole run."""

    def __init__(self, checker: Checker, files: list[str], jobs: int):
        self.checker, self.files, self.jobs = checker, files, jobs
        self.counts: Counter = Counter()
        self.portfolio: list = []
        self.portfolio_findings: list[Finding] = []

    def __iter__(self) -> Iterator[tuple[str, list[Finding]]]:
        global _worker
        _worker = self.checker
        chunks = [self.files[i:i + CHUNK] for i in range(0, len(self.files), CHUNK)]
        if self.jobs <= 1 or len(chunks) <= 1:
            yield from self._collect(map(_check_chunk, chunks))
        else:
            import multiprocessing  # a one-plan run, as a pre-commit hook makes, starts without it

            with multiprocessing.get_context("fork").Pool(self.jobs) as pool:
                yield from self._collect(pool.imap(_check_chunk, chunks))  # imap keeps the order
        rules = self.checker.rules
        self.portfolio = portfolio.figures(rules, self.counts)
        self.portfolio_findings = portfolio.findings(rules, self.checker, self.portfolio)

    def _collect(self, results):
        for checked, seen in results:
            self.counts += seen
            yield from checked


def check_files(checker: Checker, files: list[str], jobs: int) -> tuple[list[Finding], list]:
    """Every finding at once, the portfolio's last, and the portfolio table (for tests and tools)."""
    run = Run(checker, files, jobs)
    findings = [f for _, found in run for f in found]
    return findings + run.portfolio_findings, run.portfolio
