"""Dashboards across every plan checked: the pipeline funnel, the weighted forecast, the grades,
unpaid receivables by collection quadrant, buying-centre coverage, the findings by check and the
owners (each with a page of their own, made by ``owners``).

Figures come from where the playbook defines them (stage rates from ``playbook.portfolio``, each
receivable's quadrant from the declared facts through ``accounts.detail``), never recomputed here.
As in the portfolio of ``playbook check``, only well-formed plans are counted; a malformed plan
still shows among the findings.
"""

from __future__ import annotations

from collections import Counter

from playbook import describe, portfolio, provenance, rule_schemas

from . import accounts, owners, svg

PAGE = "dashboards.md"
MATRIX = "collection_matrix"  # its schema's x-unique names its two axes: rows, then columns
NONE = "–"  # a rate over nothing


def money(value) -> str:
    return f"{value:,.0f}"


def rate(value) -> str:
    return NONE if value is None else f"{value:.0%}"


def _other_currencies(details) -> int:
    base = accounts.currency()
    return sum(1 for d in details for i in (*d["opportunities"], *d["receivables"])
               if i.get("amount") is not None and i.get("currency", base) != base)


def pages(rules, checked, view, env, today, shown=None) -> dict[str, str]:
    """The dashboard page and the owner pages in the view's language. ``shown``: each plan's summary
    and detail, as the account pages have them already (thousands of plans: not worked out twice)."""
    shown = shown or [(accounts.summary(c, view, today), accounts.detail(c, view, today)) for c in checked]
    kept = [(c, s, d) for c, (s, d) in zip(checked, shown) if c.plan is not None]  # only well-formed plans
    plans, summaries, details = [c for c, _, _ in kept], [s for _, s, _ in kept], [d for _, _, d in kept]
    by_owner, findings = owners.groups(kept), _findings(rules, view, checked)
    found = {PAGE: env.get_template("dashboard.md.j2").render(
        view=view, today=today, plans=len(checked), left_out=len(checked) - len(plans),
        currency=accounts.currency(), other_currencies=_other_currencies(details),
        funnel=_funnel(rules, view, plans, details), forecast=_forecast(rules, view, details),
        grades=_grades(rules, view, details), receivables=_receivables(rules, view, details),
        coverage=_coverage(rules, view, summaries, details),
        findings=findings, findings_chart=_findings_chart(view, findings),
        owners=[_owner_row(g) for g in by_owner])}
    for group in by_owner:
        found[f"{owners.FOLDER}/{group['id']}.md"] = owners.page(
            view, env, group, today, accounts.currency(), _findings(rules, view, [c for c, _, _ in group["plans"]]))
    return found


def _owner_row(group: dict) -> dict:
    return {"id": group["id"], "owner": group["owner"], "plans": len(group["plans"]),
            "findings": sum(len(c.findings) for c, _, _ in group["plans"]),
            "overdue": money(accounts.in_currency(owners.overdue(group["plans"])))}


def _funnel(rules, view, plans, details) -> dict:
    """Each stage's counts and amount, and its win rate set against its preset only where enough
    deals have closed (``portfolio.comparable``)."""
    counts = sum((portfolio.stage_counts(c.plan) for c in plans), Counter())
    table = portfolio.figures(rules, counts)
    amounts = {f.stage: accounts.in_currency(o for d in details for o in d["opportunities"] if o["stage"] == f.stage)
               for f in table}
    compared = [f for f in table if portfolio.comparable(rules, f)]
    rows = [{"stage": view.name(f.stage), "at": counts[f.stage], "amount": money(amounts[f.stage]),
             "reached": f.reached, "closed": f.closed, "win_rate": rate(f.win_rate) if f in compared else NONE,
             "preset": rate(f.preset),
             "pass_rate": rate(f.pass_rate) if f is not table[-1] else NONE}  # the last stage leads nowhere
            for f in table]
    names = [view.name(f.stage) for f in table]
    charts = [
        svg.bars(view.t("dash_funnel_chart"), [svg.Bar(n, f.reached, str(f.reached)) for n, f in zip(names, table)],
                 centred=True),
        svg.bars(view.t("dash_amount_chart"),
                 [svg.Bar(n, amounts[f.stage], money(amounts[f.stage])) for n, f in zip(names, table)])]
    if compared:
        charts.append(svg.bars(view.t("dash_win_chart"),
                               [svg.Bar(view.name(f.stage), f.win_rate, rate(f.win_rate), f.preset) for f in compared],
                               scale=1, mark_label=view.t("dash_preset")))
    return {"rows": rows, "charts": charts, "minimum": rules.threshold(portfolio.THRESHOLDS[1]),
            "compared": len(compared)}


def _forecast(rules, view, details) -> dict:
    """Open opportunities (neither won nor lost) at their amount times their stage's preset win
    rate, stage by stage and in total; the presets' provenance is said, as they are often the house's."""
    stages = rules.items(portfolio.STAGES)[:-1]  # the last stage is won: no longer a forecast
    open_deals = [o for d in details for o in d["opportunities"] if not o.get("lost")]
    amounts = {s["id"]: accounts.in_currency(o for o in open_deals if o["stage"] == s["id"]) for s in stages}
    weighted = {s["id"]: amounts[s["id"]] * s["preset_win_rate"] for s in stages}
    rows = [{"stage": view.name(s["id"]), "amount": money(amounts[s["id"]]), "preset": rate(s["preset_win_rate"]),
             "weighted": money(weighted[s["id"]])} for s in stages]
    house = {d.item["id"] for d in provenance.defaults(rules) if d.collection == portfolio.STAGES
             and d.field == "preset_win_rate"}
    chart = svg.bars(view.t("dash_forecast_chart"),
                     [svg.Bar(view.name(s["id"]), weighted[s["id"]], money(weighted[s["id"]])) for s in stages])
    return {"rows": rows, "total": money(sum(amounts.values())), "weighted": money(sum(weighted.values())),
            "chart": chart, "house_default": bool(house & {s["id"] for s in stages}),
            "label": provenance.label("house_default", view.lang)}


