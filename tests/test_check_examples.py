"""Every check's own examples: each failing plan trips the check, each passing plan does not.

The examples live beside the check in rules/checks.yaml (like sqlfluff's YAML fixtures), laid over
the starter plan that ``playbook new`` writes.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from playbook.batch import check_files
from playbook.checker import Checker
from playbook.ruleset import load_rules
from playbook.starter import starter_plan

RULES = load_rules()
CASES = [(check["id"], verdict, i, example, check["examples"]["today"])
         for check in RULES.items("checks")
         for verdict in ("fail", "pass")
         for i, example in enumerate(check["examples"][verdict])]


def lay_over(base: dict, over: dict) -> dict:
    """``over`` laid on ``base``: mappings merge, anything else is replaced."""
    merged = dict(base)
    for key, value in over.items():
        merged[key] = lay_over(base[key], value) if isinstance(value, dict) and isinstance(base.get(key), dict) else value
    return merged


@pytest.mark.parametrize("check,verdict,index,example,today", CASES,
                         ids=[f"{c}-{v}-{i}" for c, v, i, _, _ in CASES])
def test_check_example(check, verdict, index, example, today, tmp_path):
    """The example goes through the same run as `playbook check`: file, checks, suppressions, portfolio."""
    if not isinstance(example, str):  # a mapping: laid over the starter plan
        example = json.dumps(lay_over(starter_plan(RULES, "example", owner="example"), example), ensure_ascii=False)
    (tmp_path / "example.yaml").write_text(example, encoding="utf-8")
    findings, _ = check_files(Checker(RULES, dt.date.fromisoformat(today)), [str(tmp_path / "example.yaml")], jobs=1)
    tripped = [f for f in findings if f.check == check]
    if verdict == "fail":
        assert tripped, f"{check} did not fire; findings: {[(f.check, f.message['en']) for f in findings]}"
    else:
        assert not tripped, [f.message["en"] for f in tripped]


def test_every_check_has_examples_both_ways():
    for check in RULES.items("checks"):
        assert check["examples"]["fail"] and check["examples"]["pass"], check["id"]
