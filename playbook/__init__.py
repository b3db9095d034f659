"""Playbook: a key-account sales method kept as YAML rules, and the tools that check plans against it."""

__version__ = "0.1.0"  # the one place the version is written (pyproject.toml reads it)

from pathlib import Path

SCHEMAS = Path(__file__).parent / "schemas"  # the plan, configuration and rule-file schemas