def _grades(rules, view, details) -> dict:
    opportunities = [o for d in details for o in d["opportunities"]]
    bands = [b["id"] for b in rules.items("grade_bands")]
    groups = [(view.name(b), [o for o in opportunities if o.get("grade") == b]) for b in bands]
    ungraded = [o for o in opportunities if o.get("grade") not in bands]
    if ungraded:
        groups.append((view.t("dash_ungraded"), ungraded))
    rows = [{"grade": name, "count": len(group), "amount": money(accounts.in_currency(group))} for name, group in groups]
    return {"rows": rows, "chart": svg.bars(view.t("dash_grades_chart"),
                                            [svg.Bar(r["grade"], r["count"], str(r["count"])) for r in rows])}


def _receivables(rules, view, details) -> dict:
    """Overdue, unpaid receivables by quadrant, as a table and as the matrix itself. Each axis of the
    matrix runs from mild to serious (the order of its values in the schema: short then long, small
    then large), so a quadrant is the darker the further down and right it lies; an empty one stays
    pale, and the worst quadrant holding receivables is outlined."""
    unpaid = [r for d in details for r in d["receivables"] if r.get("paid") is not True]
    quadrants = rules.items(MATRIX)
    by = {q["id"]: [r for r in unpaid if r["quadrant"] == q["id"]] for q in quadrants}
    rows = [{"quadrant": view.name(q["id"]), "count": len(by[q["id"]]),
             "amount": money(accounts.in_currency(by[q["id"]])), "action": view.name(q.get("action"))}
            for q in quadrants]
    fields = rule_schemas.item_fields(MATRIX)
    down, across = rule_schemas.all_collections()[MATRIX]["x-unique"]
    row_values, column_values = fields[down]["enum"], fields[across]["enum"]
    steps = max(len(row_values) + len(column_values) - 2, 1)

    def cell(r: int, c: int) -> svg.Cell:
        found = [q for q in quadrants if q.get(down) == row_values[r] and q.get(across) == column_values[c]]
        if not found:  # a quadrant switched off by a company's rules
            return svg.Cell([], 0)
        group = by[found[0]["id"]]
        return svg.Cell([view.name(found[0]["id"]), view.t("dash_count_amount", count=len(group),
                                                           amount=money(accounts.in_currency(group)))],
                        (r + c) / steps if group else 0)

    def labels(field) -> list[str]:
        return [describe.entries(rules, fields[field], v, view.lang)[0].text for v in fields[field]["enum"]]

    chart = svg.grid(view.t("dash_receivables_chart"),
                     rule_schemas.title(fields[across], view.lang, across), labels(across),
                     rule_schemas.title(fields[down], view.lang, down), labels(down),
                     [[cell(r, c) for c in range(len(column_values))] for r in range(len(row_values))])
    return {"rows": rows, "chart": chart}


def _coverage(rules, view, summaries, details) -> dict:
    tier = rules.items("account_tiers")[0]["id"]  # tiers are listed highest first: the key accounts
    roles = [r["id"] for r in rules.items("buyer_roles")]
    rows = []
    for s, d in zip(summaries, details):
        if d["account"].get("tier") == tier:
            named = {c.get("role") for c in d["contacts"]}
            rows.append({"id": s["id"], "name": s["name"], "named": [r in named for r in roles]})
    covered = [sum(row["named"][k] for row in rows) for k in range(len(roles))]
    shares = [n / len(rows) if rows else None for n in covered]
    chart = svg.bars(view.t("dash_coverage_chart"),
                     [svg.Bar(view.name(r), s or 0, f"{n}/{len(rows)} · {rate(s)}")
                      for r, n, s in zip(roles, covered, shares)], scale=1) if rows else None
    return {"tier": view.name(tier), "roles": [view.name(r) for r in roles], "rows": rows,
            "shares": [rate(s) for s in shares], "chart": chart}


def _findings(rules, view, checked) -> list[dict]:
    """Per check with findings: how many, in how many plans; the most frequent first."""
    count = Counter(f.check for c in checked for f in c.findings)
    plans = Counter(check for c in checked for check in {f.check for f in c.findings})
    severity = {f.check: f.severity for c in checked for f in c.findings}
    rows = [{"id": k["id"], "name": view.name(k["id"]), "severity": view.t("severity_" + severity[k["id"]]),
             "count": count[k["id"]], "plans": plans[k["id"]]} for k in rules.items("checks") if count[k["id"]]]
    return sorted(rows, key=lambda r: -r["count"])  # stable: ties keep the order of the rules


def _findings_chart(view, rows) -> str | None:
    return svg.bars(view.t("dash_findings_chart"), [svg.Bar(r["name"], r["count"], str(r["count"])) for r in rows]) \
        if rows else None
