"""Every check's own examples: each failing plan trips the check, each passing plan does not.

The examples live beside the check in rules/checks.yaml (like sqlfluff's YAML fixtures); they run
through the code of `playbook test`, one pytest case each.
"""

from __future__ import annotations

import re

import pytest

from playbook import ruletest
from playbook.plan_schema import plan_enum_titles
from playbook.ruleset import load_rules

RULES = load_rules()
CASES = ruletest.cases(RULES)
RUNNER = ruletest.Runner(RULES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_check_example(case, tmp_path):
    outcome = RUNNER.run(case, tmp_path)
    if not outcome.passed:
        pytest.fail(outcome.line("en"), pytrace=False)


IDS = set(RULES.index) | set(plan_enum_titles())  # ids and labelled values: a message shows their names
RAW = ("{", "}", "?")  # an unfilled placeholder, or a field the element does not have
# The plan format and the waivers speak of what the author writes: there the id is the word to type.
SYNTAX = {c["id"] for c in RULES.items("checks") if c["scope"] == "builtin"}
SPOKEN = [c for c in CASES if c.verdict == "fail" and c.check not in SYNTAX]


@pytest.mark.parametrize("case", SPOKEN, ids=[c.name for c in SPOKEN])
def test_a_failing_example_reads_in_the_readers_words(case, tmp_path):
    for finding in RUNNER.run(case, tmp_path).fired:
        for lang in ("zh", "en"):
            message = finding.message[lang]
            said = re.sub(r"`[^`]*`", "", message)  # in backquotes: what to write in the plan, as written
            # an English message may use a word that is also an id ("target"); an id with _ is never English
            words = {w for w in re.findall(r"[a-z][a-z0-9_]*", said) if lang == "zh" or "_" in w}
            assert not words & IDS, f"{case.name} ({lang}) shows a bare id: {message}"
            assert not any(mark in message for mark in RAW), f"{case.name} ({lang}) has a placeholder: {message}"
