"""Derived facts: the few generic calculators that checks need beyond what JSON Schema can say.

A fact is declared in the rules (collection ``facts``): a scope, a calculator and its arguments.
Arguments are operands: ``$.a.b`` reads the element in scope, ``$plan.a.b`` the whole plan,
``$facts.name.a`` an earlier fact, ``$threshold.ID`` a threshold, ``$today`` the run's date;
anything else is taken literally. A calculator whose inputs are missing gives None, and a check
on a None fact simply does not apply.
"""

from __future__ import annotations

import datetime as dt
import operator

from .ruleset import RuleSet

COMPARE = {"lt": operator.lt, "le": operator.le, "eq": operator.eq, "ne": operator.ne,
           "ge": operator.ge, "gt": operator.gt}


class Context:
    """What operands can read while the facts of one element are computed."""

    __slots__ = ("rules", "plan", "element", "facts", "today")

    def __init__(self, rules: RuleSet, plan: dict, element: dict, today: dt.date):
        self.rules, self.plan, self.element, self.today = rules, plan, element, today
        self.facts: dict = {}

    def value(self, operand):
        if not isinstance(operand, str) or not operand.startswith("$"):
            return operand
        head, path, steps = _OPERANDS.get(operand) or _operand(operand)
        if head == "$":
            value = self.element
        elif head == "$facts":
            value = self.facts
        elif head == "$plan":
            value = self.plan
        elif head == "$today" and not path:
            return self.today.isoformat()
        elif head == "$threshold":
            return self.rules.threshold(path)
        else:
            raise KeyError(head)
        for step in steps:
            if not isinstance(value, dict):
                return None
            value = value.get(step)
        return value


_OPERANDS: dict[str, tuple] = {}  # "$.a.b" -> ("$", "a.b", ("a", "b")): the rules' operands, read once


def _operand(text: str) -> tuple:
    """An operand's root, its path, and the path's steps (``value["a"]["b"]`` for ``a.b``)."""
    head, _, path = text.partition(".")
    found = _OPERANDS[text] = (head, path, tuple(path.split(".")) if path else ())
    return found


def _ids(ctx: Context, collection: str) -> list[str]:
    """The ids of a collection's active items, in order."""
    return list(ctx.rules.collections.get(collection, ()))


def _date(text) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


def _matcher(where: dict | None, ctx: Context):
    """Whether an item of the plan is a mapping whose fields equal the ``where`` operands."""
    wanted = [(k, ctx.value(v)) for k, v in (where or {}).items()]
    return lambda item: isinstance(item, dict) and all(item.get(k) == v for k, v in wanted)


def lookup(ctx: Context, collection: str, match: dict):
    """The item of ``collection`` whose fields equal the given operands."""
    wanted = {field: ctx.value(operand) for field, operand in match.items()}
    if any(v is None for v in wanted.values()):
        return None
    return next((item for item in ctx.rules.items(collection)
                 if all(item.get(f) == v for f, v in wanted.items())), None)


def position(ctx: Context, collection: str, value):
    """The index of an id in an ordered collection (stages, steps)."""
    ids = _ids(ctx, collection)
    value = ctx.value(value)
    return ids.index(value) if value in ids else None


def compare(ctx: Context, left, op: str, right):
    a, b = ctx.value(left), ctx.value(right)
    if a is None or b is None:
        return None
    try:
        return COMPARE[op](a, b)
    except TypeError:
        return None


def relative_drop(ctx: Context, value, reference):
    """How far ``value`` falls below ``reference``, as a share of it (a discount off the list price)."""
    v, ref = ctx.value(value), ctx.value(reference)
    if not isinstance(v, (int, float)) or not isinstance(ref, (int, float)) or not ref:
        return None
    return (ref - v) / ref


def furthest(ctx: Context, items, field: str, collection: str, where: dict | None = None):
    """The furthest position, in an ordered collection, of a field over a list of the plan."""
    ids = _ids(ctx, collection)
    found = [ids.index(v) for v in collect(ctx, items, field, where) if v in ids]
    return max(found) if found else None


def days_between(ctx: Context, start, end):
    a, b = _date(ctx.value(start)), _date(ctx.value(end))
    return (b - a).days if a and b else None


def band(ctx: Context, value, threshold: str, below: str, at_or_above: str):
    """A label by whether ``value`` reaches a threshold (short / long overdue, small / large)."""
    v = ctx.value(value)
    if not isinstance(v, (int, float)) or isinstance(v, bool):
        return None
    return at_or_above if v >= ctx.rules.threshold(threshold) else below


def missing(ctx: Context, present, required=None, collection: str | None = None):
    """The required ids not present (``present`` may be a list or a mapping's keys); ``collection``
    requires every active item of that collection."""
    need = _ids(ctx, collection) if collection else ctx.value(required) or []
    have = ctx.value(present) or []
    return [x for x in need if x not in have]


def gather(ctx: Context, collection: str, upto, field: str):
    """Every value of ``field`` over the items of an ordered collection up to a position."""
    end = ctx.value(upto)
    if end is None:
        return None
    found = []
    for item in ctx.rules.items(collection)[: end + 1]:
        value = item.get(field)
        found.extend(value if isinstance(value, list) else [value])
    return found


