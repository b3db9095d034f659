"""The JSON Schema of an account plan, made from the template ``schemas/plan.yaml`` and the rules."""

from __future__ import annotations

from functools import cache

from . import SCHEMAS
from .ruleset import RuleSet
from .yamlload import load_bytes

BOUNDS = {"x-minimum": "minimum", "x-maximum": "maximum"}
PRIVATE = "x-private"  # the mark of a field that never leaves the plan: not on the site, not in a message


@cache
def template() -> dict:
    """The template, read by the plans' loader: half the time of ``yaml.load``, on every run."""
    path = SCHEMAS / "plan.yaml"
    return load_bytes(path.read_bytes(), str(path), [])


@cache
def plan_enum_titles() -> dict[str, dict]:
    """Every labelled value of the plan format (``x-enum-titles``): value -> {zh, en}."""
    found = {}

    def walk(node):
        if isinstance(node, dict):
            found.update(node.get("x-enum-titles", {}))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(template())
    return found


def plan_schema(rules: RuleSet) -> dict:
    """The plan schema for this rule set (plain dicts and lists): vocabularies as enums, ranges from
    thresholds."""
    return _filled(template(), rules)


def _filled(node, rules: RuleSet):
    if isinstance(node, dict):
        filled = {key: _filled(value, rules) for key, value in node.items()}
        vocab = node.get("x-vocab")
        if vocab is not None:
            filled["enum"] = [item["id"] for item in rules.items(vocab)]
        for keyword, bound in BOUNDS.items():
            if keyword in node:
                filled[bound] = rules.threshold(node[keyword])
        return filled
    if isinstance(node, list):
        return [_filled(value, rules) for value in node]
    return node


def editor_schema(rules: RuleSet, lang: str) -> dict:
    """The plan schema for editors, in ``lang``: what ``plan_schema`` allows, no more and no less, with
    a title and a description on every field and each vocabulary value named.

    VS Code's YAML extension shows a key's description beside its completion (never its title) and a
    value's ``enumDescriptions`` entry beside it, and lists them all on hover; JetBrains IDEs read
    ``x-intellij-enum-metadata``. Values stay an ``enum``: a ``oneOf`` of ``const`` with a title each
    would show no title in either place, and the extension does not complete it inside a list."""
    from . import i18n, rule_schemas  # the checker needs neither: only when a schema is printed

    def named(item: dict) -> str:
        return i18n.text("schema_labelled", lang, label=item["name"][lang], text=item["description"][lang])

    def vocabulary(node: dict) -> str:
        for code, holder in (("schema_vocab", node), ("schema_vocab_list", node.get("items")),
                             ("schema_vocab_keys", node.get("propertyNames"))):
            if isinstance(holder, dict) and "x-vocab" in holder:
                collection = holder["x-vocab"]
                title = rule_schemas.title(rule_schemas.all_collections()[collection], lang, collection)
                return i18n.text(code, lang, title=title, collection=collection)
        return ""

    def label(node) -> None:
        if isinstance(node, list):
            for value in node:
                label(value)
        if not isinstance(node, dict):
            return
        for value in list(node.values()):
            label(value)
        if "x-vocab" in node:
            values = {item["id"]: named(item) for item in rules.items(node["x-vocab"])}
        else:
            titles = node.get("x-enum-titles", {})
            values = {v: titles[v][lang] for v in node.get("enum", ()) if v in titles}
        if values:
            node["enumDescriptions"] = list(values.values())
            node["x-intellij-enum-metadata"] = {v: {"description": text} for v, text in values.items()}
        keys = (node.get("propertyNames") or {}).get("x-vocab")
        if keys and isinstance(node.get("additionalProperties"), dict):  # so that an editor offers the keys
            node["properties"] = {item["id"]: {**node["additionalProperties"], "title": item["name"][lang],
                                               "description": named(item)} for item in rules.items(keys)}
        if "x-title" in node:
            node["title"] = node["x-title"][lang]
            hint = node.get("x-hint") or _target(node, schema).get("x-hint")
            detail = vocabulary(node) or (hint[lang] if hint else "")
            node["description"] = i18n.text("schema_labelled", lang, label=node["title"], text=detail) \
                if detail else node["title"]

    schema = plan_schema(rules)
    label(schema)
    return schema


def _target(node: dict, root: dict) -> dict:
    """The definition a ``$ref`` names ("#/$defs/text"), or nothing."""
    ref = node.get("$ref")
    return root["$defs"][ref.rsplit("/", 1)[-1]] if isinstance(ref, str) else {}


def private_paths(schema: dict) -> tuple[tuple[str, ...], ...]:
    """Where ``schema`` marks a field private, as key paths ("*": every item or value)."""
    return tuple(_private(schema, schema, ()))


