"""The tool's own words in Simplified Chinese and English (the rules carry their own texts)."""

from __future__ import annotations

import locale
import os
from functools import cache
from pathlib import Path

LANGS = ("zh", "en")


@cache
def _catalog() -> dict:
    """Read by every run, so with the loader that reads the plans: it takes under half the time
    of ``yaml.load``."""
    from .yamlload import load_bytes  # here, not above: yamlload's problems are worded by this module

    path = Path(__file__).with_name("messages.yaml")
    return load_bytes(path.read_bytes(), str(path), [])


def text(code: str, lang: str, **params) -> str:
    """The message ``code`` in ``lang``, filled in with ``params`` (a Text among them in ``lang`` too)."""
    params = {k: v.render(lang) if isinstance(v, Text) else v for k, v in params.items()}
    return one_line(_catalog()[code][lang].format(**params))


def known(code: str) -> bool:
    return code in _catalog()


class Text:
    """A message not yet put into a language: a part of another message, rendered with it."""

    __slots__ = ("code", "params")

    def __init__(self, code: str, **params):
        self.code, self.params = code, params

    def render(self, lang: str) -> str:
        return text(self.code, lang, **self.params)

    def __eq__(self, other) -> bool:
        return isinstance(other, Text) and (self.code, self.params) == (other.code, other.params)

    def __hash__(self) -> int:
        return hash(self.code)

    def __repr__(self) -> str:
        return f"Text({self.code!r}, **{self.params!r})"


def one_line(message: str) -> str:
    """A message stays on its line: a value's line breaks and control characters are shown escaped."""
    if message.isprintable():
        return message
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)


def default_lang() -> str:
    """Chinese when the locale says so, English otherwise. As in GNU gettext, LANGUAGE (a list
    such as ``zh_CN:en``, its first entry first) comes before LC_ALL, LC_MESSAGES and LANG."""
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = next((v for v in os.environ.get(var, "").split(":") if v), "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    loc = locale.getlocale()[0] or ""
    return "zh" if loc.lower().startswith("zh") else "en"
