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
    return one_line(_catalog()[code][lang].format(**params))


def one_line(message: str) -> str:
    """A message stays on its line: a value's line breaks and control characters are shown escaped."""
    if message.isprintable():
        return message
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)


def default_lang() -> str:
    """Chinese when the locale says so, English otherwise."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    loc = locale.getlocale()[0] or ""
    return "zh" if loc.lower().startswith("zh") else "en"
