"""Rules and checked plans -> ``{path: markdown}`` for one language: one pure function, so that
the site can move to another generator without a rewrite.

Each language is its own MkDocs build (Chinese at the root of the site, English under ``en/``),
so each has its own navigation and its own search index, segmented for its language.
"""

from __future__ import annotations

import datetime as dt
import json

import yaml

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from playbook import rule_schemas
from playbook.ruleset import RuleSet

from . import accounts, dashboards, grading, markdown, training
from .site_config import templates_dir
from .views import View

TEMPLATES = templates_dir() / "pages"


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                      keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["md"] = markdown.text
    env.filters["yaml"] = lambda value: yaml.safe_dump(json.loads(json.dumps(value)), allow_unicode=True,
                                                       sort_keys=False).rstrip()
    env.globals["grading"] = grading  # the AHP table and the grading worksheet (collections/ahp_matrices.md.j2)
    return env


def build_pages(rules: RuleSet, checked: list[accounts.Checked], lang: str, today: dt.date) -> dict[str, str]:
    """Every generated page of the site in ``lang``: the playbook, one page per check, the accounts."""
    env = _environment()
    view = View(rules, lang)
    sections = [_section(view, kind) for kind in _kinds(rules)]
    pages = {"index.md": env.get_template("index.md.j2").render(
        method=[s for s in sections if not s["for_authors"]], for_authors=[s for s in sections if s["for_authors"]],
        view=view, dashboards=dashboards.PAGE)}
    for section in sections:
        pages[f"{section['kind']}.md"] = env.get_template("section.md.j2").render(section=section, view=view)
    summaries = accounts.unique_pages([accounts.summary(c, view, today) for c in checked])
    pages["accounts/index.md"] = env.get_template("accounts.md.j2").render(accounts=summaries, view=view)
    shown = [(s, accounts.detail(c, view, today)) for c, s in zip(checked, summaries)]
    waived: dict[str, list[dict]] = {}  # check id -> the waivers of it in force, with their plan's summary
    for s, a in shown:
        for w in a["waivers"]:
            for check_id, _ in w["checks"]:
                waived.setdefault(check_id, []).append({**w, "account": s})
    for check in rules.items("checks"):
        pages[f"checks/{check['id']}.md"] = env.get_template("check.md.j2").render(
            check=check, view=view, fields=dict(view.fields("checks", check, depth=1)),
            waivers=waived.get(check["id"], []), until=dt.date(today.year, 12, 31))  # the example's date
    account = env.get_template("account.md.j2")  # once: each fetch looks at the file's date again
    for s, a in shown:
        pages[f"accounts/{s['id']}.md"] = account.render(a=a, s=s, view=view)
    pages.update(dashboards.pages(rules, checked, view, env, today, shown))
    pages.update(training.pages(rules, view, env))
    return pages


def account_page(rules: RuleSet, checked: accounts.Checked, lang: str, today: dt.date) -> tuple[str, str]:
    """One plan's own page, path and Markdown, as build_pages writes it when no other plan takes its
    name: what the live preview rewrites first after an edit (generator/preview.py)."""
    view = View(rules, lang)
    s = accounts.unique_pages([accounts.summary(checked, view, today)])[0]
    a = accounts.detail(checked, view, today)
    return f"accounts/{s['id']}.md", _environment().get_template("account.md.j2").render(a=a, s=s, view=view)


def nav(rules: RuleSet, lang: str) -> list:
    """The navigation, by reader: home, the learning path for a new salesperson, the method in the
    order of the sales process, the dashboards and accounts for managers, and the engine's reference
    for plan authors. Account and check pages stay out of it (MkDocs renders the whole nav into every
    page)."""
    view = View(rules, lang)
    kinds = _kinds(rules)
    section = lambda k: {rule_schemas.title(rule_schemas.kinds()[k], lang, k): f"{k}.md"}
    return [{view.t("site_home"): "index.md"},
            training.nav(view),
            {view.t("site_method"): [section(k) for k in kinds if not _for_authors(k)]},
            {view.t("site_for_managers"): [{view.t("dash_title"): dashboards.PAGE},
                                           {view.t("site_accounts"): "accounts/index.md"}]},
            {view.t("site_for_authors"): [section(k) for k in kinds if _for_authors(k)]}]


def _kinds(rules: RuleSet) -> list[str]:
    """The kinds that hold items, in the order of the playbook: one section page each."""
    return [k for k in rule_schemas.kinds() if any(rules.items(c, k) for c in rule_schemas.collections(k))]


def _for_authors(kind: str) -> bool:
    return rule_schemas.kinds()[kind].get("x-audience") == "authors"


def _section(view: View, kind: str) -> dict:
    """A part of the method: its overview first, then its collections, the method before the
    reference material (``x-role`` of a collection)."""
    collections, overview = [], None
    for name, schema in rule_schemas.collections(kind).items():
        items = view.rules.items(name, kind)
        role = rule_schemas.role(name)
        if not items:
            continue
        if role == "overview":
            overview = _item(view, name, items[0])
            continue
        collections.append({
            "id": name, "title": rule_schemas.title(schema, view.lang, name), "reference": role == "reference",
            "checks": view.checks_enforcing(name), "items": items,
            # a collection with a shape of its own (a matrix, a table) has a template of its own
            "table": f"collections/{name}.md.j2" if (TEMPLATES / "collections" / f"{name}.md.j2").is_file() else None,
            # an item with a page of its own (a check) is listed with a link to it
            "entries": [] if schema.get("x-shown-whole") else  # its template shows each item whole
                       [_item(view, name, item) for item in items if not _own_page(view, item)],
            "pages": [(item["name"][view.lang], view.link(item["id"])) for item in items if _own_page(view, item)]})
    collections.sort(key=lambda c: c["reference"])  # stable: the method keeps its order, the numbers follow
    return {"kind": kind, "title": rule_schemas.title(rule_schemas.kinds()[kind], view.lang, kind),
            "overview": overview, "collections": collections, "for_authors": _for_authors(kind)}


def _own_page(view: View, item: dict) -> bool:
    return (view.link(item["id"]) or "").startswith("checks/")


def _item(view: View, collection: str, item: dict) -> dict:
    return {
        "id": item["id"], "name": item["name"][view.lang], "other_name": item["name"][view.other],
        "description": item["description"][view.lang], "basis": view.basis(collection, item),
        "fields": view.fields(collection, item), "checks": view.checks_enforcing(item["id"]),
    }