def collect(ctx: Context, items, field: str, where: dict | None = None, unless: str | None = None,
            dated: str | None = None, not_after=None):
    """The values of ``field`` over a list of the plan (or a mapping's values, such as the evidence
    by mark), optionally filtered: ``where`` fields equal, ``unless`` a field that is set (done, lost),
    ``dated`` a date field not after ``not_after`` (what already happened)."""
    found = ctx.value(items) or []
    found = found.values() if isinstance(found, dict) else found
    limit, matches = ctx.value(not_after), _matcher(where, ctx)
    return [x.get(field) for x in found
            if matches(x) and x.get(field) is not None and not (unless and x.get(unless))
            and not (dated and limit is not None and not str(x.get(dated, "")) <= limit)]


def latest(ctx: Context, items, field: str, where: dict | None = None, not_after=None, unless: str | None = None):
    """The greatest value of ``field`` (a date, say), ignoring those after ``not_after``."""
    limit = ctx.value(not_after)
    values = [v for v in collect(ctx, items, field, where, unless) if limit is None or v <= limit]
    return max(values) if values else None


def earliest(ctx: Context, items, field: str, where: dict | None = None, unless: str | None = None):
    """The least value of ``field`` (the first date due, say)."""
    values = collect(ctx, items, field, where, unless)
    return min(values) if values else None


def count(ctx: Context, items, where: dict | None = None):
    matches = _matcher(where, ctx)
    return sum(1 for x in ctx.value(items) or [] if matches(x))


def distinct(ctx: Context, items, field: str, where: dict | None = None, dated: str | None = None, not_after=None):
    """How many different values ``field`` takes (the contacts met so far, say)."""
    return len(set(map(str, collect(ctx, items, field, where, dated=dated, not_after=not_after))))


def went_back(ctx: Context, items, field: str, collection: str, by: str):
    """Where a declared history (the stage history) steps back in an ordered collection: for each
    entry, taken in ``by`` order (the date), whose ``field`` comes earlier than the one before it,
    the phrase [its date, what it left, "→", what it went back to]."""
    order = {item["id"]: i for i, item in enumerate(ctx.rules.items(collection))}
    entries = sorted((x for x in ctx.value(items) or [] if isinstance(x, dict) and x.get(field) in order),
                     key=lambda x: str(x.get(by, "")))
    return [[str(b.get(by)), a[field], "→", b[field]] for a, b in zip(entries, entries[1:])
            if order[b[field]] < order[a[field]]]


def either(ctx: Context, value, otherwise):
    """``value``, or ``otherwise`` when it is absent (a currency not written is the default one)."""
    found = ctx.value(value)
    return ctx.value(otherwise) if found is None else found


def is_prefix(ctx: Context, items, collection: str):
    """Whether ``items`` are the first ids of an ordered collection, in order (steps done so far)."""
    done = ctx.value(items) or []
    ids = _ids(ctx, collection)
    return done == ids[: len(done)]


def grade(ctx: Context, scores, ahp: str, pre_assessment: str, bands: str, low, high):
    """An opportunity's grade. Pre-assessment rules that fire set the highest and lowest grade it may
    have (a cap wins over a floor); within them the AHP-weighted score falls in a band. Indicators
    where a higher score is worse count as (low + high - score). Without every score, the grade is
    known only when the bounds leave one grade; otherwise it is None (it cannot be verified)."""
    values = ctx.value(scores)
    rules = ctx.rules
    if not isinstance(values, dict):
        return None
    order = [b["id"] for b in rules.items(bands)]  # highest first
    best, worst = 0, len(order) - 1  # the positions the grade may take
    for rule in rules.items(pre_assessment):
        score = values.get(rule["indicator"])
        if score is not None and (score >= rule.get("min_score", float("inf")) or
                                  score <= rule.get("max_score", float("-inf"))):
            at = order.index(rule["grade"])
            if rule["bound"] == "cap":
                best = max(best, at)
            else:
                worst = min(worst, at)
    item = rules.find(ahp)[1]
    if any(c not in values for c in item["criteria"]):
        return order[best] if best >= worst else None
    low, high = ctx.value(low), ctx.value(high)
    total = 0.0
    for criterion, weight in zip(item["criteria"], rules.ahp[ahp].weights):
        score = values[criterion]
        total += weight * (low + high - score if rules.find(criterion)[1].get("higher_is") == "worse" else score)
    scored = next((i for i, b in enumerate(rules.items(bands)) if total >= b["min_score"]), worst)
    return order[max(best, min(scored, worst))]  # the floor first, then the cap, which wins


CALCULATORS = {f.__name__: f for f in (lookup, position, compare, relative_drop, furthest, days_between, band,
                                        missing, gather, collect, latest, earliest, count, distinct, either,
                                        went_back, is_prefix, grade)}


def compute(ctx: Context, facts: list[dict]) -> dict:
    """Compute ``facts`` in order for one element; each may use the ones before it."""
    for fact in facts:
        ctx.facts[fact["id"]] = CALCULATORS[fact["calculator"]](ctx, **fact["args"])
    return ctx.facts
