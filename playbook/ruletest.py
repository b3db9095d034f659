"""``playbook test``: every check's own examples, run as ``playbook check`` runs a plan.

A check carries failing plans it must report and passing plans it must not. A company that
writes or changes a check runs them to see that the check does what it says, as this
repository's tests do for the defaults (tests/test_check_examples.py calls the same code).
An example is a mapping laid over the starter plan, or a whole plan file as text. It is written
to a file and checked by ``check_files``, so that the plan's format, suppressions and the
portfolio apply as they do for a real plan; the owner is fixed, so no local user name shows.
A mapping may hold, beside the plan, ``history: {opportunity id: [versions]}``: what git would
give with ``--history`` (see history), so that a check on history runs without git.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import i18n
from .batch import check_files
from .checker import Checker, Finding
from .problems import Problem, ProblemsError
from .rulecache import cached_rules
from .ruleset import RuleSet
from .starter import starter_plan
from .yamlload import Location, load_file, locate

EXIT_OK, EXIT_FAILED, EXIT_RULE_ERRORS = 0, 1, 2
# A schema problem about a check's examples (the path below the check) -> what to tell the author
MISSING_EXAMPLES = {("examples",): "ruletest_no_examples", ("examples", "fail"): "ruletest_no_failing_example",
                    ("examples", "pass"): "ruletest_no_passing_example"}


@dataclass(frozen=True)
class Case:
    check: str
    verdict: str  # "fail": the check must fire; "pass": it must not
    number: int  # from 1, as the author counts the examples
    text: str  # the plan file
    today: dt.date
    where: Location  # the example in the rule file
    history: dict | None = None  # the opportunities' versions, as --history reads them from git

    @property
    def name(self) -> str:
        return f"{self.check}-{self.verdict}-{self.number}"


@dataclass(frozen=True)
class Outcome:
    case: Case
    findings: list[Finding]

    @property
    def fired(self) -> list[Finding]:
        return [f for f in self.findings if f.check == self.case.check]

    @property
    def passed(self) -> bool:
        return bool(self.fired) == (self.case.verdict == "fail")

    def line(self, lang: str) -> str:
        """What went wrong with this example: one line, where it is written first."""
        case = self.case
        if case.verdict == "fail":
            fired = "; ".join(f"[{f.check}] {f.message[lang]}" for f in self.findings)
            return i18n.text("ruletest_not_fired", lang, where=case.where, check=case.check, number=case.number,
                             fired=fired or i18n.Text("ruletest_nothing_fired"))
        return i18n.text("ruletest_fired", lang, where=case.where, check=case.check, number=case.number,
                         message="; ".join(f.message[lang] for f in self.fired))


def lay_over(base: dict, over: dict) -> dict:
    """``over`` laid on ``base``: mappings merge, anything else is replaced."""
    merged = dict(base)
    for key, value in over.items():
        both = isinstance(value, dict) and isinstance(base.get(key), dict)
        merged[key] = lay_over(base[key], value) if both else value
    return merged


def cases(rules: RuleSet) -> list[Case]:
    """Every example of every check, in the order of the rules."""
    starter = starter_plan(rules, "example", owner="example")
    found = []
    for check in rules.items("checks"):
        examples = check["examples"]
        today = dt.date.fromisoformat(examples["today"])
        for verdict in ("fail", "pass"):
            for i, example in enumerate(examples[verdict]):
                history = example.get("history") if isinstance(example, dict) else None
                if history is not None:  # beside the plan, not in it
                    example = {k: v for k, v in example.items() if k != "history"}
                    history = history if isinstance(history, dict) else {}
                text = example if isinstance(example, str) else \
                    json.dumps(lay_over(starter, example), ensure_ascii=False)
                found.append(Case(check["id"], verdict, i + 1, text, today, locate(check, ["examples", verdict, i]),
                                  history))
    return found


class Runner:
    """Checks examples one plan file at a time, each its own run (the portfolio counts one plan).
    Preparing a checker is what costs, so there is one per examples' date."""

    def __init__(self, rules: RuleSet):
        self.rules = rules
        self.checkers: dict[dt.date, Checker] = {}

    def run(self, case: Case, directory: Path) -> Outcome:
        checker = self.checkers.get(case.today)
        if checker is None:
            checker = self.checkers[case.today] = Checker(self.rules, case.today)
        path = directory / "example.yaml"
        path.write_text(case.text, encoding="utf-8")
        checker.trails = None if case.history is None else {str(path): case.history}
        findings, _ = check_files(checker, [str(path)], jobs=1)
        return Outcome(case, findings)


def run_all(rules: RuleSet) -> list[Outcome]:
    runner = Runner(rules)
    with tempfile.TemporaryDirectory(prefix="playbook-test-") as directory:
        return [runner.run(case, Path(directory)) for case in cases(rules)]


def main(layers: list[Path], lang: str) -> int:
    """The command: a line per example that does not do what it says, then the counts."""
    try:
        rules = cached_rules(layers)
    except ProblemsError as e:
        for problem in e.problems:
            print(_missing_example(problem, lang) or problem.render(lang), file=sys.stderr)
        print(i18n.text("cli_rules_invalid", lang, count=len(e.problems)), file=sys.stderr)
        return EXIT_RULE_ERRORS
    outcomes = run_all(rules)
    failed = [o for o in outcomes if not o.passed]
    for outcome in failed:
        print(outcome.line(lang))
    print(i18n.text("ruletest_summary", lang, checks=len(rules.items("checks")), examples=len(outcomes),
                    passed=len(outcomes) - len(failed), failed=len(failed)))
    return EXIT_FAILED if failed else EXIT_OK


def _missing_example(problem: Problem, lang: str) -> str | None:
    """The rule schema requires a failing and a passing example of every check, so a check
    without them stops the rule set from loading: say so in the author's terms, naming the check."""
    node = problem.node or ()
    if problem.code == "missing_key":
        missing = (*node[2:], problem.params["key"])
    elif problem.code == "bound_minItems":
        missing = node[2:]
    else:
        return None
    code = MISSING_EXAMPLES.get(missing) if node[:1] == ("checks",) else None
    if code is None:
        return None
    return f"{problem.location}: {i18n.text(code, lang, check=_check_at(problem.location))}"


def _check_at(where: Location) -> str:
    """The id of the check written at ``where``: the last one that starts before it."""
    items = load_file(where.file, [])["checks"]
    starts = [(locate(items, [i]), item.get("id")) for i, item in enumerate(items) if isinstance(item, dict)]
    return [i for start, i in starts if (start.line, start.column) <= (where.line, where.column)][-1]
