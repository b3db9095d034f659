"""Multiple-choice quizzes made from the rules, scored in the reader's browser (quiz.js).

A question tests judgement, never memory of a house default: the reader is shown a situation
and picks, among items of the same collection, the one the method calls for. Three kinds, set in
site_templates/training.yaml (``quiz``):

- a scenario: an item that combines the items of another collection (a MAN combination: which
  conditions are present), and the reader picks what to do;
- a recognition: one field of an item (a temperament's signs) or its name, and the reader picks
  the item, the next item of an ordered collection, or the field the method pairs with it;
- a checker exercise: a check's first failing example, and the reader picks the check it breaks
  among checks that the example does not break; the why is the checker's own message on it.

Items and checks that are house defaults, or rest on one (a threshold a check compares with),
are left out. Options are shuffled with a generator seeded by the question's id, so a build is
reproducible and the right answer is not always first.
"""

from __future__ import annotations

import functools
import json
import random
import re
import tempfile
from pathlib import Path

import yaml

from playbook import describe, rule_schemas, ruletest

from .views import View

HOUSE_DEFAULT = "house_default"
BUILTIN = "builtin"  # a check coded in the engine: the numbers it compares with are not in its YAML
# "Opportunity stages (in order)": the note in brackets is for the method page, not a question
_TRAILING_NOTE = re.compile(r"\s*[(（][^()（）]*[)）]$")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Quiz:
    """The questions of every taught kind, in one language: ``questions(kind)``."""

    def __init__(self, view: View, settings: dict, kinds: list[str]):
        self.view, self.settings, self.kinds = view, settings, kinds
        self.options = settings["options"]

    def questions(self, kind: str) -> list[dict]:
        """The scenarios and recognitions of the kind's collections, in the rules' order, then its exercises."""
        found = []
        for name in rule_schemas.collections(kind):
            items = [i for i in self.view.rules.items(name, kind) if i.get("basis") != HOUSE_DEFAULT]
            if name in self.settings["scenarios"]:
                found += self._scenarios(name, items, self.settings["scenarios"][name])
            if name in self.settings["recognise"]:
                found += self._recognitions(name, items, self.settings["recognise"][name])
        return [q for q in found if q] + self._exercises.get(kind, [])

    def _scenarios(self, name: str, items: list[dict], ask: dict) -> list[dict | None]:
        """Which items of ``ask['of']`` an item combines (present or missing): what do you do?"""
        t = self.view.t
        parts = self.view.rules.items(ask["of"])
        found = []
        for item in items:
            present = [p["name"][self.view.lang] for p in parts if item.get(p["id"])]
            missing = [p["name"][self.view.lang] for p in parts if item.get(p["id"]) is False]
            text = t(ask["message"], present=t("site_list_separator").join(present) or t("quiz_none"),
                     missing=t("site_list_separator").join(missing) or t("quiz_none"))
            found.append(self._question(f"{name}.{item['id']}", text, item, items, name, ask["answer"], ask.get("why")))
        return found

    def _recognitions(self, name: str, items: list[dict], ask: dict) -> list[dict | None]:
        """An item's ``clue`` field (or its name), answered by the item's name, its ``answer`` field,
        or with ``following``, the next item's name."""
        view = self.view
        title = _TRAILING_NOTE.sub("", rule_schemas.title(rule_schemas.all_collections()[name], view.lang, name))
        label = rule_schemas.title(rule_schemas.item_fields(name).get(ask["clue"], {}), view.lang, ask["clue"])
        pairs = zip(items, items[1:]) if ask.get("following") else zip(items, items)
        found = [self._question(f"{name}.{item['id']}", view.t(ask["message"], collection=title, label=label,
                                                              clue=self._text(name, item, ask["clue"])),
                                answering, items, name, ask.get("answer", "name"), ask.get("why"), exclude=item)
                 for item, answering in pairs
                 if ask["clue"] in item and ask["clue"] not in item.get("house_defaults", ())]
        return [{**q, "context": title} for q in found if q]

    def _question(self, qid: str, text: str, right: dict, siblings: list[dict], collection: str, field: str,
                  why: list[str] | None, exclude: dict | None = None) -> dict | None:
        """The right item's ``field`` among siblings' (up to ``options`` in all), shuffled by ``qid``;
        None when there is nothing to choose from or the question would give its answer away."""
        if field not in right or field in right.get("house_defaults", ()):
            return None
        answer = self._text(collection, right, field)
        others = [o for s in siblings if s is not right and s is not exclude
                  if field in s and (o := self._text(collection, s, field)) != answer]
        others = list(dict.fromkeys(others))
        if not others or any(o.casefold() in text.casefold() for o in [answer, *others]):
            return None
        why_lines = [self._labelled(collection, right, f) for f in (why or []) if f in right] or \
            [right["description"][self.view.lang]]
        return _shuffled(qid, text, answer, others[:self.options - 1], why_lines,
                         (right["name"][self.view.lang], self.view.link(right["id"], 1)))

    @functools.cached_property
    def _exercises(self) -> dict[str, list[dict]]:
        """kind -> the checker exercises of the checks that teach it (the checker runs once for all)."""
        rules, lang = self.view.rules, self.view.lang
        checks = {c["id"]: c for c in rules.items("checks")
                  if c["basis"] != HOUSE_DEFAULT and c["scope"] != BUILTIN and self._kind(c["section"]) in self.kinds
                  and not self._rests_on_default(c)}
        cases = [c for c in ruletest.cases(rules) if c.check in checks and c.verdict == "fail" and c.number == 1]
        runner, found = ruletest.Runner(rules), {}
        with tempfile.TemporaryDirectory(prefix="playbook-quiz-") as directory:
            outcomes = [runner.run(case, Path(directory)) for case in cases]
        for outcome in outcomes:
            check = checks[outcome.case.check]
            if not outcome.fired:
                continue
            fired = {f.check for f in outcome.findings}
            kind = self._kind(check["section"])
            same = [c for c in checks.values() if c["id"] not in fired and self._kind(c["section"]) == kind]
            rest = [c for c in checks.values() if c["id"] not in fired and c not in same]
            others = [c["name"][lang] for c in _seeded(check["id"], same) + _seeded(check["id"], rest)]
            why = [self.view.t("quiz_checker_says", message=outcome.fired[0].message[lang]), check["description"][lang]]
            question = _shuffled(f"checks.{check['id']}", self.view.t("quiz_q_checker"), check["name"][lang],
                                 others[:self.options - 1], why, (check["name"][lang], self.view.link(check["id"], 1)))
            question["plan"] = _example_text(check["examples"]["fail"][0])
            found.setdefault(kind, []).append(question)
        return found

    def _kind(self, target: str) -> str | None:
        """The kind that holds an item or a collection."""
        if target in self.view.rules.item_kind:
            return self.view.rules.item_kind[target]
        return next((k for k in rule_schemas.kinds() if target in rule_schemas.collections(k)), None)

    def _rests_on_default(self, item: dict, seen: frozenset = frozenset()) -> bool:
        """Whether a check or a fact names a house default (its section, a threshold it compares
        with), itself or through the facts it uses."""
        rules = self.view.rules
        words = set(_WORD.findall(json.dumps({k: v for k, v in item.items() if k not in ("examples", "id")})))
        for word in words - seen:
            found = rules.find(word) if word in rules.item_kind else None
            if found is None:
                continue
            if found[1].get("basis") == HOUSE_DEFAULT:
                return True
            if found[0] == "facts" and self._rests_on_default(found[1], seen | words):
                return True
        return False

    def _text(self, collection: str, item: dict, field: str) -> str:
        if field == "name":
            return item["name"][self.view.lang]
        schema = rule_schemas.item_fields(collection).get(field, {})
        entries = describe.entries(self.view.rules, schema, item[field], self.view.lang)
        return self.view.t("training_separator").join(e.text for e in entries)

    def _labelled(self, collection: str, item: dict, field: str) -> str:
        label = _TRAILING_NOTE.sub("", rule_schemas.title(rule_schemas.item_fields(collection).get(field, {}),
                                                          self.view.lang, field))
        return self.view.t("quiz_labelled", label=label, text=self._text(collection, item, field))


def _seeded(seed: str, values: list) -> list:
    """``values`` in an order fixed by ``seed``: the same on every build."""
    values = list(values)
    random.Random(seed).shuffle(values)
    return values


def _shuffled(qid: str, text: str, answer: str, others: list[str], why: list[str], link: tuple) -> dict:
    options = _seeded(qid, [answer, *others])
    return {"id": qid, "text": text, "options": options, "right": options.index(answer), "answer": answer,
            "why": why, "more": link, "plan": None, "context": None}


def _example_text(example) -> str:
    """A failing example as the plan (or the part of it) the reader would write."""
    if isinstance(example, str):
        return example.rstrip()
    shown = {k: v for k, v in example.items() if k != "history"}
    return yaml.safe_dump(json.loads(json.dumps(shown, default=str)), allow_unicode=True, sort_keys=False).rstrip()
