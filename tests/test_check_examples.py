"""Every check's own examples: each failing plan trips the check, each passing plan does not.

The examples live beside the check in rules/checks.yaml (like sqlfluff's YAML fixtures); they run
through the code of `playbook test`, one pytest case each.
"""

from __future__ import annotations

import pytest

from playbook import ruletest
from playbook.ruleset import load_rules

RULES = load_rules()
CASES = ruletest.cases(RULES)
RUNNER = ruletest.Runner(RULES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_check_example(case, tmp_path):
    outcome = RUNNER.run(case, tmp_path)
    if not outcome.passed:
        pytest.fail(outcome.line("en"), pytrace=False)
