"""Check account plans against the rules: the plan's format first, then every declared check.

A check (collection ``checks``) applies to each element of its scope (the plan, each opportunity,
each contact, ...). The element, with the facts computed for it under ``facts``, is held against
the check's ``when`` and ``require`` JSON Schemas: when ``when`` holds and ``require`` does not,
the check reports a finding at the element's ``at`` field, in the file and line the user wrote.
Checks of scope ``builtin`` are reported by the tool itself (the plan's format, suppressions);
the rules hold their words, severity and documentation all the same.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from dataclasses import dataclass

from . import facts as facts_module
from . import i18n
from .fastschema import FastSchema
from .plan_schema import is_private, plan_schema
from .problems import Problem
from .ruleset import RuleSet
from .yamlload import Location, Mapping, YamlError, load_bytes, locate, read

SEVERITIES = ("info", "warning", "error")  # in rising order
BUILTIN = "builtin"
FORMAT_CHECK = "plan_format"
NO_REASON_CHECK = "suppression_without_reason"
UNUSED_CHECK = "unused_suppression"
# `# playbook: ignore[check_a, check_b] reason`: at the end of a line, or alone on the line above
SUPPRESSION = re.compile(r"(?:^|\s)#\s*playbook:\s*ignore\[([^\]]*)\]\s*(.*)$")


@dataclass(frozen=True)
class Finding:
    location: Location
    severity: str
    check: str
    message: dict  # {"zh": ..., "en": ...}
    key: str  # what the finding is about, without line numbers: the baseline's fingerprint

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


def stable_path(plan: dict, path: tuple) -> str:
    """A path that survives edits: list items named by their id where they have one."""
    parts, node = [], plan
    for step in path:
        node = node[step]
        parts.append(f"[{node['id']}]" if isinstance(step, int) and isinstance(node, dict) and "id" in node
                     else f"[{step}]" if isinstance(step, int) else f".{step}")
    return "".join(parts)


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

    def __init__(self, rules: RuleSet, today: dt.date, severity: dict | None = None, disable=(), observe=None):
        self.rules, self.today = rules, today
        self.observe = observe  # called with each well-formed plan (the portfolio counts stages)
        self.plan_validator = FastSchema(plan_schema(rules))
        self.severity = {c["id"]: (severity or {}).get(c["id"], c["severity"]) for c in rules.items("checks")}
        self.messages = {c["id"]: c["message"] for c in rules.items("checks")}
        self.enabled = {c["id"] for c in rules.items("checks")} - set(disable)
        self.checks: dict[str, list[_Check]] = {}
        for check in rules.items("checks"):
            if check["scope"] == BUILTIN or check["id"] not in self.enabled:
                continue
            when = check.get("when")
            self.checks.setdefault(check["scope"], []).append(_Check(
                check["id"], self.severity[check["id"]], FastSchema(when) if when else None,
                FastSchema(check["require"]), check.get("at"), check["message"]))
        # All the checks of a scope as one schema: one call tells whether an element passes them all.
        self.all_pass = {scope: FastSchema({"allOf": [
            {"if": c.when.schema, "then": c.require.schema} if c.when else c.require.schema for c in checks]})
            for scope, checks in self.checks.items()}
        self.facts: dict[str, list[dict]] = {}
        for fact in rules.items("facts"):
            self.facts.setdefault(fact["scope"], []).append(fact)

    def check_file(self, path: str) -> list[Finding]:
        """Every finding of one plan file, suppressions applied."""
        return self.check_path(path)[1]

    def check_path(self, path: str) -> tuple[object, list[Finding]]:
        """The plan, when it is well-formed (None otherwise: nothing downstream reads a plan of the
        wrong shape), and its findings."""
        problems: list[Problem] = []
        try:
            raw = read(path)
            plan = load_bytes(raw, path, problems)
        except YamlError as e:
            return None, self._keep([self._format_finding(e.problem)])
        private = self.plan_validator.private
        found = [self._format_finding(p.hidden() if is_private(p.node, private) else p) for p in problems]
        well_formed = False
        if not isinstance(plan, Mapping):
            found.append(self._format_finding(Problem(Location(path, 1, 1), "plan_not_mapping")))
        else:
            well_formed, checked = self._check_data(plan, path)
            said = {f.location for f in found}  # a value YAML could not read is not reported twice
            found += [f for f in checked if f.check != FORMAT_CHECK or f.location not in said]
        findings = sorted(self._suppress(self._keep(found), raw, path), key=Finding.sort_key)
        return (plan if well_formed else None), findings

    def check_data(self, plan: dict, path: str) -> list[Finding]:
        """The plan's format problems, or, when it has none, the findings of every check."""
        return self._check_data(plan, path)[1]

    def _check_data(self, plan: dict, path: str) -> tuple[bool, list[Finding]]:
        schema_problems = self.plan_validator.problems(plan, Location(path, 1, 1))
        if schema_problems:  # the checks can only read a plan of the right shape
            return False, [self._format_finding(p) for p in schema_problems]
        if self.observe is not None:
            self.observe(plan)
        return True, self.check_plan(plan, path)

    def check_plan(self, plan: dict, path: str) -> list[Finding]:
        found = []
        for scope, checks in self.checks.items():
            for where, element in elements(plan, scope):
                ctx = facts_module.Context(self.rules, plan, element, self.today)
                view = dict(element)
                view["facts"] = facts_module.compute(ctx, self.facts.get(scope, []))
                if self.all_pass[scope].is_valid(view):
                    continue
                for check in checks:
                    if check.when is not None and not check.when.is_valid(view):
                        continue
                    if check.require.is_valid(view):
                        continue
                    at = (*where, *check.at.split(".")) if check.at else where
                    location = locate(plan, at) or locate(plan, where) or Location(path, 1, 1)
                    message = {lang: i18n.one_line(FORMATTER.vformat(text, (), view))
                               for lang, text in check.message.items()}
                    key = f"{stable_path(plan, where)}.{check.at or ''}"
                    found.append(Finding(location, check.severity, check.id, message, key))
        return found

    def _builtin(self, check: str, location: Location, message: dict, key: str) -> Finding:
        return Finding(location, self.severity.get(check, "error"), check, message, key)

    def builtin(self, check: str, location: Location, params: dict, key: str) -> Finding:
        """A finding of a built-in check, its message from the rules filled with ``params``."""
        return self._builtin(check, location, self._message(check, **params), key)

    def _format_finding(self, problem: Problem) -> Finding:
        params = ",".join(f"{k}={v}" for k, v in sorted(problem.params.items()) if k != "first")
        return self._builtin(FORMAT_CHECK, problem.location,
                             {"zh": problem.message("zh"), "en": problem.message("en")}, f"{problem.code}:{params}")

    def _keep(self, findings: list[Finding]) -> list[Finding]:
        return [f for f in findings if f.check in self.enabled or f.check not in self.severity]

    def _suppress(self, findings: list[Finding], raw: bytes, path: str) -> list[Finding]:
        """Drop the findings a `# playbook: ignore[...]` comment covers; report bare and idle ones."""
        if b"playbook:" not in raw:  # nearly every plan: nothing to look for
            return findings
        suppressions = []  # (line it covers, location of the comment, ids, reason)
        lines = raw.decode("utf-8", errors="replace").splitlines()
        for number, line in enumerate(lines, 1):
            match = SUPPRESSION.search(line)
            if match is None:
                continue
            alone = line[: match.start()].strip() == ""
            ids = [i.strip() for i in match.group(1).split(",") if i.strip()]
            where = Location(path, number, match.start() + 1 + (line[match.start()] != "#"))
            suppressions.append((number + 1 if alone else number, where, ids, match.group(2).strip()))
        if not suppressions:
            return findings
        covering: dict[tuple[int, str], int] = {}  # (line, check) -> the first suppression that covers it
        for i, (covers, _, ids, _) in enumerate(suppressions):
            for check in ids:
                covering.setdefault((covers, check), i)
        used, kept = set(), []
        for f in findings:
            hit = covering.get((f.location.line, f.check))
            if hit is None:
                kept.append(f)
            else:
                used.add(hit)
        for i, (covers, where, ids, reason) in enumerate(suppressions):
            text = ", ".join(ids)
            if not reason and NO_REASON_CHECK in self.enabled:
                kept.append(self.builtin(NO_REASON_CHECK, where, {"ids": text}, f"no_reason:{text}"))
            if i not in used and UNUSED_CHECK in self.enabled:
                kept.append(self.builtin(UNUSED_CHECK, where, {"ids": text}, f"unused:{text}"))
        return kept

    def _message(self, check: str, **params) -> dict:
        return {lang: i18n.one_line(FORMATTER.vformat(text, (), params)) for lang, text in self.messages[check].items()}


def at_or_above(severity: str) -> tuple[str, ...]:
    """The severities at or above ``severity`` (those that fail a run with ``--fail-on``)."""
    return SEVERITIES[SEVERITIES.index(severity):]
