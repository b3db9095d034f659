"""JSON Schema on the hot path: jsonschema-rs says whether data is valid, quickly; only when it is
not does the pure-Python jsonschema run, to say what is wrong and where (see schema_check).

jsonschema-rs (Rust) validates a plan some 70 times faster than jsonschema; the Python library
stays the reference for error details and for the rule files' own keywords (x-ref, ...).
"""

from __future__ import annotations

import json
from functools import cached_property

import jsonschema_rs

from .yamlload import Location


# Each schema is compiled once per process: a resident checker (see resident) serves many runs.
_COMPILED: dict[str, object] = {}


class FastSchema:
    """Compiled when first used: a check run on one plan, as a pre-commit hook makes, compiles
    only the schemas that plan needs (each check's own only where the checks of a scope fail)."""

    def __init__(self, schema: dict):
        self.source = schema

    @cached_property
    def text(self) -> str:
        return json.dumps(self.source)

    @cached_property
    def schema(self) -> dict:
        return json.loads(self.text)  # plain dicts and lists, as the Rust side takes them

    @cached_property
    def fast(self):
        compiled = _COMPILED.get(self.text)
        if compiled is None:
            compiled = _COMPILED[self.text] = jsonschema_rs.validator_for(self.schema, validate_formats=True)
        return compiled  # validate_formats: a date must be a real one

    def is_valid(self, data) -> bool:
        return self.fast.is_valid(data)

    @cached_property
    def slow(self):
        from jsonschema import Draft202012Validator  # imported only when something is wrong
        return Draft202012Validator(self.schema, format_checker=Draft202012Validator.FORMAT_CHECKER)

    @cached_property
    def private(self) -> tuple:
        """Where the schema marks a field private (x-private): problems there do not quote the value."""
        from .plan_schema import private_paths
        return private_paths(self.schema)

    def problems(self, data, fallback: Location) -> list:
        """Every problem of ``data``, each at its node; nothing at all when it is valid."""
        if self.fast.is_valid(data):
            return []
        from . import schema_check
        return schema_check.problems(self.slow, data, fallback, self.private)
