"""Check account plans against the rules: the plan's format first, then every declared check.

A check (collection ``checks``) applies to each element of its scope (the plan, each opportunity,
each contact, ...). The element, with the facts computed for it under ``facts``, is held against
the check's ``when`` and ``require`` JSON Schemas: when ``when`` holds and ``require`` does not,
the check reports a finding at the element's ``at`` field, in the file and line the user wrote.
Checks of scope ``builtin`` are reported by the tool itself (the plan's format, suppressions);
the rules hold their words, severity and documentation all the same.
With the plans' history (``--history``), each opportunity also has its history facts under
``history``, beside its fields (see history).
"""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass
from functools import cache

from . import facts as facts_module
from . import i18n, plan_refs
from .fastschema import FastSchema
from .plan_schema import is_private, plan_enum_titles
from .problems import Problem
from .ruleset import RuleSet
from .yamlload import Location, Mapping, YamlError, load_bytes, locate, read

SEVERITIES = ("info", "warning", "error")  # in rising order
BUILTIN = "builtin"
FORMAT_CHECK = "plan_format"
NO_REASON_CHECK = "suppression_without_reason"
UNUSED_CHECK = "unused_suppression"
EXPIRED_CHECK = "waiver_expired"
NO_APPROVER_CHECK = "waiver_without_approver"
MALFORMED_CHECK = "waiver_malformed"


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
    """(path, element) for every element a scope names: ``plan``, ``a[*].b[*]`` or ``a[*].m.b[*]``
    (``m`` a mapping on the way). ``[*]`` of a mapping is each of its values (the evidence by mark)."""
    if scope == "plan":
        yield (), plan
        return
    frontier = [((), plan)]
    for key, each in _steps(scope):
        if not each:
            frontier = [((*path, key), parent[key]) for path, parent in frontier
                        if isinstance(parent, dict) and isinstance(parent.get(key), dict)]
            continue
        frontier = [((*path, key, i), item)
                    for path, parent in frontier if isinstance(parent, dict)
                    for i, item in _members(parent.get(key)) if isinstance(item, dict)]
    yield from frontier


@cache
def _steps(scope: str) -> tuple[tuple[str, bool], ...]:
    """``a[*].m`` as (("a", True), ("m", False)): each key, and whether it is taken item by item."""
    return tuple((step.removesuffix("[*]"), step.endswith("[*]")) for step in scope.split("."))


def _members(value):
    """(index or key, item) of a list or a mapping."""
    if isinstance(value, dict):
        return value.items()
    return enumerate(value) if isinstance(value, list) else ()


def stable_path(plan: dict, path: tuple) -> str:
    """A path that survives edits: list items named by their id where they have one."""
    parts, node = [], plan
    for step in path:
        node = node[step]
        parts.append(f"[{node['id']}]" if isinstance(step, int) and isinstance(node, dict) and "id" in node
                     else f"[{step}]" if isinstance(step, int) else f".{step}")
    return "".join(parts)


class _Formatter(string.Formatter):
    """Fills a message in one language from the element and its facts, in the reader's words: an id
    of the rules as its name (可行商机, not feasible; ``{x:written}`` keeps what the author typed), a
    number with thousands separators, a list as text, an absent value as '?'."""

    def __init__(self, names: dict[str, str] | None = None, separator: str = ", "):
        self.names, self.separator = names or {}, separator

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
        if spec == "written":  # what the author typed (a waiver's check ids): shown as written
            return str(value)
        if isinstance(value, list):  # a list of lists: each inner list is one phrase, its words apart
            return self.separator.join(" ".join(self.format_field(w, "") for w in v) if isinstance(v, list)
                                       else self.format_field(v, "") for v in value) or "—"
        if isinstance(value, str):
            value = self.names.get(value, value)
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and not spec:
            return f"{value:,}"
        return super().format_field(value, spec)


def formatters(rules: RuleSet) -> dict[str, _Formatter]:
    """A formatter per language that names every item of the rules and every value of the plan
    format that has a label (a status, a stance)."""
    labels = plan_enum_titles()
    return {lang: _Formatter({**{value: title[lang] for value, title in labels.items()},
                              **{i: item["name"][lang] for items in rules.collections.values() for i, item in items.items()}},
                             i18n.text("site_list_separator", lang))
            for lang in i18n.LANGS}


