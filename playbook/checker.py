"""Check account plans against the rules: the plan's format first, then every declared check.

A check (collection ``checks``) applies to each element of its scope (the plan, each opportunity,
each contact, ...). The element, with the facts computed for it under ``facts``, is held against
the check's ``when`` and ``require`` JSON Schemas: when ``when`` holds and ``require`` does not,
the check reports a finding at the element's ``at`` field, in the file and line the user wrote.
"""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass

from jsonschema import Draft202012Validator

from . import facts as facts_module
from . import schema_check
from .plan_schema import plan_schema
from .problems import Problem
from .ruleset import RuleSet
from .yamlload import Location, Mapping, YamlError, load_file, locate

SEVERITIES = ("info", "warning", "error")  # in rising order
FORMAT_CHECK = "plan_format"  # the check whose findings are the plan's format problems


@dataclass(frozen=True)
class Finding:
    location: Location
    severity: str
    check: str
    message: dict  # {"zh": ..., "en": ...}

    def sort_key(self):
        loc = self.location
        return (loc.file, loc.line, loc.column, self.check)


@dataclass(frozen=True)
class _Check:
    id: str
    severity: str
    when: object  # a validator, or None
    require: object
    at: str | None
    message: dict


def elements(plan: dict, scope: str):
    """(path, element) for every element a scope names: ``plan`` or ``a[*].b[*]``."""
    if scope == "plan":
        yield (), plan
        return
    frontier = [((), plan)]
    for step in scope.split("."):
        key = step.removesuffix("[*]")
        frontier = [((*path, key, i), item)
                    for path, parent in frontier if isinstance(parent, dict)
                    for i, item in enumerate(parent.get(key) or []) if isinstance(item, dict)]
    yield from frontier


class _Formatter(string.Formatter):
    """Fills a message from the element and its facts; lists read as text, absent values as '?'."""

    def get_field(self, field_name, args, kwargs):
        try:
            return super().get_field(field_name, args, kwargs)
        except (KeyError, IndexError, TypeError, AttributeError):
            return None, field_name

    def get_value(self, key, args, kwargs):
        return kwargs.get(key)

    def format_field(self, value, spec):
        if value is None:
            return "?"
        if isinstance(value, list):
            value = ", ".join(map(str, value)) or "—"
        return super().format_field(value, spec)


FORMATTER = _Formatter()


class Checker:
    """Everything that can be prepared once per rule set; then ``check_file`` per plan."""

    def __init__(self, rules: RuleSet, today: dt.date):
        self.rules, self.today = rules, today
        self.plan_validator = Draft202012Validator(plan_schema(rules))
        self.checks: dict[str, list[_Check]] = {}
        for check in rules.items("checks"):
            when = check.get("when")
            self.checks.setdefault(check["scope"], []).append(_Check(
                check["id"], check["severity"], Draft202012Validator(when) if when else None,
                Draft202012Validator(check["require"]), check.get("at"), check["message"]))
        self.facts: dict[str, list[dict]] = {}
        for fact in rules.items("facts"):
            self.facts.setdefault(fact["scope"], []).append(fact)

    def check_file(self, path: str) -> list[Finding]:
        problems: list[Problem] = []
        try:
            plan = load_file(path, problems)
        except YamlError as e:
            return [self._format_finding(e.problem)]
        found = [self._format_finding(p) for p in problems]
        if not isinstance(plan, Mapping):
            return found + [self._format_finding(Problem(Location(path, 1, 1), "plan_not_mapping"))]
        return sorted(found + self.check_data(plan, path), key=Finding.sort_key)

    def check_data(self, plan: dict, path: str) -> list[Finding]:
        """The plan's format problems, or, when it has none, the findings of every check."""
        schema_problems = schema_check.problems(self.plan_validator, plan, Location(path, 1, 1))
        if schema_problems:  # the checks can only read a plan of the right shape
            return [self._format_finding(p) for p in schema_problems]
        return self.check_plan(plan, path)

    def check_plan(self, plan: dict, path: str) -> list[Finding]:
        found = []
        for scope, checks in self.checks.items():
            for where, element in elements(plan, scope):
                ctx = facts_module.Context(self.rules, plan, element, self.today)
                view = dict(element)
                view["facts"] = facts_module.compute(ctx, self.facts.get(scope, []))
                for check in checks:
                    if check.when is not None and not check.when.is_valid(view):
                        continue
                    if check.require.is_valid(view):
                        continue
                    at = (*where, *check.at.split(".")) if check.at else where
                    location = locate(plan, at) or locate(plan, where) or Location(path, 1, 1)
                    message = {lang: FORMATTER.vformat(text, (), view) for lang, text in check.message.items()}
                    found.append(Finding(location, check.severity, check.id, message))
        return found

    def _format_finding(self, problem: Problem) -> Finding:
        return Finding(problem.location, "error", FORMAT_CHECK,
                       {"zh": problem.message("zh"), "en": problem.message("en")})


def fails(findings: list[Finding], fail_on: str) -> bool:
    """Whether any finding is at or above the ``fail_on`` severity."""
    floor = SEVERITIES.index(fail_on)
    return any(SEVERITIES.index(f.severity) >= floor for f in findings)
