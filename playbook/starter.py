"""``playbook new``: a starter plan that already passes the checker."""

from __future__ import annotations

import getpass
import json
import re

from .ruleset import RuleSet

PLAN_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")  # as in schemas/plan.yaml: never a path


def starter_plan(rules: RuleSet, plan_id: str, owner: str | None = None) -> dict:
    """The smallest plan of the highest account tier (the first in the rules)."""
    return {"account": {"id": plan_id, "name": plan_id, "tier": rules.items("account_tiers")[0]["id"],
                        "owner": owner or getpass.getuser()}}


def starter_text(plan: dict) -> str:
    """The starter plan as YAML, with a hint for editors (JSON strings are valid YAML scalars)."""
    account = plan["account"]
    lines = ["# Account plan. `playbook schema > plan.schema.json` gives editors completion;",
             "# `playbook check` checks it against the playbook.", "account:"]
    lines += [f"  {key}: {json.dumps(value, ensure_ascii=False)}" for key, value in account.items()]
    return "\n".join(lines) + "\n"
