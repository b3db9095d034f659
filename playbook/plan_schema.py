"""The JSON Schema of an account plan, made from the template ``schemas/plan.yaml`` and the rules."""

from __future__ import annotations

import copy
from functools import cache
from importlib.resources import files

import yaml

from .ruleset import RuleSet

BOUNDS = {"x-minimum": "minimum", "x-maximum": "maximum"}


@cache
def template() -> dict:
    return yaml.load(files("playbook.schemas").joinpath("plan.yaml").read_bytes(), Loader=yaml.CSafeLoader)


def plan_schema(rules: RuleSet) -> dict:
    """The plan schema for this rule set: vocabularies as enums, ranges from thresholds."""
    schema = copy.deepcopy(template())
    _fill(schema, rules)
    return schema


def _fill(node, rules: RuleSet) -> None:
    if isinstance(node, dict):
        vocab = node.get("x-vocab")
        if vocab is not None:
            node["enum"] = [item["id"] for item in rules.items(vocab)]
        for keyword, bound in BOUNDS.items():
            if keyword in node:
                node[bound] = rules.threshold(node[keyword])
        for value in node.values():
            _fill(value, rules)
    elif isinstance(node, list):
        for value in node:
            _fill(value, rules)