class Checker:
    """Everything that can be prepared once per rule set; then ``check_file`` per plan."""

    def __init__(self, rules: RuleSet, today: dt.date, severity: dict | None = None, disable=(), observe=None,
                 trails: dict | None = None, calendar_lower: bool = False):
        self.rules, self.today = rules, today
        self.observe = observe  # called with each well-formed plan (the portfolio counts stages)
        self.trails = trails  # --history: {file: {opportunity id: its versions}} (see history); None: no history
        self.plan_validator = FastSchema(rules.plan_schema)
        self.severity = {c["id"]: (severity or {}).get(c["id"], c["severity"]) for c in rules.items("checks")}
        if calendar_lower:  # --calendar warning: what only a passing day causes is one severity lower
            for c in rules.items("checks"):
                if c.get("calendar"):
                    self.severity[c["id"]] = SEVERITIES[max(0, SEVERITIES.index(self.severity[c["id"]]) - 1)]
        self.messages = {c["id"]: c["message"] for c in rules.items("checks")}
        self.formatters = formatters(rules)
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
            {"if": c.when.source, "then": c.require.source} if c.when else c.require.source for c in checks]})
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
        schema_problems += plan_refs.problems(plan, path)  # the ids and references a schema cannot see
        if schema_problems:  # the checks can only read a plan of the right shape
            return False, [self._format_finding(p) for p in schema_problems]
        if self.observe is not None:
            self.observe(plan)
        return True, self.check_plan(plan, path)

    def check_plan(self, plan: dict, path: str) -> list[Finding]:
        return [f for scope, where, view in self.views(plan, path) for f in self.judge(plan, path, scope, where, view)]

    def views(self, plan: dict, path: str):
        """(scope, path, view) for every element a check applies to: its fields and, under
        ``facts``, the facts computed for it (and with the history, its ``history``)."""
        if self.trails is not None:
            from . import history  # git and processes: imported only for a run that reads the history
        for scope in self.checks:
            facts = self.facts.get(scope, ())
            for where, element in elements(plan, scope):
                if self.trails is not None and scope == history.SCOPE:  # its history beside its fields
                    trail = (self.trails.get(path) or {}).get(element.get("id")) or []
                    element = {**element, "history": history.facts(trail, element, self.today, self.rules)}
                view = dict(element)
                view["facts"] = facts_module.compute(facts_module.Context(self.rules, plan, element, self.today), facts)
                yield scope, where, view

    def judge(self, plan: dict, path: str, scope: str, where: tuple, view: dict) -> list[Finding]:
        """The findings of the checks of ``scope`` on one element's view."""
        if self.all_pass[scope].is_valid(view):
            return []
        found = []
        for check in self.checks[scope]:
            if check.when is not None and not check.when.is_valid(view):
                continue
            if check.require.is_valid(view):
                continue
            at = (*where, *check.at.split(".")) if check.at else where
            location = locate(plan, at) or locate(plan, where) or Location(path, 1, 1)
            message = {lang: i18n.one_line(self.formatters[lang].vformat(text, (), view))
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
        """Drop the findings a waiver in force covers (see waivers); report the waivers that give no
        reason, suppress nothing, are past their date or written wrong, or hide an error unapproved."""
        if b"playbook:" not in raw:  # nearly every plan: nothing to look for
            return findings
        from . import waivers

        found = waivers.parse(raw, path)
        if not found:
            return findings
        covering: dict[tuple[int, str], int] = {}  # (line, check) -> the first waiver in force that covers it
        for i, w in enumerate(found):
            if w.in_force(self.today):
                for check in w.ids:
                    covering.setdefault((w.covers, check), i)
        used, hides_error, kept = set(), set(), []
        for f in findings:
            hit = covering.get((f.location.line, f.check))
            if hit is None:
                kept.append(f)
            else:
                used.add(hit)
                if f.severity == "error":
                    hides_error.add(hit)

        def report(check: str, w: waivers.Waiver, key: str, **params) -> None:
            if check in self.enabled:
                kept.append(self.builtin(check, w.location, {"ids": ", ".join(w.ids), **params}, key))

        for i, w in enumerate(found):
            text = ", ".join(w.ids)
            if not w.reason:
                report(NO_REASON_CHECK, w, f"no_reason:{text}")
            for written in w.invalid:
                report(MALFORMED_CHECK, w, f"malformed:{text}:{written}", written=written)
            if w.expired(self.today):
                report(EXPIRED_CHECK, w, f"expired:{text}", until=w.until, days=-w.days_left(self.today))
            elif w.in_force(self.today) and i not in used:
                report(UNUSED_CHECK, w, f"unused:{text}")
            if i in hides_error and not w.by:
                report(NO_APPROVER_CHECK, w, f"no_approver:{text}")
        return kept

    def _message(self, check: str, **params) -> dict:
        return {lang: i18n.one_line(self.formatters[lang].vformat(text, (), params))
                for lang, text in self.messages[check].items()}


def at_or_above(severity: str) -> tuple[str, ...]:
    """The severities at or above ``severity`` (those that fail a run with ``--fail-on``)."""
    return SEVERITIES[SEVERITIES.index(severity):]
