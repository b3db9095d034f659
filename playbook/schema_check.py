"""Validate YAML data against a JSON Schema and say what is wrong, and where, in the user's terms.

jsonschema finds the errors; this module adds Playbook's keywords (``x-ref``, ``x-unique``,
``x-ahp``), points each error at the node the user wrote, and words it in either language with
a "did you mean" where a name was misspelt, or with the schema's own ``x-message``.
"""

from __future__ import annotations

from collections.abc import Callable

from jsonschema import Draft202012Validator, ValidationError, validators
from jsonschema.exceptions import SchemaError, best_match

from . import ahp, rule_schemas
from .plan_schema import is_private, private_echoes
from .problems import Problem
from .suggest import suggest
from .yamlload import Location, locate, locate_key

JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string",
              type(None): "null", bytes: "binary"}


def rule_error(code: str, path=(), **params) -> ValidationError:
    """An error from one of Playbook's keywords: a message code and its parameters."""
    error = ValidationError(code, path=path)
    error.playbook = (code, params)
    return error


def make_validator(schema: dict, ids: dict[str, dict], threshold: Callable[[str], float]):
    """A validator for ``schema`` whose ``x-ref`` looks ids up in ``ids`` (collection -> ids)."""

    def x_ref(validator, collection, instance, schema):
        known = everything if collection == "*" else ids.get(collection, ())
        if isinstance(instance, str) and instance not in known:
            yield rule_error("unknown_ref", collection=collection, value=instance, hint=suggest(instance, known))

    def x_json_schema(validator, enabled, instance, schema):
        if enabled and isinstance(instance, dict):
            try:
                Draft202012Validator.check_schema(instance)
            except SchemaError as e:
                yield rule_error("bad_condition", path=tuple(e.absolute_path), detail=e.message)

    def x_unique(validator, fields, instance, schema):
        if not isinstance(instance, list):
            return
        seen = {}
        for i, item in enumerate(instance):
            if not isinstance(item, dict):
                continue
            combo = tuple(repr(item.get(f)) for f in fields)
            if combo in seen:
                yield rule_error("duplicate_combination", path=(i,), first=seen[combo],
                                 combination=", ".join(f"{f}={item.get(f)}" for f in fields))
            else:
                seen[combo] = item.get("id", i)

    def x_ahp(validator, limit_id, instance, schema):
        if not isinstance(instance, dict):
            return
        for code, path, params in ahp.problems(instance, threshold(limit_id)):
            yield rule_error(code, path=path, **params)

    def x_no_private_echo(validator, enabled, instance, schema):
        if enabled and isinstance(instance, dict):
            for i, field in private_echoes(instance.get("checks") or [], instance.get("facts") or []):
                yield rule_error("message_shows_private", path=("checks", i, "message"), field=field)

    everything = {i for known in ids.values() for i in known} | set(ids)  # "*": any item or collection
    cls = validators.extend(Draft202012Validator, {"x-ref": x_ref, "x-unique": x_unique, "x-ahp": x_ahp,
                                                   "x-json-schema": x_json_schema,
                                                   "x-no-private-echo": x_no_private_echo})
    return cls(schema, registry=rule_schemas.registry())


def problems(validator, doc, fallback: Location, private=()) -> list[Problem]:
    """Every schema problem of ``doc``, each at the node it concerns and reported once (the same
    missing key, or a date that fails both its pattern and its format, is one problem). One in
    a field under a ``private`` path is worded without the value."""
    found: dict = {}
    for error in validator.iter_errors(doc):
        for problem in _translate(_deepest(error), doc, fallback):
            if private and is_private(problem.node, private):
                problem = problem.hidden()
            found.setdefault((problem.location, problem.code, repr(sorted(problem.params.items()))), problem)
    return list(found.values())


def _deepest(error: ValidationError) -> ValidationError:
    """For anyOf / oneOf, the branch error that says most."""
    while error.context:
        error = best_match(error.context)
    return error


