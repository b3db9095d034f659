"""Acceptance on realistic plans, the way a sales manager will judge the checker.

The plans in tests/realistic/ are written by hand like real account plans (Chinese, different
industries, the slips a busy salesperson makes), not cut down to trip one check each. A careless
plan marks each line where a finding must be reported with a trailing ``# expect: CHECK_ID`` (several
ids comma-separated); the set of (line, check) the checker reports must be exactly that set, so a
mistake missed, a mistake reported at another line and a finding on a correct line all fail. A clean
plan is rich and has no ``# expect:`` at all: it must give no finding. Today is 2026-11-20.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from playbook.checker import Checker
from playbook.ruleset import load_rules

HERE = Path(__file__).resolve().parent / "realistic"
PLANS = sorted(HERE.glob("careless/*.yaml")) + sorted(HERE.glob("clean/*.yaml"))
TODAY = dt.date(2026, 11, 20)
EXPECT = re.compile(r"#\s*expect:\s*(?P<ids>.*?)\s*$")

RULES = load_rules()
CHECKER = Checker(RULES, TODAY)
CHECK_IDS = {c["id"] for c in RULES.items("checks")}


def expected(path: Path) -> set[tuple[int, str]]:
    """The (line, check id) pairs the plan's ``# expect:`` comments declare."""
    found = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = EXPECT.search(line)
        if match:
            found |= {(number, check.strip()) for check in match["ids"].split(",") if check.strip()}
    return found


@pytest.mark.parametrize("path", PLANS, ids=[f"{p.parent.name}/{p.name}" for p in PLANS])
def test_findings_are_exactly_the_marked_mistakes(path):
    want = expected(path)
    unknown = sorted(check for _, check in want if check not in CHECK_IDS)
    assert not unknown, f"{path.name}: `# expect:` names checks the rules do not have: {unknown}"
    if path.parent.name == "careless":
        assert want, f"{path.name}: a careless plan marks its mistakes with `# expect: CHECK_ID`"
    else:
        assert not want, f"{path.name}: a clean plan expects no finding"

    findings = CHECKER.check_file(str(path))
    got = {(f.location.line, f.check) for f in findings}
    if got == want:
        return
    text = path.read_text(encoding="utf-8").splitlines()
    said = {(f.location.line, f.check): f"{f.location.column}: {f.message['en']}" for f in findings}
    missing = [f"  line {n} {check}: {text[n - 1].strip()}" for n, check in sorted(want - got)]
    extra = [f"  line {n}:{said[n, check]} [{check}]" for n, check in sorted(got - want)]
    pytest.fail("\n".join([f"{path.relative_to(HERE)}: findings differ from the `# expect:` marks",
                           f"missing ({len(missing)}):", *missing, f"extra ({len(extra)}):", *extra]),
                pytrace=False)