def _private(schema: dict, root: dict, path: tuple) -> list[tuple[str, ...]]:
    if schema.get(PRIVATE):
        return [path]
    if "$ref" in schema:  # "#/$defs/text"
        return _private(root["$defs"][schema["$ref"].rsplit("/", 1)[-1]], root, path)
    found = [p for key, sub in (schema.get("properties") or {}).items() for p in _private(sub, root, (*path, key))]
    for each in ("items", "additionalProperties"):
        if isinstance(schema.get(each), dict):
            found += _private(schema[each], root, (*path, "*"))
    return found


def is_private(node: tuple, paths: tuple[tuple[str, ...], ...]) -> bool:
    """Whether the value at ``node`` (keys and indexes) lies in a private field."""
    return any(len(node) >= len(p) and all(step == "*" or step == n for step, n in zip(p, node)) for p in paths)


def field_schema(path: tuple) -> dict | None:
    """The plan template's schema of the field at ``path`` ("*" or an index: an item), if any."""
    root = node = template()
    for step in path:
        while "$ref" in node:
            node = root["$defs"][node["$ref"].rsplit("/", 1)[-1]]
        if step == "*" or isinstance(step, int):
            node = node.get("items") if isinstance(node.get("items"), dict) else node.get("additionalProperties")
        else:
            node = (node.get("properties") or {}).get(step) or node.get("additionalProperties")
        if not isinstance(node, dict):
            return None
    return node


def shows_private(path: tuple) -> bool:
    """Whether a message that quotes the value at ``path`` (or everything below it) could show what a
    person wrote in a private field. A vocabulary id there (a category) is not free text."""
    paths = private_paths(template())
    path = tuple("*" if isinstance(step, int) else step for step in path)
    if is_private(path, paths):
        schema = field_schema(path) or {}
        return not ("x-vocab" in schema or "enum" in schema)
    return any(len(p) > len(path) and is_private(p[:len(path)], (path,)) for p in paths)


def private_echoes(checks: list, facts: list) -> list[tuple[int, str]]:
    """The checks (by index) whose message could quote a private field, and the field named.

    A message placeholder names a field of the element in scope (``{name}``, ``{stage}``) or a
    fact (``{facts[x][y]}``); a fact reads the plan through its operands (``$.a``, ``$plan.a.b``,
    a list ``items`` with a ``field``, another fact)."""
    by_id = {f.get("id"): f for f in facts if isinstance(f, dict)}
    found = []
    for i, check in enumerate(checks):
        if not isinstance(check, dict) or not isinstance(check.get("message"), dict):
            continue
        scope = _scope_path(check.get("scope"))
        for text in check["message"].values():
            for field in _placeholders(text):
                head, *rest = field
                if head == "facts":
                    if rest and _fact_reads_private(by_id, rest[0], set()):
                        found.append((i, ".".join(map(str, field))))
                elif scope is not None and shows_private((*scope, head, *rest)):
                    found.append((i, ".".join(map(str, field))))
    return found


def _scope_path(scope) -> tuple | None:
    if not isinstance(scope, str) or scope == "builtin":
        return None
    if scope == "plan":
        return ()
    return tuple(step for part in scope.split(".")
                 for step in ((part.removesuffix("[*]"), "*") if part.endswith("[*]") else (part,)))


def _placeholders(text) -> list[list]:
    """The fields a str.format template names: ``facts[a][b]`` -> ["facts", "a", "b"]."""
    import string

    fields = []
    try:
        parsed = list(string.Formatter().parse(text)) if isinstance(text, str) else []
    except ValueError:  # a malformed template: the message check reports it
        return []
    for _, name, _, _ in parsed:
        if name:
            head, _, tail = name.partition("[")
            fields.append([*head.split("."), *(p for p in tail.replace("]", "").split("[") if p)] if tail
                          else head.split("."))
    return fields


def _fact_reads_private(facts: dict, fact_id: str, seen: set) -> bool:
    fact = facts.get(fact_id)
    if not isinstance(fact, dict) or fact_id in seen:
        return False
    seen.add(fact_id)
    scope = _scope_path(fact.get("scope")) or ()
    args = fact.get("args") if isinstance(fact.get("args"), dict) else {}
    field = args.get("field")
    for value in _operands(args):
        head, _, rest = value.partition(".")
        steps = tuple(rest.split(".")) if rest else ()
        if head == "$facts":
            if _fact_reads_private(facts, steps[0] if steps else "", seen):
                return True
            continue
        base = {"$": scope, "$plan": ()}.get(head)
        if base is None:
            continue
        path = (*base, *steps)
        if isinstance(field, str) and value == args.get("items"):
            path = (*path, "*", field)
        if shows_private(path):
            return True
    return False


def _operands(value) -> list[str]:
    """Every ``$...`` operand among a fact's arguments, however deeply they are written."""
    if isinstance(value, str):
        return [value] if value.startswith("$") else []
    if isinstance(value, dict):
        return [o for v in value.values() for o in _operands(v)]
    if isinstance(value, list):
        return [o for v in value for o in _operands(v)]
    return []
