"""The AHP matrix as a labelled table with its weights and consistency, and the data of the
grading worksheet, for the template ``collections/ahp_matrices.md.j2``.

The worksheet (``site_templates/docs/javascripts/grading.js``) grades an opportunity in the
browser the way the checker's ``grade`` calculator does (``playbook/facts.py``). Its data come
from the same rules: the fact that grades with a matrix names the pre-assessment rules, the bands
and the score range it uses, and the weights are the ones ``playbook/ahp.py`` computes.
"""

from __future__ import annotations

import json

from playbook import describe, facts, provenance, rule_schemas

from .views import View

COLLECTION = "ahp_matrices"  # its template shows each item whole: the section lists no entries for it


def table(view: View, item: dict) -> dict:
    """The matrix labelled by its criteria, each criterion's weight and the consistency ratio,
    every share in one format (23.4%, as the ratio thresholds are shown)."""
    result = view.rules.ahp[item["id"]]
    limit = view.rules.find(rule_schemas.all_collections()[COLLECTION]["items"]["x-ahp"])[1]
    return {"criteria": [(c, view.name(c)) for c in item["criteria"]],
            "rows": [[str(cell) for cell in row] for row in item["matrix"]],
            "weights": [_share(w, view) for w in result.weights],
            "total": _share(sum(result.weights), view),
            "cr": _share(result.consistency_ratio, view),
            "limit": describe.quantity(limit["value"], limit["unit"], view.lang), "limit_id": limit["id"]}


def worksheet(view: View, item: dict) -> dict | None:
    """What the worksheet grading with this matrix shows and computes (None when no fact grades
    with it): the indicators with their weights, the score range, the pre-assessment rules and the
    bands as JSON for the script, and which of those rules are house defaults (said on the page)."""
    fact = next((f for f in view.rules.items("facts")
                 if f["calculator"] == "grade" and f["args"]["ahp"] == item["id"]), None)
    if fact is None:
        return None
    operand = facts.Context(view.rules, {}, {}, None).value  # $threshold.ID, or a literal
    args = fact["args"]
    low, high = operand(args["low"]), operand(args["high"])
    weights = view.rules.ahp[item["id"]].weights
    criteria = [view.rules.find(c)[1] for c in item["criteria"]]
    rules, bands = view.rules.items(args["pre_assessment"]), view.rules.items(args["bands"])
    data = {"low": low, "high": high,
            "indicators": [{"id": c["id"], "weight": w, "higher_is": c["higher_is"]} for c, w in zip(criteria, weights)],
            "pre_assessment": [{k: r[k] for k in ("indicator", "min_score", "max_score", "bound", "grade") if k in r}
                               | {"name": r["name"][view.lang]} for r in rules],
            "bands": [{"id": b["id"], "name": b["name"][view.lang], "min_score": b["min_score"]} for b in bands]}
    used = {i["id"] for i in (item, *rules, *bands)}
    house = list(dict.fromkeys(d.item["id"] for d in provenance.defaults(view.rules) if d.item["id"] in used))
    return {"low": low, "high": high, "scores": list(range(int(low), int(high) + 1)),
            "indicators": [{"id": c["id"], "name": c["name"][view.lang], "share": _share(w, view),
                            "low": c["low"][view.lang], "high": c["high"][view.lang], "higher_is": c["higher_is"]}
                           for c, w in zip(criteria, weights)],
            "house_defaults": [(i, view.name(i)) for i in house], "json": _script_json(data)}


def _share(value: float, view: View) -> str:
    return describe.quantity(value, "ratio", view.lang)


def _script_json(data: dict) -> str:
    """JSON safe inside a <script> element: no "</script>" can close it early."""
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
