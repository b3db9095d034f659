"""A baseline: the findings a team has accepted, so that only new ones gate a change.

Findings are matched by fingerprint (the file, the check and what it is about, with list items
named by their ids), never by line number, so editing a plan elsewhere does not wake old ones.
An entry may carry ``until`` (YYYY-MM-DD): after that day it no longer accepts its finding, as a
waiver in a plan expires. An update keeps each entry's date and never renews one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections import Counter, defaultdict
from pathlib import Path

from . import limits
from .checker import Finding
from .i18n import one_line
from .problems import Problem, ProblemsError
from .waivers import read_date
from .yamlload import Location, YamlError
from .yamlload import read as read_file

VERSION = 1


def fingerprint(finding: Finding) -> str:
    text = f"{finding.location.file}\0{finding.check}\0{finding.key}"
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:24]  # a file name in any bytes


def write(path: str, findings: list[Finding], until: dt.date | None = None, previous=()) -> None:
    """Write the baseline whole or not at all (a new file moved into place); OSError if it cannot be.
    A finding already accepted in ``previous`` (the entries read) keeps that entry's date, so an update
    never renews one; a new one gets ``until``."""
    dates = defaultdict(list)
    for fp, date in previous:
        dates[fp].append(date)
    entries = []
    for f in findings:
        fp = fingerprint(f)
        date = dates[fp].pop() if dates[fp] else until
        entry = {"fingerprint": fp, "file": one_line(f.location.file), "check": f.check, "message": f.message["en"]}
        entries.append({**entry, "until": date.isoformat()} if date else entry)
    entries.sort(key=lambda e: (e["file"], e["check"], e["fingerprint"]))
    target = Path(path)
    import tempfile  # for writing only

    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}-", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"version": VERSION, "findings": entries}, f, ensure_ascii=False, indent=2)
            f.write("\n")
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def read(path: str) -> list[tuple[str, dt.date | None]]:
    """Each entry's fingerprint and the last day it applies (None: no end). ProblemsError when the
    file is missing, cannot be read, or is not a baseline."""
    where = Location(path, 1, 1)
    if not os.path.lexists(path):
        raise ProblemsError([Problem(where, "baseline_missing", path=path)])
    try:
        raw = read_file(path, limits.BASELINE_BYTES)
    except YamlError as e:
        raise ProblemsError([e.problem]) from None
    if len(raw) > limits.BASELINE_BYTES:
        raise ProblemsError([Problem(where, "file_too_large", limit=f"{limits.BASELINE_BYTES // 2**20} MB")])
    try:
        data = json.loads(raw)
    except ValueError as e:  # not JSON, or not UTF-8
        line, column = getattr(e, "lineno", 1), getattr(e, "colno", 1)
        raise ProblemsError([Problem(Location(path, line, column), "baseline_not_json", detail=getattr(e, "msg", str(e)))]) from None
    entries = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not all(isinstance(e, dict) and isinstance(e.get("fingerprint"), str)
                                                 for e in entries):
        raise ProblemsError([Problem(where, "baseline_wrong_shape")])
    accepted = []
    for e in entries:
        until = e.get("until")
        date = read_date(until) if isinstance(until, str) else None
        if until is not None and date is None:
            raise ProblemsError([Problem(where, "baseline_bad_until", check=e.get("check"), file=e.get("file"),
                                         value=until)])
        accepted.append((e["fingerprint"], date))
    return accepted


class Gate:
    """Lets through the findings not in the baseline (all of them, without one), counting the rest;
    a finding whose entry has expired is let through and counted in ``expired``. ``stale`` then
    counts the entries whose finding was not found again (fixed since)."""

    def __init__(self, accepted: list[tuple[str, dt.date | None]] | None, today: dt.date):
        self.left = Counter(fp for fp, until in accepted or () if until is None or until >= today)
        self.lapsed = Counter(fp for fp, until in accepted or () if until is not None and until < today)
        self.baselined = self.expired = 0

    @property
    def stale(self) -> int:
        return sum(self.left.values()) + sum(self.lapsed.values())

    def new_only(self, findings: list[Finding]) -> list[Finding]:
        if not (self.left or self.lapsed):
            return findings
        fresh = []
        for f in findings:
            fp = fingerprint(f)
            if self.left[fp] > 0:
                self.left[fp] -= 1
                self.baselined += 1
                continue
            if self.lapsed[fp] > 0:
                self.lapsed[fp] -= 1
                self.expired += 1
            fresh.append(f)
        return fresh
