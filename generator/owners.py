"""A page per salesperson (the ``owner`` of each account plan), for the manager's one-to-one: that
owner's plans, findings by check, overdue receivables, the deals on each watch list of
``site_templates/owners.yaml``, and what to study next.

"What to study" follows the plans: the owner's most frequent checks lead, through each check's
``section``, to the part of the method it enforces and to that part's self-check questions.
Owner pages stay out of the navigation (there may be hundreds); the dashboard links them.
"""

from __future__ import annotations

import re
from collections import Counter

from playbook import rule_schemas
from playbook.checker import stable_path

from . import accounts, training
from .site_config import template_settings
from .views import View

SETTINGS = template_settings("owners")
FOLDER = "owners"


SLUG = 40  # characters at most: a file name stays far below the 255 bytes file systems allow


def slug(owner: str) -> str:
    """The page name of an owner: letters of any script, digits, ``-`` and ``_``; nothing else."""
    return re.sub(r"[^\w-]", "_", owner.strip().lower())[:SLUG] or "_"


def groups(kept: list[tuple]) -> list[dict]:
    """The plans by owner, as (checked, summary, detail) each, in order of the owners' names; each
    group with the name of its page (two owners whose names make one page name get MARK and 2, ...)."""
    by_owner: dict[str, list[tuple]] = {}
    for plan in kept:
        by_owner.setdefault(plan[1]["owner"], []).append(plan)
    found = [{"id": slug(owner), "owner": owner, "plans": plans} for owner, plans in sorted(by_owner.items()) if owner]
    return accounts.unique_pages(found)


def overdue(plans: list[tuple]) -> list[dict]:
    """The receivables of these plans that are overdue and unpaid, each with its plan's summary."""
    return [{**r, "account": s} for _, s, d in plans for r in d["receivables"] if r["status"] == "overdue"]


def page(view: View, env, group: dict, today, currency: str, findings: list[dict]) -> str:
    """An owner's page; ``findings``: the rows of the dashboard's findings by check, for their plans."""
    checked = [c for c, _, _ in group["plans"]]
    return env.get_template("owner.md.j2").render(
        view=view, today=today, owner=group["owner"], currency=currency,
        plans=[s for _, s, _ in group["plans"]], findings=findings,
        overdue=overdue(group["plans"]), deal_lists=[_deal_list(view, group["plans"], spec) for spec in SETTINGS["deal_lists"]],
        study=_study(view, checked))


def _deal_list(view: View, plans: list[tuple], spec: dict) -> dict:
    """The open deals with a finding of one of the list's checks, each with those findings' messages.
    A finding is the deal's when its key starts with the deal's stable path (the checker's own)."""
    rows = []
    for c, s, d in plans:
        kept = [f for f in c.findings if f.check in spec["checks"]]
        for k, o in enumerate(c.plan.get("opportunities") or []):
            prefix = stable_path(c.plan, ("opportunities", k)) + "."
            messages = [f.message[view.lang] for f in kept if f.key.startswith(prefix)]
            if messages:
                rows.append({"account": s, "deal": d["opportunities"][k], "messages": messages})
    return {"title": view.t(spec["title"]), "rows": rows}


def _study(view: View, checked) -> list[dict]:
    """The parts of the method behind the owner's most frequent checks, the most frequent first: in
    each, the sections those checks enforce (each once, with the checks that led there) and the
    link to the part's self-check questions, when the part is taught."""
    counts = Counter(f.check for c in checked for f in c.findings)
    taught = training.taught_kinds(view)
    topics: dict[str | None, dict] = {}
    for check_id, count in counts.most_common(SETTINGS["study_checks"]):
        section = view.rules.find(check_id)[1]["section"]
        kind = _kind(view, section)
        topic = topics.setdefault(kind, {
            "title": rule_schemas.title(rule_schemas.kinds()[kind], view.lang, kind) if kind else section,
            "quiz": f"../training/{kind}.md" if kind in taught else None, "sections": {}})
        entry = topic["sections"].setdefault(section, {"name": _section_name(view, section, kind),
                                                       "link": view.link(section, 1), "checks": []})
        entry["checks"].append({"id": check_id, "name": view.name(check_id), "count": count})
    return [{**t, "sections": list(t["sections"].values())} for t in topics.values()]


def _kind(view: View, target: str) -> str | None:
    """The part of the method (kind) that holds an item or a collection."""
    if target in view.rules.item_kind:
        return view.rules.item_kind[target]
    return next((k for k in rule_schemas.kinds() if target in rule_schemas.collections(k)), None)


def _section_name(view: View, target: str, kind: str | None) -> str:
    """An item's name, or a collection's title."""
    if target in view.rules.item_kind:
        return view.name(target)
    return rule_schemas.title(rule_schemas.collections(kind)[target], view.lang, target) if kind else target
