"""An account plan as the site shows it: checked, summarised, and without personal data.

Sensitive fields are never published: every field the plan schema marks ``x-private: true``
(``contacts[].personal``, say) is dropped here, before any template sees the plan.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache, cached_property

from playbook import facts as facts_module
from playbook import history, plan_schema, waivers
from playbook.checker import Finding
from playbook.starter import PLAN_ID
from playbook.yamlload import YamlError, read

from .views import View

RECEIVABLE_SCOPE = "receivables[*]"


@dataclass(frozen=True)
class Checked:
    """A plan file as the checker saw it: its data (None unless well-formed) and its findings."""

    path: str
    plan: dict | None
    findings: list[Finding]
    trails: dict | None = None  # its opportunities' versions in git, when the site is built with history

    @cached_property
    def waivers(self) -> list[waivers.Waiver]:
        """The plan's waivers, read from its comments (the plan's data holds none)."""
        try:
            return waivers.parse(read(self.path), self.path)
        except YamlError:  # gone since it was checked: its page shows what the checker said
            return []


@cache
def private_paths() -> tuple[tuple[str, ...], ...]:
    """Where the plan schema marks a field private."""
    return plan_schema.private_paths(plan_schema.template())


def public(plan: dict) -> dict:
    """The plan without its private fields (a copy along their paths; the rest is shared)."""
    for path in private_paths():
        plan = _without(plan, path)
    return plan


def _without(value, path: tuple):
    key, rest = path[0], path[1:]
    if key == "*":
        if isinstance(value, list):
            return [_without(v, rest) for v in value]
        return {k: _without(v, rest) for k, v in value.items()} if isinstance(value, dict) else value
    if not isinstance(value, dict) or key not in value:
        return value
    if not rest:
        return {k: v for k, v in value.items() if k != key}
    return {**value, key: _without(value[key], rest)}


# The names the accounts index itself takes under accounts/ (accounts/index.md, accounts/index.html).
RESERVED = frozenset({"index", "index.html"})
MARK = "~"  # no account id holds it: the names made with it never meet an id's own


def page_id(c: Checked) -> str:
    """The account page's name, from the plan alone: its account id when the plan is well-formed
    (a name the index reserves gets MARK after it); else MARK and its file's name, which no
    well-formed plan's page can take."""
    account = c.plan.get("account") if isinstance(c.plan, dict) else None
    plan_id = account.get("id") if isinstance(account, dict) else None
    if isinstance(plan_id, str) and PLAN_ID.match(plan_id):
        return plan_id + MARK if plan_id in RESERVED else plan_id
    stem = c.path.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0].lower()
    return MARK + (re.sub(r"[^a-z0-9_.-]", "_", stem) or "plan")


def unique_pages(summaries: list[dict]) -> list[dict]:
    """Every plan gets a page of its own: a second plan with the page name of an earlier one (two
    files with one account id) takes MARK and 2, 3, ... after it."""
    taken = set()
    for s in summaries:
        base, n = s["id"], 1
        while s["id"] in taken:
            n += 1
            s["id"] = f"{base}{MARK}{n}"
        taken.add(s["id"])
    return summaries


def currency() -> str:
    """The currency of an amount that names none; amounts in any other are not added to it."""
    return plan_schema.template()["$defs"]["currency"]["default"]


def in_currency(items) -> float:
    """The total of the amounts in the default currency (an amount in another is not added in)."""
    base = currency()
    return sum(i.get("amount") or 0 for i in items if i.get("currency", base) == base)


def summary(c: Checked, view: View, today: dt.date) -> dict:
    """One row of the accounts index; its pipeline is the open amount in the default currency."""
    plan = public(c.plan) if isinstance(c.plan, dict) else {}
    account = plan.get("account") or {}
    stages = [s["id"] for s in view.rules.items("opportunity_stages")]
    opportunities = [o for o in plan.get("opportunities") or [] if isinstance(o, dict)]
    furthest = max((stages.index(o["stage"]) for o in opportunities if o.get("stage") in stages), default=None)
    grades = sorted({o["grade"] for o in opportunities if o.get("grade")})
    return {
        "id": page_id(c),
        "name": account.get("name") or c.path,
        "tier": view.name(account.get("tier")),
        "owner": account.get("owner", ""),
        "stage": view.name(stages[furthest]) if furthest is not None else "",
        "stage_step": -1 if furthest is None else furthest,
        "pipeline": in_currency(o for o in opportunities if o.get("stage") != stages[-1] and not o.get("lost")),
        "currency": currency(),
        "grades": ", ".join(view.name(g) for g in grades),
        "errors": sum(1 for f in c.findings if f.severity == "error"),
        "findings": len(c.findings),
    }


def _buying_centre_map(view: View, contacts: list[dict]) -> dict:
    """Roles (rows) against relationship stages (columns): who we know, and how well."""
    stages = [s["id"] for s in view.rules.items("relationship_stages")]
    roles = [r["id"] for r in view.rules.items("buyer_roles")]
    cells = {(role, stage): [c["name"] for c in contacts if c.get("role") == role and c.get("relationship") == stage]
             for role in roles for stage in stages}
    return {"stages": stages, "roles": roles, "cells": cells}


def detail(c: Checked, view: View, today: dt.date) -> dict:
    """Everything an account page shows."""
    plan = public(c.plan) if isinstance(c.plan, dict) else {}
    stages = [s["id"] for s in view.rules.items("opportunity_stages")]
    receivable_facts = [f for f in view.rules.items("facts") if f["scope"] == RECEIVABLE_SCOPE]
    receivables = []
    for r in plan.get("receivables") or []:
        ctx = facts_module.Context(view.rules, plan, r, today)
        known = facts_module.compute(ctx, receivable_facts)
        days = known.get("days_overdue")
        status = "paid" if r.get("paid") else "overdue" if isinstance(days, int) and days > 0 else "not_due"
        quadrant = (known.get("quadrant") or {}) if status == "overdue" else {}  # only what is owed and late
        receivables.append({**r, "status": status, "days_overdue": days if status == "overdue" else None,
                            "quadrant": quadrant.get("id"), "prescribed": quadrant.get("action")})
    contacts = plan.get("contacts") or []
    return {
        "account": plan.get("account") or {},
        "contacts": contacts,
        "map": _buying_centre_map(view, contacts),
        "opportunities": [{**o, "step": stages.index(o["stage"]) + 1 if o.get("stage") in stages else None}
                          for o in plan.get("opportunities") or []],
        "stage_count": len(stages),
        "receivables": receivables,
        "retention": plan.get("retention") or {},
        "complaints": plan.get("complaints") or [],
        "referrals": plan.get("referrals") or [],
        "activities": sorted(plan.get("activities") or [], key=lambda a: str(a.get("date")), reverse=True),
        "next_steps": plan.get("next_steps") or [],
        "findings": c.findings,
        "waivers": in_force(c, view, today),
        "history": [] if c.trails is None else
        [{"name": o["name"], **history.facts(c.trails.get(o["id"]) or [], o, today, view.rules)}
         for o in plan.get("opportunities") or []],
    }


def in_force(c: Checked, view: View, today: dt.date) -> list[dict]:
    """The plan's waivers that apply on ``today``: each check id with whether it names a check (and
    so has a page to link to), the reason, the approver and the last day."""
    checks = view.rules.index
    return [{"line": w.location.line, "checks": [(i, checks.get(i) == "checks") for i in w.ids],
             "reason": w.reason, "by": w.by or "", "until": w.until}
            for w in c.waivers if w.in_force(today)]
