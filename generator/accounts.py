"""An account plan as the site shows it: checked, summarised, and without personal data.

Personal notes (``contacts[].personal``) are never published: they are dropped here, before any
template sees the plan.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from playbook import facts as facts_module
from playbook.checker import Finding
from playbook.starter import PLAN_ID

from .views import View

PRIVATE = ("personal",)  # contact fields that never leave the plan
RECEIVABLE_SCOPE = "receivables[*]"


@dataclass(frozen=True)
class Checked:
    """A plan file as the checker saw it: its data (None unless well-formed) and its findings."""

    path: str
    plan: dict | None
    findings: list[Finding]


def _public_contacts(plan: dict) -> list[dict]:
    return [{k: v for k, v in c.items() if k not in PRIVATE} for c in plan.get("contacts") or []]


def page_id(c: Checked) -> str:
    """The account's page name: its id when it is a valid one (never a path), else its file's name."""
    account = c.plan.get("account") if isinstance(c.plan, dict) else None
    plan_id = account.get("id") if isinstance(account, dict) else None
    if isinstance(plan_id, str) and PLAN_ID.match(plan_id):
        return plan_id
    stem = c.path.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0].lower()
    return re.sub(r"[^a-z0-9_.-]", "_", stem).lstrip(".") or "plan"


def summary(c: Checked, view: View, today: dt.date) -> dict:
    """One row of the accounts index."""
    plan = c.plan if isinstance(c.plan, dict) else {}
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
        "pipeline": sum(o.get("amount") or 0 for o in opportunities if o.get("stage") != stages[-1]),
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
    plan = c.plan if isinstance(c.plan, dict) else {}
    stages = [s["id"] for s in view.rules.items("opportunity_stages")]
    receivable_facts = [f for f in view.rules.items("facts") if f["scope"] == RECEIVABLE_SCOPE]
    receivables = []
    for r in plan.get("receivables") or []:
        ctx = facts_module.Context(view.rules, plan, r, today)
        known = facts_module.compute(ctx, receivable_facts)
        quadrant = known.get("quadrant") or {}
        receivables.append({**r, "days_overdue": known.get("days_overdue"),
                            "quadrant": quadrant.get("id"), "prescribed": quadrant.get("action")})
    contacts = _public_contacts(plan)
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
    }
