"""Training material for new salespeople, made from the rules: a learning path in the order of the
sales process, per topic a quiz scored in the browser (quiz.py) and open questions answered from
the rules, and a printable summary per topic.

Questions are built from structured fields and thresholds, never written by hand, so a company
that changes a threshold, a stage or a step gets questions and answers to match.
"""

from __future__ import annotations

import itertools
from typing import NamedTuple

from playbook import describe, facts, plan_schema, rule_schemas

from . import quiz, summaries
from .site_config import template_settings
from .views import View

SETTINGS = template_settings("training")
NOT_TAUGHT = set(SETTINGS["not_taught"])  # a kind holding these is reference or tooling, not the method
MATRIX_FACTORS = tuple(SETTINGS["matrix_factors"])  # receivable cases around each threshold
QUIZ = SETTINGS["quiz"]  # the multiple-choice questions: what they ask, the pass mark


class Ask(NamedTuple):
    """A question asked about every item of a collection."""

    message: str  # the question's message (placeholders: cue, collection, asked)
    cue: str  # the item's field the question shows
    answer: tuple[str, ...]  # the fields that answer it
    following: bool = False  # answered by the next item of an ordered collection


ASKS = {name: Ask(a["message"], a["cue"], tuple(a["answer"]), a.get("following", False))
        for name, a in SETTINGS["asks"].items()}
MATRIX = SETTINGS["matrix"]


def taught_kinds(view: View) -> list[str]:
    """The kinds of the method that hold items, in the order of the sales process."""
    return [k for k in rule_schemas.kinds()
            if not NOT_TAUGHT & set(rule_schemas.collections(k)) and _collections(view, k)]


def pages(rules, view: View, env) -> dict[str, str]:
    """``training/index.md`` (the learning path, with the reader's progress in each topic's quiz),
    then per kind its quiz and questions, and its summary."""
    kinds = taught_kinds(view)
    quizzes = quiz.Quiz(view, QUIZ, kinds)
    topics = [{**_topic(view, kind), "quiz": quizzes.questions(kind)} for kind in kinds]
    found = {"training/index.md": env.get_template("training.md.j2").render(topics=topics, view=view, settings=QUIZ)}
    for topic in topics:
        found[f"training/{topic['kind']}.md"] = env.get_template("training_questions.md.j2").render(
            topic=topic, view=view, settings=QUIZ)
        found[f"training/summary-{topic['kind']}.md"] = env.get_template("training_summary.md.j2").render(
            topic=topic, view=view)
    return found


def nav(view: View) -> dict:
    """The training section of the navigation: the path, then the questions and summaries by topic."""
    titles = {k: _kind_title(view, k) for k in taught_kinds(view)}
    return {view.t("training_title"): [
        {view.t("training_path"): "training/index.md"},
        {view.t("training_self_check"): [{title: f"training/{k}.md"} for k, title in titles.items()]},
        {view.t("training_summary"): [{title: f"training/summary-{k}.md"} for k, title in titles.items()]}]}


def _kind_title(view: View, kind: str) -> str:
    return rule_schemas.title(rule_schemas.kinds()[kind], view.lang, kind)


def _collections(view: View, kind: str) -> list[tuple[str, str, list]]:
    """(name, title, items) of the collections of a kind that hold items."""
    return [(name, rule_schemas.title(schema, view.lang, name), items)
            for name, schema in rule_schemas.collections(kind).items() if (items := view.rules.items(name, kind))]


def _topic(view: View, kind: str) -> dict:
    groups = [{"name": name, "title": title,
               "questions": _matrix_cases(view) if name == MATRIX else _asked(view, name, title, items)}
              for name, title, items in _collections(view, kind)]
    return {"kind": kind, "title": _kind_title(view, kind),
            # what to learn: not the gist (the section opens with it) nor the numbers (in the questions)
            "learn": [g["title"] for g in groups if rule_schemas.role(g["name"]) is None],
            "groups": [g for g in groups if g["questions"]], "summary": summaries.topic(view, kind),
            "count": sum(len(g["questions"]) for g in groups)}


def _entries(view: View, collection: str, item: dict, field: str) -> list[tuple[str, str | None]]:
    schema = rule_schemas.item_fields(collection).get(field, {})
    return [(e.text, view.link(e.ref, 1)) for e in describe.entries(view.rules, schema, item[field], view.lang)]


