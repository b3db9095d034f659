"""Generated account plans of about 3 KB for the benchmarks: valid, varied, some with findings."""

from __future__ import annotations

import json
import random
from pathlib import Path

STAGES = ["potential", "valid", "feasible", "target", "won"]
MARKS = {"potential": ["lead_record"], "valid": ["project_approval"],
         "feasible": ["needs_confirmation", "feasibility_report"],
         "target": ["solution_acceptance", "quotation"], "won": ["signed_contract"]}
ROLES = ["economic_buyer", "technical_buyer", "user_buyer", "coach"]
LEVELS = {"economic_buyer": "level_decision", "technical_buyer": "level_management",
          "user_buyer": "level_operational", "coach": "level_management"}
STYLES = ["driver", "expressive", "amiable", "analytical"]
SURNAMES = "王李张刘陈杨赵黄周吴"


def plan(rng: random.Random, i: int) -> dict:
    stage = rng.choice(STAGES)
    upto = STAGES.index(stage)
    evidence = {m: {"date": f"2026-0{k + 1}-1{rng.randint(0, 9)}", "ref": f"DOC-{i}-{m}"}
                for k, s in enumerate(STAGES[: upto + 1]) for m in MARKS[s]}
    history = [{"stage": s, "date": f"2026-{11 - upto + k:02d}-0{rng.randint(1, 9)}"} for k, s in enumerate(STAGES[: upto + 1])]
    contacts = [{"id": f"c{j}", "name": f"{rng.choice(SURNAMES)}{['局长', '科长', '老师', '主任'][j]}",
                 "title": "负责人", "level": LEVELS[role], "role": role, "social_style": rng.choice(STYLES),
                 "relationship": rng.choice(["trust", "alliance"]), "attitude": "supporter",
                 "approach": "先谈价值，再谈价格；准备好数据和案例，按约定时间拜访。"}
                for j, role in enumerate(ROLES)]
    opportunity = {
        "id": f"op{i}", "name": "教学设备更新项目", "stage": stage, "amount": rng.randint(1, 90) * 10000,
        "currency": "CNY", "expected_close": "2026-12-15",
        "man": {"money": True, "authority": True, "need": True},
        "needs": [{"kind": "explicit_need", "text": "旧设备故障频繁，影响教学", "seriousness": 300000,
                   "solution_cost": 120000},
                  {"kind": "implied_need", "text": "老师培训不足，新设备用不起来，担心重蹈覆辙", "seriousness": 80000,
                   "solution_cost": 30000}],
        "evidence": evidence,
        "quote": {"list_price": 100000, "floor_price": 80000, "quoted_price": rng.choice([98000, 96000, 78000]),
                  "concessions": [{"give": "降价", "give_amount": 4000, "trade": "trade_quantity",
                                   "get": "采购量增加到 60 台", "get_amount": 10}]},
        "goals": {"goal_must": 75000, "goal_strive": 95000, "goal_challenge": 100000},
        "steps": [{"action": "提交技术方案并约见局长", "due": "2026-12-05", "owner": "zhang.wei"}],
        "stage_history": history,
    }
    return {
        "account": {"id": f"account_{i:05d}", "name": f"第{i}号客户", "industry": "教育", "region": "华北",
                    "tier": rng.choice(["key_account", "ordinary_account"]), "owner": "zhang.wei"},
        "contacts": contacts,
        "opportunities": [opportunity],
        "receivables": [{"id": f"inv{i}", "amount": rng.choice([50000, 400000]),
                         "due_date": rng.choice(["2026-10-30", "2026-07-01"]),
                         "action": rng.choice(["collect_finance_routine", "collect_special_arrangement"])}],
        "activities": [{"date": rng.choice(["2026-11-10", "2026-08-01"]), "way": "way_sales_visit",
                        "contact": "c0", "outcome": "确认了预算和时间表"},
                       {"date": "2026-07-20", "way": "way_technical_exchange", "contact": "c1",
                        "outcome": "介绍了技术方案，对方关心售后响应时间和培训安排"},
                       {"date": "2026-06-15", "way": "way_telephone", "contact": "c3",
                        "outcome": "教练透露预算已列入明年计划，建议尽早约见局长"}],
        "complaints": [{"id": f"cp{i}", "kind": "complaint_help_seeking", "opened": "2026-10-02",
                        "status": "open", "summary": "两台设备开机慢，希望尽快上门检修",
                        "steps_done": ["step_calm", "step_ask"]}],
        "next_steps": [{"action": "安排技术交流", "due": "2026-11-30", "owner": "zhang.wei"}],
    }


def generate(directory: Path, count: int, seed: int = 7) -> list[str]:
    """Write ``count`` plans as YAML (block style, as people write them); return their paths."""
    import yaml

    rng = random.Random(seed)
    paths = []
    for i in range(count):
        path = directory / f"plan_{i:05d}.yaml"
        path.write_text(yaml.safe_dump(json.loads(json.dumps(plan(rng, i))), allow_unicode=True,
                                       sort_keys=False), encoding="utf-8")
        paths.append(str(path))
    return paths
