"""Every kind of rule-file error, pinned with its exact position and message.

Each case is a YAML fixture in tests/rule_errors/: the company files to lay over the defaults and
the problems expected (``expected``: exact lines; ``expected_match``: regular expressions).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

CASES = sorted((Path(__file__).parent / "rule_errors").glob("*.yaml"))


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_rule_error(case, company):
    spec = yaml.safe_load(case.read_text(encoding="utf-8"))
    result = company(spec["files"])
    assert isinstance(result, list), "the rule set loaded, but the case expects problems"
    if "expected" in spec:
        assert result == spec["expected"]
    else:
        assert len(result) == len(spec["expected_match"]), result
        for line, pattern in zip(result, spec["expected_match"]):
            assert re.match(pattern, line), line