def _answer(view: View, collection: str, item: dict, fields: tuple[str, ...]) -> dict:
    """The item named and linked, then the fields that answer the question, labelled."""
    schemas = rule_schemas.item_fields(collection)
    return {"name": item["name"][view.lang], "link": view.link(item["id"], 1), "value": _value(view, item),
            "fields": [(rule_schemas.title(schemas.get(f, {}), view.lang, f), _entries(view, collection, item, f))
                       for f in fields if f in item]}


def _asked(view: View, name: str, title: str, items: list) -> list[dict]:
    """One question per item. A house default is never asked: not an item that is one, nor a field
    of an item that is one (the sources leave it to the company; it is not the method)."""
    ask = ASKS.get(name)
    if ask is None:
        return []
    schemas = rule_schemas.item_fields(name)
    pairs = zip(items, items[1:]) if ask.following else zip(items, items)
    found = []
    for item, answering in pairs:
        fields = tuple(f for f in ask.answer if f not in answering.get("house_defaults", ()))
        if ask.cue not in item or not fields or answering.get("basis") == quiz.HOUSE_DEFAULT:
            continue
        asked = view.t("training_separator").join(rule_schemas.title(schemas.get(f, {}), view.lang, f) for f in fields)
        found.append({"question": view.t(ask.message, collection=title, asked=asked,
                                         cue=" ".join(text for text, _ in _entries(view, name, item, ask.cue))),
                      "answer": _answer(view, name, answering, fields)})
    return found


def _matrix_cases(view: View) -> list[dict]:
    """Receivables placed around the thresholds that band the matrix (half, twice, exactly at each):
    which quadrant, and which action? Answered by the checker's own calculators."""
    lookup = next((f for f in view.rules.items("facts")
                   if f["calculator"] == "lookup" and f["args"].get("collection") == MATRIX), None)
    if lookup is None:
        return []
    by_id = {f["id"]: f for f in view.rules.items("facts")}
    bands = [by_id.get(operand.removeprefix("$facts.")) for operand in lookup["args"]["match"].values()]
    if not all(b and b["calculator"] == "band" for b in bands):
        return []
    limits = [view.rules.find(b["args"]["threshold"])[1] for b in bands]
    cases = [*itertools.product(MATRIX_FACTORS, repeat=len(bands)), (1,) * len(bands)]
    found = []
    for factors in cases:
        ctx = facts.Context(view.rules, {}, {}, None)
        cue = []
        for band, limit, factor in zip(bands, limits, factors):
            value = limit["value"] * factor
            head, _, path = band["args"]["value"].partition(".")  # an earlier fact, or a field of the receivable
            (ctx.facts if head == "$facts" else ctx.element)[path] = value
            cue.append(f"{_operand_title(view, band, head, path)} {describe.quantity(value, limit['unit'], view.lang)}")
        quadrant = facts.compute(ctx, [*bands, lookup])[lookup["id"]]
        if quadrant is None:
            continue
        answer = _answer(view, MATRIX, quadrant, ("overdue", "amount", "action"))
        thresholds = rule_schemas.title(rule_schemas.all_collections()["thresholds"], view.lang, "")
        answer["fields"].append((thresholds, [(_threshold_line(view, t), view.link(t["id"], 1)) for t in limits]))
        found.append({"question": view.t("training_q_receivable", cue=view.t("training_separator").join(cue)),
                      "answer": answer})
    return found


def _threshold_line(view: View, threshold: dict) -> str:
    """A threshold with its value and its basis, so that a house default is never taken for the method."""
    return f"{threshold['name'][view.lang]}: {_value(view, threshold)} ({view.basis('thresholds', threshold)['label']})"


def _operand_title(view: View, band: dict, head: str, path: str) -> str:
    """What a band measures: an earlier fact by its name, or a plan field by its schema title."""
    if head == "$facts":
        return view.name(path)
    node = plan_schema.template()
    for step in band["scope"].split("."):
        node = node["properties"][step.removesuffix("[*]")]
        node = node["items"] if step.endswith("[*]") else node
    return rule_schemas.title(node["properties"].get(path, {}), view.lang, path)


def _value(view: View, item: dict) -> str | None:
    """A threshold's value with its unit; None for any other item."""
    return describe.quantity(item["value"], item["unit"], view.lang) if "value" in item and "unit" in item else None
