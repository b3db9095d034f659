"""Across every plan checked: each stage's pass rate and win rate against the preset win rate.

Plans record where each opportunity stands now, so an opportunity at stage k has passed every
stage before k; a lost one records ``lost`` and stays at the stage where it was lost. For stage s:
reached = opportunities at s or beyond, pass rate = those beyond s over reached; closed = those
won (the last stage) or lost at s or beyond, win rate = won over closed, so that deals still open
are not counted as lost. A stage whose win rate falls far below its preset (``portfolio_alert_ratio``)
over enough closed deals (``portfolio_min_opportunities``) gets a warning, placed at the preset.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .checker import Finding, Checker
from .ruleset import RuleSet
from .yamlload import Location, locate

STAGES = "opportunity_stages"  # the ordered collection; its last item is the won stage
CHECK = "portfolio_win_rate"
THRESHOLDS = ("portfolio_alert_ratio", "portfolio_min_opportunities")  # the ratio that alerts, the count that counts


@dataclass(frozen=True)
class StageFigures:
    stage: str
    reached: int
    moved_on: int
    won: int
    closed: int  # won or lost at this stage or beyond
    preset: float

    @property
    def pass_rate(self) -> float | None:
        return self.moved_on / self.reached if self.reached else None

    @property
    def win_rate(self) -> float | None:
        return self.won / self.closed if self.closed else None


LOST = "lost"


def stage_counts(plan: dict) -> Counter:
    """How many opportunities of a (well-formed) plan stand at each stage (by stage id), and how
    many of them were lost there (by ``("lost", stage id)``)."""
    found = Counter()
    for o in plan.get("opportunities") or []:
        found[o.get("stage")] += 1
        if o.get("lost"):
            found[(LOST, o.get("stage"))] += 1
    return found


def figures(rules: RuleSet, counts: Counter) -> list[StageFigures]:
    stages = rules.items(STAGES)
    ids = [s["id"] for s in stages]
    at = [counts.get(i, 0) for i in ids]
    lost = [counts.get((LOST, i), 0) for i in ids]
    won = at[-1] if at else 0
    return [StageFigures(s["id"], sum(at[k:]), sum(at[k + 1:]), won, won + sum(lost[k:]), s["preset_win_rate"])
            for k, s in enumerate(stages)]


def comparable(rules: RuleSet, row: StageFigures) -> bool:
    """Whether a stage has closed enough deals for its win rate to be set against its preset."""
    return row.closed >= rules.threshold(THRESHOLDS[1]) and row.win_rate is not None


def findings(rules: RuleSet, checker: Checker, table: list[StageFigures]) -> list[Finding]:
    """A warning for each stage that falls far below its preset win rate."""
    if CHECK not in checker.enabled:
        return []
    ratio = rules.threshold(THRESHOLDS[0])
    found = []
    for row in table:
        if not comparable(rules, row) or row.win_rate >= row.preset * ratio:
            continue
        item = rules.find(row.stage)[1]
        where = locate(item, ["preset_win_rate"]) or Location("rules", 1, 1)
        params = {"stage": row.stage, "rate": f"{row.win_rate:.0%}", "preset": f"{row.preset:.0%}",
                  "closed": row.closed}
        found.append(checker.builtin(CHECK, where, params, f"{row.stage}"))
    return found
