"""A baseline: the findings a team has accepted, so that only new ones gate a change.

Findings are matched by fingerprint (the file, the check and what it is about, with list items
named by their ids), never by line number, so editing a plan elsewhere does not wake old ones.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter

from .checker import Finding
from .problems import Problem, ProblemsError
from .yamlload import Location

VERSION = 1


def fingerprint(finding: Finding) -> str:
    text = f"{finding.location.file}\0{finding.check}\0{finding.key}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def write(path: str, findings: list[Finding]) -> None:
    entries = sorted(({"fingerprint": fingerprint(f), "file": f.location.file, "check": f.check,
                       "message": f.message["en"]} for f in findings),
                     key=lambda e: (e["file"], e["check"], e["fingerprint"]))
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"version": VERSION, "findings": entries}, f, ensure_ascii=False, indent=2)
        f.write("\n")


def read(path: str) -> Counter:
    """How many times each fingerprint is accepted."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        return Counter(e["fingerprint"] for e in data["findings"])
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ProblemsError([Problem(Location(path, 1, 1), "bad_baseline", detail=str(e))]) from None


class Gate:
    """Lets through the findings not in the baseline (all of them, without one), counting the rest."""

    def __init__(self, accepted: Counter | None):
        self.left = Counter(accepted or ())
        self.baselined = 0

    def new_only(self, findings: list[Finding]) -> list[Finding]:
        if not self.left:
            return findings
        fresh = []
        for f in findings:
            fp = fingerprint(f)
            if self.left[fp] > 0:
                self.left[fp] -= 1
                self.baselined += 1
            else:
                fresh.append(f)
        return fresh
