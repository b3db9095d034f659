"""Playbook: a key-account sales method kept as YAML rules, and the tools that check plans against it."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("playbook")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
