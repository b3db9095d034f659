"""The tool's own words in Simplified Chinese and English (the rules carry their own texts)."""

from __future__ import annotations

import locale
import os
from functools import cache
from importlib.resources import files

import yaml

LANGS = ("zh", "en")


@cache
def _catalog() -> dict:
    return yaml.load(files("playbook").joinpath("messages.yaml").read_bytes(), Loader=yaml.CSafeLoader)


def text(code: str, lang: str, **params) -> str:
    """The message ``code`` in ``lang``, filled in with ``params``."""
    return _catalog()[code][lang].format(**params)


def default_lang() -> str:
    """Chinese when the locale says so, English otherwise."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    loc = locale.getlocale()[0] or ""
    return "zh" if loc.lower().startswith("zh") else "en"