def _translate(error: ValidationError, doc, fallback: Location) -> list[Problem]:
    path = tuple(error.absolute_path)
    return [p.at_node(p.node or path) for p in _words(error, path, doc, fallback)]


def _words(error: ValidationError, path: tuple, doc, fallback: Location) -> list[Problem]:
    where = locate(doc, path) or fallback
    instance, kw, value = error.instance, error.validator, error.validator_value
    if "propertyNames" in error.absolute_schema_path:  # the error is about a key of the mapping
        where = locate_key(_node(doc, path), instance) or where
        path = (*path, instance)
    if hasattr(error, "playbook"):
        code, params = error.playbook
        return [Problem(where, code, **params)]
    if isinstance(error.schema, dict) and "x-message" in error.schema:  # the schema says what its value means
        return [Problem(where, error.schema["x-message"], value=_short(instance))]
    if kw in ("additionalProperties", "unevaluatedProperties"):
        allowed = rule_schemas.properties(error.schema)
        return [Problem(locate_key(instance, key) or where, "unknown_key", key=key,
                        hint=suggest(key, allowed)).at_node((*path, key))
                for key in instance if key not in allowed]
    if kw == "required":  # one error per missing key, each with the whole list: problems() keeps one each
        props = rule_schemas.properties(error.schema)
        return [Problem(where, "missing_key", key=key, **_titles(props.get(key, {}), key))
                for key in value if key not in instance]
    if kw == "type":
        expected = value if isinstance(value, str) else " / ".join(value)
        got = JSON_TYPES.get(type(instance), "mapping" if isinstance(instance, dict) else
                             "list" if isinstance(instance, list) else type(instance).__name__)
        if isinstance(instance, (dict, list)):
            return [Problem(where, "wrong_type_collection", expected=expected, got=got)]
        return [Problem(where, "wrong_type_yaml11" if isinstance(instance, bool) else "wrong_type",
                        expected=expected, got=got, value=_short(instance))]
    if kw == "enum" and isinstance(instance, bool):  # `fail_on: no` meant the text "no"
        return [Problem(where, "wrong_type_yaml11", expected=", ".join(map(str, value)), got="boolean",
                        value=_short(instance))]
    if kw == "enum":
        return [Problem(where, "not_in_enum", value=_short(instance),
                        allowed=", ".join(map(str, value)), hint=suggest(instance, map(str, value)))]
    if kw == "const":
        return [Problem(where, "not_const", value=_short(instance), expected=value)]
    if kw in ("pattern", "format"):
        hint = error.schema.get("x-hint") or {"zh": value, "en": value}
        return [Problem(where, "bad_pattern", value=_short(instance), expect_zh=hint["zh"], expect_en=hint["en"])]
    if kw in ("minLength", "minItems", "maxItems", "maxLength", "minimum", "maximum",
              "exclusiveMinimum", "exclusiveMaximum"):
        return [Problem(where, "bound_" + kw, limit=value, value=_short(instance))]
    if isinstance(instance, (dict, list)):  # jsonschema's own words would quote all of it
        return [Problem(where, "schema_other", detail=f"{kw}: {_short(value)}")]
    return [Problem(where, "schema_other", detail=error.message)]


def _node(doc, path):
    for step in path:
        doc = doc[step]
    return doc


def _titles(schema: dict, key: str) -> dict:
    """``what_zh`` / ``what_en``: the bilingual title of a field, for messages about it."""
    t = schema.get("x-title") or rule_schemas.resolve(schema).get("x-title") or {"zh": key, "en": key}
    return {"what_zh": t["zh"], "what_en": t["en"]}


def _short(value: object) -> str:
    """A value as a message quotes it: text cut at 60 characters, a mapping or a list not spelt out."""
    if isinstance(value, (dict, list)):
        return "{…}" if isinstance(value, dict) else "[…]"
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:57] + "..."
